#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "reports/report.h"

namespace dtlint {

// A statistic or an element's value: integer-typed sources exactly, others as
// the nearest double. JSON has no NaN or infinity: those become the strings
// "nan", "inf", "-inf"; a long double beyond double's range becomes null.
nlohmann::ordered_json value_json(long double value, bool integer);

// The canonical JSON report (DESIGN §7), keys in the documented order,
// pretty-printed with a final newline; deterministic. Written as a stream.
// Findings' fingerprints (rules/baseline.h) take their paths relative to
// `root`, as SARIF's partialFingerprints and a baseline written there do.
std::string render_json(const Report& report,
                        const std::filesystem::path& root = std::filesystem::current_path());
// The same text written to `out` piece by piece, without holding it whole.
void write_json(const Report& report, std::ostream& out,
                const std::filesystem::path& root = std::filesystem::current_path());
// The same report written as a scan goes (ReportStream); the arrays and the
// findings are spooled until the summary, which comes before them, is known.
std::unique_ptr<ReportStream> json_report_stream(const ReportHead& head, const std::filesystem::path& root,
                                                 std::ostream& out);

}  // namespace dtlint
