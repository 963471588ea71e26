#include "reports/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "analyzer/formats/untrusted_text.h"

namespace dtlint {
namespace {

// Bytes a string cannot hold as they are: controls, '"', '\\', and every
// non-ASCII byte (which must start a valid UTF-8 sequence).
constexpr std::array<bool, 256> kNeedsCare = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < 256; ++c) table[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return table;
}();

// The indentation of the levels a report reaches, copied in one go.
constexpr std::size_t kMaxIndent = 64;
constexpr std::array<char, kMaxIndent> kSpaces = [] {
  std::array<char, kMaxIndent> text{};
  text.fill(' ');
  return text;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  JsonWriter(out).string(text);
}

void JsonWriter::flush() {
  out_.append(buffer_, used_);
  used_ = 0;
}

void JsonWriter::put(std::string_view text) {
  if (kBufferSize - used_ < text.size()) {
    flush();
    if (text.size() > kBufferSize) {
      out_.append(text);
      return;
    }
  }
  std::memcpy(buffer_ + used_, text.data(), text.size());
  used_ += text.size();
}

namespace {

// The length of the run of bytes at the start of `text` that are written as
// they are (printable ASCII other than '"' and '\\'), eight bytes at a time.
std::size_t plain_run(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  // Whether any byte of w is zero (exact as a yes/no: a borrow only follows a zero byte).
  const auto has_zero = [](std::uint64_t w) { return (w - kOnes) & ~w & kHighs; };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    const std::uint64_t control = (w - 0x20 * kOnes) & ~w & kHighs;  // a byte below 0x20
    if ((control | (w & kHighs) | has_zero(w ^ ('"' * kOnes)) | has_zero(w ^ ('\\' * kOnes))) != 0) break;
  }
  while (i < text.size() && !kNeedsCare[static_cast<unsigned char>(text[i])]) ++i;
  return i;
}

}  // namespace

void JsonWriter::write_string(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t run = plain_run(text);
  if (run == text.size() && text.size() + 2 <= kBufferSize) {  // most strings: names, keys, dtypes
    reserve(text.size() + 2);
    put('"');
    std::memcpy(buffer_ + used_, text.data(), text.size());
    used_ += text.size();
    put('"');
    return;
  }
  reserve(1);
  put('"');
  std::size_t plain = 0;  // start of the run of bytes that need no escaping
  for (std::size_t i = run; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!kNeedsCare[c]) {
      ++i;
      continue;
    }
    std::size_t length = 1;
    if (c >= 0x80) {
      length = utf8_sequence_length(text.substr(i));
      if (length != 0) {  // valid multi-byte UTF-8 stays as it is
        i += length;
        continue;
      }
      length = 1;
    }
    put(text.substr(plain, i - plain));
    reserve(6);
    switch (c) {
      case '"': put(std::string_view("\\\"")); break;
      case '\\': put(std::string_view("\\\\")); break;
      case '\b': put(std::string_view("\\b")); break;
      case '\f': put(std::string_view("\\f")); break;
      case '\n': put(std::string_view("\\n")); break;
      case '\r': put(std::string_view("\\r")); break;
      case '\t': put(std::string_view("\\t")); break;
      default:
        if (c < 0x20) {
          put(std::string_view("\\u00"));
          put(kHex[c >> 4]);
          put(kHex[c & 0xF]);
        } else {
          put(std::string_view("\xEF\xBF\xBD"));  // U+FFFD for a byte that starts no valid sequence
        }
    }
    i += length;
    plain = i;
  }
  put(text.substr(plain));
  reserve(1);
  put('"');
}

void JsonWriter::newline_and_indent(bool comma) {
  if (const std::size_t indent = 2 * levels_.size(); indent <= kMaxIndent) {
    reserve(2 + indent);
    if (comma) put(',');
    put('\n');
    std::memcpy(buffer_ + used_, kSpaces.data(), indent);
    used_ += indent;
    return;
  }
  reserve(2);
  if (comma) put(',');
  put('\n');
  for (std::size_t left = 2 * levels_.size(); left > 0;) {
    const std::size_t n = std::min(left, kMaxIndent);
    put(std::string_view(kSpaces.data(), n));
    left -= n;
  }
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (levels_.empty()) return;
  newline_and_indent(!levels_.back().empty);
  levels_.back().empty = false;
}

void JsonWriter::open(char bracket) {
  before_value();
  reserve(1);
  put(bracket);
  levels_.push_back({});
}

void JsonWriter::close(char bracket) {
  const bool empty = levels_.back().empty;
  levels_.pop_back();
  if (!empty) newline_and_indent(false);
  reserve(1);
  put(bracket);
}

JsonWriter& JsonWriter::begin_object() {
  open('{');
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  open('[');
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  write_string(name);
  reserve(2);
  put(':');
  put(' ');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  before_value();
  write_string(text);
  return *this;
}

JsonWriter& JsonWriter::number(std::uint64_t value) {
  before_value();
  reserve(24);
  used_ =
      static_cast<std::size_t>(std::to_chars(buffer_ + used_, buffer_ + kBufferSize, value).ptr - buffer_);
  return *this;
}

JsonWriter& JsonWriter::number(std::int64_t value) {
  before_value();
  reserve(24);
  used_ =
      static_cast<std::size_t>(std::to_chars(buffer_ + used_, buffer_ + kBufferSize, value).ptr - buffer_);
  return *this;
}

JsonWriter& JsonWriter::number(double value) {
  if (!std::isfinite(value)) return null();
  before_value();
  // The shortest digits that read back exactly, then laid out as people read
  // numbers: positional from 1e-4 up to 1e15 ("100000.0", "0.00125"),
  // scientific outside ("1e-06", "1.6e+16").
  char text_buffer[40];
  const char* end =
      std::to_chars(text_buffer, text_buffer + sizeof text_buffer, value, std::chars_format::scientific).ptr;
  const std::string_view text(text_buffer, static_cast<std::size_t>(end - text_buffer));
  const std::size_t e = text.find('e');
  const bool negative = text.front() == '-';
  char digits[24];  // at most 17 significant digits
  std::size_t count = 0;
  for (char c : text.substr(negative, e - negative)) {
    if (c != '.') digits[count++] = c;
  }
  int exponent = 0;
  std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exponent);
  const int point = exponent + 1;  // digits before the decimal point
  reserve(48);
  if (negative) put('-');
  const std::string_view all(digits, count);
  if (point > 0 && point <= 15) {
    const auto whole = static_cast<std::size_t>(point);
    if (count <= whole) {
      put(all);
      for (std::size_t z = count; z < whole; ++z) put('0');
      put(std::string_view(".0"));
    } else {
      put(all.substr(0, whole));
      put('.');
      put(all.substr(whole));
    }
  } else if (point > -4 && point <= 0) {
    put(std::string_view("0."));
    for (int z = point; z < 0; ++z) put('0');
    put(all);
  } else {
    put(text.substr(negative));  // to_chars' scientific form: "1e-06", "1.6005571271983104e+16"
  }
  return *this;
}

JsonWriter& JsonWriter::continued(bool any_elements) {
  if (any_elements) levels_.back().empty = false;
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  put(value ? std::string_view("true") : std::string_view("false"));
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  put(std::string_view("null"));
  return *this;
}

}  // namespace dtlint
