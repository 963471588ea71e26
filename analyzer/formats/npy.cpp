#include "analyzer/formats/npy.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {
namespace {

constexpr std::array<unsigned char, 6> kMagic{0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr std::size_t kMagicAndVersionBytes = kMagic.size() + 2;

unsigned byte_at(std::span<const std::byte> bytes, std::size_t index) {
  return std::to_integer<unsigned>(bytes[index]);
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + (shape.size() == 1 ? ",)" : ")");
}

struct DescrType {
  DType dtype;
  bool byte_swapped;
};

// NumPy's descr strings for the numeric dtypes, plus the fixed-size one-letter
// type characters np.dtype() also accepts. Platform-sized letters ('l', 'g')
// are left out on purpose: their size depends on the machine that wrote them.
struct TypeCode {
  std::string_view code;
  DType dtype;
};
constexpr std::array<TypeCode, 31> kTypeCodes{{
    {"b1", DType::Bool},        {"?", DType::Bool},       {"i1", DType::Int8},     {"b", DType::Int8},
    {"u1", DType::UInt8},       {"B", DType::UInt8},      {"i2", DType::Int16},    {"h", DType::Int16},
    {"u2", DType::UInt16},      {"H", DType::UInt16},     {"i4", DType::Int32},    {"i", DType::Int32},
    {"u4", DType::UInt32},      {"I", DType::UInt32},     {"i8", DType::Int64},    {"q", DType::Int64},
    {"u8", DType::UInt64},      {"Q", DType::UInt64},     {"f2", DType::Float16},  {"e", DType::Float16},
    {"f4", DType::Float32},     {"f", DType::Float32},    {"f8", DType::Float64},  {"d", DType::Float64},
    {"f16", DType::LongDouble}, {"c8", DType::Complex64}, {"F", DType::Complex64}, {"c16", DType::Complex128},
    {"D", DType::Complex128},   {"O", DType::Object},     {"O8", DType::Object},
}};

// Why a dtype is refused, for the message: names the family when it is one
// NumPy writes, so the user sees at once that the array is not numeric.
std::string unsupported_reason(std::string_view code) {
  constexpr std::string_view kNumericOnly = "only numeric arrays can be analysed";
  if (code == "c32" || code == "G") return "complex long double is not supported";
  std::string_view family;
  switch (code.empty() ? '\0' : code.front()) {
    case 'U': family = "a unicode string dtype; "; break;
    case 'S':
    case 'a': family = "a byte string dtype; "; break;
    case 'M': family = "a datetime dtype; "; break;
    case 'm': family = "a timedelta dtype; "; break;
    case 'V': family = "a raw void dtype; "; break;
    default: break;
  }
  if (family.empty()) family = "not a type code dtlint reads, such as '<f8', '<i4' or '|b1'; ";
  return std::string(family) + std::string(kNumericOnly);
}

DescrType parse_descr(std::string_view descr, const std::string& path) {
  // The descr itself is not quoted: no raw file bytes in messages (a file
  // that is not an array at all may hold secrets).
  const std::string unsupported = "unsupported dtype";
  char order = '=';
  std::string_view code = descr;
  // NumPy only reads a leading order character when a type code follows it.
  if (code.size() > 1 && std::string_view("<>|=").find(code.front()) != std::string_view::npos) {
    order = code.front();
    code.remove_prefix(1);
  }
  // NumPy treats '|' ("not applicable") as native order for every type.
  if (order == '|') order = '=';
  const bool native_little = std::endian::native == std::endian::little;
  const bool little = order == '<' || (order == '=' && native_little);

  const TypeCode* match = nullptr;
  for (const TypeCode& entry : kTypeCodes) {
    if (entry.code == code) match = &entry;
  }
  // C long and intptr_t by their type letters (np.dtype('l').char): their size is
  // the writing machine's (long is 4 bytes on Windows, 8 on Linux), so they are
  // refused on purpose rather than guessed. NumPy's np.save writes '<i8' instead.
  // Named in the message: an order character and a letter from this list, no file text.
  constexpr std::array<std::pair<char, std::string_view>, 4> kPlatformSized{
      {{'l', "long"}, {'L', "unsigned long"}, {'p', "intptr_t"}, {'P', "uintptr_t"}}};
  for (const auto& [letter, c_name] : kPlatformSized) {
    if (code.size() == 1 && code.front() == letter) {
      throw InputError(path, unsupported + " '" + std::string(descr) + "' (a platform-sized integer (C " +
                                 std::string(c_name) +
                                 "), refused on purpose: its size depends on the machine that wrote it; "
                                 "re-save it with an explicit size such as '<i8')");
    }
  }
  if (match == nullptr) throw InputError(path, unsupported + " (" + unsupported_reason(code) + ")");
  if (match->dtype == DType::LongDouble && !little) {
    throw InputError(path, unsupported + " '>" + std::string(code) +
                               "' (16-byte floats are read only as little-endian x87 long double)");
  }
  const bool multi_byte = match->dtype != DType::Object && info(match->dtype).size > 1;
  const bool swapped = multi_byte && order != '=' && (order == '<') != native_little;
  return {match->dtype, swapped};
}

// The header dict NumPy writes, e.g.
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
// parsed by a grammar for exactly that literal: any key order, ' or " quotes,
// optional trailing commas, whitespace between tokens. Nothing is evaluated.
class HeaderDictParser {
 public:
  struct Fields {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::uint64_t> shape;
  };

  HeaderDictParser(std::string_view text, const std::string& path, bool allow_long_suffix)
      : text_(text), path_(path), allow_long_suffix_(allow_long_suffix) {}

  Fields parse() {
    skip_space();
    expect('{', "at the start of the header dict");
    skip_space();
    while (!at('}')) {
      const std::string key = parse_key();
      skip_space();
      // The message is built only when it is needed: this runs for every key of every file.
      if (!at(':')) fail("expected ':' after key " + quote_untrusted(key) + ", " + found_here());
      ++pos_;
      skip_space();
      if (key == "descr") {
        fields_.descr = parse_descr_value();
        seen_descr_ = true;
      } else if (key == "fortran_order") {
        fields_.fortran_order = parse_bool_value(key);
        seen_fortran_order_ = true;
      } else {  // parse_key accepts no other key
        fields_.shape = parse_shape_value();
        seen_shape_ = true;
      }
      skip_space();
      if (at(',')) {
        ++pos_;
        skip_space();
      } else if (!at('}')) {
        fail(std::string(pos_ >= text_.size() ? "the header dict is not closed: " : "") +
             "expected ',' or '}' after the value of " + quote_untrusted(key) + ", " + found_here());
      }
    }
    ++pos_;  // the closing '}'
    skip_space();
    if (pos_ < text_.size()) fail("expected nothing but whitespace after the closing '}', " + found_here());
    if (!seen_descr_) fail("missing key 'descr'");
    if (!seen_fortran_order_) fail("missing key 'fortran_order'");
    if (!seen_shape_) fail("missing key 'shape'");
    return std::move(fields_);
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw InputError(path_, "bad .npy header: " + reason);
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  // What stands at the current position: "',' at header byte 12", "a letter
  // at header byte 12" or "the end of the header". Only the header grammar's
  // own punctuation is shown as itself: no raw file bytes in messages.
  std::string here() const {
    if (pos_ >= text_.size()) return "the end of the header";
    const auto c = static_cast<unsigned char>(text_[pos_]);
    const std::string where = " at header byte " + std::to_string(pos_);
    if (c >= 0x80) return "a non-ASCII byte" + where;
    if (c < 0x20 || c == 0x7F) return "a control byte" + where;
    if (std::string_view("{}()[],:'\"-").find(static_cast<char>(c)) != std::string_view::npos) {
      return "'" + std::string(1, static_cast<char>(c)) + "'" + where;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return "a letter" + where;
    if (c >= '0' && c <= '9') return "a digit" + where;
    return "another character" + where;
  }
  std::string found_here() const { return "but found " + here(); }

  void expect(char c, const std::string& context) {
    if (!at(c)) fail("expected '" + std::string(1, c) + "' " + context + ", " + found_here());
    ++pos_;
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::string parse_string() {
    const char quote = text_[pos_];
    const std::size_t start = pos_++;
    std::string value;
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r') {
        fail("unterminated string starting at header byte " + std::to_string(start));
      }
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == static_cast<unsigned char>(quote)) break;
      if (c == '\\') {
        fail("backslash escape in string at header byte " + std::to_string(pos_) +
             " (no valid header needs one)");
      }
      if (c < 0x20 || c == 0x7F) {
        fail("control byte in string at header byte " + std::to_string(pos_));
      }
      value += static_cast<char>(c);
      ++pos_;
    }
    ++pos_;  // the closing quote
    return value;
  }

  std::string parse_key() {
    if (!at('\'') && !at('"')) fail("expected a quoted key, " + found_here());
    const std::size_t start = pos_;
    std::string key = parse_string();
    bool* seen = nullptr;
    if (key == "descr") seen = &seen_descr_;
    if (key == "fortran_order") seen = &seen_fortran_order_;
    if (key == "shape") seen = &seen_shape_;
    if (seen == nullptr) {
      fail("unknown key at header byte " + std::to_string(start) +
           " (expected 'descr', 'fortran_order' and 'shape')");
    }
    if (*seen) fail("duplicate key " + quote_untrusted(key));
    return key;
  }

  std::string parse_descr_value() {
    if (at('[')) {
      throw InputError(path_,
                       "unsupported dtype: 'descr' is a structured dtype (a list of "
                       "fields); only numeric arrays can be analysed");
    }
    if (!at('\'') && !at('"')) fail("'descr' must be a string, " + found_here());
    return parse_string();
  }

  static bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  }

  bool parse_bool_value(const std::string& key) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    if (word == "True") return true;
    if (word == "False") return false;
    pos_ = start;
    fail(quote_untrusted(key) + " must be True or False, " +
         (word.empty() ? found_here() : "but found another word at header byte " + std::to_string(start)));
  }

  std::vector<std::uint64_t> parse_shape_value() {
    if (!at('(')) fail("'shape' must be a tuple of non-negative integers, " + found_here());
    ++pos_;
    skip_space();
    std::vector<std::uint64_t> shape;
    bool trailing_comma = false;
    while (!at(')')) {
      if (pos_ >= text_.size() || at('}')) {
        fail("'shape' tuple is not closed: expected a dimension or ')', " + found_here());
      }
      if (shape.size() == kNpyMaxDimensions) {
        fail("'shape' has more than " + std::to_string(kNpyMaxDimensions) + " dimensions");
      }
      shape.push_back(parse_dimension());
      skip_space();
      trailing_comma = at(',');
      if (trailing_comma) {
        ++pos_;
        skip_space();
      } else if (!at(')')) {
        fail("'shape' tuple is not closed: expected ',' or ')', " + found_here());
      }
    }
    // In Python "(3)" is the integer 3, not a tuple; NumPy rejects it too.
    if (shape.size() == 1 && !trailing_comma) {
      fail("'shape' (" + std::to_string(shape[0]) + ") is a parenthesised integer, not a tuple (" +
           std::to_string(shape[0]) + ",)");
    }
    ++pos_;  // the closing ')'
    return shape;
  }

  std::uint64_t parse_dimension() {
    const std::size_t start = pos_;
    const bool negative = at('-');
    if (negative) ++pos_;
    const std::size_t digits_start = pos_;
    std::uint64_t value = 0;
    bool overflow = false;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
      overflow = overflow || __builtin_mul_overflow(value, 10, &value) ||
                 __builtin_add_overflow(value, digit, &value);
      ++pos_;
    }
    const std::string_view digits = text_.substr(digits_start, pos_ - digits_start);
    if (digits.empty()) {
      pos_ = start;
      fail("expected a non-negative integer dimension in 'shape', " + found_here());
    }
    // Python 2 wrote longs as "3L"; NumPy still strips the suffix in 1.0/2.0 headers.
    if (allow_long_suffix_ && at('L')) ++pos_;
    if (pos_ < text_.size() && is_word_char(text_[pos_])) {
      while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
      fail("the dimension at header byte " + std::to_string(start) + " in 'shape' is not a decimal integer");
    }
    const std::string dimension = "the dimension at header byte " + std::to_string(start) + " in 'shape'";
    if (negative) fail(dimension + " is negative");
    if (digits.size() > 1 && digits.front() == '0') fail(dimension + " has a leading zero");
    if (overflow) fail(dimension + " does not fit in 64 bits");
    return value;
  }

  std::string_view text_;
  const std::string& path_;
  bool allow_long_suffix_;
  std::size_t pos_ = 0;
  Fields fields_;
  bool seen_descr_ = false;
  bool seen_fortran_order_ = false;
  bool seen_shape_ = false;
};

}  // namespace

NpyHeader parse_npy_header(std::span<const std::byte> bytes, const std::string& path) {
  if (bytes.empty()) throw InputError(path, "empty file (expected a .npy array)");

  const std::size_t magic_present = std::min(bytes.size(), kMagic.size());
  for (std::size_t i = 0; i < magic_present; ++i) {
    if (byte_at(bytes, i) != kMagic[i]) {
      // What was expected, never what was found: the file may be anything (a
      // symlink to a secret), and reports are uploaded.
      throw InputError(path, "not a .npy file: it does not start with the \\x93NUMPY magic");
    }
  }
  if (bytes.size() < kMagicAndVersionBytes) {
    throw InputError(path, "truncated preamble: the file has " + std::to_string(bytes.size()) +
                               " bytes; magic, version and header length need at least 10");
  }

  NpyHeader header;
  header.major = byte_at(bytes, 6);
  header.minor = byte_at(bytes, 7);
  if (header.major < 1 || header.major > 3 || header.minor != 0) {
    throw InputError(path, "unsupported .npy format version " + std::to_string(header.major) + "." +
                               std::to_string(header.minor) + " (dtlint reads 1.0, 2.0 and 3.0)");
  }
  // Version 1.0 stores the header length in 2 bytes; 2.0 and 3.0 use 4.
  const std::size_t length_bytes = header.major == 1 ? 2 : 4;
  const std::size_t preamble = kMagicAndVersionBytes + length_bytes;
  if (bytes.size() < preamble) {
    throw InputError(path, "truncated preamble: the file has " + std::to_string(bytes.size()) +
                               " bytes; a version " + std::to_string(header.major) + ".0 preamble needs " +
                               std::to_string(preamble));
  }
  std::uint64_t header_length = 0;
  for (std::size_t i = 0; i < length_bytes; ++i) {
    header_length |= std::uint64_t{byte_at(bytes, kMagicAndVersionBytes + i)} << (8 * i);
  }
  if (header_length > kNpyMaxHeaderBytes) {
    throw InputError(path, "header length " + std::to_string(header_length) + " exceeds dtlint's " +
                               std::to_string(kNpyMaxHeaderBytes) + "-byte cap on .npy headers");
  }
  if (header_length > bytes.size() - preamble) {
    throw InputError(path, "truncated header: the preamble declares " + std::to_string(header_length) +
                               " header bytes, " + std::to_string(bytes.size() - preamble) + " present");
  }
  std::string text(static_cast<std::size_t>(header_length), '\0');
  std::memcpy(text.data(), bytes.data() + preamble, text.size());
  // 1.0 and 2.0 headers are latin-1, where every byte is valid; 3.0 is UTF-8.
  if (header.major == 3) {
    if (const auto bad = invalid_utf8_at(text)) {
      throw InputError(path,
                       "version 3.0 header is not valid UTF-8 (at header byte " + std::to_string(*bad) + ")");
    }
  }
  header.data_offset = preamble + static_cast<std::size_t>(header_length);

  HeaderDictParser::Fields fields = HeaderDictParser(text, path, header.major < 3).parse();
  const DescrType type = parse_descr(fields.descr, path);
  header.dtype = type.dtype;
  header.byte_swapped = type.byte_swapped;
  header.descr = std::move(fields.descr);
  header.fortran_order = fields.fortran_order;
  header.shape = std::move(fields.shape);

  // The product of the non-zero dimensions must fit, even when a zero makes the
  // array empty, so that any stride computed from the shape later cannot overflow.
  std::uint64_t nonzero_product = 1;
  bool has_zero = false;
  for (const std::uint64_t dim : header.shape) {
    if (dim == 0) {
      has_zero = true;
    } else if (__builtin_mul_overflow(nonzero_product, dim, &nonzero_product)) {
      throw InputError(path,
                       "'shape' " + shape_text(header.shape) + " has more elements than fit in 64 bits");
    }
  }
  header.elements = has_zero ? 0 : nonzero_product;
  std::uint64_t byte_count = 0;
  if (header.dtype != DType::Object &&
      (__builtin_mul_overflow(nonzero_product, std::uint64_t{info(header.dtype).size}, &byte_count) ||
       byte_count > std::numeric_limits<std::size_t>::max())) {
    throw InputError(path, "'shape' " + shape_text(header.shape) + " of " + std::string(name(header.dtype)) +
                               " (" + std::to_string(info(header.dtype).size) +
                               " bytes each) is more bytes than fit in 64 bits");
  }
  return header;
}

ArrayView view_from_header(NpyHeader header, const std::string& display_path) {
  ArrayView view;
  view.location = Location(display_path);
  view.dtype = header.dtype;
  view.stored_dtype = std::move(header.descr);
  view.byte_swapped = header.byte_swapped;
  view.fortran_order = header.fortran_order;
  view.shape = std::move(header.shape);
  view.elements = header.elements;
  return view;
}

ArrayView npy_from_bytes(std::span<const std::byte> bytes, std::shared_ptr<const void> owner,
                         const std::string& display_path) {
  const NpyHeader header = parse_npy_header(bytes, display_path);
  ArrayView view = view_from_header(header, display_path);
  // Object arrays hold pickles, which are never read: no size check, no data.
  if (header.dtype != DType::Object) {
    // Cannot overflow: parse_npy_header checked the product against size_t.
    const std::size_t data_bytes = static_cast<std::size_t>(header.elements) * info(header.dtype).size;
    const std::size_t present = bytes.size() - header.data_offset;
    if (present < data_bytes) {
      throw InputError(display_path, "truncated: header declares " + std::to_string(data_bytes) +
                                         " data bytes, " + std::to_string(present) + " present");
    }
    if (present > data_bytes) {
      const std::size_t extra = present - data_bytes;
      throw InputError(display_path, std::to_string(extra) +
                                         (extra == 1 ? " unexpected byte" : " unexpected bytes") +
                                         " after the data (header declares " + std::to_string(data_bytes) +
                                         " data bytes, " + std::to_string(present) + " present)");
    }
    view.data = bytes.subspan(header.data_offset, data_bytes);
  }
  view.owner = std::move(owner);
  return view;
}

ContainerContents read_npy(const InputBytes& input, const std::string& path) {
  ContainerContents contents;
  ArrayView view = npy_from_bytes(input.bytes, input.owner, path);
  view.mapped = input.mapped;
  contents.arrays.push_back(std::move(view));
  return contents;
}

}  // namespace dtlint
