// The CX rules on C/C++ sources, held to expectations written inline in the
// case files (tests/source/cases), in clang-tidy's style:
//   code;  // CHECK: CX403 :14 "inf"          (rule, optional :column, optional "fragment")
//   // CHECK+1: CX402 :12 "TO_HALF"           (for the next line, e.g. one holding a macro)
// Several CHECKs may share a line, and a CHECK may give several fragments. The scan through the CLI must
// report exactly that set: nothing missing, nothing extra. A fragment that is a number (or inf) is matched by
// value against the numbers in the message; any other fragment is matched as text. Case file directives: `//
// FLAGS: ...` (added to the file's compile command), `// REQUIRES-CLANG: N` (skipped when the helper's Clang
// is older or unknown).
//
// The values that CX403/CX404 CHECKs claim are also held to what the real
// compiler computes: g++ compiles the value case files into this binary (with
// the real Eigen for Eigen's types), and the test compares each constant with
// its CHECK and with dtlint's message.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "tensorflow/core/framework/numeric_types.h"
#include "test_support.h"

// The value case files, compiled here by the same compiler as the tests. Their
// narrowing conversions are the point, so the warnings about them are off.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wfloat-conversion"
#pragma GCC diagnostic ignored "-Woverflow"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wshadow"
// _Float16 arithmetic: g++ 12 on x86-64 has it, Clang 14 there does not.
#if defined(__FLT16_MAX__) && !defined(__clang__)
#define DTLINT_HAVE_FLOAT16 1
namespace builtin_values {
#include "source/cases/values_builtin.cpp"
}  // namespace builtin_values
#endif
namespace eigen_values {
#include "source/cases/values_eigen.cpp"
}  // namespace eigen_values
namespace macro_values {
#include "source/cases/macros.cpp"
}  // namespace macro_values
#pragma GCC diagnostic pop

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;

const fs::path kCasesDir = fs::path(kSourceDir) / "tests" / "source" / "cases";
const fs::path kIncludeDir = fs::path(kSourceDir) / "tests" / "source" / "include";
const std::string kEigenDir = "/usr/include/eigen3";

// ---------------------------------------------------------------------------
// Numbers in text.

// A number as written: its value, and how many significant digits it was
// written with (0 for ±inf).
struct WrittenNumber {
  long double value = 0;
  int significant_digits = 0;
};

std::optional<WrittenNumber> parse_number(const std::string& text) {
  static const std::regex number(R"(^(-|\+|±)?(inf|infinity|∞|(\d+)(\.(\d*))?([eE][-+]?\d+)?)$)");
  std::smatch m;
  if (!std::regex_match(text, m, number)) return std::nullopt;
  const bool negative = m[1] == "-";
  if (m[3].length() == 0) {
    return WrittenNumber{negative ? -HUGE_VALL : HUGE_VALL, 0};
  }
  std::string digits = m[3].str() + m[5].str();
  const auto first = digits.find_first_not_of('0');
  int significant = first == std::string::npos ? 1 : static_cast<int>(digits.size() - first);
  // Trailing zeros of an integer ("16777216", "4096") are significant here:
  // they are how the value is written exactly.
  std::string plain = m[0].str();
  if (plain.rfind("±", 0) == 0) plain = plain.substr(std::string("±").size());
  return WrittenNumber{std::strtold(plain.c_str(), nullptr), significant};
}

// Whether `written` states `value`: equal after rounding `value` to the digits written.
bool states(const WrittenNumber& written, long double value) {
  if (written.significant_digits == 0) {
    return std::isinf(value) && std::signbit(value) == std::signbit(written.value);
  }
  if (!std::isfinite(value)) return false;
  if (written.value == 0 || value == 0) return written.value == value;  // -0 states 0
  // Long double has 21 significant digits at most: more are not written.
  const int precision = std::clamp(written.significant_digits - 1, 0, 24);
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "%.*Le", precision, value);
  char again[128];
  std::snprintf(again, sizeof again, "%.*Le", precision, written.value);
  return std::string(buffer) == again;
}

// The numbers written in a message (not the digits inside names such as float16 or CX403).
std::vector<WrittenNumber> numbers_in(const std::string& message) {
  static const std::regex token(
      R"((^|[^\w.])([-+]?(±)?(infinity|inf|\d+(\.\d*)?([eE][-+]?\d+)?)|[-+]?∞)(?!\w))");
  std::vector<WrittenNumber> found;
  for (auto it = std::sregex_iterator(message.begin(), message.end(), token); it != std::sregex_iterator();
       ++it) {
    if (auto number = parse_number((*it)[2].str())) found.push_back(*number);
  }
  return found;
}

bool message_states(const std::string& message, long double value) {
  for (const WrittenNumber& n : numbers_in(message)) {
    if (states(n, value)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// CHECK comments.

struct Expectation {
  std::string file;  // the case file's name relative to its folder
  int line = 0;
  std::string rule;
  std::optional<int> column;
  std::vector<std::string> fragments;  // each must be in the message
};

std::string describe(const Expectation& e) {
  std::ostringstream out;
  out << e.file << ":" << e.line;
  if (e.column) out << ":" << *e.column;
  out << " " << e.rule;
  for (const std::string& fragment : e.fragments) out << " \"" << fragment << "\"";
  return out.str();
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(testing_support::read_file(path.string()));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<Expectation> expectations_in(const fs::path& path, const std::string& name) {
  static const std::regex check(R"(CHECK(\+1)?:\s*(CX\d{3})(\s+:(\d+))?((\s+\"[^\"]*\")*))");
  static const std::regex quoted(R"(\"([^\"]*)\")");
  std::vector<Expectation> found;
  const std::vector<std::string> lines = lines_of(path);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (auto it = std::sregex_iterator(lines[i].begin(), lines[i].end(), check);
         it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      Expectation e;
      e.file = name;
      e.line = static_cast<int>(i) + 1 + (m[1].matched ? 1 : 0);
      e.rule = m[2].str();
      if (m[4].matched) e.column = std::stoi(m[4].str());
      const std::string fragments = m[5].str();
      for (auto q = std::sregex_iterator(fragments.begin(), fragments.end(), quoted);
           q != std::sregex_iterator(); ++q) {
        e.fragments.push_back((*q)[1].str());
      }
      found.push_back(e);
    }
  }
  return found;
}

std::string directive(const fs::path& path, const std::string& name) {
  for (const std::string& line : lines_of(path)) {
    const std::string prefix = "// " + name + ": ";
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return "";
}

// Whether the helper's Clang can parse the file (REQUIRES-CLANG).
bool supported(const fs::path& path) {
  const std::string required = directive(path, "REQUIRES-CLANG");
  if (required.empty()) return true;
#ifdef DTLINT_HELPER_CLANG_MAJOR
  return DTLINT_HELPER_CLANG_MAJOR >= std::stoi(required);
#else
  return false;
#endif
}

// ---------------------------------------------------------------------------
// Findings.

struct Reported {
  std::string file;  // relative to the scanned folder
  int line = 0, column = 0;
  std::string rule, message;
};

std::string describe(const Reported& r) {
  return r.file + ":" + std::to_string(r.line) + ":" + std::to_string(r.column) + " " + r.rule + " \"" +
         r.message + "\"";
}

bool fragment_matches(const std::string& fragment, const std::string& message) {
  if (const auto number = parse_number(fragment)) {
    return message_states(message, number->value);
  }
  return message.find(fragment) != std::string::npos;
}

bool matches(const Expectation& e, const Reported& r) {
  return e.file == r.file && e.line == r.line && e.rule == r.rule && (!e.column || *e.column == r.column) &&
         std::all_of(e.fragments.begin(), e.fragments.end(),
                     [&](const std::string& fragment) { return fragment_matches(fragment, r.message); });
}

// Holds `reported` to exactly `expected` (one finding per expectation).
testing::AssertionResult same_set(const std::vector<Expectation>& expected,
                                  const std::vector<Reported>& reported) {
  std::vector<bool> used(reported.size(), false);
  std::vector<Expectation> missing;
  for (const Expectation& e : expected) {
    bool found = false;
    for (std::size_t i = 0; i < reported.size() && !found; ++i) {
      if (!used[i] && matches(e, reported[i])) used[i] = found = true;
    }
    if (!found) missing.push_back(e);
  }
  std::vector<Reported> extra;
  for (std::size_t i = 0; i < reported.size(); ++i) {
    if (!used[i]) extra.push_back(reported[i]);
  }
  if (missing.empty() && extra.empty()) return testing::AssertionSuccess();
  auto failure = testing::AssertionFailure();
  failure << "expected (" << expected.size() << "):\n";
  for (const Expectation& e : expected) failure << "  " << describe(e) << "\n";
  failure << "reported (" << reported.size() << "):\n";
  for (const Reported& r : reported) failure << "  " << describe(r) << "\n";
  failure << "missing:\n";
  for (const Expectation& e : missing) failure << "  " << describe(e) << "\n";
  failure << "extra:\n";
  for (const Reported& r : extra) failure << "  " << describe(r) << "\n";
  return failure;
}

// The CX findings of a JSON report, with paths relative to `root` (as given on the command line).
std::vector<Reported> cx_findings(const nlohmann::json& report, const std::string& root) {
  std::vector<Reported> found;
  for (const nlohmann::json& f : report.at("findings")) {
    const std::string rule = f.at("rule").get<std::string>();
    if (rule.rfind("CX", 0) != 0) continue;
    std::string path = f.at("path").get<std::string>();
    if (path.rfind(root + "/", 0) == 0) path = path.substr(root.size() + 1);
    Reported r;
    r.file = path;
    r.rule = rule;
    r.message = f.at("message").get<std::string>();
    r.line = f.at("line").is_number() ? f.at("line").get<int>() : 0;
    r.column = f.at("column").is_number() ? f.at("column").get<int>() : 0;
    found.push_back(r);
  }
  return found;
}

// ---------------------------------------------------------------------------
// The case files, their compile database and one scan of them all (a header's
// findings are reported under the scanned paths only, so the files are
// scanned together).

bool is_unit(const fs::path& path) {
  return path.extension() == ".cpp" || path.extension() == ".c";
}

std::vector<std::string> case_files() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCasesDir)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".cpp" || ext == ".c" || ext == ".h" || ext == ".hpp")
      names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

nlohmann::json compile_command(const fs::path& file, const fs::path& directory,
                               const std::vector<std::string>& include_dirs) {
  const bool c = file.extension() == ".c";
  std::vector<std::string> arguments = {c ? "/usr/bin/cc" : "/usr/bin/c++", c ? "-std=c11" : "-std=c++17"};
  for (const std::string& dir : include_dirs) {
    arguments.push_back("-I");
    arguments.push_back(dir);
  }
  arguments.push_back("-isystem");
  arguments.push_back(kEigenDir);
  std::istringstream flags(directive(file, "FLAGS"));
  for (std::string flag; flags >> flag;) arguments.push_back(flag);
  arguments.push_back("-c");
  arguments.push_back(file.string());
  return {{"directory", directory.string()}, {"file", file.string()}, {"arguments", arguments}};
}

struct CasesScan {
  int exit_code = -1;
  std::string err;
  nlohmann::json report;
  std::vector<Reported> findings;
};

const CasesScan& cases_scan() {
  static const CasesScan scan = [] {
    CasesScan result;
    static testing_support::TempDir database;
    nlohmann::json commands = nlohmann::json::array();
    std::string paths;
    for (const std::string& name : case_files()) {
      const fs::path file = kCasesDir / name;
      if (!supported(file)) continue;
      if (is_unit(file)) commands.push_back(compile_command(file, kSourceDir, {kIncludeDir.string()}));
      paths += " 'tests/source/cases/" + name + "'";
    }
    testing_support::write_text(database.path() / "compile_commands.json", commands.dump(2));
    const auto run = testing_support::run_dtlint("scan" + paths + " -p '" + database.path().string() +
                                                 "' --format json --fail-on never --no-progress");
    result.exit_code = run.exit_code;
    result.err = run.err;
    try {
      result.report = nlohmann::json::parse(run.out);
      result.findings = cx_findings(result.report, "tests/source/cases");
    } catch (const std::exception& error) {
      result.err += std::string("\n(report not JSON: ") + error.what() + ")\n" + run.out;
    }
    return result;
  }();
  return scan;
}

// Skips the calling test when this build has no C/C++ front end (DTLINT_CLANG=OFF or no Clang found).
#ifdef DTLINT_HELPER_CLANG_MAJOR
#define DTLINT_NEEDS_CLANG_HELPER() (void)0
#else
#define DTLINT_NEEDS_CLANG_HELPER() GTEST_SKIP() << "dtlint-clang is not built"
#endif

class SourceCase : public testing::TestWithParam<std::string> {};

TEST_P(SourceCase, ReportsExactlyTheInlineChecks) {
  DTLINT_NEEDS_CLANG_HELPER();
  const std::string name = GetParam();
  const fs::path file = kCasesDir / name;
  if (!supported(file)) {
    GTEST_SKIP() << name << " needs the helper built with Clang " << directive(file, "REQUIRES-CLANG")
                 << " or later";
  }
  const CasesScan& scan = cases_scan();
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  ASSERT_TRUE(scan.report.is_object()) << scan.err;
  std::vector<Reported> here;
  for (const Reported& r : scan.findings) {
    if (r.file == name) here.push_back(r);
  }
  EXPECT_TRUE(same_set(expectations_in(file, name), here));
}

INSTANTIATE_TEST_SUITE_P(Cases, SourceCase, testing::ValuesIn(case_files()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string id = param.param;
                           for (char& ch : id) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return id;
                         });

// Every CX finding lies in a case file: none from the stand-in or third-party
// headers reached through -I, none from Eigen or the system's headers.
TEST(SourceCases, NothingOutsideTheCaseFiles) {
  DTLINT_NEEDS_CLANG_HELPER();
  const CasesScan& scan = cases_scan();
  ASSERT_TRUE(scan.report.is_object()) << scan.err;
  const std::vector<std::string> names = case_files();
  for (const Reported& r : scan.findings) {
    EXPECT_NE(std::find(names.begin(), names.end(), r.file), names.end()) << describe(r);
  }
}

// The parser of CHECK lines and of numbers in messages, on known text: a
// broken parser would make the set comparison above meaningless.
TEST(SourceCases, ChecksAndNumbersParse) {
  testing_support::TempDir dir;
  testing_support::write_text(dir / "a.cpp",
                              "int x = 1;  // CHECK: CX403 :9 \"44\" \"int8_t\" CHECK: CX401\n"
                              "// CHECK+1: CX402 :3 \"TO_HALF\"\n"
                              "TO_HALF(x);\n");
  const auto e = expectations_in(dir / "a.cpp", "a.cpp");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(describe(e[0]), "a.cpp:1:9 CX403 \"44\" \"int8_t\"");
  EXPECT_EQ(describe(e[1]), "a.cpp:1 CX401");
  EXPECT_EQ(describe(e[2]), "a.cpp:3:3 CX402 \"TO_HALF\"");
  EXPECT_TRUE(message_states("300 becomes 44 in int8_t", 44));
  EXPECT_FALSE(message_states("300 becomes 45 in int8_t (float16)", 16));
  EXPECT_TRUE(message_states("16777217 becomes 16777216 in float", 16777216));
  EXPECT_FALSE(message_states("16777217 becomes 1.6777217e7 in float", 16777216));
  EXPECT_TRUE(message_states("becomes 1.0132789611816406e-06", 17.0L / 16777216.0L));
  EXPECT_TRUE(message_states("overflows to -inf", -HUGE_VALL));
  EXPECT_FALSE(message_states("overflows to -inf", HUGE_VALL));
  EXPECT_TRUE(message_states("overflows to ±inf", HUGE_VALL));
  EXPECT_FALSE(message_states("CX403 in float16", 16));
  EXPECT_TRUE(fragment_matches("2048", "Eigen::half(2049.0) is 2048"));
  EXPECT_FALSE(fragment_matches("2048", "Eigen::half(2049.0) is 2050"));
  EXPECT_TRUE(fragment_matches("TO_HALF", "in macro TO_HALF"));
  EXPECT_FALSE(message_states("see the information", HUGE_VALL));
  EXPECT_TRUE(message_states("becomes 0.", 0));
}

// ---------------------------------------------------------------------------
// The values the compiler computes.

template <typename T>
long double as_number(T value) {
  if constexpr (std::is_same_v<T, Eigen::half> || std::is_same_v<T, Eigen::bfloat16>) {
    return static_cast<long double>(static_cast<float>(value));  // exact: both widen exactly to float
  } else {
    return static_cast<long double>(value);
  }
}

struct CompiledValue {
  std::string file;  // the case file declaring it
  std::string name;  // the constant
  long double value;
};

#define DTLINT_VALUE(file, space, name) \
  CompiledValue {                       \
    file, #name, as_number(space::name) \
  }

std::vector<CompiledValue> compiled_values() {
  return {
#ifdef DTLINT_HAVE_FLOAT16
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kFloatOverflow),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kFloatNegativeOverflow),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kHalfOverflow),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kExplicitOverflow),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kWrappedByte),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kWrappedNegativeByte),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kWrappedUnsignedByte),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kWrappedShort),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kMinusTwo),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kNotExactInFloat),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kLargeIdInFloat),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kInt64InFloat),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kInt64InDouble),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kNotExactInHalf),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kHalfTiny),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kHalfSubnormal),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kHalfDoubleRounding),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kTruncated),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kNegativeTruncated),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kJustInRange),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kNegativeFractionToUnsigned),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kFromConstexpr),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kFromEnumerator),
      DTLINT_VALUE("values_builtin.cpp", builtin_values, kFromLargeEnumerator),
#endif
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfOverflow),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfNegativeOverflow),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfDirect),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfNotExact),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfTiny),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfDoubleRounding),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenBfloatOverflow),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenBfloatNotExact),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kTensorflowBfloatNotExact),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfFromConstexpr),
      DTLINT_VALUE("values_eigen.cpp", eigen_values, kEigenHalfFromEnumerator),
      DTLINT_VALUE("macros.cpp", macro_values, kHugeHalf),
      DTLINT_VALUE("macros.cpp", macro_values, kHugeValue),
  };
}

// The line declaring `name` in a case file (0 when none).
int declaring_line(const std::string& file, const std::string& name) {
  const std::regex declaration("\\b" + name + "\\s*(=|\\(|\\{)");
  const std::vector<std::string> lines = lines_of(kCasesDir / file);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (std::regex_search(lines[i], declaration)) return static_cast<int>(i) + 1;
  }
  return 0;
}

// The value a CX403/CX404 expectation claims: its fragment that is a number.
std::optional<WrittenNumber> claimed_value(const Expectation& e) {
  if (e.rule != "CX403" && e.rule != "CX404") return std::nullopt;
  for (const std::string& fragment : e.fragments) {
    if (auto number = parse_number(fragment)) return number;
  }
  return std::nullopt;
}

// The CX403/CX404 expectation on a constant's line that claims a value.
std::optional<Expectation> value_check(const std::string& file, int line) {
  for (const Expectation& e : expectations_in(kCasesDir / file, file)) {
    if (e.line == line && claimed_value(e)) {
      return e;
    }
  }
  return std::nullopt;
}

// Each value a CHECK claims is the value g++ (and Eigen) compute.
TEST(SourceValues, ChecksStateWhatTheCompilerComputes) {
  const auto values = compiled_values();
#ifndef DTLINT_HAVE_FLOAT16
  std::cerr
      << "note: this compiler has no _Float16 arithmetic: values_builtin.cpp's values are not checked\n";
#endif
  for (const CompiledValue& v : values) {
    const int line = declaring_line(v.file, v.name);
    const auto check = value_check(v.file, line);
    if (line == 0 || !check) {
      ADD_FAILURE() << v.file << ":" << line << ": " << v.name << " has no CX403/CX404 CHECK with a value";
      continue;
    }
    const auto written = claimed_value(*check);
    EXPECT_TRUE(states(*written, v.value))
        << describe(*check) << ": the compiled program gives " << static_cast<double>(v.value);
  }
}

// No CHECK claims a value the test does not compute: every CX403/CX404 CHECK
// with a number is on the line of a constant in the table above.
TEST(SourceValues, EveryClaimedValueIsComputed) {
  const auto values = compiled_values();
  std::set<std::pair<std::string, int>> covered;
  for (const CompiledValue& v : values) covered.insert({v.file, declaring_line(v.file, v.name)});
  for (const std::string& name : case_files()) {
    for (const Expectation& e : expectations_in(kCasesDir / name, name)) {
      if (claimed_value(e)) {
#ifndef DTLINT_HAVE_FLOAT16
        if (name == "values_builtin.cpp") continue;
#endif
        EXPECT_TRUE(covered.count({e.file, e.line}))
            << describe(e) << " claims a value no compiled constant checks";
      }
    }
  }
}

// dtlint's message for each constant states the compiled value.
TEST(SourceValues, MessagesStateWhatTheCompilerComputes) {
  DTLINT_NEEDS_CLANG_HELPER();
  const CasesScan& scan = cases_scan();
  ASSERT_TRUE(scan.report.is_object()) << scan.err;
  for (const CompiledValue& v : compiled_values()) {
    const int line = declaring_line(v.file, v.name);
    const auto check = value_check(v.file, line);
    ASSERT_TRUE(check) << v.name;
    bool found = false;
    for (const Reported& r : scan.findings) {
      if (r.file == v.file && r.line == check->line && r.rule == check->rule) {
        found = true;
        EXPECT_TRUE(message_states(r.message, v.value))
            << describe(r) << ": the compiled program gives " << static_cast<double>(v.value);
      }
    }
    EXPECT_TRUE(found) << describe(*check) << ": no such finding";
  }
}

// ---------------------------------------------------------------------------
// A CMake project: configured for its compile database, scanned with -p.

const fs::path kProjectDir = fs::path(kSourceDir) / "tests" / "source" / "project";

std::vector<Expectation> project_expectations() {
  std::vector<Expectation> all;
  for (const std::string name : {"include/project/scale.h", "src/first.cpp", "src/second.cpp"}) {
    const auto found = expectations_in(kProjectDir / name, name);
    all.insert(all.end(), found.begin(), found.end());
  }
  return all;
}

TEST(SourceProject, CompileDatabaseFromCMake) {
  DTLINT_NEEDS_CLANG_HELPER();
  testing_support::TempDir build;
  const std::string configure = std::string("'") + DTLINT_CMAKE_COMMAND + "' -S '" + kProjectDir.string() +
                                "' -B '" + build.path().string() +
                                "' -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_CXX_COMPILER=/usr/bin/c++ "
                                ">'" +
                                (build / "configure.log") + "' 2>&1";
  ASSERT_EQ(std::system(configure.c_str()), 0) << testing_support::read_file(build / "configure.log");
  ASSERT_TRUE(fs::exists(build.path() / "compile_commands.json"));

  const std::string root = "tests/source/project";
  std::string reports[2];
  for (int threads = 1; threads <= 2; ++threads) {
    const auto run = testing_support::run_dtlint("scan " + root + " -p '" + build.path().string() +
                                                 "' --format json --fail-on never --no-progress --threads " +
                                                 std::to_string(threads));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    reports[threads - 1] = run.out;
    nlohmann::json report;
    ASSERT_NO_THROW(report = nlohmann::json::parse(run.out)) << run.out;
    // Exactly the CHECKs: the header's finding once though two units include
    // it, nothing from the third-party header.
    EXPECT_TRUE(same_set(project_expectations(), cx_findings(report, root))) << "--threads " << threads;
  }
  EXPECT_EQ(reports[0], reports[1]) << "the JSON differs between --threads 1 and 2";
}

}  // namespace
}  // namespace dtlint
