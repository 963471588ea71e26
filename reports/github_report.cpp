#include "reports/github_report.h"

#include <algorithm>
#include <memory>
#include <ostream>
#include <sstream>

#include "reports/sarif_report.h"

namespace dtlint {
namespace {

std::string_view command(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "notice";
  }
  return "error";  // unreachable for valid enumerators
}

// The runner reads a command up to the end of its line, a property up to the
// next ',' and the properties up to "::": those characters, and '%' itself,
// travel percent-encoded (@actions/core escapeData / escapeProperty).
std::string escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

namespace {

class GithubReportStream final : public ReportStream {
 public:
  GithubReportStream(const std::filesystem::path& root, std::ostream& out) : root_(root), out_(out) {}
  void array(const ArrayResult&) override {}
  void finding(const Finding& f) override {
    std::string line = "::";
    line += command(f.severity);
    line += " file=" + escape(path_from(f.location.path, root_), true);
    line += ",line=" + std::to_string(std::max(1, f.location.line.value_or(1)));
    if (f.location.column) line += ",col=" + std::to_string(std::max(1, *f.location.column));
    line += ",title=" + escape(std::string(f.rule->code()) + " " + std::string(f.rule->name()), true);
    line += "::" + escape(annotation_message(f), false) + "\n";
    out_ << line;
  }
  void finish(const ReportSummary&, std::span<const Problem>, std::span<const Skipped>) override {}

 private:
  std::filesystem::path root_;
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<ReportStream> github_report_stream(const std::filesystem::path& root, std::ostream& out) {
  return std::make_unique<GithubReportStream>(root, out);
}

std::string render_github(const Report& report, const std::filesystem::path& root) {
  std::ostringstream out;
  GithubReportStream stream(root, out);
  stream_report(report, stream);
  return std::move(out).str();
}

}  // namespace dtlint
