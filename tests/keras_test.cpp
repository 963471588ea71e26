// Keras dtype policies (analyzer/pipeline/keras.h): the policies and the
// positions of their `dtype` keys in each config layout, the weights each
// layer's policy covers, the plan loader for model.to_json() output, and the
// policies the HDF5 reader finds in a .keras archive's config.json and in a
// Keras 2 .h5's model_config. The fixtures (tests/golden/keras/, written by
// make_fixtures.py with h5py + NumPy) follow Keras's layouts; their counts are
// NumPy's float32 -> float16 and torch's float32 -> bfloat16 (tf.cast rounds
// once, as they do).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzer/formats/hdf5.h"
#include "analyzer/formats/readers.h"
#include "analyzer/input_error.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/pipeline/keras.h"
#include "analyzer/pipeline/loaders.h"
#include "analyzer/scan/scan.h"
#include "document/glob.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kFixtures = testing_support::kSourceDir + "/tests/golden/keras";

class UseBuildHelper : public testing::Environment {
 public:
  void SetUp() override { test_hooks::set_hdf5_helper(DTLINT_HDF5_HELPER); }
};
const auto* const kHelperEnvironment = testing::AddGlobalTestEnvironment(new UseBuildHelper);

const json& expected() {
  static const json doc = json::parse(testing_support::read_file(kFixtures + "/expected.json"));
  return doc;
}

std::vector<keras::LayerPolicy> policies_of(const std::string& text) {
  return keras::layer_policies(document::parse_json(text, "model.json"), "model.json");
}

const keras::LayerPolicy* find_layer(const std::vector<keras::LayerPolicy>& policies,
                                     const std::string& name) {
  for (const keras::LayerPolicy& policy : policies) {
    if (policy.layer == name) return &policy;
  }
  return nullptr;
}

TEST(KerasPolicy, SnakeCaseIsKerasNamingToSnakeCase) {
  // What keras.src.utils.naming.to_snake_case gives (its three regular expressions by hand).
  EXPECT_EQ(keras::snake_case("Dense"), "dense");
  EXPECT_EQ(keras::snake_case("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(keras::snake_case("MultiHeadAttention"), "multi_head_attention");
  EXPECT_EQ(keras::snake_case("Conv2D"), "conv2d");
  EXPECT_EQ(keras::snake_case("Conv2DTranspose"), "conv2d_transpose");
  EXPECT_EQ(keras::snake_case("LSTM"), "lstm");
  EXPECT_EQ(keras::snake_case("GRUCell"), "gru_cell");
  EXPECT_EQ(keras::snake_case("TimeDistributed"), "time_distributed");
  EXPECT_EQ(keras::snake_case("My-Layer"), "my_layer");
}

TEST(KerasPolicy, ComputeDtypes) {
  EXPECT_EQ(keras::compute_dtype("mixed_float16"), DType::Float16);
  EXPECT_EQ(keras::compute_dtype("float16"), DType::Float16);
  EXPECT_EQ(keras::compute_dtype("mixed_bfloat16"), DType::BFloat16);
  EXPECT_EQ(keras::compute_dtype("bfloat16"), DType::BFloat16);
  EXPECT_EQ(keras::compute_dtype("int8_from_mixed_bfloat16"), DType::BFloat16);
  EXPECT_EQ(keras::compute_dtype("float32"), std::nullopt);
  EXPECT_EQ(keras::compute_dtype("float64"), std::nullopt);
  EXPECT_EQ(keras::compute_dtype("int8_from_float32"), std::nullopt);
  EXPECT_EQ(keras::compute_dtype("_infer"), std::nullopt);
  EXPECT_EQ(keras::compute_dtype("mixed_float17"), std::nullopt);
}

// Keras 3: a policy object per layer, paths by class name made unique, an
// InputLayer skipped, a float32 layer declaring nothing.
TEST(KerasPolicy, Keras3SequentialPoliciesAndPositions) {
  const std::string text = R"({"module": "keras", "class_name": "Sequential", "config": {
  "name": "seq", "layers": [
    {"class_name": "InputLayer", "config": {"name": "in", "dtype": "float32"}},
    {"class_name": "Dense", "config": {"name": "first",
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}}},
    {"class_name": "Dense", "config": {"name": "second", "dtype": "float32"}},
    {"class_name": "Dense", "config": {"name": "third", "dtype": "bfloat16"}},
    {"class_name": "LayerNormalization", "config": {"name": "n[1]",
       "dtype": {"class_name": "FloatDTypePolicy", "config": {"name": "mixed_bfloat16"}}}}
  ]}})";
  const auto policies = policies_of(text);
  ASSERT_EQ(policies.size(), 3u);
  EXPECT_EQ(policies[0].layer, "first");
  EXPECT_EQ(policies[0].policy, "mixed_float16");
  EXPECT_EQ(policies[0].compute, DType::Float16);
  EXPECT_EQ(policies[0].at, (document::Position{5, 7}));
  EXPECT_EQ(policies[0].keras3_members, std::vector<std::string>{"layers/dense/**"});
  EXPECT_EQ(policies[0].keras2_members, std::vector<std::string>{"first/**"});
  EXPECT_EQ(policies[1].layer, "third");
  EXPECT_EQ(policies[1].at, (document::Position{7, 57}));
  EXPECT_EQ(policies[1].keras3_members, std::vector<std::string>{"layers/dense_2/**"});
  EXPECT_EQ(policies[2].compute, DType::BFloat16);
  EXPECT_EQ(policies[2].keras3_members, std::vector<std::string>{"layers/layer_normalization/**"});
  // The name's glob characters are literal.
  EXPECT_EQ(policies[2].keras2_members, std::vector<std::string>{"n\\[1\\]/**"});
  EXPECT_TRUE(glob_match(policies[2].keras2_members[0], "n[1]/n[1]/gamma:0"));
  EXPECT_FALSE(glob_match(policies[2].keras2_members[0], "n1/n1/gamma:0"));
}

// Keras 2 functional with a nested model: top-level groups by layer name, the
// nested model's layers inside its group; Keras 3 paths nest "layers" lists.
TEST(KerasPolicy, NestedModelsAndWrappers) {
  const std::string text = R"({"class_name": "Functional", "keras_version": "2.13.1", "config": {"layers": [
 {"class_name": "Sequential", "name": "block", "config": {"name": "block", "layers": [
   {"class_name": "Dense", "config": {"name": "inner", "dtype": {"class_name": "Policy", "config": {"name": "mixed_float16"}}}}]}},
 {"class_name": "TimeDistributed", "config": {"name": "td", "dtype": "float32",
   "layer": {"class_name": "Dense", "config": {"name": "step", "dtype": "float16"}}}},
 {"class_name": "Bidirectional", "config": {"name": "bi", "dtype": "mixed_bfloat16",
   "layer": {"class_name": "LSTM", "config": {"name": "fwd", "dtype": "mixed_bfloat16"}},
   "backward_layer": {"class_name": "LSTM", "config": {"name": "bwd", "dtype": "mixed_bfloat16"}}}}
]}})";
  const auto policies = policies_of(text);
  ASSERT_EQ(policies.size(), 4u);
  const auto* inner = find_layer(policies, "inner");
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->keras3_members, std::vector<std::string>{"layers/sequential/layers/dense/**"});
  EXPECT_EQ(inner->keras2_members, std::vector<std::string>{"block/inner/**"});
  EXPECT_EQ(inner->at, (document::Position{3, 56}));
  const auto* step = find_layer(policies, "step");
  ASSERT_TRUE(step);
  EXPECT_EQ(step->keras3_members, std::vector<std::string>{"layers/time_distributed/layer/**"});
  EXPECT_EQ(step->keras2_members, std::vector<std::string>{"td/**"});  // the wrapper's group
  const auto* fwd = find_layer(policies, "fwd");
  const auto* bwd = find_layer(policies, "bwd");
  ASSERT_TRUE(fwd && bwd);
  EXPECT_EQ(fwd->keras3_members, std::vector<std::string>{"layers/bidirectional/forward_layer/**"});
  EXPECT_EQ(bwd->keras3_members, std::vector<std::string>{"layers/bidirectional/backward_layer/**"});
  EXPECT_TRUE(bwd->keras2_members.empty());  // the forward layer's glob covers the group
}

// A layer without a dtype takes its model's (the model-wide policy).
TEST(KerasPolicy, LayersWithoutDtypeTakeTheirModelsPolicy) {
  const std::string text = R"({"class_name": "Sequential", "module": "keras", "config": {"name": "s",
  "dtype": "mixed_float16", "layers": [{"class_name": "Dense", "config": {"name": "d"}}]}})";
  const auto policies = policies_of(text);
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0].layer, "d");
  EXPECT_EQ(policies[0].at, (document::Position{2, 3}));
}

TEST(KerasPolicy, BrokenDtypesAreErrorsAtTheirPosition) {
  try {
    policies_of(R"({"class_name": "Sequential", "config": {"layers": [
  {"class_name": "Dense", "config": {"name": "d", "dtype": 16}}]}})");
    FAIL() << "no error";
  } catch (const document::DocumentError& error) {
    EXPECT_EQ(error.position(), (document::Position{2, 60}));
    EXPECT_EQ(error.key(), "config.layers[0].config.dtype");
  }
  EXPECT_THROW(policies_of(R"({"class_name": "Sequential", "config": {"layers": [
  {"class_name": "Dense", "config": {"name": "d", "dtype": {"class_name": "Policy", "config": {}}}}]}})"),
               document::DocumentError);
  // A quantization map is not a per-layer policy: nothing declared, no error.
  EXPECT_TRUE(policies_of(R"({"class_name": "Sequential", "config": {"layers": [
  {"class_name": "Dense", "config": {"name": "d", "dtype": {"class_name": "DTypePolicyMap", "config": {}}}}]}})")
                  .empty());
}

TEST(KerasPolicy, RecognisesKerasConfigsOnly) {
  const auto is_keras = [](const std::string& text) {
    return keras::is_model_config(document::parse_json(text, "x.json"));
  };
  EXPECT_TRUE(is_keras(R"({"class_name": "Sequential", "config": {"layers": []}})"));
  EXPECT_TRUE(is_keras(R"({"class_name": "Dense", "config": {}, "module": "keras.layers"})"));
  EXPECT_TRUE(is_keras(R"({"class_name": "M", "config": {}, "keras_version": "2.13.1"})"));
  EXPECT_FALSE(is_keras(R"({"class_name": "M", "config": {}})"));
  EXPECT_FALSE(is_keras(R"({"torch_dtype": "float16", "architectures": ["Bert"]})"));
  EXPECT_FALSE(is_keras(R"([1, 2])"));
}

// The members a fixture's expected.json lists: bound to the right layer, or to none.
void expect_binding(const json& want,
                    const std::map<std::string, std::shared_ptr<const CastDeclaration>>& bound,
                    const std::string& config_path, const std::optional<std::string>& config_member) {
  for (const auto& [member, w] : want["members"].items()) {
    const auto it = bound.find(member);
    ASSERT_NE(it, bound.end()) << member;
    const CastDeclaration& declaration = *it->second;
    const std::string layer = w["layer"];
    const json& declared = want["declarations"][layer];
    EXPECT_EQ(declaration.kind, DeclarationKind::KerasPolicy);
    EXPECT_EQ(declaration.name, "layer '" + layer + "' policy " + declared["policy"].get<std::string>())
        << member;
    EXPECT_EQ(declaration.identity, "layer " + layer + " policy " + declared["policy"].get<std::string>());
    ASSERT_EQ(declaration.casts.size(), 1u);
    EXPECT_EQ(name(declaration.casts[0]), w["target"].get<std::string>()) << member;
    EXPECT_EQ(declaration.semantics, Semantics::TensorFlow);
    EXPECT_EQ(declaration.where.path, config_path);
    EXPECT_EQ(declaration.where.member, config_member);
    EXPECT_EQ(declaration.where.line, declared["at"][0].get<int>()) << member;
    EXPECT_EQ(declaration.where.column, declared["at"][1].get<int>()) << member;
  }
  for (const json& member : want["unbound"])
    EXPECT_FALSE(bound.contains(member.get<std::string>())) << member;
}

// model.to_json() beside its weights: bindings to the weights file by member
// globs, which match the fixture's members as expected.json says.
TEST(KerasPlanLoader, BindsEachLayersPolicyToItsWeightsBesideTheJson) {
  for (const std::string weights : {"keras3_json/model.weights.h5", "keras2_json/model.h5"}) {
    const json& want = expected()[weights];
    const std::string config = kFixtures + "/" + want["config"].get<std::string>();
    const std::optional<CastPlan> plan = load_plan_file(config);
    ASSERT_TRUE(plan) << config;
    EXPECT_TRUE(plan->missing.empty());
    std::map<std::string, std::shared_ptr<const CastDeclaration>> bound;
    std::vector<std::string> members;
    for (const auto& [member, w] : want["members"].items()) members.push_back(member);
    for (const json& member : want["unbound"]) members.push_back(member);
    for (const CastPlan::Binding& binding : plan->bindings) {
      EXPECT_EQ(binding.file, kFixtures + "/" + weights);
      ASSERT_TRUE(binding.declaration.member);
      for (const std::string& member : members) {
        if (glob_match(*binding.declaration.member, member)) {
          EXPECT_FALSE(bound.contains(member)) << member << " bound twice";
          bound[member] = binding.declaration.declaration;
        }
      }
    }
    expect_binding(want, bound, config, std::nullopt);
  }
}

TEST(KerasPlanLoader, NoWeightsBesideTheJsonIsOneMissingSourceAtItsTop) {
  const std::string config = kFixtures + "/missing/model.json";
  const std::optional<CastPlan> plan = load_plan_file(config);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->bindings.empty());
  ASSERT_EQ(plan->missing.size(), 1u);
  EXPECT_EQ(plan->missing[0].where.path, config);
  EXPECT_EQ(plan->missing[0].where.line, 1);
  EXPECT_EQ(plan->missing[0].where.column, 1);
  EXPECT_NE(plan->missing[0].message.find("model.weights.h5, model.h5, model_weights.h5"), std::string::npos)
      << plan->missing[0].message;
  EXPECT_EQ(plan->missing[0].declaration->name, "layer 'dense' policy mixed_float16");
}

TEST(KerasPlanLoader, OtherJsonIsNotAPlanAndABrokenPolicyIsAnInputError) {
  const testing_support::TempDir dir;
  testing_support::write_text(dir / "data.json", R"({"class_name": "x", "values": [1, 2]})");
  EXPECT_FALSE(load_plan_file(dir / "data.json"));
  // A Keras model in float32 throughout declares nothing: no plan.
  testing_support::write_text(dir / "float32.json", R"({"class_name": "Sequential", "config": {"layers": [
  {"class_name": "Dense", "config": {"name": "d", "dtype": "float32"}}]}})");
  EXPECT_FALSE(load_plan_file(dir / "float32.json"));
  testing_support::write_text(dir / "model.json", R"({"class_name": "Sequential", "config": {"layers": [
  {"class_name": "Dense", "config": {"name": "d", "dtype": [1]}}]}})");
  EXPECT_TRUE(testing_support::fails_with([&] { load_plan_file(dir / "model.json"); }, dir / "model.json",
                                          "line 2, column 60: config.layers[0].config.dtype: a dtype is a "
                                          "string, a dtype policy object or null"));
}

TEST(KerasPlanLoader, WeightsFileChoice) {
  const testing_support::TempDir dir;
  testing_support::write_text(dir / "net.json", "{}");
  EXPECT_EQ(keras::keras_weights_file(dir / "net.json"), std::nullopt);
  testing_support::write_text(dir / "other.weights.h5", "");
  EXPECT_EQ(keras::keras_weights_file(dir / "net.json"), dir / "other.weights.h5");  // the folder's only one
  testing_support::write_text(dir / "more.weights.h5", "");
  EXPECT_EQ(keras::keras_weights_file(dir / "net.json"), std::nullopt);  // which one is not said
  testing_support::write_text(dir / "net_weights.h5", "");
  EXPECT_EQ(keras::keras_weights_file(dir / "net.json"), dir / "net_weights.h5");
  testing_support::write_text(dir / "net.h5", "");
  EXPECT_EQ(keras::keras_weights_file(dir / "net.json"), dir / "net.h5");
  testing_support::write_text(dir / "net.weights.h5", "");
  EXPECT_EQ(keras::keras_weights_file(dir / "net.json"), dir / "net.weights.h5");
}

// Beside a Keras 2 .h5 (not yet opened: whole model or save_weights), a
// layer's weights are looked for under both roots; beside a *.weights.h5,
// Keras 3's paths.
TEST(KerasPlanLoader, GlobsFollowTheWeightsFilesLayout) {
  const std::string model = R"({"class_name": "Sequential", "keras_version": "2.13.1", "config": {"layers": [
  {"class_name": "Dense", "config": {"name": "dense", "dtype": "mixed_float16"}}]}})";
  const auto members_of = [](const std::string& config) {
    std::vector<std::string> members;
    const std::optional<CastPlan> plan = load_plan_file(config);
    if (!plan) return members;
    for (const CastPlan::Binding& binding : plan->bindings)
      members.push_back(binding.declaration.member.value_or(""));
    return members;
  };
  const testing_support::TempDir dir;
  testing_support::write_text(dir / "net.json", model);
  testing_support::write_text(dir / "net.h5", "");
  EXPECT_EQ(members_of(dir / "net.json"), (std::vector<std::string>{"model_weights/dense/**", "dense/**"}));
  testing_support::write_text(dir / "net.weights.h5", "");
  EXPECT_EQ(members_of(dir / "net.json"), (std::vector<std::string>{"layers/dense/**"}));
}

// The HDF5 reader declares the policies of the config the file holds over its arrays.
TEST(KerasInFile, KerasArchiveAndKeras2ModelDeclareTheirLayersWeights) {
  for (const std::string file : {"functional.keras", "keras2_model.h5"}) {
    const json& want = expected()[file];
    const std::string path = kFixtures + "/" + file;
    const ContainerContents contents = read_path(&read_hdf5, path, path);
    for (const MemberIssue& issue : contents.unreadable)
      ADD_FAILURE() << issue.location.display() << issue.reason;
    std::map<std::string, std::shared_ptr<const CastDeclaration>> bound;
    for (const DeclaredMember& declared : contents.declared) {
      EXPECT_FALSE(bound.contains(declared.member)) << declared.member << " declared twice";
      bound[declared.member] = declared.declaration;
    }
    EXPECT_EQ(bound.size(), want["members"].size()) << file;
    const std::string config = want["config"];
    expect_binding(want, bound, path, config.substr(config.find(':') + 1));
  }
}

// A model_config past the limit is not read: one issue at the member, the
// weights still listed. (The limit is lowered: a 16 MiB attribute cannot be a
// small fixture, HDF5 attributes are not compressed.)
TEST(KerasInFile, AModelConfigPastTheLimitIsOneIssueAndTheWeightsAreRead) {
  Hdf5HelperLimits limits;
  limits.model_config_bytes = 100;
  test_hooks::set_hdf5_limits(limits);
  const std::string path = kFixtures + "/keras2_model.h5";
  const ContainerContents contents = read_path(&read_hdf5, path, path);
  test_hooks::set_hdf5_limits({});
  ASSERT_EQ(contents.unreadable.size(), 1u);
  EXPECT_EQ(contents.unreadable[0].location, Location(path, "model_config"));
  EXPECT_NE(contents.unreadable[0].reason.find("bytes, more than the 100 bytes dtlint reads"),
            std::string::npos)
      << contents.unreadable[0].reason;
  EXPECT_TRUE(contents.declared.empty());
  EXPECT_EQ(contents.array_count(), expected()["keras2_model.h5"]["members"].size() +
                                        expected()["keras2_model.h5"]["unbound"].size());
}

TEST(KerasInFile, AVariableLengthModelConfigIsReadToo) {
  const std::string path =
      testing_support::kSourceDir + "/tests/hostile/corpus_keras/variable_length_config.h5";
  const ContainerContents contents = read_path(&read_hdf5, path, path);
  EXPECT_TRUE(contents.unreadable.empty());
  ASSERT_EQ(contents.declared.size(), 1u);
  EXPECT_EQ(contents.declared[0].member, "model_weights/dense/dense/kernel:0");
  EXPECT_EQ(contents.declared[0].declaration->name, "layer 'dense' policy mixed_float16");
}

// The scan simulates each bound member's declared cast as Keras computes it
// (tf.cast: the tensorflow profile, whatever the run's) and its counts equal
// NumPy's / torch's; members no policy covers get no declared cast.
TEST(KerasGolden, DeclaredCastCountsMatchThePeers) {
  for (const auto& [weights, want] : expected().items()) {
    const std::string config = want["config"];
    ScanOptions options;
    options.semantics = Semantics::NumPy;
    options.requests = {default_request(DType::Float32)};
    options.threads = 2;
    std::optional<CastPlan> plan;
    if (config.find(':') == std::string::npos) {  // model.to_json() beside its weights
      plan = load_plan_file(kFixtures + "/" + config);
      ASSERT_TRUE(plan) << config;
      options.declarations_for = [&](const std::string& file) {
        std::vector<FileDeclaration> out;
        for (const CastPlan::Binding& binding : plan->bindings) {
          if (binding.file == file) out.push_back(binding.declaration);
        }
        return out;
      };
    }
    const std::vector<std::string> paths{kFixtures + "/" + weights};
    const ScanResult scan = scan_paths(paths, options);
    for (const Problem& problem : scan.problems) ADD_FAILURE() << weights << ": " << problem.message;
    std::size_t checked = 0;
    for (const ArrayResult& array : scan.arrays) {
      const std::string member = array.location.member.value_or("");
      if (!want["members"].contains(member)) {
        EXPECT_TRUE(array.declared.empty()) << weights << ":" << member;
        continue;
      }
      const json& w = want["members"][member];
      ASSERT_EQ(array.declared.size(), 1u) << weights << ":" << member;
      const BoundCast& bound = array.declared[0];
      EXPECT_EQ(bound.declaration->name.find("layer '" + w["layer"].get<std::string>() + "'"), 0u)
          << bound.declaration->name;
      const CastStats& stats = array.analysis.casts.at(bound.cast);
      EXPECT_EQ(name(stats.target), w["target"].get<std::string>());
      const auto count = [&](CastCounter counter) {
        return stats.counters[static_cast<std::size_t>(counter)].count;
      };
      EXPECT_EQ(count(CastCounter::Overflow), w["counts"]["overflow"]) << weights << ":" << member;
      EXPECT_EQ(count(CastCounter::UnderflowToZero), w["counts"]["underflow_to_zero"])
          << weights << ":" << member;
      EXPECT_EQ(count(CastCounter::Inexact), w["counts"]["inexact"]) << weights << ":" << member;
      ++checked;
    }
    EXPECT_EQ(checked, want["members"].size()) << weights;
  }
}

// `dtlint scan` of the fixtures end to end: PL304 once per declaration at its
// `dtype` key (the config file, or the container's member), naming how many
// of its layer's weights break and the worst one; PL303 for the config
// without weights, at its top.
TEST(KerasEndToEnd, Pl304AtEachPolicysLineAndColumn) {
  const auto result = testing_support::run_dtlint("scan tests/golden/keras --format json --no-progress");
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(result.out);
  std::vector<json> pl304, pl303;
  for (const json& f : report["findings"]) {
    if (f["rule"] == "PL304") pl304.push_back(f);
    if (f["rule"] == "PL303") pl303.push_back(f);
  }
  std::size_t declarations = 0;
  for (const auto& [weights, want] : expected().items()) {
    const std::string config = want["config"];
    const std::size_t colon = config.find(':');
    const std::string path = "tests/golden/keras/" + config.substr(0, colon);
    const json member = colon == std::string::npos ? json(nullptr) : json(config.substr(colon + 1));
    for (const auto& [layer, declared] : want["declarations"].items()) {
      ++declarations;
      std::uint64_t overflow = 0, broken = 0, covered = 0;
      for (const auto& [name, w] : want["members"].items()) {
        if (w["layer"] != layer) continue;
        ++covered;
        overflow += w["counts"]["overflow"].get<std::uint64_t>();
        broken += w["counts"]["overflow"].get<std::uint64_t>() > 0;
      }
      const std::string prefix = "layer '" + layer + "' policy " + declared["policy"].get<std::string>();
      const auto found = std::find_if(pl304.begin(), pl304.end(), [&](const json& f) {
        return f["path"] == path && f["message"].get<std::string>().starts_with(prefix);
      });
      ASSERT_NE(found, pl304.end()) << path << " " << prefix;
      const json& f = *found;
      EXPECT_EQ(f.value("member", json(nullptr)), member) << prefix;
      EXPECT_EQ(f["line"], declared["at"][0]) << prefix;
      EXPECT_EQ(f["column"], declared["at"][1]) << prefix;
      EXPECT_EQ(f["target"], declared["target"]) << prefix;
      EXPECT_EQ(f["count"], overflow) << prefix;
      EXPECT_NE(
          f["message"].get<std::string>().find(std::to_string(broken) + " of " + std::to_string(covered) +
                                               (covered == 1 ? " weight" : " weights")),
          std::string::npos)
          << f["message"];
    }
  }
  EXPECT_EQ(pl304.size(), declarations);
  ASSERT_EQ(pl303.size(), 1u);
  EXPECT_EQ(pl303[0]["path"], "tests/golden/keras/missing/model.json");
  EXPECT_EQ(pl303[0]["line"], 1);
  EXPECT_EQ(pl303[0]["column"], 1);
}

}  // namespace
}  // namespace dtlint
