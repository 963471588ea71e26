// Turns the scan's facts into findings, by the rule catalogue's defaults.
#pragma once

#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/finding.h"

namespace dtlint {

// Findings in a deterministic order: per array (in scan order), by rule code,
// then by target in request order; then skipped inputs (DT204) and unreadable
// inputs (E901) in discovery order.
std::vector<Finding> evaluate(const ScanResult& scan, Semantics semantics);

// Numbers in messages: integers exactly, others with six significant digits.
std::string format_number(long double value);

}  // namespace dtlint
