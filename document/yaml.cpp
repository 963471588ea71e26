// The YAML front end (document/document.h) over yaml-cpp 0.7.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "document/document.h"
#include "document/text_positions.h"

namespace dtlint::document {
namespace {

// The core schema's number patterns, matched by hand: libstdc++'s std::regex_match
// recurses once per character and overflows the stack on a long scalar (a
// number of some 100 000 digits).

// How many digits of `base` (8, 10 or 16) start at text[at].
std::size_t count_digits(std::string_view text, std::size_t at, int base) {
  std::size_t end = at;
  while (end < text.size()) {
    const char c = text[end];
    const bool digit = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                                  : c >= '0' && c < static_cast<char>('0' + base);
    if (!digit) break;
    ++end;
  }
  return end - at;
}

std::size_t sign_length(std::string_view text) {
  return !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
}

// [-+]?[0-9]+
bool is_decimal(std::string_view text) {
  const std::size_t at = sign_length(text);
  return text.size() > at && count_digits(text, at, 10) == text.size() - at;
}

// PREFIX[digits of base]+ (0o[0-7]+, 0x[0-9a-fA-F]+)
bool is_prefixed(std::string_view text, std::string_view prefix, int base) {
  return text.size() > prefix.size() && text.starts_with(prefix) &&
         count_digits(text, prefix.size(), base) == text.size() - prefix.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(std::string_view text) {
  std::size_t at = sign_length(text);
  const std::size_t integer = count_digits(text, at, 10);
  at += integer;
  std::size_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    fraction = count_digits(text, at + 1, 10);
    at += 1 + fraction;
  }
  if (integer == 0 && fraction == 0) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    at += 1;
    at += sign_length(text.substr(at));
    const std::size_t exponent = count_digits(text, at, 10);
    if (exponent == 0) return false;
    at += exponent;
  }
  return at == text.size();
}

// Types a plain (unquoted) YAML scalar by the YAML 1.2 core schema. yaml-cpp
// already turned the null spellings (`~`, `null`, empty) into null nodes.
Node plain_yaml_scalar(const std::string& text, Position position) {
  Node node;
  node.position = position;
  node.text = text;
  if (text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
      text == "FALSE") {
    node.kind = Node::Kind::Bool;
    node.boolean = text[0] == 't' || text[0] == 'T';
    return node;
  }
  // Integers first; one that does not fit int64 is kept as a float.
  const auto as_integer = [&](std::string_view digits, int base) {
    const bool negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    std::uint64_t magnitude = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
    if (error == std::errc() && end == digits.data() + digits.size() && magnitude <= limit) {
      node.kind = Node::Kind::Integer;
      node.integer =
          negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
      return true;
    }
    return false;
  };
  if (is_decimal(text) && as_integer(text, 10)) return node;
  if (is_prefixed(text, "0o", 8) && as_integer(std::string_view(text).substr(2), 8)) return node;
  if (is_prefixed(text, "0x", 16) && as_integer(std::string_view(text).substr(2), 16)) return node;
  if (is_decimal(text) || is_float(text)) {
    // std::from_chars is locale-independent but takes no leading '+'; out of
    // range, std::strtod gives ±HUGE_VAL or the nearest tiny value, which
    // consumers then reject or accept (dtlint never changes LC_NUMERIC).
    std::string_view digits = text;
    if (digits[0] == '+') digits.remove_prefix(1);
    double value = 0;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec != std::errc()) {
      value = std::strtod(text.c_str(), nullptr);
    }
    node.kind = Node::Kind::Float;
    node.number = value;
    return node;
  }
  const std::string_view unsigned_text = std::string_view(text).substr(sign_length(text));
  if (unsigned_text == ".inf" || unsigned_text == ".Inf" || unsigned_text == ".INF") {
    node.kind = Node::Kind::Float;
    node.number = text[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return node;
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    node.kind = Node::Kind::Float;
    node.number = std::nan("");
    return node;
  }
  node.kind = Node::Kind::String;
  return node;
}

class YamlConverter {
 public:
  // `max_values`: every value takes at least one character of the file, so
  // more values than characters can only come from aliases.
  YamlConverter(const std::string& file, const TextPositions& positions, std::size_t max_values)
      : file_(file), positions_(positions), max_values_(max_values) {}

  Position at(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0 || mark.column < 0) return {};
    return positions_.at_line_byte(static_cast<std::size_t>(mark.line),
                                   static_cast<std::size_t>(mark.column));
  }

  // `fallback`: where an empty value is reported (its key's or its list's
  // position; yaml-cpp places an empty value's mark where the next token is).
  Node convert(const YAML::Node& yaml, const std::string& key, Position fallback) {
    // yaml-cpp shares aliased nodes, this tree copies them: a few nested
    // aliases ("billion laughs") would expand without bound.
    if (++converted_ > max_values_) {
      throw DocumentError(file_, at(yaml.Mark()), key,
                          "aliases expand to more values than the file has characters");
    }
    Node node;
    node.position = yaml.Mark().is_null() ? fallback : at(yaml.Mark());
    switch (yaml.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        node.kind = Node::Kind::Null;
        if (fallback.line > 0) node.position = fallback;
        return node;
      case YAML::NodeType::Scalar: {
        // yaml-cpp tags plain scalars "?" and quoted ones "!"; an explicit
        // `!!str` also makes a string, any other tag is typed like plain text.
        const std::string& tag = yaml.Tag();
        if (tag == "!" || tag == "tag:yaml.org,2002:str") {
          node.kind = Node::Kind::String;
          node.text = yaml.Scalar();
          return node;
        }
        return plain_yaml_scalar(yaml.Scalar(), node.position);
      }
      case YAML::NodeType::Sequence: {
        node.kind = Node::Kind::List;
        std::size_t index = 0;
        for (const YAML::Node& item : yaml) {
          node.items.push_back(convert(item, index_key(key, index), node.position));
          ++index;
        }
        return node;
      }
      case YAML::NodeType::Map: {
        node.kind = Node::Kind::Map;
        std::unordered_map<std::string, int> key_lines;
        for (const auto& pair : yaml) {
          const YAML::Node& yaml_key = pair.first;
          const Position key_position = yaml_key.Mark().is_null() ? node.position : at(yaml_key.Mark());
          if (!yaml_key.IsScalar() && !yaml_key.IsNull()) {
            throw DocumentError(file_, key_position, key,
                                "expected text keys, found a list or map used as a key");
          }
          const std::string name = yaml_key.IsNull() ? "~" : yaml_key.Scalar();
          // yaml-cpp keeps both entries of a duplicated key (and lookups see
          // only the first); the document is rejected instead.
          const auto [earlier, inserted] = key_lines.emplace(name, key_position.line);
          if (!inserted) {
            throw DocumentError(file_, key_position, child_key(key, name),
                                "duplicate key (first set at line " + std::to_string(earlier->second) + ")");
          }
          Entry entry;
          entry.key = name;
          entry.position = key_position;
          entry.value = convert(pair.second, child_key(key, name), key_position);
          node.entries.push_back(std::move(entry));
        }
        return node;
      }
    }
    return node;
  }

 private:
  const std::string& file_;
  const TextPositions& positions_;
  std::size_t max_values_;
  std::size_t converted_ = 0;
};

// Counts a stream's documents without building them. yaml-cpp 0.7's LoadAll
// never returns when a document starts with a token no node can start with (a
// ',' at the top level, as in "," or "[a], b"): HandleNextDocument reports an
// empty document without consuming the token, again and again, and LoadAll
// collects them until memory runs out.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::size_t count = 0;
  YAML::Mark start = YAML::Mark::null_mark();        // where the latest document starts
  YAML::Mark second_root = YAML::Mark::null_mark();  // the second document's root node

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++count;
    start = mark;
    root_pending_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (root_pending_ && count == 2) second_root = mark;
    root_pending_ = false;
  }
  bool root_pending_ = false;
};

}  // namespace

Node parse_yaml(std::string_view text_view, const std::string& file) {
  const std::string text(text_view);
  const TextPositions positions(text);
  // yaml-cpp reads a NUL byte as the end of its input or as a broken escape
  // ("unknown escape character: j"): name it, where it is.
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    throw DocumentError(file, positions.at_offset(nul), "",
                        "a NUL byte, which YAML does not allow (is this a binary file?)");
  }
  YamlConverter converter(file, positions, text.size() + 1);
  std::optional<YAML::Node> document;  // none: an empty stream
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentCounter counter;
    // Every document consumes at least one token, unless it is stuck (above):
    // one that starts where the previous one did is reported, not repeated.
    for (int previous = -1; parser.HandleNextDocument(counter); previous = counter.start.pos) {
      if (counter.start.pos == previous) {
        const auto at = static_cast<std::size_t>(previous);
        const char c = at < text.size() ? text[at] : ' ';
        const std::string what =
            std::isgraph(static_cast<unsigned char>(c)) ? "'" + std::string(1, c) + "'" : "text";
        throw DocumentError(file, converter.at(counter.start), "",
                            "YAML syntax error: unexpected " + what + " where a value should start");
      }
    }
    if (counter.count > 1) {
      throw DocumentError(file, converter.at(counter.second_root), "",
                          "expected one YAML document, found " + std::to_string(counter.count));
    }
    if (counter.count == 1) document = YAML::Load(text);
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp's own limit on nested lists and maps ("bad file").
    throw DocumentError(file, converter.at(error.mark), "",
                        "YAML syntax error: lists and maps nested too deeply (yaml-cpp stops at " +
                            std::to_string(error.depth()) + " levels)");
  } catch (const YAML::Exception& error) {
    throw DocumentError(file, converter.at(error.mark), "", "YAML syntax error: " + error.msg);
  }
  Node root;  // an empty file is an empty map
  root.position = {1, 1};
  if (document) root = converter.convert(*document, "", {1, 1});
  if (root.kind == Node::Kind::Null) {
    root.kind = Node::Kind::Map;
    root.position = {1, 1};
  }
  return root;
}

}  // namespace dtlint::document
