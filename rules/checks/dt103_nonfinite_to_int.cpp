// DT103 nonfinite-to-int: NaN or ±inf is cast to an integer target.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT103",
    .name = "nonfinite-to-int",
    .default_severity = Severity::Error,
    .summary = "NaN or ±inf is cast to an integer target.",
    .what = R"doc(Counts the NaN, +inf and -inf source values cast to an integer target.)doc",
    .why = R"doc(No integer represents NaN or infinity, and C leaves the conversion undefined.
On x86 NumPy yields the "integer indefinite" value whatever the input: -2147483648 for
int32, -9223372036854775808 for int64, and its low bits, 0, for int16 and uint8. A
missing value silently becomes a huge negative label, index or count - or a plausible
zero.)doc",
    .example = R"doc(>>> np.array([np.nan, np.inf, -np.inf]).astype(np.int32)
array([-2147483648, -2147483648, -2147483648], dtype=int32)
>>> np.array([np.nan, np.inf]).astype(np.int16)
array([0, 0], dtype=int16)

DT103 counts all 5 values (x86 results).)doc",
    .fix = R"doc(Decide what a missing value means and encode it before the cast, e.g.
np.nan_to_num(x, nan=-1, posinf=..., neginf=...), keep a separate mask, or drop the
rows. Find where the NaN comes from first: DT201 reports it in the source.)doc",
    .options = R"doc(--targets selects the integer targets checked; --fail-on decides whether
the finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
};

class NonfiniteToInt final : public Rule {
 public:
  NonfiniteToInt() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    array.for_each_cast(CastCounter::NonfiniteToInt, [&](const CastStats& c, std::uint64_t n) {
      std::string text = array.count_of(n) + " are NaN or ±inf and have no " +
                         std::string(dtlint::name(c.target)) + " value in " + array.cast_name(c.target);
      if (c.target == DType::Int32)
        text += " (NumPy on x86 gives -2147483648)";
      else if (c.target == DType::Int64)
        text += " (NumPy on x86 gives -9223372036854775808)";
      else
        text += " (the result is undefined)";
      return text;
    });
  }
};

}  // namespace

const Rule& rule_dt103() {
  static const NonfiniteToInt rule;
  return rule;
}

}  // namespace dtlint
