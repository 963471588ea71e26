// DT110 integer-not-exact: An integer-valued source value is no longer exact in a float target.
#include <cmath>

#include "analyzer/kernels/float_format.h"
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT110",
    .name = "integer-not-exact",
    .default_severity = Severity::Error,
    .summary = "An integer-valued source value is no longer exact in a float target.",
    .what = R"doc(Counts the finite, integer-valued source values whose float result differs
from them: token ids, labels, counts or timestamps that the target cannot hold exactly.
It fires for integer arrays, and for float arrays whose every finite value is an
integer; a float measurement that merely happens to be integral is ordinary rounding.

Integer data: an integer or bool dtype, or a float array of at least two values, all
integral and within the range where the source keeps integers exact (2^24 for float32,
2^53 for float64). A lone 101325.0, or 1e30 in float32 (where every value is
integral), is not. Values that overflow are DT101's and are not counted again.)doc",
    .why = R"doc(A float with p significant bits holds every integer only up to 2^p: 2^24 =
16777216 in float32, 2^11 = 2048 in float16, 2^8 = 256 in bfloat16. Above that,
neighbouring ids merge: 16777217 becomes 16777216 in float32, 2049 becomes 2048 in
float16 and 257 becomes 256 in bfloat16. The relative error is tiny, so tolerance checks
pass, but an id or label that changes is a different id or label.)doc",
    .example = R"doc(>>> np.array([2049, 16777217]).astype(np.float32).tolist()
[2049.0, 16777216.0]
>>> np.array([2049, 2051]).astype(np.float16).tolist()
[2048.0, 2052.0]
>>> torch.tensor([257, 16777217]).to(torch.bfloat16).tolist()
[256.0, 16777216.0])doc",
    .fix = R"doc(Keep ids, labels and counts in an integer dtype (int32 or int64) and cast only
real-valued features; if a float is required, choose one whose significand covers the
largest value (float64 is exact up to 2^53).)doc",
    .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class IntegerNotExact final : public Rule {
 public:
  IntegerNotExact() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    // Ids, labels and counts: integer dtypes, or float arrays whose every value is an integer.
    // A float measurement that happens to be integral is ordinary rounding's business.
    if (!integer_data(array.array())) return;
    for (const CastStats& c : array.casts()) {
      // Values that overflow are DT101's: one finding per cause. Every value of
      // the array is an integer, so the overflowed ones are among the counted.
      const Counter& changed = c[CastCounter::IntegerNotExact];
      const std::uint64_t overflowed = c[CastCounter::Overflow].count;
      if (changed.count <= overflowed) continue;
      const std::uint64_t n = changed.count - overflowed;
      const FloatFormat& format = float_format(c.target);
      Finding& f = array.add(c.target, n, overflowed == 0 ? changed.first : FirstHit{});
      f.message = array.count_of(n) + " are integers that " + array.cast_name(c.target) +
                  " does not keep exactly (" + std::string(dtlint::name(c.target)) +
                  " holds every integer only up to 2^" + std::to_string(format.fraction_bits + 1) + " = " +
                  format_number(std::ldexp(1.0L, format.fraction_bits + 1)) + ")";
      if (overflowed) f.message += "; " + std::to_string(overflowed) + " more overflow (DT101)";
    }
  }
};

}  // namespace

const Rule& rule_dt110() {
  static const IntegerNotExact rule;
  return rule;
}

}  // namespace dtlint
