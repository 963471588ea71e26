// "Did you mean ...?" for words users mistype: options, subcommands, rule
// codes, dtype and profile names. One measure everywhere, so that every
// message suggests by the same standard.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dtlint {

// Edits between two words, ignoring ASCII case: insertions, deletions,
// substitutions and swaps of neighbours (optimal string alignment distance).
std::size_t spelling_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when it is near enough to be the word the
// user meant (at most one edit for every four characters, and at least one);
// the first of equally near ones. nullopt when none is.
std::optional<std::string_view> closest_spelling(std::string_view word,
                                                 std::span<const std::string_view> candidates);

// "; did you mean X?" for closest_spelling's answer, or "" when there is none.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace dtlint
