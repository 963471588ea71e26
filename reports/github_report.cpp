#include "reports/github_report.h"

#include <algorithm>

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

std::string render_github(const Report& report, const std::filesystem::path& root) {
  std::string out;
  for (const Finding& f : report.findings) {
    out += "::";
    out += command(f.severity);
    out += " file=" + escape(path_from(f.location.path, root), true);
    out += ",line=" + std::to_string(std::max(1, f.location.line.value_or(1)));
    if (f.location.column) out += ",col=" + std::to_string(std::max(1, *f.location.column));
    out += ",title=" + escape(std::string(f.rule->code()) + " " + std::string(f.rule->name()), true);
    out += "::" + escape(annotation_message(f), false) + "\n";
  }
  return out;
}

}  // namespace dtlint
