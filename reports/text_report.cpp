#include "reports/text_report.h"

#include "reports/printable_text.h"
#include "rules/evaluate.h"

namespace dtlint {
namespace {

struct Style {
  bool on;
  std::string operator()(std::string_view code, const std::string& text) const {
    return on ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
  }
};

std::string_view severity_colour(Severity s) {
  switch (s) {
    case Severity::Error: return "1;31";
    case Severity::Warning: return "1;33";
    case Severity::Note: return "1;36";
  }
  return "0";
}

std::string plural(std::uint64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string index_text(const std::vector<std::uint64_t>& index) {
  std::string text = "[";
  for (std::size_t i = 0; i < index.size(); ++i) text += (i ? ", " : "") + std::to_string(index[i]);
  return text + "]";
}

}  // namespace

std::string render_summary(const Report& report) {
  const auto counts = report.counts_by_severity();
  std::string out =
      "dtlint (" + std::string(to_string(report.semantics)) + "): " + plural(report.scan.inputs, "input") +
      ", " + plural(report.scan.arrays.size(), "array") + ", " + std::to_string(report.scan.problems.size()) +
      " unreadable, " + std::to_string(report.scan.skipped.size()) + " skipped; " +
      plural(counts[2], "error") + ", " + plural(counts[1], "warning") + ", " + plural(counts[0], "note");
  if (report.suppressed) out += "; " + std::to_string(report.suppressed) + " suppressed";
  if (report.baseline) {
    out += "; " + std::to_string(report.baseline->matched) + " known to the baseline";
    if (report.baseline->fixed)
      out += ", " + std::to_string(report.baseline->fixed) +
             (report.baseline->fixed == 1 ? " baseline entry is" : " baseline entries are") +
             " fixed and can be removed";
  }
  return out + "\n";
}

std::string render_text(const Report& report, bool colour, bool summary) {
  const Style style{colour};
  std::string out;
  for (const Finding& f : report.findings) {
    // Paths, member names and the messages that quote them come from the inputs:
    // one finding is one line, whatever bytes they hold.
    std::string where = printable_text(f.location.path);
    if (f.location.member) where += ":" + printable_text(*f.location.member);
    if (f.location.line) where += ":" + std::to_string(*f.location.line);
    out += style("1", where) + ": " + style(severity_colour(f.severity), std::string(to_string(f.severity))) +
           " " + style("1", std::string(f.rule->code())) + " " + printable_text(f.message);
    if (f.first_index && f.first_value) {
      out += "; first at " + index_text(*f.first_index) + " = " + format_number(*f.first_value);
    }
    out += " [" + std::string(f.rule->name()) + "]\n";
  }
  if (report.findings.empty()) out += "No findings.\n";
  if (summary) out += render_summary(report);
  return out;
}

}  // namespace dtlint
