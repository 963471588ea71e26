#include "reports/printable_text.h"

#include <cstdint>
#include <cstdio>

#include "analyzer/formats/untrusted_text.h"

namespace dtlint {
namespace {

char32_t decode(std::string_view sequence) {
  const auto byte = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(sequence[i]));
  };
  switch (sequence.size()) {
    case 2: return (byte(0) & 0x1F) << 6 | (byte(1) & 0x3F);
    case 3: return (byte(0) & 0x0F) << 12 | (byte(1) & 0x3F) << 6 | (byte(2) & 0x3F);
    case 4: return (byte(0) & 0x07) << 18 | (byte(1) & 0x3F) << 12 | (byte(2) & 0x3F) << 6 | (byte(3) & 0x3F);
    default: return byte(0);
  }
}

// Code points a terminal does not simply draw.
bool needs_escape(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||                        // C0, DEL, C1
         c == 0x2028 || c == 0x2029 ||                                  // line and paragraph separators
         c == 0x061C || c == 0x200E || c == 0x200F ||                   // bidirectional marks
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);  // embeddings, overrides, isolates
}

}  // namespace

std::string printable_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0) {  // not UTF-8: the byte itself, escaped
      out += "\\x" + hex_byte(static_cast<unsigned char>(text[i])).substr(2);
      ++i;
      continue;
    }
    const std::string_view sequence = text.substr(i, length);
    const char32_t c = decode(sequence);
    i += length;
    if (!needs_escape(c)) {
      out += sequence;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x80) {
      out += "\\x" + hex_byte(static_cast<unsigned>(c)).substr(2);
    } else {
      char escaped[16];
      std::snprintf(escaped, sizeof escaped, "\\u{%x}", static_cast<unsigned>(c));
      out += escaped;
    }
  }
  return out;
}

}  // namespace dtlint
