// GitHub Actions workflow commands: one annotation per finding, shown on the
// pull request's files and in the run's summary (a view of the Report).
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "reports/report.h"

namespace dtlint {

// One line per finding, in report order, and nothing else:
//   ::error file=data/x.npy,line=1,title=DT101 cast-overflow::5 of 3000 values ...
// error → ::error, warning → ::warning, note → ::notice. The file is the
// finding's path relative to `root` (absolute outside it); line is the
// finding's line or 1, col is added when the finding has a column. Values are
// escaped as GitHub's toolkit does, so '%', CR, LF (and in properties ':' and
// ',') cannot end a field early.
std::string render_github(const Report& report, const std::filesystem::path& root);
// The same lines written as a scan goes, each as its finding comes.
std::unique_ptr<ReportStream> github_report_stream(const std::filesystem::path& root, std::ostream& out);

}  // namespace dtlint
