// The "huggingface" plan loader (analyzer/pipeline/huggingface.h): which
// config.json files it takes, the declaration it makes (name, line and column
// of the key, cast, torch profile), the weights it binds and the shards it
// reports missing; hostile indexes. Golden folders: tests/golden/huggingface/
// (make_fixtures.py, torch 1.13).
#include "analyzer/pipeline/huggingface.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/input_error.h"
#include "analyzer/pipeline/loaders.h"
#include "app/app.h"
#include "scan_support.h"
#include "test_support.h"

namespace dtlint {
namespace {

using testing_support::fails_with;
using testing_support::findings_of;
using testing_support::kSourceDir;
using testing_support::read_file;
using testing_support::scan_json;
using testing_support::TempDir;
using testing_support::WorkingDirectory;
using testing_support::write_text;

const std::string kGolden = "tests/golden/huggingface/";

std::vector<std::string> bound_files(const CastPlan& plan) {
  std::vector<std::string> files;
  for (const CastPlan::Binding& binding : plan.bindings) files.push_back(binding.file);
  return files;
}

std::string config_text(const std::string& dtype_entries) {
  return "{\n  \"architectures\": [\"LlamaForCausalLM\"],\n  \"model_type\": \"llama\",\n" + dtype_entries +
         "\n}\n";
}

// A folder with config.json holding `dtype_entries` (lines 4 on) and empty files named `files`.
void make_folder(const TempDir& dir, const std::string& dtype_entries,
                 const std::vector<std::string>& files) {
  write_text(dir / "config.json", config_text(dtype_entries));
  for (const std::string& file : files) write_text(dir / file, "");
}

TEST(HuggingFace, IsTheFirstPlanLoaderAndClaimsConfigJson) {
  ASSERT_FALSE(plan_loaders().empty());
  EXPECT_EQ(plan_loaders().front().name, "huggingface");
  EXPECT_TRUE(is_plan_file_name("config.json"));
  EXPECT_FALSE(claims_huggingface_config("model.safetensors.index.json"));
  EXPECT_FALSE(claims_huggingface_config("generation_config.json"));
}

// The golden folders: bindings, the declaration's position and cast, as the generator wrote them.
TEST(HuggingFace, GoldenFoldersBindTheirWeightsAtTheDtypeKey) {
  WorkingDirectory here(kSourceDir);
  const nlohmann::json expected = nlohmann::json::parse(read_file(kGolden + "expected.json"));
  ASSERT_EQ(expected.size(), 2u);
  for (const auto& [folder, want] : expected.items()) {
    SCOPED_TRACE(folder);
    const std::string config = kGolden + want["config"].get<std::string>();
    const std::optional<CastPlan> plan = load_plan_file(config);
    ASSERT_TRUE(plan.has_value());
    EXPECT_TRUE(plan->missing.empty());
    std::vector<std::string> files;
    for (const auto& file : want["files"]) files.push_back(kGolden + folder + "/" + file.get<std::string>());
    EXPECT_EQ(bound_files(*plan), files);
    ASSERT_FALSE(plan->bindings.empty());
    const auto& declaration = plan->bindings.front().declaration.declaration;
    for (const CastPlan::Binding& binding : plan->bindings) {
      EXPECT_EQ(binding.declaration.declaration, declaration);  // one declaration covers every weight
      EXPECT_FALSE(binding.declaration.member.has_value());
    }
    const auto& key = want["declaration"];
    EXPECT_EQ(declaration->kind, DeclarationKind::ModelConfig);
    EXPECT_EQ(declaration->name, key["name"].get<std::string>());
    EXPECT_EQ(declaration->where.path, config);
    EXPECT_FALSE(declaration->where.member.has_value());
    EXPECT_EQ(declaration->where.line, key["line"].get<int>());
    EXPECT_EQ(declaration->where.column, key["column"].get<int>());
    ASSERT_EQ(declaration->casts.size(), 1u);
    EXPECT_EQ(name(declaration->casts[0]), key["cast"].get<std::string>());
    EXPECT_EQ(declaration->semantics, Semantics::Torch);
    EXPECT_EQ(declaration->identity,
              key["name"].get<std::string>() + " -> " + key["cast"].get<std::string>());
    EXPECT_FALSE(declaration->rtol || declaration->atol || declaration->expect_dtype);
  }
}

TEST(HuggingFace, FilesInTheWorkingFolderHaveNoPrefix) {
  TempDir dir;
  make_folder(dir, "  \"torch_dtype\": \"torch.float16\"", {"model.safetensors"});
  WorkingDirectory here(dir.path());
  const std::optional<CastPlan> plan = load_plan_file("config.json");
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(bound_files(*plan), std::vector<std::string>{"model.safetensors"});
  const auto& declaration = *plan->bindings.front().declaration.declaration;
  EXPECT_EQ(declaration.where.path, "config.json");
  EXPECT_EQ(declaration.where.line, 4);
  EXPECT_EQ(declaration.where.column, 3);
  EXPECT_EQ(declaration.casts, std::vector<DType>{DType::Float16});
  EXPECT_EQ(declaration.identity, "torch_dtype -> float16");
}

TEST(HuggingFace, DtypeSpellingsAsTorchResolvesThem) {
  const std::vector<std::pair<std::string, DType>> cases{
      {"float16", DType::Float16},   {"torch.float16", DType::Float16},   {"half", DType::Float16},
      {"bfloat16", DType::BFloat16}, {"torch.bfloat16", DType::BFloat16}, {"float32", DType::Float32},
      {"float", DType::Float32},  // torch.float, not NumPy's float64
      {"float64", DType::Float64},   {"torch.double", DType::Float64},
  };
  for (const auto& [text, type] : cases) {
    SCOPED_TRACE(text);
    TempDir dir;
    make_folder(dir, "  \"dtype\": \"" + text + "\"", {"model.safetensors"});
    const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
    ASSERT_TRUE(plan.has_value());
    ASSERT_EQ(plan->bindings.size(), 1u);
    EXPECT_EQ(plan->bindings.front().declaration.declaration->casts, std::vector<DType>{type});
    EXPECT_EQ(plan->bindings.front().declaration.declaration->name, "dtype");
  }
}

// transformers sorts the keys: a classifier's id2label map of thousands of
// classes comes before torch_dtype, beyond the first 64 KiB that are sniffed.
TEST(HuggingFace, ALongLabelMapDoesNotHideTheDtype) {
  TempDir dir;
  std::string labels;
  for (int i = 0; i < 20'000; ++i)
    labels += (i ? ", \"" : "\"") + std::to_string(i) + "\": \"class " + std::to_string(i) + "\"";
  write_text(dir / "config.json",
             "{\n  \"architectures\": [\"ViTForImageClassification\"],\n  \"id2label\": {" + labels +
                 "},\n  \"torch_dtype\": \"float16\"\n}\n");
  write_text(dir / "model.safetensors", "");
  ASSERT_GT(std::filesystem::file_size(dir / "config.json"), kPlanSniffBytes);
  const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->bindings.size(), 1u);
  EXPECT_EQ(plan->bindings.front().declaration.declaration->where.line, 4);
}

TEST(HuggingFace, AutoOrNullDeclaresNoCast) {
  for (const std::string value : {"\"auto\"", "null"}) {
    TempDir dir;
    make_folder(dir, "  \"torch_dtype\": " + value, {"model.safetensors"});
    const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
    ASSERT_TRUE(plan.has_value()) << value;  // still ours: no other loader takes it
    EXPECT_TRUE(plan->bindings.empty()) << value;
    EXPECT_TRUE(plan->missing.empty()) << value;
  }
}

TEST(HuggingFace, SomebodyElsesConfigJsonIsNotOurs) {
  const std::vector<std::string> texts{
      // Keras' config.json (inside a .keras file, or model.to_json()).
      R"({"class_name": "Sequential", "config": {"name": "s", "layers": [], "dtype": "float32"}})",
      R"({"torch_dtype": "float16"})",                 // no transformers marker
      R"({"model_type": "llama", "hidden_size": 4})",  // no dtype key
      R"(["model_type", "torch_dtype"])",
      R"("config")",
  };
  for (const std::string& text : texts) {
    TempDir dir;
    write_text(dir / "config.json", text);
    write_text(dir / "model.safetensors", "");
    EXPECT_FALSE(load_plan_file(dir / "config.json").has_value()) << text;
  }
}

TEST(HuggingFace, AnUnknownDtypeIsAnErrorAtItsLine) {
  TempDir dir;
  make_folder(dir, "  \"torch_dtype\": \"fp17\"", {"model.safetensors"});
  const std::string config = dir / "config.json";
  EXPECT_TRUE(fails_with([&] { load_plan_file(config); }, config,
                         "line 4, column 18: torch_dtype: unknown dtype 'fp17'"));
  make_folder(dir, "  \"torch_dtype\": 16", {});
  EXPECT_TRUE(fails_with(
      [&] { load_plan_file(config); }, config,
      "line 4, column 18: torch_dtype: expected a dtype name such as \"float16\", found a number"));
  make_folder(dir, "  \"text_config\": {\"dtype\": \"int8\"}", {});
  EXPECT_TRUE(fails_with([&] { load_plan_file(config); }, config, "text_config.dtype: unknown dtype 'int8'"));
  // Both keys, as a config edited by hand may hold them: they must agree.
  make_folder(dir, "  \"torch_dtype\": \"float16\",\n  \"dtype\": \"bfloat16\"", {});
  EXPECT_TRUE(
      fails_with([&] { load_plan_file(config); }, config,
                 "line 5, column 3: dtype: declares bfloat16, but torch_dtype (line 4) declares float16"));
  make_folder(dir, "  \"torch_dtype\": \"float16\",\n  \"dtype\": \"torch.float16\"", {"model.safetensors"});
  const std::optional<CastPlan> agreeing = load_plan_file(config);
  ASSERT_TRUE(agreeing.has_value());
  ASSERT_EQ(agreeing->bindings.size(), 1u);
  EXPECT_EQ(agreeing->bindings.front().declaration.declaration->name,
            "torch_dtype");  // the first stands for both
}

TEST(HuggingFace, NestedConfigs) {
  TempDir dir;
  const std::string config = dir / "config.json";
  // Agreeing nested dtypes: the first covers every weight.
  make_folder(dir,
              "  \"text_config\": {\n    \"torch_dtype\": \"bfloat16\"\n  },\n"
              "  \"vision_config\": {\"dtype\": \"bfloat16\"}",
              {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"});
  std::optional<CastPlan> plan = load_plan_file(config);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->bindings.size(), 2u);  // *.safetensors without an index, sorted
  EXPECT_EQ(plan->bindings[0].file, dir / "model-00001-of-00002.safetensors");
  EXPECT_EQ(plan->bindings[1].file, dir / "model-00002-of-00002.safetensors");
  const auto& first = *plan->bindings[0].declaration.declaration;
  EXPECT_EQ(first.name, "text_config.torch_dtype");
  EXPECT_EQ(first.identity, "text_config.torch_dtype -> bfloat16");
  EXPECT_EQ(first.where.line, 5);
  EXPECT_EQ(first.where.column, 5);
  EXPECT_EQ(plan->bindings[1].declaration.declaration.get(), &first);

  // Differing nested dtypes (one twice, recursively): each distinct dtype's first covers every weight.
  make_folder(dir,
              "  \"thinker_config\": {\"text_config\": {\"torch_dtype\": \"bfloat16\"}},\n"
              "  \"audio_config\": {\"torch_dtype\": \"float32\"},\n"
              "  \"vision_config\": {\"torch_dtype\": \"bfloat16\"},\n"
              "  \"quantization_config\": {\"dtype\": \"uint4\"}",  // never read for a cast
              {});
  plan = load_plan_file(config);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->bindings.size(), 4u);
  std::set<std::string> names;
  for (const CastPlan::Binding& binding : plan->bindings) names.insert(binding.declaration.declaration->name);
  EXPECT_EQ(names,
            (std::set<std::string>{
                "thinker_config.text_config.torch_dtype (applied to every weight: the nested configs "
                "declare different dtypes)",
                "audio_config.torch_dtype (applied to every weight: the nested configs declare different "
                "dtypes)"}));
  for (const CastPlan::Binding& binding : plan->bindings) {
    const auto& declaration = *binding.declaration.declaration;
    EXPECT_EQ(declaration.identity, declaration.name.starts_with("audio")
                                        ? "audio_config.torch_dtype -> float32"
                                        : "thinker_config.text_config.torch_dtype -> bfloat16");
  }

  // A top-level dtype covers every weight; nested ones are not read for a cast.
  make_folder(dir, "  \"torch_dtype\": \"float16\",\n  \"text_config\": {\"torch_dtype\": \"bfloat16\"}", {});
  plan = load_plan_file(config);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->bindings.size(), 2u);
  EXPECT_EQ(plan->bindings[0].declaration.declaration->name, "torch_dtype");
  EXPECT_EQ(plan->bindings[1].declaration.declaration->name, "torch_dtype");

  // A top-level "auto" leaves the nested ones to declare.
  make_folder(dir, "  \"torch_dtype\": \"auto\",\n  \"text_config\": {\"torch_dtype\": \"bfloat16\"}", {});
  plan = load_plan_file(config);
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->bindings.size(), 2u);
  EXPECT_EQ(plan->bindings[0].declaration.declaration->name, "text_config.torch_dtype");
}

TEST(HuggingFace, WeightsAreFoundAsTransformersFindsThem) {
  struct Case {
    std::vector<std::string> files;
    std::vector<std::string> bound;
  };
  const std::vector<Case> cases{
      // A single file before an index, safetensors before pickles.
      {{"model.safetensors", "pytorch_model.bin", "other.safetensors"}, {"model.safetensors"}},
      {{"pytorch_model.bin", "adapter.safetensors", "b.safetensors"}, {"pytorch_model.bin"}},
      {{"b.safetensors", "a.safetensors", "pytorch_model-00001-of-00002.bin"},
       {"a.safetensors", "b.safetensors"}},
      // Other .bin files in a checkpoint folder are no weights.
      {{"pytorch_model-00002-of-00002.bin", "pytorch_model-00001-of-00002.bin", "training_args.bin"},
       {"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"}},
  };
  for (const Case& c : cases) {
    TempDir dir;
    make_folder(dir, "  \"torch_dtype\": \"float16\"", c.files);
    const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
    ASSERT_TRUE(plan.has_value());
    std::vector<std::string> want;
    for (const std::string& file : c.bound) want.push_back(dir / file);
    EXPECT_EQ(bound_files(*plan), want) << c.files.front();
    EXPECT_TRUE(plan->missing.empty());
  }
}

TEST(HuggingFace, NoWeightsIsAMissingSourceAtTheDtypeKey) {
  TempDir dir;
  make_folder(dir, "  \"torch_dtype\": \"float16\"", {"training_args.bin", "tokenizer.json"});
  const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
  ASSERT_TRUE(plan.has_value());
  EXPECT_TRUE(plan->bindings.empty());
  ASSERT_EQ(plan->missing.size(), 1u);
  const MissingSource& missing = plan->missing.front();
  EXPECT_EQ(missing.where.path, dir / "config.json");
  EXPECT_EQ(missing.where.line, 4);
  EXPECT_EQ(missing.where.column, 3);
  EXPECT_EQ(missing.declaration->name, "torch_dtype");
  EXPECT_EQ(missing.message.rfind("no weights beside config.json (looked for model.safetensors, ", 0), 0u)
      << missing.message;
}

TEST(HuggingFace, AnIndexBindsEveryShardOnceAndReportsTheMissingOnes) {
  TempDir dir;
  make_folder(dir, "  \"torch_dtype\": \"float16\"", {"a.safetensors", "c.safetensors"});
  write_text(dir / "model.safetensors.index.json",
             "{\n  \"metadata\": {\"total_size\": 0},\n  \"weight_map\": {\n"
             "    \"w1\": \"a.safetensors\",\n"
             "    \"w2\": \"b.safetensors\",\n"
             "    \"w3\": \"a.safetensors\",\n"
             "    \"w4\": \"c.safetensors\",\n"
             "    \"w5\": \"b.safetensors\"\n  }\n}\n");
  const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(bound_files(*plan), (std::vector<std::string>{dir / "a.safetensors", dir / "c.safetensors"}));
  ASSERT_EQ(plan->missing.size(), 1u);
  const MissingSource& missing = plan->missing.front();
  EXPECT_EQ(missing.where.path, dir / "model.safetensors.index.json");
  EXPECT_EQ(missing.where.line, 5);  // the first entry naming it
  EXPECT_EQ(missing.where.column, 5);
  EXPECT_EQ(missing.message, dir / "b.safetensors" +
                                 ": no such file (the weight map names it for 2 tensor(s), the first 'w2')");
  EXPECT_EQ(missing.declaration, plan->bindings.front().declaration.declaration);

  // The pickle index when there is no safetensors one.
  std::filesystem::remove(dir / "model.safetensors.index.json");
  write_text(dir / "pytorch_model.bin.index.json", R"({"weight_map": {"w": "pytorch_model-1.bin"}})");
  write_text(dir / "pytorch_model-1.bin", "");
  const std::optional<CastPlan> pickles = load_plan_file(dir / "config.json");
  ASSERT_TRUE(pickles.has_value());
  EXPECT_EQ(bound_files(*pickles), std::vector<std::string>{dir / "pytorch_model-1.bin"});
}

TEST(HuggingFace, HostileIndexesAreErrorsForTheIndex) {
  struct Case {
    std::string index;
    std::string phrase;
  };
  const std::vector<Case> cases{
      {R"({"weight_map": {"w": "../model.safetensors"}})",
       "line 1, column 22: weight_map.'w': shard '../model.safetensors' is a path, not a file name in the "
       "folder "
       "(never followed)"},
      {R"({"weight_map": {"w": "/etc/passwd"}})", "shard '/etc/passwd' is a path"},
      {R"({"weight_map": {"w": ".."}})", "shard '..' is not a file name"},
      {R"({"weight_map": {"w": ""}})", "shard '' is an empty name"},
      {R"({"weight_map": {"w": "a\u0000.safetensors"}})", "is a NUL byte"},
      {R"({"weight_map": {"w": 3}})", "weight_map.'w': expected a shard file name, found a number"},
      {R"({"weight_map": []})",
       "line 1, column 16: weight_map: expected an object mapping tensor names to shard "
       "files, found a list"},
      {R"({"metadata": {}})",
       "weight_map: expected an object mapping tensor names to shard files, found none"},
      {R"({"weight_map": {}})", "weight_map: names no shard"},
      {R"({"weight_map": {"w": "a.safetensors", "w": "a.safetensors"}})", "duplicate key"},
      {"{\"weight_map\": {\"w\": \"a\xff.safetensors\"}}", "UTF-8"},
      {std::string(300, '[') + std::string(300, ']'), "nested more than 256 levels deep"},
      {R"({"weight_map": )", "JSON syntax error"},
  };
  for (const Case& c : cases) {
    TempDir dir;
    make_folder(dir, "  \"torch_dtype\": \"float16\"", {"a.safetensors"});
    write_text(dir / "model.safetensors.index.json", c.index);
    EXPECT_TRUE(fails_with([&] { load_plan_file(dir / "config.json"); }, dir / "model.safetensors.index.json",
                           c.phrase));
  }
}

TEST(HuggingFace, AnIndexIsBoundedInSize) {
  TempDir dir;
  make_folder(dir, "  \"torch_dtype\": \"float16\"", {"a.safetensors"});
  write_text(dir / "model.safetensors.index.json",
             "{\"weight_map\": {\"w\": \"a.safetensors\"}}" + std::string(kMaxPlanFileBytes, ' '));
  EXPECT_TRUE(fails_with([&] { load_plan_file(dir / "config.json"); }, dir / "model.safetensors.index.json",
                         "larger than 16 MiB"));
}

// A million weight_map entries: linear in the entries (each shard looked up
// once in one folder listing), and a flood of missing shards is cut short.
TEST(HuggingFace, AMillionEntryWeightMapIsLinear) {
  TempDir dir;
  make_folder(dir, "  \"torch_dtype\": \"float16\"", {"s"});
  std::string index = "{\"weight_map\":{";
  constexpr int kEntries = 1'000'000;
  for (int i = 0; i < kEntries; ++i) {
    // Every 10th entry names a shard of its own, which the folder lacks.
    index +=
        (i > 0 ? ",\"" : "\"") + std::to_string(i) + "\":\"" + (i % 10 == 0 ? std::to_string(i) : "s") + "\"";
  }
  index += "}}";
  ASSERT_LT(index.size(), kMaxPlanFileBytes);
  write_text(dir / "model.safetensors.index.json", index);
  const auto start = std::chrono::steady_clock::now();
  const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(bound_files(*plan), std::vector<std::string>{dir / "s"});
  ASSERT_EQ(plan->missing.size(), kMaxMissingShardsListed + 1);
  EXPECT_EQ(plan->missing.front().message,
            dir / "0" + ": no such file (the weight map names it for 1 tensor(s), the first '0')");
  EXPECT_EQ(plan->missing.back().message,
            std::to_string(kEntries / 10 - kMaxMissingShardsListed) +
                " more shard(s) that the weight map names are missing from the folder");
  EXPECT_EQ(plan->missing.back().where.line, 1);  // at the weight map as a whole
  EXPECT_EQ(plan->missing.back().where.column, 15);
  EXPECT_LT(took.count(), testing_support::time_limit(10.0));
}

// Nested *_config objects 250 deep under long keys, with 400,000 siblings at
// the bottom that each declare a dtype: names are spelled once per distinct
// dtype, not once per object (which would copy the long path every time).
TEST(HuggingFace, DeeplyNestedConfigsWithManySiblingsAreLinear) {
  TempDir dir;
  const std::string long_key = std::string(50, 'k') + "_config";
  constexpr int kDepth = 250, kSiblings = 400'000;
  // Every sibling has a name of its own (the parser refuses duplicate keys).
  std::string text = "{\"model_type\": \"x\"";
  for (int i = 0; i < kDepth; ++i) text += ", \"" + long_key + "\": {\"a\": 0";
  for (int i = 0; i < kSiblings; ++i) {
    text +=
        ",\"" + std::to_string(i) + (i % 2 ? "_config\":{\"dtype\":\"half\"}" : "_config\":{\"dtype\":null}");
  }
  text += std::string(kDepth, '}') + "}";
  ASSERT_LT(text.size(), kMaxPlanFileBytes);
  write_text(dir / "config.json", text);
  write_text(dir / "model.safetensors", "");
  const auto start = std::chrono::steady_clock::now();
  const std::optional<CastPlan> plan = load_plan_file(dir / "config.json");
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->bindings.size(), 1u);
  const std::string& name = plan->bindings.front().declaration.declaration->name;
  EXPECT_TRUE(name.ends_with(".1_config.dtype")) << name.substr(0, 200);
  EXPECT_EQ(name.find(long_key + "." + long_key), 0u);
  EXPECT_LT(took.count(), testing_support::time_limit(10.0));
}

// End to end: a scan of a golden folder simulates the declared dtype
// on every weight under the torch profile, and PL304 sits at the dtype key.

// The targets are int32 only: the declared float16/bfloat16 casts are then the arrays' only float casts.
ScanRequest int32_request(const std::vector<std::string>& paths) {
  ScanRequest request;
  request.paths = paths;
  request.targets = "int32";
  return request;
}

// A copy of a golden folder in a fresh folder (no configuration of dtlint's above it).
void copy_golden(const TempDir& dir, const std::string& folder) {
  std::filesystem::copy(kSourceDir + "/" + kGolden + folder, dir.path() / folder);
}

TEST(HuggingFaceScan, DeclaredDtypeCountsEqualTorchsAndPL304IsAtTheKey) {
  const nlohmann::json expected =
      nlohmann::json::parse(read_file(kSourceDir + "/" + kGolden + "expected.json"));
  for (const auto& [folder, want] : expected.items()) {
    SCOPED_TRACE(folder);
    TempDir dir;
    copy_golden(dir, folder);
    int exit_code = -1;
    // int32 only: the one float cast in each array is then the declared one.
    const nlohmann::json report = scan_json(dir.path(), int32_request({folder}), &exit_code);
    EXPECT_EQ(exit_code, kExitFindings);
    const std::string cast = want["declaration"]["cast"];
    std::uint64_t overflow = 0;
    for (const nlohmann::json& tensor : want["tensors"]) {
      const std::string path = folder + "/" + tensor["file"].get<std::string>();
      SCOPED_TRACE(path + ":" + tensor["tensor"].get<std::string>());
      std::vector<nlohmann::json> casts;
      for (const nlohmann::json& array : report["arrays"]) {
        if (array["path"] != path || array["member"] != tensor["tensor"]) continue;
        EXPECT_EQ(array["elements"], tensor["elements"]);
        for (const nlohmann::json& c : array["casts"]) {
          if (c["target"] == cast) casts.push_back(c);
        }
      }
      ASSERT_EQ(casts.size(), 1u);
      EXPECT_EQ(casts[0].value("semantics", ""), "torch");  // from_pretrained casts with Tensor.to
      EXPECT_EQ(casts[0].value("declared", false), true);
      for (const char* count : {"overflow", "underflow_to_zero", "to_subnormal", "inexact"}) {
        EXPECT_EQ(casts[0][count], tensor[count]) << count;
      }
      overflow += tensor["overflow"].get<std::uint64_t>();
    }
    const std::vector<nlohmann::json> pl304 = findings_of(report, "PL304");
    ASSERT_EQ(pl304.size(), 1u) << report["findings"].dump(1);
    EXPECT_EQ(pl304[0]["path"], want["config"]);
    EXPECT_EQ(pl304[0]["line"], want["declaration"]["line"]);
    EXPECT_EQ(pl304[0]["column"], want["declaration"]["column"]);
    EXPECT_EQ(pl304[0]["severity"], "error");
    EXPECT_EQ(pl304[0]["related"]["path"], folder + "/" + want["tensors"][0]["file"].get<std::string>());
    EXPECT_EQ(pl304[0]["count"], overflow);  // the overflows are the weights' only errors here
    // The worst tensor (most overflows) is named first.
    const std::string message = pl304[0]["message"];
    EXPECT_EQ(message.rfind(
                  want["declaration"]["name"].get<std::string>() + ": the cast to " + cast + " overflows", 0),
              0u)
        << message;
    EXPECT_NE(message.find("'" + folder + "/" + want["tensors"][0]["file"].get<std::string>() +
                           ":model.embed_tokens.weight'"),
              std::string::npos)
        << message;
    // Stored float32, declared otherwise: implied by PL304 (one finding per cause), no PL302.
    EXPECT_TRUE(findings_of(report, "PL302").empty());
    EXPECT_TRUE(findings_of(report, "PL303").empty());
    EXPECT_TRUE(report["problems"].empty()) << report["problems"].dump();
  }
}

TEST(HuggingFaceScan, AMissingShardIsPL303AtTheIndexAndTheRestIsStillChecked) {
  TempDir dir;
  copy_golden(dir, "sharded");
  std::filesystem::remove(dir.path() / "sharded/model-00002-of-00002.safetensors");
  int exit_code = -1;
  const nlohmann::json report = scan_json(dir.path(), int32_request({"sharded"}), &exit_code);
  EXPECT_EQ(exit_code, kExitFindings);
  const std::vector<nlohmann::json> pl303 = findings_of(report, "PL303");
  ASSERT_EQ(pl303.size(), 1u) << report["findings"].dump(1);
  EXPECT_EQ(pl303[0]["path"], "sharded/model.safetensors.index.json");
  // transformers' index (sorted keys, indent 2): "lm_head.weight", the first tensor of shard 2, on line 6.
  const std::string index = read_file(dir / "sharded/model.safetensors.index.json");
  const std::size_t at = index.find("\"lm_head.weight\"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(pl303[0]["line"],
            1 + std::count(index.begin(), index.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  EXPECT_EQ(pl303[0]["column"], static_cast<int>(at - index.rfind('\n', at)));
  EXPECT_NE(
      pl303[0]["message"].get<std::string>().find("sharded/model-00002-of-00002.safetensors: no such file"),
      std::string::npos)
      << pl303[0]["message"];
  const std::vector<nlohmann::json> pl304 = findings_of(report, "PL304");
  ASSERT_EQ(pl304.size(), 1u);
  EXPECT_NE(pl304[0]["message"].get<std::string>().find("of 2 weights"), std::string::npos)
      << pl304[0]["message"];
}

// Broken folders beside a good one: one E901 each, at the file that is broken, and the scan goes on.
TEST(HuggingFaceScan, BrokenConfigsAndIndexesAreUnreadableAndTheScanGoesOn) {
  TempDir dir;
  copy_golden(dir, "sharded");
  write_text(dir / "bad_dtype/config.json", config_text("  \"torch_dtype\": \"fp17\""));
  write_text(dir / "escaping_index/config.json", config_text("  \"torch_dtype\": \"float16\""));
  write_text(dir / "escaping_index/model.safetensors.index.json",
             R"({"weight_map": {"w": "../sharded/model-00001-of-00002.safetensors"}})");
  write_text(dir / "not_json/config.json", "{\"model_type\": \"llama\", \"torch_dtype\": ");
  write_text(dir / "keras/config.json", R"({"class_name": "Sequential", "config": {"layers": []}})");
  int exit_code = -1;
  const nlohmann::json report = scan_json(dir.path(), int32_request({"."}), &exit_code);
  EXPECT_EQ(exit_code, kExitFindings);
  std::map<std::string, std::string> problems;
  for (const nlohmann::json& p : report["problems"]) problems[p["path"]] = p["message"];
  ASSERT_EQ(problems.size(), 3u) << report["problems"].dump(1);
  EXPECT_NE(problems["bad_dtype/config.json"].find("line 4, column 18: torch_dtype: unknown dtype 'fp17'"),
            std::string::npos)
      << problems["bad_dtype/config.json"];
  EXPECT_NE(problems["escaping_index/model.safetensors.index.json"].find("is a path, not a file name"),
            std::string::npos)
      << problems["escaping_index/model.safetensors.index.json"];
  EXPECT_NE(problems["not_json/config.json"].find("JSON syntax error"), std::string::npos)
      << problems["not_json/config.json"];
  const std::vector<nlohmann::json> pl304 = findings_of(report, "PL304");
  ASSERT_EQ(pl304.size(), 1u);
  EXPECT_EQ(pl304[0]["path"], "sharded/config.json");
}

}  // namespace
}  // namespace dtlint
