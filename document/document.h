// Documents: YAML, TOML and JSON text parsed into one tree that keeps, for
// every key and every value, where it starts (line and column). Consumers
// (the configuration validator, pipeline loaders) walk the tree and report
// their own errors at those positions; the front ends report syntax errors,
// duplicate keys, excessive nesting and invalid text at theirs.
//
// No dependency on the rest of dtlint: a front end takes text, never a file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dtlint::document {

// Where something starts. Lines are 1-based; columns are 1-based and count
// characters (Unicode code points, a tab is one) from the line's start, as
// editors show them. 0 means unknown (a file that could not be read).
struct Position {
  int line = 0;
  int column = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

struct Entry;

// One value. Scalars keep their kind (YAML plain scalars are typed by the YAML
// 1.2 core schema, in which `off`, `yes` and `no` are strings, as in TOML);
// maps keep their entries in file order.
struct Node {
  enum class Kind { Null, String, Bool, Integer, Float, DateTime, List, Map };
  Kind kind = Kind::Null;
  Position position;           // where the value starts (an empty value: its key's or list's)
  std::string text;            // String: the value; DateTime, YAML plain scalars, JSON numbers: as written
  bool boolean = false;        // Bool
  std::int64_t integer = 0;    // Integer
  double number = 0;           // Float (also integers that do not fit int64)
  std::vector<Node> items;     // List
  std::vector<Entry> entries;  // Map

  // The value of `key` in a map; nullptr when absent or not a map.
  const Node* find(std::string_view key) const;
};

struct Entry {
  std::string key;
  Position position;  // where the key starts
  Node value;
};

// A document that cannot be read. what() reads "FILE:LINE:COLUMN: KEY: REASON";
// ":LINE:COLUMN" is left out when the position is unknown, "KEY: " when
// there is no key (syntax errors). The key is a path as key_path() spells it.
class DocumentError : public std::runtime_error {
 public:
  DocumentError(std::string file, Position position, std::string key, std::string reason);
  const std::string& file() const { return file_; }
  Position position() const { return position_; }
  const std::string& key() const { return key_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  Position position_;
  std::string key_;
  std::string reason_;
};

// Key paths as errors name them: "rules.DT104.severity", "per_path[0].paths".
std::string child_key(std::string_view parent, std::string_view name);
std::string index_key(std::string_view parent, std::size_t index);

// How deeply lists and maps may nest in TOML and JSON (YAML: yaml-cpp's own
// limit). Deeper text is an error, not a stack overflow.
inline constexpr std::size_t kMaxDepth = 256;

// The front ends. `file` only names the text in errors. Each throws
// DocumentError; none reads beyond `text`.
//
// YAML (yaml-cpp 0.7): one document (none: an empty map); duplicate keys,
// non-text keys and alias expansion beyond the text's size are errors.
Node parse_yaml(std::string_view text, const std::string& file);
// TOML (toml++ 3): the root table, keys in file order.
Node parse_toml(std::string_view text, const std::string& file);
// JSON (RFC 8259, nlohmann/json's parser): any value at the top; duplicate
// keys, invalid UTF-8, comments, trailing commas and nesting deeper than
// kMaxDepth are errors. Integers beyond int64 are kept as Float with `text`.
Node parse_json(std::string_view text, const std::string& file);

}  // namespace dtlint::document
