// CX402 low-precision-cast: Explicit cast to a 16- or 8-bit floating type.
#include "rules/registry.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX402",
    .name = "low-precision-cast",
    .default_severity = Severity::Note,
    .summary = "Explicit cast to a 16- or 8-bit floating type.",
    .what = R"doc(Notes explicit casts in C and C++ sources to a 16- or 8-bit floating type
(Eigen::half, Eigen::bfloat16, _Float16, __bf16, CUDA __half, c10::Half, ...).)doc",
    .why = R"doc(An explicit cast shows intent, not that the values fit: half has 11 significant
bits and a maximum of 65504, bfloat16 8 bits, float8_e4m3fn 4 bits and a maximum of 448.
The note marks each place where data enters a low-precision type so that its range can
be reviewed; constant operands are checked exactly by CX403 and CX404.)doc",
    .example = R"doc(float x = load();
auto h = static_cast<Eigen::half>(x);   // CX402: explicit cast to Eigen::half
auto b = __nv_bfloat16(x);              // CX402: explicit cast to __nv_bfloat16)doc",
    .fix = R"doc(Check or clamp the range at the cast (std::clamp(x, -65504.f, 65504.f)) or
scale the values, then suppress the note with `// dtlint: ignore[CX402]` once reviewed.)doc",
    .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX402]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class LowPrecisionCast final : public Rule {
 public:
  LowPrecisionCast() : Rule(kDoc, FactKind::CastSite) {}
  void judge_site(SiteJudgement& site) const override {
    const CastSite& s = site.site();
    if (s.kind != CastSiteKind::Explicit || judged_by_value(s) || !site.target()) return;
    const DType to = *site.target();
    if (!is_low_precision_float(to) || (site.source() && !may_change_value(*site.source(), to))) return;
    std::string message = "explicit cast from " + site.types();
    if (s.semantics != Semantics::NumPy && site.source() && info(*site.source()).size > 4)
      message += ", rounded through float32";
    site.add(message + ": " + site.what_target_keeps());
  }
};

}  // namespace

const Rule& rule_cx402() {
  static const LowPrecisionCast rule;
  return rule;
}

}  // namespace dtlint
