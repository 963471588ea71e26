// The hostile-input corpus (tests/hostile/, written by make_corpus.py) scanned
// as one folder, with a FIFO and a symlink loop beside it: one clear E901 per bad
// input, the good files still reported, in bounded time and memory.
#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The file name of a report entry's path.
std::string file_of(const json& entry) {
  return fs::path(entry["path"].get<std::string>()).filename().string();
}

// Each file of expected["unreadable"] has exactly one problem, containing its
// phrase; each of expected["readable"] has its number of arrays (and its
// skipped note, when one is expected).
void expect_corpus_outcome(const json& report, const json& expected) {
  for (const auto& [file, phrase] : expected["unreadable"].items()) {
    std::vector<std::string> messages;
    for (const json& p : report["problems"]) {
      if (file_of(p) == file) messages.push_back(p["message"]);
    }
    ASSERT_EQ(messages.size(), 1u) << file;
    EXPECT_NE(messages[0].find(phrase.get<std::string>()), std::string::npos) << file << ": " << messages[0];
  }
  for (const auto& [file, what] : expected["readable"].items()) {
    std::size_t arrays = 0;
    for (const json& a : report["arrays"]) arrays += file_of(a) == file;
    EXPECT_EQ(arrays, what["arrays"].get<std::size_t>()) << file;
    if (what.contains("skipped")) {
      bool noted = false;
      for (const json& s : report["skipped"]) {
        noted = noted || (file_of(s) == file && s["reason"] == what["skipped"]);
      }
      EXPECT_TRUE(noted) << file;
    }
  }
}

TEST(HostileCorpus, EachBadInputGetsOneClearE901AndTheScanGoesOn) {
  const std::string corpus = testing_support::kSourceDir + "/tests/hostile/corpus";
  const json expected =
      json::parse(testing_support::read_file(testing_support::kSourceDir + "/tests/hostile/expected.json"));
  testing_support::TempDir dir;
  fs::copy(corpus, dir.path() / "corpus");
  ASSERT_EQ(::mkfifo((dir / "corpus/stream.npy").c_str(), 0600), 0);
  fs::create_symlink(dir / "corpus/loop_b.npy", dir / "corpus/loop_a.npy");
  fs::create_symlink(dir / "corpus/loop_a.npy", dir / "corpus/loop_b.npy");

  const auto start = std::chrono::steady_clock::now();
  const auto result = testing_support::run_dtlint("scan --format json '" + (dir / "corpus") + "'");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, testing_support::time_limit(10.0));
  // A zip bomb inflated whole would take gigabytes; ASan's shadow memory and
  // quarantine add some 250 MiB of their own to every run.
  EXPECT_LT(result.max_rss_kib, (testing_support::kSanitizedBuild ? 512 : 256) * 1024) << "KiB";
  EXPECT_EQ(result.exit_code, 1) << result.err;

  const json report = json::parse(result.out);
  expect_corpus_outcome(report, expected);
  // The FIFO is noted without being opened; each link of the loop is one E901.
  bool fifo = false;
  for (const json& s : report["skipped"]) fifo = fifo || (file_of(s) == "stream.npy");
  EXPECT_TRUE(fifo);
  std::size_t loops = 0;
  for (const json& p : report["problems"]) loops += p["message"] == "symbolic link loop";
  EXPECT_EQ(loops, 2u);
  EXPECT_EQ(report["problems"].size(), expected["unreadable"].size() + 2);
  std::size_t e901 = 0;
  for (const json& f : report["findings"]) e901 += f["rule"] == "E901";
  EXPECT_EQ(e901, report["problems"].size());
}

// The second corpus (tests/hostile/corpus2/, written by make_corpus2.py): each
// bad file hides a secret where a reader once quoted the file. One E901 per
// file with its specific reason, the good arrays still reported, and no secret
// anywhere in any report format.
TEST(HostileCorpus2, MessagesSayWhatWasExpectedAndQuoteNoSecret) {
  const json expected =
      json::parse(testing_support::read_file(testing_support::kSourceDir + "/tests/hostile/expected2.json"));
  testing_support::TempDir dir;
  fs::copy(testing_support::kSourceDir + "/tests/hostile/corpus2", dir.path() / "corpus2");
  const std::string folder = "'" + (dir / "corpus2") + "'";

  const auto result = testing_support::run_dtlint("scan --format json " + folder);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(result.out);
  expect_corpus_outcome(report, expected);
  EXPECT_EQ(report["problems"].size(), expected["unreadable"].size());

  for (const char* format : {"json", "text", "sarif", "github"}) {
    const auto run = testing_support::run_dtlint(std::string("scan --format ") + format + " " + folder);
    for (const json& secret : expected["secrets"]) {
      const std::string token = secret.get<std::string>();
      EXPECT_EQ(run.out.find(token), std::string::npos) << format << " quotes the secret " << token;
      EXPECT_EQ(run.err.find(token), std::string::npos) << format << " quotes the secret " << token;
    }
  }
}

// Scans tests/hostile/<corpus>/, copied into `dir` and then `prepare`d (links
// and FIFOs a repository cannot hold), as one folder and checks the outcome
// against tests/hostile/<expected>: in bounded time, exit 1, one E901 per
// listed file with its phrase and no other. Returns the JSON report.
json expect_corpus_scan(const testing_support::TempDir& dir, const std::string& corpus,
                        const std::string& expected_file,
                        const std::function<void(const fs::path& parent)>& prepare = {},
                        long* max_rss_kib = nullptr) {
  const json expected = json::parse(
      testing_support::read_file(testing_support::kSourceDir + "/tests/hostile/" + expected_file));
  fs::copy(testing_support::kSourceDir + "/tests/hostile/" + corpus, dir.path() / corpus);
  if (prepare) prepare(dir.path());
  const auto start = std::chrono::steady_clock::now();
  const auto result =
      testing_support::run_dtlint("scan --format json --no-progress '" + (dir / corpus) + "'");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, testing_support::time_limit(10.0));
  if (max_rss_kib) *max_rss_kib = result.max_rss_kib;
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(result.out);
  expect_corpus_outcome(report, expected);
  EXPECT_EQ(report["problems"].size(), expected["unreadable"].size());
  return report;
}

// The GGUF corpus (tests/hostile/corpus_gguf/, written by make_corpus_gguf.py):
// huge counts, lengths and offsets, deep nesting, overlapping, misaligned and
// duplicate tensors. A broken header rejects its file; a broken tensor record
// rejects that tensor only, and the good tensor beside it is still analysed.
TEST(HostileCorpusGguf, EachBrokenHeaderOrTensorGetsItsOwnReason) {
  const testing_support::TempDir dir;
  expect_corpus_scan(dir, "corpus_gguf", "expected_gguf.json");
}

// The HDF5 corpus (tests/hostile/corpus_hdf5/, written by make_corpus_hdf5.py):
// damaged files that libhdf5 reads in the helper's child process. One E901
// per file with its specific reason, the good file's arrays still reported,
// and neither the external link nor the external storage followed.
TEST(HostileCorpusHdf5, EachDamagedFileGetsOneSpecificE901AndTheScanGoesOn) {
  const testing_support::TempDir dir;
  const json report = expect_corpus_scan(dir, "corpus_hdf5", "expected_hdf5.json");
  EXPECT_EQ(report.dump().find("root:"), std::string::npos) << "a line of /etc/passwd in the report";
}

// The Keras-config corpus (tests/hostile/corpus_keras/, written by
// make_corpus_keras.py): a .keras config.json too large, invalid, too deep or
// twice, a broken policy, a model_config that is no string: one E901 at the
// config's member each, and the file's weights still scanned.
TEST(HostileCorpusKeras, EachBrokenConfigIsOneE901AndItsWeightsAreStillScanned) {
  const testing_support::TempDir dir;
  expect_corpus_scan(dir, "corpus_keras", "expected_keras.json");
}

// The ONNX corpus (tests/hostile/corpus_onnx/, written by make_corpus_onnx.py):
// each bad tensor one E901 with its reason beside a good tensor that is still
// scanned, each model broken as a whole one E901. The external-data link that
// escapes the model's folder and the FIFO are made here, as a repository
// cannot hold them portably.
TEST(HostileCorpusOnnx, EachBadTensorGetsOneSpecificE901AndTheGoodOnesAreScanned) {
  const testing_support::TempDir dir;
  expect_corpus_scan(dir, "corpus_onnx", "expected_onnx.json", [](const fs::path& parent) {
    testing_support::write_text(parent / "outside.data", std::string(16, '\0'));
    fs::create_symlink("../outside.data", parent / "corpus_onnx/escape.data");
    // Never opened: the scan would block on it.
    ASSERT_EQ(::mkfifo((parent / "corpus_onnx/pipe.data").c_str(), 0600), 0);
  });
}

// The PyTorch corpus (tests/hostile/corpus_torch/, written by make_corpus_torch.py):
// pickles that try to import or call are one DT203 each, naming the global, and
// nothing runs (the payloads would create the marker file); malformed pickles
// are one E901 for the input, bad views one E901 for the tensor, and every good
// tensor beside them is still scanned.
TEST(HostileCorpusTorch, PicklesNeverRunAndBadViewsAreOneE901Each) {
  const json expected = json::parse(
      testing_support::read_file(testing_support::kSourceDir + "/tests/hostile/expected_torch.json"));
  const fs::path marker = expected["marker"].get<std::string>();
  fs::remove(marker);
  const testing_support::TempDir dir;
  long max_rss_kib = 0;
  const json report = expect_corpus_scan(dir, "corpus_torch", "expected_torch.json", {}, &max_rss_kib);
  // ASan's shadow memory and quarantine roughly double a process's resident memory.
  EXPECT_LT(max_rss_kib, (testing_support::kSanitizedBuild ? 1024 : 512) * 1024)
      << "KiB (graph_bomb.pt inflates to 40 MiB and stops at 128 MiB of values)";
  EXPECT_FALSE(fs::exists(marker)) << "a pickle's payload ran";

  for (const auto& [file, phrase] : expected["refused"].items()) {
    std::vector<json> refusals;
    for (const json& f : report["findings"]) {
      if (f["rule"] == "DT203" && file_of(f) == file) refusals.push_back(f);
    }
    ASSERT_EQ(refusals.size(), 1u) << file;
    EXPECT_EQ(refusals[0]["member"], "data.pkl") << file;
    EXPECT_EQ(refusals[0]["severity"], "warning") << file;
    EXPECT_NE(refusals[0]["message"].get<std::string>().find(phrase.get<std::string>()), std::string::npos)
        << file << ": " << refusals[0]["message"];
  }
  std::size_t dt203 = 0;
  for (const json& f : report["findings"]) dt203 += f["rule"] == "DT203";
  EXPECT_EQ(dt203, expected["refused"].size());

  // SARIF carries the refusals as results like any other finding.
  const auto sarif = testing_support::run_dtlint("scan --format sarif '" + (dir / "corpus_torch") + "'");
  const json log = json::parse(sarif.out);
  std::size_t sarif_dt203 = 0;
  for (const json& r : log["runs"][0]["results"]) sarif_dt203 += r["ruleId"] == "DT203";
  EXPECT_EQ(sarif_dt203, expected["refused"].size());
  EXPECT_FALSE(fs::exists(marker));
}

}  // namespace
}  // namespace dtlint
