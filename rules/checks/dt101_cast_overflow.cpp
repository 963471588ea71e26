// DT101 cast-overflow: A finite value becomes ±inf when cast to a float target.
#include "analyzer/kernels/float_format.h"
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT101",
    .name = "cast-overflow",
    .default_severity = Severity::Error,
    .summary = "A finite value becomes ±inf when cast to a float target.",
    .what = R"doc(Counts the finite source values whose cast to a floating-point target is ±inf:
their magnitude, after rounding, exceeds the target's largest finite value.

The finding names the fix the run simulated: the narrowest other target that keeps
every value (bfloat16 for float16 overflows), the power-of-two scale that makes the
cast fit, or, for a source's own extreme (float32's -3.4e38 as a mask fill), the
target's. A float8 cast whose amax rescaling fits is DT113's.)doc",
    .why = R"doc(float16's largest finite value is 65504; everything that rounds above it, from
65520 up, becomes inf (float8_e5m2 stops at 57344, bfloat16 at ≈ 3.39e38, float32 at ≈
3.40e38). One inf turns every sum, mean and matrix product it touches into inf, or into
NaN as soon as inf - inf or 0 × inf occurs. NumPy only emits a RuntimeWarning; tf.cast
and Tensor.to say nothing.)doc",
    .example = R"doc(>>> x = np.array([70000.0, 65504.0, 65519.0, 65520.0])
>>> x.astype(np.float16)
array([   inf, 65504., 65504.,    inf], dtype=float16)

DT101 counts 2 of 4 values: 70000 and 65520, which rounds up past 65504.)doc",
    .fix = R"doc(Rescale before the cast (normalise, or store a scale factor beside float16
data), clip with np.clip(x, -65504, 65504) where saturation is acceptable, or choose a
target with more range: bfloat16 has float32's exponent range at the cost of precision.)doc",
    .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class CastOverflow final : public Rule {
 public:
  CastOverflow() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    array.for_each_cast_deferring_fp8_scale(CastCounter::Overflow, [&](const CastStats& c, std::uint64_t n) {
      const FloatFormat& format = float_format(c.target);
      std::string text =
          array.count_of(n) + " overflow to " +
          (format.has_infinity ? "±inf"
                               : "NaN (" + std::string(dtlint::name(c.target)) + " has no infinity)") +
          " in " + array.cast_name(c.target);
      if (const auto& abs_max = array.source().abs_max)
        text += " (max |x| " + format_number(*abs_max) + " > " + format_number(format.max_finite) + ")";
      return text;
    });
  }
};

}  // namespace

const Rule& rule_dt101() {
  static const CastOverflow rule;
  return rule;
}

}  // namespace dtlint
