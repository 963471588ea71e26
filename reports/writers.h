// The output formats: one table of writers with one signature. Adding a
// format is one entry here and its renderer (see docs/contributing.md); the
// command line's --format choices and help come from this table.
#pragma once

#include <filesystem>
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
};

struct ReportWriter {
  std::string_view name;         // the --format value
  std::string_view description;  // one line for --help
  // Writes the whole report to `out`; formats that can stream do.
  void (*write)(const Report& report, const WriteOptions& options, std::ostream& out);
};

// Every output format, the default (text) first.
std::span<const ReportWriter> report_writers();
// The writer called `name`, or nullptr.
const ReportWriter* find_writer(std::string_view name);

}  // namespace dtlint
