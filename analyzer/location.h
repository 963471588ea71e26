// Where a fact lives: a file, a member inside it (an .npz member, a tensor of
// a checkpoint) and, for facts about text (configuration entries, C++ cast
// sites), a line and column span. Views, scan results, problems, skipped
// inputs, findings, suppressions and baselines all say "where" with this one
// type. Baseline fingerprints use path and member only: lines move.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <utility>

namespace dtlint {

struct Location {
  std::string path;                   // the input file, as the user named it
  std::optional<std::string> member;  // inside a container; none for a whole file
  // 1-based; set for text positions only (a config key, a source line).
  std::optional<int> line, column;
  std::optional<int> end_line, end_column;

  Location() = default;
  explicit Location(std::string file, std::optional<std::string> member_name = std::nullopt)
      : path(std::move(file)), member(std::move(member_name)) {}

  // "path" or "path:member", as messages and the text report show it.
  std::string display() const { return member ? path + ":" + *member : path; }

  friend bool operator==(const Location&, const Location&) = default;
  friend auto operator<=>(const Location&, const Location&) = default;
};

}  // namespace dtlint
