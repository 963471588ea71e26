#include "analyzer/formats/onnx.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <onnx_lite/onnx.pb.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
namespace pbio = google::protobuf::io;

// Which repeated field of a TensorProto holds a type's values when raw_data does not.
enum class Storage { Float, Int32, Int64, Double, UInt64, String, None };

// ONNX's TensorProto.DataType codes, as onnx.proto numbers them (1.12 stops at
// BFLOAT16 = 16; the later codes are those of newer versions of the file).
struct OnnxType {
  int code;
  std::string_view name;
  std::optional<DType> dtype;  // none: not analysed, see `not_read`
  Storage storage;
  std::int64_t min, max;      // the range of int32_data values (Storage::Int32)
  std::string_view not_read;  // why a type without a dtype is skipped
};
constexpr std::array<OnnxType, 23> kOnnxTypes{{
    {1, "FLOAT", DType::Float32, Storage::Float, 0, 0, {}},
    {2, "UINT8", DType::UInt8, Storage::Int32, 0, 255, {}},
    {3, "INT8", DType::Int8, Storage::Int32, -128, 127, {}},
    {4, "UINT16", DType::UInt16, Storage::Int32, 0, 65535, {}},
    {5, "INT16", DType::Int16, Storage::Int32, -32768, 32767, {}},
    {6,
     "INT32",
     DType::Int32,
     Storage::Int32,
     std::numeric_limits<std::int32_t>::min(),
     std::numeric_limits<std::int32_t>::max(),
     {}},
    {7, "INT64", DType::Int64, Storage::Int64, 0, 0, {}},
    {8, "STRING", std::nullopt, Storage::String, 0, 0, "a STRING tensor holds text, not numbers"},
    {9, "BOOL", DType::Bool, Storage::Int32, 0, 1, {}},
    {10, "FLOAT16", DType::Float16, Storage::Int32, 0, 65535, {}},  // int32_data holds the bit patterns
    {11, "DOUBLE", DType::Float64, Storage::Double, 0, 0, {}},
    {12, "UINT32", DType::UInt32, Storage::UInt64, 0, 0, {}},
    {13, "UINT64", DType::UInt64, Storage::UInt64, 0, 0, {}},
    {14, "COMPLEX64", DType::Complex64, Storage::Float, 0, 0, {}},
    {15, "COMPLEX128", DType::Complex128, Storage::Double, 0, 0, {}},
    {16, "BFLOAT16", DType::BFloat16, Storage::Int32, 0, 65535, {}},
    {17, "FLOAT8E4M3FN", DType::Float8E4M3FN, Storage::Int32, 0, 255, {}},
    {18, "FLOAT8E4M3FNUZ", std::nullopt, Storage::None, 0, 0,
     "FLOAT8E4M3FNUZ is a float8 variant dtlint does not simulate"},
    {19, "FLOAT8E5M2", DType::Float8E5M2, Storage::Int32, 0, 255, {}},
    {20, "FLOAT8E5M2FNUZ", std::nullopt, Storage::None, 0, 0,
     "FLOAT8E5M2FNUZ is a float8 variant dtlint does not simulate"},
    {21, "UINT4", std::nullopt, Storage::None, 0, 0,
     "UINT4 holds packed 4-bit integers (quantized; not a cast source)"},
    {22, "INT4", std::nullopt, Storage::None, 0, 0,
     "INT4 holds packed 4-bit integers (quantized; not a cast source)"},
    {23, "FLOAT4E2M1", std::nullopt, Storage::None, 0, 0,
     "FLOAT4E2M1 holds packed 4-bit floats (quantized; not a cast source)"},
}};

// The table is indexed by code.
constexpr bool codes_are_indices() {
  for (std::size_t i = 0; i < kOnnxTypes.size(); ++i) {
    if (kOnnxTypes[i].code != static_cast<int>(i + 1)) return false;
  }
  return true;
}
static_assert(codes_are_indices());

const OnnxType* onnx_type(int code) {
  if (code < 1 || code > static_cast<int>(kOnnxTypes.size())) return nullptr;
  return &kOnnxTypes[static_cast<std::size_t>(code - 1)];
}

std::string_view storage_field(Storage storage) {
  switch (storage) {
    case Storage::Float: return "float_data";
    case Storage::Int32: return "int32_data";
    case Storage::Int64: return "int64_data";
    case Storage::Double: return "double_data";
    case Storage::UInt64: return "uint64_data";
    case Storage::String: return "string_data";
    case Storage::None: break;
  }
  return "raw_data";
}

std::string bytes_text(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

// A problem with one tensor: an E901 for it alone.
struct TensorError {
  std::string reason;
};

// A tensor dtlint does not analyse: a DT204 note for it.
struct TensorSkipped {
  std::string reason;
};

// Parses `bytes` into `message` with the bounds every ONNX input gets: no more
// bytes than there are, messages nested at most `nesting` deep.
bool parse_bounded(std::span<const std::byte> bytes, google::protobuf::MessageLite& message, int nesting) {
  pbio::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                            static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(static_cast<int>(bytes.size()));
  in.SetRecursionLimit(nesting);
  return message.ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
}

// Parsed messages can take far more memory than their bytes: two bytes make
// an empty initializer of 240. Every parse allocates its messages from an
// arena whose blocks count against a budget in proportion to the input. The
// most compact real tensors and nodes (a scalar with a two-letter name, an
// "Add" of one-letter values) take some 20 bytes a byte, a packed int64_data of
// one-byte varints 8; tensors' bytes live in std::strings outside the arena,
// bounded by the input itself.
constexpr std::size_t kArenaBytesPerInputByte = 24;
constexpr std::size_t kArenaAllowanceBytes = std::size_t{32} << 20;

struct ArenaBudgetExceeded {};

// The budget of the parse running on this thread; null outside one.
thread_local std::size_t* t_arena_budget = nullptr;

void* budgeted_block_alloc(std::size_t size) {
  if (t_arena_budget != nullptr) {
    // Thrown through protobuf's parser: its arena still owns (and frees) every block it was given.
    if (size > *t_arena_budget) throw ArenaBudgetExceeded{};
    *t_arena_budget -= size;
  }
  return ::operator new(size);
}

void budgeted_block_dealloc(void* block, std::size_t) {
  ::operator delete(block);
}

google::protobuf::ArenaOptions budgeted_arena_options() {
  google::protobuf::ArenaOptions options;
  options.block_alloc = &budgeted_block_alloc;
  options.block_dealloc = &budgeted_block_dealloc;
  return options;
}

// A message of type Message parsed from an input on its own arena, kept alive
// as the owner of every view into it.
template <typename Message>
class ParsedMessage {
 public:
  ParsedMessage()
      : arena_(budgeted_arena_options()),
        message_(google::protobuf::Arena::CreateMessage<Message>(&arena_)) {}
  ParsedMessage(const ParsedMessage&) = delete;
  ParsedMessage& operator=(const ParsedMessage&) = delete;

  // False when the bytes are not such a message. Throws ArenaBudgetExceeded.
  bool parse(std::span<const std::byte> bytes, int nesting) {
    std::size_t budget = kArenaAllowanceBytes + kArenaBytesPerInputByte * bytes.size();
    t_arena_budget = &budget;
    try {
      const bool parsed = parse_bounded(bytes, *message_, nesting);
      t_arena_budget = nullptr;
      return parsed;
    } catch (...) {
      t_arena_budget = nullptr;
      throw;
    }
  }

  const Message& get() const { return *message_; }

 private:
  google::protobuf::Arena arena_;
  Message* message_;
};

// Parses `bytes` as a Message on a budget and forgets it: for the diagnosis of
// a failed parse. A parse that would exceed the budget counts as failed.
template <typename Message>
bool parses_as(std::span<const std::byte> bytes, int nesting) {
  try {
    ParsedMessage<Message> message;
    return message.parse(bytes, nesting);
  } catch (const ArenaBudgetExceeded&) {
    return false;
  }
}

std::string budget_reason(std::size_t input_bytes) {
  return "the protobuf's messages would take more memory than dtlint allows a model (" +
         byte_size_text(kArenaAllowanceBytes) + " + " + std::to_string(kArenaBytesPerInputByte) +
         " bytes per byte of the file, " +
         std::to_string(kArenaAllowanceBytes + kArenaBytesPerInputByte * input_bytes) +
         " bytes here): a message bomb, e.g. a great many empty tensors or nodes";
}

// The fields of the messages a parse failure is traced through, with the wire
// type each must have (2: length-delimited, 0: varint), for the messages.
struct FieldName {
  std::uint32_t number;
  std::string_view name;
  int wire_type;
};
constexpr std::array<FieldName, 10> kModelFields{{{1, "ir_version", 0},
                                                  {2, "producer_name", 2},
                                                  {3, "producer_version", 2},
                                                  {4, "domain", 2},
                                                  {5, "model_version", 0},
                                                  {6, "doc_string", 2},
                                                  {7, "graph", 2},
                                                  {8, "opset_import", 2},
                                                  {20, "training_info", 2},
                                                  {25, "functions", 2}}};
constexpr std::array<FieldName, 3> kTensorFields{{{2, "data_type", 0}, {8, "name", 2}, {9, "raw_data", 2}}};
constexpr std::array<FieldName, 5> kGraphFields{
    {{1, "node", 2}, {2, "name", 2}, {5, "initializer", 2}, {11, "input", 2}, {15, "sparse_initializer", 2}}};

std::string field_text(std::span<const FieldName> fields, std::uint32_t number) {
  for (const FieldName& field : fields) {
    if (field.number == number)
      return "field " + std::to_string(number) + " (" + std::string(field.name) + ")";
  }
  return "field " + std::to_string(number);
}

// One field of a message as the wire format lays it out.
struct WireField {
  std::uint32_t number;
  std::size_t start;       // where its tag begins
  std::size_t begin, end;  // its payload (length-delimited fields only are listed)
};

// Walks the fields of one message with protobuf's own wire-format reader and
// says what breaks it (a length past the end, an invalid wire type), or
// nothing: used only to explain why a parse failed. `fields` lists the message's
// known fields; `base` is where `bytes` begin in the file, for the offsets in messages.
std::optional<std::string> wire_problem(std::span<const std::byte> bytes, std::span<const FieldName> fields,
                                        std::size_t base, std::vector<WireField>* layout) {
  pbio::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                            static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(static_cast<int>(bytes.size()));
  const auto at = [&](std::size_t position) { return " at byte " + std::to_string(base + position); };
  while (true) {
    const auto position = static_cast<std::size_t>(in.CurrentPosition());
    const std::uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (position == bytes.size()) return std::nullopt;
      return "invalid field tag (field number 0 or a cut-off tag)" + at(position);
    }
    const std::uint32_t number = tag >> 3;
    const int wire_type = static_cast<int>(tag & 7);
    if (wire_type > 5)
      return "invalid wire type " + std::to_string(wire_type) + " for " + field_text(fields, number) +
             at(position);
    for (const FieldName& field : fields) {
      if (field.number == number && field.wire_type != wire_type) {
        return field_text(fields, number) + " has wire type " + std::to_string(wire_type) + at(position) +
               ", not " + std::to_string(field.wire_type) +
               (field.wire_type == 2 ? " (length-delimited)" : " (varint)");
      }
    }
    std::uint64_t value = 0;
    std::uint32_t length = 0;
    std::uint32_t fixed32 = 0;
    switch (wire_type) {
      case 0:
        if (!in.ReadVarint64(&value))
          return "truncated: " + field_text(fields, number) + at(position) + " is cut off";
        break;
      case 1:
        if (!in.ReadLittleEndian64(&value))
          return "truncated: " + field_text(fields, number) + at(position) + " is cut off";
        break;
      case 5:
        if (!in.ReadLittleEndian32(&fixed32))
          return "truncated: " + field_text(fields, number) + at(position) + " is cut off";
        break;
      case 2: {
        if (!in.ReadVarint32(&length))
          return "truncated: the length of " + field_text(fields, number) + at(position) + " is cut off";
        const auto begin = static_cast<std::size_t>(in.CurrentPosition());
        if (length > bytes.size() - begin) {
          return "truncated: " + field_text(fields, number) + at(position) + " declares " +
                 bytes_text(length) + ", " + bytes_text(bytes.size() - begin) + " remain";
        }
        in.Skip(static_cast<int>(length));
        if (layout != nullptr) layout->push_back({number, position, begin, begin + length});
        break;
      }
      default:  // 3 and 4: the others are handled above
        return field_text(fields, number) + at(position) + " is a group (wire type " +
               std::to_string(wire_type) + "), which ONNX never writes";
    }
  }
}

// Why a ModelProto did not parse, as specifically as the layers above the graph's contents allow.
std::string model_parse_problem(std::span<const std::byte> bytes) {
  {
    // Deeper than the bound, but well-formed below a more generous one: the
    // nesting is the problem. (Bounded too: a hostile file can nest a million deep.)
    if (parses_as<onnx::ModelProto>(bytes, kOnnxMaxNesting * 16)) {
      return "messages nested deeper than " + std::to_string(kOnnxMaxNesting) +
             " levels (subgraphs inside subgraphs); dtlint reads at most that many";
    }
  }
  std::vector<WireField> model_layout;
  if (auto problem = wire_problem(bytes, kModelFields, 0, &model_layout))
    return "not a valid ONNX model: " + *problem;
  for (const WireField& field : model_layout) {
    if (field.number != 7) continue;
    const std::span<const std::byte> graph = bytes.subspan(field.begin, field.end - field.begin);
    std::vector<WireField> graph_layout;
    if (auto problem = wire_problem(graph, kGraphFields, field.begin, &graph_layout)) {
      return "not a valid ONNX model: in the graph, " + *problem;
    }
    std::size_t initializers = 0, nodes = 0;
    for (const WireField& member : graph_layout) {
      const std::span<const std::byte> payload = graph.subspan(member.begin, member.end - member.begin);
      const std::string at = " at byte " + std::to_string(field.begin + member.begin);
      if (member.number == 5) {
        if (!parses_as<onnx::TensorProto>(payload, kOnnxMaxNesting))
          return "not a valid ONNX model: graph initializer " + std::to_string(initializers) + at +
                 " is not a valid TensorProto (corrupt protobuf)";
        ++initializers;
      } else if (member.number == 1) {
        if (!parses_as<onnx::NodeProto>(payload, kOnnxMaxNesting))
          return "not a valid ONNX model: graph node " + std::to_string(nodes) + at +
                 " is not a valid NodeProto (corrupt protobuf)";
        ++nodes;
      }
    }
  }
  return "not a valid ONNX model: the protobuf is corrupt (a field's contents do not parse as its message "
         "type)";
}

// Where the main graph's initializers keep their raw_data in the input, by
// initializer index (empty ranges for those without).
struct RawDataRanges {
  std::vector<std::pair<std::size_t, std::size_t>> by_initializer;  // [begin, end) in the input
  std::vector<bool> present;
};

void append_varint(std::string& out, std::size_t value) {
  std::uint8_t buffer[5];  // the longest 32-bit varint
  const std::uint8_t* end =
      pbio::CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(value), buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(end - buffer));
}

// The model's bytes without the raw_data of its main graph's initializers,
// which hold nearly all of a model's bytes: parsed as it is, protobuf would
// copy them all into strings; parsed so, the views read them in place from the
// input (a mapping). nullopt, and the model is parsed as it is, for any layout
// but the plain one (one graph field, at most one raw_data a tensor), so that
// a problem is still diagnosed from the bytes as they are. Every length is
// below 2 GiB: the input is.
std::optional<std::string> without_initializer_raw_data(std::span<const std::byte> bytes,
                                                        RawDataRanges& ranges) {
  std::vector<WireField> model_layout;
  if (wire_problem(bytes, kModelFields, 0, &model_layout)) return std::nullopt;
  const WireField* graph = nullptr;
  for (const WireField& field : model_layout) {
    if (field.number != 7) continue;
    if (graph != nullptr) return std::nullopt;  // protobuf would merge two graphs
    graph = &field;
  }
  if (graph == nullptr) return std::nullopt;
  const std::span<const std::byte> graph_bytes = bytes.subspan(graph->begin, graph->end - graph->begin);
  std::vector<WireField> graph_layout;
  if (wire_problem(graph_bytes, kGraphFields, graph->begin, &graph_layout)) return std::nullopt;

  const auto text = [&](std::size_t begin, std::size_t end) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()) + begin, end - begin);
  };
  std::string new_graph;
  std::size_t copied = graph->begin;  // the graph's bytes are copied up to here
  for (const WireField& field : graph_layout) {
    if (field.number != 5) continue;
    const std::size_t tensor_begin = graph->begin + field.begin, tensor_end = graph->begin + field.end;
    std::vector<WireField> tensor_layout;
    if (wire_problem(bytes.subspan(tensor_begin, tensor_end - tensor_begin), kTensorFields, tensor_begin,
                     &tensor_layout)) {
      return std::nullopt;
    }
    const WireField* raw = nullptr;
    for (const WireField& member : tensor_layout) {
      if (member.number != 9) continue;
      if (raw != nullptr) return std::nullopt;  // the last would win
      raw = &member;
    }
    ranges.present.push_back(raw != nullptr);
    if (raw == nullptr) {
      ranges.by_initializer.emplace_back(0, 0);
      continue;
    }
    ranges.by_initializer.emplace_back(tensor_begin + raw->begin, tensor_begin + raw->end);
    // The initializer again, without its raw_data field.
    new_graph += text(copied, graph->begin + field.start);
    new_graph += static_cast<char>(0x2a);  // field 5, length-delimited
    append_varint(new_graph, (tensor_end - tensor_begin) - (raw->end - raw->start));
    new_graph += text(tensor_begin, tensor_begin + raw->start);
    new_graph += text(tensor_begin + raw->end, tensor_end);
    copied = tensor_end;
  }
  new_graph += text(copied, graph->end);

  std::string model(text(0, graph->start));
  model += static_cast<char>(0x3a);  // field 7, length-delimited
  append_varint(model, new_graph.size());
  model += new_graph;
  model += text(graph->end, bytes.size());
  return model;
}

// One tensor found in the model, before it is read.
struct FoundTensor {
  std::string member;
  const onnx::TensorProto* tensor = nullptr;  // null for the scalar and list attributes below
  const onnx::AttributeProto* attribute = nullptr;
  bool sparse_values = false;
};

// A Cast or CastLike node over a stored tensor: a declared cast of that tensor (DESIGN §5).
struct FoundCast {
  std::string member;  // the tensor's member name, as the reader names its array
  std::shared_ptr<const CastDeclaration> declaration;
};

bool is_onnx_domain(const onnx::NodeProto& node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

// The element type a Constant node's value has (0: none).
int constant_elem_type(const onnx::NodeProto& node) {
  for (const onnx::AttributeProto& attribute : node.attribute()) {
    if (attribute.has_t()) return attribute.t().data_type();
    if (attribute.has_sparse_tensor()) return attribute.sparse_tensor().values().data_type();
    const std::string& name = attribute.name();
    if (name == "value_float" || name == "value_floats") return onnx::TensorProto::FLOAT;
    if (name == "value_int" || name == "value_ints") return onnx::TensorProto::INT64;
    if (name == "value_string" || name == "value_strings") return onnx::TensorProto::STRING;
  }
  return 0;
}

// The dtype a Cast to ONNX type `code` is simulated as; none for the types
// dtlint does not simulate as a target (STRING, BOOL, complex, FNUZ and 4-bit types).
std::optional<DType> cast_target(int code) {
  const OnnxType* type = onnx_type(code);
  if (type == nullptr || !type->dtype) return std::nullopt;
  if (!is_float(*type->dtype) && !is_integer(*type->dtype)) return std::nullopt;
  return type->dtype;
}

// Finds every stored tensor of a model, naming each by its path, and the Cast
// and CastLike nodes whose data input is one of them.
class TensorFinder {
 public:
  explicit TensorFinder(const std::string& path) : path_(path) {}

  void model(const onnx::ModelProto& model) {
    if (model.has_graph()) graph(model.graph(), "");
    for (int i = 0; i < model.training_info_size(); ++i) {
      const onnx::TrainingInfoProto& info = model.training_info(i);
      const std::string prefix = "training_info/" + std::to_string(i) + "/";
      if (info.has_initialization()) graph(info.initialization(), prefix + "initialization/");
      if (info.has_algorithm()) graph(info.algorithm(), prefix + "algorithm/");
    }
    for (const onnx::FunctionProto& function : model.functions()) {
      const std::string prefix =
          "function " + function.domain() + (function.domain().empty() ? "" : ".") + function.name() + "/";
      // A function sees only its own values: its inputs are parameters, not the graph's tensors.
      scopes_.emplace_back();
      constants(function.node(), prefix);
      nodes(function.node(), prefix);
      scopes_.pop_back();
    }
  }

  std::vector<FoundTensor> take() { return std::move(found_); }
  std::vector<FoundCast> take_casts() { return std::move(casts_); }
  // Cast nodes over stored tensors past kOnnxMaxDeclaredCasts: the first one's node and how many.
  const std::optional<Location>& first_cast_not_declared() const { return first_cast_not_declared_; }
  std::size_t casts_not_declared() const { return casts_not_declared_; }

 private:
  // What a value name means in one graph: a stored tensor (its member name),
  // or a value computed at run time (empty member), with its element type
  // when the graph says it (for CastLike's target).
  struct Value {
    std::string member;
    int elem_type = 0;
  };
  // Value names of one graph; a subgraph sees its outer graphs' names unless it shadows them.
  using Scope = std::unordered_map<std::string_view, Value>;

  const Value* lookup(std::string_view name) const {
    for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
      if (const auto found = scope->find(name); found != scope->end()) return &found->second;
    }
    return nullptr;
  }

  // Names the graph gives values computed at run time (its inputs, its nodes'
  // outputs): they hide a stored tensor of an outer graph of the same name.
  // Only names an outer graph has are recorded, so a graph costs nothing per node.
  void computed(std::string_view name, int elem_type) {
    if (name.empty()) return;
    Scope& scope = scopes_.back();
    if (const auto known = scope.find(name); known != scope.end()) {
      if (known->second.elem_type == 0) known->second.elem_type = elem_type;
      return;
    }
    if (elem_type != 0 || lookup(name) != nullptr) scope.emplace(name, Value{std::string(), elem_type});
  }

  static int elem_type_of(const onnx::ValueInfoProto& info) {
    return info.has_type() && info.type().has_tensor_type() ? info.type().tensor_type().elem_type() : 0;
  }

  void graph(const onnx::GraphProto& graph, const std::string& prefix) {
    scopes_.emplace_back();
    for (int i = 0; i < graph.initializer_size(); ++i) {
      const onnx::TensorProto& tensor = graph.initializer(i);
      add({prefix + name_or(tensor.name(), "initializer " + std::to_string(i)), &tensor, nullptr, false});
      if (!tensor.name().empty())
        scopes_.back().emplace(tensor.name(), Value{found_.back().member, tensor.data_type()});
    }
    for (int i = 0; i < graph.sparse_initializer_size(); ++i) {
      const onnx::TensorProto& values = graph.sparse_initializer(i).values();
      add({prefix + name_or(values.name(), "sparse_initializer " + std::to_string(i)), &values, nullptr,
           true});
      if (!values.name().empty())
        scopes_.back().emplace(values.name(), Value{found_.back().member, values.data_type()});
    }
    // A node may come before the Constant it reads: ONNX asks for sorted nodes, a hostile file need not.
    constants(graph.node(), prefix);
    for (const onnx::ValueInfoProto& input : graph.input()) computed(input.name(), elem_type_of(input));
    for (const onnx::ValueInfoProto& info : graph.value_info()) computed(info.name(), elem_type_of(info));
    for (const onnx::ValueInfoProto& output : graph.output()) computed(output.name(), elem_type_of(output));
    for (const onnx::NodeProto& node : graph.node()) {
      if (node.op_type() == "Constant" && is_onnx_domain(node)) continue;
      for (const std::string& output : node.output()) computed(output, 0);
    }
    nodes(graph.node(), prefix);
    scopes_.pop_back();
  }

  // The values of the Constant nodes in `list`, into the innermost scope.
  void constants(const google::protobuf::RepeatedPtrField<onnx::NodeProto>& list, const std::string& prefix) {
    for (const onnx::NodeProto& node : list) {
      if (node.op_type() != "Constant" || !is_onnx_domain(node) || node.output_size() == 0 ||
          node.output(0).empty())
        continue;
      scopes_.back().emplace(node.output(0), Value{prefix + node.output(0), constant_elem_type(node)});
    }
  }

  void nodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto>& list, const std::string& prefix) {
    int index = 0;
    for (const onnx::NodeProto& node : list) {
      const std::string label = name_or(node.name(), node.op_type() + " " + std::to_string(index));
      const bool constant = node.op_type() == "Constant" && is_onnx_domain(node);
      if ((node.op_type() == "Cast" || node.op_type() == "CastLike") && is_onnx_domain(node))
        cast(node, index, prefix, label);
      for (const onnx::AttributeProto& attribute : node.attribute()) {
        if (constant) {
          // The constant is the value its output names; the attribute says how it is stored.
          const std::string member =
              prefix + (node.output_size() > 0 && !node.output(0).empty() ? node.output(0) : label);
          if (attribute.has_t()) {
            add({member, &attribute.t(), nullptr, false});
          } else if (attribute.has_sparse_tensor()) {
            add({member, &attribute.sparse_tensor().values(), nullptr, true});
          } else if (attribute.name() == "value_float" || attribute.name() == "value_floats" ||
                     attribute.name() == "value_int" || attribute.name() == "value_ints" ||
                     attribute.name() == "value_string" || attribute.name() == "value_strings") {
            add({member, nullptr, &attribute, false});
          }
          continue;
        }
        const std::string at = prefix + label + "/" + attribute.name();
        if (attribute.has_t()) add({at, &attribute.t(), nullptr, false});
        for (int t = 0; t < attribute.tensors_size(); ++t)
          add({at + "/" + std::to_string(t), &attribute.tensors(t), nullptr, false});
        if (attribute.has_g()) graph(attribute.g(), at + "/");
        for (int g = 0; g < attribute.graphs_size(); ++g)
          graph(attribute.graphs(g), at + "/" + std::to_string(g) + "/");
      }
      ++index;
    }
  }

  // A Cast (to its `to` type) or CastLike (to its second input's element
  // type) whose data input is a stored tensor declares that tensor's cast. A
  // cast of a computed value (a chain's later Casts) declares nothing: its
  // data is not stored.
  void cast(const onnx::NodeProto& node, int index, const std::string& prefix, const std::string& label) {
    if (node.input_size() == 0) return;
    const Value* data = lookup(node.input(0));
    if (data == nullptr || data->member.empty()) return;
    int code = 0;
    if (node.op_type() == "Cast") {
      for (const onnx::AttributeProto& attribute : node.attribute()) {
        if (attribute.name() == "to")
          code = static_cast<int>(std::clamp<std::int64_t>(attribute.i(), 0, 1000));
      }
    } else if (node.input_size() >= 2) {
      if (const Value* like = lookup(node.input(1))) code = like->elem_type;
    }
    const std::optional<DType> target = cast_target(code);
    if (!target) return;
    if (casts_.size() >= kOnnxMaxDeclaredCasts) {
      if (!first_cast_not_declared_) first_cast_not_declared_ = Location(path_, prefix + label);
      ++casts_not_declared_;
      return;
    }
    auto declaration = std::make_shared<CastDeclaration>();
    declaration->kind = DeclarationKind::OnnxCast;
    const std::string op = node.op_type() + " node ";
    if (!node.name().empty()) {
      declaration->name = op + quote_tensor_name(prefix + node.name());
    } else {
      declaration->name = op + "#" + std::to_string(index);
      if (!prefix.empty())
        declaration->name += " in " + quote_tensor_name(prefix.substr(0, prefix.size() - 1));
      if (node.output_size() > 0 && !node.output(0).empty())
        declaration->name += " (output " + quote_tensor_name(node.output(0)) + ")";
    }
    declaration->where = Location(path_, prefix + label);
    declaration->casts = {*target};
    declaration->identity = declaration->name + " -> " + std::string(name(*target));
    casts_.push_back({data->member, std::move(declaration)});
  }

  static std::string name_or(const std::string& name, std::string fallback) {
    return name.empty() ? "(" + fallback + ")" : name;
  }

  void add(FoundTensor found) {
    if (found_.size() >= kOnnxMaxTensors) {
      throw InputError(path_, "holds more than " + std::to_string(kOnnxMaxTensors) +
                                  " tensors, the most dtlint reads from one model");
    }
    found_.push_back(std::move(found));
  }

  const std::string& path_;
  std::vector<FoundTensor> found_;
  std::vector<Scope> scopes_;  // the graphs around the nodes being walked, outermost first
  std::vector<FoundCast> casts_;
  std::optional<Location> first_cast_not_declared_;
  std::size_t casts_not_declared_ = 0;
};

// External data files of one model, each opened and mapped once.
class ExternalFiles {
 public:
  ExternalFiles(const std::string& model_path, bool enabled) : model_path_(model_path), enabled_(enabled) {}

  // The bytes of the external data file `location` (as the tensor names it),
  // checked to lie inside the model's folder. Throws TensorError.
  std::shared_ptr<const MappedFile> open(const std::string& location) {
    const std::string shown = "external data file " + quote_tensor_name(location);
    if (location.empty()) throw TensorError{"external data 'location' is empty"};
    if (location.find('\0') != std::string::npos) throw TensorError{shown + " has a NUL byte in its name"};
    const fs::path relative(location);
    if (relative.is_absolute()) {
      throw TensorError{shown + " is an absolute path; external data must lie in the model's folder"};
    }
    for (const fs::path& part : relative) {
      if (part == "..") throw TensorError{shown + " climbs out of the model's folder with '..'"};
    }
    if (!enabled_) throw TensorError{shown + ": external data is not read for a model given as bytes"};

    std::error_code error;
    if (folder_.empty()) {
      fs::path folder = fs::path(model_path_).parent_path();
      if (folder.empty()) folder = ".";
      folder_ = fs::canonical(folder, error);
      if (error) throw TensorError{"the model's folder cannot be resolved: " + error.message()};
    }
    const fs::path resolved = fs::canonical(fs::path(model_path_).parent_path() / relative, error);
    if (error) throw TensorError{shown + " cannot be opened: " + error.message()};
    // Symbolic links are resolved above: the file itself must be inside the folder.
    const fs::path inside = resolved.lexically_relative(folder_);
    if (inside.empty() || *inside.begin() == "..") {
      throw TensorError{shown + " resolves (through a symbolic link) to a file outside the model's folder"};
    }
    const std::string key = resolved.string();
    if (const auto known = opened_.find(key); known != opened_.end()) return known->second;
    if (const auto failed = failed_.find(key); failed != failed_.end()) throw TensorError{failed->second};
    try {
      // The project's checks: regular files only, never a FIFO or device.
      auto file = MappedFile::open(resolved, location);
      opened_.emplace(key, file);
      return file;
    } catch (const InputError& open_error) {
      std::string reason = shown + ": " + open_error.reason();
      failed_.emplace(key, reason);
      throw TensorError{std::move(reason)};
    }
  }

 private:
  const std::string& model_path_;
  bool enabled_;
  fs::path folder_;  // canonical, once an external file is asked for
  std::map<std::string, std::shared_ptr<const MappedFile>> opened_;
  std::map<std::string, std::string> failed_;
};

// A decimal non-negative integer of 64 bits, as external data's offset and length are written.
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// Reads found tensors into views over the model (kept alive by `owner`).
class TensorReader {
 public:
  TensorReader(std::shared_ptr<const void> owner, const std::string& path, ExternalFiles& files)
      : owner_(std::move(owner)), path_(path), files_(files) {}

  // raw_data that was left in the input (without_initializer_raw_data), viewed there.
  void set_raw_data_in_input(std::map<const onnx::TensorProto*, std::span<const std::byte>> raw_data,
                             const InputBytes& input) {
    raw_in_input_ = std::move(raw_data);
    input_owner_ = input.owner;
    input_mapped_ = input.mapped;
  }

  // Adds the tensor's view, unreadable or skipped member to `contents`.
  void read(const FoundTensor& found, ContainerContents& contents) {
    const Location location(path_, found.member);
    try {
      if (!names_.insert(found.member).second) {
        throw TensorError{"a second tensor with this name (ONNX names every value once)"};
      }
      ArrayView view =
          found.tensor != nullptr ? tensor_view(*found.tensor) : attribute_view(*found.attribute);
      view.location = location;
      contents.arrays.push_back(std::move(view));
    } catch (const TensorError& error) {
      contents.unreadable.push_back(
          {location, (found.sparse_values ? "sparse values: " : "") + error.reason});
    } catch (const TensorSkipped& skipped) {
      contents.skipped.push_back({location, skipped.reason});
    }
  }

  ArrayView tensor_view(const onnx::TensorProto& tensor) {
    if (!tensor.has_data_type() || tensor.data_type() == 0)
      throw TensorError{"data_type is not set (UNDEFINED)"};
    const OnnxType* type = onnx_type(tensor.data_type());
    if (type == nullptr) {
      throw TensorError{"data_type " + std::to_string(tensor.data_type()) +
                        " is not an ONNX tensor type (1 to " + std::to_string(kOnnxTypes.size()) + ")"};
    }
    if (!type->dtype) throw TensorSkipped{std::string(type->not_read)};
    if (tensor.has_segment())
      throw TensorSkipped{"a segment of a larger tensor (TensorProto.segment); not read"};
    const DType dtype = *type->dtype;

    ArrayView view;
    view.dtype = dtype;
    view.stored_dtype = std::string(type->name);
    if (static_cast<std::size_t>(tensor.dims_size()) > kOnnxMaxDimensions) {
      throw TensorError{std::to_string(tensor.dims_size()) + " dims, more than the " +
                        std::to_string(kOnnxMaxDimensions) + " dtlint reads"};
    }
    std::uint64_t elements = 1;
    for (int i = 0; i < tensor.dims_size(); ++i) {
      const std::int64_t dim = tensor.dims(i);
      if (dim < 0)
        throw TensorError{"dims[" + std::to_string(i) + "] is negative (" + std::to_string(dim) + ")"};
      const auto size = static_cast<std::uint64_t>(dim);
      view.shape.push_back(size);
      if (size != 0 && elements > std::numeric_limits<std::uint64_t>::max() / size) {
        throw TensorError{"the product of dims overflows 64 bits"};
      }
      elements *= size;
    }
    view.elements = elements;
    const std::uint64_t item = info(dtype).size;
    if (elements > std::numeric_limits<std::uint64_t>::max() / item) {
      throw TensorError{"dims " + list_text(view.shape) + " of " + std::string(type->name) +
                        " need more than 2^64 bytes"};
    }
    const std::uint64_t needed = elements * item;

    // Exactly one storage form may hold the values.
    std::vector<std::string_view> forms;
    const auto raw_in_input = raw_in_input_.find(&tensor);
    if (tensor.has_raw_data() || raw_in_input != raw_in_input_.end()) forms.push_back("raw_data");
    if (tensor.float_data_size() > 0) forms.push_back("float_data");
    if (tensor.int32_data_size() > 0) forms.push_back("int32_data");
    if (tensor.int64_data_size() > 0) forms.push_back("int64_data");
    if (tensor.double_data_size() > 0) forms.push_back("double_data");
    if (tensor.uint64_data_size() > 0) forms.push_back("uint64_data");
    if (tensor.string_data_size() > 0) forms.push_back("string_data");
    const bool external = tensor.data_location() == onnx::TensorProto::EXTERNAL;
    if (external) forms.push_back("external data");
    if (forms.size() > 1) {
      throw TensorError{"holds its values in both " + std::string(forms[0]) + " and " +
                        std::string(forms[1]) + " (ONNX allows one)"};
    }
    if (forms.empty()) {
      if (elements == 0) return with_bytes(std::move(view), {}, owner_, false);
      throw TensorError{"dims " + list_text(view.shape) + " declare " + std::to_string(elements) +
                        " elements, but the tensor holds no data (no raw_data, " +
                        std::string(storage_field(type->storage)) + " or external data)"};
    }
    const std::string_view form = forms[0];
    const std::string shape_of = "dims " + list_text(view.shape) + " of " + std::string(type->name);
    if (form == "raw_data") {
      const bool in_input = raw_in_input != raw_in_input_.end();
      const std::span<const std::byte> raw =
          in_input ? raw_in_input->second : std::as_bytes(std::span(tensor.raw_data()));
      if (raw.size() != needed) {
        throw TensorError{"raw_data holds " + bytes_text(raw.size()) + ", but " + shape_of + " need " +
                          std::to_string(needed)};
      }
      view.byte_swapped =
          std::endian::native != std::endian::little && item > 1;  // raw_data is little-endian
      if (in_input) return with_bytes(std::move(view), raw, input_owner_, input_mapped_);
      return with_bytes(std::move(view), raw, owner_, false);
    }
    if (form == "external data") return external_view(tensor, std::move(view), needed, shape_of);
    if (form != storage_field(type->storage)) {
      throw TensorError{std::string(type->name) + " values stored in " + std::string(form) +
                        " (ONNX keeps them in raw_data or " + std::string(storage_field(type->storage)) +
                        ")"};
    }
    const bool complex = dtype == DType::Complex64 || dtype == DType::Complex128;
    const std::uint64_t values = complex ? elements * 2 : elements;  // cannot overflow: `needed` did not
    const auto check_count = [&](int count) {
      if (static_cast<std::uint64_t>(count) != values) {
        throw TensorError{std::string(form) + " holds " + std::to_string(count) + " values, but " + shape_of +
                          " need " + std::to_string(values)};
      }
    };
    switch (type->storage) {
      case Storage::Float:
        check_count(tensor.float_data_size());
        return with_bytes(std::move(view), std::as_bytes(std::span(tensor.float_data().data(), values)),
                          owner_, false);
      case Storage::Double:
        check_count(tensor.double_data_size());
        return with_bytes(std::move(view), std::as_bytes(std::span(tensor.double_data().data(), values)),
                          owner_, false);
      case Storage::Int64:
        check_count(tensor.int64_data_size());
        return with_bytes(std::move(view), std::as_bytes(std::span(tensor.int64_data().data(), values)),
                          owner_, false);
      case Storage::UInt64:
        check_count(tensor.uint64_data_size());
        if (dtype == DType::UInt64) {
          return with_bytes(std::move(view), std::as_bytes(std::span(tensor.uint64_data().data(), values)),
                            owner_, false);
        }
        return narrowed<std::uint32_t>(std::move(view), tensor.uint64_data(), 0,
                                       std::numeric_limits<std::uint32_t>::max(), *type);
      case Storage::Int32:
        check_count(tensor.int32_data_size());
        switch (item) {
          case 1:
            return narrowed<std::uint8_t>(std::move(view), tensor.int32_data(), type->min, type->max, *type);
          case 2:
            return narrowed<std::uint16_t>(std::move(view), tensor.int32_data(), type->min, type->max, *type);
          default:
            return with_bytes(std::move(view), std::as_bytes(std::span(tensor.int32_data().data(), values)),
                              owner_, false);
        }
      case Storage::String:
      case Storage::None: break;
    }
    throw TensorError{"no storage for " + std::string(type->name)};  // not reached: the table gives one
  }

 private:
  static ArrayView with_bytes(ArrayView view, std::span<const std::byte> data,
                              std::shared_ptr<const void> owner, bool mapped) {
    view.data = data;
    view.owner = std::move(owner);
    view.mapped = mapped;
    return view;
  }

  // The values of a repeated field, each checked to lie in [min, max] and
  // stored as `Stored` (the dtype's width; its bit pattern for the 16- and
  // 8-bit floats, whose int32_data holds bit patterns).
  template <typename Stored, typename Field>
  ArrayView narrowed(ArrayView view, const google::protobuf::RepeatedField<Field>& field, std::int64_t min,
                     std::int64_t max, const OnnxType& type) {
    auto buffer = std::make_shared<std::vector<Stored>>();
    buffer->reserve(static_cast<std::size_t>(field.size()));
    for (int i = 0; i < field.size(); ++i) {
      const Field value = field.Get(i);
      bool in_range = false;
      if constexpr (std::is_signed_v<Field>) {
        in_range = value >= min && value <= max;
      } else {
        in_range = value <= static_cast<std::uint64_t>(max);
      }
      if (!in_range) {
        const bool bit_patterns = type.storage == Storage::Int32 && is_float(*type.dtype);
        throw TensorError{std::string(storage_field(type.storage)) + "[" + std::to_string(i) + "] is " +
                          std::to_string(value) + ", outside the range of " + std::string(type.name) +
                          (bit_patterns ? " bit patterns" : "") + " [" + std::to_string(min) + ", " +
                          std::to_string(max) + "]"};
      }
      // Two's complement: a negative INT8/INT16 value keeps its bits in the narrower type.
      buffer->push_back(static_cast<Stored>(value));
    }
    const std::span<const std::byte> data = std::as_bytes(std::span<const Stored>(*buffer));
    return with_bytes(std::move(view), data, std::move(buffer), false);
  }

  ArrayView external_view(const onnx::TensorProto& tensor, ArrayView view, std::uint64_t needed,
                          const std::string& shape_of) {
    std::optional<std::string> location;
    std::optional<std::uint64_t> offset, length;
    std::set<std::string> keys;
    for (const onnx::StringStringEntryProto& entry : tensor.external_data()) {
      if (!keys.insert(entry.key()).second) {
        throw TensorError{"external_data has the key " + quote_tensor_name(entry.key()) + " twice"};
      }
      if (entry.key() == "location") {
        location = entry.value();
      } else if (entry.key() == "offset" || entry.key() == "length") {
        const auto number = parse_decimal(entry.value());
        if (!number) {
          throw TensorError{"external data '" + entry.key() +
                            "' is not a non-negative decimal integer of 64 bits"};
        }
        (entry.key() == "offset" ? offset : length) = number;
      }
      // "checksum" (SHA-1 of the data) is optional and not verified here, as ONNX itself does not.
    }
    if (!location) throw TensorError{"data_location is EXTERNAL, but external_data has no 'location'"};
    const std::shared_ptr<const MappedFile> file = files_.open(*location);
    const std::span<const std::byte> bytes = file->bytes();
    const std::string shown = "external data file " + quote_tensor_name(*location);
    const std::uint64_t begin = offset.value_or(0);
    if (begin > bytes.size()) {
      throw TensorError{shown + ": offset " + std::to_string(begin) + " is past its end (" +
                        bytes_text(bytes.size()) + ")"};
    }
    const std::uint64_t available = bytes.size() - begin;
    if (length) {
      if (*length > available) {
        throw TensorError{shown + ": offset " + std::to_string(begin) + " + length " +
                          std::to_string(*length) + " extends past its end (" + bytes_text(bytes.size()) +
                          ")"};
      }
      if (*length != needed) {
        throw TensorError{shown + ": length " + bytes_text(*length) + ", but " + shape_of + " need " +
                          std::to_string(needed)};
      }
    } else if (needed > available) {
      throw TensorError{shown + ": " + shape_of + " need " + bytes_text(needed) + " from offset " +
                        std::to_string(begin) + ", " + std::to_string(available) + " remain"};
    }
    view.byte_swapped = std::endian::native != std::endian::little && info(view.dtype).size > 1;
    const bool mapped = file->mapped();
    return with_bytes(std::move(view),
                      bytes.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(needed)), file,
                      mapped);
  }

  // value_float(s), value_int(s), value_string(s) of a Constant node.
  ArrayView attribute_view(const onnx::AttributeProto& attribute) {
    ArrayView view;
    const std::string& name = attribute.name();
    if (name == "value_string" || name == "value_strings")
      throw TensorSkipped{"a string constant, not numbers"};
    const bool floats = name == "value_float" || name == "value_floats";
    const bool list = name == "value_floats" || name == "value_ints";
    view.dtype = floats ? DType::Float32 : DType::Int64;
    view.stored_dtype = floats ? "FLOAT" : "INT64";
    if (!list) {
      view.elements = 1;  // a 0-d array
      if (floats) {
        auto value = std::make_shared<float>(attribute.f());
        const std::span<const std::byte> data = std::as_bytes(std::span<const float>(value.get(), 1));
        return with_bytes(std::move(view), data, std::move(value), false);
      }
      auto value = std::make_shared<std::int64_t>(attribute.i());
      const std::span<const std::byte> data = std::as_bytes(std::span<const std::int64_t>(value.get(), 1));
      return with_bytes(std::move(view), data, std::move(value), false);
    }
    const auto count = static_cast<std::uint64_t>(floats ? attribute.floats_size() : attribute.ints_size());
    view.shape = {count};
    view.elements = count;
    if (floats)
      return with_bytes(std::move(view), std::as_bytes(std::span(attribute.floats().data(), count)), owner_,
                        false);
    return with_bytes(std::move(view), std::as_bytes(std::span(attribute.ints().data(), count)), owner_,
                      false);
  }

  std::shared_ptr<const void> owner_;
  const std::string& path_;
  ExternalFiles& files_;
  std::set<std::string> names_;
  std::map<const onnx::TensorProto*, std::span<const std::byte>> raw_in_input_;
  std::shared_ptr<const void> input_owner_;
  bool input_mapped_ = false;
};

bool has_extension(std::string_view path, std::string_view extension) {
  if (path.size() <= extension.size() || path[path.size() - extension.size() - 1] == '/') return false;
  const std::string_view tail = path.substr(path.size() - extension.size());
  return std::equal(tail.begin(), tail.end(), extension.begin(), [](char a, char b) {
    return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
  });
}

// The Cast nodes' declarations of the tensors that were read as arrays (a
// cast of an unreadable or skipped tensor has no data to be simulated on).
void declare_casts(TensorFinder& finder, ContainerContents& contents) {
  std::unordered_set<std::string_view> members;
  for (const ArrayView& view : contents.arrays) members.insert(*view.location.member);
  for (FoundCast& cast : finder.take_casts()) {
    if (members.count(cast.member) == 0) continue;
    contents.declared.push_back({std::move(cast.member), std::move(cast.declaration)});
  }
  if (const std::optional<Location>& first = finder.first_cast_not_declared()) {
    contents.skipped.push_back(
        {*first, "a Cast node over a stored tensor past the first " + std::to_string(kOnnxMaxDeclaredCasts) +
                     " of the model, the most dtlint checks (" + std::to_string(finder.casts_not_declared()) +
                     " such nodes not checked)"});
  }
}

ContainerContents read_model(const InputBytes& input, const std::string& path,
                             const OnnxReadOptions& options) {
  auto parsed = std::make_shared<ParsedMessage<onnx::ModelProto>>();
  RawDataRanges ranges;
  try {
    // The main graph's raw_data stays in the input, when the layout is the plain one.
    bool stripped_parsed = false;
    if (const std::optional<std::string> stripped = without_initializer_raw_data(input.bytes, ranges)) {
      stripped_parsed =
          parsed->parse(std::as_bytes(std::span(*stripped)), kOnnxMaxNesting) &&
          static_cast<std::size_t>(parsed->get().graph().initializer_size()) == ranges.present.size();
    }
    if (!stripped_parsed) {
      ranges = {};
      parsed = std::make_shared<ParsedMessage<onnx::ModelProto>>();
      if (!parsed->parse(input.bytes, kOnnxMaxNesting))
        throw InputError(path, model_parse_problem(input.bytes));
    }
  } catch (const ArenaBudgetExceeded&) {
    throw InputError(path, budget_reason(input.bytes.size()));
  }
  const onnx::ModelProto* model = &parsed->get();
  if (!model->has_graph() && model->functions_size() == 0) {
    std::vector<WireField> layout;
    if (auto problem = wire_problem(input.bytes, kModelFields, 0, &layout)) {
      throw InputError(path, "not a valid ONNX model: " + *problem);
    }
    throw InputError(path, "not an ONNX model: it has no graph (ModelProto field 7)");
  }
  TensorFinder finder(path);
  finder.model(*model);
  const std::vector<FoundTensor> found = finder.take();
  ExternalFiles files(path, options.external_data);
  TensorReader reader(parsed, path, files);
  std::map<const onnx::TensorProto*, std::span<const std::byte>> raw_in_input;
  for (std::size_t i = 0; i < ranges.present.size(); ++i) {
    if (!ranges.present[i]) continue;
    const auto [begin, end] = ranges.by_initializer[i];
    raw_in_input.emplace(&model->graph().initializer(static_cast<int>(i)),
                         input.bytes.subspan(begin, end - begin));
  }
  reader.set_raw_data_in_input(std::move(raw_in_input), input);
  ContainerContents contents;
  for (const FoundTensor& tensor : found) reader.read(tensor, contents);
  declare_casts(finder, contents);
  return contents;
}

}  // namespace

bool looks_like_onnx_model(const std::byte* prefix, std::size_t size) {
  if (size < 3 || prefix[0] != std::byte{0x08}) return false;
  const auto ir_version = std::to_integer<unsigned>(prefix[1]);
  if (ir_version < 3 || ir_version > 0x7f) return false;  // one varint byte
  // The next field in field-number order (onnx.save writes them so).
  const auto next = std::to_integer<unsigned>(prefix[2]);
  constexpr std::array<unsigned, 8> kNextTags{0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72};
  if (std::find(kNextTags.begin(), kNextTags.end(), next) != kNextTags.end()) return true;
  // training_info (20) and functions (25): two-byte tags.
  return size >= 4 && (next == 0xa2 || next == 0xca) && prefix[3] == std::byte{0x01};
}

ContainerContents read_onnx_with(const InputBytes& input, const std::string& path,
                                 const OnnxReadOptions& options) {
  if (input.bytes.size() > kOnnxMaxModelBytes) {
    throw InputError(path,
                     bytes_text(input.bytes.size()) +
                         ": larger than 2 GiB, the most a protobuf message can hold (ONNX keeps the tensors "
                         "of larger models in external data files)");
  }
  if (!has_extension(path, ".pb")) return read_model(input, path, options);

  // A .pb file: one TensorProto, or something else entirely (TensorFlow writes .pb files too).
  auto parsed_tensor = std::make_shared<ParsedMessage<onnx::TensorProto>>();
  bool parsed = false;
  try {
    parsed = parsed_tensor->parse(input.bytes, kOnnxMaxNesting);
  } catch (const ArenaBudgetExceeded&) {
    throw InputError(path, budget_reason(input.bytes.size()));
  }
  const onnx::TensorProto* tensor = &parsed_tensor->get();
  if (!parsed || !tensor->has_data_type() || onnx_type(tensor->data_type()) == nullptr) {
    if (looks_like_onnx_model(input.bytes.data(), input.bytes.size()))
      return read_model(input, path, options);
    ContainerContents skipped;
    skipped.skipped.push_back(
        {Location(path),
         "not an ONNX TensorProto (no valid data_type): a .pb file is read only when it holds one "
         "tensor as onnx.numpy_helper writes it (TensorFlow GraphDefs and SavedModels are not read)"});
    return skipped;
  }
  ExternalFiles files(path, options.external_data);
  TensorReader reader(parsed_tensor, path, files);
  FoundTensor found{tensor->name().empty() ? "(tensor)" : tensor->name(), tensor, nullptr, false};
  ContainerContents contents;
  reader.read(found, contents);
  return contents;
}

ContainerContents read_onnx(const InputBytes& input, const std::string& path) {
  return read_onnx_with(input, path, OnnxReadOptions{});
}

}  // namespace dtlint
