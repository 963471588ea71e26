// Where a declared source points: `pipeline` entries name their data as a
// file, FILE:MEMBER or a glob (document/glob.h's dialect), relative to the
// configuration's folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtlint {

struct ResolvedSource {
  std::vector<std::filesystem::path> files;  // regular files (absolute, normal form), sorted; may be empty
  std::string file_pattern;                  // the file part as written
  std::optional<std::string> member;         // the member part (a glob over member names); none: every array
  bool truncated = false;                    // the walk stopped at kMaxSourceFiles or kMaxSourceEntries
};

// Resolves `source` against `root` (absolute). The member part follows the
// first ':' whose left side names at least one file; when none does, a ':'
// after a data file's extension ("missing.npz:x") still separates it, so that
// the message can name the file that is missing. Globs walk below their
// literal prefix, skipping the folders every scan skips (.git, caches), never
// following symlinked folders, and list at most kMaxSourceFiles files out of
// at most kMaxSourceEntries entries visited.
ResolvedSource resolve_source(const std::filesystem::path& root, std::string_view source);

inline constexpr std::size_t kMaxSourceFiles = 100000;
inline constexpr std::size_t kMaxSourceEntries = 2000000;

}  // namespace dtlint
