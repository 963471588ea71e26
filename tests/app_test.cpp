// The app library in-process: run_scan gives what the binary prints, byte for
// byte, in every format of the writer table; and the README's
// command-line block is held to `--help` and to the tables it lists.
#include "app/app.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "analyzer/kernels/semantics.h"
#include "analyzer/source/source_scan.h"
#include "reports/writers.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;
using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::TempDir;
using testing_support::WorkingDirectory;

TEST(App, InProcessScanEqualsTheBinaryInEveryFormat) {
  ASSERT_GE(report_writers().size(), 4u);
#ifdef DTLINT_CLANG_HELPER
  // The test program does not sit beside the helper as dtlint does.
  test_hooks::set_clang_helper(DTLINT_CLANG_HELPER);
#endif
  for (const ReportWriter& writer : report_writers()) {
    SCOPED_TRACE(std::string(writer.name));
    const auto binary = run_dtlint("scan examples --no-progress --format " + std::string(writer.name));
    ScanRequest request;
    request.paths = {"examples"};
    request.format = std::string(writer.name);
    WorkingDirectory here(kSourceDir);
    std::ostringstream out;
    const ScanOutcome outcome = run_scan(request, out);
    EXPECT_EQ(out.str(), binary.out);
    EXPECT_EQ(outcome.exit_code, binary.exit_code);
    EXPECT_EQ(outcome.exit_code, kExitFindings);  // the examples are meant to fail the gate
  }
  test_hooks::set_clang_helper({});
}

TEST(App, ExitCodeFollowsFailOn) {
  WorkingDirectory here(kSourceDir);
  std::ostringstream ignored;
  ScanRequest request;
  request.paths = {"examples/embeddings.npy"};  // notes only
  EXPECT_EQ(run_scan(request, ignored).exit_code, kExitClean);
  request.fail_on = "note";
  EXPECT_EQ(run_scan(request, ignored).exit_code, kExitFindings);
  request.fail_on = "never";
  request.paths = {"examples"};
  EXPECT_EQ(run_scan(request, ignored).exit_code, kExitClean);
}

TEST(App, UsageErrorsAreThrownNotPrinted) {
  WorkingDirectory here(kSourceDir);
  std::ostringstream ignored;
  ScanRequest request;
  request.paths = {"examples"};
  request.format = "xml";
  EXPECT_THROW(run_scan(request, ignored), UsageError);
  request.format = "text";
  request.targets = "float16,float17";
  EXPECT_THROW(run_scan(request, ignored), UsageError);
  request.targets.reset();
  request.config = "no/such/.dtlint.yaml";
  EXPECT_THROW(run_scan(request, ignored), UsageError);
  EXPECT_EQ(ignored.str(), "");  // refused before a report began
}

TEST(App, WriteBaselineRecordsTheFindingsAndPasses) {
  TempDir dir;
  WorkingDirectory here(kSourceDir);
  ScanRequest request;
  request.paths = {"examples"};
  request.write_baseline = dir / "baseline.json";
  std::ostringstream first, second;
  const ScanOutcome written = run_scan(request, first);
  EXPECT_EQ(written.exit_code, kExitClean);
  EXPECT_GT(written.summary.findings(), 0u);
  EXPECT_NE(written.notice.find("wrote " + std::to_string(written.summary.findings()) + " finding(s)"),
            std::string::npos)
      << written.notice;
  EXPECT_NE(written.notice.find("to the baseline"), std::string::npos) << written.notice;
  ASSERT_TRUE(fs::is_regular_file(request.write_baseline));
  request.baseline = request.write_baseline;
  request.write_baseline.clear();
  const ScanOutcome known = run_scan(request, second);
  EXPECT_EQ(known.exit_code, kExitClean);
  EXPECT_EQ(known.summary.findings(), 0u);
  ASSERT_TRUE(known.summary.baseline);
  EXPECT_EQ(known.summary.baseline->matched, written.summary.findings());
  EXPECT_EQ(known.summary.baseline->fixed, 0u);
  EXPECT_NE(second.str().find("No findings."), std::string::npos) << second.str();
}

// ------------------------------------------------------------ the README's CLI block

// The fenced block under "## Command line" in README.md.
std::string readme_cli_block() {
  const std::string readme = read_file(kSourceDir + "/README.md");
  const std::size_t section = readme.find("\n## Command line\n");
  if (section == std::string::npos) return "";
  const std::size_t open = readme.find("```\n", section);
  const std::size_t close = readme.find("\n```", open + 4);
  return readme.substr(open + 4, close - open - 4);
}

// The lines of the block that belong to `dtlint SUBCOMMAND` (its own line and the indented ones below).
std::string readme_lines_of(const std::string& subcommand) {
  std::istringstream in(readme_cli_block());
  std::string line, lines;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("dtlint "))
      inside = line.starts_with("dtlint " + subcommand + " ") || line == "dtlint " + subcommand;
    if (inside) lines += line + "\n";
  }
  return lines;
}

std::set<std::string> long_options(const std::string& text) {
  std::set<std::string> options;
  const std::regex option(R"((^|[\s,\[])(--[a-z][a-z0-9-]*))");
  for (std::sregex_iterator it(text.begin(), text.end(), option), end; it != end; ++it)
    options.insert((*it)[2]);
  options.erase("--help");
  return options;
}

TEST(ReadmeCli, EverySubcommandListsExactlyTheOptionsOfItsHelp) {
  ASSERT_FALSE(readme_cli_block().empty()) << "README.md has no '## Command line' block";
  for (const std::string subcommand : {"scan", "config", "rules", "explain"}) {
    SCOPED_TRACE(subcommand);
    const auto help = run_dtlint(subcommand + " --help");
    ASSERT_EQ(help.exit_code, 0) << help.err;
    const std::string readme = readme_lines_of(subcommand);
    ASSERT_FALSE(readme.empty()) << "the README's CLI block has no line for dtlint " << subcommand;
    EXPECT_EQ(long_options(readme), long_options(help.out)) << "README:\n"
                                                            << readme << "--help:\n"
                                                            << help.out;
  }
  // And no subcommand the binary does not know.
  std::istringstream in(readme_cli_block());
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("dtlint ") || line.starts_with("dtlint --version")) continue;
    const std::string subcommand = line.substr(7, line.find(' ', 7) - 7);
    EXPECT_EQ(run_dtlint(subcommand + " --help").exit_code, 0) << line;
  }
}

// "--format a|b|c" in the README: the choices after the option.
std::vector<std::string> readme_choices(const std::string& option) {
  const std::string block = readme_cli_block();
  const std::size_t at = block.find("    " + option + " ");
  if (at == std::string::npos) return {};
  std::istringstream words(block.substr(at + 4 + option.size() + 1));
  std::string word;
  words >> word;
  std::vector<std::string> choices;
  std::istringstream parts(word);
  for (std::string part; std::getline(parts, part, '|');) choices.push_back(part);
  return choices;
}

TEST(ReadmeCli, ChoicesComeFromTheTables) {
  std::vector<std::string> formats;
  for (const ReportWriter& writer : report_writers()) formats.emplace_back(writer.name);
  EXPECT_EQ(readme_choices("--format"), formats);
  std::vector<std::string> semantics;
  for (Semantics s : kAllSemantics) semantics.emplace_back(to_string(s));
  EXPECT_EQ(readme_choices("--semantics"), semantics);
  EXPECT_EQ(readme_choices("--fail-on"), (std::vector<std::string>{"error", "warning", "note", "never"}));
  // --help offers the same format names, in the same order.
  const auto help = run_dtlint("scan --help");
  std::string joined;
  for (const std::string& f : formats) joined += (joined.empty() ? "" : ",") + f;
  EXPECT_NE(help.out.find("--format,--output-format TEXT:{" + joined + "}"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace dtlint
