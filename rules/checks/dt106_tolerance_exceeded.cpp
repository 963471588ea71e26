// DT106 tolerance-exceeded: An element fails |cast(x) - x| ≤ atol + rtol × |x| for its target's tolerance.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT106",
    .name = "tolerance-exceeded",
    .default_severity = Severity::Warning,
    .summary = "An element fails |cast(x) - x| ≤ atol + rtol × |x| for its target's tolerance.",
    .what = R"doc(Counts the finite values with a finite result for which
|cast(x) - x| > atol + rtol × |x|, i.e. numpy.isclose(cast(x), x) fails, with atol and
rtol set per target and per array.

Under a target's default tolerance only values below its normal range can fail, and
DT104 and DT105 report those: DT106 then stays silent (one finding per cause). It
speaks when a tolerance is configured (per target, per path or on a pipeline entry) or
when more values fail than lie below the normal range. Its level follows the share of
values that fail: a note below 1%, a warning from 1%, an error from 50%.)doc",
    .why = R"doc(By default rtol is the target's unit roundoff (2^-11 ≈ 4.88e-4 for float16,
2^-8 ≈ 3.91e-3 for bfloat16, 2^-24 for float32, 2^-53 for float64) and atol is 0, so
ordinary rounding in the normal range never fires; what does is error beyond the
format's normal precision: subnormal results and values flushed to zero. Integer targets
default to atol = 1, rtol = 0, leaving truncated fractions to DT107. Tighten rtol to
what the pipeline needs: float16 keeps about 3.3 decimal digits, bfloat16 about 2.4.)doc",
    .example = R"doc(>>> np.array([0.1, 1e-7]).astype(np.float16).astype(np.float64)
array([9.99755859e-02, 1.19209290e-07])

0.1 is off by 2.4e-5, 2.4e-4 relative, within the default rtol 2^-11: silent.
1e-7 is off by 1.9e-8, 19% relative: DT106 (and DT105). With a pipeline entry
    - source: data/features.npy
      cast: float16
      rtol: 1.0e-4
0.1 fires too: 2.4e-5 > 1.0e-4 × 0.1.)doc",
    .fix = R"doc(Choose a target whose unit roundoff is below the tolerance needed (float32
keeps about 7 decimal digits), rescale values out of the subnormal range, or loosen
rtol/atol where the pipeline tolerates the error.)doc",
    .options = R"doc(Configuration: per-target `rtol` and `atol` (defaults: rtol = the target's
unit roundoff - 2^-11 float16, 2^-8 bfloat16, 2^-24 float32, 2^-53 float64 - and atol =
0; integer targets atol = 1, rtol = 0); `rtol`/`atol` on a pipeline entry override them
for that array; `severity` changes this rule's level, `off` disables it. --targets
selects the targets checked; --semantics the rounding path; --fail-on whether the
finding fails the run.)doc",
};

constexpr auto kOptions = share_options(0.01, 0.5);

class ToleranceExceeded final : public Rule {
 public:
  ToleranceExceeded() : Rule(kDoc, FactKind::ArrayAnalysis, kOptions) {}
  void judge(ArrayJudgement& array) const override {
    for (const CastStats& c : array.casts()) {
      const std::uint64_t n = c[CastCounter::ToleranceExceeded].count;
      if (n == 0) continue;
      // Under the target's default tolerance only values below its normal range
      // can fail, and DT104 and DT105 report those: one finding per cause.
      const CastRequest defaults = default_request(c.target);
      const std::uint64_t below_normal =
          c[CastCounter::UnderflowToZero].count + c[CastCounter::ToSubnormal].count;
      if (c.rtol == defaults.rtol && c.atol == defaults.atol && n <= below_normal) continue;
      Finding& f = array.add(c.target, n, c[CastCounter::ToleranceExceeded].first);
      f.message = array.count_of(n) + " change by more than atol + rtol·|x| (atol " + format_number(c.atol) +
                  ", rtol " + format_number(c.rtol) + ") in " + array.cast_name(c.target) +
                  " (max abs error " + format_number(c.max_abs_error) + ", max rel error " +
                  format_number(c.max_rel_error) + ")";
    }
  }
};

}  // namespace

const Rule& rule_dt106() {
  static const ToleranceExceeded rule;
  return rule;
}

}  // namespace dtlint
