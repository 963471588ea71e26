// dtlint-clang on its own: the frames it writes for small units, held to what
// the C++ rules say the conversions are (types, constants as written, where
// the compiler points), and how it fails.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/source/cast_site.h"
#include "analyzer/source/protocol.h"
#include "tests/test_support.h"

namespace {

using namespace dtlint;
using namespace dtlint::clang_protocol;
using dtlint::testing_support::TempDir;

struct SiteFrame {
  std::string file;
  std::uint32_t line = 0, column = 0, end_line = 0, end_column = 0;
  std::string macro;
  CastSiteKind kind = CastSiteKind::Implicit;
  std::string source, target;
  std::uint8_t source_dtype = kNoDType, target_dtype = kNoDType;
  Semantics semantics = Semantics::NumPy;
  ConstantKind constant = ConstantKind::None;
  long double float_value = 0;
  std::int64_t integer_value = 0;
  std::string operand;
};

struct HelperRun {
  std::vector<char> types;  // the frame types in order
  std::vector<SiteFrame> sites;
  std::uint32_t errors = 0;
  std::string first_error, fatal;
  std::vector<std::string> files;
  std::uint64_t end_count = 0;
};

class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}
  bool done() const { return at_ >= bytes_.size(); }
  std::uint64_t number(int size) {
    if (at_ + static_cast<std::size_t>(size) > bytes_.size()) throw std::runtime_error("short frame");
    std::uint64_t value = 0;
    for (int i = 0; i < size; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(bytes_[at_ + static_cast<std::size_t>(i)])}
               << (8 * i);
    }
    at_ += static_cast<std::size_t>(size);
    return value;
  }
  std::string text() {
    const std::size_t size = static_cast<std::size_t>(number(4));
    if (at_ + size > bytes_.size()) throw std::runtime_error("short text");
    std::string value = bytes_.substr(at_, size);
    at_ += size;
    return value;
  }

 private:
  const std::string& bytes_;
  std::size_t at_ = 0;
};

HelperRun decode(const std::string& output) {
  HelperRun run;
  Reader frames(output);
  while (!frames.done()) {
    const char type = static_cast<char>(frames.number(1));
    const std::size_t size = static_cast<std::size_t>(frames.number(4));
    EXPECT_LE(size, kMaxPayload);
    std::string payload;
    for (std::size_t i = 0; i < size; ++i) payload.push_back(static_cast<char>(frames.number(1)));
    Reader in(payload);
    run.types.push_back(type);
    if (type == static_cast<char>(Frame::Hello)) {
      EXPECT_EQ(in.text(), kHello);
    } else if (type == static_cast<char>(Frame::Site)) {
      SiteFrame site;
      site.file = in.text();
      site.line = static_cast<std::uint32_t>(in.number(4));
      site.column = static_cast<std::uint32_t>(in.number(4));
      site.end_line = static_cast<std::uint32_t>(in.number(4));
      site.end_column = static_cast<std::uint32_t>(in.number(4));
      site.macro = in.text();
      site.kind = static_cast<CastSiteKind>(in.number(1));
      site.source = in.text();
      site.source_dtype = static_cast<std::uint8_t>(in.number(1));
      site.target = in.text();
      site.target_dtype = static_cast<std::uint8_t>(in.number(1));
      site.semantics = static_cast<Semantics>(in.number(1));
      site.constant = static_cast<ConstantKind>(in.number(1));
      if (site.constant == ConstantKind::Float) {
        unsigned char x87[sizeof(long double)] = {};
        const std::uint64_t significand = in.number(8);
        const std::uint64_t sign_exponent = in.number(2);
        std::memcpy(x87, &significand, 8);
        std::memcpy(x87 + 8, &sign_exponent, 2);
        std::memcpy(&site.float_value, x87, sizeof x87);
      } else if (site.constant != ConstantKind::None) {
        site.integer_value = static_cast<std::int64_t>(in.number(8));
      }
      if (site.constant != ConstantKind::None) site.operand = in.text();
      run.sites.push_back(site);
    } else if (type == static_cast<char>(Frame::Unit)) {
      run.errors = static_cast<std::uint32_t>(in.number(4));
      run.first_error = in.text();
      const std::uint64_t count = in.number(4);
      for (std::uint64_t i = 0; i < count; ++i) run.files.push_back(in.text());
    } else if (type == static_cast<char>(Frame::End)) {
      run.end_count = in.number(8);
    } else if (type == static_cast<char>(Frame::Fatal)) {
      run.fatal = in.text();
    }
  }
  return run;
}

HelperRun run_helper(const std::string& directory, const std::string& file, const std::string& root,
                     const std::string& command) {
  const std::string line = "'" + std::string(DTLINT_CLANG_HELPER) + "' --file '" + file + "' --directory '" +
                           directory + "' --root '" + root + "' --memory-mb 2048 --seconds 60 -- " + command;
  FILE* pipe = ::popen(line.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  std::string output;
  char buffer[65536];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, got);
  ::pclose(pipe);
  return decode(output);
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The 1-based byte column of `needle` on line `line` (1-based) of `text`.
std::uint32_t column_of(const std::string& text, std::uint32_t line, const std::string& needle) {
  std::size_t start = 0;
  for (std::uint32_t i = 1; i < line; ++i) start = text.find('\n', start) + 1;
  const std::size_t end = text.find('\n', start);
  const std::size_t at = text.substr(start, end - start).find(needle);
  return at == std::string::npos ? 0 : static_cast<std::uint32_t>(at + 1);
}

const SiteFrame* site_at(const HelperRun& run, std::uint32_t line) {
  for (const SiteFrame& site : run.sites) {
    if (site.line == line) return &site;
  }
  return nullptr;
}

std::uint8_t code(DType dtype) {
  return static_cast<std::uint8_t>(dtype);
}

TEST(ClangHelper, ReportsTheConversionsOfAUnitWithTheirConstants) {
  TempDir tmp;
  const std::string source =
      "#include <cstdint>\n"                                                     // 1
      "#include \"inc/limits.h\"\n"                                              // 2
      "#include \"inc/limits.h\"\n"                                              // 3
      "#define TO_FLOAT(x) static_cast<float>(x)\n"                              // 4
      "template <class T> float shrink(T t) { return t; }\n"                     // 5
      "int f(double d, float g) {\n"                                             // 6
      "  float a = d;\n"                                                         // 7
      "  int8_t c = 300;\n"                                                      // 8
      "  float e = 16777217;\n"                                                  // 9
      "  auto s = sizeof((float)d);\n"                                           // 10
      "  float m = TO_FLOAT(d);\n"                                               // 11
      "  int i = g;\n"                                                           // 12
      "  double wide = g;\n"                                                     // 13
      "  float t = shrink(1.0) + shrink(2.0) + shrink(3);\n"                     // 14
      "  return a + c + e + static_cast<int>(s) + m + i + wide + t + kLimit;\n"  // 15
      "}\n";
  std::filesystem::create_directories(tmp.path() / "inc");
  write(tmp / "inc/limits.h", "#pragma once\ninline float kLimit = 0.1;\n");
  write(tmp / "a.cpp", source);
  const HelperRun run =
      run_helper(tmp.path().string(), tmp / "a.cpp", tmp.path().string(), "c++ -std=c++17 -c a.cpp -o a.o");
  ASSERT_EQ(run.fatal, "");
  ASSERT_GE(run.types.size(), 3u);
  EXPECT_EQ(run.types.front(), 'H');
  EXPECT_EQ(run.types.back(), 'Z');
  EXPECT_EQ(run.end_count, run.sites.size());
  EXPECT_EQ(run.errors, 0u) << run.first_error;

  const SiteFrame* narrowing = site_at(run, 7);  // double -> float, no constant
  ASSERT_NE(narrowing, nullptr);
  EXPECT_EQ(narrowing->file, tmp / "a.cpp");
  EXPECT_EQ(narrowing->column, column_of(source, 7, "d;"));
  EXPECT_EQ(narrowing->kind, CastSiteKind::Implicit);
  EXPECT_EQ(narrowing->source, "double");
  EXPECT_EQ(narrowing->target, "float");
  EXPECT_EQ(narrowing->source_dtype, code(DType::Float64));
  EXPECT_EQ(narrowing->target_dtype, code(DType::Float32));
  EXPECT_EQ(narrowing->constant, ConstantKind::None);

  const SiteFrame* int8 = site_at(run, 8);  // the constant 300 into int8_t, its typedef kept
  ASSERT_NE(int8, nullptr);
  EXPECT_EQ(int8->target, "int8_t");
  EXPECT_EQ(int8->target_dtype, code(DType::Int8));
  EXPECT_EQ(int8->constant, ConstantKind::Signed);
  EXPECT_EQ(int8->integer_value, 300);
  EXPECT_EQ(int8->operand, "300");
  EXPECT_EQ(int8->column, column_of(source, 8, "300"));
  EXPECT_EQ(int8->end_column, column_of(source, 8, "300") + 3);  // just past the token

  const SiteFrame* exact = site_at(run, 9);  // int 16777217 -> float: 2^24 + 1
  ASSERT_NE(exact, nullptr);
  EXPECT_EQ(exact->source_dtype, code(DType::Int32));
  EXPECT_EQ(exact->integer_value, 16777217);

  EXPECT_EQ(site_at(run, 10), nullptr);  // sizeof converts nothing

  const SiteFrame* macro = site_at(run, 11);  // the macro's use, named
  ASSERT_NE(macro, nullptr);
  EXPECT_EQ(macro->kind, CastSiteKind::Explicit);
  EXPECT_EQ(macro->macro, "TO_FLOAT");
  EXPECT_EQ(macro->column, column_of(source, 11, "TO_FLOAT"));
  EXPECT_EQ(macro->end_column, column_of(source, 11, "TO_FLOAT(d)") + 11);  // the use's closing parenthesis

  const SiteFrame* truncation = site_at(run, 12);
  ASSERT_NE(truncation, nullptr);
  EXPECT_EQ(truncation->target_dtype, code(DType::Int32));
  EXPECT_EQ(site_at(run, 13), nullptr);  // widening

  // The template's instantiations for double give one site; for int none
  // (not a constant there).
  int in_template = 0;
  for (const SiteFrame& site : run.sites) in_template += site.line == 5 ? 1 : 0;
  EXPECT_EQ(in_template, 1);

  // The header read twice: its one conversion once; it is listed as read.
  int in_header = 0;
  for (const SiteFrame& site : run.sites) {
    if (site.file == tmp / "inc/limits.h") {
      ++in_header;
      EXPECT_EQ(site.source_dtype, code(DType::Float64));
      EXPECT_EQ(site.constant, ConstantKind::Float);
      EXPECT_EQ(site.float_value, static_cast<long double>(0.1));  // the double nearest 0.1, exactly
    }
  }
  EXPECT_EQ(in_header, 1);
  EXPECT_EQ(run.files, (std::vector<std::string>{tmp / "a.cpp", tmp / "inc/limits.h"}));
}

TEST(ClangHelper, EigenTypesFollowTensorflowAndKeepTheirValues) {
  TempDir tmp;
  const std::string source =
      "#include <Eigen/Core>\n"                           // 1
      "Eigen::half big() { return Eigen::half(1e5); }\n"  // 2
      "auto narrow(const Eigen::MatrixXd& m) {\n"         // 3
      "  return m.cast<Eigen::half>();\n"                 // 4
      "}\n";
  write(tmp / "e.cpp", source);
  const HelperRun run = run_helper(tmp.path().string(), tmp / "e.cpp", tmp.path().string(),
                                   "clang++ -std=c++17 -isystem /usr/include/eigen3 e.cpp");
  ASSERT_EQ(run.fatal, "");
  EXPECT_EQ(run.errors, 0u) << run.first_error;
  ASSERT_EQ(run.sites.size(), 2u);  // nothing from Eigen's own headers
  const SiteFrame& construction = run.sites[0];
  EXPECT_EQ(construction.line, 2u);
  EXPECT_EQ(construction.column, column_of(source, 2, "Eigen::half(1e5)"));
  EXPECT_EQ(construction.kind, CastSiteKind::Explicit);
  EXPECT_EQ(construction.source, "double");  // Eigen::half's constructor template takes the double
  EXPECT_EQ(construction.target, "Eigen::half");
  EXPECT_EQ(construction.target_dtype, code(DType::Float16));
  EXPECT_EQ(construction.semantics, Semantics::TensorFlow);
  EXPECT_EQ(construction.float_value, 1e5L);
  EXPECT_EQ(construction.operand, "1e5");
  const SiteFrame& cast = run.sites[1];
  EXPECT_EQ(cast.kind, CastSiteKind::EigenCast);
  EXPECT_EQ(cast.line, 4u);
  EXPECT_EQ(cast.column, column_of(source, 4, "cast"));
  EXPECT_EQ(cast.source_dtype, code(DType::Float64));  // MatrixXd's Scalar
  EXPECT_EQ(cast.target, "Eigen::half");
  EXPECT_EQ(cast.semantics, Semantics::TensorFlow);
}

TEST(ClangHelper, AMissingIncludeIsCountedAndTheRestStillMatched) {
  TempDir tmp;
  write(tmp / "m.cpp",
        "#include \"absent.h\"\n"
        "template <class T> float shrink(T t) { return t; }\n"
        "float use(double d) { return shrink(d); }\n");
  const HelperRun run = run_helper(tmp.path().string(), tmp / "m.cpp", tmp.path().string(), "c++ m.cpp");
  ASSERT_EQ(run.fatal, "");
  EXPECT_GE(run.errors, 1u);
  EXPECT_NE(run.first_error.find("absent.h"), std::string::npos) << run.first_error;
  ASSERT_EQ(run.sites.size(), 1u);  // the template is still instantiated
  EXPECT_EQ(run.sites[0].line, 2u);
}

TEST(ClangHelper, FilesOutsideTheRootsAreNotReported) {
  TempDir tmp;
  std::filesystem::create_directories(tmp.path() / "src");
  std::filesystem::create_directories(tmp.path() / "third_party");
  write(tmp / "third_party/lib.h", "inline float lib(double d) { return d; }\n");
  write(tmp / "src/a.cpp", "#include \"../third_party/lib.h\"\nfloat own(double d) { return d; }\n");
  const HelperRun run = run_helper(tmp.path().string(), tmp / "src/a.cpp", tmp / "src",
                                   "c++ -fgcc-only-option-clang-lacks src/a.cpp");
  ASSERT_EQ(run.fatal, "");
  EXPECT_EQ(run.errors, 0u) << run.first_error;  // the unknown option was dropped
  ASSERT_EQ(run.sites.size(), 1u);
  EXPECT_EQ(run.sites[0].file, tmp / "src/a.cpp");
  EXPECT_EQ(run.files, std::vector<std::string>{tmp / "src/a.cpp"});
}

TEST(ClangHelper, AUnitThatCannotBeParsedIsFatal) {
  TempDir tmp;
  const HelperRun run =
      run_helper(tmp.path().string(), tmp / "gone.cpp", tmp.path().string(), "c++ gone.cpp");
  EXPECT_EQ(run.types, (std::vector<char>{'H', 'X'}));
  EXPECT_NE(run.fatal.find("gone.cpp"), std::string::npos) << run.fatal;
}

}  // namespace
