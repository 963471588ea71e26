#include "analyzer/formats/safetensors.h"

#include <algorithm>
#include <array>
#include <bit>
#include <deque>
#include <functional>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
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

// The format's spelling of a dtype it reads.
std::string_view format_code(DType dtype) {
  for (const FormatDType& entry : kFormatDTypes) {
    if (entry.dtype == dtype) return entry.code;
  }
  return "?";  // not reached: only dtypes of the table are ever stored
}

// Distinct strings kept in one buffer, for the duplicate-key checks: some 12
// bytes per key beside its text, where a std::unordered_set<std::string> takes
// 70 or more, which a header of a million tensors multiplies.
class KeySet {
 public:
  // Adds `key` as the key at index size(); false (and nothing added) when it is there already.
  bool insert(std::string_view key) {
    if ((starts_.size() + 1) * 2 > slots_.size()) grow();
    std::size_t slot = std::hash<std::string_view>{}(key) & (slots_.size() - 1);
    for (; slots_[slot] != 0; slot = (slot + 1) & (slots_.size() - 1)) {
      if (at(slots_[slot] - 1) == key) return false;
    }
    // Cannot overflow: the header, which holds every key, is at most 100 MB.
    slots_[slot] = static_cast<std::uint32_t>(starts_.size() + 1);
    starts_.push_back(static_cast<std::uint32_t>(text_.size()));
    text_.append(key);
    return true;
  }

  std::size_t size() const { return starts_.size(); }

  std::string_view at(std::size_t index) const {
    const std::size_t begin = starts_[index];
    const std::size_t end = index + 1 < starts_.size() ? starts_[index + 1] : text_.size();
    return std::string_view(text_).substr(begin, end - begin);
  }

  // Gives back the room that growing left unused, and the lookup table.
  void freeze() {
    slots_ = {};
    starts_.shrink_to_fit();
    text_.shrink_to_fit();
  }

 private:
  void grow() {
    std::vector<std::uint32_t> slots(std::max<std::size_t>(16, slots_.size() * 2), 0);
    for (std::size_t index = 0; index < starts_.size(); ++index) {
      std::size_t slot = std::hash<std::string_view>{}(at(index)) & (slots.size() - 1);
      while (slots[slot] != 0) slot = (slot + 1) & (slots.size() - 1);
      slots[slot] = static_cast<std::uint32_t>(index + 1);
    }
    slots_ = std::move(slots);
  }

  std::string text_;                   // every key, one after the other
  std::vector<std::uint32_t> starts_;  // where key i begins in text_
  std::vector<std::uint32_t> slots_;   // open addressing: a key's index + 1, 0 when empty
};

// One tensor entry of the header, as declared, in 32 bytes: its name is key
// `index` of the tensor names, its shape dims[dims_begin, dims_begin + rank).
struct TensorEntry {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint32_t dims_begin = 0;
  std::uint8_t rank = 0;
  DType dtype = DType::UInt8;
};

// What the header declares, in compact form.
struct Header {
  KeySet names;                      // tensor i is named names.at(i)
  std::vector<TensorEntry> tensors;  // in header order
  std::vector<std::uint64_t> dims;   // every shape, one after the other

  std::span<const std::uint64_t> shape(const TensorEntry& entry) const {
    return std::span<const std::uint64_t>(dims).subspan(entry.dims_begin, entry.rank);
  }
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
  Header take_header() { return std::move(declared_); }

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
    if (frame.kind == FrameKind::Root) {
      // Every other root key names a tensor: its entry is made with its value.
      if (key == kMetadataKey) {
        if (metadata_seen_) return fail("duplicate key '__metadata__'");
        metadata_seen_ = true;
      } else if (!declared_.names.insert(key)) {
        return fail("duplicate tensor name " + quote_tensor_name(key));
      }
    } else if (!frame.keys.insert(key)) {
      switch (frame.kind) {
        case FrameKind::Metadata:
          return fail("duplicate key " + quote_tensor_name(key) + " in '__metadata__'");
        case FrameKind::Tensor:
          return fail("duplicate key " + quote_tensor_name(key) + " in tensor " + current_name());
        default:
          return fail("duplicate key " + quote_tensor_name(key) + " in a nested object of tensor " +
                      current_name());
      }
    }
    frame.key = key;
    return true;
  }

  bool end_object() {
    if (frames_.back().kind == FrameKind::Tensor && !finish_tensor()) return false;
    frames_.pop_back();
    root_closed_ = frames_.empty();
    return true;
  }

  bool end_array() {
    if (frames_.back().kind == FrameKind::Offsets && current_.offset_count != 2) {
      return fail("'data_offsets' of tensor " + current_name() +
                  " must hold exactly two integers [begin, end], not " +
                  std::to_string(current_.offset_count));
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
    KeySet keys;      // objects but the root (whose keys are the tensor names): the keys seen so far
    std::string key;  // objects: the key whose value comes next
  };

  // What is known of the tensor being read beyond its entry (the last one).
  struct CurrentTensor {
    std::string dtype_text;
    std::size_t offset_count = 0;
    bool has_dtype = false;
    bool has_shape = false;
    bool has_offsets = false;
  };

  // The quoted name of the tensor being read.
  std::string current_name() const {
    return quote_tensor_name(declared_.names.at(declared_.tensors.size() - 1));
  }

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
        return fail("'__metadata__' must map strings to strings, but the value of " +
                    quote_tensor_name(frame.key) + " is " + describe(value));
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
      return fail("tensor " + quote_tensor_name(key) +
                  " must be an object with 'dtype', 'shape' and 'data_offsets', not " + describe(value));
    }
    TensorEntry entry;
    // Cannot overflow: each dimension takes at least two bytes of a header of at most 100 MB.
    entry.dims_begin = static_cast<std::uint32_t>(declared_.dims.size());
    declared_.tensors.push_back(entry);
    current_ = CurrentTensor{};
    return push(FrameKind::Tensor);
  }

  bool tensor_value(const std::string& key, const JsonValue& value) {
    using Kind = JsonValue::Kind;
    if (key == "dtype") {
      if (value.kind != Kind::String) {
        return fail("'dtype' of tensor " + current_name() + " must be a string, not " + describe(value));
      }
      current_.dtype_text = std::string(value.text);
      current_.has_dtype = true;
      return true;
    }
    if (key == "shape") {
      if (value.kind != Kind::Array) {
        return fail("'shape' of tensor " + current_name() + " must be a list of non-negative integers, not " +
                    describe(value));
      }
      current_.has_shape = true;
      return push(FrameKind::Shape);
    }
    if (key == "data_offsets") {
      if (value.kind != Kind::Array) {
        return fail("'data_offsets' of tensor " + current_name() + " must be a list [begin, end], not " +
                    describe(value));
      }
      current_.has_offsets = true;
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
    TensorEntry& entry = declared_.tensors.back();
    if (value.kind != JsonValue::Kind::Unsigned) {
      return fail("a dimension in 'shape' of tensor " + current_name() + " " + number_problem(value));
    }
    if (entry.rank == kSafetensorsMaxDimensions) {
      return fail("'shape' of tensor " + current_name() + " has more than " +
                  std::to_string(kSafetensorsMaxDimensions) + " dimensions");
    }
    // A duplicate "shape" key is refused before its list is read, so the
    // dimensions of the tensor being read are the last ones.
    declared_.dims.push_back(value.number);
    ++entry.rank;
    return true;
  }

  bool offset_entry(const JsonValue& value) {
    TensorEntry& entry = declared_.tensors.back();
    if (value.kind != JsonValue::Kind::Unsigned) {
      return fail("an offset in 'data_offsets' of tensor " + current_name() + " " + number_problem(value));
    }
    if (current_.offset_count == 2) {
      return fail("'data_offsets' of tensor " + current_name() +
                  " must hold exactly two integers [begin, end], not more");
    }
    (current_.offset_count == 0 ? entry.begin : entry.end) = value.number;
    ++current_.offset_count;
    return true;
  }

  bool finish_tensor() {
    TensorEntry& entry = declared_.tensors.back();
    const std::string name = current_name();
    if (!current_.has_dtype) return fail("tensor " + name + " has no 'dtype'");
    if (!current_.has_shape) return fail("tensor " + name + " has no 'shape'");
    if (!current_.has_offsets) return fail("tensor " + name + " has no 'data_offsets'");
    for (const FormatDType& known : kFormatDTypes) {
      if (known.code == current_.dtype_text) {
        entry.dtype = known.dtype;
        return true;
      }
    }
    const bool format_dtype = std::find(kFormatDTypesNotRead.begin(), kFormatDTypesNotRead.end(),
                                        current_.dtype_text) != kFormatDTypesNotRead.end();
    // Only a dtype the format defines is named: no raw file bytes in messages.
    return fail("tensor " + name + " has " +
                (format_dtype ? "unsupported dtype " + quote_tensor_name(current_.dtype_text)
                              : std::string("an unknown dtype")) +
                (format_dtype ? " (a safetensors dtype dtlint does not read; it reads "
                              : " (not a safetensors dtype; expected one of ") +
                dtype_list() + ")");
  }

  std::string_view header_;
  std::deque<Frame> frames_;  // a deque: pushing keeps references to outer frames valid
  Header declared_;
  CurrentTensor current_;
  std::string error_;
  bool metadata_seen_ = false;
  bool root_closed_ = false;
};

// The parser's input: a pointer into a mapped header that gives the pages
// behind it back to the kernel as it moves on (nothing before it is read
// again), so that a header of 70 MB is never resident whole while the entries
// it declares are being built.
class ReleasingCursor {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  ReleasingCursor(const char* at, bool mapped) : at_(at), released_(at), mapped_(mapped) {}

  reference operator*() const { return *at_; }
  ReleasingCursor& operator++() {
    ++at_;
    if (mapped_ && at_ - released_ >= kReleaseStep) {
      release_pages(std::as_bytes(std::span(released_, at_)));
      released_ = at_;
    }
    return *this;
  }
  ReleasingCursor operator++(int) {
    ReleasingCursor before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const ReleasingCursor& a, const ReleasingCursor& b) { return a.at_ == b.at_; }

 private:
  static constexpr difference_type kReleaseStep = difference_type{1} << 20;
  const char* at_;
  const char* released_;  // the pages before this were given back
  bool mapped_;
};

// Parses the header text (already known to be UTF-8 starting with '{') into
// its tensor entries, in header order. Throws InputError on any problem.
Header parse_header(std::string_view header, bool mapped, const std::string& path) {
  HeaderHandler handler(header);
  const char* const first = header.data();
  if (!nlohmann::json::sax_parse(ReleasingCursor(first, mapped),
                                 ReleasingCursor(first + header.size(), mapped), &handler)) {
    throw InputError(path, "bad .safetensors header: " +
                               (handler.error().empty() ? std::string("invalid JSON") : handler.error()));
  }
  return handler.take_header();
}

// The number of bytes `entry`'s shape and dtype call for. The product of the
// non-zero dimensions must fit in 64 bits even when a zero makes the tensor
// empty, so that no stride computed from the shape later can overflow.
std::uint64_t declared_bytes(const Header& header, std::size_t index, const std::string& path) {
  const TensorEntry& entry = header.tensors[index];
  const std::span<const std::uint64_t> shape = header.shape(entry);
  std::uint64_t nonzero_product = 1;
  bool has_zero = false;
  for (const std::uint64_t dim : shape) {
    if (dim == 0) {
      has_zero = true;
    } else if (__builtin_mul_overflow(nonzero_product, dim, &nonzero_product)) {
      throw InputError(path, "'shape' " + list_text(shape) + " of tensor " +
                                 quote_tensor_name(header.names.at(index)) +
                                 " has more elements than fit in 64 bits");
    }
  }
  const unsigned item_size = info(entry.dtype).size;
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(nonzero_product, std::uint64_t{item_size}, &bytes)) {
    throw InputError(path, "'shape' " + list_text(shape) + " of tensor " +
                               quote_tensor_name(header.names.at(index)) + " (" +
                               std::string(format_code(entry.dtype)) + ", " + std::to_string(item_size) +
                               " bytes each) is more bytes than fit in 64 bits");
  }
  return has_zero ? 0 : bytes;
}

std::uint64_t element_count(std::span<const std::uint64_t> shape) {
  std::uint64_t count = 1;
  for (const std::uint64_t dim : shape) count *= dim;  // checked by declared_bytes
  return count;
}

// The tensors of a validated file, made into views one at a time in the order
// of their data offsets. Holds the header's compact entries, not views.
class SafetensorsArrays final : public ArraySource {
 public:
  SafetensorsArrays(Header header, std::vector<std::uint32_t> order, const InputBytes& input,
                    std::string path, std::size_t data_start)
      : header_(std::move(header)),
        order_(std::move(order)),
        input_(input),
        path_(std::move(path)),
        data_start_(data_start) {}

  std::size_t size() const override { return order_.size(); }

  ArrayView view(std::size_t index) const override {
    const std::size_t tensor = order_[index];
    const TensorEntry& entry = header_.tensors[tensor];
    const std::span<const std::uint64_t> shape = header_.shape(entry);
    ArrayView out;
    out.location = Location(path_, std::string(header_.names.at(tensor)));
    out.dtype = entry.dtype;
    out.stored_dtype = std::string(format_code(entry.dtype));
    // The format is little-endian by definition.
    out.byte_swapped = std::endian::native != std::endian::little && info(entry.dtype).size > 1;
    out.fortran_order = false;  // the format is C order by definition
    out.elements = element_count(shape);
    out.shape.assign(shape.begin(), shape.end());
    // No alignment is assumed: the header length is arbitrary, so the data may
    // start at any byte. The kernels read elements through memcpy.
    out.data = input_.bytes.subspan(data_start_ + static_cast<std::size_t>(entry.begin),
                                    static_cast<std::size_t>(entry.end - entry.begin));
    out.owner = input_.owner;
    out.mapped = input_.mapped;
    return out;
  }

 private:
  Header header_;
  std::vector<std::uint32_t> order_;  // indices into header_.tensors, by data offsets
  InputBytes input_;
  std::string path_;
  std::size_t data_start_;
};

}  // namespace

ContainerContents read_safetensors_on_demand(const InputBytes& input, const std::string& path) {
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
  const std::string_view header_text(reinterpret_cast<const char*>(bytes.data()) + kLengthFieldBytes,
                                     header_size);

  if (const auto bad = invalid_utf8_at(header_text)) {
    throw InputError(path, "header is not valid UTF-8 (at header byte " + std::to_string(*bad) + ")");
  }
  // nlohmann's lexer takes a NUL byte for the end of its input, so "{}\0junk"
  // would parse. A raw NUL can never be part of JSON text, so refuse it here.
  if (const std::size_t nul = header_text.find('\0'); nul != std::string_view::npos) {
    throw InputError(path, "bad .safetensors header: NUL byte at header byte " + std::to_string(nul) +
                               " (JSON text cannot contain one; padding must be spaces)");
  }
  // The format's specification requires it; a JSON parser alone would also
  // accept leading whitespace or a byte-order mark.
  if (header_text.empty())
    throw InputError(path, "header is empty (expected a JSON object starting with '{')");
  if (header_text.front() != '{') {
    throw InputError(path, "header does not start with '{' (expected a JSON object)");
  }

  // The checks above have made every page of the header resident; the parser
  // reads it once more, giving back what it has read as it goes.
  if (input.mapped) release_pages(bytes.subspan(0, kLengthFieldBytes + header_size));
  Header header = parse_header(header_text, input.mapped, path);
  header.names.freeze();
  header.tensors.shrink_to_fit();
  header.dims.shrink_to_fit();
  const std::vector<TensorEntry>& tensors = header.tensors;

  // Every check below is the reference's Metadata::validate plus its final
  // "the last offset is the end of the file" check, in the order of the data.
  // A stable sort on (begin, end) keeps header order among empty tensors that
  // share an offset, so the report order never depends on hashing.
  // Indices fit in 32 bits: each tensor takes more than 40 bytes of the header.
  std::vector<std::uint32_t> order(tensors.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::pair(tensors[a].begin, tensors[a].end) < std::pair(tensors[b].begin, tensors[b].end);
  });

  const std::uint64_t data_size = after_length - header_size;
  const std::size_t data_start = kLengthFieldBytes + header_size;
  std::uint64_t covered = 0;  // the data section is tiled up to here
  std::size_t previous = 0;   // the tensor that ends at `covered`, once there is one
  for (const std::uint32_t index : order) {
    const TensorEntry& entry = tensors[index];
    const std::string name = quote_tensor_name(header.names.at(index));
    if (entry.end < entry.begin) {
      throw InputError(path, "'data_offsets' " + range_text(entry.begin, entry.end) + " of tensor " + name +
                                 " end before they begin");
    }
    if (entry.begin < covered) {
      const TensorEntry& before = tensors[previous];
      throw InputError(path, "tensor " + name + " (data_offsets " + range_text(entry.begin, entry.end) +
                                 ") overlaps tensor " + quote_tensor_name(header.names.at(previous)) +
                                 " (data_offsets " + range_text(before.begin, before.end) + ")");
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
    const std::uint64_t needed = declared_bytes(header, index, path);
    if (entry.end - entry.begin != needed) {
      throw InputError(path, "tensor " + name + ": data_offsets " + range_text(entry.begin, entry.end) +
                                 " hold " + byte_count(entry.end - entry.begin) + ", but shape " +
                                 list_text(header.shape(entry)) + " of " +
                                 std::string(format_code(entry.dtype)) + " needs " + std::to_string(needed));
    }
    covered = entry.end;
    previous = index;
  }
  if (covered != data_size) {
    const std::uint64_t extra = data_size - covered;
    throw InputError(path, byte_count(extra) + " at the end of the data section " +
                               (extra == 1 ? "belongs" : "belong") + " to no tensor (the tensors cover " +
                               std::to_string(covered) + " of " + std::to_string(data_size) + " bytes)");
  }

  ContainerContents contents;
  contents.source =
      std::make_shared<const SafetensorsArrays>(std::move(header), std::move(order), input, path, data_start);
  return contents;
}

ContainerContents read_safetensors(const InputBytes& input, const std::string& path) {
  ContainerContents contents = read_safetensors_on_demand(input, path);
  const std::shared_ptr<const ArraySource> source = std::move(contents.source);
  contents.arrays.reserve(source->size());
  for (std::size_t i = 0; i < source->size(); ++i) contents.arrays.push_back(source->view(i));
  return contents;
}

}  // namespace dtlint
