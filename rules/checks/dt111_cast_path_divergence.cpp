// DT111 cast-path-divergence: astype, tf.cast and Tensor.to give different results for some elements.
#include <algorithm>

#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT111",
    .name = "cast-path-divergence",
    .default_severity = Severity::Note,
    .summary = "astype, tf.cast and Tensor.to give different results for some elements.",
    .what = R"doc(Counts the elements for which the other cast profiles give a different result
from the selected one: NumPy's astype rounds once, directly, while tf.cast and Tensor.to
round to float32 first. It arises for 64-bit and 32-bit integer sources and float64
sources cast to float16 or bfloat16.)doc",
    .why = R"doc(Rounding twice is not rounding once: a value just above the midpoint of two
float16 values is rounded onto the midpoint in float32, then to even - down. So
1 + 2^-11 + 2^-40 becomes 1.0009765625 with astype but 1.0 with tf.cast and Tensor.to,
and 16842753 becomes 16908288 in bfloat16 directly but 16777216 through float32. The
differences are small, but data cast in NumPy and data cast inside the model no longer
agree bit for bit, which breaks golden tests and reproducibility.)doc",
    .example = R"doc(>>> x = np.array([1 + 2**-11 + 2**-40])
>>> x.astype(np.float16).item()
1.0009765625
>>> torch.tensor(x).to(torch.float16).item()
1.0

tf.cast(x, tf.float16) gives 1.0 as well: Eigen::half rounds through float.)doc",
    .fix = R"doc(Cast once, in the framework that consumes the data; to reproduce the
frameworks' result in NumPy cast through float32
(x.astype(np.float32).astype(np.float16)); and run dtlint with the --semantics of the
path actually used.)doc",
    .options = R"doc(--semantics selects the reference profile the others are compared with;
--targets selects the targets checked. Configuration: `severity` changes this rule's
level, `off` disables it.)doc",
};

class CastPathDivergence final : public Rule {
 public:
  CastPathDivergence() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    for (const CastStats& c : array.casts()) {
      if (c.lossless) continue;
      std::uint64_t most = 0;
      FirstHit first;
      for (Semantics other : kAllSemantics) {
        if (other == array.semantics()) continue;
        const Counter& d = c.diverging[static_cast<std::size_t>(other)];
        most = std::max(most, d.count);
        if (d.first.index < first.index) first = d.first;
      }
      if (most == 0) continue;  // the usual case: words only for a finding
      std::string detail;
      for (Semantics other : kAllSemantics) {
        if (other == array.semantics()) continue;
        detail += std::string(detail.empty() ? "" : ", ") + std::string(to_string(other)) + " " +
                  std::to_string(c.diverging[static_cast<std::size_t>(other)].count);
      }
      Finding& f = array.add(c.target, most, first);
      f.message = array.count_of(most) + " cast differently under other frameworks than under " +
                  std::string(to_string(array.semantics())) + " in " + array.cast_name(c.target) + " (" +
                  detail + "): tf.cast and Tensor.to round through float32 first, astype rounds once";
    }
  }
};

}  // namespace

const Rule& rule_dt111() {
  static const CastPathDivergence rule;
  return rule;
}

}  // namespace dtlint
