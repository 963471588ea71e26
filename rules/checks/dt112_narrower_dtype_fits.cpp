// DT112 narrower-dtype-fits: An 8-byte array fits a narrower simulated target, within tolerance.
#include "rules/array_judgement.h"
#include "rules/suggestion.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT112",
    .name = "narrower-dtype-fits",
    .default_severity = Severity::Note,
    .summary = "An 8-byte array fits a narrower simulated target, within tolerance.",
    .what = R"doc(For a float64 array every simulated cast of which does no damage (nothing
overflows or flushes, fewer than 5% of the values turn subnormal, integer data stays
exact, data away from zero keeps its spread, and DT106's tolerance holds), names the
narrowest of those targets, the float kind first, and the bytes it saves. Exact
narrowings are DT202's.)doc",
    .why = R"doc(NumPy's default dtype is float64, so features, sensor readings and
embeddings often reach a pipeline at twice the width any model consumes: twice the
disk, memory and I/O. When the run's own simulation shows a narrower dtype keeps the
data within tolerance, the wider storage buys nothing. Only 8-byte sources are judged:
narrowing 4-byte weights is a precision decision the run's targets already check.)doc",
    .example = R"doc(>>> x = np.random.default_rng(0).standard_normal(1000)   # float64
>>> np.abs(x.astype(np.float32) - x).max() / np.abs(x).max()
3.03...e-08

With the default targets, float16, bfloat16 and float32 all fit: DT112 names float16,
2 bytes per element instead of 8.)doc",
    .fix = R"doc(Store the array in the named dtype (np.save(path, x.astype(np.float32))), or
tighten the target's rtol/atol where the pipeline needs more digits than the named
dtype keeps.)doc",
    .options = R"doc(--targets lists the candidates (only simulated targets are considered);
per-target `rtol`/`atol` set what "within tolerance" means. Configuration: `severity`
changes this rule's level, `off` disables it.)doc",
};

class NarrowerDtypeFits final : public Rule {
 public:
  NarrowerDtypeFits() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    const ArrayResult& a = array.array();
    if (a.dtype != DType::Float64 || a.elements == 0) return;
    const CastStats* best = nullptr;
    for (const CastStats& c : array.casts()) {
      // A cast that does damage has its own finding, which names the fix.
      if (!cast_fits(a, c) || c[CastCounter::ToleranceExceeded].count != 0) return;
      if (c.lossless || info(c.target).size >= info(a.dtype).size || c[CastCounter::Inexact].count == 0)
        continue;  // exact narrowings are DT202's
      if (preferred_narrowing(a.dtype, c.target, best ? &best->target : nullptr)) best = &c;
    }
    if (!best) return;
    Finding& f = array.add(best->target, best->operator[](CastCounter::Inexact).count, FirstHit{});
    f.message = array.cast_name(best->target) + " keeps all " + std::to_string(a.elements) +
                " values within tolerance (max error " + format_number(best->max_abs_error) +
                ", max rel error " + format_number(best->max_rel_error) + ") and stores " +
                std::to_string(info(best->target).size) + " bytes per element instead of 8";
  }
};

}  // namespace

const Rule& rule_dt112() {
  static const NarrowerDtypeFits rule;
  return rule;
}

}  // namespace dtlint
