// dtlint's one glob dialect, for the configuration (`exclude`, `per_path`,
// `ignore`) and `--exclude` alike, over '/'-separated relative paths:
//
// - `*` matches any run of characters within one path segment (none too, and
//   a leading '.'); `?` one character (a whole UTF-8 character, not a byte);
//   `[abc]`, `[a-z]`, `[!abc]`/`[^abc]` and POSIX classes (`[[:digit:]]`, ASCII)
//   one character of a set; `\` escapes the next character. None matches '/'.
// - A segment that is exactly `**` matches zero or more whole segments
//   (`data/**` matches `data` and everything below it); `**` inside a name is `*`.
// - A glob without '/' names a file or folder at any depth, as in .gitignore:
//   it is matched against the path's last segment.
// - A glob with '/' is matched against the whole path. A leading '/' only
//   anchors; a trailing '/' means everything below (`build/` is `build/**`).
//   A leading `./` is ignored in globs and paths, and `//` counts as `/`.
// - Bytes that are not UTF-8 are characters of their own: `?` and `*` match
//   them, and so does the same byte in a glob.
//
// One match costs at most the glob's length times the path's, never
// exponential. A GlobSet matches many globs in one pass: globs made of
// literal segments, `prefix/**`, `prefix/NAME`, `prefix/**/NAME` and names
// without '/', where NAME is literal, `*SUFFIX`, `PREFIX*` or `*`, are looked
// up in hash tables; only the rest are tried one by one.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dtlint {

// One glob, compiled once.
class Glob {
 public:
  explicit Glob(std::string_view pattern);
  bool matches(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }

  // Internals shared with GlobSet.
  struct Token {
    enum class Kind { Literal, Any, Star, Class } kind = Kind::Literal;
    char32_t literal = 0;
    bool negated = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;  // Class: inclusive ranges
    std::vector<int (*)(int)> classes;                  // Class: [:alpha:] and friends (ASCII)
  };
  struct Segment {
    bool any_depth = false;  // exactly `**`
    std::vector<Token> tokens;
  };
  // Whether the glob matches a path already split at '/' and decoded to code points.
  bool matches_decoded(const std::vector<std::u32string>& path) const;
  bool name_only() const { return name_only_; }
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  std::string pattern_;
  bool name_only_ = false;  // no '/' and no anchor: matched against the last segment
  std::vector<Segment> segments_;
};

// Whether `glob` matches `path` (Glob(glob).matches(path)).
bool glob_match(std::string_view glob, std::string_view path);

// Many globs, compiled once, matched in one pass.
class GlobSet {
 public:
  GlobSet() = default;
  explicit GlobSet(std::span<const std::string> patterns);
  // Adds a glob; its index is the number of globs added before it.
  void add(std::string_view pattern);

  std::size_t size() const { return patterns_.size(); }
  bool empty() const { return patterns_.empty(); }
  // How many globs are tried one by one rather than looked up.
  std::size_t wild_count() const;

  // Whether any glob matches `path`.
  bool matches(std::string_view path) const;
  // The indices of every glob that matches `path`, ascending.
  std::vector<std::size_t> matching(std::string_view path) const;

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  template <class Value>
  using TextMap = std::unordered_map<std::string, Value, TextHash, std::equal_to<>>;
  using Indices = std::vector<std::size_t>;

  // Name patterns for one segment, by shape.
  struct NameIndex {
    TextMap<Indices> literal;
    TextMap<Indices> suffix;                                  // `*SUFFIX`
    TextMap<Indices> prefix;                                  // `PREFIX*`
    std::vector<std::size_t> suffix_lengths, prefix_lengths;  // distinct, in bytes
    Indices any;                                              // `*`
    std::vector<std::pair<std::size_t, std::vector<Glob::Token>>> wild;
    void add(std::size_t index, const std::vector<Glob::Token>& tokens);
  };
  struct Query;
  template <class Visit>
  bool visit(std::string_view path, Visit&& visit) const;
  template <class Visit>
  static bool visit_names(const NameIndex& names, std::string_view name, const Query& query, Visit& visit);

  std::vector<std::string> patterns_;
  TextMap<NameIndex> exact_;  // "parent/NAME": the parent's segments joined by '/'
  TextMap<NameIndex> deep_;   // "prefix/**/NAME" and names without '/' (prefix "")
  TextMap<Indices> below_;    // "prefix/**"
  std::vector<std::pair<std::size_t, Glob>> wild_;
  std::size_t wild_names_ = 0;
};

}  // namespace dtlint
