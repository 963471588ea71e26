// The rule catalogue: one documentation block per rule, the single source for
// `dtlint rules`, `dtlint explain`, the docs and SARIF driver.rules.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace dtlint {

// SARIF's levels, ordered so that a larger value is more severe.
enum class Severity { Note = 0, Warning = 1, Error = 2 };
std::string_view to_string(Severity severity);
std::optional<Severity> severity_from_string(std::string_view text);

struct RuleDoc {
  std::string_view code;  // "DT101"
  std::string_view name;  // "cast-overflow"
  Severity default_severity;
  std::string_view summary;  // one line: when it fires
  std::string_view what;     // What it does
  std::string_view why;      // Why is this bad
  std::string_view example;  // a concrete example with numbers
  std::string_view fix;      // Use instead / how to fix
  std::string_view options;  // the options that tune it, or "None."
};

// Every rule, in code order.
std::span<const RuleDoc> rule_catalogue();
// The rule with this code (case-insensitive), or nullptr.
const RuleDoc* find_rule(std::string_view code);

}  // namespace dtlint
