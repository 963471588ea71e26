// CX401 narrowing-float-conversion: Implicit conversion to a narrower floating type.
#include "rules/registry.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX401",
    .name = "narrowing-float-conversion",
    .default_severity = Severity::Warning,
    .summary = "Implicit conversion to a narrower floating type.",
    .what = R"doc(Finds implicit conversions in C and C++ sources to a narrower floating type:
double→float, and float or double→half, bfloat16 or float8 types (_Float16, __fp16,
__bf16, CUDA __half / __nv_bfloat16, ...).)doc",
    .why = R"doc(An implicit conversion hides the precision loss in ordinary-looking code: float
keeps 24 of double's 53 significant bits (0.1 becomes 0.100000001490116...), half keeps
11 and overflows above 65504, bfloat16 keeps 8. Nothing in the code shows that the range
was considered.)doc",
    .example = R"doc(double scale = 0.1;
float s = scale;      // CX401: double→float, s == 0.100000001490116119384765625
_Float16 h = s;       // CX401: float→_Float16, inf for |s| above 65504)doc",
    .fix = R"doc(Keep the wider type, or make the conversion explicit (static_cast<float>(x))
after checking the range; explicit casts to 16- and 8-bit types are still noted by
CX402.)doc",
    .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX401]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class NarrowingFloatConversion final : public Rule {
 public:
  NarrowingFloatConversion() : Rule(kDoc, FactKind::CastSite) {}
  void judge_site(SiteJudgement& site) const override {
    const CastSite& s = site.site();
    if (s.kind != CastSiteKind::Implicit || judged_by_value(s) || !site.source() || !site.target()) return;
    const DType from = *site.source(), to = *site.target();
    if (!is_float(from) || !is_float(to) || !may_change_value(from, to)) return;
    site.add("implicit conversion from " + site.types() + " narrows: " + site.what_target_keeps());
  }
};

}  // namespace

const Rule& rule_cx401() {
  static const NarrowingFloatConversion rule;
  return rule;
}

}  // namespace dtlint
