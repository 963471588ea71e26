// The command line end to end: the real binary, its exit codes and outputs.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace dtlint {
namespace {

using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::TempDir;

TEST(Cli, Version) {
  const auto r = run_dtlint("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("dtlint 0.1.0"), std::string::npos) << r.out;
}

TEST(Cli, ExamplesFailTheGate) {
  const auto r = run_dtlint("scan examples");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  for (const char* code : {"DT101", "DT104", "DT110", "DT103", "DT111", "E901"}) {
    EXPECT_NE(r.out.find(code), std::string::npos) << code << " missing from\n" << r.out;
  }
  EXPECT_NE(r.out.find("examples/broken.npy"), std::string::npos);
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "no colour when stdout is not a terminal";
}

TEST(Cli, FailOnThresholds) {
  EXPECT_EQ(run_dtlint("scan examples --fail-on never").exit_code, 0);
  // The checkpoint only has warnings and notes (a few subnormal weights; inv_freq's
  // 3 of 8 values, a share that is a warning): it fails at warning, not at error.
  EXPECT_EQ(run_dtlint("scan examples/models/pytorch_model.bin --fail-on error").exit_code, 0);
  EXPECT_EQ(run_dtlint("scan examples/models/pytorch_model.bin --fail-on warning").exit_code, 1);
  // Most of gradients.npy flushes to zero in float16: an error by share (DT104).
  EXPECT_EQ(run_dtlint("scan examples/gradients.npy --fail-on error").exit_code, 1);
  // A clean uint8 image: lossless in every default target.
  const auto clean = run_dtlint("scan examples/pixels.npy --fail-on note");
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_NE(clean.out.find("No findings."), std::string::npos) << clean.out;
}

TEST(Cli, UsageErrorsNameTheArgument) {
  struct Case {
    const char* args;
    const char* named;
  };
  for (const Case& c :
       {Case{"scan --targets float16,float99 examples", "float99"},
        Case{"scan --semantics jax examples", "jax"}, Case{"scan --format xml examples", "xml"},
        Case{"scan --fail-on sometimes examples", "sometimes"},
        Case{"scan --no-such-flag examples", "--no-such-flag"},
        Case{"scan --targets '' examples", "--targets"}, Case{"explain DT999", "DT999"},
        Case{"frobnicate", "frobnicate"}}) {
    const auto r = run_dtlint(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
  }
}

// --statistics (ruff's meaning): the findings per rule instead of the findings,
// counted as the full report counts them; the gate is the same. A text view only.
TEST(Cli, StatisticsCountFindingsPerRule) {
  const auto full = run_dtlint("scan examples --format json --no-progress");
  const auto report = nlohmann::json::parse(full.out);
  std::map<std::string, std::uint64_t> per_rule;
  for (const auto& f : report["findings"]) ++per_rule[f["rule"].get<std::string>()];
  const auto r = run_dtlint("scan examples --statistics --no-progress");
  EXPECT_EQ(r.exit_code, full.exit_code) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::size_t rows = 0;
  std::uint64_t previous = UINT64_MAX;
  while (std::getline(lines, line) && !line.starts_with("dtlint (")) {
    std::istringstream row(line);
    std::uint64_t n = 0;
    std::string code, name, severity;
    row >> n >> code >> name >> severity;
    SCOPED_TRACE(line);
    EXPECT_EQ(n, per_rule[code]);
    EXPECT_LE(n, previous);  // most first
    EXPECT_EQ(severity.front(), '[');
    previous = n;
    ++rows;
  }
  EXPECT_EQ(rows, per_rule.size());
  EXPECT_TRUE(line.starts_with("dtlint (numpy): ")) << r.out;
  const auto json_statistics = run_dtlint("scan examples --statistics --format json");
  EXPECT_EQ(json_statistics.exit_code, 2);
  EXPECT_NE(json_statistics.err.find("--statistics"), std::string::npos) << json_statistics.err;
}

TEST(Cli, UnreadableInputsAreReportedAndTheScanGoesOn) {
  TempDir dir;
  std::filesystem::copy_file(testing_support::kSourceDir + "/examples/pressure_pa.npy", dir / "good.npy");
  { std::ofstream(dir / "bad.npy") << "not an array"; }
  const auto r =
      run_dtlint("scan --format json '" + dir.path().string() + "' '" + (dir / "missing.npy") + "'");
  EXPECT_EQ(r.exit_code, 1);
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["summary"]["arrays"], 1);
  EXPECT_EQ(report["summary"]["unreadable"], 2);
  EXPECT_EQ(report["summary"]["inputs"], 3);
  int e901 = 0;
  for (const auto& f : report["findings"]) e901 += f["rule"] == "E901";
  EXPECT_EQ(e901, 2);
}

TEST(Cli, FileNamesThatAreNotUtf8) {
  TempDir dir;
  const std::string name = dir / "bad\xff\xfename.npy";
  std::filesystem::copy_file(testing_support::kSourceDir + "/examples/pressure_pa.npy", name);
  const auto json = run_dtlint("scan --format json '" + dir.path().string() + "'");
  EXPECT_EQ(json.exit_code, 1) << json.err;
  const auto report = nlohmann::json::parse(json.out);  // valid JSON, the bytes replaced by U+FFFD
  EXPECT_NE(report["arrays"][0]["path"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(run_dtlint("scan '" + dir.path().string() + "'").exit_code, 1);
}

// --show-files says what a scan would do with each file and reads no data;
// the scan itself then notes the same skipped files (DT204), exit 0 on them alone.
TEST(Cli, ShowFilesListsWhatIsReadAndWhatIsSkipped) {
  TempDir dir;
  std::filesystem::copy_file(testing_support::kSourceDir + "/examples/labels.npy", dir / "labels.npy");
  std::filesystem::copy_file(testing_support::kSourceDir + "/tests/golden/data/containers/cases.gguf",
                             dir / "model.gguf");
  { std::ofstream(dir / "table.parquet") << "PAR1"; }
  { std::ofstream(dir / "notes.txt") << "not data"; }
  { std::ofstream(dir / "broken.npy") << "not an array"; }
  const auto r = run_dtlint("scan --show-files '" + dir.path().string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> listed;  // file name -> what the scan would do
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t gap = line.find("  ");
    if (gap == std::string::npos) continue;
    listed[std::filesystem::path(line.substr(0, gap)).filename().string()] =
        line.substr(line.find_first_not_of(' ', gap));
  }
  EXPECT_EQ(listed["labels.npy"], "npy");
  EXPECT_EQ(listed["model.gguf"], "gguf");
  EXPECT_EQ(listed["broken.npy"], "npy");  // by name: what is wrong with it, the scan says
  EXPECT_TRUE(listed["table.parquet"].starts_with("skipped: an Apache Parquet table")) << r.out;
  EXPECT_EQ(listed.count("notes.txt"), 0u) << r.out;
  EXPECT_NE(r.out.find("4 files: 3 read, 1 skipped, 0 unreadable\n"), std::string::npos) << r.out;

  std::filesystem::remove(dir / "broken.npy");
  std::filesystem::remove(dir / "labels.npy");
  std::filesystem::remove(dir / "model.gguf");
  const auto scan = run_dtlint("scan '" + dir.path().string() + "'");
  EXPECT_EQ(scan.exit_code, 0) << scan.out;
  EXPECT_NE(scan.out.find("table.parquet: note DT204 skipped input: an Apache Parquet table"),
            std::string::npos)
      << scan.out;
  EXPECT_NE(scan.out.find("0 arrays, 0 unreadable, 1 skipped"), std::string::npos) << scan.out;
}

TEST(Cli, EmptyFolderIsClean) {
  TempDir dir;
  const auto r = run_dtlint("scan '" + dir.path().string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("0 inputs"), std::string::npos) << r.out;
}

TEST(Cli, OutputFileAndDeterminism) {
  TempDir dir;
  const auto a =
      run_dtlint("scan examples tests/golden/data --config examples/.dtlint.yaml --format json --output '" +
                 (dir / "a.json") + "'");
  const auto b =
      run_dtlint("scan examples tests/golden/data --config examples/.dtlint.yaml --format json --output '" +
                 (dir / "b.json") + "'");
  EXPECT_EQ(a.exit_code, 1);
  EXPECT_TRUE(a.out.empty());
  const std::string first = read_file(dir / "a.json");
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, read_file(dir / "b.json"));
}

TEST(Cli, RulesAndExplain) {
  const auto rules = run_dtlint("rules");
  EXPECT_EQ(rules.exit_code, 0);
  for (const char* code : {"DT101", "DT111", "DT203", "PL304", "CX407", "E901"}) {
    EXPECT_NE(rules.out.find(code), std::string::npos) << code;
  }
  const auto explain = run_dtlint("explain dt101");
  EXPECT_EQ(explain.exit_code, 0);
  EXPECT_NE(explain.out.find("cast-overflow"), std::string::npos);
  EXPECT_NE(explain.out.find("## How to fix"), std::string::npos);
}

TEST(Cli, SemanticsChangesTheReportedProfile) {
  const auto r = run_dtlint("scan examples/embeddings.npy --format json --semantics tensorflow");
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["semantics"], "tensorflow");
  const auto& diverging = report["arrays"][0]["casts"][0]["diverging"];
  EXPECT_TRUE(diverging.contains("numpy"));
  EXPECT_FALSE(diverging.contains("tensorflow"));
}

TEST(Cli, ReportsDoNotDependOnThreadsOrChunks) {
  TempDir dir;
  // Every thread count over every input, including the golden arrays of all dtypes.
  const std::string inputs =
      "examples tests/golden/data --config examples/.dtlint.yaml --format json --fail-on never";
  const auto one = run_dtlint("scan " + inputs + " --threads 1");
  const auto two = run_dtlint("scan " + inputs + " --threads 2");
  const auto five = run_dtlint("scan " + inputs + " --threads 5");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_FALSE(one.out.empty());
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out, five.out);
}

TEST(Cli, KernelOverrideIsCheckedAndHonoured) {
  const std::string scan = "scan examples/embeddings.npy --format json --fail-on never";
  const auto bad = run_dtlint(scan, testing_support::kSourceDir, "DTLINT_KERNEL=sse9");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("DTLINT_KERNEL=sse9"), std::string::npos) << bad.err;
  const auto reference = run_dtlint(scan, testing_support::kSourceDir, "DTLINT_KERNEL=reference");
  const auto scalar = run_dtlint(scan, testing_support::kSourceDir, "DTLINT_KERNEL=scalar");
  EXPECT_EQ(reference.exit_code, 0);
  EXPECT_EQ(reference.out, scalar.out);
}

TEST(Cli, NoProgressWhenStderrIsNotATerminal) {
  const auto r = run_dtlint("scan examples tests/golden/data --config examples/.dtlint.yaml --fail-on never");
  EXPECT_EQ(r.err, testing_support::kExamplesNotice);  // no progress line, only what the run has to say
}

}  // namespace
}  // namespace dtlint
