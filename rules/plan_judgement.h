// Judging declared casts (DESIGN §5; PL301–PL304): what a configuration or a
// model file says will be done to some data, against what the scan found
// that cast does to it. Findings sit at the declaration (a config line, an
// ONNX node) and name the data they are about (Finding::related).
//
// PL301 and PL302 are judged per array as the scan hands it over; PL304
// (a model's declared precision) is one finding per declaration over all
// its weights, and PL303 (a source naming nothing) needs the whole scan: both
// come at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/pipeline/declaration.h"
#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "rules/finding.h"

namespace dtlint {

class PlanJudgement {
 public:
  // The rule settings in force at a path (the finding's location).
  // The reference may change at the next call.
  using RulesAt = std::function<const std::map<std::string, RuleSetting>&(const std::string& path)>;
  // The DT1xx findings at error severity that cast `cast` of `array` gives on
  // its own (DT106 too when `with_tolerance`: the declaration set a tolerance).
  using CastErrors =
      std::function<std::vector<Finding>(const ArrayResult& array, std::size_t cast, bool with_tolerance)>;

  PlanJudgement(RulesAt rules_at, CastErrors cast_errors);
  ~PlanJudgement();
  PlanJudgement(const PlanJudgement&) = delete;
  PlanJudgement& operator=(const PlanJudgement&) = delete;

  // The plan's declarations with the files they cover, before the scan: a
  // declaration that then covers no array is a PL303; its missing sources are.
  void expect(const CastPlan& plan);
  void array(const ArrayResult& array, std::vector<Finding>& out);
  // An input that could not be read: declarations covering it are not also "matching nothing".
  void problem(const Location& location);
  // PL303 and PL304, in declaration order.
  void finish(std::vector<Finding>& out);

 private:
  struct Tally;
  Tally& tally(const std::shared_ptr<const CastDeclaration>& declaration);
  void add(std::vector<Finding>& out, Finding finding) const;

  RulesAt rules_at_;
  CastErrors cast_errors_;
  std::vector<std::unique_ptr<Tally>> tallies_;  // in the order declarations were first seen
  std::map<const CastDeclaration*, Tally*> by_declaration_;
  std::map<std::string, std::vector<Tally*>> by_file_;  // expected files → their declarations
  std::vector<MissingSource> missing_;
};

}  // namespace dtlint
