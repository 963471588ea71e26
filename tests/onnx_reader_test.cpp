// The ONNX reader (analyzer/formats/onnx.h): the golden model written by onnx
// 1.12 (tests/golden/onnx/make_fixtures.py) scanned end to end against NumPy's
// counts, and the storage forms, names and bounds on messages built here with
// the same generated classes.
#include <gtest/gtest.h>
#include <onnx_lite/onnx.pb.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "analyzer/formats/onnx.h"
#include "analyzer/formats/readers.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::fails_with;
using testing_support::kSourceDir;

const std::string kFixtures = kSourceDir + "/tests/golden/onnx";

// The bytes of `message`, owned by the returned input.
InputBytes bytes_of(const google::protobuf::MessageLite& message) {
  auto text = std::make_shared<std::string>(message.SerializeAsString());
  return {std::as_bytes(std::span(text->data(), text->size())), text, false};
}

const ArrayView* find_array(const ContainerContents& contents, const std::string& member) {
  for (const ArrayView& view : contents.arrays) {
    if (view.location.member == member) return &view;
  }
  return nullptr;
}

template <typename T>
std::vector<T> values_of(const ArrayView& view) {
  std::vector<T> out(view.data.size() / sizeof(T));
  std::memcpy(out.data(), view.data.data(), out.size() * sizeof(T));
  return out;
}

onnx::TensorProto* add_initializer(onnx::ModelProto& model, const std::string& name, int data_type,
                                   std::vector<std::int64_t> dims) {
  onnx::TensorProto* tensor = model.mutable_graph()->add_initializer();
  tensor->set_name(name);
  tensor->set_data_type(data_type);
  for (std::int64_t dim : dims) tensor->add_dims(dim);
  return tensor;
}

// Every array of the golden model and tensor file, with the peers' counts per
// target; the STRING initializer skipped; nothing unreadable.
TEST(OnnxGolden, EveryTensorsCountsMatchNumPy) {
  const json expected = json::parse(testing_support::read_file(kFixtures + "/expected.json"));
  const auto result = testing_support::run_dtlint(
      "scan --format json --no-progress --targets float16,bfloat16,float32,int32 tests/golden/onnx");
  ASSERT_EQ(result.exit_code, 1) << result.err;  // the overflows are errors
  const json report = json::parse(result.out);
  EXPECT_TRUE(report["problems"].empty()) << report["problems"].dump();

  std::set<std::string> seen;
  for (const json& array : report["arrays"]) {
    const std::string key = fs::path(array["path"].get<std::string>()).filename().string() + ":" +
                            array["member"].get<std::string>();
    ASSERT_TRUE(expected["arrays"].contains(key)) << "not written by the generator: " << key;
    EXPECT_TRUE(seen.insert(key).second) << key;
    const json& peer = expected["arrays"][key];
    EXPECT_EQ(array["dtype"], peer["dtype"]) << key;
    EXPECT_EQ(array["stored_dtype"], peer["stored_dtype"]) << key;
    EXPECT_EQ(array["shape"], peer["shape"]) << key;
    std::size_t compared = 0;
    for (const json& cast : array["casts"]) {
      const std::string target = cast["target"];
      if (!peer["casts"].contains(target)) continue;
      for (const auto& [counter, count] : peer["casts"][target].items()) {
        EXPECT_EQ(cast[counter], count) << key << " → " << target << " " << counter;
      }
      ++compared;
    }
    EXPECT_EQ(compared, peer["casts"].size()) << key << ": a target the peer counted was not simulated";
  }
  EXPECT_EQ(seen.size(), expected["arrays"].size()) << "tensors the scan did not report";

  std::set<std::string> skipped;
  for (const json& entry : report["skipped"]) {
    skipped.insert(fs::path(entry["path"].get<std::string>()).filename().string() + ":" +
                   entry["member"].get<std::string>());
  }
  for (const json& member : expected["skipped"])
    EXPECT_TRUE(skipped.count(member.get<std::string>())) << member;
}

// The reader resolves external data against the path it is given, which the
// scan also opens (read_path passes the same path for both here).
TEST(OnnxReader, ExternalDataIsReadFromTheFileBesideTheModel) {
  const std::string model = kFixtures + "/model.onnx";
  const ContainerContents contents = read_path(read_onnx, model, model);
  EXPECT_TRUE(contents.unreadable.empty()) << contents.unreadable.front().reason;
  const ArrayView* view = find_array(contents, "external.weight");
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->dtype, DType::Float32);
  EXPECT_EQ(view->shape, (std::vector<std::uint64_t>{3, 2}));
  EXPECT_EQ(values_of<float>(*view), (std::vector<float>{7.0e4f, 1.0f, -3.0e5f, 1e-6f, 0.25f, 66000.0f}));
  EXPECT_NE(view->owner, nullptr);
}

// Several tensors in one large external file: mapped once (one owner), each
// view a window of the mapping at its offset, nothing copied.
TEST(OnnxReader, AnExternalFileIsMappedOnceAndViewedInPlace) {
  testing_support::TempDir dir;
  const std::size_t floats = (std::size_t{2} << 20) / sizeof(float);  // 2 MiB: mapped, not read
  std::vector<float> data(floats);
  for (std::size_t i = 0; i < floats; ++i) data[i] = static_cast<float>(i % 1000);
  testing_support::write_text(dir.path() / "big.data", std::string(reinterpret_cast<const char*>(data.data()),
                                                                   floats * sizeof(float)));
  onnx::ModelProto model;
  const std::int64_t half = static_cast<std::int64_t>(floats / 2);
  for (int i = 0; i < 2; ++i) {
    onnx::TensorProto* tensor =
        add_initializer(model, "part" + std::to_string(i), onnx::TensorProto::FLOAT, {half});
    tensor->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* location = tensor->add_external_data();
    location->set_key("location");
    location->set_value("big.data");
    auto* offset = tensor->add_external_data();
    offset->set_key("offset");
    offset->set_value(std::to_string(i * half * 4));
  }
  const std::string path = dir / "model.onnx";
  testing_support::write_text(path, model.SerializeAsString());
  const ContainerContents contents = read_path(read_onnx, path, path);
  ASSERT_EQ(contents.arrays.size(), 2u) << (contents.unreadable.empty() ? "" : contents.unreadable[0].reason);
  const ArrayView& first = contents.arrays[0];
  const ArrayView& second = contents.arrays[1];
  EXPECT_TRUE(first.mapped);
  EXPECT_EQ(first.owner, second.owner);
  EXPECT_EQ(first.data.data() + first.data.size(), second.data.data());
  EXPECT_EQ(values_of<float>(second)[0], static_cast<float>((floats / 2) % 1000));
}

// The typed repeated fields, each as onnx.proto assigns them to data types.
TEST(OnnxReader, TypedFieldsHoldEachTypeAsOnnxProtoSays) {
  onnx::ModelProto model;
  auto* int8 = add_initializer(model, "int8", onnx::TensorProto::INT8, {3});
  for (int v : {-128, -1, 127}) int8->add_int32_data(v);
  auto* uint16 = add_initializer(model, "uint16", onnx::TensorProto::UINT16, {2});
  for (int v : {0, 65535}) uint16->add_int32_data(v);
  auto* boolean = add_initializer(model, "bool", onnx::TensorProto::BOOL, {2});
  for (int v : {1, 0}) boolean->add_int32_data(v);
  auto* uint32 = add_initializer(model, "uint32", onnx::TensorProto::UINT32, {2});
  for (std::uint64_t v : {std::uint64_t{4294967295u}, std::uint64_t{7}}) uint32->add_uint64_data(v);
  auto* uint64 = add_initializer(model, "uint64", onnx::TensorProto::UINT64, {1});
  uint64->add_uint64_data(std::uint64_t{1} << 63);
  auto* complex = add_initializer(model, "complex64", onnx::TensorProto::COMPLEX64, {2});
  for (float v : {1.0f, -2.0f, 3.0f, 4.0f}) complex->add_float_data(v);  // real, imaginary, real, imaginary
  auto* int32 = add_initializer(model, "int32", onnx::TensorProto::INT32, {2, 1});
  for (int v : {-5, 1 << 30}) int32->add_int32_data(v);
  auto* fp8 = add_initializer(model, "float8e4m3fn", 17, {1});
  fp8->add_int32_data(0x7e);  // 448, the largest finite value
  add_initializer(model, "empty", onnx::TensorProto::FLOAT, {0, 3});

  const ContainerContents contents = read_onnx(bytes_of(model), "m.onnx");
  EXPECT_TRUE(contents.unreadable.empty()) << contents.unreadable.front().reason;
  ASSERT_EQ(contents.arrays.size(), 9u);
  EXPECT_EQ(values_of<std::int8_t>(*find_array(contents, "int8")), (std::vector<std::int8_t>{-128, -1, 127}));
  EXPECT_EQ(values_of<std::uint16_t>(*find_array(contents, "uint16")),
            (std::vector<std::uint16_t>{0, 65535}));
  EXPECT_EQ(values_of<std::uint8_t>(*find_array(contents, "bool")), (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(find_array(contents, "bool")->dtype, DType::Bool);
  EXPECT_EQ(values_of<std::uint32_t>(*find_array(contents, "uint32")),
            (std::vector<std::uint32_t>{4294967295u, 7}));
  EXPECT_EQ(values_of<std::uint64_t>(*find_array(contents, "uint64")),
            (std::vector<std::uint64_t>{std::uint64_t{1} << 63}));
  const ArrayView& c64 = *find_array(contents, "complex64");
  EXPECT_EQ(c64.dtype, DType::Complex64);
  EXPECT_EQ(c64.elements, 2u);
  EXPECT_EQ(values_of<float>(c64), (std::vector<float>{1.0f, -2.0f, 3.0f, 4.0f}));
  EXPECT_EQ(values_of<std::int32_t>(*find_array(contents, "int32")),
            (std::vector<std::int32_t>{-5, 1 << 30}));
  EXPECT_EQ(find_array(contents, "float8e4m3fn")->dtype, DType::Float8E4M3FN);
  EXPECT_EQ(values_of<std::uint8_t>(*find_array(contents, "float8e4m3fn")),
            (std::vector<std::uint8_t>{0x7e}));
  EXPECT_EQ(find_array(contents, "empty")->elements, 0u);

  // A UINT32 value past 32 bits is corrupt, not wrapped.
  onnx::ModelProto wide;
  add_initializer(wide, "uint32", onnx::TensorProto::UINT32, {1})->add_uint64_data(std::uint64_t{1} << 32);
  const ContainerContents bad = read_onnx(bytes_of(wide), "w.onnx");
  ASSERT_EQ(bad.unreadable.size(), 1u);
  EXPECT_NE(bad.unreadable[0].reason.find("uint64_data[0] is 4294967296, outside the range of UINT32"),
            std::string::npos)
      << bad.unreadable[0].reason;
}

// The main graph's raw_data is viewed in the input itself (protobuf would
// copy it into strings); layouts the in-place reading does not handle (two
// graph fields, which protobuf merges; raw_data twice, of which the last wins)
// are parsed as they are, with protobuf's meaning.
TEST(OnnxReader, RawDataIsViewedInPlaceWithProtobufsMeaning) {
  onnx::ModelProto model;
  const std::vector<float> values{1.0f, 7e4f, -2.5f};
  add_initializer(model, "w", onnx::TensorProto::FLOAT, {3})
      ->set_raw_data(
          std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  const InputBytes input = bytes_of(model);
  const ContainerContents contents = read_onnx(input, "m.onnx");
  ASSERT_EQ(contents.arrays.size(), 1u);
  const ArrayView& view = contents.arrays[0];
  EXPECT_GE(view.data.data(), input.bytes.data());
  EXPECT_LE(view.data.data() + view.data.size(), input.bytes.data() + input.bytes.size());
  EXPECT_EQ(view.owner, input.owner);
  EXPECT_EQ(values_of<float>(view), values);

  // A second graph field: protobuf merges it into the first.
  onnx::ModelProto second;
  const std::vector<float> more{3.0f};
  add_initializer(second, "v", onnx::TensorProto::FLOAT, {1})
      ->set_raw_data(std::string(reinterpret_cast<const char*>(more.data()), sizeof(float)));
  auto merged = std::make_shared<std::string>(model.SerializeAsString() + second.SerializeAsString());
  const ContainerContents both =
      read_onnx({std::as_bytes(std::span(merged->data(), merged->size())), merged, false}, "m.onnx");
  ASSERT_EQ(both.arrays.size(), 2u);
  EXPECT_EQ(values_of<float>(*find_array(both, "w")), values);
  EXPECT_EQ(values_of<float>(*find_array(both, "v")), more);

  // raw_data twice in one tensor: the last one is the value.
  onnx::TensorProto tensor;
  tensor.set_name("t");
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  tensor.add_dims(1);
  tensor.set_raw_data(std::string(4, '\0'));
  const float last = 5.0f;
  const std::string tensor_bytes =
      tensor.SerializeAsString() + "\x4a\x04" + std::string(reinterpret_cast<const char*>(&last), 4);
  std::string graph_bytes = "\x2a" + std::string(1, static_cast<char>(tensor_bytes.size())) + tensor_bytes;
  auto twice = std::make_shared<std::string>(
      "\x08\x08\x3a" + std::string(1, static_cast<char>(graph_bytes.size())) + graph_bytes);
  const ContainerContents last_wins =
      read_onnx({std::as_bytes(std::span(twice->data(), twice->size())), twice, false}, "m.onnx");
  ASSERT_EQ(last_wins.arrays.size(), 1u);
  EXPECT_EQ(values_of<float>(last_wins.arrays[0]), std::vector<float>{last});
}

// Constant nodes in every form, sparse initializers (their stored values),
// tensor attributes of other nodes, and functions' constants.
TEST(OnnxReader, ConstantsSparseValuesAndFunctionsAreNamedByTheirPaths) {
  onnx::ModelProto model;
  onnx::GraphProto* graph = model.mutable_graph();
  onnx::NodeProto* ints = graph->add_node();
  ints->set_op_type("Constant");
  ints->add_output("shape_const");
  onnx::AttributeProto* value_ints = ints->add_attribute();
  value_ints->set_name("value_ints");
  value_ints->set_type(onnx::AttributeProto::INTS);
  for (std::int64_t v : {std::int64_t{1}, std::int64_t{1} << 40}) value_ints->add_ints(v);
  onnx::NodeProto* scalar = graph->add_node();
  scalar->set_op_type("Constant");
  scalar->add_output("eps");
  onnx::AttributeProto* value_float = scalar->add_attribute();
  value_float->set_name("value_float");
  value_float->set_type(onnx::AttributeProto::FLOAT);
  value_float->set_f(1e-12f);
  onnx::NodeProto* fill = graph->add_node();
  fill->set_op_type("ConstantOfShape");
  fill->set_name("fill");
  onnx::AttributeProto* fill_value = fill->add_attribute();
  fill_value->set_name("value");
  fill_value->set_type(onnx::AttributeProto::TENSOR);
  fill_value->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  fill_value->mutable_t()->add_dims(1);
  fill_value->mutable_t()->add_float_data(1e5f);
  onnx::SparseTensorProto* sparse = graph->add_sparse_initializer();
  sparse->add_dims(1000);
  sparse->mutable_values()->set_name("sparse_w");
  sparse->mutable_values()->set_data_type(onnx::TensorProto::FLOAT);
  sparse->mutable_values()->add_dims(2);
  sparse->mutable_values()->add_float_data(1.0f);
  sparse->mutable_values()->add_float_data(7e4f);
  onnx::FunctionProto* function = model.add_functions();
  function->set_name("Gelu");
  function->set_domain("custom");
  onnx::NodeProto* in_function = function->add_node();
  in_function->set_op_type("Constant");
  in_function->add_output("half");
  onnx::AttributeProto* half = in_function->add_attribute();
  half->set_name("value_float");
  half->set_f(0.5f);

  const ContainerContents contents = read_onnx(bytes_of(model), "m.onnx");
  EXPECT_TRUE(contents.unreadable.empty()) << contents.unreadable.front().reason;
  std::vector<std::string> members;
  for (const ArrayView& view : contents.arrays) members.push_back(*view.location.member);
  EXPECT_EQ(members, (std::vector<std::string>{"sparse_w", "shape_const", "eps", "fill/value",
                                               "function custom.Gelu/half"}));
  EXPECT_EQ(values_of<std::int64_t>(*find_array(contents, "shape_const")),
            (std::vector<std::int64_t>{1, 1LL << 40}));
  const ArrayView& eps = *find_array(contents, "eps");
  EXPECT_TRUE(eps.shape.empty());
  EXPECT_EQ(eps.elements, 1u);
  EXPECT_EQ(values_of<float>(eps), std::vector<float>{1e-12f});
  EXPECT_EQ(find_array(contents, "sparse_w")->elements, 2u);  // the stored values, not the 1000 dense ones
}

// A .pb file is read only when it holds an ONNX tensor; TensorFlow's .pb files
// (a GraphDef starts with its nodes, field 1) are skipped as a whole.
TEST(OnnxReader, AForeignPbFileIsSkippedNotReportedAsAnError) {
  const std::string graph_def("\x0a\x10\x0a\x01x\x12\x0bPlaceholder", 18);
  const auto text = std::make_shared<std::string>(graph_def);
  const InputBytes input{std::as_bytes(std::span(text->data(), text->size())), text, false};
  const ContainerContents contents = read_onnx(input, "saved_model/graph.pb");
  EXPECT_TRUE(contents.arrays.empty());
  EXPECT_TRUE(contents.unreadable.empty());
  ASSERT_EQ(contents.skipped.size(), 1u);
  EXPECT_FALSE(contents.skipped[0].location.member.has_value());
  EXPECT_NE(contents.skipped[0].reason.find("not an ONNX TensorProto"), std::string::npos);

  // A whole model saved as .pb is still read as one.
  const std::string model_file = kFixtures + "/model.onnx";
  const auto model_text = std::make_shared<std::string>(testing_support::read_file(model_file));
  const ContainerContents model = read_onnx(
      {std::as_bytes(std::span(model_text->data(), model_text->size())), model_text, false}, "model.pb");
  EXPECT_GE(model.arrays.size(), 10u);

  const std::string tensor = kFixtures + "/tensor.pb";
  const ContainerContents pb = read_path(read_onnx, tensor, tensor);
  ASSERT_EQ(pb.arrays.size(), 1u);
  EXPECT_EQ(pb.arrays[0].location.member, "pb_tensor");
}

// Recognition: a model by its first fields whatever its name; a .pb file by name only.
TEST(OnnxReader, ModelsAreRecognisedByContentAndTensorFilesByName) {
  const auto bytes_of_file = [](const std::string& file) {
    const std::string text = testing_support::read_file(file);
    std::vector<std::byte> out(text.size());
    std::memcpy(out.data(), text.data(), text.size());
    return out;
  };
  const std::vector<std::byte> model = bytes_of_file(kFixtures + "/model.onnx");
  const std::vector<std::byte> tensor = bytes_of_file(kFixtures + "/tensor.pb");
  const Reader* as_bin = reader_for(model, "exported/model.bin");
  ASSERT_NE(as_bin, nullptr);
  EXPECT_EQ(as_bin->name, "onnx");
  EXPECT_EQ(reader_for(tensor, "input_0.pb")->name, "onnx");
  EXPECT_EQ(reader_for(tensor, "input_0.dat"), nullptr);
  EXPECT_FALSE(looks_like_onnx_model(tensor.data(), tensor.size()));
}

// Bytes without a folder (the fuzzer's) never reach the file system.
TEST(OnnxReader, ExternalDataCanBeTurnedOff) {
  onnx::ModelProto model;
  onnx::TensorProto* tensor = add_initializer(model, "w", onnx::TensorProto::FLOAT, {1});
  tensor->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* location = tensor->add_external_data();
  location->set_key("location");
  location->set_value("model.onnx.data");
  const ContainerContents contents =
      read_onnx_with(bytes_of(model), kFixtures + "/model.onnx", OnnxReadOptions{.external_data = false});
  ASSERT_EQ(contents.unreadable.size(), 1u);
  EXPECT_NE(contents.unreadable[0].reason.find("external data is not read for a model given as bytes"),
            std::string::npos);
}

// A protobuf message cannot exceed 2 GiB: such a file is refused before it is
// parsed (a sparse file: nothing is written or read).
TEST(OnnxReader, AModelLargerThan2GiBIsRefusedWithTheReason) {
  testing_support::TempDir dir;
  const std::string path = dir / "huge.onnx";
  testing_support::write_text(path, "");
  ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(kOnnxMaxModelBytes) + 1), 0);
  EXPECT_TRUE(fails_with([&] { read_path(read_onnx, path, path); }, path, "larger than 2 GiB"));
}

// Two bytes make an empty initializer of 240 in memory: a model of half a
// million of them (120 MB of messages) is refused once protobuf's messages
// outgrow their budget (32 MiB + 24 bytes a byte), with the reason, and the
// scan goes on. (Scanned by the binary: the memory is its own, not the suite's.)
TEST(OnnxReader, AMessageBombIsRefusedBeforeItTakesTheMemory) {
  std::string graph;
  for (int i = 0; i < 500'000; ++i) graph += std::string("\x2a\x00", 2);  // initializer: an empty TensorProto
  std::string model("\x08\x08\x3a", 3);                                   // ir_version 8, then the graph
  for (std::size_t length = graph.size();; length >>= 7) {                // the graph's length, a varint
    const auto low = static_cast<char>(length & 0x7f);
    if (length < 0x80) {
      model += low;
      break;
    }
    model += static_cast<char>(low | 0x80);
  }
  model += graph;
  testing_support::TempDir dir;
  testing_support::write_text(dir.path() / "bomb.onnx", model);
  fs::copy_file(kFixtures + "/tensor.pb", dir.path() / "tensor.pb");

  const auto result =
      testing_support::run_dtlint("scan --format json --no-progress '" + dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(result.out);
  ASSERT_EQ(report["problems"].size(), 1u);
  EXPECT_NE(report["problems"][0]["message"].get<std::string>().find("a message bomb"), std::string::npos)
      << report["problems"][0]["message"];
  EXPECT_EQ(report["arrays"].size(), 1u);  // tensor.pb
}

// ---------------------------------------------------------------- Cast nodes

// Every Cast / CastLike over a stored tensor of the golden casts.onnx declares
// the cast the generator lists, in node order, named as it says, bound to the
// tensor's member; the Casts that declare nothing (to STRING or BOOL, of a
// graph input, the second of a chain, of a STRING tensor) give none.
TEST(OnnxCasts, EachCastOverAStoredTensorDeclaresItsCast) {
  const json expected = json::parse(testing_support::read_file(kFixtures + "/expected.json"));
  const std::string model = kFixtures + "/casts.onnx";
  const ContainerContents contents = read_path(read_onnx, model, model);
  EXPECT_TRUE(contents.unreadable.empty()) << contents.unreadable.front().reason;
  ASSERT_EQ(contents.declared.size(), expected["declared"].size());
  for (std::size_t i = 0; i < contents.declared.size(); ++i) {
    const DeclaredMember& declared = contents.declared[i];
    const json& peer = expected["declared"][i];
    ASSERT_NE(declared.declaration, nullptr);
    const CastDeclaration& declaration = *declared.declaration;
    const std::string target = peer["target"];
    EXPECT_EQ(declared.member, peer["member"]) << i;
    EXPECT_EQ(declaration.kind, DeclarationKind::OnnxCast) << i;
    EXPECT_EQ(declaration.name, peer["name"]) << i;
    EXPECT_EQ(declaration.where, Location(model, peer["node"].get<std::string>())) << i;
    EXPECT_FALSE(declaration.where.line.has_value());
    EXPECT_EQ(declaration.casts, std::vector<DType>{*dtype_from_name(target)}) << i;
    EXPECT_FALSE(declaration.semantics.has_value());
    EXPECT_EQ(declaration.identity, peer["name"].get<std::string>() + " -> " + target) << i;
  }
  EXPECT_TRUE(contents.skipped.size() == 1 && contents.skipped[0].location.member == "labels");
}

// The counts of each declared cast, simulated by the scan, are NumPy's astype
// counts of that cast (as ONNX Runtime's Cast of a float32 rounds once).
TEST(OnnxCasts, EachDeclaredCastsCountsMatchNumPy) {
  const json expected = json::parse(testing_support::read_file(kFixtures + "/expected.json"));
  const auto result = testing_support::run_dtlint(
      "scan --format json --no-progress --targets float16,int8 tests/golden/onnx/casts.onnx");
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(result.out);
  std::map<std::string, const json*> arrays;
  for (const json& array : report["arrays"]) arrays[array["member"].get<std::string>()] = &array;
  for (const json& peer : expected["declared"]) {
    const std::string member = peer["member"];
    ASSERT_TRUE(arrays.count(member)) << member;
    const json* cast = nullptr;
    for (const json& c : (*arrays[member])["casts"]) {
      if (c["target"] == peer["target"]) cast = &c;
    }
    ASSERT_NE(cast, nullptr) << member << " → " << peer["target"];
    for (const auto& [counter, count] : peer["counts"].items())
      EXPECT_EQ((*cast)[counter], count) << peer["name"] << " " << counter;
  }
}

// End to end: each declared cast that breaks its data is a PL301 at its node
// (the model's path, the node as member), about the tensor (related), with the
// peer's count of the error; a declared cast its data survives gives none.
TEST(OnnxCasts, ABreakingCastIsAPl301AtItsNode) {
  const json expected = json::parse(testing_support::read_file(kFixtures + "/expected.json"));
  const auto result =
      testing_support::run_dtlint("scan --format json --no-progress tests/golden/onnx/casts.onnx");
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(result.out);
  std::map<std::string, const json*> at_node;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] != "PL301") continue;
    EXPECT_TRUE(at_node.emplace(finding["member"].get<std::string>(), &finding).second) << finding.dump();
  }
  std::size_t breaking = 0;
  for (const json& peer : expected["declared"]) {
    const std::uint64_t errors = std::max(peer["counts"]["overflow"].get<std::uint64_t>(),
                                          peer["counts"]["out_of_range"].get<std::uint64_t>());
    const auto found = at_node.find(peer["node"].get<std::string>());
    if (errors == 0) {
      EXPECT_EQ(found, at_node.end()) << peer["name"] << " breaks nothing";
      continue;
    }
    ++breaking;
    ASSERT_NE(found, at_node.end()) << peer["name"];
    const json& finding = *found->second;
    EXPECT_EQ(finding["path"], "tests/golden/onnx/casts.onnx");
    EXPECT_EQ(finding["line"], nullptr);
    EXPECT_EQ(finding["related"],
              json({{"path", "tests/golden/onnx/casts.onnx"}, {"member", peer["member"]}}));
    EXPECT_EQ(finding["target"], peer["target"]);
    EXPECT_EQ(finding["count"], errors) << peer["name"];
    EXPECT_TRUE(
        finding["message"].get<std::string>().starts_with(peer["name"].get<std::string>() + " casts "))
        << finding["message"];
  }
  EXPECT_EQ(at_node.size(), breaking);
  EXPECT_GE(breaking, 5u);

  // int8 is no target of the scan: the node's cast is simulated for the PL rule alone, and says so.
  for (const json& array : report["arrays"]) {
    if (array["member"] != "w_ids") continue;
    for (const json& cast : array["casts"]) EXPECT_EQ(cast.contains("declared"), cast["target"] == "int8");
    EXPECT_EQ(array["casts"].back()["target"], "int8");
  }
}

// `--targets float16` on a model answers, initializer by initializer, what a
// float16 conversion breaks: one float16 cast per array, and a DT101 finding
// for exactly the tensors whose float16 cast NumPy says overflows, with its count.
TEST(OnnxCasts, TargetsFloat16AnswersPerInitializer) {
  const json expected = json::parse(testing_support::read_file(kFixtures + "/expected.json"));
  const auto result = testing_support::run_dtlint(
      "scan --format json --no-progress --targets float16 tests/golden/onnx/model.onnx");
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(result.out);
  std::map<std::string, std::uint64_t> peer_overflows;
  for (const auto& [key, peer] : expected["arrays"].items()) {
    if (!key.starts_with("model.onnx:")) continue;
    EXPECT_TRUE(peer["casts"].contains("float16")) << key;
    const std::uint64_t overflow = peer["casts"]["float16"]["overflow"];
    if (overflow > 0) peer_overflows[key.substr(std::strlen("model.onnx:"))] = overflow;
  }
  ASSERT_GE(peer_overflows.size(), 5u);
  for (const json& array : report["arrays"]) {
    ASSERT_EQ(array["casts"].size(), 1u) << array["member"];
    EXPECT_EQ(array["casts"][0]["target"], "float16");
  }
  std::map<std::string, std::uint64_t> overflows;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == "DT101") overflows[finding["member"].get<std::string>()] = finding["count"];
  }
  EXPECT_EQ(overflows, peer_overflows);
}

onnx::NodeProto* add_cast(onnx::GraphProto& graph, const std::string& input, int to,
                          const std::string& name = "") {
  onnx::NodeProto* node = graph.add_node();
  node->set_op_type("Cast");
  node->set_name(name);
  node->add_input(input);
  node->add_output(input + "_cast_" + std::to_string(graph.node_size()));
  onnx::AttributeProto* attribute = node->add_attribute();
  attribute->set_name("to");
  attribute->set_type(onnx::AttributeProto::INT);
  attribute->set_i(to);
  return node;
}

std::vector<std::string> declared_members(const ContainerContents& contents) {
  std::vector<std::string> members;
  for (const DeclaredMember& declared : contents.declared) members.push_back(declared.member);
  return members;
}

// Scopes: a subgraph's own value (a loop's input, a node's output) hides the
// outer initializer of the same name; a function sees only its own Constants;
// a sparse initializer's values and an unreadable tensor; names made printable.
TEST(OnnxCasts, NamesResolveByScopeAndHostileNamesArePrintable) {
  onnx::ModelProto model;
  onnx::GraphProto* graph = model.mutable_graph();
  add_initializer(model, "w", onnx::TensorProto::FLOAT, {1})->add_float_data(1e5f);
  add_initializer(model, "bad", onnx::TensorProto::FLOAT, {2})->add_float_data(1.0f);  // 1 value for 2
  onnx::SparseTensorProto* sparse = graph->add_sparse_initializer();
  sparse->add_dims(10);
  sparse->mutable_values()->set_name("sparse_w");
  sparse->mutable_values()->set_data_type(onnx::TensorProto::FLOAT);
  sparse->mutable_values()->add_dims(1);
  sparse->mutable_values()->add_float_data(7e4f);
  add_cast(*graph, "sparse_w", onnx::TensorProto::FLOAT16, "sparse\ncast\x1b[2J");
  add_cast(*graph, "bad", onnx::TensorProto::FLOAT16, "of_bad");
  add_cast(*graph, "w", 1000, "unknown_type");
  add_cast(*graph, "w", onnx::TensorProto::COMPLEX64, "to_complex");
  add_cast(*graph, "w", 18, "to_fnuz");

  onnx::NodeProto* loop = graph->add_node();
  loop->set_op_type("Loop");
  loop->set_name("loop");
  onnx::AttributeProto* body_attribute = loop->add_attribute();
  body_attribute->set_name("body");
  body_attribute->set_type(onnx::AttributeProto::GRAPH);
  onnx::GraphProto* body = body_attribute->mutable_g();
  body->add_input()->set_name("w");  // hides the outer w
  add_cast(*body, "w", onnx::TensorProto::FLOAT16, "of_loop_input");
  onnx::NodeProto* producer = body->add_node();
  producer->set_op_type("Relu");
  producer->add_input("x");
  producer->add_output("sparse_w");  // hides the outer sparse_w
  add_cast(*body, "sparse_w", onnx::TensorProto::FLOAT16, "of_computed");

  onnx::FunctionProto* function = model.add_functions();
  function->set_name("F");
  onnx::NodeProto* constant = function->add_node();
  constant->set_op_type("Constant");
  constant->add_output("k");
  onnx::AttributeProto* value = constant->add_attribute();
  value->set_name("value_float");
  value->set_f(1e6f);
  for (const char* input : {"k", "w"}) {  // w is the graph's, not the function's
    onnx::NodeProto* cast = function->add_node();
    cast->set_op_type("Cast");
    cast->add_input(input);
    cast->add_output(std::string(input) + "_h");
    onnx::AttributeProto* to = cast->add_attribute();
    to->set_name("to");
    to->set_i(onnx::TensorProto::BFLOAT16);
  }

  const ContainerContents contents = read_onnx(bytes_of(model), "m.onnx");
  ASSERT_EQ(contents.unreadable.size(), 1u);
  EXPECT_EQ(contents.unreadable[0].location.member, "bad");
  EXPECT_EQ(declared_members(contents), (std::vector<std::string>{"sparse_w", "function F/k"}));
  ASSERT_EQ(contents.declared.size(), 2u);
  const CastDeclaration& sparse_cast = *contents.declared[0].declaration;
  EXPECT_EQ(sparse_cast.name, "Cast node 'sparse\\x0acast\\x1b[2J'");
  EXPECT_EQ(sparse_cast.where.member, "sparse\ncast\x1b[2J");  // raw, as members are: writers escape
  const CastDeclaration& function_cast = *contents.declared[1].declaration;
  EXPECT_EQ(function_cast.name, "Cast node #1 in 'function F' (output 'k_h')");
  EXPECT_EQ(function_cast.where.member, "function F/(Cast 1)");
  EXPECT_EQ(function_cast.casts, std::vector<DType>{DType::BFloat16});
}

// A model of a million Cast nodes over one initializer, each named and with
// its own output as exporters write them, serialised by hand (a million
// NodeProtos built as objects would take a gigabyte).
std::shared_ptr<std::string> million_casts_model(std::size_t nodes) {
  const std::string attribute("\x0a\x02to\x18\x0a\xa0\x01\x02", 9);  // to = FLOAT16, type INT
  onnx::TensorProto w;
  w.set_name("w");
  w.set_data_type(onnx::TensorProto::FLOAT);
  w.add_dims(1);
  w.add_float_data(1e5f);
  const std::string w_bytes = w.SerializeAsString();
  std::string graph = "\x2a" + std::string(1, static_cast<char>(w_bytes.size())) + w_bytes;
  for (std::size_t i = 0; i < nodes; ++i) {
    const std::string digits = std::to_string(1'000'000 + i).substr(1);  // six digits
    const std::string node = std::string("\x0a\x01w", 3) + "\x12\x07o" + digits + "\x1a\x07n" + digits +
                             "\x22\x04"
                             "Cast" +
                             "\x2a" + static_cast<char>(attribute.size()) + attribute;
    graph += "\x0a" + std::string(1, static_cast<char>(node.size())) + node;
  }
  auto model = std::make_shared<std::string>("\x08\x08\x3a", 3);
  for (std::size_t length = graph.size();; length >>= 7) {  // the graph's length, a varint
    const auto low = static_cast<char>(length & 0x7f);
    if (length < 0x80) {
      *model += low;
      break;
    }
    *model += static_cast<char>(low | 0x80);
  }
  *model += graph;
  return model;
}

// Runs `work` in a process of its own and returns what it wrote: for a test
// whose memory must not count against the bounds other tests measure of this
// process's children (RUSAGE_CHILDREN, hostile_test.cpp). The work runs in a
// grandchild that is left to init, so its peak is nobody's child here.
std::string in_orphan_process(const std::function<std::string()>& work) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child == 0) {
    if (::fork() == 0) {
      ::close(pipe_fds[0]);
      const std::string out = work();
      std::size_t written = 0;
      while (written < out.size()) {
        const ssize_t n = ::write(pipe_fds[1], out.data() + written, out.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
      }
      ::_exit(0);
    }
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  if (child > 0) ::waitpid(child, nullptr, 0);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
    out.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  return out;
}

// A million Cast nodes: read in linear time; the first kOnnxMaxDeclaredCasts
// are declared, the rest noted once (DT204) with their number. Read in a
// process of its own: its 800 MB of parsed messages are not this suite's.
TEST(OnnxCasts, AMillionCastNodesStayLinearAndAreBounded) {
  constexpr std::size_t kNodes = 1'000'000;
  const std::string outcome = in_orphan_process([] {
    const auto model = million_casts_model(kNodes);
    const auto start = std::chrono::steady_clock::now();
    const ContainerContents contents =
        read_onnx({std::as_bytes(std::span(model->data(), model->size())), model, false}, "casts.onnx");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    json out;
    out["in_time"] = seconds < testing_support::time_limit(20.0);
    out["seconds"] = seconds;
    out["arrays"] = contents.arrays.size();
    out["declared"] = contents.declared.size();
    if (!contents.declared.empty()) {
      out["last_member"] = contents.declared.back().member;
      out["last_name"] = contents.declared.back().declaration->name;
    }
    out["skipped"] = json::array();
    for (const MemberIssue& skipped : contents.skipped)
      out["skipped"].push_back(
          {{"member", skipped.location.member.value_or("")}, {"reason", skipped.reason}});
    return out.dump();
  });
  ASSERT_FALSE(outcome.empty()) << "the reading process wrote nothing";
  const json out = json::parse(outcome);
  SCOPED_TRACE(out.dump());
  EXPECT_TRUE(out["in_time"]);
  EXPECT_EQ(out["arrays"], 1u);
  ASSERT_EQ(out["declared"], kOnnxMaxDeclaredCasts);
  EXPECT_EQ(out["last_member"], "w");
  EXPECT_EQ(out["last_name"],
            "Cast node 'n" + std::to_string(1'000'000 + kOnnxMaxDeclaredCasts - 1).substr(1) + "'");
  ASSERT_EQ(out["skipped"].size(), 1u);
  EXPECT_EQ(out["skipped"][0]["member"], "n" + std::to_string(1'000'000 + kOnnxMaxDeclaredCasts).substr(1));
  EXPECT_NE(out["skipped"][0]["reason"].get<std::string>().find(
                "(" + std::to_string(kNodes - kOnnxMaxDeclaredCasts) + " such nodes not checked)"),
            std::string::npos);
}

}  // namespace
}  // namespace dtlint
