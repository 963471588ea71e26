// Pipeline plans (DESIGN §5): the casts a `pipeline:` configuration declares,
// simulated on their data in the scan's pass and judged at the entry's line.
// The data and the counts each cast must give come from NumPy and PyTorch
// (tests/golden/pipeline/make_fixtures.py); the configurations are written
// here, so that every line and column is known.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/scan/scan.h"
#include "app/app.h"
#include "rules/config.h"
#include "scan_support.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::findings_of;
using testing_support::kSourceDir;
using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::scan_json;
using testing_support::TempDir;
using testing_support::write_text;

const fs::path kData = fs::path(kSourceDir) / "tests/golden/pipeline/data";

json expected_casts() {
  return json::parse(read_file((kData / "expected.json").string())).at("casts");
}

// A copy of the fixtures in a fresh folder, where each test writes its configuration.
void copy_fixtures(const TempDir& dir) {
  for (const char* name : {"features.npz", "shard_0.npz", "shard_1.npz", "plain.npy"})
    fs::copy_file(kData / name, dir.path() / name);
}

// The one finding of `rule` whose message names `data` ("shard_0.npz:pixels").
json finding_about(const json& report, const std::string& rule, const std::string& data) {
  json found;
  for (const json& f : report.at("findings")) {
    if (f.at("rule") != rule ||
        f.at("message").get<std::string>().find("'" + data + "'") == std::string::npos)
      continue;
    EXPECT_TRUE(found.is_null()) << "two " << rule << " about " << data;
    found = f;
  }
  EXPECT_FALSE(found.is_null()) << "no " << rule << " about " << data << " in "
                                << report.at("findings").dump(1);
  return found.is_null() ? json{{"line", 0}, {"column", 0}, {"count", 0}, {"message", ""}, {"path", ""}}
                         : found;
}

const json& array_of(const json& report, const std::string& path, const json& member) {
  for (const json& a : report.at("arrays")) {
    if (a.at("path") == path && a.at("member") == member) return a;
  }
  ADD_FAILURE() << "no array " << path << ":" << member.dump();
  static const json none = json::object();
  return none;
}

// The same plan in each spelling dtlint reads; `line` and `column` say where each entry starts.
struct Spelling {
  const char* file;
  std::string text;
  std::vector<std::pair<int, int>> entries;  // line, column of pipeline[i]
};

std::vector<Spelling> spellings() {
  const std::string yaml =
      "# declared casts\n"
      "pipeline:\n"
      "  - source: \"shard_*.npz:pixels\"\n"  // 3:5
      "    cast: float16\n"
      "    name: shards\n"
      "  - source: features.npz:edge\n"  // 6:5
      "    cast: float16\n"
      "    semantics: torch\n"
      "  - {source: plain.npy, cast: bfloat16, semantics: torch, expect_dtype: float32}\n"  // 9:5
      "  - source: features.npz:labels\n"                                                   // 10:5
      "    cast: float32\n"
      "    expect_dtype: int32\n"
      "  -   source: nothing/*.npz\n"  // 13:7
      "      cast: bfloat16\n";
  const std::string toml =
      "[[pipeline]]\n"  // 1:1
      "source = \"shard_*.npz:pixels\"\n"
      "cast = \"float16\"\n"
      "name = \"shards\"\n"
      "\n"
      "[[pipeline]]\n"  // 6:1
      "source = \"features.npz:edge\"\n"
      "cast = \"float16\"\n"
      "semantics = \"torch\"\n"
      "\n"
      "[[pipeline]]\n"  // 11:1
      "source = \"plain.npy\"\n"
      "cast = \"bfloat16\"\n"
      "semantics = \"torch\"\n"
      "expect_dtype = \"float32\"\n"
      "\n"
      "[[pipeline]]\n"  // 17:1
      "source = \"features.npz:labels\"\n"
      "cast = \"float32\"\n"
      "expect_dtype = \"int32\"\n"
      "\n"
      "[[pipeline]]\n"  // 22:1
      "source = \"nothing/*.npz\"\n"
      "cast = \"bfloat16\"\n";
  std::vector<std::string> tool_lines;
  std::string pyproject = "[project]\nname = \"example\"\n\n";
  std::stringstream lines(toml);
  for (std::string line; std::getline(lines, line);)
    pyproject += (line == "[[pipeline]]" ? "[[tool.dtlint.pipeline]]" : line) + "\n";
  return {{".dtlint.yaml", yaml, {{3, 5}, {6, 5}, {9, 5}, {10, 5}, {13, 7}}},
          {".dtlint.toml", toml, {{1, 1}, {6, 1}, {11, 1}, {17, 1}, {22, 1}}},
          {"pyproject.toml", pyproject, {{4, 1}, {9, 1}, {14, 1}, {20, 1}, {25, 1}}}};
}

TEST(PipelinePlan, EachEntryIsJudgedAtItsLineInEverySpelling) {
  const json expected = expected_casts();
  for (const Spelling& spelling : spellings()) {
    SCOPED_TRACE(spelling.file);
    TempDir dir;
    copy_fixtures(dir);
    write_text(dir.path() / spelling.file, spelling.text);
    int exit_code = -1;
    const json report = scan_json(dir.path(), {"."}, &exit_code);
    EXPECT_EQ(exit_code, kExitFindings);
    const auto at = [&](std::size_t entry) { return spelling.entries.at(entry); };
    const auto where = [&](const json& f) {
      return std::pair{f.at("line").get<int>(), f.at("column").get<int>()};
    };

    // PL301: the glob's two shards, and the torch-profile entry on `edge`.
    const std::vector<json> pl301 = findings_of(report, "PL301");
    ASSERT_EQ(pl301.size(), 4u) << report.at("findings").dump(1);
    for (int shard = 0; shard < 2; ++shard) {
      const std::string data = "shard_" + std::to_string(shard) + ".npz:pixels";
      const json f = finding_about(report, "PL301", data);
      EXPECT_EQ(f.at("path"), spelling.file);
      EXPECT_EQ(where(f), at(0));
      const std::uint64_t overflow = expected.at(data).at("numpy").at("float16").at("overflow");
      EXPECT_EQ(f.at("count"), overflow);
      EXPECT_NE(
          f.at("message").get<std::string>().find("pipeline entry 'shards' casts '" + data + "' to float16"),
          std::string::npos)
          << f.at("message");
      EXPECT_NE(
          f.at("message").get<std::string>().find("DT101: " + std::to_string(overflow) + " of 16 values"),
          std::string::npos)
          << f.at("message");
    }
    // `edge` overflows float16 only the way Tensor.to rounds (through float32): astype keeps it finite.
    ASSERT_EQ(expected.at("features.npz:edge").at("numpy").at("float16").at("overflow"), 0);
    const std::uint64_t torch_overflow =
        expected.at("features.npz:edge").at("torch").at("float16").at("overflow");
    ASSERT_GT(torch_overflow, 0u);
    const json edge = finding_about(report, "PL301", "features.npz:edge");
    EXPECT_EQ(where(edge), at(1));
    EXPECT_EQ(edge.at("count"), torch_overflow);
    EXPECT_NE(edge.at("message").get<std::string>().find("(torch profile)"), std::string::npos);
    // The labels' ids above 2^24 do not survive float32.
    const json labels = finding_about(report, "PL301", "features.npz:labels");
    EXPECT_EQ(where(labels), at(3));
    EXPECT_EQ(labels.at("count"),
              expected.at("features.npz:labels").at("numpy").at("float32").at("integer_not_exact"));
    EXPECT_NE(labels.at("message").get<std::string>().find("DT110"), std::string::npos);

    // No DT101 on `edge` from the ordinary numpy targets: the declared torch cast is the PL rules' alone.
    for (const json& f : findings_of(report, "DT101")) EXPECT_NE(f.at("member"), "edge") << f.dump();

    // PL302: labels are int64, not the declared int32; plain.npy is float32 as declared.
    const std::vector<json> pl302 = findings_of(report, "PL302");
    ASSERT_EQ(pl302.size(), 1u);
    EXPECT_EQ(where(pl302[0]), at(3));
    EXPECT_NE(pl302[0].at("message").get<std::string>().find("is stored as int64"), std::string::npos);

    // PL303: the glob over a folder that does not exist.
    const std::vector<json> pl303 = findings_of(report, "PL303");
    ASSERT_EQ(pl303.size(), 1u);
    EXPECT_EQ(where(pl303[0]), at(4));
    EXPECT_NE(pl303[0].at("message").get<std::string>().find("'nothing/*.npz' matches no file"),
              std::string::npos);
  }
}

TEST(PipelinePlan, DeclaredCastsCountWhatNumPyAndTorchGive) {
  const json expected = expected_casts();
  TempDir dir;
  copy_fixtures(dir);
  write_text(dir.path() / ".dtlint.yaml", spellings().front().text);
  const json report = scan_json(dir.path(), {"."});
  const auto check = [&](const json& cast, const json& want) {
    for (const char* counter : {"overflow", "underflow_to_zero", "inexact", "integer_not_exact"})
      EXPECT_EQ(cast.at(counter), want.at(counter)) << counter;
  };
  for (const char* shard : {"shard_0.npz", "shard_1.npz"}) {
    SCOPED_TRACE(shard);
    // The declared float16 cast is the ordinary float16 target's: simulated once, one entry.
    const json& casts = array_of(report, shard, "pixels").at("casts");
    int float16 = 0;
    for (const json& cast : casts) {
      if (cast.at("target") != "float16") continue;
      ++float16;
      check(cast, expected.at(std::string(shard) + ":pixels").at("numpy").at("float16"));
    }
    EXPECT_EQ(float16, 1);
  }
  // `edge`: the ordinary numpy float16 cast and the declared torch one, each as its framework counts.
  const json& edge = array_of(report, "features.npz", "edge").at("casts");
  std::map<std::string, json> by_profile;
  for (const json& cast : edge) {
    if (cast.at("target") == "float16") by_profile[cast.value("semantics", "numpy")] = cast;
  }
  ASSERT_EQ(by_profile.size(), 2u) << edge.dump(1);
  check(by_profile.at("numpy"), expected.at("features.npz:edge").at("numpy").at("float16"));
  check(by_profile.at("torch"), expected.at("features.npz:edge").at("torch").at("float16"));
  EXPECT_EQ(by_profile.at("torch").value("declared", false), true);
  // plain.npy's declared bfloat16 under torch.
  bool seen = false;
  for (const json& cast : array_of(report, "plain.npy", nullptr).at("casts")) {
    if (cast.at("target") == "bfloat16" && cast.value("semantics", "") == "torch") {
      check(cast, expected.at("plain.npy").at("torch").at("bfloat16"));
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
  // The report does not depend on the number of threads.
  ScanRequest one_thread, two_threads;
  one_thread.paths = two_threads.paths = {"."};
  one_thread.threads = 1;
  two_threads.threads = 2;
  EXPECT_EQ(scan_json(dir.path(), one_thread), scan_json(dir.path(), two_threads));
}

TEST(PipelinePlan, MoreDeclaredCastsThanOneKernelPassTakes) {
  // Forty tolerances on one array: forty casts beside the three ordinary ones
  // (the default int32 target is not one for real-valued floats), more than one
  // pass of the kernel simulates; none may be dropped.
  TempDir dir;
  copy_fixtures(dir);
  std::string yaml = "pipeline:\n";
  for (int i = 0; i < 40; ++i)
    yaml += "  - {source: plain.npy, cast: float16, rtol: " + std::to_string(1e-6 * (i + 1)) + "}\n";
  write_text(dir.path() / ".dtlint.yaml", yaml);
  const json report = scan_json(dir.path(), {"plain.npy"});
  const json& casts = array_of(report, "plain.npy", nullptr).at("casts");
  ASSERT_EQ(casts.size(), 43u);
  const std::uint64_t inexact = expected_casts().at("plain.npy").at("numpy").at("float16").at("inexact");
  for (const json& cast : casts) {
    if (cast.at("target") != "float16") continue;
    EXPECT_EQ(cast.at("inexact"), inexact) << cast.dump();
  }
}

TEST(PipelinePlan, NamedFilesRunOnlyTheEntriesThatCoverThem) {
  // As pre-commit runs it: only the changed files are named. Entries over other
  // files stay quiet, and a source matching nothing is not this commit's news.
  TempDir dir;
  copy_fixtures(dir);
  write_text(dir.path() / ".dtlint.yaml", spellings().front().text);
  const json report = scan_json(dir.path(), {"shard_1.npz"});
  EXPECT_EQ(report.at("arrays").size(), 1u);
  const std::vector<json> pl301 = findings_of(report, "PL301");
  ASSERT_EQ(pl301.size(), 1u);
  EXPECT_NE(pl301[0].at("message").get<std::string>().find("shard_1.npz:pixels"), std::string::npos);
  EXPECT_TRUE(findings_of(report, "PL303").empty());
  // Naming the configuration runs the whole plan.
  const json whole = scan_json(dir.path(), {".dtlint.yaml"});
  EXPECT_EQ(findings_of(whole, "PL301").size(), 4u);
  EXPECT_EQ(findings_of(whole, "PL303").size(), 1u);
}

TEST(PipelinePlan, AMemberNoFileHoldsIsMissing) {
  TempDir dir;
  copy_fixtures(dir);
  write_text(dir.path() / ".dtlint.yaml",
             "pipeline:\n  - source: \"shard_*.npz:weights\"\n    cast: float16\n  - source: gone.npz:x\n"
             "    cast: float16\n");
  int exit_code = -1;
  const json report = scan_json(dir.path(), {"."}, &exit_code);
  EXPECT_EQ(exit_code, kExitFindings);
  const std::vector<json> pl303 = findings_of(report, "PL303");
  ASSERT_EQ(pl303.size(), 2u) << report.at("findings").dump(1);
  EXPECT_EQ(pl303[0].at("line"), 4);
  EXPECT_NE(pl303[0].at("message").get<std::string>().find("'gone.npz': no such file"), std::string::npos)
      << pl303[0].at("message");
  EXPECT_EQ(pl303[1].at("line"), 2);
  EXPECT_NE(pl303[1].at("message").get<std::string>().find(
                "no member matching 'weights' in 'shard_0.npz', 'shard_1.npz'"),
            std::string::npos)
      << pl303[1].at("message");
}

TEST(PipelinePlan, ABrokenEntryIsAConfigurationError) {
  TempDir dir;
  copy_fixtures(dir);
  write_text(dir.path() / ".dtlint.yaml", "pipeline:\n  - source: plain.npy\n    cast: fp17\n");
  const auto result = run_dtlint("scan .", dir.path().string());
  EXPECT_EQ(result.exit_code, kExitUsage);
  EXPECT_NE(result.err.find(".dtlint.yaml:3: pipeline[0].cast: unknown target dtype 'fp17'"),
            std::string::npos)
      << result.err;
  write_text(dir.path() / ".dtlint.yaml", "pipeline:\n  - source: plain.npy\n");
  const auto missing = run_dtlint("scan .", dir.path().string());
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_NE(missing.err.find(".dtlint.yaml:2: pipeline[0].cast: missing required key"), std::string::npos)
      << missing.err;
}

TEST(PipelinePlan, RenderedConfigurationReadsBackEqual) {
  TempDir dir;
  write_text(dir.path() / ".dtlint.yaml", spellings().front().text);
  const Config config = load_config(dir.path() / ".dtlint.yaml");
  ASSERT_EQ(config.pipeline.size(), 5u);
  write_text(dir.path() / "again.yaml", render_config(config));
  const Config again = load_config(dir.path() / "again.yaml");
  EXPECT_EQ(render_config(again), render_config(config));
  ASSERT_EQ(again.pipeline.size(), 5u);
  EXPECT_EQ(again.pipeline[1].semantics, Semantics::Torch);
  EXPECT_EQ(again.pipeline[2].expect_dtype, DType::Float32);
  EXPECT_EQ(again.pipeline[0].name, "shards");
}

}  // namespace
}  // namespace dtlint

namespace dtlint {
namespace {

TEST(PipelinePlan, HostileSourcesAreNamedNeverOpened) {
  // A FIFO, a link to a device, a symlink loop and a text file as declared
  // sources: each is named with its reason, nothing blocks, the scan goes on.
  TempDir dir;
  copy_fixtures(dir);
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.npy").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", dir.path() / "zero.npy");
  fs::create_symlink("loop_b", dir.path() / "loop_a");
  fs::create_symlink("loop_a", dir.path() / "loop_b");
  write_text(dir.path() / "notes.txt", "not an array\n");
  write_text(dir.path() / ".dtlint.yaml",
             "pipeline:\n  - {source: fifo.npy, cast: float16}\n  - {source: zero.npy, cast: float16}\n"
             "  - {source: loop_a, cast: float16}\n  - {source: notes.txt, cast: float16}\n"
             "  - {source: \"**/*.npy\", cast: float16}\n");
  int exit_code = -1;
  const json report = scan_json(dir.path(), {"."}, &exit_code);
  EXPECT_EQ(exit_code, kExitFindings);
  const std::vector<json> missing = findings_of(report, "PL303");
  ASSERT_EQ(missing.size(), 3u) << report.at("findings").dump(1);
  EXPECT_NE(missing[0].at("message").get<std::string>().find("'fifo.npy' is not a regular file"),
            std::string::npos);
  EXPECT_NE(missing[1].at("message").get<std::string>().find("'zero.npy' is not a regular file"),
            std::string::npos);
  EXPECT_NE(missing[2].at("message").get<std::string>().find("'loop_a': no such file"), std::string::npos);
  // The text file is read as the entry asks and refused for what it is; the glob's one regular match is
  // plain.npy.
  bool refused = false;
  for (const json& f : findings_of(report, "E901")) refused |= f.at("path") == "notes.txt";
  EXPECT_TRUE(refused);
  EXPECT_FALSE(array_of(report, "plain.npy", nullptr).empty());
}

}  // namespace
}  // namespace dtlint

namespace dtlint {
namespace {

// A .safetensors file as the format specifies it: the header's length (8 bytes,
// little-endian), the JSON header, the tensor bytes.
std::string safetensors_file(const std::string& header, const std::string& data) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  return out + header + data;
}

TEST(PipelinePlan, AModelAlreadyStoredInItsDeclaredDtypeGetsANote) {
  TempDir dir;
  write_text(dir.path() / "model/config.json",
             "{\n  \"model_type\": \"llama\",\n  \"torch_dtype\": \"float16\"\n}\n");
  // float16 1.0 and 2.0, already what the config declares.
  write_text(dir.path() / "model/model.safetensors",
             safetensors_file(R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})",
                              std::string("\x00\x3c\x00\x40", 4)));
  int exit_code = -1;
  const json report = scan_json(dir.path(), {"model"}, &exit_code);
  EXPECT_EQ(exit_code, kExitClean);
  const std::vector<json> pl304 = findings_of(report, "PL304");
  ASSERT_EQ(pl304.size(), 1u) << report.at("findings").dump(1);
  EXPECT_EQ(pl304[0].at("severity"), "note");
  EXPECT_EQ(pl304[0].at("line"), 3);
  EXPECT_EQ(pl304[0].at("column"), 3);
  EXPECT_NE(pl304[0].at("message").get<std::string>().find("every stored weight (1) is already float16"),
            std::string::npos)
      << pl304[0].at("message");
  EXPECT_TRUE(findings_of(report, "PL302").empty());
}

}  // namespace
}  // namespace dtlint

namespace dtlint {
namespace {

TEST(PipelinePlan, ABaselineKnowsPlanFindingsFromAnyWorkingFolder) {
  // Written from the project's folder, applied from its parent: the PL
  // findings' identities name their data relative to the configuration, not
  // as this run spells the paths.
  TempDir dir;
  fs::create_directories(dir.path() / "project");
  for (const char* name : {"features.npz", "shard_0.npz", "shard_1.npz", "plain.npy"})
    fs::copy_file(kData / name, dir.path() / "project" / name);
  write_text(dir.path() / "project/.dtlint.yaml", spellings().front().text);
  ScanRequest write;
  write.paths = {"."};
  write.write_baseline = "baseline.json";
  scan_json(dir.path() / "project", write);
  ScanRequest apply;
  apply.paths = {"project"};
  apply.baseline = "project/baseline.json";
  const json report = scan_json(dir.path(), apply);
  for (const char* rule : {"PL301", "PL302", "PL303"}) EXPECT_TRUE(findings_of(report, rule).empty()) << rule;
  EXPECT_EQ(report.at("summary").at("baseline").at("fixed"), 0);
}

}  // namespace
}  // namespace dtlint
