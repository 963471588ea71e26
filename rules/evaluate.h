// Turns the scan's facts into findings: each fact goes to the registered
// rules that judge its kind, with the rule settings in force for its path.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "rules/finding.h"

namespace dtlint {

// Findings in a deterministic order: per array (in scan order), by rule code,
// then by target in request order; then refused code (DT203), skipped inputs
// (DT204) and unreadable inputs (E901) in discovery order.
// With a configuration, each finding takes the rule settings in force for its
// path (settings_for): `off` drops it, `severity` replaces the default, and
// options (DT107's `fraction`) replace the rule's defaults.
std::vector<Finding> evaluate(const ScanResult& scan, Semantics semantics, const Config* config = nullptr);

// The same judging one fact at a time, for a scan that streams its arrays:
// called in scan order (every array, then all refused code, then every skipped
// input, then every unreadable one), it appends the findings evaluate() would give, in its order.
class Evaluator {
 public:
  Evaluator(Semantics semantics, const Config* config);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  void array(const ArrayResult& array, std::vector<Finding>& out);
  void refused_code(const RefusedCode& refused, std::vector<Finding>& out);
  void skipped(const Skipped& skipped, std::vector<Finding>& out);
  void problem(const Problem& problem, std::vector<Finding>& out);

 private:
  class RulesInForce;
  Semantics semantics_;
  std::unique_ptr<RulesInForce> rules_in_force_;
};

// A finding of `code` about a whole input or member (E901, DT203, DT204) at its default severity.
Finding input_finding(std::string_view code, Location location, std::string message);

}  // namespace dtlint
