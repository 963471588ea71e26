#include "reports/report.h"

namespace dtlint {

std::array<std::uint64_t, 3> Report::counts_by_severity() const {
  std::array<std::uint64_t, 3> counts{};
  for (const Finding& f : findings) ++counts[static_cast<std::size_t>(f.severity)];
  return counts;
}

bool Report::fails(std::optional<Severity> threshold) const {
  if (!threshold) return false;
  for (const Finding& f : findings) {
    if (f.severity >= *threshold) return true;
  }
  return false;
}

ReportHead Report::head() const {
  return {semantics, targets, config_file};
}

ReportSummary Report::summary() const {
  ReportSummary s;
  s.inputs = scan.inputs;
  s.arrays = scan.arrays.size();
  s.unreadable = scan.problems.size();
  s.skipped = scan.skipped.size();
  s.findings_by_severity = counts_by_severity();
  s.suppressed = suppressed;
  s.baseline = baseline;
  return s;
}

void stream_report(const Report& report, ReportStream& stream) {
  for (const ArrayResult& a : report.scan.arrays) stream.array(a);
  for (const Finding& f : report.findings) stream.finding(f);
  stream.finish(report.summary(), report.scan.problems, report.scan.skipped);
}

std::uint64_t ReportSummary::findings() const {
  return findings_by_severity[0] + findings_by_severity[1] + findings_by_severity[2];
}

bool ReportSummary::fails(std::optional<Severity> threshold) const {
  if (!threshold) return false;
  for (std::size_t s = static_cast<std::size_t>(*threshold); s < findings_by_severity.size(); ++s) {
    if (findings_by_severity[s]) return true;
  }
  return false;
}

bool names_related_data(const Finding& finding) {
  return finding.related && finding.message.find(finding.related->display()) == std::string::npos;
}

}  // namespace dtlint
