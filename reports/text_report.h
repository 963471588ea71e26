#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "reports/report.h"

namespace dtlint {

struct TextOptions {
  bool colour = false;      // ANSI colour
  bool summary = true;      // the closing summary (and, for a big scan, the findings per rule)
  bool statistics = false;  // --statistics: the findings per rule instead of the findings
};

// One line per array and cause (a tensor's findings of one rule for several
// targets are one line), at most 20 lines per rule and file (the rest named
// in one line; past 50 of one rule in a folder its other files counted in
// one line), then unless `summary` is false the findings per rule (for a scan
// of many files) and the summary line. ANSI colour only when asked.
std::string render_text(const Report& report, bool colour, bool summary = true);
std::string render_text(const Report& report, const TextOptions& options);
// The one-line verdict: inputs, arrays, findings per severity, suppressed and baseline counts.
std::string render_summary(const Report& report);
std::string render_summary(const ReportHead& head, const ReportSummary& summary);
// The text report written as a scan goes: each array's lines once its findings are in.
std::unique_ptr<ReportStream> text_report_stream(const ReportHead& head, const TextOptions& options,
                                                 std::ostream& out);

}  // namespace dtlint
