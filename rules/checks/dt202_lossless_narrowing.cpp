// DT202 lossless-narrowing: Every value is exactly representable in a narrower requested target.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT202",
    .name = "lossless-narrowing",
    .default_severity = Severity::Note,
    .summary = "Every value is exactly representable in a narrower requested target.",
    .what = R"doc(Reports arrays whose every value is exactly representable in a narrower
requested target, naming the narrowest such target.

Among several, the narrowest of the source's own kind comes first (int32 for int64
ids, not float32 or float16), then the narrowest of the other kind.)doc",
    .why = R"doc(A float64 array of 0/1 masks or an int64 array of small labels takes 4 to 8
times the memory, disk space and I/O it needs. Because every value is exact in the
narrower type, that cast loses nothing and needs no precision review.)doc",
    .example = R"doc(>>> labels = np.arange(100, dtype=np.int64).repeat(10_000)
>>> labels.nbytes, labels.astype(np.int8).nbytes
(8000000, 1000000)
>>> np.array_equal(labels.astype(np.int8), labels)
True

With --targets int8,int32, DT202 names int8: the same labels in an eighth of the
space.)doc",
    .fix = R"doc(Store the array in the narrower type (np.save(path, x.astype(np.int8))), after
checking that future data will stay in its range; or ignore the note where a consumer
dictates the width.)doc",
    .options = R"doc(--targets lists the candidates (only requested targets are considered).
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class LosslessNarrowing final : public Rule {
 public:
  LosslessNarrowing() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    const ArrayResult& a = array.array();
    if (a.elements == 0) return;
    const CastStats* best = nullptr;
    for (const CastStats& c : array.casts()) {
      if (c.lossless || info(c.target).size >= info(a.dtype).size) continue;
      if (c[CastCounter::Inexact].count || c[CastCounter::NonfiniteToInt].count ||
          c[CastCounter::ImagDropped].count)
        continue;
      // The same kind first (int32 for int64 ids, not float32): it keeps the data's meaning.
      if (preferred_narrowing(a.dtype, c.target, best ? &best->target : nullptr)) best = &c;
    }
    if (!best) return;
    Finding& f = array.add(best->target, a.elements, FirstHit{});
    f.message = "all " + std::to_string(a.elements) + " values are exact in " +
                std::string(dtlint::name(best->target)) + ": " + array.cast_name(best->target) +
                " loses nothing and stores " + std::to_string(info(best->target).size) +
                " bytes per element instead of " + std::to_string(info(a.dtype).size);
  }
};

}  // namespace

const Rule& rule_dt202() {
  static const LosslessNarrowing rule;
  return rule;
}

}  // namespace dtlint
