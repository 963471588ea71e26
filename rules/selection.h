// Which rules report in a run: ruff's --select, --extend-select and --ignore.
// A selector is a rule code ("DT101"), a rule name ("cast-overflow"), a code
// prefix at a linter's boundary ("DT", "DT1", "DT10", "PL", "E") or "ALL",
// in any case. As in ruff, the most specific selector that matches a rule
// decides (ALL < "DT" < "DT1" < "DT10" < "DT101" = its name), and --ignore
// wins over a select of the same specificity. --select replaces the default
// (ALL); --extend-select adds to it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rules/rule.h"

namespace dtlint {

// A selector the registry does not know; what() reads
// "unknown rule 'DT1O1' in --select; did you mean DT101?".
class SelectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RuleSelection {
 public:
  // Every rule: what a run without the options reports.
  RuleSelection() = default;

  // Each list is the values of one option, each value comma-separated
  // selectors (repeating an option adds to its list). A `select` that is empty
  // keeps the default, ALL. Throws SelectionError for an empty or unknown selector.
  static RuleSelection parse(const std::vector<std::string>& select,
                             const std::vector<std::string>& extend_select,
                             const std::vector<std::string>& ignore);

  // Whether the rule's findings are reported. E901 (an input dtlint could not
  // read, so nothing in it was checked) is reported unless an --ignore selector
  // other than ALL matches it and wins: a --select of other rules does not hide it.
  bool selects(const Rule& rule) const { return !off_.contains(&rule); }
  // Whether any rule is left out.
  bool narrows() const { return !off_.empty(); }

 private:
  std::unordered_set<const Rule*> off_;
};

}  // namespace dtlint
