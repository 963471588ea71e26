// A streaming JSON writer for reports that can hold many thousands of arrays:
// it appends to a string as it goes (through a small buffer of its own, so
// that each token is a few stores), with no document tree in between, in the
// layout of nlohmann::json's dump(2) (two-space indent, one value per line,
// empty containers as {} and []). Strings are written as UTF-8 with the
// escapes JSON requires; bytes that are not valid UTF-8 (file names need not
// be) become U+FFFD, so the output is always valid JSON (the JSON report adds
// the exact bytes of such names beside them, as path_bytes and member_bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dtlint {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  // A writer that continues a container `depth` levels deep (so that parts of
  // one long array can be written apart, e.g. on several threads, and spliced
  // in order); `first`: whether its first element opens the container.
  JsonWriter(std::string& out, std::size_t depth, bool first) : out_(out), levels_(depth) {
    levels_.back().empty = first;
  }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  ~JsonWriter() { flush(); }

  // Moves what is buffered to the destination string; the destructor does too.
  void flush();

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The next member's name; a value (or a container) must follow.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view text);
  JsonWriter& number(std::uint64_t value);
  JsonWriter& number(std::int64_t value);
  // The shortest digits that read back exactly, always with a fraction or an
  // exponent so that it reads back as a float ("3.0", "0.001", "1e-06"); as
  // nlohmann::json lays them out. NaN and infinities (not JSON) become null.
  JsonWriter& number(double value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // Notes that elements of the container open here were written by a
  // continuation writer (above) and placed after what this one wrote, so that
  // what follows is laid out accordingly.
  JsonWriter& continued(bool any_elements);

 private:
  static constexpr std::size_t kBufferSize = 16384;

  void before_value();
  void open(char bracket);
  void close(char bracket);
  void newline_and_indent(bool comma);
  void write_string(std::string_view text);
  // Room for `n` more bytes in the buffer (n ≤ kBufferSize).
  void reserve(std::size_t n) {
    if (kBufferSize - used_ < n) flush();
  }
  void put(char c) { buffer_[used_++] = c; }
  void put(std::string_view text);  // any length

  struct Level {
    bool empty = true;
  };
  std::string& out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
  std::size_t used_ = 0;
  char buffer_[kBufferSize];
};

// `text` as a JSON string literal (quotes included), appended to `out`.
void append_json_string(std::string& out, std::string_view text);

}  // namespace dtlint
