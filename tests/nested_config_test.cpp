// Nested configurations (docs/configuration.md, "Which configuration applies"):
// each input takes the nearest configuration at or above its folder, as ruff
// and clang-tidy do, and the run's own settings come from the configuration
// of the folder that holds every path.
#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "app/app.h"
#include "app/config_set.h"
#include "scan_support.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::findings_of;
using testing_support::npy_bytes;
using testing_support::run_dtlint;
using testing_support::scan_json;
using testing_support::TempDir;
using testing_support::WorkingDirectory;
using testing_support::write_text;

// float32 [70000, 1.5]: 70000 is above float16's largest finite value (65504),
// so NumPy's astype(float16) and torch's .to(float16) both give [inf, 1.5]
// (checked with NumPy and torch 1.13); bfloat16 holds both.
std::string overflowing_npy() {
  const float values[] = {70000.0f, 1.5f};
  std::string data(sizeof values, '\0');
  std::memcpy(data.data(), values, sizeof values);
  return npy_bytes("<f4", "(2,)", data);
}

// The paths of a report's findings of one rule, as a set.
std::set<std::string> paths_of(const nlohmann::json& report, const std::string& rule) {
  std::set<std::string> paths;
  for (const nlohmann::json& f : findings_of(report, rule)) paths.insert(f.at("path").get<std::string>());
  return paths;
}

// The targets the report lists for one array.
std::vector<std::string> targets_of(const nlohmann::json& report, const std::string& path) {
  std::vector<std::string> targets;
  for (const nlohmann::json& array : report.at("arrays")) {
    if (array.at("path") != path) continue;
    for (const nlohmann::json& cast : array.at("casts"))
      targets.push_back(cast.at("target").get<std::string>());
  }
  return targets;
}

// A monorepo: a/ checks float16, b/ bfloat16 only, the same overflowing data in each.
struct Monorepo {
  TempDir dir;
  Monorepo() {
    write_text(dir.path() / "a/.dtlint.yaml", "targets: [float16]\n");
    write_text(dir.path() / "b/.dtlint.yaml", "targets: [bfloat16]\n");
    write_text(dir.path() / "a/x.npy", overflowing_npy());
    write_text(dir.path() / "b/y.npy", overflowing_npy());
  }
};

// A file's path as its configuration's globs see it, whatever its spelling:
// relative to the root of the configuration in force, else absolute.
TEST(NestedConfig, PathsRelativeToTheirConfigurationsRootWhateverTheirSpelling) {
  const Monorepo repo;
  const fs::path root = fs::canonical(repo.dir.path());
  const WorkingDirectory here(root);
  const ConfigSet::Complete none = [](Config&) {};
  ConfigSet configs(std::nullopt, root, none, none);
  const ScopedConfig& a = configs.for_file("a/x.npy");
  const ScopedConfig& run = configs.run();
  const std::string outside = (root.parent_path() / "elsewhere/z.npy").string();
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {"a/x.npy", "x.npy"},
      {"./a/x.npy", "x.npy"},
      {"a//x.npy", "x.npy"},
      {"b/../a/x.npy", "x.npy"},
      {(root / "a/x.npy").string(), "x.npy"},
      {(root / "a/./sub/x.npy").string(), "sub/x.npy"},
      {"a/sub/deeper/x.npy", "sub/deeper/x.npy"},
      {"ab/x.npy", (root / "ab/x.npy").string()},  // a sibling whose name starts as a's
      {outside, outside}};
  for (const auto& [path, want] : spellings) EXPECT_EQ(configs.relative_path(a, path), want) << path;
  EXPECT_EQ(configs.relative_path(run, "b/y.npy"), "b/y.npy");
  EXPECT_EQ(configs.relative_path(run, (root / "b/y.npy").string()), "b/y.npy");
}

TEST(NestedConfig, ScanOfTwoFoldersGivesEachFileItsOwnTargets) {
  Monorepo repo;
  int exit_code = -1;
  const nlohmann::json report = scan_json(repo.dir.path(), {"a", "b"}, &exit_code);
  EXPECT_EQ(exit_code, kExitFindings);  // a/x.npy overflows float16
  EXPECT_EQ(paths_of(report, "DT101"), (std::set<std::string>{"a/x.npy"}));
  EXPECT_EQ(targets_of(report, "a/x.npy"), (std::vector<std::string>{"float16"}));
  EXPECT_EQ(targets_of(report, "b/y.npy"), (std::vector<std::string>{"bfloat16"}));
  // No configuration holds both folders: the run's own settings are the defaults.
  EXPECT_TRUE(report.at("config").is_null());

  // Each folder alone: its own exit code.
  scan_json(repo.dir.path(), {"b"}, &exit_code);
  EXPECT_EQ(exit_code, kExitClean);
  scan_json(repo.dir.path(), {"a"}, &exit_code);
  EXPECT_EQ(exit_code, kExitFindings);
}

TEST(NestedConfig, PreCommitsFileListTakesEachFilesConfiguration) {
  Monorepo repo;
  // What pre-commit runs: the files of a commit, from the repository's top.
  const auto result =
      run_dtlint("scan --no-progress --format json a/x.npy b/y.npy", repo.dir.path().string());
  ASSERT_EQ(result.exit_code, kExitFindings) << result.err;
  const nlohmann::json report = nlohmann::json::parse(result.out);
  EXPECT_EQ(paths_of(report, "DT101"), (std::set<std::string>{"a/x.npy"}));
  EXPECT_EQ(targets_of(report, "b/y.npy"), (std::vector<std::string>{"bfloat16"}));
}

TEST(NestedConfig, ScanFromTheParentAppliesEveryNestedConfiguration) {
  Monorepo repo;
  write_text(repo.dir.path() / "top.npy", overflowing_npy());  // no configuration above it: the defaults
  write_text(repo.dir.path() / "a/sub/.dtlint.toml", "targets = [\"bfloat16\", \"float32\"]\n");
  write_text(repo.dir.path() / "a/sub/z.npy", overflowing_npy());
  const nlohmann::json report = scan_json(repo.dir.path(), {"."});
  EXPECT_EQ(paths_of(report, "DT101"), (std::set<std::string>{"a/x.npy", "top.npy"}));
  EXPECT_EQ(targets_of(report, "b/y.npy"), (std::vector<std::string>{"bfloat16"}));
  // The nearest file wins, a .toml below a .yaml too; nothing is merged.
  EXPECT_EQ(targets_of(report, "a/sub/z.npy"), (std::vector<std::string>{"bfloat16", "float32"}));
  // The defaults; their int32 target is for integer data, and [70000, 1.5] is not.
  EXPECT_EQ(targets_of(report, "top.npy"), (std::vector<std::string>{"float16", "bfloat16", "float32"}));
}

TEST(NestedConfig, CommandLineTargetsWinOverEveryConfiguration) {
  Monorepo repo;
  ScanRequest request;
  request.paths = {"."};
  request.targets = "float16";
  const nlohmann::json report = scan_json(repo.dir.path(), request);
  EXPECT_EQ(paths_of(report, "DT101"), (std::set<std::string>{"a/x.npy", "b/y.npy"}));
}

TEST(NestedConfig, ConfigOptionIsTheOneConfigurationOfEveryInput) {
  Monorepo repo;
  ScanRequest request;
  request.paths = {"."};
  request.config = "a/.dtlint.yaml";
  const nlohmann::json report = scan_json(repo.dir.path(), request);
  EXPECT_EQ(paths_of(report, "DT101"), (std::set<std::string>{"a/x.npy", "b/y.npy"}));
  EXPECT_EQ(report.at("config"), "a/.dtlint.yaml");
}

TEST(NestedConfig, RuleSettingsAndPerPathGlobsAreTheirConfigurations) {
  TempDir dir;
  // per_path globs are relative to a/, where the configuration is, not to the working folder.
  write_text(dir.path() / "a/.dtlint.yaml",
             "targets: [float16]\nper_path:\n  - paths: [\"data/*.npy\"]\n    rules: {DT101: note}\n"
             "    targets: [float16, float32]\n");
  write_text(dir.path() / "b/.dtlint.yaml", "targets: [float16]\nrules: {DT101: warning}\n");
  write_text(dir.path() / "a/x.npy", overflowing_npy());
  write_text(dir.path() / "a/data/d.npy", overflowing_npy());
  write_text(dir.path() / "b/y.npy", overflowing_npy());
  const nlohmann::json report = scan_json(dir.path(), {"."});
  std::map<std::string, std::string> severity;
  for (const nlohmann::json& f : findings_of(report, "DT101"))
    severity[f.at("path").get<std::string>()] = f.at("severity").get<std::string>();
  EXPECT_EQ(targets_of(report, "a/data/d.npy"), (std::vector<std::string>{"float16", "float32"}));
  EXPECT_EQ(targets_of(report, "a/x.npy"), (std::vector<std::string>{"float16"}));
  EXPECT_EQ(severity, (std::map<std::string, std::string>{
                          {"a/data/d.npy", "note"}, {"a/x.npy", "error"}, {"b/y.npy", "warning"}}));
  int exit_code = -1;
  scan_json(dir.path(), {"b"}, &exit_code);  // a warning does not fail the default gate
  EXPECT_EQ(exit_code, kExitClean);
}

TEST(NestedConfig, IgnoreEntriesAreRelativeToTheirConfigurationAndNotedUnusedThere) {
  Monorepo repo;
  write_text(
      repo.dir.path() / "a/.dtlint.yaml",
      "targets: [float16]\nignore:\n  - path: x.npy\n    rules: [DT101]\n    reason: known overflow\n");
  write_text(repo.dir.path() / "b/.dtlint.yaml",
             "targets: [bfloat16]\nignore:\n  - path: y.npy\n    rules: [DT104]\n    reason: stale\n");
  int exit_code = -1;
  const nlohmann::json report = scan_json(repo.dir.path(), {"."}, &exit_code);
  EXPECT_EQ(exit_code, kExitClean);
  EXPECT_TRUE(findings_of(report, "DT101").empty());
  EXPECT_EQ(report.at("summary").at("suppressed"), 1);
  const std::vector<nlohmann::json> unused = findings_of(report, "DT205");
  ASSERT_EQ(unused.size(), 1u) << report.at("findings").dump(1);
  EXPECT_EQ(unused[0].at("path"), "b/.dtlint.yaml");
  EXPECT_EQ(unused[0].at("line"), 3);
}

TEST(NestedConfig, ExcludeAndMaxFileSizeApplyUnderTheirFolder) {
  Monorepo repo;
  write_text(repo.dir.path() / "a/.dtlint.yaml", "targets: [float16]\nexclude: [\"skip/**\"]\n");
  write_text(repo.dir.path() / "b/.dtlint.yaml", "targets: [bfloat16]\nmax_file_size: 16\n");
  write_text(repo.dir.path() / "a/skip/s.npy", overflowing_npy());
  write_text(repo.dir.path() / "skip/t.npy", overflowing_npy());  // a/'s exclude is not the top's
  const nlohmann::json report = scan_json(repo.dir.path(), {"."});
  std::set<std::string> arrays;
  for (const nlohmann::json& array : report.at("arrays")) arrays.insert(array.at("path").get<std::string>());
  EXPECT_EQ(arrays, (std::set<std::string>{"a/x.npy", "skip/t.npy"}));
  EXPECT_EQ(paths_of(report, "DT204"), (std::set<std::string>{"b/y.npy"}));  // more than 16 bytes
}

TEST(NestedConfig, NestedSemanticsReachTheirFilesCastsNotTheRun) {
  Monorepo repo;
  write_text(repo.dir.path() / "b/.dtlint.yaml", "targets: [bfloat16]\nsemantics: torch\n");
  const nlohmann::json report = scan_json(repo.dir.path(), {"a", "b"});
  EXPECT_EQ(report.at("semantics"), "numpy");
  for (const nlohmann::json& array : report.at("arrays")) {
    for (const nlohmann::json& cast : array.at("casts")) {
      if (array.at("path") == "b/y.npy") {
        EXPECT_EQ(cast.value("semantics", ""), "torch");
      } else {
        EXPECT_FALSE(cast.contains("semantics")) << cast.dump();
      }
    }
  }
}

TEST(NestedConfig, ANestedConfigurationWithoutSemanticsMeansNumpyNotTheRunsProfile) {
  Monorepo repo;
  write_text(repo.dir.path() / ".dtlint.yaml", "semantics: torch\n");
  const nlohmann::json report = scan_json(repo.dir.path(), {"."});
  EXPECT_EQ(report.at("semantics"), "torch");
  for (const nlohmann::json& array : report.at("arrays")) {
    for (const nlohmann::json& cast : array.at("casts")) EXPECT_EQ(cast.value("semantics", ""), "numpy");
  }
}

TEST(NestedConfig, RunLevelSettingsComeFromTheConfigurationHoldingEveryPath) {
  Monorepo repo;
  write_text(repo.dir.path() / ".dtlint.yaml", "fail_on: never\n");
  write_text(repo.dir.path() / "a/.dtlint.yaml", "targets: [float16]\nfail_on: error\n");
  int exit_code = -1;
  const nlohmann::json both = scan_json(repo.dir.path(), {"a", "b"}, &exit_code);
  EXPECT_EQ(exit_code, kExitClean);  // the top's fail_on: never
  EXPECT_EQ(both.at("config"), ".dtlint.yaml");
  EXPECT_EQ(paths_of(both, "DT101"), (std::set<std::string>{"a/x.npy"}));  // a/'s targets still
  const nlohmann::json one = scan_json(repo.dir.path(), {"a"}, &exit_code);
  EXPECT_EQ(exit_code, kExitFindings);
  EXPECT_EQ(one.at("config"), "a/.dtlint.yaml");
}

TEST(NestedConfig, PipelineEntriesAreRelativeToTheirConfiguration) {
  Monorepo repo;
  write_text(repo.dir.path() / "b/.dtlint.yaml",
             "targets: [bfloat16]\npipeline:\n  - source: y.npy\n    cast: float16\n"
             "  - source: gone.npy\n    cast: float16\n");
  const nlohmann::json report = scan_json(repo.dir.path(), {"."});
  const std::vector<nlohmann::json> unsafe = findings_of(report, "PL301");
  ASSERT_EQ(unsafe.size(), 1u) << report.at("findings").dump(1);
  EXPECT_EQ(unsafe[0].at("path"), "b/.dtlint.yaml");
  EXPECT_EQ(unsafe[0].at("line"), 3);
  EXPECT_EQ(unsafe[0].at("related").at("path"), "b/y.npy");
  const std::vector<nlohmann::json> missing = findings_of(report, "PL303");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].at("message").get<std::string>().find("relative to b/"), std::string::npos)
      << missing[0].at("message");

  // pre-commit naming a/'s file only: b/'s entries are not this run's.
  const nlohmann::json other = scan_json(repo.dir.path(), {"a/x.npy"});
  EXPECT_TRUE(findings_of(other, "PL301").empty());
  EXPECT_TRUE(findings_of(other, "PL303").empty());
  // Naming b/'s data: its entry covering that file runs, the missing one is not judged.
  const nlohmann::json named = scan_json(repo.dir.path(), {"a/x.npy", "b/y.npy"});
  EXPECT_EQ(findings_of(named, "PL301").size(), 1u);
  EXPECT_TRUE(findings_of(named, "PL303").empty());
  // A commit changing b/'s configuration only names it: its whole plan runs.
  const nlohmann::json changed = scan_json(repo.dir.path(), {"b/.dtlint.yaml"});
  EXPECT_EQ(findings_of(changed, "PL301").size(), 1u);
  EXPECT_EQ(findings_of(changed, "PL303").size(), 1u);
}

TEST(NestedConfig, ABrokenNestedConfigurationStopsTheRunNamingItsFileAndLine) {
  Monorepo repo;
  write_text(repo.dir.path() / "b/.dtlint.yaml", "targets: [bfloat16]\nrules: {DT999: off}\n");
  for (const std::string args :
       {"scan --no-progress .", "scan --no-progress a b", "scan --no-progress b/y.npy"}) {
    const auto result = run_dtlint(args, repo.dir.path().string());
    EXPECT_EQ(result.exit_code, kExitUsage) << args << "\n" << result.out;
    EXPECT_NE(result.err.find("b/.dtlint.yaml:2"), std::string::npos) << args << "\n" << result.err;
    EXPECT_EQ(result.out, "") << args;  // no report was begun
  }
  // a/ alone does not read b/'s file.
  EXPECT_EQ(run_dtlint("scan --no-progress a", repo.dir.path().string()).exit_code, kExitFindings);
}

TEST(NestedConfig, ConfigCommandRendersTheConfigurationInForceForAPath) {
  Monorepo repo;
  const auto file = run_dtlint("config b/y.npy", repo.dir.path().string());
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_TRUE(file.out.starts_with("# from b/.dtlint.yaml\n")) << file.out;
  EXPECT_NE(file.out.find("targets: [\"bfloat16\"]"), std::string::npos) << file.out;
  const auto folder = run_dtlint("config a", repo.dir.path().string());
  EXPECT_TRUE(folder.out.starts_with("# from a/.dtlint.yaml\n")) << folder.out;
  const auto top = run_dtlint("config", repo.dir.path().string());
  EXPECT_TRUE(top.out.starts_with("# no configuration file")) << top.out;
}

TEST(NestedConfig, ShowFilesNamesTheConfigurationOfEachFileNotTheRuns) {
  Monorepo repo;
  write_text(repo.dir.path() / "b/.dtlint.yaml", "targets: [bfloat16]\n");
  const auto both = run_dtlint("scan --show-files a b", repo.dir.path().string());
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_NE(both.out.find("a/x.npy  npy (config a/.dtlint.yaml)\n"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("b/y.npy  npy (config b/.dtlint.yaml)\n"), std::string::npos) << both.out;
  const auto one = run_dtlint("scan --show-files a", repo.dir.path().string());
  EXPECT_NE(one.out.find("a/x.npy  npy\n"), std::string::npos) << one.out;  // the run's own
}

}  // namespace
}  // namespace dtlint
