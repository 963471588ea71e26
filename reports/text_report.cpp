#include "reports/text_report.h"

#include <memory>
#include <ostream>
#include <sstream>

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

std::string render_summary(const ReportHead& head, const ReportSummary& summary) {
  const auto& counts = summary.findings_by_severity;
  std::string out = "dtlint (" + std::string(to_string(head.semantics)) +
                    "): " + plural(summary.inputs, "input") + ", " + plural(summary.arrays, "array") + ", " +
                    std::to_string(summary.unreadable) + " unreadable, " + std::to_string(summary.skipped) +
                    " skipped; " + plural(counts[2], "error") + ", " + plural(counts[1], "warning") + ", " +
                    plural(counts[0], "note");
  if (summary.suppressed) out += "; " + std::to_string(summary.suppressed) + " suppressed";
  if (summary.baseline) {
    out += "; " + std::to_string(summary.baseline->matched) + " known to the baseline";
    if (summary.baseline->fixed)
      out += ", " + std::to_string(summary.baseline->fixed) +
             (summary.baseline->fixed == 1 ? " baseline entry is" : " baseline entries are") +
             " fixed and can be removed";
  }
  return out + "\n";
}

std::string render_summary(const Report& report) {
  return render_summary(report.head(), report.summary());
}

namespace {

// One line per finding as it comes; the summary at the end.
class TextReportStream final : public ReportStream {
 public:
  TextReportStream(const ReportHead& head, bool colour, bool summary, std::ostream& out)
      : head_(head), style_{colour}, summary_(summary), out_(out) {}

  void array(const ArrayResult&) override {}
  void finding(const Finding& f) override {
    // Paths, member names and the messages that quote them come from the inputs:
    // one finding is one line, whatever bytes they hold.
    std::string where = printable_text(f.location.path);
    if (f.location.member) where += ":" + printable_text(*f.location.member);
    // A text position as compilers write it, so that editors and terminals jump to it.
    if (f.location.line) {
      where += ":" + std::to_string(*f.location.line);
      if (f.location.column) where += ":" + std::to_string(*f.location.column);
    }
    std::string line = style_("1", where) + ": " +
                       style_(severity_colour(f.severity), std::string(to_string(f.severity))) + " " +
                       style_("1", std::string(f.rule->code())) + " " + printable_text(f.message);
    if (names_related_data(f)) line += " (data: " + printable_text(f.related->display()) + ")";
    if (f.first_index && f.first_value) {
      line += "; first at " + index_text(*f.first_index) + " = " + format_number(*f.first_value);
    }
    line += " [" + std::string(f.rule->name()) + "]\n";
    out_ << line;
    any_ = true;
  }
  void finish(const ReportSummary& summary, std::span<const Problem>, std::span<const Skipped>) override {
    // Quiet (no summary) means findings only: with none, nothing at all.
    if (!summary_) return;
    if (!any_) out_ << "No findings.\n";
    out_ << render_summary(head_, summary);
  }

 private:
  ReportHead head_;
  Style style_;
  bool summary_;
  std::ostream& out_;
  bool any_ = false;
};

}  // namespace

std::unique_ptr<ReportStream> text_report_stream(const ReportHead& head, bool colour, bool summary,
                                                 std::ostream& out) {
  return std::make_unique<TextReportStream>(head, colour, summary, out);
}

std::string render_text(const Report& report, bool colour, bool summary) {
  std::ostringstream out;
  TextReportStream stream(report.head(), colour, summary, out);
  stream_report(report, stream);
  return std::move(out).str();
}

}  // namespace dtlint
