// The JSON front end (document/document.h). nlohmann/json's parser does the
// reading — grammar, escapes, UTF-8 validation, numbers — and reports through
// its SAX interface; nlohmann 3.11 tells a SAX handler no positions, so
// TokenCursor below finds each token's first byte by stepping over what may
// lie between two tokens of valid JSON (blanks, ',' and ':'), and over the
// token itself, which the parser has just accepted. When the parser rejects
// the text the cursor is not used again: the error names the byte the parser
// stopped at.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "document/document.h"
#include "document/text_positions.h"

namespace dtlint::document {
namespace {

using Json = nlohmann::json;

// Text from the parser may quote the input: control characters and bytes
// that are not UTF-8 are shown as \xNN, never written raw to a terminal.
std::string printable(std::string_view text) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xE  ? 3
                         : (byte >> 3) == 0x1E ? 4
                                               : 0;
    bool valid = length > 0 && i + length <= text.size() && byte != 0xC0 && byte != 0xC1 && byte < 0xF5;
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (valid && length == 1 && (byte < 0x20 || byte == 0x7F)) valid = false;
    if (!valid) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

// nlohmann's messages read "[json.exception.parse_error.101] parse error at
// line 1, column 4: syntax error while parsing value - ..."; the position is
// given separately, so only the reason after it is kept.
std::string parser_reason(const std::string& what) {
  std::string_view reason(what);
  if (const std::size_t column = reason.find("column "); column != std::string_view::npos) {
    if (const std::size_t colon = reason.find(": ", column); colon != std::string_view::npos) {
      reason.remove_prefix(colon + 2);
    }
  }
  return printable(reason);
}

class TokenCursor {
 public:
  explicit TokenCursor(std::string_view text) : text_(text), at_(text.starts_with("\xEF\xBB\xBF") ? 3 : 0) {}

  // The offset of the next token, which must start with one of `starts`;
  // the cursor moves past it.
  std::size_t next(std::string_view starts) {
    while (at_ < text_.size() && is_between_tokens(text_[at_])) ++at_;
    if (at_ >= text_.size() || starts.find(text_[at_]) == std::string_view::npos) {
      throw std::logic_error("JSON token positions lost track of the parser");
    }
    const std::size_t start = at_;
    switch (text_[at_]) {
      case '"': skip_string(); break;
      case 't':
      case 'n': at_ += 4; break;
      case 'f': at_ += 5; break;
      case '{':
      case '}':
      case '[':
      case ']': at_ += 1; break;
      default:  // a number
        while (at_ < text_.size() &&
               std::string_view("0123456789+-.eE").find(text_[at_]) != std::string_view::npos) {
          ++at_;
        }
    }
    return start;
  }

  std::string_view token(std::size_t start) const { return text_.substr(start, at_ - start); }

 private:
  static bool is_between_tokens(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':';
  }

  void skip_string() {
    ++at_;  // the opening quote
    while (at_ < text_.size() && text_[at_] != '"') at_ += text_[at_] == '\\' ? 2u : 1u;
    ++at_;  // the closing quote
  }

  std::string_view text_;
  std::size_t at_;
};

// Builds the tree from the parser's events.
class TreeBuilder final : public nlohmann::json_sax<Json> {
 public:
  TreeBuilder(std::string_view text, const std::string& file)
      : file_(file), positions_(text), cursor_(text) {}

  Node take_root() { return std::move(root_); }
  std::optional<DocumentError>& error() { return error_; }

  bool null() override {
    Node& node = value("n");
    node.kind = Node::Kind::Null;
    return true;
  }
  bool boolean(bool value_read) override {
    Node& node = value(value_read ? "t" : "f");
    node.kind = Node::Kind::Bool;
    node.boolean = value_read;
    return true;
  }
  bool number_integer(number_integer_t value_read) override {
    Node& node = number();
    node.kind = Node::Kind::Integer;
    node.integer = value_read;
    return true;
  }
  bool number_unsigned(number_unsigned_t value_read) override {
    Node& node = number();
    if (value_read <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      node.kind = Node::Kind::Integer;
      node.integer = static_cast<std::int64_t>(value_read);
    } else {
      node.kind = Node::Kind::Float;
      node.number = static_cast<double>(value_read);
    }
    return true;
  }
  bool number_float(number_float_t value_read, const string_t&) override {
    Node& node = number();
    node.kind = Node::Kind::Float;
    node.number = value_read;
    return true;
  }
  bool string(string_t& value_read) override {
    Node& node = value("\"");
    node.kind = Node::Kind::String;
    node.text = std::move(value_read);
    return true;
  }
  bool binary(binary_t&) override { return true; }  // JSON text has none

  bool start_object(std::size_t) override { return open(Node::Kind::Map, "{"); }
  bool start_array(std::size_t) override { return open(Node::Kind::List, "["); }
  bool end_object() override { return close("}"); }
  bool end_array() override { return close("]"); }

  bool key(string_t& name) override {
    Frame& frame = frames_.back();
    const Position position = positions_.at_offset(cursor_.next("\""));
    const auto [earlier, inserted] = frame.key_lines.emplace(name, position.line);
    if (!inserted) {
      return fail(position, child_key(frame.path, name),
                  "duplicate key (first set at line " + std::to_string(earlier->second) + ")");
    }
    Entry& entry = frame.node->entries.emplace_back();
    entry.key = std::move(name);
    entry.position = position;
    return true;
  }

  bool parse_error(std::size_t bytes_read, const std::string&,
                   const nlohmann::detail::exception& error) override {
    // The parser counts the byte it stopped at (or the end) as read.
    return fail(positions_.at_offset(bytes_read == 0 ? 0 : bytes_read - 1), "",
                "JSON syntax error: " + parser_reason(error.what()));
  }

 private:
  struct Frame {
    Node* node;
    std::string path;                                // for error messages
    std::unordered_map<std::string, int> key_lines;  // maps: each key's line
  };

  // The node the next value fills: the root, a new list item, or the value
  // of the key just read. Pointers to ancestors stay valid: only the
  // innermost container grows.
  Node& slot() {
    if (frames_.empty()) return root_;
    Node& parent = *frames_.back().node;
    if (parent.kind == Node::Kind::List) return parent.items.emplace_back();
    return parent.entries.back().value;
  }

  std::string slot_path() const {
    if (frames_.empty()) return "";
    const Frame& frame = frames_.back();
    if (frame.node->kind == Node::Kind::List) return index_key(frame.path, frame.node->items.size() - 1);
    return child_key(frame.path, frame.node->entries.back().key);
  }

  Node& value(std::string_view starts) {
    Node& node = slot();
    const std::size_t start = cursor_.next(starts);
    node.position = positions_.at_offset(start);
    return node;
  }

  Node& number() {
    Node& node = slot();
    const std::size_t start = cursor_.next("-0123456789");
    node.position = positions_.at_offset(start);
    node.text = std::string(cursor_.token(start));
    return node;
  }

  bool open(Node::Kind kind, std::string_view token) {
    Node& node = value(token);
    node.kind = kind;
    std::string path = slot_path();
    if (frames_.size() >= kMaxDepth) {
      return fail(node.position, path,
                  "lists and maps nested more than " + std::to_string(kMaxDepth) + " levels deep");
    }
    frames_.push_back({&node, std::move(path), {}});
    return true;
  }

  bool close(std::string_view token) {
    cursor_.next(token);
    frames_.pop_back();
    return true;
  }

  bool fail(Position position, std::string key, std::string reason) {
    if (!error_) error_.emplace(file_, position, std::move(key), std::move(reason));
    return false;
  }

  const std::string& file_;
  TextPositions positions_;
  TokenCursor cursor_;
  Node root_;
  std::vector<Frame> frames_;
  std::optional<DocumentError> error_;
};

}  // namespace

Node parse_json(std::string_view text, const std::string& file) {
  TreeBuilder builder(text, file);
  const bool parsed = Json::sax_parse(text.data(), text.data() + text.size(), &builder);
  if (builder.error()) throw std::move(*builder.error());
  if (!parsed) throw DocumentError(file, {}, "", "JSON syntax error");  // nlohmann always says why
  return builder.take_root();
}

}  // namespace dtlint::document
