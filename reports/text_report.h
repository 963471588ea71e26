#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "reports/report.h"

namespace dtlint {

// One line per finding with its numbers, then (unless `summary` is false) the
// summary line, after "No findings." when there are none; without the
// summary (--quiet) only the findings' lines. ANSI colour only when asked.
std::string render_text(const Report& report, bool colour, bool summary = true);
// The one-line verdict: inputs, arrays, findings per severity, suppressed and baseline counts.
std::string render_summary(const Report& report);
std::string render_summary(const ReportHead& head, const ReportSummary& summary);
// The text report written as a scan goes: each finding's line at once.
std::unique_ptr<ReportStream> text_report_stream(const ReportHead& head, bool colour, bool summary,
                                                 std::ostream& out);

}  // namespace dtlint
