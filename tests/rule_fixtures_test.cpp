// Per-rule fixtures, as ruff and clang-tidy have them: each folder of
// tests/rules/ (written by NumPy with tests/rules/make_fixtures.py) is scanned
// by the built binary, and
//   - every array-rule finding must be one NumPy predicts, with NumPy's count
//     and first hit (index and value), and every finding NumPy predicts must
//     be there (case.json "expect");
//   - the input rules fire on exactly the paths NumPy's loader refuses;
//   - the text report must equal tests/snapshots/rules/<case>.txt.
// Every rule of the catalogue must have a case, or be listed below as not yet testable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "snapshot_support.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::matches_snapshot;
using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::shell_quoted;

// Rules judged per array value: a case states all their findings with counts.
const std::set<std::string> kArrayRules{"DT101", "DT102", "DT103", "DT104", "DT105",
                                        "DT106", "DT107", "DT108", "DT109", "DT110",
                                        "DT111", "DT112", "DT114", "DT201", "DT202"};
// Rules about whole inputs or the configuration (its declared casts too): a case
// states how many findings a path gets, at which line.
const std::set<std::string> kInputRules{"DT203", "DT204", "DT205", "E901",
                                        "PL301", "PL302", "PL303", "PL304"};
// No fact producer yet (the C++ front end): nothing can make them fire.
// A rule moves from here to a case when its producer lands.
// DT113 needs float8, which NumPy lacks: tests/scaled_test.cpp checks it against
// float8 truth built from the format's definition (tests/golden/scaled).
const std::set<std::string> kNotYetTestable{"DT113", "CX401", "CX402", "CX403",
                                            "CX404", "CX405", "CX406", "CX407"};

// The case folders, read when the tests are registered (so not through kSourceDir,
// whose initialisation may come later).
std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(DTLINT_SOURCE_DIR) / "tests/rules", ec)) {
    if (entry.is_directory() && fs::is_regular_file(entry.path() / "case.json")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

nlohmann::json load_case(const std::string& name) {
  return nlohmann::json::parse(
      read_file(testing_support::kSourceDir + "/tests/rules/" + name + "/case.json"));
}

std::string scan_command(const std::string& name, const nlohmann::json& spec) {
  std::string command = "scan " + shell_quoted("tests/rules/" + name) + " --no-progress";
  for (const auto& argument : spec.at("args")) command += " " + shell_quoted(argument.get<std::string>());
  return command;
}

std::string text_or_null(const nlohmann::json& value) {
  return value.is_null() ? std::string("-") : value.get<std::string>();
}

// A first value as text: numbers compared as doubles (the report may write 7 or
// 7.0), "nan"/"inf"/"-inf" as they are.
std::string value_text(const nlohmann::json& value) {
  if (!value.is_number()) return value.dump();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value.get<double>());
  return buffer;
}

// (rule, path, member, target, count, first index, first value): one array-rule finding.
using ArrayFinding =
    std::tuple<std::string, std::string, std::string, std::string, std::uint64_t, std::string, std::string>;

ArrayFinding array_finding(const nlohmann::json& f) {
  return {f.at("rule").get<std::string>(), f.at("path").get<std::string>(),    text_or_null(f.at("member")),
          text_or_null(f.at("target")),    f.at("count").get<std::uint64_t>(), f.at("first_index").dump(),
          value_text(f.at("first_value"))};
}

std::string describe(const std::multiset<ArrayFinding>& findings) {
  std::ostringstream out;
  for (const auto& [rule, path, member, target, count, index, value] : findings) {
    out << "  " << rule << " " << path << (member == "-" ? "" : ":" + member) << " " << target << " count "
        << count << ", first at " << index << " = " << value << "\n";
  }
  return findings.empty() ? "  (none)\n" : out.str();
}

class RuleFixture : public testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, MatchesNumPyAndTheTextSnapshot) {
  const std::string& name = GetParam();
  const nlohmann::json spec = load_case(name);

  const auto text = run_dtlint(scan_command(name, spec));
  EXPECT_TRUE(text.exit_code == 0 || text.exit_code == 1) << text.exit_code << ": " << text.err;
  EXPECT_EQ(text.err, "");
  EXPECT_TRUE(matches_snapshot("tests/snapshots/rules/" + name + ".txt", text.out));

  const auto json = run_dtlint(scan_command(name, spec) + " --format json");
  ASSERT_EQ(json.exit_code, text.exit_code) << json.err;
  const nlohmann::json report = nlohmann::json::parse(json.out);

  std::multiset<ArrayFinding> reported, predicted;
  for (const auto& f : report.at("findings")) {
    const std::string rule = f.at("rule").get<std::string>();
    ASSERT_TRUE(kArrayRules.count(rule) || kInputRules.count(rule)) << rule << " fired in " << name;
    if (!kArrayRules.count(rule)) continue;
    reported.insert(array_finding(f));
  }
  std::map<std::string, int> input_findings_predicted;
  for (const auto& e : spec.at("expect")) {
    const std::string rule = e.at("rule").get<std::string>();
    if (e.contains("count")) {
      ASSERT_TRUE(kArrayRules.count(rule)) << rule;
      predicted.insert(array_finding(e));
      continue;
    }
    ASSERT_TRUE(kInputRules.count(rule)) << rule;
    const int want = e.at("findings").get<int>();
    input_findings_predicted[rule] += want;
    int matching = 0;
    for (const auto& f : report.at("findings")) {
      matching += f.at("rule") == rule && f.at("path") == e.at("path") &&
                  (e.at("member").is_null() || f.at("member") == e.at("member")) &&
                  (!e.contains("line") || f.at("line") == e.at("line"));
    }
    EXPECT_EQ(matching, want) << rule << " at " << e.dump();
  }
  EXPECT_EQ(reported, predicted) << "reported by dtlint:\n"
                                 << describe(reported) << "predicted by NumPy:\n"
                                 << describe(predicted);
  // No input-rule finding beyond the predicted ones.
  for (const std::string& rule : kInputRules) {
    int total = 0;
    for (const auto& f : report.at("findings")) total += f.at("rule") == rule;
    EXPECT_EQ(total, input_findings_predicted[rule]) << rule;
  }
  if (spec.contains("suppressed")) {
    EXPECT_EQ(report.at("summary").at("suppressed"), spec.at("suppressed"));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, RuleFixture, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& param) { return param.param; });

// The catalogue as the binary lists it: the first word of each line of `dtlint rules`.
std::vector<std::string> catalogue_codes() {
  const auto rules = run_dtlint("rules");
  EXPECT_EQ(rules.exit_code, 0) << rules.err;
  std::vector<std::string> codes;
  std::istringstream in(rules.out);
  for (std::string line; std::getline(in, line);) {
    const std::string code = line.substr(0, line.find(' '));
    if (!code.empty()) codes.push_back(code);
  }
  return codes;
}

TEST(RuleFixtures, EveryRuleHasACaseOrIsListedAsNotYetTestable) {
  const std::vector<std::string> codes = catalogue_codes();
  ASSERT_FALSE(codes.empty());
  // Rules that a case exists for, and that NumPy predicts at least one finding of there.
  std::set<std::string> covered;
  for (const std::string& name : case_names()) {
    const nlohmann::json spec = load_case(name);
    const std::string rule = spec.at("rule").get<std::string>();
    for (const auto& e : spec.at("expect")) {
      if (e.at("rule") == rule && e.value("count", 0) + e.value("findings", 0) > 0) covered.insert(rule);
    }
  }
  for (const std::string& code : codes) {
    const bool judged = kArrayRules.count(code) || kInputRules.count(code);
    if (judged) {
      EXPECT_TRUE(covered.count(code)) << code << " has no case in tests/rules/ that makes it fire";
    } else {
      EXPECT_TRUE(kNotYetTestable.count(code))
          << code << " is new: add a case to tests/rules/make_fixtures.py, or list it as not yet testable";
    }
    EXPECT_FALSE(judged && kNotYetTestable.count(code)) << code;
  }
  for (const std::string& listed : kNotYetTestable) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), listed), codes.end()) << listed << " left the catalogue";
  }
  for (const std::string& rule : covered) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), rule), codes.end()) << rule << " left the catalogue";
  }
}

TEST(RuleFixtures, EverySnapshotBelongsToACase) {
  const std::vector<std::string> names = case_names();
  ASSERT_FALSE(names.empty());
  std::error_code ec;  // no folder: no snapshot left over (the cases fail on their own)
  for (const auto& entry :
       fs::directory_iterator(testing_support::kSourceDir + "/tests/snapshots/rules", ec)) {
    const std::string stem = entry.path().stem().string();
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), stem))
        << entry.path() << " is left over from a case that no longer exists";
  }
}

}  // namespace
}  // namespace dtlint
