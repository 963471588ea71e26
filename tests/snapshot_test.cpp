// Report snapshots: `dtlint scan examples` in every output format, run from the
// source folder (paths relative), compared byte for byte with tests/snapshots/.
// DTLINT_UPDATE_SNAPSHOTS=1 rewrites them instead (tests/snapshots/README.md).
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>

#include "snapshot_support.h"
#include "test_support.h"

namespace dtlint {
namespace {

using testing_support::matches_snapshot;
using testing_support::run_dtlint;

constexpr const char* kSourceRootPlaceholder = "file:///SOURCE_DIR/";

struct FormatSnapshot {
  const char* format;
  const char* snapshot;
};

void PrintTo(const FormatSnapshot& value, std::ostream* out) {
  *out << value.format;
}

// SARIF names the folder the scan ran from as an absolute URI, which differs from
// clone to clone: the snapshot holds a placeholder there. Returns the URI replaced.
std::string replace_source_root(std::string& sarif) {
  const std::string block = "\"%SRCROOT%\": {\n          \"uri\": \"";
  const std::size_t start = sarif.find(block);
  if (start == std::string::npos) return "";
  const std::size_t begin = start + block.size();
  const std::size_t end = sarif.find('"', begin);
  if (end == std::string::npos) return "";
  const std::string uri = sarif.substr(begin, end - begin);
  sarif.replace(begin, end - begin, kSourceRootPlaceholder);
  return uri;
}

class ExamplesReport : public testing::TestWithParam<FormatSnapshot> {};

TEST_P(ExamplesReport, MatchesItsSnapshot) {
#ifndef DTLINT_CLANG_HELPER
  GTEST_SKIP() << "the snapshots hold examples/src's C/C++ findings; this build has no Clang front end";
#endif
  const auto r = run_dtlint(std::string("scan examples --no-progress --format ") + GetParam().format);
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the examples fail the default gate
  EXPECT_EQ(r.err, testing_support::kExamplesNotice);
  std::string report = r.out;
  if (std::string(GetParam().format) == "sarif") {
    const std::string root = replace_source_root(report);
    const std::string folder = std::filesystem::canonical(testing_support::kSourceDir).string();
    // The URI is the folder itself where the folder's name needs no percent-encoding.
    if (folder.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/+") ==
        std::string::npos) {
      EXPECT_EQ(root, "file://" + folder + "/");
    } else {
      EXPECT_EQ(root.rfind("file:///", 0), 0u) << root;
    }
  }
  EXPECT_TRUE(matches_snapshot(std::string("tests/snapshots/") + GetParam().snapshot, report));
}

INSTANTIATE_TEST_SUITE_P(Formats, ExamplesReport,
                         testing::Values(FormatSnapshot{"text", "examples.txt"},
                                         FormatSnapshot{"json", "examples.json"},
                                         FormatSnapshot{"sarif", "examples.sarif"},
                                         FormatSnapshot{"github", "examples.github.txt"}),
                         [](const testing::TestParamInfo<FormatSnapshot>& param) {
                           return std::string(param.param.format);
                         });

}  // namespace
}  // namespace dtlint
