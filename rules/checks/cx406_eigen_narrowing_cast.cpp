// CX406 eigen-narrowing-cast: Eigen .cast<T>() to a narrower scalar type.
#include "rules/registry.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX406",
    .name = "eigen-narrowing-cast",
    .default_severity = Severity::Warning,
    .summary = "Eigen .cast<T>() to a narrower scalar type.",
    .what = R"doc(Finds Eigen `.cast<T>()` calls whose scalar type T is narrower than the
expression's: double→float, float or double→Eigen::half or Eigen::bfloat16,
floating→integer.)doc",
    .why = R"doc(`.cast<T>()` converts a whole matrix or tensor at once, so one out-of-range
coefficient goes unnoticed among millions: above 65504 Eigen::half gives inf. Eigen
converts double to Eigen::half through float, rounding twice like tf.cast, so even
in-range results can differ by one unit in the last place from NumPy's astype.)doc",
    .example = R"doc(Eigen::MatrixXd w = load_weights();
auto h = w.cast<Eigen::half>();   // CX406: double→Eigen::half, via float
Eigen::MatrixXi i = w.cast<int>();   // CX406: double→int, truncates)doc",
    .fix = R"doc(Check the range first (w.cwiseAbs().maxCoeff() <= 65504), scale the values, or
cast to a wider scalar type; run dtlint on the data with --semantics tensorflow to see
the exact effect of the cast.)doc",
    .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX406]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
};

class EigenNarrowingCast final : public Rule {
 public:
  EigenNarrowingCast() : Rule(kDoc, FactKind::CastSite) {}
  void judge_site(SiteJudgement& site) const override {
    const CastSite& s = site.site();
    if (s.kind != CastSiteKind::EigenCast || !site.source() || !site.target()) return;
    const DType from = *site.source(), to = *site.target();
    if (!may_change_value(from, to)) return;
    // Integers into float32 or wider (pixel values, counts) are the usual way
    // into Eigen's float maths; only 16- and 8-bit floats are narrow for them.
    if (is_integer(from) && is_float(to) && !is_low_precision_float(to)) return;
    std::string message = ".cast<" + s.target.spelling + ">() from '" + s.source.spelling + "'";
    if (is_float(from) && is_integer(to)) {
      message += " truncates every coefficient toward zero; " + site.what_target_keeps();
    } else {
      if (s.semantics != Semantics::NumPy && info(from).size > 4 && is_low_precision_float(to))
        message += ", rounded through float32";
      message += ": " + site.what_target_keeps();
    }
    site.add(message);
  }
};

}  // namespace

const Rule& rule_cx406() {
  static const EigenNarrowingCast rule;
  return rule;
}

}  // namespace dtlint
