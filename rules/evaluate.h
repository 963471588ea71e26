// Turns the scan's facts into findings: each fact goes to the registered
// rules that judge its kind, with the rule settings in force for its path.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "rules/finding.h"
#include "rules/plan_judgement.h"

namespace dtlint {

// Findings in a deterministic order: per array (in scan order), by rule code,
// then by target in request order, then the array's PL301/PL302; then C/C++ cast sites
// (CX rules, by location); then refused
// code (DT203), skipped inputs (DT204) and unreadable inputs (E901) in
// discovery order; then PL303 and PL304.
// With a configuration, each finding takes the rule settings in force for its
// path (settings_for): `off` drops it, `severity` replaces the default, and
// options (DT107's `fraction`) replace the rule's defaults.
std::vector<Finding> evaluate(const ScanResult& scan, Semantics semantics, const Config* config = nullptr);

// The same judging one fact at a time, for a scan that streams its arrays:
// called in scan order (every array, then all refused code, then every skipped
// input, then every unreadable one), it appends the findings evaluate() would give, in its order.
class Evaluator {
 public:
  // The configuration in force for a path (nested configurations: the nearest
  // file's); nullptr: none, every rule at its defaults. Called once per path in a row.
  using ConfigLookup = std::function<const Config*(const std::string& path)>;

  // One configuration (or none) for every path.
  Evaluator(Semantics semantics, const Config* config);
  // Each path's rule settings from its own configuration, per_path globs relative to its root.
  Evaluator(Semantics semantics, ConfigLookup config_for);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // The run's declared casts (before the first array): see PlanJudgement.
  void expect_plan(const CastPlan& plan);
  // The DT rules judge an array's ordinary casts; its declared casts go to the
  // PL rules (PL301, PL302 here; PL303, PL304 in plan_end).
  void array(const ArrayResult& array, std::vector<Finding>& out);
  void refused_code(const RefusedCode& refused, std::vector<Finding>& out);
  void skipped(const Skipped& skipped, std::vector<Finding>& out);
  void problem(const Problem& problem, std::vector<Finding>& out);
  // A cast in C/C++ source: the CX rules (after the arrays, in the scan's order).
  void cast_site(const CastSite& site, std::vector<Finding>& out);
  // After everything else: the PL findings that need the whole scan.
  void plan_end(std::vector<Finding>& out);

 private:
  class RulesInForce;
  void judge(const ArrayResult& array, Semantics semantics, std::vector<Finding>& out);
  std::vector<Finding> cast_errors(const ArrayResult& array, std::size_t cast, bool with_tolerance);
  Semantics semantics_;
  std::unique_ptr<RulesInForce> rules_in_force_;
  std::unique_ptr<PlanJudgement> plans_;
  // Per rule and normalised source line, how many cast-site findings of the
  // current file carry it (baseline identities).
  std::string occurrences_path_;
  std::map<std::string, std::size_t> occurrences_;
};

// A finding of `code` about a whole input or member (E901, DT203, DT204) at its default severity.
Finding input_finding(std::string_view code, Location location, std::string message);

}  // namespace dtlint
