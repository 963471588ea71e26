#include "reports/rule_docs.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

namespace dtlint {
namespace {

constexpr std::string_view kFooter =
    "Generated from the rule registry (`rules/checks/`) by `dtlint rules --markdown docs/rules`; edit "
    "the rule's file, not this one.";

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return lines;
    start = end + 1;
  }
}

std::size_t indentation(std::string_view line) {
  const std::size_t first = line.find_first_not_of(' ');
  return first == std::string_view::npos ? line.size() : first;
}

bool is_blank(std::string_view line) {
  return indentation(line) == line.size();
}

// The length of the backtick code span that starts at text[at], or 0 when its
// opening run of backticks is never closed by a run of the same length.
std::size_t code_span_length(std::string_view text, std::size_t at) {
  const auto run_end = [&](std::size_t from) {
    while (from < text.size() && text[from] == '`') ++from;
    return from;
  };
  const std::size_t opening = run_end(at) - at;
  for (std::size_t i = at + opening; i < text.size();) {
    if (text[i] != '`') {
      ++i;
      continue;
    }
    const std::size_t end = run_end(i);
    if (end - i == opening) return end - at;
    i = end;
  }
  return 0;
}

// At the start of a line, a character that would open a heading, block quote,
// list item or rule (`# `, `>`, `- `, `1. `, `---`, `===`) is escaped. Returns
// the position after what was copied.
std::size_t copy_line_start(std::string_view text, std::size_t at, std::string& out) {
  while (at < text.size() && text[at] == ' ') out += text[at++];
  const std::string_view line = text.substr(at, text.find('\n', at) - at);
  if (line.empty()) return at;
  const char c = line.front();
  const auto marker_ends_at = [&line](std::size_t i) { return i == line.size() || line[i] == ' '; };
  const bool only_c = line.find_first_not_of(std::string{c, ' '}) == std::string_view::npos;
  const std::size_t hashes = std::min(line.find_first_not_of('#'), line.size());
  const bool block_marker = c == '>' || (c == '#' && hashes <= 6 && marker_ends_at(hashes)) ||
                            ((c == '-' || c == '+' || c == '*') && marker_ends_at(1)) ||
                            ((c == '-' || c == '=' || c == '*') && only_c);
  if (block_marker) {
    out += '\\';
    out += c;
    return at + 1;
  }
  const std::size_t digits = std::min(line.find_first_not_of("0123456789"), line.size());
  if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')') &&
      marker_ends_at(digits + 1)) {
    out += line.substr(0, digits);
    out += '\\';
    out += line[digits];
    return at + digits + 1;
  }
  return at;
}

// Whether text[at], outside a code span, would be read as Markdown markup.
bool needs_escape(std::string_view text, std::size_t at, bool table_cell) {
  const char previous = at > 0 ? text[at - 1] : ' ';
  const char next = at + 1 < text.size() ? text[at + 1] : ' ';
  switch (text[at]) {
    case '\\':
    case '*':
    case '~': return true;
    case '|': return table_cell;
    case '<':
      return std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!' || next == '?';
    case '&': return std::isalpha(static_cast<unsigned char>(next)) || next == '#';
    // Underscores inside a word (float8_e5m2, mixed_float16) never emphasise.
    case '_': return !is_ascii_alnum(previous) || !is_ascii_alnum(next);
    default: return false;
  }
}

// Catalogue prose as Markdown that renders as written: code spans are kept,
// markup characters outside them are escaped. In a table cell, line breaks
// become spaces and `|` is escaped everywhere.
std::string escape_prose(std::string_view text, bool table_cell = false) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < text.size();) {
    if (line_start && !table_cell) {
      i = copy_line_start(text, i, out);
      if (i == text.size()) break;
    }
    line_start = false;
    const char c = text[i];
    if (c == '\n') {
      out += table_cell ? ' ' : '\n';
      line_start = true;
      ++i;
    } else if (c == '`') {
      const std::size_t span = code_span_length(text, i);
      if (span == 0) {  // an unclosed run of backticks is literal text
        for (; i < text.size() && text[i] == '`'; ++i) out += "\\`";
        continue;
      }
      for (const char d : text.substr(i, span)) {
        if (table_cell && d == '|') out += '\\';
        out += (table_cell && d == '\n') ? ' ' : d;
      }
      i += span;
    } else {
      if (needs_escape(text, i, table_cell)) out += '\\';
      out += c;
      ++i;
    }
  }
  return out;
}

// C and C++: a statement ending in ';', possibly followed by a // comment.
bool is_cpp_statement(std::string_view line) {
  line = line.substr(0, line.find("//"));
  const std::size_t last = line.find_last_not_of(' ');
  return last != std::string_view::npos && line[last] == ';';
}

// "key:" alone on its line, as a YAML mapping that opens a block; with
// `with_value`, also "key: value" and "- key: value".
bool is_yaml_key(std::string_view line, bool with_value) {
  line = line.substr(indentation(line));
  if (with_value && line.starts_with("- ")) line.remove_prefix(2);
  std::size_t i = 0;
  while (i < line.size() && (is_ascii_alnum(line[i]) || line[i] == '_' || line[i] == '-' || line[i] == '.'))
    ++i;
  if (i == 0 || i == line.size() || line[i] != ':') return false;
  return i + 1 == line.size() || (with_value && line[i + 1] == ' ');
}

// A Python interpreter's or a shell's prompt.
bool is_prompt(std::string_view line) {
  return line.starts_with(">>> ") || line.starts_with("$ ");
}

// Whether an example paragraph whose first line is `line` is code, a command
// or output rather than prose: an interpreter or shell prompt, a comment, a
// C++ statement, a YAML block, or columns aligned with runs of spaces.
bool looks_like_code(std::string_view line) {
  if (is_prompt(line) || line.starts_with("#")) return true;
  if (is_cpp_statement(line) || is_yaml_key(line, false)) return true;
  const std::size_t text_start = indentation(line);
  return line.find("  ", text_start) != std::string_view::npos;
}

std::string_view code_language(const std::vector<std::string_view>& lines) {
  if (lines.front().starts_with(">>> ")) return "pycon";
  if (lines.front().starts_with("$ ")) return "console";
  if (std::any_of(lines.begin(), lines.end(), is_cpp_statement)) return "cpp";
  if (lines.front().starts_with("#") || is_yaml_key(lines.front(), true)) return "yaml";
  return "text";
}

// A fenced code block of `lines`, their common indentation removed; the fence
// is longer than any run of backticks inside.
std::string fenced(const std::vector<std::string_view>& lines) {
  std::size_t indent = std::string_view::npos;
  std::size_t longest_run = 0;
  for (const std::string_view line : lines) {
    if (!is_blank(line)) indent = std::min(indent, indentation(line));
    std::size_t run = 0;
    for (const char c : line) {
      run = c == '`' ? run + 1 : 0;
      longest_run = std::max(longest_run, run);
    }
  }
  const std::string fence(std::max<std::size_t>(3, longest_run + 1), '`');
  std::string out = fence + std::string(code_language(lines)) + "\n";
  for (const std::string_view line : lines) {
    out += line.substr(std::min(indent, line.size()));
    out += '\n';
  }
  return out + fence;
}

std::string joined(const std::vector<std::string_view>& lines) {
  std::string text;
  for (const std::string_view line : lines) text += std::string(text.empty() ? "" : "\n") + std::string(line);
  return text;
}

// The example, paragraph by paragraph: a paragraph that looks like code is
// fenced, prose is escaped, and lines indented by four or more spaces inside
// prose (a config snippet in a sentence) are fenced on their own. A session
// that follows a file's contents (a config, then `$ dtlint scan`) gets a block
// of its own.
std::string render_example(std::string_view text) {
  std::vector<std::string> parts;
  std::vector<std::string_view> run;
  bool run_is_code = false;
  const auto flush = [&] {
    if (!run.empty()) parts.push_back(run_is_code ? fenced(run) : escape_prose(joined(run)));
    run.clear();
  };
  bool paragraph_start = true;
  bool paragraph_is_code = false;
  for (const std::string_view line : split_lines(text)) {
    if (is_blank(line)) {
      flush();
      paragraph_start = true;
      continue;
    }
    if (paragraph_start) paragraph_is_code = looks_like_code(line);
    paragraph_start = false;
    const bool code = paragraph_is_code || indentation(line) >= 4;
    const bool session_starts =
        code && run_is_code && !run.empty() && is_prompt(line) && !is_prompt(run.front());
    if (code != run_is_code || session_starts) flush();
    run_is_code = code;
    run.push_back(line);
  }
  flush();
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "\n\n") + part;
  return out;
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  errno = 0;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    const std::string reason = errno != 0 ? std::string(": ") + std::strerror(errno) : "";
    throw std::runtime_error("cannot write '" + file.string() + "'" + reason);
  }
}

}  // namespace

std::string render_rule_body_markdown(const Rule& rule) {
  std::string page = "# " + std::string(rule.code()) + ": " + std::string(rule.name()) + "\n\n";
  page += "Default severity: `" + std::string(to_string(rule.default_severity())) + "`\n\n";
  page += escape_prose(rule.doc().summary) + "\n";
  const auto section = [&page](std::string_view title, const std::string& body) {
    page += "\n## " + std::string(title) + "\n\n" + body + "\n";
  };
  section("What it does", escape_prose(rule.doc().what));
  section("Why is this bad", escape_prose(rule.doc().why));
  section("Example", render_example(rule.doc().example));
  section("How to fix", escape_prose(rule.doc().fix));
  section("Options", escape_prose(rule_options_text(rule)));
  return page;
}

std::string render_rule_markdown(const Rule& rule) {
  return render_rule_body_markdown(rule) + "\n---\n\n" + std::string(kFooter) + " [All rules](README.md)\n";
}

std::string render_rule_index_markdown() {
  std::string page =
      "# dtlint rules\n\n"
      "Every rule dtlint reports, in code order. A default severity is a SARIF level (`error`,\n"
      "`warning` or `note`); configuration can change it or turn the rule off, and `--fail-on`\n"
      "decides which levels fail the run. `dtlint explain CODE` prints a rule's page in the terminal.\n\n"
      "| Code | Name | Default severity | Summary |\n"
      "|---|---|---|---|\n";
  for (const Rule* rule_in_registry : rule_registry()) {
    const Rule& rule = *rule_in_registry;
    const std::string code(rule.code());
    page += "| [" + code + "](" + code + ".md) | " + escape_prose(rule.name(), true) + " | `" +
            std::string(to_string(rule.default_severity())) + "` | " +
            escape_prose(rule.doc().summary, true) + " |\n";
  }
  page += "\n---\n\n" + std::string(kFooter) + "\n";
  return page;
}

void write_rule_docs(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (!error && !std::filesystem::is_directory(folder, error)) {
    error = std::make_error_code(std::errc::not_a_directory);
  }
  if (error)
    throw std::runtime_error("cannot create the folder '" + folder.string() + "': " + error.message());
  write_file(folder / "README.md", render_rule_index_markdown());
  for (const Rule* rule_in_registry : rule_registry()) {
    const Rule& rule = *rule_in_registry;
    write_file(folder / (std::string(rule.code()) + ".md"), render_rule_markdown(rule));
  }
}

}  // namespace dtlint
