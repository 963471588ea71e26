// Files dtlint only reads are opened by one helper (regular files only, size
// capped), and no output may overwrite an input, whatever the spelling or link
// that names it (issue: hostile inputs, round two).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;
using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::TempDir;
using testing_support::write_text;

std::string reason_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.reason();
  }
  return "(no error)";
}

TEST(InputFile, RefusesWhatIsNotARegularFileBeforeReading) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(reason_of([&] { read_text_file(dir / "fifo", "fifo", 1024); }), "not a regular file (FIFO)");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));  // did not block
  EXPECT_EQ(reason_of([&] { read_text_file("/dev/zero", "/dev/zero", 1024); }),
            "not a regular file (character device)");
  EXPECT_EQ(reason_of([&] { read_text_file(dir.path(), "dir", 1024); }), "not a regular file (directory)");
  EXPECT_EQ(reason_of([&] { read_text_file(dir / "missing", "missing", 1024); }),
            "cannot open: No such file or directory");
}

TEST(InputFile, ReadsUpToItsCapAndNoFurther) {
  TempDir dir;
  write_text(dir / "small", "hello");
  EXPECT_EQ(read_text_file(dir / "small", "small", 5), "hello");
  EXPECT_EQ(read_text_file(dir / "small", "small", 1024), "hello");
  EXPECT_EQ(reason_of([&] { read_text_file(dir / "small", "small", 4); }),
            "larger than 4 bytes (5 bytes); dtlint reads such files only up to that size");
  write_text(dir / "empty", "");
  EXPECT_EQ(read_text_file(dir / "empty", "empty", 0), "");
  EXPECT_EQ(byte_size_text(std::size_t{16} << 20), "16 MiB");
  EXPECT_EQ(byte_size_text(300), "300 bytes");
}

TEST(InputFile, SymlinksAreFollowedToTheirFile) {
  TempDir dir;
  write_text(dir / "real", "data");
  fs::create_symlink(dir / "real", dir / "link");
  const InputFile file = InputFile::open(dir / "link", "link");
  struct stat status {};
  ASSERT_EQ(::stat((dir / "real").c_str(), &status), 0);
  EXPECT_EQ(file.inode(), status.st_ino);
  EXPECT_EQ(file.size(), 4u);
}

// ------------------------------------------------ outputs never overwrite inputs

class OutputGuard : public testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(kSourceDir + "/examples/embeddings.npy", dir_ / "good.npy");
    original_ = read_file(dir_ / "good.npy");
  }
  // Runs dtlint in the temporary folder; the input must be unchanged afterwards.
  testing_support::CommandResult run(const std::string& args) {
    auto result = run_dtlint(args, dir_.path().string());
    EXPECT_EQ(read_file(dir_ / "good.npy"), original_) << "good.npy was modified by: " << args;
    return result;
  }
  TempDir dir_;
  std::string original_;
};

TEST_F(OutputGuard, OutputNamingAnInputIsRefusedWhateverTheSpelling) {
  fs::create_directory(dir_ / "sub");
  fs::create_symlink(dir_ / "good.npy", dir_ / "link.npy");
  const std::vector<std::string> spellings{"good.npy", "./good.npy", "sub/../good.npy", "link.npy",
                                           dir_ / "good.npy"};
  for (const std::string& output : spellings) {
    SCOPED_TRACE(output);
    const auto result = run("scan good.npy --no-progress --output '" + output + "'");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("is an input of this scan"), std::string::npos) << result.err;
  }
  // Found by the folder walk rather than named, and with the JSON format.
  const auto walked = run("scan . --no-progress --format json --output good.npy");
  EXPECT_EQ(walked.exit_code, 2) << walked.err;
}

TEST_F(OutputGuard, WriteBaselineNamingAnInputIsRefused) {
  const auto result = run("scan good.npy --no-progress --write-baseline good.npy");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--write-baseline: 'good.npy' is an input of this scan"), std::string::npos)
      << result.err;
  // The configuration is an input too.
  write_text(dir_ / ".dtlint.yaml", "targets: [float16]\n");
  const std::string config = read_file(dir_ / ".dtlint.yaml");
  EXPECT_EQ(run("scan good.npy --no-progress --output .dtlint.yaml").exit_code, 2);
  EXPECT_EQ(read_file(dir_ / ".dtlint.yaml"), config);
}

TEST_F(OutputGuard, RefreshingTheBaselineAndNewOutputsStillWork) {
  EXPECT_EQ(run("scan good.npy --no-progress --write-baseline b.json").exit_code, 0);
  EXPECT_EQ(run("scan good.npy --no-progress --baseline b.json --write-baseline b.json").exit_code, 0);
  EXPECT_EQ(run("scan good.npy --no-progress --baseline b.json --output b.json").exit_code, 2);
  EXPECT_EQ(run("scan good.npy --no-progress --output report.txt").exit_code, 0);
  EXPECT_FALSE(read_file(dir_ / "report.txt").empty());
  EXPECT_EQ(run("scan good.npy --no-progress --output same --write-baseline ./same").exit_code, 2);
}

TEST_F(OutputGuard, BaselineAndConfigThatAreNotRegularFilesGetTheirOwnMessage) {
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  fs::create_directory(dir_ / "folder");
  const std::pair<std::string, std::string> cases[] = {
      {"--baseline /dev/zero", "--baseline: /dev/zero: not a regular file (character device)"},
      {"--baseline fifo", "--baseline: fifo: not a regular file (FIFO)"},
      {"--baseline folder", "--baseline: folder: not a regular file (directory)"},
      {"--config folder", "--config: 'folder': not a regular file (directory)"},
      {"--config fifo", "--config: 'fifo': not a regular file (FIFO)"},
      {"--config /dev/null", "--config: '/dev/null': not a regular file (character device)"},
      {"--config missing.yaml", "--config: 'missing.yaml': cannot open: No such file or directory"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args);
    const auto started = std::chrono::steady_clock::now();
    const auto result = run("scan good.npy --no-progress " + args);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.err, "dtlint: " + message + "\n");
  }
  const auto empty = run("scan '' --no-progress");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_EQ(empty.err, "dtlint: scan: an empty path names no file or folder\n");
}

}  // namespace
}  // namespace dtlint

namespace dtlint {
namespace {

// A configuration with invalid UTF-8 in a key: the error on stderr names the
// file, line and key with the bytes escaped, never the raw bytes themselves.
TEST(ConfigErrorsOnStderr, InvalidUtf8InAKeyIsEscaped) {
  TempDir dir;
  testing_support::write_text(dir / ".dtlint.yaml", "targets: [float16]\n\xff\xfe\x1b[2J: 1\n");
  fs::copy_file(kSourceDir + "/examples/embeddings.npy", dir / "a.npy");
  const auto result = run_dtlint("scan a.npy --no-progress", dir.path().string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(".dtlint.yaml:2: "), std::string::npos) << result.err;
  for (const char c : result.err) {
    EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f))
        << "raw byte " << static_cast<int>(c) << " in: " << result.err;
  }
}

}  // namespace
}  // namespace dtlint
