// Suppressions: the configuration's `ignore` entries, each with a mandatory
// reason, hide the findings they match; entries that hide nothing are noted
// (DT205), as ruff notes an unused noqa.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "rules/finding.h"

namespace dtlint {

// Removes the findings that an `ignore` entry matches (path glob relative to
// config.root, member glob when given, rule code) and returns how many it
// removed. Adds one DT205 note, at the entry's line of the configuration file,
// for each entry that matched nothing although the scan could have matched it:
// every entry when one of `scanned` (the paths the scan was given) covers the
// configuration's folder, otherwise the entries whose glob matches a scanned input.
std::uint64_t apply_suppressions(const Config& config, std::span<const std::string> scanned,
                                 const ScanResult& scan, std::vector<Finding>& findings);

}  // namespace dtlint
