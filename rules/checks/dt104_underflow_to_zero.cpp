// DT104 underflow-to-zero: A nonzero finite value becomes ±0 in a float target.
#include "analyzer/kernels/float_format.h"
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT104",
    .name = "underflow-to-zero",
    .default_severity = Severity::Warning,
    .summary = "A nonzero finite value becomes ±0 in a float target.",
    .what = R"doc(Counts the nonzero finite values that become +0 or -0 when cast to a
floating-point target.

Its level follows the share of the array's values flushed: a note below 1% (a few
tiny weights, as every float16 model has: 1e-8 beside weights of σ 0.02 changes
nothing), a warning from 1%, an error from 50% (most of a gradient: training stops).
The values that turn subnormal in the same cast are counted in the same finding (one
cause: below the normal range). A float8 cast whose amax rescaling fits is DT113's.)doc",
    .why = R"doc(float16's smallest positive value is the subnormal 2^-24 ≈ 5.96e-8, so every
magnitude up to half of it, 2^-25 ≈ 2.98e-8, rounds to zero; bfloat16 stops at 2^-133 ≈
9.18e-41 and float32 at 2^-149 ≈ 1.40e-45. Small gradients, probabilities, variances and
epsilons become exactly 0, which turns divisions into inf and logarithms into -inf and
silently stops updates - the reason mixed-precision training scales the loss.)doc",
    .example = R"doc(>>> np.array([1e-8, 2**-25, 3e-8]).astype(np.float16)
array([0.e+00, 0.e+00, 6.e-08], dtype=float16)

DT104 counts 2 of 3 values: 2^-25 is a tie and rounds to even, 0; 3e-8 rounds up to
2^-24.)doc",
    .fix = R"doc(Scale the values into the target's normal range before the cast (loss scaling,
a power-of-two factor, or log-values), keep small quantities such as epsilons and
variances in float32, or use bfloat16, whose exponent range is float32's.)doc",
    .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

constexpr auto kOptions = share_options(0.01, 0.5);

class UnderflowToZero final : public Rule {
 public:
  UnderflowToZero() : Rule(kDoc, FactKind::ArrayAnalysis, kOptions) {}
  void judge(ArrayJudgement& array) const override {
    array.for_each_cast_deferring_fp8_scale(
        CastCounter::UnderflowToZero, [&](const CastStats& c, std::uint64_t n) {
          const FloatFormat& format = float_format(c.target);
          std::string text = array.count_of(n) + " flush to zero in " + array.cast_name(c.target);
          if (const std::uint64_t subnormal = c[CastCounter::ToSubnormal].count)
            text += ", " + std::to_string(subnormal) + (subnormal == 1 ? " more lands" : " more land") +
                    " in its subnormal range";
          if (const auto& abs_min = array.source().abs_min_nonzero) {
            text += " (min |x| " + format_number(*abs_min) + "; " + std::string(dtlint::name(c.target)) +
                    "'s smallest subnormal is " + format_number(format.min_subnormal) + ")";
          }
          return text;
        });
  }
};

}  // namespace

const Rule& rule_dt104() {
  static const UnderflowToZero rule;
  return rule;
}

}  // namespace dtlint
