// The TOML front end (document/document.h) over toml++ 3, used header-only.
// This is the one file that includes toml++ (see CMakeLists.txt on UBSan).
#include <toml++/toml.h>

#include <algorithm>
#include <climits>
#include <sstream>
#include <utility>
#include <vector>

#include "document/document.h"

namespace dtlint::document {
namespace {

int clamp_int(std::uint32_t value) {
  return value > static_cast<std::uint32_t>(INT_MAX) ? INT_MAX : static_cast<int>(value);
}

// toml++ counts lines and columns (in code points) from 1; 0 when a node has no source.
Position toml_position(const toml::source_region& source, Position fallback) {
  if (source.begin.line == 0) return fallback;
  return {clamp_int(source.begin.line), clamp_int(source.begin.column)};
}

Node convert_toml(const toml::node& toml_node, Position fallback) {
  Node node;
  node.position = toml_position(toml_node.source(), fallback);
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
        entry.position = toml_position(key->source(), toml_position(value->source(), node.position));
        entry.value = convert_toml(*value, entry.position);
        node.entries.push_back(std::move(entry));
      }
      return node;
    }
    case toml::node_type::array:
      node.kind = Node::Kind::List;
      for (const toml::node& item : *toml_node.as_array()) {
        node.items.push_back(convert_toml(item, node.position));
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

// The line where the text first nests deeper than kMaxDepth; 0 if it never does.
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
    if (depth > kMaxDepth) return line;
  }
  return 0;
}

}  // namespace

Node parse_toml(std::string_view text, const std::string& file) {
  if (const int line = toml_too_deep(text)) {
    throw DocumentError(file, {line, 0}, "",
                        "TOML nested more than " + std::to_string(kMaxDepth) +
                            " levels deep (tables, dotted keys, arrays and inline tables)");
  }
  toml::table table;
  try {
    table = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& error) {
    throw DocumentError(file, toml_position(error.source(), {}), "",
                        "TOML syntax error: " + std::string(error.description()));
  }
  Node root = convert_toml(table, {1, 1});
  root.position = {1, 1};
  return root;
}

}  // namespace dtlint::document
