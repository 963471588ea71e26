#include "analyzer/formats/safetensors.h"

#include <algorithm>
#include <array>
#include <bit>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzer/dtype.h"
#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {
namespace {

constexpr std::size_t kLengthFieldBytes = 8;

// The dtypes of the format that dtlint reads, spelt as the format spells them.
struct FormatDType {
  std::string_view code;
  DType dtype;
};
constexpr std::array<FormatDType, 15> kFormatDTypes{{
    {"BOOL", DType::Bool},
    {"U8", DType::UInt8},
    {"I8", DType::Int8},
    {"I16", DType::Int16},
    {"U16", DType::UInt16},
    {"F16", DType::Float16},
    {"BF16", DType::BFloat16},
    {"I32", DType::Int32},
    {"U32", DType::UInt32},
    {"F32", DType::Float32},
    {"F64", DType::Float64},
    {"I64", DType::Int64},
    {"U64", DType::UInt64},
    {"F8_E4M3", DType::Float8E4M3FN},  // the "fn" variant: no infinities, as torch.float8_e4m3fn
    {"F8_E5M2", DType::Float8E5M2},
}};

// Dtypes that newer versions of the format define but dtlint does not read
// (sub-byte floats, the MX scale type, complex): named as such in the message,
// so that the user can tell them from a corrupt or foreign dtype string.
constexpr std::array<std::string_view, 5> kFormatDTypesNotRead{"F4", "F6_E2M3", "F6_E3M2", "F8_E8M0", "C64"};

// Tensor names may be long and still meaningful: show more of them.
std::string quote_name(std::string_view text) {
  return quote_untrusted(text, 60);
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

std::string range_text(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

std::string byte_count(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

std::string dtype_list() {
  std::string out;
  for (const FormatDType& entry : kFormatDTypes) {
    if (!out.empty()) out += ", ";
    out += entry.code;
  }
  return out;
}

// One tensor entry of the header, as declared.
struct TensorEntry {
  std::string name;
  std::string dtype_text;
  DType dtype = DType::UInt8;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::size_t offset_count = 0;
  bool has_dtype = false;
  bool has_shape = false;
  bool has_offsets = false;
};

// A JSON value as the SAX parser announces it, reduced to what the checks need.
struct JsonValue {
  enum class Kind { Null, Boolean, Negative, Unsigned, Float, String, Object, Array };
  explicit JsonValue(Kind kind_, std::uint64_t number_ = 0, std::string_view text_ = {})
      : kind(kind_), number(number_), text(text_) {}
  Kind kind;
  std::uint64_t number;   // Unsigned
  std::string_view text;  // Negative and Float: the literal; String: the value
};

// nlohmann's parse error detail without the input it quotes ("; last read:
// '…'", "parsing '…'"): no raw file bytes in messages, only what was expected.
std::string without_input_text(std::string_view detail) {
  std::string out(detail);
  if (const std::size_t read = out.find("; last read: '"); read != std::string::npos) {
    const std::size_t expected = out.rfind("'; expected ");
    out.erase(read,
              expected != std::string::npos && expected >= read ? expected + 1 - read : std::string::npos);
  }
  if (const std::size_t parsing = out.find(" parsing '"); parsing != std::string::npos) out.erase(parsing);
  return escape_untrusted(out, 200);
}

std::string describe(const JsonValue& value) {
  using Kind = JsonValue::Kind;
  switch (value.kind) {
    case Kind::Null: return "null";
    case Kind::Boolean: return "a boolean";
    case Kind::Negative: return "a negative number";
    case Kind::Unsigned: return "the number " + std::to_string(value.number);
    case Kind::Float: return "a number with a fraction or an exponent";
    case Kind::String: return "a string";
    case Kind::Object: return "an object";
    case Kind::Array: return "an array";
  }
  return "a value";
}

// Why a number is not a valid dimension or offset: negative, too large for
// 64 bits (the parser hands integers past uint64 over as floating point), or
// not an integer at all. serde_json, under the reference, refuses all three.
std::string number_problem(const JsonValue& value) {
  using Kind = JsonValue::Kind;
  if (value.kind == Kind::Negative || (value.kind == Kind::Float && value.text.starts_with('-'))) {
    return "is negative";
  }
  if (value.kind == Kind::Float) {
    const bool all_digits = !value.text.empty() && std::all_of(value.text.begin(), value.text.end(),
                                                               [](char c) { return c >= '0' && c <= '9'; });
    if (all_digits) return "does not fit in 64 bits";
    return "is not an integer";
  }
  return "is " + describe(value) + ", not a non-negative integer";
}

// The SAX handler for nlohmann::json::sax_parse. It checks the header's
// structure while the parser reads it, so nothing is ever built as a DOM: every
// object's keys are checked for duplicates (a DOM would silently keep one), the
// depth is bounded, and every dimension and offset must be an unsigned 64-bit
// integer. Returning false stops the parser at once; error() says why.
class HeaderHandler {
 public:
  using json = nlohmann::json;

  explicit HeaderHandler(std::string_view header) : header_(header) {}

  const std::string& error() const { return error_; }
  std::vector<TensorEntry> take_tensors() { return std::move(tensors_); }

  bool null() { return on_value(JsonValue(JsonValue::Kind::Null)); }
  bool boolean(bool /*value*/) { return on_value(JsonValue(JsonValue::Kind::Boolean)); }
  bool number_integer(json::number_integer_t value) {
    // The parser announces non-negative integers as unsigned, so this one is
    // negative, or "-0" when it is zero.
    const std::string text = value == 0 ? "-0" : std::to_string(value);
    return on_value(JsonValue(JsonValue::Kind::Negative, 0, text));
  }
  bool number_unsigned(json::number_unsigned_t value) {
    return on_value(JsonValue(JsonValue::Kind::Unsigned, value));
  }
  bool number_float(json::number_float_t /*value*/, const json::string_t& text) {
    return on_value(JsonValue(JsonValue::Kind::Float, 0, text));
  }
  bool string(json::string_t& value) { return on_value(JsonValue(JsonValue::Kind::String, 0, value)); }
  // Only the binary formats (CBOR, MessagePack...) produce these, never JSON text.
  bool binary(json::binary_t& /*value*/) { return fail("unexpected binary value"); }
  bool start_object(std::size_t /*elements*/) { return on_value(JsonValue(JsonValue::Kind::Object)); }
  bool start_array(std::size_t /*elements*/) { return on_value(JsonValue(JsonValue::Kind::Array)); }

  bool key(json::string_t& key) {
    Frame& frame = frames_.back();
    if (!frame.keys.insert(key).second) {
      switch (frame.kind) {
        case FrameKind::Root:
          return fail(key == kMetadataKey ? "duplicate key '__metadata__'"
                                          : "duplicate tensor name " + quote_name(key));
        case FrameKind::Metadata: return fail("duplicate key " + quote_name(key) + " in '__metadata__'");
        case FrameKind::Tensor:
          return fail("duplicate key " + quote_name(key) + " in tensor " + quote_name(tensors_.back().name));
        default:
          return fail("duplicate key " + quote_name(key) + " in a nested object of tensor " +
                      quote_name(tensors_.back().name));
      }
    }
    frame.key = key;
    return true;
  }

  bool end_object() {
    if (frames_.back().kind == FrameKind::Tensor && !finish_tensor(tensors_.back())) return false;
    frames_.pop_back();
    root_closed_ = frames_.empty();
    return true;
  }

  bool end_array() {
    if (frames_.back().kind == FrameKind::Offsets && tensors_.back().offset_count != 2) {
      return fail("'data_offsets' of tensor " + quote_name(tensors_.back().name) +
                  " must hold exactly two integers [begin, end], not " +
                  std::to_string(tensors_.back().offset_count));
    }
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const json::exception& error) {
    // `position` counts the bytes read, the offending one included.
    const std::size_t at = position > 0 ? position - 1 : 0;
    if (root_closed_ && at < header_.size()) {
      return fail("unexpected byte at header byte " + std::to_string(at) +
                  " after the closing '}' (only whitespace may pad the header)");
    }
    // nlohmann's message without its "[json.exception...] parse error at line L, column C: "
    // prefix; the position is given as a byte offset instead.
    std::string_view detail = error.what();
    if (const std::size_t column = detail.find("column "); column != std::string_view::npos) {
      if (const std::size_t colon = detail.find(": ", column); colon != std::string_view::npos) {
        detail.remove_prefix(colon + 2);
      }
    }
    return fail("invalid JSON near header byte " + std::to_string(at) + ": " + without_input_text(detail));
  }

 private:
  static constexpr std::string_view kMetadataKey = "__metadata__";

  enum class FrameKind { Root, Metadata, Tensor, Shape, Offsets, SkipObject, SkipArray };
  struct Frame {
    FrameKind kind;
    std::unordered_set<std::string> keys;  // objects: the keys seen so far
    std::string key;                       // objects: the key whose value comes next
  };

  bool fail(std::string reason) {
    error_ = std::move(reason);
    return false;
  }

  bool push(FrameKind kind) {
    // nlohmann's parser keeps its own nesting on the heap, but the bound keeps
    // a hostile header from making either of us hold millions of levels.
    if (frames_.size() >= kSafetensorsMaxJsonDepth) {
      return fail("the header nests deeper than " + std::to_string(kSafetensorsMaxJsonDepth) + " levels");
    }
    frames_.push_back(Frame{kind, {}, {}});
    return true;
  }

  bool on_value(const JsonValue& value) {
    using Kind = JsonValue::Kind;
    if (frames_.empty()) {
      // The document itself. The caller has checked that it starts with '{',
      // so anything but an object here is a second line of defence.
      if (value.kind == Kind::Object) return push(FrameKind::Root);
      return fail("the header is " + describe(value) + ", not a JSON object");
    }
    const Frame& frame = frames_.back();
    switch (frame.kind) {
      case FrameKind::Root: return root_value(frame.key, value);
      case FrameKind::Metadata:
        if (value.kind == Kind::String) return true;
        return fail("'__metadata__' must map strings to strings, but the value of " + quote_name(frame.key) +
                    " is " + describe(value));
      case FrameKind::Tensor: return tensor_value(frame.key, value);
      case FrameKind::Shape: return shape_entry(value);
      case FrameKind::Offsets: return offset_entry(value);
      case FrameKind::SkipObject:
      case FrameKind::SkipArray: return skip_value(value);
    }
    return fail("internal error: unknown parser state");
  }

  bool root_value(const std::string& key, const JsonValue& value) {
    if (key == kMetadataKey) {
      if (value.kind == JsonValue::Kind::Object) return push(FrameKind::Metadata);
      return fail("'__metadata__' must be an object of string values, not " + describe(value));
    }
    if (value.kind != JsonValue::Kind::Object) {
      return fail("tensor " + quote_name(key) +
                  " must be an object with 'dtype', 'shape' and 'data_offsets', not " + describe(value));
    }
    TensorEntry entry;
    entry.name = key;
    tensors_.push_back(std::move(entry));
    return push(FrameKind::Tensor);
  }

  bool tensor_value(const std::string& key, const JsonValue& value) {
    TensorEntry& entry = tensors_.back();
    using Kind = JsonValue::Kind;
    if (key == "dtype") {
      if (value.kind != Kind::String) {
        return fail("'dtype' of tensor " + quote_name(entry.name) + " must be a string, not " +
                    describe(value));
      }
      entry.dtype_text = std::string(value.text);
      entry.has_dtype = true;
      return true;
    }
    if (key == "shape") {
      if (value.kind != Kind::Array) {
        return fail("'shape' of tensor " + quote_name(entry.name) +
                    " must be a list of non-negative integers, not " + describe(value));
      }
      entry.has_shape = true;
      return push(FrameKind::Shape);
    }
    if (key == "data_offsets") {
      if (value.kind != Kind::Array) {
        return fail("'data_offsets' of tensor " + quote_name(entry.name) +
                    " must be a list [begin, end], not " + describe(value));
      }
      entry.has_offsets = true;
      return push(FrameKind::Offsets);
    }
    // The reference ignores keys it does not know inside a tensor entry; so
    // does dtlint, after checking that their values are well-formed and bounded.
    return skip_value(value);
  }

  bool skip_value(const JsonValue& value) {
    if (value.kind == JsonValue::Kind::Object) return push(FrameKind::SkipObject);
    if (value.kind == JsonValue::Kind::Array) return push(FrameKind::SkipArray);
    return true;
  }

  bool shape_entry(const JsonValue& value) {
    TensorEntry& entry = tensors_.back();
    if (value.kind != JsonValue::Kind::Unsigned) {
      return fail("a dimension in 'shape' of tensor " + quote_name(entry.name) + " " + number_problem(value));
    }
    if (entry.shape.size() == kSafetensorsMaxDimensions) {
      return fail("'shape' of tensor " + quote_name(entry.name) + " has more than " +
                  std::to_string(kSafetensorsMaxDimensions) + " dimensions");
    }
    entry.shape.push_back(value.number);
    return true;
  }

  bool offset_entry(const JsonValue& value) {
    TensorEntry& entry = tensors_.back();
    if (value.kind != JsonValue::Kind::Unsigned) {
      return fail("an offset in 'data_offsets' of tensor " + quote_name(entry.name) + " " +
                  number_problem(value));
    }
    if (entry.offset_count == 2) {
      return fail("'data_offsets' of tensor " + quote_name(entry.name) +
                  " must hold exactly two integers [begin, end], not more");
    }
    (entry.offset_count == 0 ? entry.begin : entry.end) = value.number;
    ++entry.offset_count;
    return true;
  }

  bool finish_tensor(TensorEntry& entry) {
    const std::string name = quote_name(entry.name);
    if (!entry.has_dtype) return fail("tensor " + name + " has no 'dtype'");
    if (!entry.has_shape) return fail("tensor " + name + " has no 'shape'");
    if (!entry.has_offsets) return fail("tensor " + name + " has no 'data_offsets'");
    for (const FormatDType& known : kFormatDTypes) {
      if (known.code == entry.dtype_text) {
        entry.dtype = known.dtype;
        return true;
      }
    }
    const bool format_dtype = std::find(kFormatDTypesNotRead.begin(), kFormatDTypesNotRead.end(),
                                        entry.dtype_text) != kFormatDTypesNotRead.end();
    // Only a dtype the format defines is named: no raw file bytes in messages.
    return fail("tensor " + name + " has " +
                (format_dtype ? "unsupported dtype " + quote_name(entry.dtype_text)
                              : std::string("an unknown dtype")) +
                (format_dtype ? " (a safetensors dtype dtlint does not read; it reads "
                              : " (not a safetensors dtype; expected one of ") +
                dtype_list() + ")");
  }

  std::string_view header_;
  std::deque<Frame> frames_;  // a deque: pushing keeps references to outer frames valid
  std::vector<TensorEntry> tensors_;
  std::string error_;
  bool root_closed_ = false;
};

// Parses the header text (already known to be UTF-8 starting with '{') into
// its tensor entries, in header order. Throws InputError on any problem.
std::vector<TensorEntry> parse_header(std::string_view header, const std::string& path) {
  HeaderHandler handler(header);
  const char* const first = header.data();
  if (!nlohmann::json::sax_parse(first, first + header.size(), &handler)) {
    throw InputError(path, "bad .safetensors header: " +
                               (handler.error().empty() ? std::string("invalid JSON") : handler.error()));
  }
  return handler.take_tensors();
}

// The number of bytes `entry`'s shape and dtype call for. The product of the
// non-zero dimensions must fit in 64 bits even when a zero makes the tensor
// empty, so that no stride computed from the shape later can overflow.
std::uint64_t declared_bytes(const TensorEntry& entry, const std::string& path) {
  std::uint64_t nonzero_product = 1;
  bool has_zero = false;
  for (const std::uint64_t dim : entry.shape) {
    if (dim == 0) {
      has_zero = true;
    } else if (__builtin_mul_overflow(nonzero_product, dim, &nonzero_product)) {
      throw InputError(path, "'shape' " + shape_text(entry.shape) + " of tensor " + quote_name(entry.name) +
                                 " has more elements than fit in 64 bits");
    }
  }
  const unsigned item_size = info(entry.dtype).size;
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(nonzero_product, std::uint64_t{item_size}, &bytes)) {
    throw InputError(path, "'shape' " + shape_text(entry.shape) + " of tensor " + quote_name(entry.name) +
                               " (" + entry.dtype_text + ", " + std::to_string(item_size) +
                               " bytes each) is more bytes than fit in 64 bits");
  }
  return has_zero ? 0 : bytes;
}

std::uint64_t element_count(const std::vector<std::uint64_t>& shape) {
  std::uint64_t count = 1;
  for (const std::uint64_t dim : shape) count *= dim;  // checked by declared_bytes
  return count;
}

}  // namespace

ContainerContents read_safetensors(const InputBytes& input, const std::string& path) {
  const std::span<const std::byte> bytes = input.bytes;
  if (bytes.empty()) throw InputError(path, "empty file (expected a .safetensors file)");
  if (bytes.size() < kLengthFieldBytes) {
    throw InputError(path, "truncated: the file has " + std::to_string(bytes.size()) +
                               " bytes; the header length field alone needs 8");
  }
  // Assembled byte by byte: little-endian whatever the machine, no unaligned load.
  std::uint64_t header_length = 0;
  for (std::size_t i = 0; i < kLengthFieldBytes; ++i) {
    header_length |= std::uint64_t{std::to_integer<unsigned>(bytes[i])} << (8 * i);
  }
  if (header_length > kSafetensorsMaxHeaderBytes) {
    // The length itself is not shown: in a file that is no safetensors file it
    // is any 8 bytes (text, a secret), and messages quote no raw file bytes.
    throw InputError(path, "the header length field declares more than the " +
                               std::to_string(kSafetensorsMaxHeaderBytes) +
                               "-byte cap on .safetensors headers (the reference implementation's limit)");
  }
  // Cannot underflow (size >= 8); comparing this way round cannot overflow.
  const std::size_t after_length = bytes.size() - kLengthFieldBytes;
  if (header_length > after_length) {
    throw InputError(path, "truncated header: the length field declares " + std::to_string(header_length) +
                               " header bytes, " + std::to_string(after_length) + " present");
  }
  const auto header_size = static_cast<std::size_t>(header_length);
  const std::string_view header(reinterpret_cast<const char*>(bytes.data()) + kLengthFieldBytes, header_size);

  if (const auto bad = invalid_utf8_at(header)) {
    throw InputError(path, "header is not valid UTF-8 (at header byte " + std::to_string(*bad) + ")");
  }
  // nlohmann's lexer takes a NUL byte for the end of its input, so "{}\0junk"
  // would parse. A raw NUL can never be part of JSON text, so refuse it here.
  if (const std::size_t nul = header.find('\0'); nul != std::string_view::npos) {
    throw InputError(path, "bad .safetensors header: NUL byte at header byte " + std::to_string(nul) +
                               " (JSON text cannot contain one; padding must be spaces)");
  }
  // The format's specification requires it; a JSON parser alone would also
  // accept leading whitespace or a byte-order mark.
  if (header.empty()) throw InputError(path, "header is empty (expected a JSON object starting with '{')");
  if (header.front() != '{') {
    throw InputError(path, "header does not start with '{' (expected a JSON object)");
  }

  std::vector<TensorEntry> tensors = parse_header(header, path);

  // Every check below is the reference's Metadata::validate plus its final
  // "the last offset is the end of the file" check, in the order of the data.
  // A stable sort on (begin, end) keeps header order among empty tensors that
  // share an offset, so the report order never depends on hashing.
  std::vector<std::size_t> order(tensors.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::pair(tensors[a].begin, tensors[a].end) < std::pair(tensors[b].begin, tensors[b].end);
  });

  const std::uint64_t data_size = after_length - header_size;
  const std::size_t data_start = kLengthFieldBytes + header_size;
  std::uint64_t covered = 0;  // the data section is tiled up to here
  const TensorEntry* previous = nullptr;
  for (const std::size_t index : order) {
    const TensorEntry& entry = tensors[index];
    const std::string name = quote_name(entry.name);
    if (entry.end < entry.begin) {
      throw InputError(path, "'data_offsets' " + range_text(entry.begin, entry.end) + " of tensor " + name +
                                 " end before they begin");
    }
    if (entry.begin < covered) {
      throw InputError(path, "tensor " + name + " (data_offsets " + range_text(entry.begin, entry.end) +
                                 ") overlaps tensor " + quote_name(previous->name) + " (data_offsets " +
                                 range_text(previous->begin, previous->end) + ")");
    }
    if (entry.begin > covered) {
      throw InputError(path, "gap in the data section: bytes [" + std::to_string(covered) + ", " +
                                 std::to_string(entry.begin) + ") belong to no tensor (tensor " + name +
                                 " begins at " + std::to_string(entry.begin) + ")");
    }
    if (entry.end > data_size) {
      throw InputError(path, "tensor " + name + " (data_offsets " + range_text(entry.begin, entry.end) +
                                 ") extends past the end of the data section (" + byte_count(data_size) +
                                 ")");
    }
    const std::uint64_t needed = declared_bytes(entry, path);
    if (entry.end - entry.begin != needed) {
      throw InputError(path, "tensor " + name + ": data_offsets " + range_text(entry.begin, entry.end) +
                                 " hold " + byte_count(entry.end - entry.begin) + ", but shape " +
                                 shape_text(entry.shape) + " of " + entry.dtype_text + " needs " +
                                 std::to_string(needed));
    }
    covered = entry.end;
    previous = &entry;
  }
  if (covered != data_size) {
    const std::uint64_t extra = data_size - covered;
    throw InputError(path, byte_count(extra) + " at the end of the data section " +
                               (extra == 1 ? "belongs" : "belong") + " to no tensor (the tensors cover " +
                               std::to_string(covered) + " of " + std::to_string(data_size) + " bytes)");
  }

  ContainerContents contents;
  contents.arrays.reserve(tensors.size());
  for (const std::size_t index : order) {
    TensorEntry& entry = tensors[index];
    ArrayView view;
    view.location = Location(path, std::move(entry.name));
    view.dtype = entry.dtype;
    view.stored_dtype = std::move(entry.dtype_text);
    // The format is little-endian by definition.
    view.byte_swapped = std::endian::native != std::endian::little && info(entry.dtype).size > 1;
    view.fortran_order = false;  // the format is C order by definition
    view.elements = element_count(entry.shape);
    view.shape = std::move(entry.shape);
    // No alignment is assumed: the header length is arbitrary, so the data may
    // start at any byte. The kernels read elements through memcpy.
    view.data = bytes.subspan(data_start + static_cast<std::size_t>(entry.begin),
                              static_cast<std::size_t>(entry.end - entry.begin));
    view.owner = input.owner;
    view.mapped = input.mapped;
    contents.arrays.push_back(std::move(view));
  }
  return contents;
}

}  // namespace dtlint
