// Committed snapshots of dtlint's output: compared byte for byte, or rewritten
// when the environment has DTLINT_UPDATE_SNAPSHOTS=1 (see tests/snapshots/README.md).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "test_support.h"

namespace dtlint::testing_support {

inline bool updating_snapshots() {
  const char* value = std::getenv("DTLINT_UPDATE_SNAPSHOTS");
  return value != nullptr && std::string_view(value) == "1";
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Passes when `actual` equals the snapshot `relative_path` (below the source
// folder) byte for byte; otherwise names the first differing line with both
// versions, as a unified diff would. In update mode it writes `actual` there.
inline testing::AssertionResult matches_snapshot(const std::string& relative_path,
                                                 const std::string& actual) {
  const std::filesystem::path file = std::filesystem::path(kSourceDir) / relative_path;
  if (updating_snapshots()) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << actual;
    return testing::AssertionSuccess() << "rewrote " << relative_path;
  }
  if (!std::filesystem::is_regular_file(file)) {
    return testing::AssertionFailure()
           << "no snapshot " << relative_path << "; DTLINT_UPDATE_SNAPSHOTS=1 writes it. The output:\n"
           << actual;
  }
  const std::string expected = read_file(file.string());
  if (expected == actual) return testing::AssertionSuccess();
  const std::vector<std::string> want = split_lines(expected), got = split_lines(actual);
  std::size_t line = 0;
  while (line < want.size() && line < got.size() && want[line] == got[line]) ++line;
  auto show = [](const std::vector<std::string>& lines, std::size_t at) {
    return at < lines.size() ? lines[at] : std::string("(end of file)");
  };
  auto failure = testing::AssertionFailure();
  failure << relative_path << " differs from the output (DTLINT_UPDATE_SNAPSHOTS=1 rewrites it)\n"
          << "--- " << relative_path << "\n+++ output\n@@ line " << line + 1 << " @@\n"
          << "-" << show(want, line) << "\n+" << show(got, line) << "\n";
  if (line == want.size() && line == got.size()) failure << "(the files differ only in the final newline)\n";
  return failure;
}

// `argument` quoted for the shell that run_dtlint starts.
inline std::string shell_quoted(const std::string& argument) {
  std::string quoted = "'";
  for (char c : argument) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace dtlint::testing_support
