// CX405 float-to-int-truncation: Implicit floating to integer conversion.
#include "rules/registry.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX405",
    .name = "float-to-int-truncation",
    .default_severity = Severity::Warning,
    .summary = "Implicit floating to integer conversion.",
    .what = R"doc(Finds implicit conversions in C and C++ sources from a floating type to an
integer type.)doc",
    .why = R"doc(The conversion truncates toward zero (2.7 becomes 2, -2.7 becomes -2) and is
undefined behaviour when the truncated value does not fit or is NaN; x86 then gives
-2147483648 for int32. Written implicitly it is easily mistaken for rounding: 0.29 * 100
is 28.999999999999996 in double, and becomes 28.)doc",
    .example = R"doc(double rate = 0.29;
int percent = rate * 100;   // CX405: 28, not 29)doc",
    .fix = R"doc(Round explicitly (std::lround, std::floor, std::ceil) after checking the range,
or write static_cast<int>(x) where truncation is intended.)doc",
    .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX405]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class FloatToIntTruncation final : public Rule {
 public:
  FloatToIntTruncation() : Rule(kDoc, FactKind::CastSite) {}
  void judge_site(SiteJudgement& site) const override {
    const CastSite& s = site.site();
    if (s.kind != CastSiteKind::Implicit || judged_by_value(s) || !site.source() || !site.target()) return;
    const DType from = *site.source(), to = *site.target();
    if (!is_float(from) || !is_integer(to)) return;
    site.add("implicit conversion from " + site.types() + " truncates toward zero (2.7 becomes 2); " +
             "a value outside " + range_text(to) + ", NaN or ±inf is undefined behaviour");
  }
};

}  // namespace

const Rule& rule_cx405() {
  static const FloatToIntTruncation rule;
  return rule;
}

}  // namespace dtlint
