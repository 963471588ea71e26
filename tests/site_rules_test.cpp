// The CX rules on cast sites written by hand: which rule each kind of site
// gets, by value for constants and by type otherwise, the `// dtlint:
// ignore[...]` comments and the baseline identity of a source line. The
// front end and the constant simulation are tested in source_*_test.cpp;
// here the facts are stated, so every expectation follows from DESIGN §3.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "rules/evaluate.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

CastSite site(CastSiteKind kind, std::string source, std::optional<DType> from, std::string target,
              std::optional<DType> to, int line = 3, int column = 13) {
  CastSite s;
  s.location = Location("src/model.cpp");
  s.location.line = line;
  s.location.column = column;
  s.kind = kind;
  s.source = {std::move(source), from};
  s.target = {std::move(target), to};
  s.line_text = "  float s = scale;";
  return s;
}

// A constant's simulation as the kernels state it: the counters that matter here and the result.
CastSite constant(CastSite s, long double value, std::optional<long double> result,
                  std::vector<CastCounter> counters = {}) {
  s.constant = SiteConstant{value, ""};
  SimulatedConstant simulated;
  for (CastCounter c : counters) simulated.stats.counters[static_cast<std::size_t>(c)].count = 1;
  simulated.result = result;
  s.simulated = simulated;
  return s;
}

std::vector<Finding> judge(const CastSite& s) {
  Evaluator evaluator(Semantics::NumPy, nullptr);
  std::vector<Finding> out;
  evaluator.cast_site(s, out);
  return out;
}

std::multiset<std::string> codes(const std::vector<Finding>& findings) {
  std::multiset<std::string> out;
  for (const Finding& f : findings) out.insert(std::string(f.rule->code()));
  return out;
}

using Codes = std::multiset<std::string>;

TEST(SiteRules, ImplicitNarrowingByType) {
  EXPECT_EQ(codes(judge(site(CastSiteKind::Implicit, "double", DType::Float64, "float", DType::Float32))),
            Codes{"CX401"});
  EXPECT_EQ(codes(judge(site(CastSiteKind::Implicit, "float", DType::Float32, "c10::Half", DType::Float16))),
            Codes{"CX401"});
  EXPECT_EQ(
      codes(judge(site(CastSiteKind::Implicit, "long double", DType::LongDouble, "double", DType::Float64))),
      Codes{"CX401"});
  // Wider: nothing.
  EXPECT_TRUE(judge(site(CastSiteKind::Implicit, "float", DType::Float32, "double", DType::Float64)).empty());
  EXPECT_TRUE(judge(site(CastSiteKind::Implicit, "double", DType::Float64, "long double", DType::LongDouble))
                  .empty());
  EXPECT_TRUE(
      judge(site(CastSiteKind::Implicit, "_Float16", DType::Float16, "float", DType::Float32)).empty());
  // float → integer is CX405's, integer → integer without a constant no rule's.
  EXPECT_EQ(codes(judge(site(CastSiteKind::Implicit, "double", DType::Float64, "int", DType::Int32))),
            Codes{"CX405"});
  EXPECT_TRUE(judge(site(CastSiteKind::Implicit, "long", DType::Int64, "int", DType::Int32)).empty());
  EXPECT_TRUE(judge(site(CastSiteKind::Implicit, "int", DType::Int32, "float", DType::Float32)).empty());
}

TEST(SiteRules, ExplicitCastsIntoLowPrecisionAreNotes) {
  const auto found =
      judge(site(CastSiteKind::Explicit, "float", DType::Float32, "Eigen::half", DType::Float16, 3, 12));
  ASSERT_EQ(codes(found), Codes{"CX402"});
  EXPECT_EQ(found[0].severity, Severity::Note);
  EXPECT_NE(found[0].message.find("'Eigen::half' (float16)"), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("65504"), std::string::npos) << found[0].message;
  // The code spelled the cast: double → float explicitly is its business.
  EXPECT_TRUE(judge(site(CastSiteKind::Explicit, "double", DType::Float64, "float", DType::Float32)).empty());
  EXPECT_TRUE(judge(site(CastSiteKind::Explicit, "double", DType::Float64, "int", DType::Int32)).empty());
}

TEST(SiteRules, EigenCastsAndTensorflowOps) {
  EXPECT_EQ(codes(judge(site(CastSiteKind::EigenCast, "double", DType::Float64, "float", DType::Float32))),
            Codes{"CX406"});
  EXPECT_EQ(codes(judge(site(CastSiteKind::EigenCast, "float", DType::Float32, "int", DType::Int32))),
            Codes{"CX406"});
  EXPECT_EQ(codes(judge(site(CastSiteKind::EigenCast, "int", DType::Int32, "Eigen::half", DType::Float16))),
            Codes{"CX406"});
  EXPECT_TRUE(
      judge(site(CastSiteKind::EigenCast, "float", DType::Float32, "double", DType::Float64)).empty());
  EXPECT_TRUE(judge(site(CastSiteKind::EigenCast, "int", DType::Int32, "float", DType::Float32)).empty());
  EXPECT_EQ(codes(judge(site(CastSiteKind::TensorflowCastOp, "", std::nullopt, "DT_HALF", DType::Float16))),
            Codes{"CX407"});
  EXPECT_EQ(
      codes(judge(site(CastSiteKind::TensorflowCastOp, "", std::nullopt, "DT_BFLOAT16", DType::BFloat16))),
      Codes{"CX407"});
  EXPECT_TRUE(
      judge(site(CastSiteKind::TensorflowCastOp, "", std::nullopt, "DT_FLOAT", DType::Float32)).empty());
}

TEST(SiteRules, ConstantsAreJudgedByValueOnly) {
  const CastSite to_half =
      site(CastSiteKind::Explicit, "double", DType::Float64, "Eigen::half", DType::Float16);
  // Eigen::half(1e5): inf.
  auto found = judge(constant(to_half, 1e5L, INFINITY, {CastCounter::Overflow, CastCounter::Inexact}));
  ASSERT_EQ(codes(found), Codes{"CX403"});
  EXPECT_NE(found[0].message.find("becomes inf"), std::string::npos) << found[0].message;
  // Eigen::half(2049.0): 2048, an integer not kept.
  found = judge(constant(to_half, 2049, 2048, {CastCounter::Inexact}));
  ASSERT_EQ(codes(found), Codes{"CX404"});
  EXPECT_NE(found[0].message.find("becomes 2048"), std::string::npos) << found[0].message;
  // Exact, or ordinary rounding: nothing, and no CX402 either.
  EXPECT_TRUE(judge(constant(to_half, 0.5L, 0.5L)).empty());
  EXPECT_TRUE(judge(constant(site(CastSiteKind::Implicit, "double", DType::Float64, "float", DType::Float32),
                             0.1L, 0.100000001490116119384765625L, {CastCounter::Inexact}))
                  .empty());
  // _Float16 kTiny = 1e-8: flushed.
  found = judge(constant(site(CastSiteKind::Implicit, "double", DType::Float64, "_Float16", DType::Float16),
                         1e-8L, 0.0L, {CastCounter::UnderflowToZero, CastCounter::ToleranceExceeded}));
  ASSERT_EQ(codes(found), Codes{"CX404"});
  EXPECT_NE(found[0].message.find("flushed to zero"), std::string::npos) << found[0].message;
}

TEST(SiteRules, IntegerConstants) {
  const CastSite to_int8 = site(CastSiteKind::Implicit, "int", DType::Int32, "int8_t", DType::Int8);
  auto found = judge(constant(to_int8, 300, 44, {CastCounter::OutOfRange}));
  ASSERT_EQ(codes(found), Codes{"CX403"});
  EXPECT_NE(found[0].message.find("becomes 44"), std::string::npos) << found[0].message;
  EXPECT_TRUE(judge(constant(to_int8, 100, 100)).empty());
  // An explicit integer cast wraps on purpose; -1 into unsigned is the all-ones idiom.
  CastSite explicit_cast = to_int8;
  explicit_cast.kind = CastSiteKind::Explicit;
  EXPECT_TRUE(judge(constant(explicit_cast, 300, 44, {CastCounter::OutOfRange})).empty());
  EXPECT_TRUE(judge(constant(site(CastSiteKind::Implicit, "int", DType::Int32, "unsigned", DType::UInt32), -1,
                             4294967295.0L, {CastCounter::SignLost}))
                  .empty());
  // A float outside the integer type: undefined behaviour, no value claimed.
  found = judge(constant(site(CastSiteKind::Implicit, "double", DType::Float64, "int32_t", DType::Int32),
                         3e9L, std::nullopt, {CastCounter::OutOfRange}));
  ASSERT_EQ(codes(found), Codes{"CX403"});
  EXPECT_NE(found[0].message.find("undefined behaviour"), std::string::npos) << found[0].message;
  // A fraction an implicit conversion truncates.
  found = judge(constant(site(CastSiteKind::Implicit, "double", DType::Float64, "int", DType::Int32), 2.5L, 2,
                         {CastCounter::Truncated}));
  ASSERT_EQ(codes(found), Codes{"CX404"});
  EXPECT_NE(found[0].message.find("becomes 2 "), std::string::npos) << found[0].message;
}

TEST(SiteRules, IgnoreCommentsOnTheLineOrTheLineAbove) {
  CastSite s = site(CastSiteKind::Implicit, "double", DType::Float64, "float", DType::Float32);
  s.line_text = "  float s = scale;  // dtlint: ignore[CX401]";
  EXPECT_TRUE(judge(s).empty());
  s.line_text = "  float s = scale;  // dtlint: ignore[CX402, CX405]";
  EXPECT_EQ(codes(judge(s)), Codes{"CX401"});
  s.previous_line_text = "  // dtlint: ignore[cx401]";
  EXPECT_TRUE(judge(s).empty());
  s.previous_line_text = "  /* dtlint: ignore */";
  EXPECT_TRUE(judge(s).empty());
  // Not in a comment: code.
  s.previous_line_text = "  const char* t = \"dtlint: ignore\";";
  s.line_text = "  float s = scale;";
  EXPECT_EQ(codes(judge(s)), Codes{"CX401"});
  EXPECT_TRUE(ignore_comment_names("x = y; // dtlint: ignore[CX401]", "CX401"));
  EXPECT_FALSE(ignore_comment_names("x = y; // dtlint: ignore[CX4011]", "CX401"));
}

TEST(SiteRules, BaselineIdentityIsTheLinesTextNotItsNumber) {
  CastSite s = site(CastSiteKind::Implicit, "double", DType::Float64, "float", DType::Float32, 3);
  s.line_text = "  float s = scale;   // old comment";
  const std::string first = judge(s).at(0).identity;
  s.location.line = 40;  // lines were added above
  s.line_text = "\tfloat  s = scale; // reworded";
  EXPECT_EQ(judge(s).at(0).identity, first);
  s.line_text = "  float s = scale * 2;";
  EXPECT_NE(judge(s).at(0).identity, first);
  // The same text twice in one file: two identities.
  Evaluator evaluator(Semantics::NumPy, nullptr);
  std::vector<Finding> out;
  evaluator.cast_site(s, out);
  s.location.line = 41;
  evaluator.cast_site(s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].identity, out[1].identity);
}

TEST(SiteRules, MacroIsNamed) {
  CastSite s = site(CastSiteKind::Explicit, "float", DType::Float32, "__half", DType::Float16);
  s.macro = "TO_HALF";
  const auto found = judge(s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("in macro 'TO_HALF'"), std::string::npos) << found[0].message;
}

TEST(SiteRules, ValuesArePrintedSoThatTheyCanBeChecked) {
  EXPECT_EQ(format_value(16777216, DType::Float32), "16777216");
  EXPECT_EQ(format_value(INFINITY, DType::Float16), "inf");
  EXPECT_EQ(format_value(std::ldexp(1.0L, -23), DType::Float16), "1.1920929e-07");
  EXPECT_EQ(format_value(0.1, DType::Float64), "0.10000000000000001");  // tells 0.1 from its neighbours
}

}  // namespace
}  // namespace dtlint
