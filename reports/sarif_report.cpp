#include "reports/sarif_report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "reports/json_report.h"
#include "reports/rule_docs.h"
#include "reports/spool.h"
#include "rules/evaluate.h"
#include "rules/registry.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr const char* kSourceRoot = "%SRCROOT%";
// Versioned so that a change of the fingerprint's recipe can live beside the old one.
constexpr const char* kFingerprintKey = "dtlintFingerprint/v1";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// ---------------------------------------------------------------- rule help

// The family a code belongs to, as a tag viewers can filter on.
std::string category(const Rule& rule) {
  if (rule.code().starts_with("PL")) return "pipeline";
  if (rule.code().starts_with("CX")) return "source";
  return "data";  // DTxxx and E901: facts about arrays and input files
}

std::string heading(const Rule& rule) {
  return std::string(rule.code()) + " " + std::string(rule.name()) +
         " (default severity: " + std::string(to_string(rule.default_severity())) + ")";
}

// Every line of `text` indented by four spaces (blank lines stay empty).
std::string indented(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && c != '\n') out += "    ";
    out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string rule_help_uri(const Rule& rule) {
  return std::string(kProjectHome) + std::string(kRuleDocsPath) + std::string(rule.code()) + ".md";
}

// help.text: the `dtlint explain` sections without Markdown; the example is indented.
std::string help_text(const Rule& rule) {
  return heading(rule) + "\n" + std::string(rule.doc().summary) + "\n\nWhat it does:\n" +
         std::string(rule.doc().what) + "\n\nWhy is this bad:\n" + std::string(rule.doc().why) +
         "\n\nExample:\n" + indented(rule.doc().example) + "\n\nHow to fix:\n" + std::string(rule.doc().fix) +
         "\n\nOptions:\n" + std::string(rule_options_text(rule));
}

Json rule_json(const Rule& rule) {
  Json j;
  j["id"] = std::string(rule.code());
  j["name"] = std::string(rule.name());
  j["shortDescription"] = {{"text", std::string(rule.doc().summary)}};
  j["fullDescription"] = {{"text", std::string(rule.doc().what)}};
  j["help"] = {{"text", help_text(rule)}, {"markdown", render_rule_body_markdown(rule)}};
  j["defaultConfiguration"] = {{"level", std::string(to_string(rule.default_severity()))}};
  j["helpUri"] = rule_help_uri(rule);
  j["properties"] = {{"tags", {"dtype", "precision", category(rule)}}};
  return j;
}

// ------------------------------------------------------------------ results

// Where a finding's file is: relative to %SRCROOT% when it lies under root,
// otherwise an absolute file:// URI (which GitHub cannot place in the repository).
Json artifact_location(const std::string& path, const fs::path& root) {
  const std::string from_root = path_from(path, root);
  if (fs::path(from_root).is_absolute()) return {{"uri", "file://" + percent_encode_path(from_root)}};
  return {{"uri", percent_encode_path(from_root)}, {"uriBaseId", kSourceRoot}};
}

// originalUriBaseIds requires an absolute URI ending in '/'.
std::string root_uri(const fs::path& root) {
  std::string path = fs::absolute(root).lexically_normal().generic_string();
  if (path.empty() || path.back() != '/') path += '/';
  return "file://" + percent_encode_path(path);
}

Json properties_json(const Finding& f) {
  Json j = Json::object();
  if (f.location.member) j["member"] = *f.location.member;
  if (f.target) j["target"] = std::string(name(*f.target));
  if (f.count) j["count"] = f.count;
  if (f.first_index) j["first_index"] = *f.first_index;
  if (f.first_value) j["first_value"] = value_json(*f.first_value, f.first_value_is_integer);
  if (f.elements) j["fraction"] = static_cast<double>(f.count) / static_cast<double>(f.elements);
  if (f.source_dtype) j["source_dtype"] = std::string(name(*f.source_dtype));
  if (!f.suggestion.empty()) j["suggestion"] = f.suggestion;
  return j;
}

Json region_json(const Location& where) {
  Json region;
  region["startLine"] = std::max(1, where.line.value_or(1));  // GitHub requires a line; arrays have none
  if (where.column) region["startColumn"] = std::max(1, *where.column);
  if (where.line && where.end_line && *where.end_line >= *where.line) {
    region["endLine"] = *where.end_line;
    if (where.end_column && where.column &&
        (*where.end_line > *where.line || *where.end_column > *where.column))
      region["endColumn"] = *where.end_column;
  }
  return region;
}

Json location_json(const Location& where, const fs::path& root) {
  Json location;
  location["physicalLocation"] = {{"artifactLocation", artifact_location(where.path, root)},
                                  {"region", region_json(where)}};
  // SARIF's place for a named thing inside a file. GitHub ignores it (the
  // message names the member too); other viewers show it.
  if (where.member)
    location["logicalLocations"] = Json::array({{{"name", *where.member}, {"kind", "member"}}});
  return location;
}

Json result_json(const Finding& f, std::size_t rule_index, const fs::path& root) {
  Json j;
  j["ruleId"] = std::string(f.rule->code());
  j["ruleIndex"] = rule_index;
  j["level"] = std::string(to_string(f.severity));
  j["message"] = {{"text", annotation_message(f)}};
  Json location = location_json(f.location, root);
  // A C/C++ finding's line, so that viewers show the code without the file (bad UTF-8 replaced when dumped).
  if (!f.source_line.empty()) location["physicalLocation"]["region"]["snippet"] = {{"text", f.source_line}};
  j["locations"] = Json::array({std::move(location)});
  if (f.related) {
    // The data a finding at a config line (or a model's node) is about.
    Json related = location_json(*f.related, root);
    related["id"] = 0;
    related["message"] = {{"text", "data: " + f.related->display()}};
    j["relatedLocations"] = Json::array({std::move(related)});
  }
  j["partialFingerprints"] = {{kFingerprintKey, fingerprint(f, root)}};
  const Json properties = properties_json(f);
  if (!properties.empty()) j["properties"] = properties;
  return j;
}

}  // namespace

std::string percent_encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string annotation_message(const Finding& finding) {
  std::string text;
  // E901 and DT204 messages already say "member 'x'"; array findings do not.
  // A declaration's finding (one with related data) at a member of a model
  // (an ONNX node) names that member when the message quotes it already.
  if (finding.location.member &&
      finding.message.find("member '" + *finding.location.member + "'") == std::string::npos &&
      !(finding.related && finding.message.find("'" + *finding.location.member + "'") != std::string::npos)) {
    text = "member '" + *finding.location.member + "': ";
  }
  text += finding.message;
  if (names_related_data(finding)) text += " (data: " + finding.related->display() + ")";
  if (finding.first_index && finding.first_value) {
    text += "; first at [";
    for (std::size_t i = 0; i < finding.first_index->size(); ++i) {
      text += (i ? ", " : "") + std::to_string((*finding.first_index)[i]);
    }
    text += "] = " + format_number(*finding.first_value);
  }
  if (!finding.suggestion.empty()) text += " — " + finding.suggestion;
  return text;
}

namespace {

// Re-indents a pretty-printed JSON value for its place in the log: every line
// after the first gets `indent` in front.
std::string indented_after_first(const std::string& text, const std::string& indent) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

std::string dump(const Json& value) {
  // File names and members need not be UTF-8: invalid bytes become U+FFFD
  // instead of an exception (URIs are percent-encoded and stay exact).
  return value.dump(2, ' ', false, Json::error_handler_t::replace);
}

// The log: its skeleton is rendered once around placeholders for the results
// and the invocation, and cut there. Results are rendered as their findings
// come and held back per severity (spooled: memory stays bounded), because
// the log lists the most severe first and keeps at most kMaxSarifResults;
// the invocation, which says what was left out and whether the inputs could
// be read, is known only at the end. The layout is what dump(2) of the whole
// log would give.
class SarifReportStream final : public ReportStream {
 public:
  SarifReportStream(const ReportHead& head, const fs::path& root, std::ostream& out)
      : root_(root), out_(out) {
    const auto registry = rule_registry();
    Json rules = Json::array();
    for (std::size_t i = 0; i < registry.size(); ++i) {
      rule_index_.emplace(registry[i]->code(), i);
      rules.push_back(rule_json(*registry[i]));
    }

    Json driver;
    driver["name"] = "dtlint";
    driver["version"] = DTLINT_VERSION;
    driver["informationUri"] = std::string(kProjectHome);
    driver["rules"] = std::move(rules);

    Json run;
    run["tool"] = {{"driver", std::move(driver)}};
    run["originalUriBaseIds"] = {{kSourceRoot, {{"uri", root_uri(root)}}}};
    run["results"] = Json::array({kResultsPlaceholder});
    // After the results: what it says is known at the end.
    run["invocations"] = Json::array({kInvocationPlaceholder});
    run["columnKind"] = "unicodeCodePoints";
    Json targets = Json::array();
    for (DType t : head.targets) targets.push_back(std::string(name(t)));
    run["properties"] = {{"semantics", std::string(to_string(head.semantics))},
                         {"targets", std::move(targets)}};

    Json log;
    log["$schema"] = kSchemaUri;
    log["version"] = "2.1.0";
    log["runs"] = Json::array({std::move(run)});
    const std::string text = dump(log) + "\n";
    const std::string placeholder = Json(kResultsPlaceholder).dump();
    const std::size_t at = text.find(placeholder);
    const std::size_t line = text.rfind('\n', at);
    indent_ = std::string(at - line - 1, ' ');
    head_ = text.substr(0, line);                   // up to the results' '['
    after_ = text.substr(at + placeholder.size());  // "\n      ]," and the rest
  }

  void array(const ArrayResult&) override {}
  void finding(const Finding& f) override {
    const auto severity = static_cast<std::size_t>(f.severity);
    Held& held = held_[severity];
    ++held.total;
    // A result can never be written once the cap is full of results as severe or
    // more (those held can only grow): it is counted, not rendered.
    std::size_t as_severe = 0;
    for (std::size_t s = severity; s < held_.size(); ++s) as_severe += held_[s].ends.size();
    if (as_severe >= kMaxSarifResults) {
      ++held.past_cap[f.rule->code()];
      return;
    }
    // Every finding's rule comes from the catalogue, so the lookup cannot fail.
    const std::string result = dump(result_json(f, rule_index_.at(f.rule->code()), root_));
    held.spool.append((held.ends.empty() ? "\n" : ",\n") + indent_ + indented_after_first(result, indent_));
    held.ends.push_back(held.spool.size());
    held.codes.push_back(f.rule->code());
  }
  void finish(const ReportSummary& summary, std::span<const Problem> problems,
              std::span<const Skipped>) override {
    out_ << head_;
    // The most severe first, each severity in report order, kMaxSarifResults in all.
    std::size_t room = kMaxSarifResults;
    bool any = false;
    std::array<std::uint64_t, 3> omitted{};
    std::map<std::string_view, std::uint64_t> omitted_by_rule;
    for (std::size_t s = held_.size(); s-- > 0;) {
      Held& held = held_[s];
      const std::size_t written = std::min(room, held.ends.size());
      if (written) {
        if (any) out_ << ',';
        held.spool.copy_to(out_, held.ends[written - 1]);
        any = true;
      }
      room -= written;
      omitted[s] = held.total - written;
      for (std::size_t i = written; i < held.codes.size(); ++i) ++omitted_by_rule[held.codes[i]];
      for (const auto& [code, n] : held.past_cap) omitted_by_rule[code] += n;
    }
    std::string rest = any ? after_ : after_.substr(after_.find(']'));
    const std::string placeholder = Json(kInvocationPlaceholder).dump();
    const std::size_t at = rest.find(placeholder);
    const std::size_t line = rest.rfind('\n', at);
    const std::string indent(at - line - 1, ' ');
    rest.replace(
        at, placeholder.size(),
        indented_after_first(dump(invocation_json(summary, problems, omitted, omitted_by_rule)), indent));
    out_ << rest;
  }

 private:
  // Results of one severity, rendered, in report order.
  struct Held {
    Spool spool;
    std::vector<std::size_t> ends;                       // the spool's size after each result
    std::vector<std::string_view> codes;                 // each result's rule
    std::uint64_t total = 0;                             // results of this severity, kept or not
    std::map<std::string_view, std::uint64_t> past_cap;  // by rule: those never held
  };

  Json invocation_json(const ReportSummary& summary, std::span<const Problem> problems,
                       const std::array<std::uint64_t, 3>& omitted,
                       const std::map<std::string_view, std::uint64_t>& omitted_by_rule) const {
    Json notifications = Json::array();
    // SARIF §3.20.21 and Appendix I: an error-level execution notification says
    // the tool could not run every rule on every target, so the results are not
    // complete. An unreadable input is that.
    std::size_t listed = 0;
    for (const Problem& p : problems) {
      if (listed == kMaxUnreadableNotifications) break;
      ++listed;
      Json n;
      n["level"] = "error";
      n["message"] = {{"text", "not analysed: " + p.location.display() + ": " + p.message}};
      n["locations"] = Json::array({location_json(p.location, root_)});
      n["associatedRule"] = {{"id", "E901"}, {"index", rule_index_.at("E901")}};
      notifications.push_back(std::move(n));
    }
    if (problems.size() > listed) {
      notifications.push_back({{"level", "error"},
                               {"message",
                                {{"text", "not analysed: " + std::to_string(problems.size() - listed) +
                                              " more unreadable inputs (their E901 results name them)"}}},
                               {"associatedRule", {{"id", "E901"}, {"index", rule_index_.at("E901")}}}});
    }
    const std::uint64_t left_out = omitted[0] + omitted[1] + omitted[2];
    if (left_out) {
      // Every input was analysed; only the log is shorter: a warning, not an error.
      std::string text = std::to_string(left_out) +
                         " more results were left out: GitHub code scanning accepts at most " +
                         std::to_string(kMaxSarifResults) +
                         " per run, so this log keeps the most severe (errors, then warnings, then notes, "
                         "each in report order). Left out:";
      const char* names[] = {"notes", "warnings", "errors"};
      bool first = true;
      for (std::size_t s = omitted.size(); s-- > 0;) {
        if (!omitted[s]) continue;
        text += (first ? " " : ", ") + std::to_string(omitted[s]) + " " + names[s];
        first = false;
      }
      text +=
          ". The text and JSON reports list every finding; dtlint scan --statistics counts them per rule.";
      Json by_rule = Json::object();
      for (const auto& [code, n] : omitted_by_rule) by_rule[std::string(code)] = n;
      notifications.push_back({{"level", "warning"},
                               {"message", {{"text", text}}},
                               {"properties",
                                {{"omitted",
                                  {{"error", omitted[static_cast<std::size_t>(Severity::Error)]},
                                   {"warning", omitted[static_cast<std::size_t>(Severity::Warning)]},
                                   {"note", omitted[static_cast<std::size_t>(Severity::Note)]}}},
                                 {"omittedByRule", std::move(by_rule)}}}});
    }
    Json invocation;
    // SARIF §3.20.14: whether the tool succeeded. A scan that read what it could
    // and reported the rest as E901 did; one that could read nothing at all did not.
    invocation["executionSuccessful"] = !(summary.unreadable > 0 && summary.arrays == 0);
    if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
    return invocation;
  }

  // Strings no catalogue text or setting contains (they begin with a control character).
  static constexpr const char* kResultsPlaceholder = "\x01dtlint results\x01";
  static constexpr const char* kInvocationPlaceholder = "\x01dtlint invocation\x01";
  // One notification per unreadable input up to this many, then one for the rest.
  static constexpr std::size_t kMaxUnreadableNotifications = 100;
  fs::path root_;
  std::ostream& out_;
  std::map<std::string_view, std::size_t> rule_index_;  // code → index in driver.rules
  std::string head_, indent_, after_;
  std::array<Held, 3> held_;  // indexed by Severity
};

}  // namespace

std::unique_ptr<ReportStream> sarif_report_stream(const ReportHead& head, const fs::path& root,
                                                  std::ostream& out) {
  return std::make_unique<SarifReportStream>(head, root, out);
}

std::string render_sarif(const Report& report, const fs::path& root) {
  std::ostringstream out;
  SarifReportStream stream(report.head(), root, out);
  stream_report(report, stream);
  return std::move(out).str();
}

}  // namespace dtlint
