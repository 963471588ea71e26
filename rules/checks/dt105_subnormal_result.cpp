// DT105 subnormal-result: A value lands in the target's subnormal range, below its normal precision.
#include "analyzer/kernels/float_format.h"
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT105",
    .name = "subnormal-result",
    .default_severity = Severity::Warning,
    .summary = "A value lands in the target's subnormal range, below its normal precision.",
    .what = R"doc(Counts the nonzero results that land in the target's subnormal range, below
its smallest normal value (float16: 2^-14 ≈ 6.10e-5; bfloat16 and float32: 2^-126 ≈
1.18e-38).

Its level follows the share of the array's values: a note below 5% (trained weights of
σ 0.02 put about 0.2% of their values below float16's 6.1e-5, harmlessly: their error,
at most 2^-25, is far below the weights' own rounding), a warning from 5%, an error
from 50%. A cast that also flushes values reports them all under DT104; a float8 cast
whose amax rescaling fits is DT113's.)doc",
    .why = R"doc(Subnormals trade precision for range: float16 subnormals are spaced a fixed
2^-24 ≈ 5.96e-8 apart, so 1e-6 becomes 1.013e-6 (1.3% off) and 1e-7 becomes 1.19e-7 (19%
off), where normal float16 values are within 2^-11 ≈ 0.05%. Hardware running in
flush-to-zero / denormals-are-zero mode treats them as 0, so results also depend on the
device.)doc",
    .example = R"doc(>>> x = np.array([1e-6, 1e-7, 6e-5])
>>> x.astype(np.float16).astype(np.float64)
array([1.01327896e-06, 1.19209290e-07, 6.00218773e-05])

DT105 counts all 3 values for float16: each is below 2^-14 ≈ 6.10e-5.)doc",
    .fix = R"doc(Rescale into the normal range before the cast (multiplying by a power of two is
exact), keep small-magnitude quantities in float32, or use bfloat16, whose smallest
normal value is float32's, 2^-126 ≈ 1.18e-38.)doc",
    .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

constexpr auto kOptions = share_options(0.05, 0.5);

class SubnormalResult final : public Rule {
 public:
  SubnormalResult() : Rule(kDoc, FactKind::ArrayAnalysis, kOptions) {}
  void judge(ArrayJudgement& array) const override {
    for (const CastStats& c : array.casts()) {
      const Counter& hits = c[CastCounter::ToSubnormal];
      // Values below the normal range that also flush to zero are one cause: DT104 reports both.
      if (hits.count == 0 || c[CastCounter::UnderflowToZero].count != 0) continue;
      if (array.defers_to_fp8_scale(c)) continue;  // DT113's
      const FloatFormat& format = float_format(c.target);
      Finding& f = array.add(c.target, hits.count, hits.first);
      f.message = array.count_of(hits.count) + " land in " + std::string(dtlint::name(c.target)) +
                  "'s subnormal range (|result| < " + format_number(format.min_normal) + ", fewer than " +
                  std::to_string(format.fraction_bits + 1) + " significant bits) in " +
                  array.cast_name(c.target);
    }
  }
};

}  // namespace

const Rule& rule_dt105() {
  static const SubnormalResult rule;
  return rule;
}

}  // namespace dtlint
