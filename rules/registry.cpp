#include "rules/registry.h"

#include <array>
#include <cstddef>
#include <cstdio>
#include <vector>

#include "document/spelling.h"

namespace dtlint {

// One function per rule, defined in its own file under rules/checks/.
const Rule& rule_dt101();
const Rule& rule_dt102();
const Rule& rule_dt103();
const Rule& rule_dt104();
const Rule& rule_dt105();
const Rule& rule_dt106();
const Rule& rule_dt107();
const Rule& rule_dt108();
const Rule& rule_dt109();
const Rule& rule_dt110();
const Rule& rule_dt111();
const Rule& rule_dt112();
const Rule& rule_dt113();
const Rule& rule_dt114();
const Rule& rule_dt201();
const Rule& rule_dt202();
const Rule& rule_dt203();
const Rule& rule_dt204();
const Rule& rule_dt205();
const Rule& rule_pl301();
const Rule& rule_pl302();
const Rule& rule_pl303();
const Rule& rule_pl304();
const Rule& rule_cx401();
const Rule& rule_cx402();
const Rule& rule_cx403();
const Rule& rule_cx404();
const Rule& rule_cx405();
const Rule& rule_cx406();
const Rule& rule_cx407();
const Rule& rule_e901();

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::span<const Rule* const> rule_registry() {
  // Adding a rule: its file under rules/checks/, one line here in code order,
  // and the file in rules/CMakeLists.txt (see docs/contributing.md).
  static const std::array<const Rule*, 31> rules{
      &rule_dt101(), &rule_dt102(), &rule_dt103(), &rule_dt104(), &rule_dt105(), &rule_dt106(), &rule_dt107(),
      &rule_dt108(), &rule_dt109(), &rule_dt110(), &rule_dt111(), &rule_dt112(), &rule_dt113(), &rule_dt114(),
      &rule_dt201(), &rule_dt202(), &rule_dt203(), &rule_dt204(), &rule_dt205(), &rule_pl301(), &rule_pl302(),
      &rule_pl303(), &rule_pl304(), &rule_cx401(), &rule_cx402(), &rule_cx403(), &rule_cx404(), &rule_cx405(),
      &rule_cx406(), &rule_cx407(), &rule_e901(),
  };
  return rules;
}

const Rule* find_rule(std::string_view code_or_name) {
  for (const Rule* rule : rule_registry()) {
    if (equals_ignoring_case(rule->code(), code_or_name) ||
        equals_ignoring_case(rule->name(), code_or_name)) {
      return rule;
    }
  }
  return nullptr;
}

std::string rule_suggestion(std::string_view written) {
  std::vector<std::string_view> candidates;
  for (const Rule* rule : rule_registry()) candidates.push_back(rule->code());
  for (const Rule* rule : rule_registry()) candidates.push_back(rule->name());
  return did_you_mean(written, candidates);
}

const RuleOption* Rule::option(std::string_view option_name) const {
  for (const RuleOption& o : options_) {
    if (o.name == option_name) return &o;
  }
  return nullptr;
}

namespace {

std::string option_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

std::string rule_options_text(const Rule& rule) {
  std::string text(rule.doc().options);
  for (const RuleOption& o : rule.options()) {
    text += "\n\n`" + std::string(o.name) + "` (a number from " + option_number(o.min) + " to " +
            option_number(o.max) + "; default " + option_number(o.default_value) + "): " + std::string(o.doc);
  }
  return text;
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";  // unreachable for valid enumerators
}

std::optional<Severity> severity_from_string(std::string_view text) {
  for (Severity severity : {Severity::Note, Severity::Warning, Severity::Error}) {
    if (text == to_string(severity)) return severity;
  }
  return std::nullopt;
}

std::string_view to_string(FactKind kind) {
  switch (kind) {
    case FactKind::ArrayAnalysis: return "array analysis";
    case FactKind::ObjectArray: return "object array";
    case FactKind::SkippedInput: return "skipped input";
    case FactKind::UnreadableInput: return "unreadable input";
    case FactKind::Suppression: return "suppression";
    case FactKind::CastPlan: return "cast plan";
    case FactKind::CastSite: return "cast site";
  }
  return "array analysis";  // unreachable for valid enumerators
}

}  // namespace dtlint
