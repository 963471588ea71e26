// CX404 constant-precision-loss: A compile-time constant changes value beyond tolerance in its destination
// type.
#include <cmath>
#include <cstdio>

#include "analyzer/kernels/float_format.h"
#include "rules/registry.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX404",
    .name = "constant-precision-loss",
    .default_severity = Severity::Warning,
    .summary = "A compile-time constant changes value beyond tolerance in its destination type.",
    .what = R"doc(Evaluates constant operands with Clang's constant evaluator, runs them through
the cast kernels used for arrays, and reports constants whose value changes in the
destination type beyond ordinary rounding: an integer that the float type does not
hold exactly (16777217 in float), a value flushed to zero or left subnormal, a relative
error beyond the target's unit roundoff (DT106's default tolerance), and a fraction an
implicit conversion to an integer truncates (int n = 2.5).)doc",
    .why = R"doc(Epsilons, learning rates and scale factors are written in decimal for a wide
type; in half, 1e-7 becomes 1.19e-7 (19% larger) and 1e-8 becomes 0, so an epsilon meant
to prevent a division by zero no longer does. Being a constant, the error affects every
run and no change of data fixes it.)doc",
    .example = R"doc(const _Float16 kEps = 1e-7;    // CX404: becomes 1.1920929e-07 (subnormal, 19.2% off)
const _Float16 kTiny = 1e-8;   // CX404: becomes 0
float id = 16777217;           // CX404: becomes 16777216
Eigen::half h(2049.0);         // CX404: becomes 2048)doc",
    .fix = R"doc(Use a constant the destination represents within tolerance (float16's smallest
normal value is 2^-14 ≈ 6.10e-5), or keep the constant and the computation using it in
float.)doc",
    .options = R"doc(Rounding within half a unit in the last place is not reported, and neither
is an explicit cast to an integer (truncation is its point). --semantics does not apply:
Eigen's types round through float32 as tf.cast does, c10's as Tensor.to does, built-in
types once. -p BUILD_DIR names the compile_commands.json; `// dtlint: ignore[CX404]` on
the line or the line above suppresses one site. Configuration: `severity` changes this
rule's level, `off` disables it.)doc",
};

class ConstantPrecisionLoss final : public Rule {
 public:
  ConstantPrecisionLoss() : Rule(kDoc, FactKind::CastSite) {}
  void judge_site(SiteJudgement& site) const override {
    const CastSite& s = site.site();
    if (!judged_by_value(s)) return;
    const DType from = *site.source(), to = *site.target();
    const SimulatedConstant& simulated = *s.simulated;
    const long double value = s.constant->value;
    if (!simulated.result || *simulated.result == value || std::isnan(value)) return;
    const long double result = *simulated.result;
    const std::string becomes = "constant " + site.constant_text() + " becomes " + format_value(result, to) +
                                " in '" + s.target.spelling + "'";
    if (is_integer(to)) {
      // An explicit cast truncates on purpose; out of range is CX403's.
      if (is_float(from) && s.kind == CastSiteKind::Implicit)
        site.add(becomes + ": the fraction is truncated toward zero");
      return;
    }
    if (!is_float(to) || to == DType::LongDouble || simulated.stats[CastCounter::Overflow].count) return;
    const FloatFormat& format = float_format(to);
    const std::string target_name(dtlint::name(to));
    if (holds_an_integer(value, from)) {
      site.add(becomes + ": " + target_name + " holds every integer only up to 2^" +
               std::to_string(format.fraction_bits + 1) + " = " +
               format_number(std::ldexp(1.0L, format.fraction_bits + 1)));
    } else if (result == 0) {
      site.add(becomes + ", flushed to zero: " + target_name + "'s smallest nonzero value is " +
               format_value(format.min_subnormal, to));
    } else if (simulated.stats[CastCounter::ToSubnormal].count ||
               simulated.stats[CastCounter::ToleranceExceeded].count) {
      const long double error = std::fabs(result - value) / std::fabs(value);
      char percent[32];
      std::snprintf(percent, sizeof percent, "%.3Lg%%", 100 * error);
      site.add(becomes + ", a relative error of " + percent +
               (simulated.stats[CastCounter::ToSubnormal].count
                    ? " (subnormal: below " + target_name + "'s smallest normal value " +
                          format_number(format.min_normal) + " fewer bits remain)"
                    : " (beyond rounding's " + format_number(100 * format.unit_roundoff) + "%)"));
    }
    // Otherwise ordinary rounding within a half unit in the last place: silent.
  }

 private:
  // An integer the source type holds exactly: an integer type's value, or an
  // integral float value within the range where the float holds every integer
  // (a float64 up to 2^53): written as an integer, meant as one.
  static bool holds_an_integer(long double value, DType source) {
    if (is_integer(source)) return true;
    if (!std::isfinite(value) || value != std::trunc(value)) return false;
    if (!is_float(source) || source == DType::LongDouble) return std::fabs(value) <= 0x1p64L;
    return std::fabs(value) <= std::ldexp(1.0L, float_format(source).fraction_bits + 1);
  }
};

}  // namespace

const Rule& rule_cx404() {
  static const ConstantPrecisionLoss rule;
  return rule;
}

}  // namespace dtlint
