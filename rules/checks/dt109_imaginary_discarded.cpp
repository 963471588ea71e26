// DT109 imaginary-discarded: A complex value with nonzero imaginary part is cast to a real target.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT109",
    .name = "imaginary-discarded",
    .default_severity = Severity::Error,
    .summary = "A complex value with nonzero imaginary part is cast to a real target.",
    .what = R"doc(Counts the complex values with a nonzero imaginary part cast to a real target;
the cast keeps only the real part.)doc",
    .why = R"doc(NumPy (ComplexWarning) and PyTorch (UserWarning) warn once and go on; tf.cast
keeps the real part silently. For FFT outputs, phases or complex weights this drops half
the information: 1+2j and 1-2j both become 1.0, and neither the magnitude sqrt(5) ≈
2.236 nor the phase survives.)doc",
    .example = R"doc(>>> np.array([1+2j, 1-2j, 3+0j]).astype(np.float32)
array([1., 1., 3.], dtype=float32)

DT109 counts 2 of 3 values; 3+0j loses nothing.)doc",
    .fix = R"doc(Take the quantity meant explicitly: np.abs(z) for the magnitude, np.angle(z)
for the phase, z.real when the imaginary part is known to be noise; or keep a complex
type, or store real and imaginary parts as two channels.)doc",
    .options = R"doc(--targets selects the targets checked; --fail-on decides whether the
finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
};

class ImaginaryDiscarded final : public Rule {
 public:
  ImaginaryDiscarded() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    // The imaginary part is dropped the same way for every target: one finding, at the first target.
    for (const CastStats& c : array.casts()) {
      const Counter& dropped = c[CastCounter::ImagDropped];
      if (c.lossless || dropped.count == 0) continue;
      Finding& f = array.add(c.target, dropped.count, dropped.first);
      f.message = array.count_of(f.count) + " have a nonzero imaginary part that " +
                  array.cast_name(c.target) + " discards";
      break;
    }
  }
};

}  // namespace

const Rule& rule_dt109() {
  static const ImaginaryDiscarded rule;
  return rule;
}

}  // namespace dtlint
