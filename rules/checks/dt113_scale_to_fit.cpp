// DT113 scale-to-fit: A float8 cast fits once the array is scaled by its amax power of two.
#include "analyzer/kernels/float_format.h"
#include "rules/array_judgement.h"
#include "rules/suggestion.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT113",
    .name = "scale-to-fit",
    .default_severity = Severity::Note,
    .summary = "A float8 cast fits once the array is scaled by its amax power of two.",
    .what = R"doc(For a float8 target simulated as a plain cast (--fp8-scale none) whose values
overflow, flush to zero or turn subnormal, dtlint also simulates the cast of x·2^k with
the array's amax scale k = floor(log2(max_finite / max|x|)), exactly, in a second pass.
When that scaled cast does no damage, this note replaces the plain cast's DT101, DT104
and DT105 findings: it names k and the scaled cast's counts.)doc",
    .why = R"doc(FP8 is never used without a scale: float8_e4m3fn spans 2^-9 ≈ 0.00195 to
448, float8_e5m2 2^-16 to 57344, and weights of σ 0.02 sit mostly below e4m3fn's
normal range. Transformer Engine, torchao and every FP8 recipe multiply each tensor by
a power of two chosen from its largest magnitude (amax) before the cast and divide
after. A plain cast overstates the damage; the scaled one is what the deployment does.
float16 casts keep their findings: a pipeline that casts gradients to float16 without
loss scaling loses them, and the finding's suggestion names the loss scale that would
keep them.)doc",
    .example = R"doc(Weights of σ 0.02 with max |x| 0.078 cast to float8_e4m3fn: the plain cast
flushes and turns subnormal most values; k = floor(log2(448 / 0.078)) = 12, and
x·2^12 (max 319) lies in e4m3fn's normal range for nearly all values. DT113 names 2^12
and the scaled cast's counts instead of a DT104 error.)doc",
    .fix = R"doc(Use the scale: store it beside the float8 tensor (scale_inv = 2^-k) as FP8
checkpoints do, and run the scan with --fp8-scale auto to check the casts as deployed.)doc",
    .options = R"doc(--fp8-scale auto simulates float8 targets with the amax scale (then this
note has nothing to say); --targets selects the float8 targets. Configuration:
`severity` changes this rule's level, `off` disables it.)doc",
};

class ScaleToFit final : public Rule {
 public:
  ScaleToFit() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    for (const CastStats& c : array.casts()) {
      if (!needs_only_its_fp8_scale(array.array(), c)) continue;
      const CastStats& scaled = *fitting_rescale(array.array(), c);
      const std::uint64_t damaged = c[CastCounter::Overflow].count + c[CastCounter::UnderflowToZero].count +
                                    c[CastCounter::ToSubnormal].count;
      Finding& f = array.add(c.target, damaged, FirstHit{});
      f.message = "as a plain cast " + array.count_of(damaged) + " overflow, flush or turn subnormal in " +
                  array.cast_name(c.target) + "; scaled by 2^" + std::to_string(scaled.scale_exponent) +
                  " (its amax scale) " + std::to_string(scaled[CastCounter::Overflow].count) + " overflow, " +
                  std::to_string(scaled[CastCounter::UnderflowToZero].count) + " flush to zero and " +
                  std::to_string(scaled[CastCounter::ToSubnormal].count) + " are subnormal";
      f.suggestion = "store the scale 2^" + std::to_string(-scaled.scale_exponent) +
                     " beside the tensor and check the scaled cast with --fp8-scale auto";
    }
  }
};

}  // namespace

const Rule& rule_dt113() {
  static const ScaleToFit rule;
  return rule;
}

}  // namespace dtlint
