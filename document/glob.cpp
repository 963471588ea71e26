#include "document/glob.h"

#include <algorithm>
#include <cctype>

namespace dtlint {
namespace {

using Token = Glob::Token;

// The code points of a path or glob. A byte that does not start a well-formed
// UTF-8 sequence (RFC 3629: no overlong forms, surrogates or values above
// U+10FFFF) becomes 0xDC00 + byte, a lone surrogate no well-formed sequence
// decodes to: so two texts decode alike exactly when their bytes are equal.
std::u32string decode_utf8(std::string_view text) {
  std::u32string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    // The k-th byte after this one, as an unsigned value (0 past the end).
    const auto at = [&](std::size_t k) -> char32_t {
      return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
    };
    const auto continuation = [](char32_t c, char32_t lo = 0x80, char32_t hi = 0xBF) {
      return c >= lo && c <= hi;
    };
    const char32_t lead = byte;
    std::size_t length = 0;
    char32_t code = 0;
    if (lead < 0x80) {
      length = 1;
      code = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF && continuation(at(1))) {
      length = 2;
      code = (lead & 0x1F) << 6 | (at(1) & 0x3F);
    } else if (lead >= 0xE0 && lead <= 0xEF &&
               continuation(at(1), lead == 0xE0 ? 0xA0 : 0x80, lead == 0xED ? 0x9F : 0xBF) &&
               continuation(at(2))) {
      length = 3;
      code = (lead & 0x0F) << 12 | (at(1) & 0x3F) << 6 | (at(2) & 0x3F);
    } else if (lead >= 0xF0 && lead <= 0xF4 &&
               continuation(at(1), lead == 0xF0 ? 0x90 : 0x80, lead == 0xF4 ? 0x8F : 0xBF) &&
               continuation(at(2)) && continuation(at(3))) {
      length = 4;
      code = (lead & 0x07) << 18 | (at(1) & 0x3F) << 12 | (at(2) & 0x3F) << 6 | (at(3) & 0x3F);
    }
    if (length == 0) {
      result.push_back(0xDC00 + lead);
      ++i;
    } else {
      result.push_back(code);
      i += length;
    }
  }
  return result;
}

bool is_raw_byte(char32_t c) {
  return c >= 0xDC80 && c <= 0xDCFF;
}

// The bytes of well-formed code points (never raw bytes: see is_raw_byte).
std::string encode_utf8(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& token : tokens) {
    const char32_t c = token.literal;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

bool token_matches(const Token& token, char32_t c) {
  switch (token.kind) {
    case Token::Kind::Literal: return c == token.literal;
    case Token::Kind::Any: return true;
    case Token::Kind::Star: return false;
    case Token::Kind::Class: {
      bool in = false;
      for (const auto& [lo, hi] : token.ranges) in = in || (lo <= c && c <= hi);
      for (int (*test)(int) : token.classes) in = in || (c < 0x80 && test(static_cast<int>(c)) != 0);
      return in != token.negated;
    }
  }
  return false;
}

int (*posix_class(std::u32string_view name))(int) {
  static const std::pair<std::u32string_view, int (*)(int)> kClasses[] = {
      {U"alnum", [](int c) { return std::isalnum(c); }}, {U"alpha", [](int c) { return std::isalpha(c); }},
      {U"blank", [](int c) { return std::isblank(c); }}, {U"cntrl", [](int c) { return std::iscntrl(c); }},
      {U"digit", [](int c) { return std::isdigit(c); }}, {U"graph", [](int c) { return std::isgraph(c); }},
      {U"lower", [](int c) { return std::islower(c); }}, {U"print", [](int c) { return std::isprint(c); }},
      {U"punct", [](int c) { return std::ispunct(c); }}, {U"space", [](int c) { return std::isspace(c); }},
      {U"upper", [](int c) { return std::isupper(c); }}, {U"xdigit", [](int c) { return std::isxdigit(c); }},
  };
  for (const auto& [class_name, test] : kClasses) {
    if (class_name == name) return test;
  }
  return nullptr;
}

// Parses the bracket expression starting at glob[start] == '['. Returns the
// index after its ']', or 0 when it is not closed (the '[' is then literal).
std::size_t parse_class(const std::u32string& glob, std::size_t start, Token& token) {
  std::size_t i = start + 1;
  token.kind = Token::Kind::Class;
  if (i < glob.size() && (glob[i] == '!' || glob[i] == '^')) {
    token.negated = true;
    ++i;
  }
  bool first = true;
  while (i < glob.size()) {
    char32_t c = glob[i];
    if (c == ']' && !first) return i + 1;
    first = false;
    if (c == '[' && i + 1 < glob.size() && glob[i + 1] == ':') {
      // [:name:]
      const std::u32string_view rest(glob.data() + i + 2, glob.size() - i - 2);
      const std::size_t close = rest.find(U":]");
      if (close != std::u32string_view::npos) {
        if (auto* test = posix_class(rest.substr(0, close))) {
          token.classes.push_back(test);
          i += 2 + close + 2;
          continue;
        }
      }
    }
    if (c == '\\' && i + 1 < glob.size()) c = glob[++i];
    char32_t hi = c;
    if (i + 2 < glob.size() && glob[i + 1] == '-' && glob[i + 2] != ']') {
      hi = glob[i + 2];
      i += 2;
      if (hi == '\\' && i + 1 < glob.size()) hi = glob[++i];
    }
    token.ranges.emplace_back(c, hi);
    ++i;
  }
  return 0;
}

std::vector<Token> compile_segment(std::string_view segment) {
  const std::u32string glob = decode_utf8(segment);
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < glob.size();) {
    Token token;
    const char32_t c = glob[i];
    if (c == '*') {
      token.kind = Token::Kind::Star;
      ++i;
      // "**" within a name is just "*"
      if (!tokens.empty() && tokens.back().kind == Token::Kind::Star) continue;
    } else if (c == '?') {
      token.kind = Token::Kind::Any;
      ++i;
    } else if (c == '[') {
      const std::size_t end = parse_class(glob, i, token);
      if (end != 0) {
        i = end;
      } else {
        token = Token{};
        token.literal = '[';
        ++i;
      }
    } else if (c == '\\' && i + 1 < glob.size()) {
      token.literal = glob[i + 1];
      i += 2;
    } else {
      token.literal = c;
      ++i;
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// Matches one name against one compiled segment. Every token but `*` takes
// exactly one character, so resuming after the most recent `*` is enough:
// O(pattern × name) at worst, never exponential.
bool match_segment(const std::vector<Token>& tokens, std::u32string_view name) {
  std::size_t t = 0, n = 0;
  std::size_t star = std::string::npos, star_n = 0;
  while (n < name.size()) {
    if (t < tokens.size() && tokens[t].kind == Token::Kind::Star) {
      star = t++;
      star_n = n;
    } else if (t < tokens.size() && token_matches(tokens[t], name[n])) {
      ++t;
      ++n;
    } else if (star != std::string::npos) {
      t = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == Token::Kind::Star) ++t;
  return t == tokens.size();
}

// Splits at '/', dropping empty segments ("a//b") and leading "./" ones.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (!segment.empty() && !(segment == "." && segments.empty())) segments.push_back(segment);
    start = end + 1;
  }
  return segments;
}

std::vector<std::u32string> decode_segments(const std::vector<std::string_view>& segments) {
  std::vector<std::u32string> decoded;
  decoded.reserve(segments.size());
  for (std::string_view segment : segments) decoded.push_back(decode_utf8(segment));
  return decoded;
}

// A segment of literal characters only, each well-formed UTF-8: it matches
// exactly the names with the same bytes.
bool is_literal(std::span<const Token> tokens) {
  return std::all_of(tokens.begin(), tokens.end(), [](const Token& token) {
    return token.kind == Token::Kind::Literal && !is_raw_byte(token.literal);
  });
}

bool is_literal(const Glob::Segment& segment) {
  return !segment.any_depth && is_literal(segment.tokens);
}

std::string literal_text(std::span<const Token> tokens) {
  return encode_utf8(std::vector<Token>(tokens.begin(), tokens.end()));
}

}  // namespace

// ------------------------------------------------------------------ Glob

Glob::Glob(std::string_view pattern) : pattern_(pattern) {
  bool anchored = false;
  while (pattern.starts_with("./")) pattern.remove_prefix(2);
  if (pattern.starts_with('/')) {
    anchored = true;
    while (pattern.starts_with('/')) pattern.remove_prefix(1);
  }
  std::vector<std::string_view> texts = split_path(pattern);
  if (pattern.ends_with('/') && !texts.empty()) texts.push_back("**");
  for (std::string_view text : texts) {
    Segment segment;
    segment.any_depth = text == "**";
    segment.tokens = compile_segment(text);
    segments_.push_back(std::move(segment));
  }
  name_only_ = !anchored && pattern.find('/') == std::string_view::npos;
}

bool Glob::matches(std::string_view path) const {
  return matches_decoded(decode_segments(split_path(path)));
}

bool Glob::matches_decoded(const std::vector<std::u32string>& path) const {
  if (segments_.empty()) return false;
  // Without any '/', a glob names a file or folder anywhere, like in
  // .gitignore: it is matched against the last segment. (Matching it against
  // the whole path as well adds nothing: `*` cannot cross a '/'.)
  if (name_only_ && !path.empty()) {
    return segments_.size() == 1 && match_segment(segments_[0].tokens, path.back());
  }
  // matched[g][p]: glob segments g.. match path segments p.. Filled from the
  // end, so every pair is decided once: O(globs × paths) segment matches.
  const std::size_t g_count = segments_.size(), p_count = path.size();
  std::vector<std::vector<char>> matched(g_count + 1, std::vector<char>(p_count + 1, 0));
  matched[g_count][p_count] = 1;
  for (std::size_t g = g_count; g-- > 0;) {
    for (std::size_t p = p_count + 1; p-- > 0;) {
      if (segments_[g].any_depth) {  // zero segments, or one more and still here
        matched[g][p] = matched[g + 1][p] || (p < p_count && matched[g][p + 1]);
      } else {
        matched[g][p] = p < p_count && matched[g + 1][p + 1] && match_segment(segments_[g].tokens, path[p]);
      }
    }
  }
  return matched[0][0] != 0;
}

bool glob_match(std::string_view glob, std::string_view path) {
  return Glob(glob).matches(path);
}

// --------------------------------------------------------------- GlobSet

GlobSet::GlobSet(std::span<const std::string> patterns) {
  for (const std::string& pattern : patterns) add(pattern);
}

void GlobSet::NameIndex::add(std::size_t index, const std::vector<Token>& tokens) {
  const std::span<const Token> all(tokens);
  const auto remember = [](std::vector<std::size_t>& lengths, std::size_t length) {
    if (std::find(lengths.begin(), lengths.end(), length) == lengths.end()) lengths.push_back(length);
  };
  if (is_literal(all)) {
    literal[literal_text(all)].push_back(index);
  } else if (tokens.size() == 1 && tokens[0].kind == Token::Kind::Star) {
    any.push_back(index);
  } else if (tokens.front().kind == Token::Kind::Star && is_literal(all.subspan(1))) {
    const std::string text = literal_text(all.subspan(1));
    remember(suffix_lengths, text.size());
    suffix[text].push_back(index);
  } else if (tokens.back().kind == Token::Kind::Star && is_literal(all.first(all.size() - 1))) {
    const std::string text = literal_text(all.first(all.size() - 1));
    remember(prefix_lengths, text.size());
    prefix[text].push_back(index);
  } else {
    wild.emplace_back(index, tokens);
  }
}

void GlobSet::add(std::string_view pattern) {
  const std::size_t index = patterns_.size();
  patterns_.emplace_back(pattern);
  Glob glob(pattern);
  const std::vector<Glob::Segment>& segments = glob.segments();
  if (segments.empty()) return;  // matches nothing
  const auto join = [&](std::size_t count) {
    std::string key;
    for (std::size_t i = 0; i < count; ++i) {
      if (i) key += '/';
      key += literal_text(segments[i].tokens);
    }
    return key;
  };
  const auto add_names = [&](NameIndex& names, const Glob::Segment& name) {
    names.add(index, name.tokens);
    if (!names.wild.empty() && names.wild.back().first == index) ++wild_names_;
  };
  if (glob.name_only()) {
    add_names(deep_[""], segments[0]);
    return;
  }
  const std::size_t count = segments.size();
  std::size_t literal = 0;  // leading literal segments
  while (literal < count && is_literal(segments[literal])) ++literal;
  const Glob::Segment& last = segments[count - 1];
  if (literal >= count - 1 && !last.any_depth) {  // "a/b/NAME"
    add_names(exact_[join(count - 1)], last);
  } else if (literal == count - 1) {  // "a/b/**"
    below_[join(count - 1)].push_back(index);
  } else if (literal == count - 2 && segments[count - 2].any_depth && !last.any_depth) {  // "a/**/NAME"
    add_names(deep_[join(count - 2)], last);
  } else {
    wild_.emplace_back(index, std::move(glob));
  }
}

std::size_t GlobSet::wild_count() const {
  return wild_.size() + wild_names_;
}

// One path, split once, its segments decoded only if a wild glob needs them.
struct GlobSet::Query {
  std::vector<std::string_view> segments;
  std::string joined;             // the segments joined by '/'
  std::vector<std::size_t> ends;  // where each segment ends in `joined`
  mutable std::vector<std::u32string> decoded;
  mutable bool is_decoded = false;

  explicit Query(std::string_view path) : segments(split_path(path)) {
    for (std::string_view segment : segments) {
      if (!joined.empty()) joined += '/';
      joined.append(segment);
      ends.push_back(joined.size());
    }
  }
  // The first `count` segments joined by '/'.
  std::string_view prefix(std::size_t count) const {
    return std::string_view(joined).substr(0, count == 0 ? 0 : ends[count - 1]);
  }
  const std::vector<std::u32string>& decode() const {
    if (!is_decoded) {
      decoded = decode_segments(segments);
      is_decoded = true;
    }
    return decoded;
  }
};

template <class Visit>
bool GlobSet::visit_names(const NameIndex& names, std::string_view name, const Query& query, Visit& visit) {
  const auto all = [&](const Indices& indices) {
    return std::any_of(indices.begin(), indices.end(), [&](std::size_t index) { return visit(index); });
  };
  if (all(names.any)) return true;
  if (const auto found = names.literal.find(name); found != names.literal.end() && all(found->second))
    return true;
  for (std::size_t length : names.suffix_lengths) {
    if (length > name.size()) continue;
    const auto found = names.suffix.find(name.substr(name.size() - length));
    if (found != names.suffix.end() && all(found->second)) return true;
  }
  for (std::size_t length : names.prefix_lengths) {
    if (length > name.size()) continue;
    const auto found = names.prefix.find(name.substr(0, length));
    if (found != names.prefix.end() && all(found->second)) return true;
  }
  for (const auto& [index, tokens] : names.wild) {
    if (match_segment(tokens, query.decode().back()) && visit(index)) return true;
  }
  return false;
}

// Calls visit(index) for each matching glob, in no particular order, until it returns true.
template <class Visit>
bool GlobSet::visit(std::string_view path, Visit&& visit) const {
  const Query query(path);
  const std::size_t count = query.segments.size();
  if (count == 0) {  // "" or ".": too rare to index; only globs such as `**` match
    for (std::size_t index = 0; index < patterns_.size(); ++index) {
      if (Glob(patterns_[index]).matches(path) && visit(index)) return true;
    }
    return false;
  }
  const std::string_view name = query.segments.back();
  if (const auto found = exact_.find(query.prefix(count - 1)); found != exact_.end()) {
    if (visit_names(found->second, name, query, visit)) return true;
  }
  for (std::size_t length = 0; length <= count; ++length) {
    const std::string_view prefix = query.prefix(length);
    if (length < count) {
      if (const auto found = deep_.find(prefix); found != deep_.end()) {
        if (visit_names(found->second, name, query, visit)) return true;
      }
    }
    if (const auto found = below_.find(prefix); found != below_.end()) {
      for (std::size_t index : found->second) {
        if (visit(index)) return true;
      }
    }
  }
  for (const auto& [index, glob] : wild_) {
    if (glob.matches_decoded(query.decode()) && visit(index)) return true;
  }
  return false;
}

bool GlobSet::matches(std::string_view path) const {
  return visit(path, [](std::size_t) { return true; });
}

std::vector<std::size_t> GlobSet::matching(std::string_view path) const {
  std::vector<std::size_t> found;
  visit(path, [&](std::size_t index) {
    found.push_back(index);
    return false;
  });
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace dtlint
