#include "reports/writers.h"

#include <array>

#include "reports/github_report.h"
#include "reports/json_report.h"
#include "reports/sarif_report.h"
#include "reports/text_report.h"

namespace dtlint {
namespace {

void write_text(const Report& report, const WriteOptions& options, std::ostream& out) {
  out << render_text(report, options.colour, options.summary);
}

void write_json_report(const Report& report, const WriteOptions&, std::ostream& out) {
  write_json(report, out);  // streamed: the arrays list can be large
}

void write_sarif(const Report& report, const WriteOptions& options, std::ostream& out) {
  out << render_sarif(report, options.root);
}

void write_github(const Report& report, const WriteOptions& options, std::ostream& out) {
  out << render_github(report, options.root);
}

constexpr std::array<ReportWriter, 4> kWriters{{
    {"text", "readable findings and a summary line (colour only on a terminal, never with NO_COLOR)",
     write_text},
    {"json", "the canonical report, JSON schema version 1", write_json_report},
    {"sarif", "SARIF 2.1.0 for GitHub code scanning and other viewers", write_sarif},
    {"github", "GitHub Actions workflow commands: annotations on the pull request", write_github},
}};

}  // namespace

std::span<const ReportWriter> report_writers() {
  return kWriters;
}

const ReportWriter* find_writer(std::string_view name) {
  for (const ReportWriter& writer : kWriters) {
    if (writer.name == name) return &writer;
  }
  return nullptr;
}

}  // namespace dtlint
