// The scanner's side of C/C++ sources: the frames of dtlint-clang decoded on
// crafted bytes, the helper's failures (a fake helper that crashes, hangs or
// writes garbage), a missing helper, and a scan with the real helper when it is built.
#include "analyzer/source/source_scan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "analyzer/input_error.h"
#include "analyzer/source/protocol.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using namespace clang_protocol;
using testing_support::TempDir;
using testing_support::write_text;

std::string le(std::uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}
std::string text(std::string_view value) {
  return le(value.size(), 4) + std::string(value);
}
std::string frame(Frame type, const std::string& payload) {
  return std::string(1, static_cast<char>(type)) + le(payload.size(), 4) + payload;
}
std::string hello() {
  return frame(Frame::Hello, text(kHello));
}

struct SiteBytes {
  std::string file = "/src/a.cpp";
  std::uint32_t line = 3, column = 13;
  std::uint8_t kind = 1;
  std::uint8_t source_dtype = static_cast<std::uint8_t>(DType::Float64);
  std::uint8_t target_dtype = static_cast<std::uint8_t>(DType::Float32);
  std::uint8_t semantics = 0;
  std::uint8_t constant = 0;
  std::string constant_bytes;

  std::string payload() const {
    std::string out = text(file) + le(line, 4) + le(column, 4) + le(line, 4) + le(column + 4, 4) + text("") +
                      le(kind, 1) + text("double") + le(source_dtype, 1) + text("float") +
                      le(target_dtype, 1) + le(semantics, 1) + le(constant, 1);
    if (constant != 0) out += constant_bytes + text("1e40");
    return out;
  }
};

std::string float_constant(long double value) {
  std::uint64_t significand = 0;
  std::uint16_t sign_exponent = 0;
  std::memcpy(&significand, &value, 8);
  std::memcpy(&sign_exponent, reinterpret_cast<const char*>(&value) + 8, 2);
  return le(significand, 8) + le(sign_exponent, 2);
}

std::string unit_frame(std::uint32_t errors = 0, std::vector<std::string> files = {"/src/a.cpp"}) {
  std::string payload =
      le(errors, 4) + text(errors ? "'Eigen/Core' file not found" : "") + le(files.size(), 4);
  for (const std::string& file : files) payload += text(file);
  return frame(Frame::Unit, payload);
}

std::string good_answer() {
  SiteBytes constant;
  constant.constant = 1;
  constant.constant_bytes = float_constant(1e40L);
  return hello() + frame(Frame::Site, SiteBytes{}.payload()) + frame(Frame::Site, constant.payload()) +
         unit_frame() + frame(Frame::End, le(2, 8));
}

ClangUnitAnswer parse(const std::string& bytes) {
  return parse_clang_answer(std::as_bytes(std::span(bytes.data(), bytes.size())), "a.cpp");
}

std::string parse_failure(const std::string& bytes) {
  try {
    parse(bytes);
  } catch (const InputError& error) {
    EXPECT_EQ(error.path(), "a.cpp");
    return error.reason();
  }
  return "no error";
}

TEST(ClangFrames, AGoodAnswer) {
  const ClangUnitAnswer answer = parse(good_answer());
  ASSERT_EQ(answer.sites.size(), 2u);
  const CastSite& site = answer.sites[0];
  EXPECT_EQ(site.location.path, "/src/a.cpp");
  EXPECT_EQ(site.location.line, 3);
  EXPECT_EQ(site.location.column, 13);
  EXPECT_EQ(site.location.end_column, 17);
  EXPECT_EQ(site.kind, CastSiteKind::Implicit);
  EXPECT_EQ(site.source.spelling, "double");
  EXPECT_EQ(site.source.dtype, DType::Float64);
  EXPECT_EQ(site.target.dtype, DType::Float32);
  EXPECT_FALSE(site.constant);
  ASSERT_TRUE(answer.sites[1].constant);
  EXPECT_EQ(answer.sites[1].constant->value, 1e40L);
  EXPECT_EQ(answer.sites[1].constant->spelling, "1e40");
  EXPECT_EQ(answer.files_read, std::vector<std::string>{"/src/a.cpp"});
  EXPECT_EQ(answer.compiler_errors, 0u);
  EXPECT_FALSE(answer.fatal);
}

TEST(ClangFrames, EveryTruncationIsMalformed) {
  const std::string bytes = good_answer();
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::string reason = parse_failure(bytes.substr(0, size));
    EXPECT_TRUE(reason.starts_with("the C/C++ front end (dtlint-clang) wrote a malformed answer: "))
        << size << reason;
  }
  EXPECT_EQ(parse_failure(bytes + "x"),
            "the C/C++ front end (dtlint-clang) wrote a malformed answer: more bytes after its end");
}

TEST(ClangFrames, BadFieldsAreMalformed) {
  const auto with_site = [](const SiteBytes& site) {
    return hello() + frame(Frame::Site, site.payload()) + unit_frame() + frame(Frame::End, le(1, 8));
  };
  const auto reason = [](const std::string& bytes) {
    const std::string full = parse_failure(bytes);
    const std::string prefix = "the C/C++ front end (dtlint-clang) wrote a malformed answer: ";
    return full.starts_with(prefix) ? full.substr(prefix.size()) : full;
  };
  SiteBytes site;
  site.kind = 5;
  EXPECT_EQ(reason(with_site(site)), "a site of an unknown kind");
  site = {};
  site.kind = 0;
  EXPECT_EQ(reason(with_site(site)), "a site of an unknown kind");
  site = {};
  site.source_dtype = 0x40;
  EXPECT_EQ(reason(with_site(site)), "a site's source dtype is no dtype");
  site = {};
  site.semantics = 3;
  EXPECT_EQ(reason(with_site(site)), "a site of unknown semantics");
  site = {};
  site.constant = 4;
  EXPECT_EQ(reason(with_site(site)), "a constant of an unknown kind");
  site = {};
  site.file = "relative.cpp";
  EXPECT_EQ(reason(with_site(site)), "a site's file is not absolute");
  site = {};
  site.line = 0;
  EXPECT_EQ(reason(with_site(site)), "a site without a line");
  site = {};
  site.constant = 1;
  site.constant_bytes = le(0x4000000000000000u, 8) + le(0x3fff, 2);  // integer bit clear: an unnormal
  EXPECT_EQ(reason(with_site(site)), "a constant that is no x87 value (an unnormal)");
  // A text longer than its frame; a frame longer than the protocol allows.
  EXPECT_EQ(reason(hello() + frame(Frame::Site, le(1000, 4) + "/a")), "a site's file has a bad length");
  EXPECT_EQ(
      reason(hello() + "S" + le(kMaxPayload + 1, 4)),
      "a frame of " + std::to_string(kMaxPayload + 1) + " bytes, more than " + std::to_string(kMaxPayload));
  EXPECT_EQ(reason(hello() + frame(Frame::Unit, le(0, 4) + text("") + le(0xffffffffu, 4))),
            "more files than the frame holds");
  // Order and counts.
  EXPECT_EQ(reason(hello() + unit_frame() + frame(Frame::Site, SiteBytes{}.payload())),
            "a site after the unit frame");
  EXPECT_EQ(reason(hello() + frame(Frame::End, le(0, 8))), "an end without a unit frame");
  EXPECT_EQ(reason(hello() + unit_frame() + frame(Frame::End, le(3, 8))),
            "an end that counts other sites than were sent");
  EXPECT_EQ(reason(hello() + frame(static_cast<Frame>('Q'), "")), "a frame of an unknown type (0x51)");
  EXPECT_EQ(reason(frame(Frame::Hello, text("dtlint-clang 0"))),
            "it does not start with the greeting of this dtlint's helper");
}

// The fuzzer's seeds (tests/fuzz/make_seeds_clang_frames.py) are good answers.
TEST(ClangFrames, TheFuzzSeedsParse) {
  const std::string folder = std::string(DTLINT_SOURCE_DIR) + "/tests/fuzz/corpus/clang_frames/";
  const ClangUnitAnswer sites = parse(testing_support::read_file(folder + "sites"));
  ASSERT_EQ(sites.sites.size(), 5u);
  EXPECT_EQ(sites.sites[0].constant->value, 16777217.0L);
  EXPECT_EQ(sites.sites[2].constant->value, 2049.0L);
  EXPECT_EQ(sites.sites[2].semantics, Semantics::TensorFlow);
  EXPECT_EQ(sites.sites[4].source.dtype, std::nullopt);
  EXPECT_EQ(parse(testing_support::read_file(folder + "errors")).compiler_errors, 2u);
  EXPECT_TRUE(parse(testing_support::read_file(folder + "fatal")).fatal);
}

TEST(ClangFrames, FatalGivesTheReason) {
  const ClangUnitAnswer answer = parse(hello() + frame(Frame::Fatal, text("error: no such file\n")));
  ASSERT_TRUE(answer.fatal);
  EXPECT_EQ(*answer.fatal, "error: no such file\\x0a");
}

// ---- scans with a fake or the real helper ------------------------------------

class HelperHook {
 public:
  explicit HelperHook(const fs::path& helper) { test_hooks::set_clang_helper(helper); }
  ~HelperHook() { test_hooks::set_clang_helper({}); }
  HelperHook(const HelperHook&) = delete;
  HelperHook& operator=(const HelperHook&) = delete;
};

fs::path fake_helper(const TempDir& dir, const std::string& body) {
  const fs::path script = dir.path() / "fake-clang";
  std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

SourceScanResult scan_folder(const TempDir& dir, const std::vector<std::string>& files,
                             SourceScanOptions options = {}) {
  const testing_support::WorkingDirectory here(dir.path());
  const std::vector<std::string> scanned{"src"};
  return scan_sources(files, scanned, options);
}

TEST(SourceScan, AHelperThatCrashesIsAnE901AndTheScanGoesOn) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "int main() {}\n");
  write_text(dir / "src/b.cpp", "int f() { return 0; }\n");
  // Crashes on a.cpp only; answers for b.cpp with no sites.
  write_text(dir / "answer", hello() + unit_frame(0, {}) + frame(Frame::End, le(0, 8)));
  const HelperHook hook(
      fake_helper(dir, "case \"$2\" in *a.cpp) kill -SEGV $$;; esac\nexec cat '" + (dir / "answer") + "'"));
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp", "src/b.cpp"});
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].location.path, "src/a.cpp");
  EXPECT_EQ(result.problems[0].message,
            "the C/C++ front end (dtlint-clang) was killed by signal 11 while parsing src/a.cpp");
  EXPECT_EQ(result.units, 2u);
  EXPECT_TRUE(result.sites.empty());
  ASSERT_EQ(result.notices.size(), 1u);
  EXPECT_EQ(
      result.notices[0],
      "dtlint: 2 C/C++ files are not in a compilation database (no compile_commands.json found): parsed with "
      "-std=c++17 defaults; pass -p BUILD_DIR");
}

TEST(SourceScan, AHelperThatHangsIsStoppedAtItsDeadline) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "int main() {}\n");
  const HelperHook hook(fake_helper(dir, "exec sleep 30"));
  SourceScanOptions options;
  options.deadline = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp"}, options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].message,
            "the C/C++ front end (dtlint-clang) did not finish within 300 ms while parsing src/a.cpp (it was "
            "stopped)");
}

TEST(SourceScan, AHelperThatWritesGarbageIsMalformed) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "int main() {}\n");
  const HelperHook hook(fake_helper(dir, "echo garbage; exit 0"));
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp"});
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].message,
            "the C/C++ front end (dtlint-clang) wrote a malformed answer while parsing src/a.cpp: its answer "
            "ends early");
}

TEST(SourceScan, AHelperThatFailsSaysItsExitStatus) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "int main() {}\n");
  const HelperHook hook(fake_helper(dir, "exit 7"));
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp"});
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].message,
            "the C/C++ front end (dtlint-clang) stopped (exit status 7) while parsing src/a.cpp: its answer "
            "ends early");
}

// A broken compile_commands.json is an E901 naming it and why; its files are parsed with the defaults.
TEST(SourceScan, ABrokenDatabaseIsAnE901AndTheDefaultsApply) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "int main() {}\n");
  write_text(dir / "src/build/compile_commands.json", "[{\"directory\": 3}]");
  write_text(dir / "answer", hello() + unit_frame(0, {}) + frame(Frame::End, le(0, 8)));
  const HelperHook hook(fake_helper(dir, "exec cat '" + (dir / "answer") + "'"));
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp"});
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].location.path, "src/build/compile_commands.json");
  EXPECT_EQ(result.problems[0].message,
            "cannot read the compilation database: entry 0 has no \"directory\" string");
  ASSERT_EQ(result.notices.size(), 1u);
  EXPECT_EQ(
      result.notices[0],
      "dtlint: 1 C/C++ file is not in a compilation database (src/build/compile_commands.json cannot be "
      "read): parsed with -std=c++17 defaults; pass -p BUILD_DIR");
}

// A report never overwrites a C/C++ file the scan reads, nor the database -p names.
TEST(SourceScan, TheOutputMayNotNameAnInput) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "int main() {}\n");
  write_text(dir / "build/compile_commands.json", "[]");
  const auto source = testing_support::run_dtlint("scan src --output src/a.cpp", dir.path().string());
  EXPECT_EQ(source.exit_code, 2) << source.err;
  EXPECT_EQ(testing_support::read_file(dir / "src/a.cpp"), "int main() {}\n");
  const auto database = testing_support::run_dtlint("scan src -p build --output build/compile_commands.json",
                                                    dir.path().string());
  EXPECT_EQ(database.exit_code, 2) << database.err;
  EXPECT_EQ(testing_support::read_file(dir / "build/compile_commands.json"), "[]");
}

TEST(SourceScan, WithoutTheHelperEachFileIsANote) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "int main() {}\n");
  write_text(dir / "src/a.h", "\n");
  const HelperHook hook(dir.path() / "not-built");
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp", "src/a.h"});
  ASSERT_EQ(result.skipped.size(), 2u);
  EXPECT_EQ(result.skipped[1].location.path, "src/a.h");
  EXPECT_TRUE(result.skipped[0].reason.starts_with(
      "C/C++ sources are not parsed: the Clang front end (dtlint-clang) is not installed"));
  EXPECT_NE(result.skipped[0].reason.find("libclang-14-dev libclang-cpp14-dev llvm-14-dev"),
            std::string::npos);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(result.units, 0u);
}

#ifdef DTLINT_CLANG_HELPER
class RealHelper : public testing::Test {
 protected:
  void SetUp() override { test_hooks::set_clang_helper(DTLINT_CLANG_HELPER); }
  void TearDown() override { test_hooks::set_clang_helper({}); }
};

// A project with a header included by two units: its site is reported once,
// at the path under the scanned folder, with its line, constant and simulation.
TEST_F(RealHelper, SitesAreMappedDeduplicatedAndSimulated) {
  TempDir dir;
  write_text(dir / "src/shared.h",
             "#pragma once\n// a header\ninline float shared() { float f = 16777217; return f; }\n");
  write_text(dir / "src/a.cpp", "#include \"shared.h\"\n#include <cstdint>\nstd::int8_t c = 300;\n");
  write_text(dir / "src/b.cpp", "#include \"shared.h\"\nfloat g(double d) { return d; }\n");
  write_text(dir / "src/alone.h", "inline float alone(double d) { return d; }\n");
  const std::vector<std::string> files{"src/a.cpp", "src/alone.h", "src/b.cpp", "src/shared.h"};
  SourceScanOptions one;
  one.threads = 1;
  const SourceScanResult result = scan_folder(dir, files, one);
  ASSERT_TRUE(result.problems.empty()) << result.problems[0].message;
  EXPECT_EQ(result.units, 3u);  // shared.h was read by a.cpp and b.cpp; alone.h is parsed alone
  std::vector<std::string> where;
  for (const CastSite& site : result.sites)
    where.push_back(site.location.path + ":" + std::to_string(*site.location.line) + ":" +
                    std::string(name(site.source.dtype.value_or(DType::Object))) + "->" +
                    std::string(name(site.target.dtype.value_or(DType::Object))));
  EXPECT_EQ(where,
            (std::vector<std::string>{"src/a.cpp:3:int32->int8", "src/alone.h:1:float64->float32",
                                      "src/b.cpp:2:float64->float32", "src/shared.h:3:int32->float32"}))
      << testing::PrintToString(where);
  for (const CastSite& site : result.sites) {
    if (site.location.path == "src/shared.h") {
      EXPECT_EQ(site.line_text, "inline float shared() { float f = 16777217; return f; }");
      EXPECT_EQ(site.previous_line_text, "// a header");
      ASSERT_TRUE(site.simulated);
      const volatile int value = 16777217;
      EXPECT_EQ(site.simulated->result, static_cast<long double>(static_cast<float>(value)));
    }
    if (site.location.path == "src/a.cpp") {
      ASSERT_TRUE(site.simulated);
      const volatile int value = 300;
      EXPECT_EQ(site.simulated->result, static_cast<long double>(static_cast<std::int8_t>(value)));
    }
  }
  SourceScanOptions two;
  two.threads = 2;
  const SourceScanResult again = scan_folder(dir, files, two);
  ASSERT_EQ(again.sites.size(), result.sites.size());
  for (std::size_t i = 0; i < result.sites.size(); ++i) {
    EXPECT_EQ(again.sites[i].location, result.sites[i].location);
    EXPECT_EQ(again.sites[i].line_text, result.sites[i].line_text);
  }
}

TEST_F(RealHelper, CompilerErrorsAreANote) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "#include <no/such/header.h>\nfloat f = 1.0;\n");
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp"});
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(
      result.skipped[0].reason,
      "parsed with 1 compiler error (first: src/a.cpp:1:10: 'no/such/header.h' file not found): casts in it "
      "may be missing");
}

// The CLI end to end: the same JSON whatever --threads, the defaults' notice on stderr, -p checked.
TEST_F(RealHelper, TheCliScansSourcesTheSameWithOneOrTwoThreads) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "float f = 16777217;\nfloat g(double d) { return d; }\n");
  write_text(dir / "src/b.cpp", "double h(float x) { return x; }\nfloat k(double d) { return d; }\n");
  const auto one = testing_support::run_dtlint("scan src --format json --threads 1", dir.path().string());
  const auto two = testing_support::run_dtlint("scan src --format json --threads 2", dir.path().string());
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.err.find("dtlint: 2 C/C++ files are not in a compilation database"), std::string::npos)
      << one.err;
  const auto bad = testing_support::run_dtlint("scan src -p nowhere", dir.path().string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("-p: 'nowhere'"), std::string::npos) << bad.err;
  const auto files = testing_support::run_dtlint("scan src --show-files", dir.path().string());
  EXPECT_NE(files.out.find("src/a.cpp  C/C++ source (no compile_commands.json found: defaults)"),
            std::string::npos)
      << files.out;
}
// A baseline knows a C/C++ finding by its line's text: lines added above it, or
// a re-indented line, leave it known; a changed line makes it new. Comments
// and the configuration's `ignore` entries hide findings.
TEST_F(RealHelper, BaselinesAndSuppressionsFollowTheLinesText) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "float g(double d) { return d; }\nint n(double d) { return d; }\n");
  const auto recorded =
      testing_support::run_dtlint("scan src --write-baseline base.json", dir.path().string());
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  write_text(
      dir / "src/a.cpp",
      "// two lines\n// added above\nfloat g(double d) {  return d; }\nint n(double d) { return d; }\n");
  const auto known = testing_support::run_dtlint(
      "scan src --baseline base.json --format json --fail-on warning", dir.path().string());
  EXPECT_EQ(known.exit_code, 0) << known.out;
  write_text(dir / "src/a.cpp", "float g(double d) { return d * 2; }\nint n(double d) { return d; }\n");
  const auto changed = testing_support::run_dtlint(
      "scan src --baseline base.json --format json --fail-on warning", dir.path().string());
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.out.find("\"CX401\""), std::string::npos) << changed.out;
  EXPECT_EQ(changed.out.find("\"CX405\""), std::string::npos) << changed.out;

  write_text(dir / "src/a.cpp",
             "// dtlint: ignore[CX401]\nfloat g(double d) { return d; }\nint n(double d) { return d; }\n");
  write_text(dir / ".dtlint.yaml",
             "ignore:\n  - path: src/a.cpp\n    rules: [CX405]\n    reason: reviewed\n");
  const auto hidden = testing_support::run_dtlint("scan src --fail-on note", dir.path().string());
  EXPECT_EQ(hidden.exit_code, 0) << hidden.out;
  EXPECT_NE(hidden.out.find("1 suppressed"), std::string::npos) << hidden.out;
}

// A unit in the database is parsed with its command (here a -D the code needs), and no notice.
TEST_F(RealHelper, TheDatabaseGivesTheCommand) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "#ifndef FROM_DATABASE\n#error no command\n#endif\nfloat f = 16777217;\n");
  write_text(dir / "build/compile_commands.json",
             R"([{"directory": ")" + (dir / "build") +
                 R"(", "file": "../src/a.cpp", "command": "c++ -std=c++20 )"
                 R"(-DFROM_DATABASE=1 -c ../src/a.cpp -o a.o"}])");
  const auto files = testing_support::run_dtlint("scan . --show-files", dir.path().string());
  EXPECT_NE(files.out.find("src/a.cpp  C/C++ source (compile command from build/compile_commands.json)"),
            std::string::npos)
      << files.out;
  const auto scan = testing_support::run_dtlint("scan src -p build --format json", dir.path().string());
  EXPECT_EQ(scan.err, "");
  EXPECT_EQ(scan.out.find("compiler error"), std::string::npos) << scan.out;
  const testing_support::WorkingDirectory here(dir.path());
  const std::vector<std::string> files_scanned{"src/a.cpp"}, scanned{"src"};
  SourceScanOptions options;
  options.build_dir = "build";
  const SourceScanResult result = scan_sources(files_scanned, scanned, options);
  EXPECT_TRUE(result.skipped.empty()) << result.skipped[0].reason;
  ASSERT_EQ(result.sites.size(), 1u);
  EXPECT_EQ(result.sites[0].location.line, 4);
  EXPECT_TRUE(result.notices.empty());
}
// Line texts are bounded (4 KiB), without the line end, from the file as it is.
TEST_F(RealHelper, LineTextsAreBounded) {
  TempDir dir;
  write_text(dir / "src/a.cpp", "// " + std::string(5000, 'x') + "\r\nfloat f = 0.1;\r\n");
  const SourceScanResult result = scan_folder(dir, {"src/a.cpp"});
  ASSERT_EQ(result.sites.size(), 1u);
  EXPECT_EQ(result.sites[0].line_text, "float f = 0.1;");
  EXPECT_EQ(result.sites[0].previous_line_text, "// " + std::string(4093, 'x'));
}
#else
TEST(RealHelper, Skipped) {
  GTEST_SKIP()
      << "dtlint-clang is not built (no Clang development packages): the real helper's tests do not run";
}
#endif

}  // namespace
}  // namespace dtlint
