// The rule registry: every rule, in code order. One table, from which
// `dtlint rules`, `dtlint explain`, docs/rules, SARIF driver.rules and the
// configuration's checks of rule codes and options are derived.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace dtlint {

// Every rule in code order (DT1xx, DT2xx, PL3xx, CX4xx, E901).
std::span<const Rule* const> rule_registry();
// The rule with this code or name (case-insensitive: "DT101", "dt101",
// "cast-overflow"), or nullptr.
const Rule* find_rule(std::string_view code_or_name);

// "; did you mean DT101?" for a code or name the registry does not know,
// naming the nearest code or name (document/spelling.h), or "".
std::string rule_suggestion(std::string_view written);

// The rule's Options section: its documentation text, then one paragraph per
// declared option ("`fraction` (a number from 0 to 1; default 0.5): ...").
std::string rule_options_text(const Rule& rule);

}  // namespace dtlint
