// Loading, validating and rendering dtlint's configuration (rules/config.h).
//
// YAML (yaml-cpp) and TOML (toml++) are first converted into one small tree
// (`Node` below) that keeps every key's and value's line; one validator then
// walks that tree, so both spellings accept the same keys and report the same
// errors, at the same key paths.
#include "rules/config.h"

#include <toml++/toml.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "rules/registry.h"

namespace dtlint {

namespace fs = std::filesystem;

namespace {

std::string error_message(const std::string& file, int line, const std::string& key,
                          const std::string& reason) {
  std::string message = file;
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  if (!key.empty()) message += key + ": ";
  return message + reason;
}

}  // namespace

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& reason)
    : std::runtime_error(error_message(file, line, key, reason)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

namespace {

// ---------------------------------------------------------------------------
// The intermediate tree

struct Entry;

// One value of either format. Scalars keep their kind (YAML plain scalars are
// typed by the YAML 1.2 core schema, in which `off`, `yes` and `no` are
// strings, as in TOML); maps keep their keys in file order.
struct Node {
  enum class Kind { Null, String, Bool, Integer, Float, DateTime, List, Map };
  Kind kind = Kind::Null;
  int line = 0;          // 1-based
  std::string text;      // String: the value; DateTime and YAML scalars: as written
  bool boolean = false;  // Bool
  std::int64_t integer = 0;
  double number = 0;           // Float
  std::vector<Node> items;     // List
  std::vector<Entry> entries;  // Map
};

struct Entry {
  std::string key;
  int line = 0;  // the key's line
  Node value;
};

std::string child_key(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string index_key(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

// The shortest decimal text that reads back as exactly `value`.
std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// ------------------------------------------------------------------- YAML

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
Node plain_yaml_scalar(const std::string& text, int line) {
  Node node;
  node.line = line;
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
    // range, std::strtod gives ±HUGE_VAL or the nearest tiny value, which the
    // number checks then reject or accept (dtlint never changes LC_NUMERIC).
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
  YamlConverter(const std::string& file, std::size_t max_values) : file_(file), max_values_(max_values) {}

  // `fallback_line`: where an empty value is reported (its key's line;
  // yaml-cpp places an empty value's mark on the line after the key).
  Node convert(const YAML::Node& yaml, const std::string& key, int fallback_line) {
    // yaml-cpp shares aliased nodes, this tree copies them: a few nested
    // aliases ("billion laughs") would expand without bound.
    if (++converted_ > max_values_) {
      throw ConfigError(file_, yaml.Mark().is_null() ? 0 : yaml.Mark().line + 1, key,
                        "aliases expand to more values than the file has characters");
    }
    Node node;
    node.line = yaml.Mark().is_null() ? fallback_line : yaml.Mark().line + 1;
    switch (yaml.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        node.kind = Node::Kind::Null;
        if (fallback_line > 0) node.line = fallback_line;
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
        return plain_yaml_scalar(yaml.Scalar(), node.line);
      }
      case YAML::NodeType::Sequence: {
        node.kind = Node::Kind::List;
        std::size_t index = 0;
        for (const YAML::Node& item : yaml) {
          node.items.push_back(convert(item, index_key(key, index), node.line));
          ++index;
        }
        return node;
      }
      case YAML::NodeType::Map: {
        node.kind = Node::Kind::Map;
        std::unordered_map<std::string, int> key_lines;
        for (const auto& pair : yaml) {
          const YAML::Node& yaml_key = pair.first;
          const int key_line = yaml_key.Mark().is_null() ? node.line : yaml_key.Mark().line + 1;
          if (!yaml_key.IsScalar() && !yaml_key.IsNull()) {
            throw ConfigError(file_, key_line, key, "expected text keys, found a list or map used as a key");
          }
          const std::string name = yaml_key.IsNull() ? "~" : yaml_key.Scalar();
          // yaml-cpp keeps both entries of a duplicated key (and lookups see
          // only the first); dtlint rejects the file instead.
          const auto [earlier, inserted] = key_lines.emplace(name, key_line);
          if (!inserted) {
            throw ConfigError(file_, key_line, child_key(key, name),
                              "duplicate key (first set at line " + std::to_string(earlier->second) + ")");
          }
          Entry entry;
          entry.key = name;
          entry.line = key_line;
          entry.value = convert(pair.second, child_key(key, name), key_line);
          node.entries.push_back(std::move(entry));
        }
        return node;
      }
    }
    return node;
  }

 private:
  const std::string& file_;
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

int yaml_line(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.line + 1;
}

Node parse_yaml(const std::string& text, const std::string& file) {
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
        throw ConfigError(file, yaml_line(counter.start), "",
                          "YAML syntax error: unexpected " + what + " where a value should start");
      }
    }
    if (counter.count > 1) {
      throw ConfigError(file, yaml_line(counter.second_root), "",
                        "expected one YAML document, found " + std::to_string(counter.count));
    }
    if (counter.count == 1) document = YAML::Load(text);
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp's own limit on nested lists and maps ("bad file").
    throw ConfigError(file, yaml_line(error.mark), "",
                      "YAML syntax error: lists and maps nested too deeply (yaml-cpp stops at " +
                          std::to_string(error.depth()) + " levels)");
  } catch (const YAML::Exception& error) {
    throw ConfigError(file, yaml_line(error.mark), "", "YAML syntax error: " + error.msg);
  }
  Node root;  // an empty file is an empty configuration
  root.line = 1;
  if (document) root = YamlConverter(file, text.size() + 1).convert(*document, "", 1);
  if (root.kind == Node::Kind::Null) {
    root.kind = Node::Kind::Map;
    root.line = 1;
  }
  return root;
}

// ------------------------------------------------------------------- TOML

int toml_line(const toml::source_region& source, int fallback) {
  return source.begin.line > 0 ? static_cast<int>(source.begin.line) : fallback;
}

Node convert_toml(const toml::node& toml_node, int fallback_line) {
  Node node;
  node.line = toml_line(toml_node.source(), fallback_line);
  switch (toml_node.type()) {
    case toml::node_type::table: {
      node.kind = Node::Kind::Map;
      // toml::table is sorted by key; restore the file order.
      std::vector<std::pair<const toml::key*, const toml::node*>> pairs;
      for (const auto& [key, value] : *toml_node.as_table()) pairs.emplace_back(&key, &value);
      std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
        const auto& pa = a.first->source().begin;
        const auto& pb = b.first->source().begin;
        return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
      });
      for (const auto& [key, value] : pairs) {
        Entry entry;
        entry.key = std::string(key->str());
        entry.line = toml_line(key->source(), toml_line(value->source(), node.line));
        entry.value = convert_toml(*value, entry.line);
        node.entries.push_back(std::move(entry));
      }
      return node;
    }
    case toml::node_type::array:
      node.kind = Node::Kind::List;
      for (const toml::node& item : *toml_node.as_array()) {
        node.items.push_back(convert_toml(item, node.line));
      }
      return node;
    case toml::node_type::string:
      node.kind = Node::Kind::String;
      node.text = toml_node.as_string()->get();
      return node;
    case toml::node_type::integer:
      node.kind = Node::Kind::Integer;
      node.integer = toml_node.as_integer()->get();
      return node;
    case toml::node_type::floating_point:
      node.kind = Node::Kind::Float;
      node.number = toml_node.as_floating_point()->get();
      return node;
    case toml::node_type::boolean:
      node.kind = Node::Kind::Bool;
      node.boolean = toml_node.as_boolean()->get();
      return node;
    default: {  // date, time, date-time
      node.kind = Node::Kind::DateTime;
      std::ostringstream text;
      if (const auto* date = toml_node.as_date()) text << *date;
      if (const auto* time = toml_node.as_time()) text << *time;
      if (const auto* date_time = toml_node.as_date_time()) text << *date_time;
      node.text = text.str();
      return node;
    }
  }
}

// toml++ 3.3 limits nested arrays and inline tables (to 256 levels), not tables
// nested by dotted keys and headers: `a.a.a…a = 1` with some 30 000 segments
// overflows the stack inside toml::parse, and convert_toml recurses as deep.
// So the nesting is measured first, without parsing: table headers, dotted keys,
// arrays and inline tables, outside strings and comments.
constexpr std::size_t kMaxTomlDepth = 256;

// The index of the last character of the string whose opening quote is at
// text[at]; newlines inside multi-line strings are counted into `line`.
std::size_t skip_toml_string(std::string_view text, std::size_t at, int& line) {
  const char quote = text[at];
  const bool basic = quote == '"';
  const std::string_view triple = basic ? std::string_view("\"\"\"") : std::string_view("'''");
  if (text.substr(at, 3) == triple) {
    for (std::size_t i = at + 3; i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
      } else if (basic && text[i] == '\\') {
        if (i + 1 < text.size() && text[i + 1] == '\n') ++line;
        ++i;
      } else if (text.substr(i, 3) == triple) {
        std::size_t end = i + 3;  // up to two more quotes are content: """a""""" is `a""`
        while (end < text.size() && end < i + 5 && text[end] == quote) ++end;
        return end - 1;
      }
    }
    return text.size() - 1;
  }
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\n') return i - 1;  // unterminated: the caller sees the newline
    if (text[i] == quote) return i;
    if (basic && text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i;
  }
  return text.size() - 1;
}

// The line where the text first nests deeper than kMaxTomlDepth; 0 if it never does.
int toml_too_deep(std::string_view text) {
  struct Level {
    bool table = true;     // the current key/value pair or an inline table; else an array
    bool in_key = true;    // tables: before the '='
    std::size_t dots = 0;  // tables: dots in the current key
    std::size_t depth() const { return table ? 1 + dots : 1; }
  };
  std::vector<Level> levels{Level{}};
  std::size_t header = 0;  // how deep the latest [table] or [[array]] header is
  std::size_t depth = 1;   // header + every level's depth
  int line = 1;
  bool line_start = true;  // nothing but blanks before, on this line
  const auto pop = [&] {
    depth -= levels.back().depth();
    levels.pop_back();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = true;
      if (levels.size() == 1) {  // a new key/value pair; multi-line arrays go on
        levels[0] = Level{};
        depth = header + 1;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    const bool at_line_start = std::exchange(line_start, false);
    Level& top = levels.back();
    if (c == '#') {
      const std::size_t end = text.find('\n', i);
      if (end == std::string_view::npos) break;
      i = end - 1;
    } else if (c == '"' || c == '\'') {
      i = skip_toml_string(text, i, line);
    } else if (top.table && top.in_key) {
      if (c == '.') {
        ++top.dots;
        ++depth;
      } else if (c == '=') {
        top.in_key = false;
      } else if (c == '}' && levels.size() > 1) {
        pop();
      } else if (c == '[' && at_line_start && levels.size() == 1) {
        const bool array = i + 1 < text.size() && text[i + 1] == '[';
        std::size_t dots = 0;
        std::size_t j = i + (array ? 2 : 1);
        for (; j < text.size() && text[j] != ']' && text[j] != '\n'; ++j) {
          if (text[j] == '"' || text[j] == '\'') {
            j = skip_toml_string(text, j, line);
          } else if (text[j] == '.') {
            ++dots;
          }
        }
        header = 1 + dots + (array ? 1 : 0);
        depth = header + 1;
        i = j - 1;  // the loop goes on at the ']' (ignored) or the newline
      }
    } else if (c == '[' || c == '{') {
      levels.push_back(Level{c == '{'});
      ++depth;
    } else if (c == ']' && !top.table) {
      pop();
    } else if (c == '}' && levels.size() > 1) {
      pop();
    } else if (c == ',' && top.table && levels.size() > 1) {
      depth -= top.dots;
      top = Level{};  // the next key of an inline table
    }
    if (depth > kMaxTomlDepth) return line;
  }
  return 0;
}

toml::table parse_toml(const std::string& text, const std::string& file) {
  if (const int line = toml_too_deep(text)) {
    throw ConfigError(file, line, "",
                      "TOML nested more than " + std::to_string(kMaxTomlDepth) +
                          " levels deep (tables, dotted keys, arrays and inline tables)");
  }
  try {
    return toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& error) {
    throw ConfigError(file, toml_line(error.source(), 0), "",
                      "TOML syntax error: " + std::string(error.description()));
  }
}

// ------------------------------------------------------------- validation

// What a value is, for "expected X, found Y".
std::string describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::Null: return "an empty value";
    case Node::Kind::String: {
      std::string shown = node.text.size() > 40 ? node.text.substr(0, 40) + "…" : node.text;
      return "the text \"" + shown + "\"";
    }
    case Node::Kind::Bool: return std::string("a boolean (") + (node.boolean ? "true" : "false") + ")";
    case Node::Kind::Integer: return "a number (" + std::to_string(node.integer) + ")";
    case Node::Kind::Float: return "a number (" + format_number(node.number) + ")";
    case Node::Kind::DateTime: return "a date/time (" + node.text + ")";
    case Node::Kind::List: return "a list";
    case Node::Kind::Map: return "a map";
  }
  return "a value";
}

std::string join(const std::vector<std::string_view>& words) {
  std::string text;
  for (std::string_view word : words) text += (text.empty() ? "" : ", ") + std::string(word);
  return text;
}

// "a", "a or b", "a, b or c".
std::string join_or(const std::vector<std::string_view>& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + std::string(words[i]);
  }
  return text;
}

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

const std::vector<std::string_view> kTopLevelKeys{"targets", "semantics",  "fail_on",  "exclude",
                                                  "rules",   "tolerances", "per_path", "ignore"};
const std::vector<std::string_view> kPerPathKeys{"paths", "targets", "rules", "tolerances"};
const std::vector<std::string_view> kIgnoreKeys{"path", "member", "rules", "reason"};
const std::vector<std::string_view> kToleranceKeys{"rtol", "atol"};

class Validator {
 public:
  explicit Validator(const std::string& file) : file_(file) {}

  void top_level(const Node& root, Config& config) const {
    if (root.kind != Node::Kind::Map) {
      fail(root.line, "", "expected a map of settings at the top level, found " + describe(root));
    }
    for (const Entry& entry : root.entries) {
      const std::string& key = entry.key;
      const Node& value = entry.value;
      if (key == "targets") {
        config.settings.targets = targets(value, key);
      } else if (key == "semantics") {
        const std::string text = word(value, key, "numpy, tensorflow or torch");
        config.semantics = semantics_from_string(text);
        if (!config.semantics) {
          fail(value.line, key, "expected numpy, tensorflow or torch, found " + describe(value));
        }
      } else if (key == "fail_on") {
        const std::string text = word(value, key, "error, warning, note or never");
        if (text != "never" && !severity_from_string(text)) {
          fail(value.line, key, "expected error, warning, note or never, found " + describe(value));
        }
        config.fail_on = text;
      } else if (key == "exclude") {
        config.exclude = globs(value, key, false);
      } else if (key == "rules") {
        config.settings.rules = rules(value, key);
      } else if (key == "tolerances") {
        config.settings.tolerances = tolerances(value, key);
      } else if (key == "per_path") {
        config.per_path = per_path(value, key);
      } else if (key == "ignore") {
        config.ignore = ignore(value, key);
      } else if (key == "pipeline") {
        fail(entry.line, key, "pipeline casts are not supported by this version of dtlint");
      } else {
        unknown_key(entry, "", kTopLevelKeys);
      }
    }
  }

 private:
  [[noreturn]] void fail(int line, const std::string& key, const std::string& reason) const {
    throw ConfigError(file_, line, key, reason);
  }

  [[noreturn]] void unknown_key(const Entry& entry, const std::string& parent,
                                const std::vector<std::string_view>& allowed) const {
    fail(entry.line, child_key(parent, entry.key), "unknown key (expected one of: " + join(allowed) + ")");
  }

  void expect_map(const Node& node, const std::string& key, const std::string& what) const {
    if (node.kind != Node::Kind::Map) fail(node.line, key, "expected " + what + ", found " + describe(node));
  }

  void expect_list(const Node& node, const std::string& key, const std::string& what) const {
    if (node.kind != Node::Kind::List) fail(node.line, key, "expected " + what + ", found " + describe(node));
  }

  // A string value; `expected` says what the key takes, for the message.
  std::string word(const Node& node, const std::string& key, const std::string& expected) const {
    if (node.kind != Node::Kind::String) {
      fail(node.line, key, "expected " + expected + ", found " + describe(node));
    }
    return node.text;
  }

  std::string non_empty_text(const Node& node, const std::string& key, const std::string& expected) const {
    std::string text = word(node, key, expected);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      fail(node.line, key, "expected " + expected + ", found an empty text");
    }
    return text;
  }

  // A non-negative finite number, at most `max`.
  // A rule option's value, within the range the rule declares for it.
  double option_value(const Node& node, const std::string& key, const RuleOption& option) const {
    const std::string expected =
        "a number from " + format_number(option.min) + " to " + format_number(option.max);
    const double value = number(node, key, option.max, expected);
    if (value < option.min) fail(node.line, key, "expected " + expected + ", found " + describe(node));
    return value;
  }

  double number(const Node& node, const std::string& key, double max, const std::string& expected) const {
    double value = 0;
    if (node.kind == Node::Kind::Integer) {
      value = static_cast<double>(node.integer);
    } else if (node.kind == Node::Kind::Float) {
      value = node.number;
    } else {
      fail(node.line, key, "expected " + expected + ", found " + describe(node));
    }
    if (!std::isfinite(value) || value < 0 || value > max) {
      fail(node.line, key, "expected " + expected + ", found " + describe(node));
    }
    // -0.0 passes the check above; kept, it would render as "-0", which reads
    // back as the integer 0 (found by fuzz_config's round trip).
    return value == 0 ? 0.0 : value;
  }

  DType dtype(const std::string& name, int line, const std::string& key) const {
    const std::optional<DType> type = target_dtype(name);
    if (!type) {
      fail(line, key,
           "unknown target dtype '" + name +
               "' (expected float16, bfloat16, float32, float64, float8_e4m3fn, float8_e5m2, "
               "int8…int64 or uint8…uint64)");
    }
    return *type;
  }

  // A non-empty list of target dtypes, duplicates dropped (as on the command line).
  std::vector<DType> targets(const Node& node, const std::string& key) const {
    expect_list(node, key, "a list of dtype names");
    if (node.items.empty()) fail(node.line, key, "expected a list of dtype names, found an empty list");
    std::vector<DType> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      const std::string item_key = index_key(key, i);
      const DType type = dtype(word(item, item_key, "a dtype name"), item.line, item_key);
      if (std::find(result.begin(), result.end(), type) == result.end()) result.push_back(type);
    }
    return result;
  }

  // A list of non-empty globs; `single` also accepts one glob as a plain string.
  std::vector<std::string> globs(const Node& node, const std::string& key, bool single) const {
    const std::string expected = single ? "a glob or a list of globs" : "a list of globs";
    if (single && node.kind == Node::Kind::String) {
      return {non_empty_text(node, key, "a glob")};
    }
    expect_list(node, key, expected);
    std::vector<std::string> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      result.push_back(non_empty_text(node.items[i], index_key(key, i), "a glob"));
    }
    return result;
  }

  // A rule code as written in the file, checked against the catalogue; upper-case.
  std::string rule_code(const std::string& written, int line, const std::string& key) const {
    const Rule* rule = find_rule(written);
    std::string code = upper(written);
    if (rule && rule->code() == code) return code;
    if (rule) fail(line, key, "'" + written + "' is a rule name; use its code " + std::string(rule->code()));
    fail(line, key, "unknown rule code '" + written + "' (`dtlint rules` lists them)");
  }

  // `CODE: off|error|warning|note` or `CODE: {severity: ..., OPTION: NUMBER}`, where the
  // options are the ones the rule declares (Rule::options()).
  RuleSetting rule_setting(const Node& node, const std::string& key, const Rule& rule) const {
    std::vector<std::string_view> keys{"severity"};
    for (const RuleOption& option : rule.options()) keys.push_back(option.name);
    std::string braced;
    for (std::string_view k : keys) braced += (braced.empty() ? "" : ", ") + std::string(k);
    const std::string expected = "off, error, warning, note or a map {" + braced + "}";
    RuleSetting setting;
    if (node.kind == Node::Kind::String) {
      if (node.text == "off") {
        setting.off = true;
      } else if (const auto severity = severity_from_string(node.text)) {
        setting.severity = severity;
      } else {
        fail(node.line, key, "expected " + expected + ", found " + describe(node));
      }
      return setting;
    }
    if (node.kind != Node::Kind::Map) {
      fail(node.line, key, "expected " + expected + ", found " + describe(node));
    }
    if (node.entries.empty()) {
      fail(node.line, key, "expected " + join_or(keys) + ", found an empty map");
    }
    for (const Entry& entry : node.entries) {
      const std::string entry_key = child_key(key, entry.key);
      const Node& value = entry.value;
      if (entry.key == "severity") {
        const std::string text = word(value, entry_key, "off, error, warning or note");
        if (text == "off") {
          setting.off = true;
        } else if (const auto severity = severity_from_string(text)) {
          setting.severity = severity;
        } else {
          fail(value.line, entry_key, "expected off, error, warning or note, found " + describe(value));
        }
      } else if (const RuleOption* option = rule.option(entry.key)) {
        setting.options[std::string(option->name)] = option_value(value, entry_key, *option);
      } else {
        std::string owners;  // the rules that do take an option of this name
        for (const Rule* other : rule_registry()) {
          if (other->option(entry.key)) owners += (owners.empty() ? "" : ", ") + std::string(other->code());
        }
        if (!owners.empty()) {
          fail(entry.line, entry_key,
               entry.key + " is only accepted by " + owners + ", not by " + std::string(rule.code()));
        }
        unknown_key(entry, key, keys);
      }
    }
    return setting;
  }

  std::map<std::string, RuleSetting> rules(const Node& node, const std::string& key) const {
    expect_map(node, key, "a map of rule codes to settings");
    std::map<std::string, RuleSetting> result;
    std::map<std::string, int> lines;  // code → where it was set, to report case-folded duplicates
    for (const Entry& entry : node.entries) {
      const std::string entry_key = child_key(key, entry.key);
      const std::string code = rule_code(entry.key, entry.line, entry_key);
      if (const auto earlier = lines.find(code); earlier != lines.end()) {
        fail(entry.line, entry_key, code + " is already set at line " + std::to_string(earlier->second));
      }
      lines[code] = entry.line;
      result[code] = rule_setting(entry.value, entry_key, *find_rule(code));
    }
    return result;
  }

  std::map<DType, Tolerance> tolerances(const Node& node, const std::string& key) const {
    expect_map(node, key, "a map of target dtypes to {rtol, atol}");
    std::map<DType, Tolerance> result;
    std::map<DType, int> lines;  // aliases ("half", "float16") name the same dtype
    for (const Entry& entry : node.entries) {
      const std::string entry_key = child_key(key, entry.key);
      const DType type = dtype(entry.key, entry.line, entry_key);
      if (const auto earlier = lines.find(type); earlier != lines.end()) {
        fail(entry.line, entry_key,
             std::string(name(type)) + " is already set at line " + std::to_string(earlier->second));
      }
      lines[type] = entry.line;
      expect_map(entry.value, entry_key, "a map {rtol, atol}");
      Tolerance tolerance;
      for (const Entry& field : entry.value.entries) {
        const std::string field_key = child_key(entry_key, field.key);
        if (field.key == "rtol") {
          tolerance.rtol = number(field.value, field_key, HUGE_VAL, "a non-negative finite number");
        } else if (field.key == "atol") {
          tolerance.atol = number(field.value, field_key, HUGE_VAL, "a non-negative finite number");
        } else {
          unknown_key(field, entry_key, kToleranceKeys);
        }
      }
      result[type] = tolerance;
    }
    return result;
  }

  std::vector<PathOverride> per_path(const Node& node, const std::string& key) const {
    expect_list(node, key, "a list of {paths, targets, rules, tolerances} maps");
    std::vector<PathOverride> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      const std::string item_key = index_key(key, i);
      expect_map(item, item_key, "a map {paths, targets, rules, tolerances}");
      PathOverride entry_override;
      entry_override.line = item.line;
      bool has_paths = false;
      for (const Entry& entry : item.entries) {
        const std::string entry_key = child_key(item_key, entry.key);
        if (entry.key == "paths") {
          entry_override.paths = globs(entry.value, entry_key, true);
          if (entry_override.paths.empty()) {
            fail(entry.value.line, entry_key, "expected a glob or a list of globs, found an empty list");
          }
          has_paths = true;
        } else if (entry.key == "targets") {
          entry_override.settings.targets = targets(entry.value, entry_key);
        } else if (entry.key == "rules") {
          entry_override.settings.rules = rules(entry.value, entry_key);
        } else if (entry.key == "tolerances") {
          entry_override.settings.tolerances = tolerances(entry.value, entry_key);
        } else {
          unknown_key(entry, item_key, kPerPathKeys);
        }
      }
      if (!has_paths) {
        fail(item.line, child_key(item_key, "paths"), "missing required key (the globs it applies to)");
      }
      result.push_back(std::move(entry_override));
    }
    return result;
  }

  std::vector<Suppression> ignore(const Node& node, const std::string& key) const {
    expect_list(node, key, "a list of {path, member, rules, reason} maps");
    std::vector<Suppression> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      const std::string item_key = index_key(key, i);
      expect_map(item, item_key, "a map {path, member, rules, reason}");
      Suppression suppression;
      suppression.line = item.line;
      bool has_path = false, has_rules = false, has_reason = false;
      for (const Entry& entry : item.entries) {
        const std::string entry_key = child_key(item_key, entry.key);
        const Node& value = entry.value;
        if (entry.key == "path") {
          suppression.path = non_empty_text(value, entry_key, "a glob");
          has_path = true;
        } else if (entry.key == "member") {
          suppression.member = non_empty_text(value, entry_key, "a glob");
        } else if (entry.key == "rules") {
          suppression.rules = ignored_rules(value, entry_key);
          has_rules = true;
        } else if (entry.key == "reason") {
          suppression.reason = non_empty_text(value, entry_key, "a reason");
          has_reason = true;
        } else {
          unknown_key(entry, item_key, kIgnoreKeys);
        }
      }
      if (!has_path) {
        fail(item.line, child_key(item_key, "path"), "missing required key (a glob for the files)");
      }
      if (!has_rules) {
        fail(item.line, child_key(item_key, "rules"), "missing required key (the codes to ignore)");
      }
      if (!has_reason) {
        fail(item.line, child_key(item_key, "reason"),
             "missing required key (why the findings may be ignored)");
      }
      result.push_back(std::move(suppression));
    }
    return result;
  }

  // `rules: [DT101, DT104]` or `rules: DT101`; never empty, duplicates dropped.
  std::vector<std::string> ignored_rules(const Node& node, const std::string& key) const {
    std::vector<std::string> codes;
    const auto add = [&](const Node& item, const std::string& item_key) {
      const std::string code = rule_code(word(item, item_key, "a rule code"), item.line, item_key);
      if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
    };
    if (node.kind == Node::Kind::String) {
      add(node, key);
      return codes;
    }
    expect_list(node, key, "a rule code or a list of rule codes");
    if (node.items.empty()) {
      fail(node.line, key, "expected a rule code or a list of rule codes, found an empty list");
    }
    for (std::size_t i = 0; i < node.items.size(); ++i) add(node.items[i], index_key(key, i));
    return codes;
  }

  const std::string& file_;
};

// --------------------------------------------------------------- files

std::string read_text(const fs::path& file, const std::string& shown) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw ConfigError(shown, 0, "", "is a folder, not a configuration file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(shown, 0, "", "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(shown, 0, "", "cannot read the file");
  return text.str();
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

// ----------------------------------------------------------------- globs

// One code point of a path or glob; bytes that are not valid UTF-8 become
// 0xDC00 + byte (lone surrogates), which only match themselves, `?` and `*`.
std::vector<char32_t> decode_utf8(std::string_view text) {
  std::vector<char32_t> result;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xE  ? 3
                         : (byte >> 3) == 0x1E ? 4
                                               : 0;
    char32_t code = length == 1 ? byte : length == 2 ? byte & 0x1F : length == 3 ? byte & 0x0F : byte & 0x07;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    if (valid) {
      result.push_back(code);
      i += length;
    } else {
      result.push_back(0xDC00 + byte);
      ++i;
    }
  }
  return result;
}

// A glob segment compiled to single-character tokens and stars.
struct GlobToken {
  enum class Kind { Literal, Any, Star, Class } kind = Kind::Literal;
  char32_t literal = 0;
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // Class: inclusive ranges
  std::vector<int (*)(int)> classes;                  // Class: [:alpha:] and friends (ASCII)
};

bool token_matches(const GlobToken& token, char32_t c) {
  switch (token.kind) {
    case GlobToken::Kind::Literal: return c == token.literal;
    case GlobToken::Kind::Any: return true;
    case GlobToken::Kind::Star: return false;
    case GlobToken::Kind::Class: {
      bool in = false;
      for (const auto& [lo, hi] : token.ranges) in = in || (lo <= c && c <= hi);
      for (int (*test)(int) : token.classes) in = in || (c < 0x80 && test(static_cast<int>(c)) != 0);
      return in != token.negated;
    }
  }
  return false;
}

int (*posix_class(std::u32string_view name))(int) {
  static const std::pair<std::u32string_view, int (*)(int)> kClasses[] = {
      {U"alnum", [](int c) { return std::isalnum(c); }}, {U"alpha", [](int c) { return std::isalpha(c); }},
      {U"blank", [](int c) { return std::isblank(c); }}, {U"cntrl", [](int c) { return std::iscntrl(c); }},
      {U"digit", [](int c) { return std::isdigit(c); }}, {U"graph", [](int c) { return std::isgraph(c); }},
      {U"lower", [](int c) { return std::islower(c); }}, {U"print", [](int c) { return std::isprint(c); }},
      {U"punct", [](int c) { return std::ispunct(c); }}, {U"space", [](int c) { return std::isspace(c); }},
      {U"upper", [](int c) { return std::isupper(c); }}, {U"xdigit", [](int c) { return std::isxdigit(c); }},
  };
  for (const auto& [class_name, test] : kClasses) {
    if (class_name == name) return test;
  }
  return nullptr;
}

// Parses the bracket expression starting at glob[start] == '['. Returns the
// index after its ']', or 0 when it is not closed (the '[' is then literal).
std::size_t parse_class(const std::vector<char32_t>& glob, std::size_t start, GlobToken& token) {
  std::size_t i = start + 1;
  token.kind = GlobToken::Kind::Class;
  if (i < glob.size() && (glob[i] == '!' || glob[i] == '^')) {
    token.negated = true;
    ++i;
  }
  bool first = true;
  while (i < glob.size()) {
    char32_t c = glob[i];
    if (c == ']' && !first) return i + 1;
    first = false;
    if (c == '[' && i + 1 < glob.size() && glob[i + 1] == ':') {
      // [:name:]
      const std::u32string_view rest(glob.data() + i + 2, glob.size() - i - 2);
      const std::size_t close = rest.find(U":]");
      if (close != std::u32string_view::npos) {
        if (auto* test = posix_class(rest.substr(0, close))) {
          token.classes.push_back(test);
          i += 2 + close + 2;
          continue;
        }
      }
    }
    if (c == '\\' && i + 1 < glob.size()) c = glob[++i];
    char32_t hi = c;
    if (i + 2 < glob.size() && glob[i + 1] == '-' && glob[i + 2] != ']') {
      hi = glob[i + 2];
      i += 2;
      if (hi == '\\' && i + 1 < glob.size()) hi = glob[++i];
    }
    token.ranges.emplace_back(c, hi);
    ++i;
  }
  return 0;
}

std::vector<GlobToken> compile_segment(std::string_view segment) {
  const std::vector<char32_t> glob = decode_utf8(segment);
  std::vector<GlobToken> tokens;
  for (std::size_t i = 0; i < glob.size();) {
    GlobToken token;
    const char32_t c = glob[i];
    if (c == '*') {
      token.kind = GlobToken::Kind::Star;
      ++i;
      // "**" within a name is just "*"
      if (!tokens.empty() && tokens.back().kind == GlobToken::Kind::Star) continue;
    } else if (c == '?') {
      token.kind = GlobToken::Kind::Any;
      ++i;
    } else if (c == '[') {
      const std::size_t end = parse_class(glob, i, token);
      if (end != 0) {
        i = end;
      } else {
        token = GlobToken{};
        token.literal = '[';
        ++i;
      }
    } else if (c == '\\' && i + 1 < glob.size()) {
      token.literal = glob[i + 1];
      i += 2;
    } else {
      token.literal = c;
      ++i;
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// Matches one name against one compiled segment. Every token but `*` takes
// exactly one character, so resuming after the most recent `*` is enough:
// O(pattern × name) at worst, never exponential.
bool match_segment(const std::vector<GlobToken>& tokens, std::string_view name_text) {
  const std::vector<char32_t> name = decode_utf8(name_text);
  std::size_t t = 0, n = 0;
  std::size_t star = std::string::npos, star_n = 0;
  while (n < name.size()) {
    if (t < tokens.size() && tokens[t].kind == GlobToken::Kind::Star) {
      star = t++;
      star_n = n;
    } else if (t < tokens.size() && token_matches(tokens[t], name[n])) {
      ++t;
      ++n;
    } else if (star != std::string::npos) {
      t = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == GlobToken::Kind::Star) ++t;
  return t == tokens.size();
}

// Splits at '/', dropping empty segments ("a//b") and leading "./" ones.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (!segment.empty() && !(segment == "." && segments.empty())) segments.push_back(segment);
    start = end + 1;
  }
  return segments;
}

// --------------------------------------------------------------- render

std::string quote(std::string_view text) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::string_view rest = text.substr(i);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\t': out += "\\t"; continue;
      case '\r': out += "\\r"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else if (rest.starts_with("\xC2\x85")) {
      // YAML reads NEL, LS and PS as line breaks and drops a BOM: write them
      // as \u escapes (yaml-cpp 0.7 decodes "\N" to a lone byte).
      out += "\\u0085";
      i += 1;
    } else if (rest.starts_with("\xE2\x80\xA8") || rest.starts_with("\xE2\x80\xA9") ||
               rest.starts_with("\xEF\xBB\xBF")) {
      out += rest[1] == '\x80' ? (rest[2] == '\xA8' ? "\\u2028" : "\\u2029") : "\\uFEFF";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string render_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

std::string render_targets(const std::vector<DType>& targets) {
  std::vector<std::string> names;
  for (DType type : targets) names.emplace_back(name(type));
  return render_list(names);
}

// The settings keys, indented by `indent`; nothing for unset ones.
void render_settings(std::string& out, const Settings& settings, const std::string& indent) {
  if (settings.targets && !settings.targets->empty()) {
    out += indent + "targets: " + render_targets(*settings.targets) + "\n";
  }
  std::string rules;
  for (const auto& [code, setting] : settings.rules) {
    std::string severity;
    if (setting.off) {
      severity = "off";
    } else if (setting.severity) {
      severity = std::string(to_string(*setting.severity));
    }
    if (severity.empty() && setting.options.empty()) continue;  // an empty setting changes nothing
    rules += indent + "  " + code + ": ";
    if (setting.options.empty()) {
      rules += quote(severity) + "\n";
    } else {
      rules += "{";
      if (!severity.empty()) rules += "severity: " + quote(severity);
      for (const auto& [option, value] : setting.options) {
        if (rules.back() != '{') rules += ", ";
        rules += option + ": " + format_number(value);
      }
      rules += "}\n";
    }
  }
  if (!rules.empty()) out += indent + "rules:\n" + rules;
  if (!settings.tolerances.empty()) {
    out += indent + "tolerances:\n";
    for (const auto& [type, tolerance] : settings.tolerances) {
      std::vector<std::string> fields;
      if (tolerance.rtol) fields.push_back("rtol: " + format_number(*tolerance.rtol));
      if (tolerance.atol) fields.push_back("atol: " + format_number(*tolerance.atol));
      std::string joined;
      for (const std::string& field : fields) joined += (joined.empty() ? "" : ", ") + field;
      out += indent + "  " + std::string(name(type)) + ": {" + joined + "}\n";
    }
  }
}

}  // namespace

// -------------------------------------------------------------- the API

std::optional<DType> target_dtype(std::string_view name) {
  const std::optional<DType> type = dtype_from_name(name);
  if (!type || !(is_integer(*type) || is_float(*type)) || *type == DType::LongDouble) return std::nullopt;
  return type;
}

bool is_config_file_name(std::string_view file_name) {
  return file_name == ".dtlint.yaml" || file_name == ".dtlint.yml" || file_name == ".dtlint.toml" ||
         file_name == "pyproject.toml";
}

Config load_config(const fs::path& file) {
  const std::string shown = file.string();
  const std::string file_name = file.filename().string();
  const std::string text = read_text(file, shown);

  Node root;
  if (file_name == "pyproject.toml") {
    const toml::table document = parse_toml(text, shown);
    const toml::node* tool = document.get("tool");
    const toml::node* table = tool && tool->is_table() ? tool->as_table()->get("dtlint") : nullptr;
    if (!table) throw ConfigError(shown, 1, "tool.dtlint", "no [tool.dtlint] table");
    if (!table->is_table()) {
      Node found = convert_toml(*table, 1);
      throw ConfigError(shown, found.line, "tool.dtlint", "expected a table, found " + describe(found));
    }
    root = convert_toml(*table, 1);
  } else if (ends_with_ci(file_name, ".toml")) {
    root = convert_toml(parse_toml(text, shown), 1);
    root.line = 1;
  } else if (ends_with_ci(file_name, ".yaml") || ends_with_ci(file_name, ".yml")) {
    root = parse_yaml(text, shown);
  } else {
    throw ConfigError(shown, 0, "", "unknown configuration format (expected a .yaml, .yml or .toml file)");
  }

  Config config;
  config.file = shown;
  config.root = fs::absolute(file).lexically_normal().parent_path();
  Validator(shown).top_level(root, config);
  return config;
}

std::optional<fs::path> find_config(const fs::path& start) {
  std::error_code ec;
  fs::path folder = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  if (!folder.has_filename()) folder = folder.parent_path();  // "/a/b/" → "/a/b"
  if (!fs::is_directory(folder, ec)) folder = folder.parent_path();

  while (true) {
    for (const char* name : {".dtlint.yaml", ".dtlint.yml", ".dtlint.toml"}) {
      const fs::path candidate = folder / name;
      if (fs::is_regular_file(candidate, ec)) return candidate;
    }
    const fs::path pyproject = folder / "pyproject.toml";
    if (fs::is_regular_file(pyproject, ec)) {
      std::ifstream in(pyproject, std::ios::binary);
      std::ostringstream stream;
      stream << in.rdbuf();
      const std::string text = stream.str();
      // A broken pyproject.toml (or one nested too deeply to parse) that seems to
      // configure dtlint is returned so that load_config reports the error; any
      // other is not ours.
      const bool mentions_dtlint = text.find("tool.dtlint") != std::string::npos;
      if (toml_too_deep(text) != 0) {
        if (mentions_dtlint) return pyproject;
      } else {
        try {
          const toml::table document = toml::parse(text, std::string_view(pyproject.native()));
          if (document.at_path("tool.dtlint")) return pyproject;
        } catch (const toml::parse_error&) {
          if (mentions_dtlint) return pyproject;
        }
      }
    }
    if (folder == folder.root_path() || !folder.has_relative_path()) return std::nullopt;
    folder = folder.parent_path();
  }
}

std::string render_config(const Config& config) {
  std::string out = "# dtlint configuration (effective)\n";
  if (config.semantics) out += "semantics: " + quote(to_string(*config.semantics)) + "\n";
  if (config.fail_on) out += "fail_on: " + quote(*config.fail_on) + "\n";
  if (config.settings.targets && !config.settings.targets->empty()) {
    out += "targets: " + render_targets(*config.settings.targets) + "\n";
  }
  if (!config.exclude.empty()) out += "exclude: " + render_list(config.exclude) + "\n";
  Settings rest = config.settings;  // targets were written above, in their fixed place
  rest.targets.reset();
  render_settings(out, rest, "");
  if (!config.per_path.empty()) {
    out += "per_path:\n";
    for (const PathOverride& entry : config.per_path) {
      out += "  - paths: " + render_list(entry.paths) + "\n";
      render_settings(out, entry.settings, "    ");
    }
  }
  if (!config.ignore.empty()) {
    out += "ignore:\n";
    for (const Suppression& suppression : config.ignore) {
      out += "  - path: " + quote(suppression.path) + "\n";
      if (suppression.member) out += "    member: " + quote(*suppression.member) + "\n";
      out += "    rules: " + render_list(suppression.rules) + "\n";
      out += "    reason: " + quote(suppression.reason) + "\n";
    }
  }
  return out;
}

Settings settings_for(const Config& config, const std::string& relative_path) {
  Settings settings = config.settings;
  for (const PathOverride& entry : config.per_path) {
    const bool applies = std::any_of(entry.paths.begin(), entry.paths.end(), [&](const std::string& glob) {
      return glob_match(glob, relative_path);
    });
    if (!applies) continue;
    if (entry.settings.targets) settings.targets = entry.settings.targets;
    for (const auto& [code, setting] : entry.settings.rules) settings.rules[code] = setting;
    for (const auto& [type, tolerance] : entry.settings.tolerances) {
      Tolerance& merged = settings.tolerances[type];
      if (tolerance.rtol) merged.rtol = tolerance.rtol;
      if (tolerance.atol) merged.atol = tolerance.atol;
    }
  }
  return settings;
}

bool glob_match(std::string_view glob, std::string_view path) {
  // A leading '/' anchors the glob at the root; a trailing one means
  // "everything below" ("build/" is "build/**").
  bool anchored = false;
  while (glob.starts_with("./")) glob.remove_prefix(2);
  if (glob.starts_with('/')) {
    anchored = true;
    while (glob.starts_with('/')) glob.remove_prefix(1);
  }
  std::vector<std::string_view> glob_segments = split_path(glob);
  if (glob.ends_with('/') && !glob_segments.empty()) glob_segments.push_back("**");
  const std::vector<std::string_view> path_segments = split_path(path);
  if (glob_segments.empty()) return false;

  std::vector<std::vector<GlobToken>> compiled;
  for (std::string_view segment : glob_segments) compiled.push_back(compile_segment(segment));

  // Without any '/', a glob names a file or folder anywhere, like in
  // .gitignore: it is matched against the last segment. (Matching it against
  // the whole path as well adds nothing: `*` cannot cross a '/'.)
  if (!anchored && glob.find('/') == std::string_view::npos && !path_segments.empty()) {
    return glob_segments.size() == 1 && match_segment(compiled[0], path_segments.back());
  }

  // matched[g][p]: glob segments g.. match path segments p.. Filled from the
  // end, so every pair is decided once: O(globs × paths) segment matches.
  const std::size_t g_count = glob_segments.size(), p_count = path_segments.size();
  std::vector<std::vector<char>> matched(g_count + 1, std::vector<char>(p_count + 1, 0));
  matched[g_count][p_count] = 1;
  for (std::size_t g = g_count; g-- > 0;) {
    const bool any_depth = glob_segments[g] == "**";
    for (std::size_t p = p_count + 1; p-- > 0;) {
      if (any_depth) {  // zero segments, or one more and still here
        matched[g][p] = matched[g + 1][p] || (p < p_count && matched[g][p + 1]);
      } else {
        matched[g][p] = p < p_count && matched[g + 1][p + 1] && match_segment(compiled[g], path_segments[p]);
      }
    }
  }
  return matched[0][0] != 0;
}

}  // namespace dtlint
