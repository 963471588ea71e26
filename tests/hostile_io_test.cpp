// Hostile inputs, round two (issue 11), the cases that cannot be files in a
// corpus: a file that shrinks while it is mapped, a huge sparse file, names
// that are not UTF-8 and paths longer than PATH_MAX.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyzer/io/mapped_file.h"
#include "analyzer/scan/scan.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

// A .npy file as NumPy writes it (version 1.0, data aligned to 64 bytes).
std::string npy(const std::string& descr, const std::string& shape, const std::string& data) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(dict.size() & 0xFF);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict + data;
}

std::string doubles(std::size_t count, double value) {
  std::vector<double> values(count, value);
  std::string out(count * sizeof(double), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// ---------------------------------------------------------------------------
// A mapped input that shrinks while it is read

// The hook truncates the file named shrinking_name to shrink_to bytes the moment it is mapped.
std::string shrinking_name;
off_t shrink_to = 0;

void truncate_when_mapped(const fs::path& file) {
  if (file.filename() == shrinking_name) {
    ASSERT_EQ(::truncate(file.c_str(), shrink_to), 0);
  }
}

class ShrinkingInput : public ::testing::Test {
 protected:
  void SetUp() override { test_hooks::set_after_mapping_hook(&truncate_when_mapped); }
  void TearDown() override { test_hooks::set_after_mapping_hook(nullptr); }

  // Scans good.npy (1000 values) and `name` (bytes, truncated to `size` once mapped):
  // the shrunk file is one E901 and good.npy keeps its result.
  void expect_shrunk_file_reported(const std::string& name, const std::string& bytes, off_t size) {
    TempDir dir;
    write(dir.path() / "good.npy", npy("<f8", "(1000,)", doubles(1000, 70000.0)));
    write(dir.path() / name, bytes);
    ASSERT_GT(bytes.size(), kReadInsteadOfMapBytes) << "must be mapped, not read";
    shrinking_name = name;
    shrink_to = size;
    ScanOptions options;
    options.requests = {default_request(DType::Float16)};
    options.threads = 2;
    options.chunk_bytes = 64 << 10;  // many chunks: faults land in kernels on both threads
    const std::vector<std::string> paths{dir.path().string()};
    const ScanResult result = scan_paths(paths, options);

    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_EQ(fs::path(result.problems[0].location.path).filename(), name);
    EXPECT_EQ(result.problems[0].message, kShrankReason);
    ASSERT_EQ(result.arrays.size(), 1u);
    EXPECT_EQ(fs::path(result.arrays[0].location.path).filename(), "good.npy");
    EXPECT_EQ(result.arrays[0].elements, 1000u);
    EXPECT_EQ(result.arrays[0].analysis.source.finite_max, 70000.0L);
  }
};

TEST_F(ShrinkingInput, ToNothingBeforeItsHeaderIsRead) {
  expect_shrunk_file_reported("big.npy", npy("<f8", "(524288,)", doubles(524288, 1.0)), 0);
}

TEST_F(ShrinkingInput, InTheMiddleOfItsData) {
  expect_shrunk_file_reported("big.npy", npy("<f8", "(524288,)", doubles(524288, 1.0)), 1 << 20);
}

TEST_F(ShrinkingInput, SafetensorsPastItsHeader) {
  const std::string json = R"({"w":{"dtype":"F64","shape":[262144],"data_offsets":[0,2097152]}})";
  std::string file(8, '\0');
  for (std::size_t i = 0; i < 8; ++i) file[i] = static_cast<char>((json.size() >> (8 * i)) & 0xFF);
  expect_shrunk_file_reported("big.safetensors", file + json + doubles(262144, 1.0), 5000);
}

TEST_F(ShrinkingInput, LaterMappingsAtTheSameAddressAreReadNormally) {
  expect_shrunk_file_reported("big.npy", npy("<f8", "(524288,)", doubles(524288, 1.0)), 4096);
  // The shrunk file's mapping is gone; a new one may reuse its addresses and must not be taken for it.
  TempDir dir;
  write(dir.path() / "again.npy", npy("<f8", "(524288,)", doubles(524288, 2.0)));
  ScanOptions options;
  options.requests = {default_request(DType::Float16)};
  const std::vector<std::string> paths{dir.path().string()};
  const ScanResult result = scan_paths(paths, options);
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.arrays.size(), 1u);
  EXPECT_EQ(result.arrays[0].analysis.source.finite_max, 2.0L);
}

// ---------------------------------------------------------------------------
// No raw file bytes in messages

// A link named like an array that points at a secret: every format's reader
// says what it expected, and no report quotes what it found instead.
TEST(MessagesQuoteNoFileBytes, ALinkToASecretUnderEveryArrayName) {
  TempDir dir;
  const std::string secret = "root:*:20000:0:99999:7:::\nalice:$6$salt$hash:20000:0:99999:7:::\n";
  write(dir.path() / "shadow", secret);
  fs::create_directory(dir.path() / "scan");
  for (const char* name : {"secret.npy", "secret.npz", "secret.safetensors"}) {
    fs::create_symlink(dir.path() / "shadow", dir.path() / "scan" / name);
  }
  for (const char* format : {"text", "json", "sarif", "github"}) {
    const auto run = testing_support::run_dtlint(std::string("scan --format ") + format + " '" +
                                                 (dir.path() / "scan").string() + "' '" +
                                                 (dir.path() / "shadow").string() + "'");
    EXPECT_EQ(run.exit_code, 1) << format << run.err;
    for (const char* part : {"root", "alice", "salt$hash", ":*:", "$6$"}) {
      EXPECT_EQ(run.out.find(part), std::string::npos) << format << " quotes '" << part << "':\n" << run.out;
      EXPECT_EQ(run.err.find(part), std::string::npos) << format << " quotes '" << part << "':\n" << run.err;
    }
  }
  const auto json_run =
      testing_support::run_dtlint("scan --format json '" + (dir.path() / "scan").string() + "'");
  EXPECT_NE(json_run.out.find("does not start with the \\\\x93NUMPY magic"), std::string::npos)
      << json_run.out;
  EXPECT_NE(json_run.out.find("not a zip archive"), std::string::npos) << json_run.out;
  EXPECT_NE(json_run.out.find("header length field declares more than"), std::string::npos) << json_run.out;
}

}  // namespace
}  // namespace dtlint
