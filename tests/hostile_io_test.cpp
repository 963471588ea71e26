// Hostile inputs, round two (issue 11), the cases that cannot be files in a
// corpus: a file that shrinks while it is mapped, a huge sparse file, names
// that are not UTF-8 and paths longer than PATH_MAX.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "analyzer/io/input_file.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/scan/progress.h"
#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::npy_bytes;
using testing_support::TempDir;

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
    write(dir.path() / "good.npy", npy_bytes("<f8", "(1000,)", doubles(1000, 70000.5)));  // not ids: rescaled
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
    EXPECT_EQ(result.arrays[0].analysis.source.finite_max, 70000.5L);
    ASSERT_EQ(result.arrays[0].analysis.scaled.size(), 1u);  // its float16 overflow's rescaling, 2^-1
    EXPECT_EQ(result.arrays[0].analysis.scaled[0].scale_exponent, -1);
  }
};

TEST_F(ShrinkingInput, ToNothingBeforeItsHeaderIsRead) {
  expect_shrunk_file_reported("big.npy", npy_bytes("<f8", "(524288,)", doubles(524288, 1.0)), 0);
}

TEST_F(ShrinkingInput, InTheMiddleOfItsData) {
  expect_shrunk_file_reported("big.npy", npy_bytes("<f8", "(524288,)", doubles(524288, 1.0)), 1 << 20);
}

// Values that overflow float16: the array would get a second pass (its amax
// rescaling), which must not turn the shrunk file into more than one E901.
TEST_F(ShrinkingInput, InTheMiddleOfDataThatNeedsAScaledCast) {
  expect_shrunk_file_reported("big.npy", npy_bytes("<f8", "(524288,)", doubles(524288, 1e5)), 1 << 20);
}

TEST_F(ShrinkingInput, SafetensorsPastItsHeader) {
  const std::string json = R"({"w":{"dtype":"F64","shape":[262144],"data_offsets":[0,2097152]}})";
  std::string file(8, '\0');
  for (std::size_t i = 0; i < 8; ++i) file[i] = static_cast<char>((json.size() >> (8 * i)) & 0xFF);
  expect_shrunk_file_reported("big.safetensors", file + json + doubles(262144, 1.0), 5000);
}

TEST_F(ShrinkingInput, LaterMappingsAtTheSameAddressAreReadNormally) {
  expect_shrunk_file_reported("big.npy", npy_bytes("<f8", "(524288,)", doubles(524288, 1.0)), 4096);
  // The shrunk file's mapping is gone; a new one may reuse its addresses and must not be taken for it.
  TempDir dir;
  write(dir.path() / "again.npy", npy_bytes("<f8", "(524288,)", doubles(524288, 2.0)));
  ScanOptions options;
  options.requests = {default_request(DType::Float16)};
  const std::vector<std::string> paths{dir.path().string()};
  const ScanResult result = scan_paths(paths, options);
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.arrays.size(), 1u);
  EXPECT_EQ(result.arrays[0].analysis.source.finite_max, 2.0L);
}

// ---------------------------------------------------------------------------
// Huge sparse files: --max-file-size, max_file_size and the progress line

TEST(ByteSize, ParsesWholeBytesWithBinaryUnits) {
  EXPECT_EQ(parse_byte_size("0"), 0u);
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("500M"), 500ull << 20);
  EXPECT_EQ(parse_byte_size("10G"), 10ull << 30);
  EXPECT_EQ(parse_byte_size("10g"), 10ull << 30);
  EXPECT_EQ(parse_byte_size("64KiB"), 64ull << 10);
  EXPECT_EQ(parse_byte_size("2T"), 2ull << 40);
  EXPECT_EQ(parse_byte_size("16 MiB"), 16ull << 20);  // as byte_size_text writes it
  EXPECT_EQ(parse_byte_size("300B"), 300u);
  EXPECT_EQ(parse_byte_size("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "G", "-1", "1.5G", "10X", "10GB ", "10 ", " 10", "10Gi", "1 0",
                          "18446744073709551616", "16777216T"}) {
    EXPECT_EQ(parse_byte_size(bad), std::nullopt) << "'" << bad << "'";
  }
}

// A .npy declaring 100 GiB of float64 zeros: the header and then a hole, no data blocks on disk.
void write_sparse_npy(const fs::path& path) {
  const std::uint64_t elements = (100ull << 30) / 8;
  write(path, npy_bytes("<f8", "(" + std::to_string(elements) + ",)", ""));
  const auto header = static_cast<off_t>(fs::file_size(path));
  ASSERT_EQ(::truncate(path.c_str(), header + static_cast<off_t>(elements * 8)), 0);
}

TEST(MaxFileSize, AHugeSparseFileIsNotedNotRead) {
  TempDir dir;
  write_sparse_npy(dir.path() / "huge.npy");
  write(dir.path() / "good.npy", npy_bytes("<f8", "(3,)", doubles(3, 70000.0)));
  ScanOptions options;
  options.requests = {default_request(DType::Float16)};
  options.max_file_size = 1ull << 30;
  const std::vector<std::string> paths{dir.path().string()};
  const auto started = std::chrono::steady_clock::now();
  const ScanResult result = scan_paths(paths, options);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(fs::path(result.skipped[0].location.path).filename(), "huge.npy");
  EXPECT_EQ(result.skipped[0].reason, std::to_string(fs::file_size(dir.path() / "huge.npy")) +
                                          " bytes, more than the maximum file size of 1 GiB "
                                          "(--max-file-size, max_file_size): not read");
  ASSERT_EQ(result.arrays.size(), 1u);
  EXPECT_EQ(fs::path(result.arrays[0].location.path).filename(), "good.npy");

  // A file exactly at the limit is read.
  options.max_file_size = fs::file_size(dir.path() / "good.npy");
  const std::vector<std::string> good{(dir.path() / "good.npy").string()};
  EXPECT_EQ(scan_paths(good, options).arrays.size(), 1u);
  options.max_file_size = fs::file_size(dir.path() / "good.npy") - 1;
  EXPECT_EQ(scan_paths(good, options).skipped.size(), 1u);
}

TEST(MaxFileSize, FromTheCommandLineAndTheConfiguration) {
  TempDir dir;
  write_sparse_npy(dir.path() / "huge.npy");
  write(dir.path() / "good.npy", npy_bytes("<f8", "(3,)", doubles(3, 1.0)));
  const std::string folder = "'" + dir.path().string() + "'";
  auto skipped_names = [](const std::string& report) {
    std::vector<std::string> names;
    const nlohmann::json parsed = nlohmann::json::parse(report);
    for (const auto& s : parsed["skipped"]) {
      names.push_back(fs::path(s["path"].get<std::string>()).filename().string());
      EXPECT_NE(s["reason"].get<std::string>().find("more than the maximum file size"), std::string::npos);
    }
    return names;
  };
  const auto flag = testing_support::run_dtlint("scan --format json --max-file-size 500M " + folder);
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(skipped_names(flag.out), std::vector<std::string>{"huge.npy"});
  const auto text = testing_support::run_dtlint("scan --max-file-size 500M " + folder);
  EXPECT_NE(text.out.find("note DT204"), std::string::npos) << text.out;

  write(dir.path() / ".dtlint.yaml", "max_file_size: 1G\n");
  const auto configured = testing_support::run_dtlint("scan --format json " + folder);
  EXPECT_EQ(configured.exit_code, 0) << configured.err;
  EXPECT_EQ(skipped_names(configured.out), std::vector<std::string>{"huge.npy"});
  const Config config = load_config(dir.path() / ".dtlint.yaml");
  EXPECT_EQ(config.max_file_size, 1ull << 30);
  EXPECT_NE(render_config(config).find("max_file_size: 1073741824\n"), std::string::npos);
  write(dir.path() / "again.yaml", render_config(config));
  EXPECT_EQ(load_config(dir.path() / "again.yaml").max_file_size, 1ull << 30);

  const auto bad = testing_support::run_dtlint("scan --max-file-size 10X " + folder);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--max-file-size: expected a size in bytes"), std::string::npos) << bad.err;
  write(dir.path() / "bad.yaml", "max_file_size: -5\n");
  try {
    load_config(dir.path() / "bad.yaml");
    ADD_FAILURE() << "accepted max_file_size: -5";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "max_file_size");
    EXPECT_EQ(e.line(), 1);
  }
}

TEST(ProgressLine, NamesAFileThatTakesLong) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  const std::string file = "data/huge\x1b[2J.npy";  // escaped on the line: a name cannot drive the terminal
  {
    Progress progress(true, 2, out);
    progress.add_total(1000);
    const Progress::Reading reading = progress.reading(file);
    std::this_thread::sleep_for(Progress::kNameAfter + std::chrono::milliseconds(800));
  }
  std::rewind(out);
  std::string printed;
  for (int c; (c = std::fgetc(out)) != EOF;) printed += static_cast<char>(c);
  std::fclose(out);
  EXPECT_NE(printed.find(", reading data/huge\\x1b[2J.npy ("), std::string::npos) << printed;
  EXPECT_EQ(printed.find("\x1b[2J"), std::string::npos);
}

TEST(ProgressLine, SaysNothingOfFilesReadQuickly) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  const std::string file = "quick.npy";
  {
    Progress progress(true, 2, out);
    for (int i = 0; i < 10; ++i) {
      const Progress::Reading reading = progress.reading(file);  // short reads, all over before the line
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
  }
  std::rewind(out);
  std::string printed;
  for (int c; (c = std::fgetc(out)) != EOF;) printed += static_cast<char>(c);
  std::fclose(out);
  EXPECT_NE(printed.find("dtlint: "), std::string::npos);  // the line itself is printed after half a second
  EXPECT_EQ(printed.find("reading"), std::string::npos) << printed;
}

// ---------------------------------------------------------------------------
// Paths that name the file: invalid UTF-8, and deeper than PATH_MAX

bool valid_report(const nlohmann::json& report) {
  static const nlohmann::json schema_document = nlohmann::json::parse(
      testing_support::read_file(testing_support::kSourceDir + "/reports/schema/report-v1.schema.json"));
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_document);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::adapters::NlohmannJsonAdapter target(report);
  return validator.validate(schema, target, nullptr);
}

TEST(PathBytes, ANameThatIsNotUtf8KeepsItsExactBytesInTheJsonReport) {
  TempDir dir;
  // Expected base64 from Python's base64.b64encode of the same bytes.
  write(dir.path() / "bad\xff\xfe.npy", npy_bytes("<f8", "(2,)", doubles(2, 70000.0)));  // YmFk//4ubnB5
  write(dir.path() / "broken\xed\xa0\x80.npy", "not an array");             // YnJva2Vu7aCALm5weQ==
  ASSERT_EQ(::mkfifo((dir.path() / "fifo\xc0\xaf.npy").c_str(), 0600), 0);  // Zmlmb8CvLm5weQ==
  write(dir.path() / "good.npy", npy_bytes("<f8", "(2,)", doubles(2, 70000.0)));
  const auto run = testing_support::run_dtlint("scan --format json .", dir.path().string());
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_TRUE(valid_report(report));

  ASSERT_EQ(report["arrays"].size(), 2u);
  EXPECT_EQ(report["arrays"][0]["path"], "bad\uFFFD\uFFFD.npy");  // readable, but no longer the name
  EXPECT_EQ(report["arrays"][0]["path_bytes"], "YmFk//4ubnB5");   // the name
  EXPECT_EQ(report["arrays"][1]["path"], "good.npy");
  EXPECT_FALSE(report["arrays"][1].contains("path_bytes"));  // only where the path is not UTF-8
  std::size_t bad_findings = 0;
  for (const auto& finding : report["findings"]) {
    if (finding["path"] == "good.npy") {
      EXPECT_FALSE(finding.contains("path_bytes"));
      continue;
    }
    EXPECT_TRUE(finding.contains("path_bytes")) << finding.dump();
    if (finding["rule"] == "DT101") {
      ++bad_findings;
      EXPECT_EQ(finding["path_bytes"], "YmFk//4ubnB5");
    }
  }
  EXPECT_EQ(bad_findings, 1u);
  ASSERT_EQ(report["problems"].size(), 1u);
  EXPECT_EQ(report["problems"][0]["path_bytes"], "YnJva2Vu7aCALm5weQ==");
  ASSERT_EQ(report["skipped"].size(), 1u);
  EXPECT_EQ(report["skipped"][0]["path_bytes"], "Zmlmb8CvLm5weQ==");
}

// Removes a tree of any depth (std::filesystem::remove_all stops at PATH_MAX).
void remove_tree(int folder_fd, const char* name) {
  const int fd = ::openat(folder_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    DIR* folder = ::fdopendir(fd);
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(folder)) {
      const std::string child = entry->d_name;
      if (child != "." && child != "..") names.push_back(child);
    }
    for (const std::string& child : names) {
      if (::unlinkat(fd, child.c_str(), 0) != 0) remove_tree(fd, child.c_str());
    }
    ::closedir(folder);
  }
  ::unlinkat(folder_fd, name, AT_REMOVEDIR);
}

TEST(LongPaths, FilesBelowAPathLongerThanPathMaxAreRead) {
  TempDir dir;
  // 20 folders of 250 letters: the files below are more than 5000 bytes from the root.
  const std::string level(250, 'd');
  int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::string relative;
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(::mkdirat(fd, level.c_str(), 0700), 0);
    const int next = ::openat(fd, level.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(fd);
    ASSERT_GE(fd = next, 0);
    relative += level + "/";
  }
  const std::string array = npy_bytes("<f8", "(2,)", doubles(2, 70000.0));
  for (const char* name : {"deep.npy", "no_extension"}) {  // by name, and recognised by content
    const int file = ::openat(fd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(file, 0);
    ASSERT_EQ(::write(file, array.data(), array.size()), static_cast<ssize_t>(array.size()));
    ::close(file);
  }
  ::close(fd);
  ASSERT_GT(dir.path().string().size() + 1 + relative.size(), static_cast<std::size_t>(PATH_MAX));

  const auto run = testing_support::run_dtlint("scan --format json .", dir.path().string());
  EXPECT_EQ(run.exit_code, 1) << run.err;  // DT101 in both
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["problems"], nlohmann::json::array()) << report["problems"].dump();
  ASSERT_EQ(report["arrays"].size(), 2u);
  EXPECT_EQ(report["arrays"][0]["path"], relative + "deep.npy");
  EXPECT_EQ(report["arrays"][1]["path"], relative + "no_extension");
  EXPECT_EQ(report["arrays"][0]["source_stats"]["finite_max"], 70000.0);

  // Named by their long paths, relative and absolute, they are read too.
  const std::string deep = dir.path().string() + "/" + relative + "deep.npy";
  MappedFile::open(deep, "deep.npy");
  const std::vector<std::string> named{deep};
  ScanOptions options;
  options.requests = {default_request(DType::Float16)};
  const ScanResult result = scan_paths(named, options);
  EXPECT_TRUE(result.problems.empty()) << (result.problems.empty() ? "" : result.problems[0].message);
  EXPECT_EQ(result.arrays.size(), 1u);
  remove_tree(AT_FDCWD, (dir.path() / level).c_str());
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
