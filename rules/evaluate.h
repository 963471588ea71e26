// Turns the scan's facts into findings, by the rule catalogue's defaults.
#pragma once

#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "rules/finding.h"

namespace dtlint {

// Findings in a deterministic order: per array (in scan order), by rule code,
// then by target in request order; then skipped inputs (DT204) and unreadable
// inputs (E901) in discovery order.
// With a configuration, each finding takes the rule settings in force for its
// path (settings_for): `off` drops it, `severity` replaces the default, and
// DT107's `fraction` moves its threshold.
std::vector<Finding> evaluate(const ScanResult& scan, Semantics semantics, const Config* config = nullptr);

// Numbers in messages: integers exactly, others with six significant digits.
std::string format_number(long double value);

}  // namespace dtlint
