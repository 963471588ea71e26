// The HDF5 / Keras reader (analyzer/formats/hdf5.h): Keras layouts written by
// h5py (tests/golden/hdf5/make_fixtures.py) with NumPy's counts, the helper's
// answer checked strictly (parse_hdf5_listing), and a helper that crashes,
// hangs, runs out of memory or is missing: one E901 for the file each time.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/formats/hdf5.h"
#include "analyzer/formats/hdf5/protocol.h"
#include "analyzer/formats/readers.h"
#include "analyzer/input_error.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/scan/scan.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace hdf5_protocol;

const std::string kFixtures = testing_support::kSourceDir + "/tests/golden/hdf5";

// The tests run the helper of this build tree (the test binary is not beside it).
class UseBuildHelper : public testing::Environment {
 public:
  void SetUp() override { test_hooks::set_hdf5_helper(DTLINT_HDF5_HELPER); }
};
const auto* const kHelperEnvironment = testing::AddGlobalTestEnvironment(new UseBuildHelper);

// Restores the build's helper and the default limits when a test changed them.
class HelperOverride {
 public:
  HelperOverride(const fs::path& helper, const Hdf5HelperLimits& limits = {}) {
    test_hooks::set_hdf5_helper(helper);
    test_hooks::set_hdf5_limits(limits);
  }
  ~HelperOverride() {
    test_hooks::set_hdf5_helper(DTLINT_HDF5_HELPER);
    test_hooks::set_hdf5_limits({});
  }
};

const json& expected() {
  static const json doc = json::parse(testing_support::read_file(kFixtures + "/expected.json"));
  return doc;
}

std::uint64_t count_of(const CastStats& stats, std::string_view field) {
  for (std::size_t i = 0; i < kCastCounterCount; ++i) {
    if (field_name(static_cast<CastCounter>(i)) == field) return stats.counters[i].count;
  }
  ADD_FAILURE() << "no counter " << field;
  return 0;
}

ScanResult scan_fixture(const std::string& file, std::size_t chunk_bytes) {
  ScanOptions options;
  options.semantics = Semantics::NumPy;
  for (DType target : {DType::Float16, DType::BFloat16, DType::Int32})
    options.requests.push_back(default_request(target));
  options.chunk_bytes = chunk_bytes;  // small: streamed datasets take many reads
  options.threads = 2;
  const std::vector<std::string> paths{kFixtures + "/" + file};
  return scan_paths(paths, options);
}

// Every dataset of every fixture, read by the scan through the helper: dtype,
// shape and the counts NumPy gives; the skipped datasets with their reason.
TEST(GoldenHdf5, EveryDatasetMatchesNumPy) {
  for (const auto& [file, want] : expected().items()) {
    for (std::size_t chunk_bytes : {std::size_t{1000}, std::size_t{4} << 20}) {
      const ScanResult scan = scan_fixture(file, chunk_bytes);
      for (const Problem& problem : scan.problems) ADD_FAILURE() << file << ": " << problem.message;
      ASSERT_EQ(scan.arrays.size(), want["arrays"].size()) << file;
      for (const ArrayResult& array : scan.arrays) {
        ASSERT_TRUE(array.location.member.has_value());
        const std::string member = *array.location.member;
        ASSERT_TRUE(want["arrays"].contains(member)) << file << ":" << member;
        const json& w = want["arrays"][member];
        EXPECT_EQ(name(array.dtype), w["dtype"].get<std::string>()) << member;
        EXPECT_EQ(array.shape, w["shape"].get<std::vector<std::uint64_t>>()) << member;
        ASSERT_EQ(array.analysis.casts.size(), 3u);
        for (const CastStats& stats : array.analysis.casts) {
          const json& counts = w["counts"][std::string(name(stats.target))];
          for (const auto& [field, count] : counts.items()) {
            EXPECT_EQ(count_of(stats, field), count.get<std::uint64_t>())
                << file << ":" << member << " " << name(stats.target) << " " << field;
          }
        }
      }
      ASSERT_EQ(scan.skipped.size(), want["skipped"].size()) << file;
      for (const Skipped& skipped : scan.skipped) {
        const std::string member = skipped.location.member.value_or("");
        ASSERT_TRUE(want["skipped"].contains(member)) << file << ":" << member;
        EXPECT_NE(skipped.reason.find(want["skipped"][member].get<std::string>()), std::string::npos)
            << member << ": " << skipped.reason;
      }
    }
  }
}

TEST(GoldenHdf5, StoredTypesNameTheFilesByteOrderAndStreamsAreUsedPastTheInlineBudget) {
  const std::string file = kFixtures + "/keras2_weights.h5";
  const ContainerContents contents = read_path(&read_hdf5, file, file);
  bool big_endian = false, streamed = false, bfloat16 = false;
  for (std::size_t i = 0; i < contents.array_count(); ++i) {
    const ArrayView view = contents.source->view(i);
    if (*view.location.member == "conv/conv/kernel:0") big_endian = view.stored_dtype == ">f8";
    if (*view.location.member == "embedding/embedding/embeddings:0")
      streamed = view.stream && view.data.empty();
    if (*view.location.member == "bf/bf/kernel:0") bfloat16 = view.dtype == DType::BFloat16 && !view.stream;
  }
  EXPECT_TRUE(big_endian);
  EXPECT_TRUE(streamed) << "the 2 MiB embedding of a 34 KB file is past the inline budget";
  EXPECT_TRUE(bfloat16);
}

// The scan may read several streams of one file at once, from several
// threads: each has a child of its own, so they never share a pipe.
TEST(GoldenHdf5, StreamsOfOneFileCanBeReadAtOnceFromSeveralThreads) {
  const std::string file = kFixtures + "/keras2_weights.h5";
  const ContainerContents contents = read_path(&read_hdf5, file, file);
  std::size_t embedding = contents.array_count();
  for (std::size_t i = 0; i < contents.array_count(); ++i) {
    if (contents.source->view(i).stream) embedding = i;
  }
  ASSERT_LT(embedding, contents.array_count());
  const ArrayView first = contents.source->view(embedding), second = contents.source->view(embedding);
  std::vector<std::byte> a, b;
  auto drain = [](const ArrayView& view, std::vector<std::byte>& out) {
    std::vector<std::byte> buffer(777);  // reads that do not line up with the helper's frames
    for (std::size_t got; (got = view.stream->read(buffer)) != 0;)
      out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got));
  };
  std::thread other([&] { drain(second, b); });
  drain(first, a);
  other.join();
  EXPECT_EQ(a.size(), first.elements * 4);
  EXPECT_TRUE(a == b);
  // 0.25f everywhere but the sprinkled column and the two planted values (make_fixtures.py).
  float value;
  std::memcpy(&value, a.data() + (100 * 128 + 7) * 4, 4);
  EXPECT_EQ(value, 70000.0f);
  std::memcpy(&value, a.data() + (1 * 128 + 0) * 4, 4);
  EXPECT_EQ(value, 0.25f);
}

TEST(Hdf5Reader, TheTableReadsH5Hdf5AndKerasByContentOrName) {
  const std::string signature("\x89HDF\r\n\x1a\n", 8);
  const auto bytes = std::as_bytes(std::span(signature.data(), signature.size()));
  ASSERT_NE(reader_for(bytes, "weights.bin"), nullptr);
  EXPECT_EQ(reader_for(bytes, "weights.bin")->name, "hdf5");
  const std::string zip("PK\x03\x04", 4);
  const auto zip_bytes = std::as_bytes(std::span(zip.data(), zip.size()));
  EXPECT_EQ(reader_for(zip_bytes, "model.keras")->name, "hdf5");
  EXPECT_EQ(reader_for(zip_bytes, "model.zip"), nullptr);
  EXPECT_EQ(reader_by_name("a.H5")->name, "hdf5");
  EXPECT_EQ(reader_by_name("a.hdf5")->name, "hdf5");
}

// --- The helper's answer, checked strictly -------------------------------------

class Answer {
 public:
  Answer& frame(Frame type, const std::string& payload) {
    bytes_.push_back(static_cast<char>(type));
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<char>((payload.size() >> (8 * i)) & 0xff));
    bytes_ += payload;
    return *this;
  }
  Answer& hello() { return frame(Frame::Hello, std::string(kHello)); }
  std::span<const std::byte> bytes() const { return std::as_bytes(std::span(bytes_.data(), bytes_.size())); }

 private:
  std::string bytes_;
};

std::string le(std::uint64_t value, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  return out;
}

std::string text(const std::string& value) {
  return le(value.size(), 4) + value;
}

std::string array_record(const std::string& name, ElementType type, bool data_follows,
                         const std::vector<std::uint64_t>& shape) {
  std::string payload = text(name) + '\0' + static_cast<char>(type) + '\0' + static_cast<char>(data_follows);
  payload += le(shape.size(), 4);
  for (std::uint64_t extent : shape) payload += le(extent, 8);
  return payload;
}

std::string failure_of(const Answer& answer, std::uint64_t file_bytes = 1000) {
  try {
    parse_hdf5_listing(answer.bytes(), "x.h5", file_bytes);
  } catch (const InputError& error) {
    return error.reason();
  }
  return "";
}

TEST(Hdf5Protocol, AWellFormedAnswerGivesItsArraysIssuesAndInlineBytes) {
  Answer answer;
  answer.hello()
      .frame(Frame::Dataset, array_record("w", ElementType::Float32, true, {2}))
      .frame(Frame::Bytes, std::string("\0\0\x80\x3f\0\0\0\x40", 8))
      .frame(Frame::Done, "")
      .frame(Frame::Dataset, text("names") + '\1' + text("strings; not analysed"))
      .frame(Frame::Dataset, text("bad") + '\2' + text("cannot read\n the data"))
      .frame(Frame::End, le(3, 8));
  const ContainerContents contents = parse_hdf5_listing(answer.bytes(), "x.h5", 1000);
  ASSERT_EQ(contents.array_count(), 1u);
  const ArrayView view = contents.source->view(0);
  EXPECT_EQ(view.dtype, DType::Float32);
  EXPECT_EQ(view.shape, std::vector<std::uint64_t>{2});
  ASSERT_EQ(view.data.size(), 8u);
  float values[2];
  std::memcpy(values, view.data.data(), 8);
  EXPECT_EQ(values[0], 1.0f);
  EXPECT_EQ(values[1], 2.0f);
  ASSERT_EQ(contents.skipped.size(), 1u);
  EXPECT_EQ(contents.skipped[0].reason, "strings; not analysed");
  ASSERT_EQ(contents.unreadable.size(), 1u);
  // The helper's text is escaped: it may quote the file.
  EXPECT_EQ(contents.unreadable[0].reason, "dataset 'bad': cannot read\\x0a the data");
}

TEST(Hdf5Protocol, EveryBreachIsRefusedWithWhatWasWrong) {
  const std::string prefix = "the HDF5 helper's answer is malformed: ";
  EXPECT_EQ(failure_of(Answer().frame(Frame::Hello, "dtlint-hdf5 0")),
            prefix + "it does not start with the greeting of this dtlint's helper");
  EXPECT_EQ(failure_of(Answer().hello()), prefix + "its answer ends early");
  EXPECT_EQ(failure_of(Answer().hello().frame(Frame::End, le(1, 8))),
            prefix + "a dataset count that disagrees with its datasets");
  EXPECT_EQ(failure_of(Answer().hello().frame(Frame::End, le(0, 8)).frame(Frame::End, le(0, 8))),
            prefix + "more bytes after its end");
  EXPECT_EQ(failure_of(Answer().hello().frame(Frame::Bytes, "x")),
            prefix + "an unexpected frame between datasets");
  EXPECT_EQ(
      failure_of(Answer().hello().frame(Frame::Dataset, text("w") + '\0' + '\x0e' + std::string(6, '\0'))),
      prefix + "a dataset of an unknown element type");
  EXPECT_EQ(failure_of(Answer().hello().frame(Frame::Dataset,
                                              array_record("w", ElementType::Int8, false, {}) + "x")),
            prefix + "a dataset frame has bytes past its fields");
  EXPECT_EQ(
      failure_of(Answer().hello().frame(
          Frame::Dataset, array_record("w", ElementType::Int8, false, std::vector<std::uint64_t>(33, 1)))),
      prefix + "a dataset of more than 32 dimensions");
  // Inline data: more than declared, less than declared, past the budget.
  EXPECT_EQ(failure_of(Answer()
                           .hello()
                           .frame(Frame::Dataset, array_record("w", ElementType::Int8, true, {2}))
                           .frame(Frame::Bytes, "abc")),
            prefix + "more data than dataset 'w' declares");
  EXPECT_EQ(failure_of(Answer()
                           .hello()
                           .frame(Frame::Dataset, array_record("w", ElementType::Int8, true, {2}))
                           .frame(Frame::Bytes, "a")
                           .frame(Frame::Done, "")),
            prefix + "less data than dataset 'w' declares");
  EXPECT_EQ(failure_of(Answer().hello().frame(Frame::Dataset,
                                              array_record("w", ElementType::Float64, true, {1 << 20}))),
            prefix + "dataset 'w' sent inline past the inline budget");
  // A frame length past the maximum is refused before anything is allocated.
  EXPECT_NE(
      failure_of(Answer().hello().frame(static_cast<Frame>('B'), std::string(kMaxBytesPayload + 1, 'x')))
          .find("more than 1048576"),
      std::string::npos);
  EXPECT_EQ(failure_of(Answer().hello().frame(Frame::Fatal, text("not a readable HDF5 file"))),
            "not a readable HDF5 file");
}

TEST(Hdf5Protocol, DatasetsLargerThanTheFileCanHoldAreUnreadable) {
  Answer answer;
  answer.hello()
      .frame(Frame::Dataset, array_record("ids", ElementType::Float32, false, {1'000'000'000'000'000}))
      .frame(Frame::Dataset, array_record("wide", ElementType::Float64, false, {1ull << 32, 1ull << 32}))
      .frame(Frame::End, le(2, 8));
  const ContainerContents contents = parse_hdf5_listing(answer.bytes(), "x.h5", 4096);
  EXPECT_EQ(contents.array_count(), 0u);
  ASSERT_EQ(contents.unreadable.size(), 2u);
  EXPECT_NE(
      contents.unreadable[0].reason.find("declares 1000000000000000 elements (4000000000000000 bytes), more "
                                         "than 1032 times the file's 4096 bytes"),
      std::string::npos)
      << contents.unreadable[0].reason;
  EXPECT_EQ(contents.unreadable[1].reason, "dataset 'wide': declares more than 2^64 bytes of data");
}

// --- A helper that misbehaves -------------------------------------------------

// A shell script standing in for the helper.
fs::path fake_helper(const testing_support::TempDir& dir, const std::string& body) {
  const fs::path script = dir.path() / "fake-helper";
  std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

std::string scan_failure(const std::string& file) {
  try {
    read_path(&read_hdf5, file, file);
  } catch (const InputError& error) {
    return error.reason();
  }
  return "";
}

TEST(Hdf5Helper, ACrashIsOneE901ThatSaysSo) {
  testing_support::TempDir dir;
  const HelperOverride fake(fake_helper(dir, "kill -SEGV $$"));
  EXPECT_EQ(scan_failure(kFixtures + "/keras2_model.h5"),
            "the HDF5 library crashed (signal 11) reading this file");
}

TEST(Hdf5Helper, AHangIsStoppedByTheQuietTimeout) {
  testing_support::TempDir dir;
  Hdf5HelperLimits limits;
  limits.quiet_timeout = std::chrono::milliseconds(300);
  const HelperOverride fake(fake_helper(dir, "exec sleep 30"), limits);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(scan_failure(kFixtures + "/keras2_model.h5"),
            "the HDF5 library did not answer within 300 ms reading this file (it was stopped)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Hdf5Helper, RunningOutOfMemoryAndGarbageAreExplained) {
  testing_support::TempDir dir;
  {
    const HelperOverride fake(fake_helper(dir, "exit 3"));
    EXPECT_EQ(scan_failure(kFixtures + "/keras2_model.h5"),
              "the HDF5 library ran out of memory (the helper's limit is 1024 MiB) reading this file");
  }
  {
    const HelperOverride fake(fake_helper(dir, "echo this is some other program, not the helper"));
    EXPECT_EQ(
        scan_failure(kFixtures + "/keras2_model.h5"),
        "the HDF5 helper's answer is malformed: it does not start with the greeting of this dtlint's helper");
  }
}

TEST(Hdf5Helper, AMissingHelperIsAClearE901) {
  const HelperOverride missing("/nonexistent/dtlint-hdf5");
  EXPECT_EQ(scan_failure(kFixtures + "/keras2_model.h5"),
            "cannot read HDF5 files: the helper program dtlint-hdf5 is not installed (looked for "
            "/nonexistent/dtlint-hdf5)");
}

// The real helper under a 1 MiB address-space limit: whatever libhdf5 does
// when its allocations fail (it may crash), the file is one E901 that says so.
TEST(Hdf5Helper, TheAddressSpaceLimitContainsARunawayAllocation) {
  Hdf5HelperLimits limits;
  limits.memory_mib = 1;
  const HelperOverride tight(DTLINT_HDF5_HELPER, limits);
  const std::string reason = scan_failure(kFixtures + "/keras2_weights.h5");
  EXPECT_TRUE(reason == "the HDF5 library crashed (signal 11) reading this file" ||
              reason == "the HDF5 library ran out of memory (the helper's limit is 1 MiB) reading this file")
      << reason;
}

// A streamed dataset whose child crashes is one E901 at that dataset; the
// file's other datasets (sent inline by the list child) are still analysed.
TEST(Hdf5Helper, AStreamThatCrashesIsAnE901ForItsDatasetAlone) {
  testing_support::TempDir dir;
  const HelperOverride fake(fake_helper(
      dir, "[ \"$3\" = serve ] && kill -SEGV $$\nexec '" + std::string(DTLINT_HDF5_HELPER) + "' \"$@\""));
  const ScanResult scan = scan_fixture("keras2_weights.h5", 1000);
  ASSERT_EQ(scan.problems.size(), 1u);
  EXPECT_EQ(scan.problems[0].location.member, "embedding/embedding/embeddings:0");
  EXPECT_EQ(
      scan.problems[0].message,
      "dataset 'embedding/embedding/embeddings:0': the HDF5 library crashed (signal 11) reading this file");
  EXPECT_EQ(scan.arrays.size(), expected()["keras2_weights.h5"]["arrays"].size() - 1);
}

// The build's helper behind a script that writes the mode of each start
// ("list", "serve") to `log`, one line each.
fs::path start_logging_helper(const testing_support::TempDir& dir, const fs::path& log) {
  return fake_helper(
      dir, "echo \"$3\" >> '" + log.string() + "'\nexec '" + std::string(DTLINT_HDF5_HELPER) + "' \"$@\"");
}

// Reads every streamed dataset of `contents` to its end.
void drain_streams(const ContainerContents& contents) {
  std::vector<std::byte> buffer(1 << 16);
  for (std::size_t i = 0; i < contents.array_count(); ++i) {
    const ArrayView view = contents.source->view(i);
    if (!view.stream) continue;
    std::uint64_t total = 0;
    for (std::size_t got; (got = view.stream->read(buffer)) != 0;) total += got;
    EXPECT_EQ(total, view.elements * 4);
  }
}

// A serving child that finished a stream is kept for the file's next one:
// one list child and one serving child for two streams read one after the other.
TEST(Hdf5Helper, StreamsReadOneAfterTheOtherShareOneServingChild) {
  testing_support::TempDir dir;
  const fs::path log = dir.path() / "starts.log";
  const HelperOverride logging(start_logging_helper(dir, log));
  const std::string file = kFixtures + "/keras2_weights.h5";
  const ContainerContents contents = read_path(&read_hdf5, file, file);
  drain_streams(contents);
  drain_streams(contents);
  EXPECT_EQ(testing_support::read_file(log.string()), "list\nserve\n");
}

// A serving child outlives the thread that started it: the scan's second pass
// (rescalings) reads a stream again on another thread, after the first one's
// thread has ended. A child that died with its thread (PR_SET_PDEATHSIG is
// per thread) is a restart at best, and at worst an E901 for a dataset that
// reads well, when it dies between the request and the answer.
TEST(Hdf5Helper, AServingChildOutlivesTheThreadThatStartedIt) {
  testing_support::TempDir dir;
  const fs::path log = dir.path() / "starts.log";
  const HelperOverride logging(start_logging_helper(dir, log));
  const std::string file = kFixtures + "/keras2_weights.h5";
  const ContainerContents contents = read_path(&read_hdf5, file, file);
  std::thread first([&contents] { drain_streams(contents); });
  first.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a death signal would have come
  drain_streams(contents);
  EXPECT_EQ(testing_support::read_file(log.string()), "list\nserve\n");
}

// A serving child's answer is checked as strictly as a listing: its reason
// for failing is the dataset's E901, and an answer about another dataset is refused.
TEST(Hdf5Helper, AServingChildsAnswerIsCheckedAgainstTheListing) {
  const std::string real = std::string(DTLINT_HDF5_HELPER);
  const std::string hello = "printf 'H\\015\\000\\000\\000dtlint-hdf5 1'";
  const std::string member = "embedding/embedding/embeddings:0";
  struct Case {
    std::string answer, message;
  } cases[] = {
      {"printf 'X\\011\\000\\000\\000\\005\\000\\000\\000oops!'", "dataset '" + member + "': oops!"},
      {"printf 'D\\027\\000\\000\\000\\003\\000\\000\\000zzz\\000\\014\\000\\001\\001\\000\\000\\000"
       "\\010\\000\\000\\000\\000\\000\\000\\000'",
       "dataset '" + member +
           "': the HDF5 helper's answer is malformed: another dataset than the one asked for"},
  };
  for (const Case& c : cases) {
    testing_support::TempDir dir;
    const HelperOverride fake(fake_helper(dir, "if [ \"$3\" = serve ]; then " + hello + "; " + c.answer +
                                                   "; exit 0; fi\nexec '" + real + "' \"$@\""));
    const ScanResult scan = scan_fixture("keras2_weights.h5", 1 << 20);
    ASSERT_EQ(scan.problems.size(), 1u);
    EXPECT_EQ(scan.problems[0].location.member, member);
    EXPECT_EQ(scan.problems[0].message, c.message);
  }
}

// The scanner never links libhdf5 (its name would be in the dynamic section),
// nor contains it (H5Fopen would be in the symbols); the helper does.
TEST(Hdf5Helper, OnlyTheHelperContainsLibhdf5) {
  const std::string scanner = testing_support::read_file(DTLINT_BINARY);
  EXPECT_EQ(scanner.find("libhdf5"), std::string::npos);
  EXPECT_EQ(scanner.find("H5Fopen"), std::string::npos);
  const std::string helper = testing_support::read_file(DTLINT_HDF5_HELPER);
  EXPECT_NE(helper.find("H5Fopen"), std::string::npos);
}

TEST(Hdf5Helper, ItIsLookedForBesideTheExecutableThenInLibexec) {
  const std::vector<fs::path> locations = hdf5_helper_locations();
  ASSERT_EQ(locations.size(), 3u);
  const fs::path self = fs::read_symlink("/proc/self/exe");
  EXPECT_EQ(locations[0], self.parent_path() / "dtlint-hdf5");
  EXPECT_EQ(locations[1], self.parent_path().parent_path() / "libexec/dtlint/dtlint-hdf5");
  EXPECT_EQ(locations[2].filename(), "dtlint-hdf5");
  // The dtlint binary finds the one built beside it.
  const auto run = testing_support::run_dtlint("scan --format json '" + kFixtures + "/keras3.keras'");
  const json report = json::parse(run.out);
  EXPECT_EQ(report["summary"]["arrays"], expected()["keras3.keras"]["arrays"].size()) << run.out;
  EXPECT_EQ(report["summary"]["unreadable"], 0) << run.out;
}

}  // namespace
}  // namespace dtlint
