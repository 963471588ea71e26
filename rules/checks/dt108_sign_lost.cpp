// DT108 sign-lost: A negative value is cast to an unsigned target.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT108",
    .name = "sign-lost",
    .default_severity = Severity::Error,
    .summary = "A negative value is cast to an unsigned target.",
    .what = R"doc(Counts the values whose truncation toward zero is negative cast to an unsigned
target. Values between -1 and 0 truncate to 0 and are not counted.)doc",
    .why = R"doc(Negative values wrap modulo 2^n: -1 becomes 255 in uint8, 65535 in uint16 and
4294967295 in uint32, so a -1 "missing" sentinel or a negative offset becomes the
largest value of the type, and PyTorch's -100 ignore-index becomes class 156 in uint8.
These values are also out of range (DT102); this rule names the cause.)doc",
    .example = R"doc(>>> np.array([-1, -100]).astype(np.uint8)
array([255, 156], dtype=uint8)
>>> np.array([-1.0, -0.5]).astype(np.uint32)
array([4294967295,          0], dtype=uint32)

DT108 counts -1, -100 and -1.0; -0.5 truncates to 0 (x86 results).)doc",
    .fix = R"doc(Use a signed target (int16 holds labels with a -100 ignore-index), or map the
negative sentinel to an explicit unsigned value before the cast.)doc",
    .options = R"doc(--targets selects the integer targets checked; --fail-on decides whether
the finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
};

class SignLost final : public Rule {
 public:
  SignLost() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    array.for_each_cast(CastCounter::SignLost, [&](const CastStats& c, std::uint64_t n) {
      return array.count_of(n) + " are negative and lose their sign in " + array.cast_name(c.target);
    });
  }
};

}  // namespace

const Rule& rule_dt108() {
  static const SignLost rule;
  return rule;
}

}  // namespace dtlint
