// docs/rules/ is generated from the rule catalogue: the committed pages must be
// exactly what write_rule_docs produces, and every page must be complete.
#include "reports/rule_docs.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;
using testing_support::read_file;
using testing_support::TempDir;

constexpr std::string_view kRegenerate =
    "run `build/dtlint rules --markdown docs/rules` from the source folder and commit the result";

std::set<std::string> entry_names(const fs::path& folder) {
  std::set<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

std::string listed(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

TEST(RuleDocs, CommittedDocsAreUpToDate) {
  TempDir generated;
  write_rule_docs(generated.path());
  const fs::path committed = fs::path(kSourceDir) / "docs" / "rules";
  ASSERT_TRUE(fs::is_directory(committed)) << committed.string() << " does not exist; " << kRegenerate;

  const std::set<std::string> expected = entry_names(generated.path());
  std::set<std::string> missing, differing, stale;
  for (const std::string& name : expected) {
    if (!fs::is_regular_file(committed / name)) {
      missing.insert(name);
    } else if (read_file((committed / name).string()) != read_file(generated / name)) {
      differing.insert(name);
    }
  }
  for (const std::string& name : entry_names(committed)) {
    if (!expected.contains(name)) stale.insert(name);
  }
  EXPECT_TRUE(missing.empty() && differing.empty())
      << "docs/rules is out of date with the rule registry (missing: " << listed(missing)
      << "; differing: " << listed(differing) << "); " << kRegenerate;
  EXPECT_TRUE(stale.empty()) << "docs/rules holds files that no rule generates: " << listed(stale)
                             << "; delete them, then " << kRegenerate;
}

TEST(RuleDocs, EveryRulePageHasItsFiveSections) {
  constexpr std::array<std::string_view, 5> kSections{"What it does", "Why is this bad", "Example",
                                                      "How to fix", "Options"};
  for (const Rule* rule : rule_registry()) {
    SCOPED_TRACE(std::string(rule->code()));
    const std::string page = render_rule_markdown(*rule);
    EXPECT_TRUE(page.starts_with("# " + std::string(rule->code()) + ": " + std::string(rule->name()) + "\n"));
    EXPECT_NE(page.find("Default severity: `" + std::string(to_string(rule->default_severity())) + "`"),
              std::string::npos);
    std::size_t previous = 0;
    for (const std::string_view title : kSections) {
      const std::string heading = "\n## " + std::string(title) + "\n";
      const std::size_t at = page.find(heading);
      ASSERT_NE(at, std::string::npos) << "no section '" << title << "'";
      EXPECT_GT(at, previous) << "section '" << title << "' is out of order";
      previous = at;
      const std::size_t body = at + heading.size();
      const std::size_t end = std::min(page.find("\n## ", body), page.find("\n---\n", body));
      EXPECT_NE(page.substr(body, end - body).find_first_not_of(" \n"), std::string::npos)
          << "section '" << title << "' is empty";
    }
    EXPECT_NE(page.find("`rules/checks/`"), std::string::npos);
    EXPECT_NE(page.find("`dtlint rules --markdown docs/rules`"), std::string::npos);
  }
}

TEST(RuleDocs, LinksResolveAndTheIndexListsEveryRule) {
  TempDir dir;
  write_rule_docs(dir.path());
  const std::regex link(R"(\]\(([^)]*)\))");
  std::set<std::string> index_targets;
  for (const std::string& name : entry_names(dir.path())) {
    const std::string page = read_file(dir / name);
    for (std::sregex_iterator it(page.begin(), page.end(), link), end; it != end; ++it) {
      const std::string target = (*it)[1];
      EXPECT_TRUE(fs::is_regular_file(dir.path() / target)) << name << " links to missing " << target;
      if (name == "README.md") index_targets.insert(target);
    }
  }
  for (const Rule* rule : rule_registry()) {
    EXPECT_TRUE(index_targets.contains(std::string(rule->code()) + ".md"))
        << rule->code() << " is not in the index";
  }
  EXPECT_EQ(index_targets.size(), rule_registry().size());
}

TEST(RuleDocs, IndexRowsKeepFourColumns) {
  const std::string index = render_rule_index_markdown();
  std::size_t rows = 0;
  for (std::size_t start = 0, end; start < index.size(); start = end + 1) {
    end = index.find('\n', start);
    const std::string_view line = std::string_view(index).substr(start, end - start);
    if (!line.starts_with("| [")) continue;
    ++rows;
    std::size_t separators = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      separators += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    EXPECT_EQ(separators, 5u) << line;
  }
  EXPECT_EQ(rows, rule_registry().size());
}

// Catalogue prose is plain text: what Markdown would read as markup is escaped,
// code spans are kept as written.
TEST(RuleDocs, ProseIsEscapedAndCodeSpansKept) {
  RuleDoc doc = rule_registry().front()->doc();
  doc.what = "static_cast<float>(x) of __fp16, 0.29 * 100 and float8_e5m2 `a_b<c>*`\n- not a list";
  const std::string page = render_rule_markdown(Rule(doc, FactKind::ArrayAnalysis));
  EXPECT_NE(page.find(R"(static_cast\<float>(x) of \_\_fp16, 0.29 \* 100 and float8_e5m2 `a_b<c>*`)"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("\n\\- not a list\n"), std::string::npos) << page;
}

TEST(RuleDocs, ExampleCodeIsFencedAndProseIsNot) {
  RuleDoc doc = rule_registry().front()->doc();
  doc.example =
      ">>> np.array([70000.0]).astype(np.float16)\narray([inf], dtype=float16)\n\n"
      "DT101 counts it. With a config entry\n    cast: float16\nit fires there too.";
  const std::string page = render_rule_markdown(Rule(doc, FactKind::ArrayAnalysis));
  EXPECT_NE(
      page.find(
          "```pycon\n>>> np.array([70000.0]).astype(np.float16)\narray([inf], dtype=float16)\n```\n\n"
          "DT101 counts it. With a config entry\n\n```yaml\ncast: float16\n```\n\nit fires there too.\n"),
      std::string::npos)
      << page;
}

TEST(RuleDocs, WriteErrorsNameTheFile) {
  TempDir dir;
  fs::create_directory(dir.path() / "README.md");  // a folder where the index should go
  try {
    write_rule_docs(dir.path());
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find((dir.path() / "README.md").string()), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace dtlint
