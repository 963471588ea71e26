// dtlint as a gate in real use, end to end through the binary: configuration
// found upward and overridden by the command line, suppressions, baselines
// that survive data refreshes, and the machine formats' exit codes.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "rules/baseline.h"
#include "rules/registry.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;
using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::TempDir;
using testing_support::write_text;

// A little-endian float64 .npy (format 1.0) holding `values`.
void write_f64_npy(const fs::path& path, const std::vector<double>& values) {
  std::string data(values.size() * sizeof(double), '\0');
  if (!values.empty()) std::memcpy(data.data(), values.data(), data.size());
  write_text(path, testing_support::npy_bytes("<f8", "(" + std::to_string(values.size()) + ",)", data));
}

nlohmann::json json_of(const testing_support::CommandResult& r) {
  return nlohmann::json::parse(r.out);
}

std::vector<std::string> rules_of(const nlohmann::json& report) {
  std::vector<std::string> codes;
  for (const auto& f : report["findings"])
    codes.push_back(f["rule"].get<std::string>() + " " + f["path"].get<std::string>());
  return codes;
}

// A project folder with data: one array that overflows float16 (DT101) and one
// with values that flush to zero (DT104, a warning).
struct Project {
  TempDir dir;
  Project() {
    write_f64_npy(dir.path() / "data/pressure.npy", {101325.0, 99000.0, 70000.5});
    write_f64_npy(dir.path() / "data/grads.npy", {1e-9, 2e-9, 0.5});
  }
  std::string operator/(const std::string& name) const { return dir / name; }
  testing_support::CommandResult run(const std::string& args) const {
    return run_dtlint(args, dir.path().string());
  }
};

TEST(GateBaseline, TodaysBaselineKeepsTomorrowGreenUntilANewFindingAppears) {
  Project p;
  const auto before = p.run("scan data --format json");
  ASSERT_EQ(before.exit_code, 1) << before.out << before.err;

  const auto written = p.run("scan data --write-baseline dtlint-baseline.json");
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_NE(written.err.find("to the baseline"), std::string::npos) << written.err;
  const auto stored = nlohmann::json::parse(read_file(p / "dtlint-baseline.json"));
  EXPECT_EQ(stored["findings"].size(), json_of(before)["findings"].size());

  // Tomorrow: the data is refreshed (other values, other counts) but the verdict is the same.
  write_f64_npy(p.dir.path() / "data/pressure.npy", {120000.0, 80000.5, 66000.0, 1.0, 2.0});
  const auto tomorrow = p.run("scan data --baseline dtlint-baseline.json --format json");
  EXPECT_EQ(tomorrow.exit_code, 0) << tomorrow.out;
  const auto report = json_of(tomorrow);
  EXPECT_TRUE(report["findings"].empty()) << report["findings"].dump(2);
  EXPECT_EQ(report["summary"]["baseline"]["matched"], stored["findings"].size());
  EXPECT_EQ(report["summary"]["baseline"]["fixed"], 0);

  // The baseline works from another working directory too: its paths are its own folder's.
  const auto elsewhere =
      run_dtlint("scan '" + (p / "data") + "' --baseline '" + (p / "dtlint-baseline.json") + "'", kSourceDir);
  EXPECT_EQ(elsewhere.exit_code, 0) << elsewhere.out << elsewhere.err;

  // A new problem: a NaN label cast to int32 (DT103) in a new file. Only it is shown.
  write_f64_npy(p.dir.path() / "data/labels.npy", {1.0, 2.0, std::nan("")});
  const auto new_finding = p.run("scan data --baseline dtlint-baseline.json --format json");
  EXPECT_EQ(new_finding.exit_code, 1);
  const auto codes = rules_of(json_of(new_finding));
  ASSERT_FALSE(codes.empty());
  for (const std::string& c : codes) EXPECT_NE(c.find("data/labels.npy"), std::string::npos) << c;
  EXPECT_NE(std::find(codes.begin(), codes.end(), "DT103 data/labels.npy"), codes.end());

  // Fixing the overflow leaves its entries in the baseline as fixed ones.
  write_f64_npy(p.dir.path() / "data/pressure.npy", {1.0, 2.0});
  fs::remove(p.dir.path() / "data/labels.npy");
  const auto fixed = p.run("scan data --baseline dtlint-baseline.json");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out;
  EXPECT_NE(fixed.out.find("fixed and can be removed"), std::string::npos) << fixed.out;
}

// Baselines committed to repositories must keep matching across versions and
// machines: the fingerprint is FNV-1a 64 over the fields, each followed by 0x1f.
// The expected values were computed independently (a few lines of Python).
TEST(GateBaseline, FingerprintsAreAStableFunctionOfRulePathMemberAndTarget) {
  Finding f;
  f.rule = find_rule("DT101");
  f.location.path = "/repo/data/pressure.npy";
  f.target = DType::Float16;
  f.count = 3;
  EXPECT_EQ(fingerprint(f, "/repo"), "32da27c20c27bce4");
  f.count = 3000;  // counts, values and messages are not part of the identity
  f.message = "other words";
  f.first_value = 7;
  EXPECT_EQ(fingerprint(f, "/repo"), "32da27c20c27bce4");
  EXPECT_EQ(fingerprint(f, "/repo/"), "32da27c20c27bce4");
  f.target = DType::BFloat16;
  EXPECT_NE(fingerprint(f, "/repo"), "32da27c20c27bce4");

  Finding e;
  e.rule = find_rule("E901");
  e.location.path = "/elsewhere/weights.npz";
  e.location.member = "layer/0.npy";
  EXPECT_EQ(fingerprint(e, "/elsewhere"), "8aa858af69ad0759");
  EXPECT_EQ(path_from("/elsewhere/./x/../weights.npz", "/elsewhere"), "weights.npz");
  EXPECT_EQ(path_from("/other/weights.npz", "/elsewhere"), "/other/weights.npz");
}

TEST(GateBaseline, RewritingABaselineKeepsEveryCurrentFinding) {
  Project p;
  ASSERT_EQ(p.run("scan data --write-baseline b.json").exit_code, 0);
  const auto first = nlohmann::json::parse(read_file(p / "b.json"));
  write_f64_npy(p.dir.path() / "data/labels.npy", {1.0, std::nan("")});
  // --baseline with --write-baseline refreshes the file: old and new findings alike.
  const auto refreshed = p.run("scan data --baseline b.json --write-baseline b.json");
  EXPECT_EQ(refreshed.exit_code, 0) << refreshed.err;
  const auto second = nlohmann::json::parse(read_file(p / "b.json"));
  EXPECT_GT(second["findings"].size(), first["findings"].size());
  for (const auto& entry : first["findings"]) {
    EXPECT_NE(std::find(second["findings"].begin(), second["findings"].end(), entry),
              second["findings"].end())
        << entry.dump();
  }
  EXPECT_EQ(p.run("scan data --baseline b.json").exit_code, 0);
}

TEST(GateBaseline, MalformedBaselineIsAUsageErrorNamingTheFile) {
  Project p;
  write_text(p.dir.path() / "bad.json",
             "{\"dtlint_baseline\": 1, \"findings\": [{\"fingerprint\": \"xyz\"}]}");
  const auto r = p.run("scan data --baseline bad.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fingerprint"), std::string::npos) << r.err;
  const auto missing = p.run("scan data --baseline nowhere.json");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nowhere.json"), std::string::npos) << missing.err;
}

TEST(GateConfig, WrongKeyInPyprojectIsExit2WithFileLineAndKey) {
  Project p;
  write_text(p.dir.path() / "pyproject.toml",
             "[project]\nname = \"demo\"\n\n[tool.dtlint]\ntargets = [\"float16\"]\nfail-on = \"warning\"\n");
  const auto r = p.run("scan data");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("pyproject.toml:6"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fail-on"), std::string::npos) << r.err;
}

TEST(GateConfig, FoundUpwardAndOverriddenByTheCommandLine) {
  Project p;
  write_text(p.dir.path() / ".dtlint.yaml", "targets: [float32]\nfail_on: warning\n");
  // Under float32 alone nothing overflows; grads.npy's 1e-9 stays normal too: clean.
  const auto from_sub = run_dtlint("scan .", (p.dir.path() / "data").string());
  EXPECT_EQ(from_sub.exit_code, 0) << from_sub.out << from_sub.err;
  const auto report = json_of(p.run("scan data --format json"));
  EXPECT_EQ(report["targets"], nlohmann::json::array({"float32"}));
  EXPECT_EQ(report["config"], ".dtlint.yaml");
  // The command line wins: float16 brings back the overflow and the flush to zero.
  const auto cli = p.run("scan data --targets float16 --format json");
  EXPECT_EQ(cli.exit_code, 1);
  const auto codes = rules_of(json_of(cli));
  EXPECT_NE(std::find(codes.begin(), codes.end(), "DT101 data/pressure.npy"), codes.end());
  // fail_on: warning from the file makes the DT104 warning fail alone; --fail-on error does not.
  // (2 of grads.npy's 3 values flush: an error by share, unless configured a warning.)
  write_text(p.dir.path() / ".dtlint.yaml",
             "targets: [float16]\nfail_on: warning\nrules:\n  DT104: warning\n");
  EXPECT_EQ(p.run("scan data/grads.npy").exit_code, 1);
  EXPECT_EQ(p.run("scan data/grads.npy --fail-on error").exit_code, 0);
}

TEST(GateConfig, RuleSeveritiesOffAndPerPathOverrides) {
  Project p;
  write_text(p.dir.path() / ".dtlint.yaml",
             "targets: [float16]\n"
             "rules:\n"
             "  DT104: off\n"
             "  DT105: off\n"
             "  DT101: warning\n"
             "per_path:\n"
             "  - paths: ['data/pressure.npy']\n"
             "    rules:\n"
             "      DT101: error\n");
  const auto report = json_of(p.run("scan data --format json"));
  std::vector<std::string> seen;
  for (const auto& f : report["findings"]) {
    seen.push_back(f["rule"].get<std::string>());
    if (f["rule"] == "DT101") {
      EXPECT_EQ(f["severity"], "error") << "per_path wins over the top level";
    }
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "DT104"), 0);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "DT105"), 0);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "DT101"), 1);

  // Without the per_path entry DT101 is a warning, and the default gate passes.
  write_text(p.dir.path() / ".dtlint.yaml",
             "targets: [float16]\nrules: {DT104: off, DT105: off, DT101: warning}\n");
  EXPECT_EQ(p.run("scan data").exit_code, 0);
}

TEST(GateConfig, PerPathTargetsAndTolerances) {
  Project p;
  // float16's default rtol (2^-11) is not exceeded by ordinary rounding; a tight one is.
  write_f64_npy(p.dir.path() / "data/smooth.npy", {0.1, 0.2, 0.3});
  write_text(p.dir.path() / ".dtlint.yaml",
             "targets: [float32]\n"
             "per_path:\n"
             "  - paths: ['data/smooth.npy']\n"
             "    targets: [float16]\n"
             "    tolerances: {float16: {rtol: 1.0e-6}}\n");
  const auto report = json_of(p.run("scan data --format json"));
  bool saw_smooth = false;
  for (const auto& a : report["arrays"]) {
    ASSERT_EQ(a["casts"].size(), 1u);
    if (a["path"] == "data/smooth.npy") {
      saw_smooth = true;
      EXPECT_EQ(a["casts"][0]["target"], "float16");
      EXPECT_EQ(a["casts"][0]["rtol"], 1.0e-6);
      EXPECT_EQ(a["casts"][0]["tolerance_exceeded"], 3);
    } else {
      EXPECT_EQ(a["casts"][0]["target"], "float32") << a["path"];
    }
  }
  EXPECT_TRUE(saw_smooth);
}

TEST(GateSuppressions, HideMatchesAndNoteUnusedEntries) {
  Project p;
  write_text(p.dir.path() / ".dtlint.yaml",
             "targets: [float16]\n"
             "ignore:\n"
             "  - path: data/pressure.npy\n"
             "    rules: [DT101]\n"
             "    reason: pressures are rescaled to kPa before the cast\n"
             "  - path: data/old.npy\n"
             "    rules: [DT107]\n"
             "    reason: the file was deleted\n");
  const auto r = p.run("scan . --format json");
  const auto report = json_of(r);
  EXPECT_EQ(report["summary"]["suppressed"], 1);
  bool unused_noted = false;
  for (const auto& f : report["findings"]) {
    EXPECT_FALSE(f["rule"] == "DT101") << f.dump();
    if (f["rule"] == "DT205") {
      unused_noted = true;
      EXPECT_EQ(f["path"], ".dtlint.yaml");
      EXPECT_EQ(f["line"], 6);
      EXPECT_NE(f["message"].get<std::string>().find("data/old.npy"), std::string::npos);
    }
  }
  EXPECT_TRUE(unused_noted) << report["findings"].dump(2);

  // A scan of one file (as pre-commit does) does not call the other entry unused.
  const auto single = json_of(p.run("scan data/pressure.npy --format json"));
  for (const auto& f : single["findings"]) EXPECT_NE(f["rule"], "DT205") << f.dump();
  EXPECT_EQ(single["summary"]["suppressed"], 1);
}

TEST(GateSuppressions, AReasonIsMandatory) {
  Project p;
  write_text(p.dir.path() / ".dtlint.yaml", "ignore:\n  - path: data/pressure.npy\n    rules: [DT101]\n");
  const auto r = p.run("scan data");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".dtlint.yaml:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("reason"), std::string::npos) << r.err;
}

TEST(GateConfig, PrintedConfigurationRoundTrips) {
  Project p;
  write_text(p.dir.path() / ".dtlint.toml",
             "targets = ['float16', 'int32']\nsemantics = 'torch'\nexclude = ['scratch/**']\n"
             "[rules]\nDT104 = 'off'\nDT107 = { severity = 'note', fraction = 0.25 }\n"
             "[tolerances.float16]\nrtol = 0.001\n"
             "[[ignore]]\npath = 'data/*.npy'\nrules = ['DT105']\nreason = 'small gradients are expected'\n");
  const auto first = p.run("config --fail-on warning");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  write_text(p.dir.path() / "printed.yaml", first.out);
  const auto second = p.run("config --config printed.yaml");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // The same configuration, apart from the comment naming its file.
  const auto body = [](const std::string& text) { return text.substr(text.find('\n') + 1); };
  EXPECT_EQ(body(first.out), body(second.out));
  EXPECT_NE(first.out.find("warning"), std::string::npos) << "the command line's --fail-on is applied";
  EXPECT_NE(first.out.find("0.25"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("torch"), std::string::npos) << first.out;
}

TEST(GateConfig, ConfigFilesNamedOnTheCommandLineAreValidatedNotScanned) {
  Project p;
  write_text(p.dir.path() / "pyproject.toml", "[project]\nname = \"demo\"\n");
  const auto foreign = p.run("scan pyproject.toml");
  EXPECT_EQ(foreign.exit_code, 0) << foreign.out << foreign.err;
  EXPECT_EQ(foreign.out.find("E901"), std::string::npos) << foreign.out;
  write_text(p.dir.path() / ".dtlint.yaml", "targets: [float99]\n");
  const auto bad = p.run("scan .dtlint.yaml");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("float99"), std::string::npos) << bad.err;
}

TEST(GateFormats, MachineFormatsKeepTheExitCodes) {
  Project p;
  for (const char* format : {"sarif", "github", "json", "text"}) {
    EXPECT_EQ(p.run(std::string("scan data --format ") + format).exit_code, 1) << format;
    EXPECT_EQ(p.run(std::string("scan data --fail-on never --format ") + format).exit_code, 0) << format;
  }
  const auto github = p.run("scan data --format github");
  EXPECT_NE(github.out.find("::error file=data/pressure.npy,line=1,title=DT101"), std::string::npos)
      << github.out;
}

// A PL finding is known by its declaration's identity, not its line: a config
// entry moved (or the file reformatted) keeps its fingerprint, and a baseline
// written before the move still hides it; another identity is a new finding.
TEST(GateBaseline, APipelineFindingKeepsItsFingerprintWhenItsEntryMoves) {
  Finding f;
  f.rule = find_rule("PL301");
  f.location.path = "/repo/.dtlint.yaml";
  f.location.line = 4;
  f.location.column = 5;
  f.related = Location("/repo/data/a.npz", "pixels");
  f.identity = "data/*.npz:pixels -> float16";
  f.target = DType::Float16;
  const std::string print = fingerprint(f, "/repo");
  Finding moved = f;
  moved.location.line = 40;
  moved.location.column = 9;
  moved.related = Location("/repo/data/b.npz", "pixels");  // the data is not the identity either
  EXPECT_EQ(fingerprint(moved, "/repo"), print);
  Finding other = f;
  other.identity = "data/*.npz:pixels -> bfloat16";
  EXPECT_NE(fingerprint(other, "/repo"), print);
  Finding without = f;
  without.identity.clear();  // then path, member and target, as for any finding
  EXPECT_NE(fingerprint(without, "/repo"), print);
  Finding member = without;
  member.location.member = "data/*.npz:pixels -> float16";  // identity and member never collide
  EXPECT_NE(fingerprint(member, "/repo"), print);

  TempDir dir;
  const std::string file = dir / "baseline.json";
  f.location.path = dir / ".dtlint.yaml";
  moved.location.path = f.location.path;
  other.location.path = f.location.path;
  write_baseline(file, {f});
  const nlohmann::json written = nlohmann::json::parse(read_file(file));
  EXPECT_EQ(written["findings"][0]["identity"], f.identity);
  EXPECT_EQ(written["findings"][0]["path"], ".dtlint.yaml");
  const Baseline baseline = read_baseline(file);
  ASSERT_EQ(baseline.entries.size(), 1u);
  EXPECT_EQ(baseline.entries[0].identity, f.identity);
  std::vector<Finding> findings{moved, other};
  const BaselineOutcome outcome = apply_baseline(baseline, findings);
  EXPECT_EQ(outcome.matched, 1u);
  EXPECT_EQ(outcome.fixed, 0u);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].identity, other.identity);
}

}  // namespace
}  // namespace dtlint
