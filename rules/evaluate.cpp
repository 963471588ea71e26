#include "rules/evaluate.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "rules/array_judgement.h"
#include "rules/baseline.h"
#include "rules/registry.h"
#include "rules/site_judgement.h"
#include "rules/suggestion.h"

namespace dtlint {

// The rule settings in force for each path: its configuration's top level,
// unless per_path entries of that configuration make them depend on the path.
class Evaluator::RulesInForce {
 public:
  explicit RulesInForce(ConfigLookup config_for) : config_for_(std::move(config_for)) {}
  const std::map<std::string, RuleSetting>& at(const std::string& path) {
    if (!config_for_) return none_;
    if (current_ && path == resolved_for_) return *current_;  // findings come grouped by file
    const Config* config = config_for_(path);
    resolved_for_ = path;
    if (!config) {
      current_ = &none_;
    } else if (config->per_path.empty()) {
      current_ = &config->settings.rules;
    } else {
      std::unique_ptr<PathSettings>& compiled = path_settings_[config];
      if (!compiled) compiled = std::make_unique<PathSettings>(*config);  // per_path globs compiled once
      resolved_ = compiled->at(path_from(path, config->root)).rules;
      current_ = &resolved_;
    }
    return *current_;
  }

 private:
  ConfigLookup config_for_;
  std::map<const Config*, std::unique_ptr<PathSettings>> path_settings_;
  const std::map<std::string, RuleSetting> none_;
  std::map<std::string, RuleSetting> resolved_;
  const std::map<std::string, RuleSetting>* current_ = nullptr;
  std::string resolved_for_;
};

namespace {

const RuleSetting* setting_of(const Rule& rule, const std::map<std::string, RuleSetting>& rules) {
  if (rules.empty()) return nullptr;  // the usual case: no rule configured
  const auto it = rules.find(std::string(rule.code()));
  return it == rules.end() ? nullptr : &it->second;
}

// Adds an input finding unless its rule is off; the configured severity applies.
void add_input_finding(std::vector<Finding>& out, Finding finding,
                       const std::map<std::string, RuleSetting>& rules) {
  const RuleSetting* setting = setting_of(*finding.rule, rules);
  if (setting && setting->off) return;
  if (setting && setting->severity) finding.severity = *setting->severity;
  out.push_back(std::move(finding));
}

}  // namespace

// The rules that report damage a cast does (DT101-DT110, DT114), whose findings name a fix.
bool names_damage(const Rule& rule) {
  const std::string_view code = rule.code();
  return (code >= "DT101" && code <= "DT110") || code == "DT114";
}

Finding input_finding(std::string_view code, Location location, std::string message) {
  Finding f;
  f.rule = find_rule(code);
  f.severity = f.rule->default_severity();
  f.location = std::move(location);
  f.message = std::move(message);
  return f;
}

Evaluator::Evaluator(Semantics semantics, const Config* config)
    : Evaluator(semantics, config ? ConfigLookup([config](const std::string&) { return config; }) : nullptr) {
}

Evaluator::Evaluator(Semantics semantics, ConfigLookup config_for)
    : semantics_(semantics),
      rules_in_force_(std::make_unique<RulesInForce>(std::move(config_for))),
      plans_(std::make_unique<PlanJudgement>(
          [this](const std::string& path) -> const std::map<std::string, RuleSetting>& {
            return rules_in_force_->at(path);
          },
          [this](const ArrayResult& array, std::size_t cast, bool with_tolerance) {
            return cast_errors(array, cast, with_tolerance);
          })) {}

Evaluator::~Evaluator() = default;

void Evaluator::expect_plan(const CastPlan& plan) {
  plans_->expect(plan);
}

void Evaluator::judge(const ArrayResult& array, Semantics semantics, std::vector<Finding>& out) {
  const auto& rules = rules_in_force_->at(array.location.path);
  const FactKind kind = array.dtype == DType::Object ? FactKind::ObjectArray : FactKind::ArrayAnalysis;
  for (const Rule* rule : rule_registry()) {
    if (rule->kind() != kind) continue;
    const RuleSetting* setting = setting_of(*rule, rules);
    if (setting && setting->off) continue;
    const std::size_t first = out.size();
    ArrayJudgement judgement(*rule, array, semantics, setting, out);
    rule->judge(judgement);
    // The damage rules' findings name the fix the run's simulations found.
    if (names_damage(*rule)) {
      for (std::size_t f = first; f < out.size(); ++f) {
        if (out[f].suggestion.empty()) out[f].suggestion = suggest_fix(array, out[f]);
      }
    }
  }
}

void Evaluator::array(const ArrayResult& array, std::vector<Finding>& out) {
  const std::vector<CastStats>& casts = array.analysis.casts;
  // A nested configuration's profile reaches its files' own casts (CastRequest::semantics): judged under it.
  const auto ordinary_cast =
      std::find_if(casts.begin(), casts.end(), [](const CastStats& c) { return !c.declared_only; });
  const Semantics profile =
      ordinary_cast == casts.end() ? semantics_ : ordinary_cast->semantics.value_or(semantics_);
  if (std::none_of(casts.begin(), casts.end(), [](const CastStats& c) { return c.declared_only; })) {
    judge(array, profile, out);
  } else {
    // The DT rules judge the scan's targets only; a cast asked for by a declaration alone is the PL rules'.
    ArrayResult ordinary = array;
    std::erase_if(ordinary.analysis.casts, [](const CastStats& c) { return c.declared_only; });
    ordinary.declared.clear();
    judge(ordinary, profile, out);
  }
  if (!array.declared.empty()) plans_->array(array, out);
}

std::vector<Finding> Evaluator::cast_errors(const ArrayResult& array, std::size_t cast, bool with_tolerance) {
  ArrayResult one = array;
  one.declared.clear();
  one.analysis.casts = {array.analysis.casts.at(cast)};
  one.analysis.casts.front().declared_only = false;
  std::vector<Finding> found;
  judge(one, one.analysis.casts.front().semantics.value_or(semantics_), found);
  std::erase_if(found, [with_tolerance](const Finding& f) {
    const std::string_view code = f.rule->code();
    if (!code.starts_with("DT1")) return true;
    return !(f.severity == Severity::Error || (with_tolerance && code == "DT106"));
  });
  return found;
}

void Evaluator::plan_end(std::vector<Finding>& out) {
  plans_->finish(out);
}

void Evaluator::refused_code(const RefusedCode& r, std::vector<Finding>& out) {
  add_input_finding(out, input_finding("DT203", r.location, r.reason), rules_in_force_->at(r.location.path));
}

void Evaluator::skipped(const Skipped& s, std::vector<Finding>& out) {
  const std::string what = s.location.member ? "member '" + *s.location.member + "'" : std::string("input");
  add_input_finding(out, input_finding("DT204", s.location, "skipped " + what + ": " + s.reason),
                    rules_in_force_->at(s.location.path));
}

void Evaluator::problem(const Problem& p, std::vector<Finding>& out) {
  plans_->problem(p.location);
  const std::string where =
      p.location.path + (p.location.member ? " member '" + *p.location.member + "'" : "");
  add_input_finding(out, input_finding("E901", p.location, "cannot read " + where + ": " + p.message),
                    rules_in_force_->at(p.location.path));
}

namespace {

// A source line as a baseline remembers it: without its comment, its runs of
// white space as one space, trimmed, so that re-indenting or editing a comment does not
// make a finding new.
std::string normalised_line(std::string_view line) {
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == '\\' && i + 1 < line.size()) {
        out += c;
        out += line[++i];
        continue;
      }
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '/' && i + 1 < line.size() && (line[i + 1] == '/' || line[i + 1] == '*')) {
      break;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

void Evaluator::cast_site(const CastSite& site, std::vector<Finding>& out) {
  const auto& rules = rules_in_force_->at(site.location.path);
  if (site.location.path != occurrences_path_) {
    occurrences_path_ = site.location.path;
    occurrences_.clear();
  }
  std::optional<std::string> line_identity;  // made once, for the first finding
  for (const Rule* rule : rule_registry()) {
    if (rule->kind() != FactKind::CastSite) continue;
    const RuleSetting* setting = setting_of(*rule, rules);
    if (setting && setting->off) continue;
    const std::size_t first = out.size();
    SiteJudgement judgement(*rule, site, setting, out);
    rule->judge_site(judgement);
    for (std::size_t f = first; f < out.size();) {
      // `// dtlint: ignore[CODE]` on the line or the line above.
      if (ignore_comment_names(site.line_text, rule->code()) ||
          ignore_comment_names(site.previous_line_text, rule->code())) {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(f));
        continue;
      }
      // A baseline knows the finding by its line's text, not its number: the
      // same text twice in a file is told apart by its place among them.
      if (!line_identity) line_identity = "source:" + normalised_line(site.line_text);
      std::string identity = *line_identity;
      const std::size_t seen = ++occurrences_[std::string(rule->code()) + '\0' + identity];
      if (seen > 1) identity += "#" + std::to_string(seen);
      out[f].identity = std::move(identity);
      ++f;
    }
  }
}

std::vector<Finding> evaluate(const ScanResult& scan, Semantics semantics, const Config* config) {
  std::vector<Finding> findings;
  Evaluator evaluator(semantics, config);
  for (const ArrayResult& array : scan.arrays) evaluator.array(array, findings);
  for (const CastSite& site : scan.cast_sites) evaluator.cast_site(site, findings);
  for (const RefusedCode& r : scan.code_refused) evaluator.refused_code(r, findings);
  for (const Skipped& s : scan.skipped) evaluator.skipped(s, findings);
  for (const Problem& p : scan.problems) evaluator.problem(p, findings);
  evaluator.plan_end(findings);
  return findings;
}

}  // namespace dtlint
