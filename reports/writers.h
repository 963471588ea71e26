// The output formats: one table of writers with one signature. Adding a
// format is one entry here and its renderer (see docs/contributing.md); the
// command line's --format choices and help come from this table.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <span>
#include <string_view>

#include "reports/report.h"

namespace dtlint {

// What a writer may need besides the report.
struct WriteOptions {
  std::filesystem::path root;  // paths in SARIF and GitHub annotations are relative to it
  bool colour = false;         // text: ANSI colour
  bool summary = true;         // text: the closing summary line
  bool statistics = false;     // text: the findings per rule instead of the findings (--statistics)
};

struct ReportWriter {
  std::string_view name;         // the --format value
  std::string_view description;  // one line for --help
  // A report to `out` written as the scan goes (see ReportStream); `out`
  // must outlive it. What it writes is fixed by what it is given, not by when.
  std::unique_ptr<ReportStream> (*open)(const ReportHead& head, const WriteOptions& options,
                                        std::ostream& out);
};

// Writes a whole report with `writer`: what it prints for a finished scan.
void write_report(const ReportWriter& writer, const Report& report, const WriteOptions& options,
                  std::ostream& out);

// Every output format, the default (text) first.
std::span<const ReportWriter> report_writers();
// The writer called `name`, or nullptr.
const ReportWriter* find_writer(std::string_view name);

}  // namespace dtlint
