// The rule catalogue is a product interface (DESIGN.md §3): codes, names and
// default severities are stable, and every rule carries full documentation.
#include "rules/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace dtlint {
namespace {

struct ExpectedRule {
  std::string_view code;
  std::string_view name;
  Severity severity;
};

// The contract, copied from DESIGN.md §3. Changing a row here is changing the
// product's interface.
constexpr std::array<ExpectedRule, 31> kExpected{{
    {"DT101", "cast-overflow", Severity::Error},
    {"DT102", "int-out-of-range", Severity::Error},
    {"DT103", "nonfinite-to-int", Severity::Error},
    {"DT104", "underflow-to-zero", Severity::Warning},
    {"DT105", "subnormal-result", Severity::Warning},
    {"DT106", "tolerance-exceeded", Severity::Warning},
    {"DT107", "fraction-truncated", Severity::Warning},
    {"DT108", "sign-lost", Severity::Error},
    {"DT109", "imaginary-discarded", Severity::Error},
    {"DT110", "integer-not-exact", Severity::Error},
    {"DT111", "cast-path-divergence", Severity::Note},
    {"DT112", "narrower-dtype-fits", Severity::Note},
    {"DT113", "scale-to-fit", Severity::Note},
    {"DT114", "resolution-loss", Severity::Warning},
    {"DT201", "nonfinite-in-source", Severity::Warning},
    {"DT202", "lossless-narrowing", Severity::Note},
    {"DT203", "object-array", Severity::Warning},
    {"DT204", "skipped-input", Severity::Note},
    {"DT205", "unused-suppression", Severity::Note},
    {"PL301", "declared-cast-unsafe", Severity::Error},
    {"PL302", "dtype-mismatch", Severity::Warning},
    {"PL303", "source-missing", Severity::Error},
    {"PL304", "precision-policy-overflow", Severity::Error},
    {"CX401", "narrowing-float-conversion", Severity::Warning},
    {"CX402", "low-precision-cast", Severity::Note},
    {"CX403", "constant-overflow", Severity::Error},
    {"CX404", "constant-precision-loss", Severity::Warning},
    {"CX405", "float-to-int-truncation", Severity::Warning},
    {"CX406", "eigen-narrowing-cast", Severity::Warning},
    {"CX407", "tensorflow-cast-op", Severity::Note},
    {"E901", "unreadable-input", Severity::Error},
}};

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// "DT101" < "DT102" < ... < "DT203" < "PL301" < "CX401" < "E901": families in
// the order of the table, numbers ascending within a family.
int family_rank(std::string_view code) {
  constexpr std::array<std::string_view, 4> kFamilies{"DT", "PL", "CX", "E"};
  for (std::size_t i = 0; i < kFamilies.size(); ++i) {
    if (code.starts_with(kFamilies[i])) return static_cast<int>(i);
  }
  return -1;
}

TEST(Catalogue, MatchesTheContract) {
  const auto rules = rule_registry();
  ASSERT_EQ(rules.size(), kExpected.size());
  for (std::size_t i = 0; i < kExpected.size(); ++i) {
    SCOPED_TRACE(kExpected[i].code);
    EXPECT_EQ(rules[i]->code(), kExpected[i].code);
    EXPECT_EQ(rules[i]->name(), kExpected[i].name);
    EXPECT_EQ(rules[i]->default_severity(), kExpected[i].severity);
  }
}

TEST(Catalogue, EveryRuleIsDocumented) {
  for (const Rule* registered : rule_registry()) {
    const RuleDoc& rule = registered->doc();
    SCOPED_TRACE(rule.code);
    EXPECT_FALSE(rule.code.empty());
    EXPECT_FALSE(rule.name.empty());
    EXPECT_FALSE(rule.summary.empty());
    EXPECT_FALSE(rule.what.empty());
    EXPECT_FALSE(rule.why.empty());
    EXPECT_FALSE(rule.example.empty());
    EXPECT_FALSE(rule.fix.empty());
    EXPECT_FALSE(rule.options.empty());
    // The summary is one line; no field starts or ends with blank space.
    EXPECT_EQ(rule.summary.find('\n'), std::string_view::npos);
    for (std::string_view text : {rule.summary, rule.what, rule.why, rule.example, rule.fix, rule.options}) {
      ASSERT_FALSE(text.empty());
      EXPECT_FALSE(std::isspace(static_cast<unsigned char>(text.front()))) << text;
      EXPECT_FALSE(std::isspace(static_cast<unsigned char>(text.back()))) << text;
    }
  }
}

// Columns as a terminal shows them: UTF-8 continuation bytes take no column.
std::size_t longest_line(std::string_view text) {
  std::size_t longest = 0;
  std::size_t columns = 0;
  for (char c : text) {
    if (c == '\n') {
      columns = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      longest = std::max(longest, ++columns);
    }
  }
  return longest;
}

TEST(Catalogue, TextIsWrappedForATerminal) {
  for (const Rule* registered : rule_registry()) {
    const RuleDoc& rule = registered->doc();
    SCOPED_TRACE(rule.code);
    for (std::string_view text : {rule.summary, rule.what, rule.why, rule.example, rule.fix, rule.options}) {
      EXPECT_LE(longest_line(text), 88u) << text;
      EXPECT_EQ(text.find('\t'), std::string_view::npos) << text;
    }
  }
}

TEST(Catalogue, CodesAndNamesAreWellFormedAndUnique) {
  std::set<std::string> codes;
  std::set<std::string> names;
  for (const Rule* registered : rule_registry()) {
    const RuleDoc& rule = registered->doc();
    SCOPED_TRACE(rule.code);
    EXPECT_TRUE(codes.insert(to_lower(rule.code)).second) << "duplicate code";
    EXPECT_TRUE(names.insert(to_lower(rule.name)).second) << "duplicate name";
    EXPECT_GE(family_rank(rule.code), 0);
    EXPECT_EQ(rule.name, to_lower(rule.name));  // names are lower-case kebab-case
    EXPECT_EQ(rule.name.find(' '), std::string_view::npos);
  }
}

TEST(Catalogue, CodesAreInOrder) {
  const auto rules = rule_registry();
  for (std::size_t i = 1; i < rules.size(); ++i) {
    const std::string_view previous = rules[i - 1]->code();
    const std::string_view current = rules[i]->code();
    SCOPED_TRACE(current);
    const int previous_family = family_rank(previous);
    const int current_family = family_rank(current);
    EXPECT_LE(previous_family, current_family);
    // Within a family the codes have the same length, so text order is numeric order.
    if (previous_family == current_family) {
      EXPECT_LT(previous, current);
    }
  }
}

TEST(FindRule, RoundTripsEveryCodeAndName) {
  for (const Rule* rule : rule_registry()) {
    SCOPED_TRACE(rule->code());
    EXPECT_EQ(find_rule(rule->code()), rule);
    EXPECT_EQ(find_rule(rule->name()), rule);
    ASSERT_NE(find_rule(rule->code()), nullptr);
    EXPECT_EQ(find_rule(rule->code())->code(), rule->code());
  }
}

TEST(FindRule, IsCaseInsensitive) {
  for (const Rule* rule : rule_registry()) {
    SCOPED_TRACE(rule->code());
    EXPECT_EQ(find_rule(to_lower(rule->code())), rule);
    EXPECT_EQ(find_rule(to_upper(rule->code())), rule);
    EXPECT_EQ(find_rule(to_upper(rule->name())), rule);
  }
  const Rule* mixed = find_rule("Dt101");
  ASSERT_NE(mixed, nullptr);
  EXPECT_EQ(mixed->code(), "DT101");
}

TEST(FindRule, ReturnsNullForUnknownCodes) {
  for (std::string_view unknown : {"", "DT", "DT100", "DT199", "DT1011", "DT10", " DT101", "DT101 ", "PL300",
                                   "CX408", "E900", "E9010", "cast_overflow", "cast-overflow-", "X101"}) {
    EXPECT_EQ(find_rule(unknown), nullptr) << '"' << unknown << '"';
  }
}

TEST(SeverityText, RoundTrips) {
  for (Severity severity : {Severity::Note, Severity::Warning, Severity::Error}) {
    const std::optional<Severity> parsed = severity_from_string(to_string(severity));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, severity);
  }
  EXPECT_EQ(to_string(Severity::Error), "error");
  EXPECT_EQ(to_string(Severity::Warning), "warning");
  EXPECT_EQ(to_string(Severity::Note), "note");
}

TEST(SeverityText, RejectsOtherText) {
  for (std::string_view text : {"", "off", "never", "info", "errors", " error", "fatal"}) {
    EXPECT_FALSE(severity_from_string(text).has_value()) << '"' << text << '"';
  }
}

TEST(SeverityText, IsOrderedBySeriousness) {
  EXPECT_LT(Severity::Note, Severity::Warning);
  EXPECT_LT(Severity::Warning, Severity::Error);
}

}  // namespace
}  // namespace dtlint

namespace dtlint {
namespace {

// Each family judges one kind of fact; a rule filed under the wrong kind would
// never see its facts (or would see the wrong ones).
TEST(Registry, EveryRuleJudgesTheKindOfFactItsFamilyMeans) {
  const std::map<std::string_view, FactKind> special{{"DT203", FactKind::ObjectArray},
                                                     {"DT204", FactKind::SkippedInput},
                                                     {"DT205", FactKind::Suppression},
                                                     {"E901", FactKind::UnreadableInput}};
  for (const Rule* rule : rule_registry()) {
    SCOPED_TRACE(rule->code());
    FactKind expected = FactKind::ArrayAnalysis;
    if (rule->code().starts_with("PL")) expected = FactKind::CastPlan;
    if (rule->code().starts_with("CX")) expected = FactKind::CastSite;
    if (const auto it = special.find(rule->code()); it != special.end()) expected = it->second;
    EXPECT_EQ(rule->kind(), expected) << to_string(rule->kind());
  }
}

// Options are declared once, with a default inside their range, and reach the
// documentation (`explain`, docs/rules, SARIF help) from that declaration.
TEST(Registry, EveryDeclaredOptionIsSaneAndDocumented) {
  std::size_t declared = 0;
  for (const Rule* rule : rule_registry()) {
    SCOPED_TRACE(rule->code());
    std::set<std::string_view> names;
    for (const RuleOption& option : rule->options()) {
      ++declared;
      EXPECT_TRUE(names.insert(option.name).second) << "duplicate option " << option.name;
      EXPECT_EQ(rule->option(option.name), &option);
      EXPECT_LE(option.min, option.default_value);
      EXPECT_LE(option.default_value, option.max);
      EXPECT_FALSE(option.doc.empty());
      EXPECT_NE(rule_options_text(*rule).find("`" + std::string(option.name) + "`"), std::string::npos);
    }
    EXPECT_EQ(rule->option("no-such-option"), nullptr);
  }
  // DT107's `fraction`; the grading by share of DT104, DT105, DT106; DT114's spreads
  // (docs/configuration.md lists them all).
  ASSERT_NE(find_rule("DT107")->option("fraction"), nullptr);
  EXPECT_EQ(find_rule("DT107")->option("fraction")->default_value, 0.5);
  for (const char* code : {"DT104", "DT105", "DT106"}) {
    EXPECT_NE(find_rule(code)->option("warning_share"), nullptr) << code;
    EXPECT_NE(find_rule(code)->option("error_share"), nullptr) << code;
  }
  EXPECT_NE(find_rule("DT114")->option("warning_spread"), nullptr);
  EXPECT_NE(find_rule("DT114")->option("error_spread"), nullptr);
  EXPECT_EQ(declared, 9u);
}

}  // namespace
}  // namespace dtlint
