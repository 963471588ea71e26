#include "reports/writers.h"

#include <array>

#include "reports/github_report.h"
#include "reports/json_report.h"
#include "reports/sarif_report.h"
#include "reports/text_report.h"

namespace dtlint {
namespace {

std::unique_ptr<ReportStream> open_text(const ReportHead& head, const WriteOptions& options,
                                        std::ostream& out) {
  return text_report_stream(
      head,
      TextOptions{.colour = options.colour, .summary = options.summary, .statistics = options.statistics},
      out);
}

std::unique_ptr<ReportStream> open_json(const ReportHead& head, const WriteOptions& options,
                                        std::ostream& out) {
  return json_report_stream(head, options.root, out);
}

std::unique_ptr<ReportStream> open_sarif(const ReportHead& head, const WriteOptions& options,
                                         std::ostream& out) {
  return sarif_report_stream(head, options.root, out);
}

std::unique_ptr<ReportStream> open_github(const ReportHead&, const WriteOptions& options, std::ostream& out) {
  return github_report_stream(options.root, out);
}

constexpr std::array<ReportWriter, 4> kWriters{{
    {"text", "readable findings and a summary line (colour only on a terminal, never with NO_COLOR)",
     open_text},
    {"json", "the canonical report, JSON schema version 1", open_json},
    {"sarif", "SARIF 2.1.0 for GitHub code scanning and other viewers", open_sarif},
    {"github", "GitHub Actions workflow commands: annotations on the pull request", open_github},
}};

}  // namespace

std::span<const ReportWriter> report_writers() {
  return kWriters;
}

void write_report(const ReportWriter& writer, const Report& report, const WriteOptions& options,
                  std::ostream& out) {
  const std::unique_ptr<ReportStream> stream = writer.open(report.head(), options, out);
  stream_report(report, *stream);
}

const ReportWriter* find_writer(std::string_view name) {
  for (const ReportWriter& writer : kWriters) {
    if (writer.name == name) return &writer;
  }
  return nullptr;
}

}  // namespace dtlint
