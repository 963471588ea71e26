// Loading, validating and rendering dtlint's configuration (rules/config.h).
//
// YAML and TOML are parsed by the document library into one tree that keeps
// every key's and value's position; one validator then walks that tree, so
// both spellings accept the same keys and report the same errors, at the same
// key paths.
#include "rules/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>

#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "document/document.h"
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

using document::child_key;
using document::Entry;
using document::index_key;
using document::Node;

// The shortest decimal text that reads back as exactly `value`.
std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
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

std::string join(std::span<const std::string_view> words, std::string_view last_separator = ", ") {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += i + 1 == words.size() ? last_separator : ", ";
    text += words[i];
  }
  return text;
}

std::string braced(std::span<const std::string_view> words) {
  return "{" + join(words) + "}";
}

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

// The configuration's keys, each spelled once here, and for each kind of map
// the table of keys it accepts, in the order "unknown key (expected one of:
// ...)" lists them. The validator accepts a key only through its map's table;
// rendering writes the same names.
namespace keys {
constexpr std::string_view kTargets = "targets", kSemantics = "semantics", kFailOn = "fail_on",
                           kExclude = "exclude", kRules = "rules", kTolerances = "tolerances",
                           kPerPath = "per_path", kIgnore = "ignore", kPaths = "paths", kPath = "path",
                           kMember = "member", kReason = "reason", kRtol = "rtol", kAtol = "atol",
                           kSeverity = "severity", kMaxFileSize = "max_file_size", kPipeline = "pipeline",
                           kFp8Scale = "fp8_scale", kSource = "source", kCast = "cast",
                           kExpectDtype = "expect_dtype", kName = "name";
}  // namespace keys

constexpr std::array kTopLevelKeys{keys::kTargets,     keys::kSemantics, keys::kFailOn,  keys::kExclude,
                                   keys::kMaxFileSize, keys::kFp8Scale,  keys::kRules,   keys::kTolerances,
                                   keys::kPerPath,     keys::kIgnore,    keys::kPipeline};
constexpr std::array kPerPathKeys{keys::kPaths, keys::kTargets, keys::kRules, keys::kTolerances};
constexpr std::array kIgnoreKeys{keys::kPath, keys::kMember, keys::kRules, keys::kReason};
constexpr std::array kToleranceKeys{keys::kRtol, keys::kAtol};
constexpr std::array kPipelineKeys{keys::kName, keys::kSource, keys::kCast,       keys::kSemantics,
                                   keys::kRtol, keys::kAtol,   keys::kExpectDtype};
// A rule's map: its severity, then the options the rule declares (Rule::options()).
std::vector<std::string_view> rule_setting_keys(const Rule& rule) {
  std::vector<std::string_view> result{keys::kSeverity};
  for (const RuleOption& option : rule.options()) result.push_back(option.name);
  return result;
}

class Validator {
 public:
  explicit Validator(const std::string& file) : file_(file) {}

  void top_level(const Node& root, Config& config) const {
    if (root.kind != Node::Kind::Map) {
      fail(root.position.line, "", "expected a map of settings at the top level, found " + describe(root));
    }
    for (const Entry& entry : root.entries) {
      const std::string& key = entry.key;
      const Node& value = entry.value;
      expect_known(entry, "", kTopLevelKeys);
      if (key == keys::kTargets) {
        config.settings.targets = targets(value, key);
      } else if (key == keys::kSemantics) {
        const std::string text = word(value, key, "numpy, tensorflow or torch");
        config.semantics = semantics_from_string(text);
        if (!config.semantics) {
          fail(value.position.line, key,
               "expected numpy, tensorflow or torch, found " + describe(value) + semantics_suggestion(text));
        }
      } else if (key == keys::kFailOn) {
        const std::string text = word(value, key, "error, warning, note or never");
        if (text != "never" && !severity_from_string(text)) {
          fail(value.position.line, key, "expected error, warning, note or never, found " + describe(value));
        }
        config.fail_on = text;
      } else if (key == keys::kExclude) {
        config.exclude = globs(value, key, false);
      } else if (key == keys::kMaxFileSize) {
        config.max_file_size = byte_size(value, key);
      } else if (key == keys::kFp8Scale) {
        const std::string text = word(value, key, "auto or none");
        if (!fp8_scale_valid(text))
          fail(value.position.line, key, "expected auto or none, found " + describe(value));
        config.fp8_scale = text;
      } else if (key == keys::kRules) {
        config.settings.rules = rules(value, key);
      } else if (key == keys::kTolerances) {
        config.settings.tolerances = tolerances(value, key);
      } else if (key == keys::kPerPath) {
        config.per_path = per_path(value, key);
      } else if (key == keys::kIgnore) {
        config.ignore = ignore(value, key);
      } else if (key == keys::kPipeline) {
        config.pipeline = pipeline(value, key);
      }
    }
  }

 private:
  [[noreturn]] void fail(int line, const std::string& key, const std::string& reason) const {
    throw ConfigError(file_, line, key, reason);
  }

  // Every key of a map passes through here: the map's table is what it accepts.
  void expect_known(const Entry& entry, const std::string& parent,
                    std::span<const std::string_view> allowed) const {
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) return;
    fail(entry.position.line, child_key(parent, entry.key),
         "unknown key (expected one of: " + join(allowed) + ")");
  }

  void expect_map(const Node& node, const std::string& key, const std::string& what) const {
    if (node.kind != Node::Kind::Map)
      fail(node.position.line, key, "expected " + what + ", found " + describe(node));
  }

  void expect_list(const Node& node, const std::string& key, const std::string& what) const {
    if (node.kind != Node::Kind::List)
      fail(node.position.line, key, "expected " + what + ", found " + describe(node));
  }

  // A string value; `expected` says what the key takes, for the message.
  std::string word(const Node& node, const std::string& key, const std::string& expected) const {
    if (node.kind != Node::Kind::String) {
      fail(node.position.line, key, "expected " + expected + ", found " + describe(node));
    }
    return node.text;
  }

  std::string non_empty_text(const Node& node, const std::string& key, const std::string& expected) const {
    std::string text = word(node, key, expected);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      fail(node.position.line, key, "expected " + expected + ", found an empty text");
    }
    return text;
  }

  // A non-negative finite number, at most `max`.
  double number(const Node& node, const std::string& key, double max, const std::string& expected) const {
    double value = 0;
    if (node.kind == Node::Kind::Integer) {
      value = static_cast<double>(node.integer);
    } else if (node.kind == Node::Kind::Float) {
      value = node.number;
    } else {
      fail(node.position.line, key, "expected " + expected + ", found " + describe(node));
    }
    if (!std::isfinite(value) || value < 0 || value > max) {
      fail(node.position.line, key, "expected " + expected + ", found " + describe(node));
    }
    // -0.0 passes the check above; kept, it would render as "-0", which reads
    // back as the integer 0 (found by fuzz_config's round trip).
    return value == 0 ? 0.0 : value;
  }

  // A number of bytes: a non-negative integer, or a text such as "10G" (parse_byte_size).
  std::uint64_t byte_size(const Node& node, const std::string& key) const {
    constexpr std::string_view kExpected = "a size in bytes such as 1048576, \"500M\" or \"10G\"";
    if (node.kind == Node::Kind::Integer && node.integer >= 0)
      return static_cast<std::uint64_t>(node.integer);
    if (node.kind == Node::Kind::String) {
      if (const std::optional<std::uint64_t> bytes = parse_byte_size(node.text)) return *bytes;
    }
    fail(node.position.line, key, "expected " + std::string(kExpected) + ", found " + describe(node));
  }

  DType dtype(const std::string& name, int line, const std::string& key) const {
    const std::optional<DType> type = target_dtype(name);
    if (!type) fail(line, key, target_dtype_problem(name));
    return *type;
  }

  // A non-empty list of target dtypes, duplicates dropped (as on the command line).
  std::vector<DType> targets(const Node& node, const std::string& key) const {
    expect_list(node, key, "a list of dtype names");
    if (node.items.empty())
      fail(node.position.line, key, "expected a list of dtype names, found an empty list");
    std::vector<DType> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      const std::string item_key = index_key(key, i);
      const DType type = dtype(word(item, item_key, "a dtype name"), item.position.line, item_key);
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

  // A rule code as written in the file, checked against the registry; upper-case.
  std::string rule_code(const std::string& written, int line, const std::string& key) const {
    const Rule* rule = find_rule(written);
    std::string code = upper(written);
    if (rule && rule->code() == code) return code;
    if (rule) fail(line, key, "'" + written + "' is a rule name; use its code " + std::string(rule->code()));
    fail(line, key,
         "unknown rule code '" + written + "'" + rule_suggestion(written) + " (`dtlint rules` lists them)");
  }

  RuleSetting rule_setting(const Node& node, const std::string& key, const Rule& rule) const {
    const std::vector<std::string_view> rule_keys = rule_setting_keys(rule);
    const std::string kExpected = "off, error, warning, note or a map " + braced(rule_keys);
    RuleSetting setting;
    if (node.kind == Node::Kind::String) {
      if (node.text == "off") {
        setting.off = true;
      } else if (const auto severity = severity_from_string(node.text)) {
        setting.severity = severity;
      } else {
        fail(node.position.line, key, "expected " + kExpected + ", found " + describe(node));
      }
      return setting;
    }
    if (node.kind != Node::Kind::Map) {
      fail(node.position.line, key, "expected " + kExpected + ", found " + describe(node));
    }
    if (node.entries.empty()) {
      fail(node.position.line, key, "expected " + join(rule_keys, " or ") + ", found an empty map");
    }
    for (const Entry& entry : node.entries) {
      const std::string entry_key = child_key(key, entry.key);
      const Node& value = entry.value;
      if (entry.key == keys::kSeverity) {
        const std::string text = word(value, entry_key, "off, error, warning or note");
        if (text == "off") {
          setting.off = true;
        } else if (const auto severity = severity_from_string(text)) {
          setting.severity = severity;
        } else {
          fail(value.position.line, entry_key,
               "expected off, error, warning or note, found " + describe(value));
        }
      } else {
        rule_option(entry, key, rule, setting);
      }
    }
    return setting;
  }

  // One option of one rule (any key of a rule's map but `severity`; `parent`
  // names the map), checked against the options the rule declares.
  void rule_option(const Entry& entry, const std::string& parent, const Rule& rule,
                   RuleSetting& setting) const {
    const std::string entry_key = child_key(parent, entry.key);
    if (const RuleOption* option = rule.option(entry.key)) {
      const std::string expected =
          "a number from " + format_number(option->min) + " to " + format_number(option->max);
      const double value = number(entry.value, entry_key, option->max, expected);
      if (value < option->min)
        fail(entry.value.position.line, entry_key,
             "expected " + expected + ", found " + describe(entry.value));
      setting.options[std::string(option->name)] = value;
      return;
    }
    std::string owners;  // the rules that do take an option of this name
    for (const Rule* other : rule_registry()) {
      if (other->option(entry.key)) owners += (owners.empty() ? "" : ", ") + std::string(other->code());
    }
    if (!owners.empty()) {
      fail(entry.position.line, entry_key,
           entry.key + " is only accepted by " + owners + ", not by " + std::string(rule.code()));
    }
    expect_known(entry, parent, rule_setting_keys(rule));
  }

  std::map<std::string, RuleSetting> rules(const Node& node, const std::string& key) const {
    expect_map(node, key, "a map of rule codes to settings");
    std::map<std::string, RuleSetting> result;
    std::map<std::string, int> lines;  // code → where it was set, to report case-folded duplicates
    for (const Entry& entry : node.entries) {
      const std::string entry_key = child_key(key, entry.key);
      const std::string code = rule_code(entry.key, entry.position.line, entry_key);
      if (const auto earlier = lines.find(code); earlier != lines.end()) {
        fail(entry.position.line, entry_key,
             code + " is already set at line " + std::to_string(earlier->second));
      }
      lines[code] = entry.position.line;
      result[code] = rule_setting(entry.value, entry_key, *find_rule(code));
    }
    return result;
  }

  std::map<DType, Tolerance> tolerances(const Node& node, const std::string& key) const {
    expect_map(node, key, "a map of target dtypes to " + braced(kToleranceKeys));
    std::map<DType, Tolerance> result;
    std::map<DType, int> lines;  // aliases ("half", "float16") name the same dtype
    for (const Entry& entry : node.entries) {
      const std::string entry_key = child_key(key, entry.key);
      const DType type = dtype(entry.key, entry.position.line, entry_key);
      if (const auto earlier = lines.find(type); earlier != lines.end()) {
        fail(entry.position.line, entry_key,
             std::string(name(type)) + " is already set at line " + std::to_string(earlier->second));
      }
      lines[type] = entry.position.line;
      expect_map(entry.value, entry_key, "a map " + braced(kToleranceKeys));
      Tolerance tolerance;
      for (const Entry& field : entry.value.entries) {
        const std::string field_key = child_key(entry_key, field.key);
        expect_known(field, entry_key, kToleranceKeys);
        if (field.key == keys::kRtol) {
          tolerance.rtol = number(field.value, field_key, HUGE_VAL, "a non-negative finite number");
        } else if (field.key == keys::kAtol) {
          tolerance.atol = number(field.value, field_key, HUGE_VAL, "a non-negative finite number");
        }
      }
      result[type] = tolerance;
    }
    return result;
  }

  std::vector<PathOverride> per_path(const Node& node, const std::string& key) const {
    expect_list(node, key, "a list of " + braced(kPerPathKeys) + " maps");
    std::vector<PathOverride> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      const std::string item_key = index_key(key, i);
      expect_map(item, item_key, "a map " + braced(kPerPathKeys));
      PathOverride entry_override;
      entry_override.line = item.position.line;
      bool has_paths = false;
      for (const Entry& entry : item.entries) {
        const std::string entry_key = child_key(item_key, entry.key);
        expect_known(entry, item_key, kPerPathKeys);
        if (entry.key == keys::kPaths) {
          entry_override.paths = globs(entry.value, entry_key, true);
          if (entry_override.paths.empty()) {
            fail(entry.value.position.line, entry_key,
                 "expected a glob or a list of globs, found an empty list");
          }
          has_paths = true;
        } else if (entry.key == keys::kTargets) {
          entry_override.settings.targets = targets(entry.value, entry_key);
        } else if (entry.key == keys::kRules) {
          entry_override.settings.rules = rules(entry.value, entry_key);
        } else if (entry.key == keys::kTolerances) {
          entry_override.settings.tolerances = tolerances(entry.value, entry_key);
        }
      }
      if (!has_paths) {
        fail(item.position.line, child_key(item_key, keys::kPaths),
             "missing required key (the globs it applies to)");
      }
      result.push_back(std::move(entry_override));
    }
    return result;
  }

  std::vector<Suppression> ignore(const Node& node, const std::string& key) const {
    expect_list(node, key, "a list of " + braced(kIgnoreKeys) + " maps");
    std::vector<Suppression> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      const std::string item_key = index_key(key, i);
      expect_map(item, item_key, "a map " + braced(kIgnoreKeys));
      Suppression suppression;
      suppression.line = item.position.line;
      bool has_path = false, has_rules = false, has_reason = false;
      for (const Entry& entry : item.entries) {
        const std::string entry_key = child_key(item_key, entry.key);
        const Node& value = entry.value;
        expect_known(entry, item_key, kIgnoreKeys);
        if (entry.key == keys::kPath) {
          suppression.path = non_empty_text(value, entry_key, "a glob");
          has_path = true;
        } else if (entry.key == keys::kMember) {
          suppression.member = non_empty_text(value, entry_key, "a glob");
        } else if (entry.key == keys::kRules) {
          suppression.rules = ignored_rules(value, entry_key);
          has_rules = true;
        } else if (entry.key == keys::kReason) {
          suppression.reason = non_empty_text(value, entry_key, "a reason");
          has_reason = true;
        }
      }
      if (!has_path) {
        fail(item.position.line, child_key(item_key, keys::kPath),
             "missing required key (a glob for the files)");
      }
      if (!has_rules) {
        fail(item.position.line, child_key(item_key, keys::kRules),
             "missing required key (the codes to ignore)");
      }
      if (!has_reason) {
        fail(item.position.line, child_key(item_key, keys::kReason),
             "missing required key (why the findings may be ignored)");
      }
      result.push_back(std::move(suppression));
    }
    return result;
  }

  std::vector<PipelineEntry> pipeline(const Node& node, const std::string& key) const {
    expect_list(node, key, "a list of " + braced(kPipelineKeys) + " maps");
    std::vector<PipelineEntry> result;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      const std::string item_key = index_key(key, i);
      expect_map(item, item_key, "a map " + braced(kPipelineKeys));
      PipelineEntry pipeline_entry;
      pipeline_entry.line = item.position.line;
      pipeline_entry.column = item.position.column;
      bool has_source = false, has_cast = false;
      for (const Entry& entry : item.entries) {
        const std::string entry_key = child_key(item_key, entry.key);
        const Node& value = entry.value;
        expect_known(entry, item_key, kPipelineKeys);
        if (entry.key == keys::kName) {
          pipeline_entry.name = non_empty_text(value, entry_key, "a name");
        } else if (entry.key == keys::kSource) {
          pipeline_entry.source = non_empty_text(value, entry_key, "a file, FILE:MEMBER or a glob");
          has_source = true;
        } else if (entry.key == keys::kCast) {
          pipeline_entry.cast =
              dtype(word(value, entry_key, "a target dtype"), value.position.line, entry_key);
          has_cast = true;
        } else if (entry.key == keys::kSemantics) {
          const std::string text = word(value, entry_key, "numpy, tensorflow or torch");
          pipeline_entry.semantics = semantics_from_string(text);
          if (!pipeline_entry.semantics)
            fail(
                value.position.line, entry_key,
                "expected numpy, tensorflow or torch, found " + describe(value) + semantics_suggestion(text));
        } else if (entry.key == keys::kRtol) {
          pipeline_entry.rtol = number(value, entry_key, HUGE_VAL, "a non-negative finite number");
        } else if (entry.key == keys::kAtol) {
          pipeline_entry.atol = number(value, entry_key, HUGE_VAL, "a non-negative finite number");
        } else if (entry.key == keys::kExpectDtype) {
          const std::string text = word(value, entry_key, "a dtype name");
          pipeline_entry.expect_dtype = dtype_from_name(text);
          if (!pipeline_entry.expect_dtype || *pipeline_entry.expect_dtype == DType::Object) {
            const std::string_view note = ambiguous_dtype_note(text);
            fail(value.position.line, entry_key,
                 note.empty() ? "unknown dtype '" + text + "'" + dtype_suggestion(text)
                              : "ambiguous dtype '" + text + "': " + std::string(note));
          }
        }
      }
      if (!has_source) {
        fail(item.position.line, child_key(item_key, keys::kSource),
             "missing required key (the data the cast applies to: a file, FILE:MEMBER or a glob)");
      }
      if (!has_cast) {
        fail(item.position.line, child_key(item_key, keys::kCast),
             "missing required key (the dtype the data is cast to)");
      }
      result.push_back(std::move(pipeline_entry));
    }
    return result;
  }

  // `rules: [DT101, DT104]` or `rules: DT101`; never empty, duplicates dropped.
  std::vector<std::string> ignored_rules(const Node& node, const std::string& key) const {
    std::vector<std::string> codes;
    const auto add = [&](const Node& item, const std::string& item_key) {
      const std::string code = rule_code(word(item, item_key, "a rule code"), item.position.line, item_key);
      if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
    };
    if (node.kind == Node::Kind::String) {
      add(node, key);
      return codes;
    }
    expect_list(node, key, "a rule code or a list of rule codes");
    if (node.items.empty()) {
      fail(node.position.line, key, "expected a rule code or a list of rule codes, found an empty list");
    }
    for (std::size_t i = 0; i < node.items.size(); ++i) add(node.items[i], index_key(key, i));
    return codes;
  }

  const std::string& file_;
};

// --------------------------------------------------------------- files

// Configurations are small; a 1 MiB one already holds tens of thousands of globs.
constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;

std::string read_text(const fs::path& file, const std::string& shown) {
  try {
    return read_text_file(file, shown, kMaxConfigBytes);  // regular files only: never a FIFO or device
  } catch (const InputError& e) {
    throw ConfigError(shown, 0, "", e.reason());
  }
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
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

// "NAME: ", a key as render_config writes it.
std::string field(std::string_view name) {
  return std::string(name) + ": ";
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
    out += indent + field(keys::kTargets) + render_targets(*settings.targets) + "\n";
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
      std::vector<std::string> fields;
      if (!severity.empty()) fields.push_back(field(keys::kSeverity) + quote(severity));
      for (const auto& [option, value] : setting.options)
        fields.push_back(option + ": " + format_number(value));
      std::string joined;
      for (const std::string& f : fields) joined += (joined.empty() ? "" : ", ") + f;
      rules += "{" + joined + "}\n";
    }
  }
  if (!rules.empty()) out += indent + std::string(keys::kRules) + ":\n" + rules;
  if (!settings.tolerances.empty()) {
    out += indent + "tolerances:\n";
    for (const auto& [type, tolerance] : settings.tolerances) {
      std::vector<std::string> fields;
      if (tolerance.rtol) fields.push_back(field(keys::kRtol) + format_number(*tolerance.rtol));
      if (tolerance.atol) fields.push_back(field(keys::kAtol) + format_number(*tolerance.atol));
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

std::string target_dtype_problem(std::string_view name) {
  const std::string written(name);
  if (const std::string_view note = ambiguous_dtype_note(name); !note.empty())
    return "ambiguous target dtype '" + written + "': " + std::string(note);
  const std::string suggestion =
      dtype_suggestion(name, [](DType type) { return target_dtype(dtlint::name(type)).has_value(); });
  if (!suggestion.empty()) return "unknown target dtype '" + written + "'" + suggestion;
  return "unknown target dtype '" + written +
         "' (expected float16, bfloat16, float32, float64, float8_e4m3fn, float8_e5m2, int8…int64 or "
         "uint8…uint64)";
}

bool fp8_scale_valid(std::string_view text) {
  return text == "auto" || text == "none";
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
  try {
    if (file_name == "pyproject.toml") {
      const Node pyproject = document::parse_toml(text, shown);
      const Node* tool = pyproject.find("tool");
      const Node* table = tool ? tool->find("dtlint") : nullptr;
      if (!table) throw ConfigError(shown, 1, "tool.dtlint", "no [tool.dtlint] table");
      if (table->kind != Node::Kind::Map) {
        throw ConfigError(shown, table->position.line, "tool.dtlint",
                          "expected a table, found " + describe(*table));
      }
      root = *table;
    } else if (ends_with_ci(file_name, ".toml")) {
      root = document::parse_toml(text, shown);
    } else if (ends_with_ci(file_name, ".yaml") || ends_with_ci(file_name, ".yml")) {
      root = document::parse_yaml(text, shown);
    } else {
      throw ConfigError(shown, 0, "", "unknown configuration format (expected a .yaml, .yml or .toml file)");
    }
  } catch (const document::DocumentError& error) {
    throw ConfigError(error.file(), error.position().line, error.key(), error.reason());
  }

  Config config;
  config.file = shown;
  config.root = fs::absolute(file).lexically_normal().parent_path();
  Validator(shown).top_level(root, config);
  return config;
}

std::optional<fs::path> config_in_folder(const fs::path& folder) {
  std::error_code ec;
  for (const char* name : {".dtlint.yaml", ".dtlint.yml", ".dtlint.toml"}) {
    // Whatever it is — a folder, a FIFO, a link to a device or to nothing —
    // a file by this name was meant to configure dtlint: load_config says
    // what is wrong with it rather than the defaults taking over in silence.
    const fs::path candidate = folder / name;
    if (fs::exists(fs::symlink_status(candidate, ec))) return candidate;
  }
  const fs::path pyproject = folder / "pyproject.toml";
  if (fs::is_regular_file(pyproject, ec)) {
    std::string text;
    try {
      text = read_text_file(pyproject, pyproject.string(), kMaxConfigBytes);
    } catch (const InputError&) {
      // Somebody else's file that cannot be read as ours (swapped for a FIFO, too large): not ours to
      // judge.
    }
    // A broken pyproject.toml (or one nested too deeply to parse) that seems to
    // configure dtlint is returned so that load_config reports the error; any
    // other is not ours.
    const bool mentions_dtlint = text.find("tool.dtlint") != std::string::npos;
    try {
      const Node parsed = document::parse_toml(text, pyproject.string());
      const Node* tool = parsed.find("tool");
      if (tool && tool->find("dtlint")) return pyproject;
    } catch (const document::DocumentError&) {
      if (mentions_dtlint) return pyproject;
    }
  }
  return std::nullopt;
}

std::optional<fs::path> find_config(const fs::path& start) {
  std::error_code ec;
  fs::path folder = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  if (!folder.has_filename()) folder = folder.parent_path();  // "/a/b/" → "/a/b"
  if (!fs::is_directory(folder, ec)) folder = folder.parent_path();

  while (true) {
    if (std::optional<fs::path> found = config_in_folder(folder)) return found;
    if (folder == folder.root_path() || !folder.has_relative_path()) return std::nullopt;
    folder = folder.parent_path();
  }
}

std::string render_config(const Config& config) {
  std::string out = "# dtlint configuration (effective)\n";
  if (config.semantics) out += field(keys::kSemantics) + quote(to_string(*config.semantics)) + "\n";
  if (config.fail_on) out += field(keys::kFailOn) + quote(*config.fail_on) + "\n";
  if (config.settings.targets && !config.settings.targets->empty()) {
    out += field(keys::kTargets) + render_targets(*config.settings.targets) + "\n";
  }
  if (!config.exclude.empty()) out += field(keys::kExclude) + render_list(config.exclude) + "\n";
  if (config.max_file_size) out += field(keys::kMaxFileSize) + std::to_string(*config.max_file_size) + "\n";
  if (config.fp8_scale) out += field(keys::kFp8Scale) + quote(*config.fp8_scale) + "\n";
  Settings rest = config.settings;  // targets were written above, in their fixed place
  rest.targets.reset();
  render_settings(out, rest, "");
  if (!config.per_path.empty()) {
    out += std::string(keys::kPerPath) + ":\n";
    for (const PathOverride& entry : config.per_path) {
      out += "  - " + field(keys::kPaths) + render_list(entry.paths) + "\n";
      render_settings(out, entry.settings, "    ");
    }
  }
  if (!config.ignore.empty()) {
    out += std::string(keys::kIgnore) + ":\n";
    for (const Suppression& suppression : config.ignore) {
      out += "  - " + field(keys::kPath) + quote(suppression.path) + "\n";
      if (suppression.member) out += "    " + field(keys::kMember) + quote(*suppression.member) + "\n";
      out += "    " + field(keys::kRules) + render_list(suppression.rules) + "\n";
      out += "    " + field(keys::kReason) + quote(suppression.reason) + "\n";
    }
  }
  if (!config.pipeline.empty()) {
    out += std::string(keys::kPipeline) + ":\n";
    for (const PipelineEntry& entry : config.pipeline) {
      out += "  - " + field(keys::kSource) + quote(entry.source) + "\n";
      out += "    " + field(keys::kCast) + quote(name(entry.cast)) + "\n";
      if (!entry.name.empty()) out += "    " + field(keys::kName) + quote(entry.name) + "\n";
      if (entry.semantics)
        out += "    " + field(keys::kSemantics) + quote(to_string(*entry.semantics)) + "\n";
      if (entry.rtol) out += "    " + field(keys::kRtol) + format_number(*entry.rtol) + "\n";
      if (entry.atol) out += "    " + field(keys::kAtol) + format_number(*entry.atol) + "\n";
      if (entry.expect_dtype)
        out += "    " + field(keys::kExpectDtype) + quote(name(*entry.expect_dtype)) + "\n";
    }
  }
  return out;
}

Settings settings_for(const Config& config, const std::string& relative_path) {
  return PathSettings(config).at(relative_path);
}

PathSettings::PathSettings(const Config& config) : config_(config) {
  for (std::size_t e = 0; e < config.per_path.size(); ++e) {
    for (const std::string& glob : config.per_path[e].paths) {
      globs_.add(glob);
      entries_.push_back(e);
    }
  }
}

Settings PathSettings::at(const std::string& relative_path) const {
  Settings settings = config_.settings;
  if (globs_.empty()) return settings;
  // Glob indices ascend with entries, so entries come in order; an entry
  // with several matching globs is applied once.
  std::size_t applied = config_.per_path.size();
  for (const std::size_t glob : globs_.matching(relative_path)) {
    const std::size_t e = entries_[glob];
    if (e == applied) continue;
    applied = e;
    const Settings& entry = config_.per_path[e].settings;
    if (entry.targets) settings.targets = entry.targets;
    for (const auto& [code, setting] : entry.rules) settings.rules[code] = setting;
    for (const auto& [type, tolerance] : entry.tolerances) {
      Tolerance& merged = settings.tolerances[type];
      if (tolerance.rtol) merged.rtol = tolerance.rtol;
      if (tolerance.atol) merged.atol = tolerance.atol;
    }
  }
  return settings;
}

}  // namespace dtlint
