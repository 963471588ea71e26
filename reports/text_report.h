#pragma once

#include <string>

#include "reports/report.h"

namespace dtlint {

// One line per finding with its numbers, then (unless `summary` is false) the
// summary line. ANSI colour only when asked.
std::string render_text(const Report& report, bool colour, bool summary = true);
// The one-line verdict: inputs, arrays, findings per severity, suppressed and baseline counts.
std::string render_summary(const Report& report);

}  // namespace dtlint
