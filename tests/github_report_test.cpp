// The GitHub Actions format: one workflow command per finding, escaped as
// GitHub's toolkit escapes them.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/source/source_scan.h"
#include "reports/github_report.h"
#include "rules/evaluate.h"
#include "rules/registry.h"
#include "test_support.h"

namespace dtlint {
namespace {

using testing_support::kSourceDir;

Finding finding(std::string_view code, std::string path, std::string message) {
  Finding f;
  f.rule = find_rule(code);
  f.severity = f.rule->default_severity();
  f.location.path = std::move(path);
  f.message = std::move(message);
  return f;
}

TEST(GithubReport, OneCommandPerFindingByLevel) {
  Report report;
  report.findings.push_back(
      finding("DT101", "/repo/data/x.npy", "5 of 3000 values overflow to ±inf in float64→float16"));
  Finding member = finding("DT104", "/repo/data/y.npz", "2 of 4 values underflow to zero in float64→float16");
  member.location.member = "weights.npy";
  member.first_index = std::vector<std::uint64_t>{1, 2};
  member.first_value = 3;
  member.first_value_is_integer = true;
  report.findings.push_back(member);
  Finding positioned = finding("DT111", "/repo/.dtlint.yaml", "casts differ");
  positioned.location.line = 12;
  positioned.location.column = 3;
  report.findings.push_back(positioned);
  Finding outside = finding("E901", "/elsewhere/z.npy", "cannot read /elsewhere/z.npy: truncated");
  report.findings.push_back(outside);

  EXPECT_EQ(render_github(report, "/repo"),
            "::error file=data/x.npy,line=1,title=DT101 cast-overflow::"
            "5 of 3000 values overflow to ±inf in float64→float16\n"
            "::warning file=data/y.npz,line=1,title=DT104 underflow-to-zero::"
            "member 'weights.npy': 2 of 4 values underflow to zero in float64→float16; first at [1, 2] = 3\n"
            "::notice file=.dtlint.yaml,line=12,col=3,title=DT111 cast-path-divergence::casts differ\n"
            "::error file=/elsewhere/z.npy,line=1,title=E901 unreadable-input::"
            "cannot read /elsewhere/z.npy: truncated\n");
  EXPECT_EQ(render_github(Report{}, "/repo"), "");
}

TEST(GithubReport, EscapesAsTheToolkitDoes) {
  Report report;
  Finding f = finding("DT101", "/repo/odd,dir/a:b%c\nd.npy", "50% of\r\nvalues: bad, really::");
  f.severity = Severity::Warning;  // the level in force, not the rule's default
  report.findings.push_back(f);
  // Properties escape ':' and ',' as well; the message keeps them.
  EXPECT_EQ(render_github(report, "/repo"),
            "::warning file=odd%2Cdir/a%3Ab%25c%0Ad.npy,line=1,title=DT101 cast-overflow::"
            "50%25 of%0D%0Avalues: bad, really::\n");
}

TEST(GithubReport, RealScanGivesOneWellFormedLinePerFinding) {
  ScanOptions options;
  for (DType t : {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32}) {
    options.requests.push_back(default_request(t));
  }
  Report report;
#ifdef DTLINT_CLANG_HELPER
  test_hooks::set_clang_helper(DTLINT_CLANG_HELPER);  // the C/C++ example's findings have a line and a column
#endif
  report.scan = scan_paths(std::vector<std::string>{kSourceDir + "/examples"}, options);
  test_hooks::set_clang_helper({});
  report.findings = evaluate(report.scan, Semantics::NumPy);
  ASSERT_FALSE(report.findings.empty());
  std::istringstream text(render_github(report, kSourceDir));
  const std::regex command(
      "^::(error|warning|notice) "
      "file=examples/([a-z_-]+/"
      ")?[a-z0-9_.-]+\\.(npy|onnx|bin|h5|gguf|safetensors|cc),line=[0-9]+(,col=[0-9]+)?,"
      "title=[A-Z]+[0-9]+ "
      "[a-z-]+::[^\r\n]+$");
  std::size_t lines = 0;
  for (std::string line; std::getline(text, line); ++lines) {
    EXPECT_TRUE(std::regex_match(line, command)) << line;
    if (lines < report.findings.size()) {
      EXPECT_NE(line.find(report.findings[lines].rule->code()), std::string::npos) << line;
    }
  }
  EXPECT_EQ(lines, report.findings.size());
}

// A PL finding: the config file at its line and column, the data in the message.
TEST(GithubReport, PipelineFindingsPointAtTheConfigLine) {
  Report report;
  Finding f = finding("PL301", "/repo/.dtlint.yaml", "pipeline entry 'pixels': 3 values overflow");
  f.location.line = 7;
  f.location.column = 5;
  f.related = Location("data/a.npz", "pixels");
  f.identity = "data/a.npz:pixels -> float16";
  report.findings.push_back(f);
  EXPECT_EQ(render_github(report, "/repo"),
            "::error file=.dtlint.yaml,line=7,col=5,title=PL301 declared-cast-unsafe::"
            "pipeline entry 'pixels': 3 values overflow (data: data/a.npz:pixels)\n");

  // At an ONNX node: the message quotes the node and names the tensor, so neither is repeated.
  Report node_report;
  Finding node =
      finding("PL301", "/repo/model.onnx", "Cast node 'cast_3' casts 'model.onnx:w' to float16: DT101");
  node.location.member = "cast_3";
  node.related = Location("model.onnx", "w");
  node_report.findings.push_back(node);
  Finding unnamed = node;
  unnamed.location.member = "(Cast 7)";
  unnamed.message = "Cast node #7 (output 'y') casts 'model.onnx:w' to float16: DT101";
  node_report.findings.push_back(unnamed);
  EXPECT_EQ(render_github(node_report, "/repo"),
            "::error file=model.onnx,line=1,title=PL301 declared-cast-unsafe::"
            "Cast node 'cast_3' casts 'model.onnx:w' to float16: DT101\n"
            "::error file=model.onnx,line=1,title=PL301 declared-cast-unsafe::"
            "member '(Cast 7)': Cast node #7 (output 'y') casts 'model.onnx:w' to float16: DT101\n");
}

}  // namespace
}  // namespace dtlint
