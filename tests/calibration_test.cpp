// The calibration corpus (tests/calibration/, written with NumPy and PyTorch by
// make_corpus.py): what practitioners cast without harm stays quiet, and each
// way a cast breaks data gives exactly one warning or error, of the rule and
// count the peers compute, naming the fix the peers confirm fits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "scan_support.h"
#include "snapshot_support.h"
#include "test_support.h"

namespace dtlint {
namespace {

using nlohmann::json;
using testing_support::kSourceDir;
using testing_support::matches_snapshot;
using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::scan_json;

const json& expected() {
  static const json cases = json::parse(read_file(kSourceDir + "/tests/calibration/expected.json"));
  return cases;
}

TEST(Calibration, AHealthyModelCastToFloat16OrBfloat16IsQuiet) {
  const json report = scan_json(kSourceDir, {"tests/calibration/healthy"});
  EXPECT_EQ(report.at("summary").at("findings").at("error"), 0) << report.at("findings").dump(1);
  EXPECT_EQ(report.at("summary").at("findings").at("warning"), 0) << report.at("findings").dump(1);
  EXPECT_GT(report.at("summary").at("arrays").get<int>(), 20);
  for (const json& f : report.at("findings")) {
    // What is left are notes: a few weights in float16's subnormal range, exact masks.
    EXPECT_TRUE(f.at("rule") == "DT105" || f.at("rule") == "DT202") << f.dump();
  }
}

// The count of the damage a finding of `rule` reports, as the peers counted it.
std::uint64_t peer_count(const json& outcome, const std::string& rule) {
  if (rule == "DT101") return outcome.at("overflow");
  if (rule == "DT104") return outcome.at("underflow_to_zero");
  if (rule == "DT110") return outcome.at("integer_changed");
  if (rule == "DT103") return outcome.at("nonfinite_to_int");
  if (rule == "DT114") return outcome.at("inexact");
  ADD_FAILURE() << "no peer count for " << rule;
  return 0;
}

TEST(Calibration, EachDamagingCastGivesOneFindingWithAFixThePeersConfirm) {
  const json report = scan_json(kSourceDir, {"tests/calibration/damaging"});
  ASSERT_EQ(expected().size(), 9u);
  for (const auto& [file, c] : expected().items()) {
    SCOPED_TRACE(file + ": " + c.at("why").get<std::string>());
    std::vector<json> serious;
    for (const json& f : report.at("findings")) {
      if (f.at("path") == "tests/calibration/damaging/" + file && f.at("severity") != "note")
        serious.push_back(f);
    }
    ASSERT_EQ(serious.size(), 1u) << json(serious).dump(1);
    const json& f = serious.front();
    EXPECT_EQ(f.at("rule"), c.at("rule"));
    EXPECT_EQ(f.at("severity"), c.at("severity"));
    EXPECT_EQ(f.at("target"), c.at("target"));
    EXPECT_EQ(f.at("count"), peer_count(c.at("outcome"), c.at("rule")));
    const std::string suggestion =
        f.at("suggestion").is_string() ? f.at("suggestion").get<std::string>() : "";
    if (c.contains("suggestion_contains")) {
      EXPECT_NE(suggestion.find(c.at("suggestion_contains").get<std::string>()), std::string::npos)
          << suggestion;
    }
    if (!c.contains("suggested")) continue;
    // The suggestion names the dtype the peers find fits, with the counts they give.
    const json& o = c.at("suggested_outcome");
    EXPECT_NE(suggestion.find(c.at("suggested").get<std::string>() + " fits"), std::string::npos)
        << suggestion;
    if (o.contains("overflow")) {
      const std::string counts = "simulated: " + std::to_string(o.at("overflow").get<int>()) + " of " +
                                 std::to_string(c.at("elements").get<int>()) + " overflow, " +
                                 std::to_string(o.at("underflow_to_zero").get<int>()) + " flush to zero, " +
                                 std::to_string(o.at("to_subnormal").get<int>()) + " subnormal";
      EXPECT_NE(suggestion.find(counts), std::string::npos) << suggestion << "\nexpected " << counts;
    }
  }
}

TEST(Calibration, FindingsMatchTheirSnapshot) {
  const auto healthy = run_dtlint("scan tests/calibration/healthy");
  const auto damaging = run_dtlint("scan tests/calibration/damaging");
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out;
  EXPECT_EQ(damaging.exit_code, 1) << damaging.out;
  EXPECT_TRUE(matches_snapshot("tests/snapshots/calibration.txt", healthy.out + "\n" + damaging.out));
}

}  // namespace
}  // namespace dtlint
