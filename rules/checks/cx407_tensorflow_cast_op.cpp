// CX407 tensorflow-cast-op: TensorFlow C++ cast to a narrower dtype (ops::Cast, DT_HALF, DT_BFLOAT16).
#include "rules/registry.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX407",
    .name = "tensorflow-cast-op",
    .default_severity = Severity::Note,
    .summary = "TensorFlow C++ cast to a narrower dtype (ops::Cast, DT_HALF, DT_BFLOAT16).",
    .what = R"doc(Notes TensorFlow C++ casts to a narrower dtype: ops::Cast nodes whose
destination is DT_HALF, DT_BFLOAT16 or another narrower DataType.)doc",
    .why = R"doc(A Cast node built in C++ runs inside the graph, where no reviewer sees the
values: it rounds float64 to float32 first and then to 16 bits, overflows to inf above
65504 in half and keeps 8 significant bits in bfloat16. The note marks each such place
so that the data reaching it can be checked with the array rules under --semantics
tensorflow.)doc",
    .example = R"doc(auto x16 = ops::Cast(scope, x, DT_HALF);        // CX407: cast to DT_HALF
auto xbf = ops::Cast(scope, x, DT_BFLOAT16);    // CX407: cast to DT_BFLOAT16)doc",
    .fix = R"doc(Check the range of the tensors that reach the cast (scan them with --semantics
tensorflow), keep numerically sensitive ops in float32, then suppress the note with
`// dtlint: ignore[CX407]` once reviewed.)doc",
    .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX407]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class TensorflowCastOp final : public Rule {
 public:
  TensorflowCastOp() : Rule(kDoc, FactKind::CastSite) {}
  void judge_site(SiteJudgement& site) const override {
    const CastSite& s = site.site();
    if (s.kind != CastSiteKind::TensorflowCastOp || !site.target() || !is_low_precision_float(*site.target()))
      return;
    site.add("TensorFlow cast op to " + s.target.spelling + " (" + std::string(dtlint::name(*site.target())) +
             ", rounded through float32): " + site.what_target_keeps());
  }
};

}  // namespace

const Rule& rule_cx407() {
  static const TensorflowCastOp rule;
  return rule;
}

}  // namespace dtlint
