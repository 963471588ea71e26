// The one Report model every output format renders (DESIGN §7).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/baseline.h"
#include "rules/finding.h"

namespace dtlint {

inline constexpr int kSchemaVersion = 1;

struct Report {
  Semantics semantics = Semantics::NumPy;
  std::vector<DType> targets;
  ScanResult scan;
  std::vector<Finding> findings;            // after suppressions and the baseline
  std::string config_file;                  // the configuration in force; empty: defaults
  std::uint64_t suppressed = 0;             // findings hidden by `ignore` entries
  std::optional<BaselineOutcome> baseline;  // set when --baseline was given

  // Findings per severity, indexed by Severity.
  std::array<std::uint64_t, 3> counts_by_severity() const;
  // Whether any finding is at or above `threshold` (none when threshold is empty: --fail-on never).
  bool fails(std::optional<Severity> threshold) const;
};

}  // namespace dtlint
