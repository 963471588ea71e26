// Text bound for a terminal or a log: paths, member and tensor names and
// messages that quote them come from files an attacker may have written.
// printable_text() keeps readable UTF-8 as it is and escapes everything that
// could start a line, move the cursor or reorder what is shown: control
// characters (C0, DEL, C1), line and paragraph separators, bidirectional
// overrides and invalid UTF-8. Backslashes are left alone, so text that is
// already escaped (E901's quotes) reads the same.
#pragma once

#include <string>
#include <string_view>

namespace dtlint {

// "a\nb" → "a\\nb"; ESC → "\\x1b"; U+202E → "\\u{202e}"; an invalid byte 0xff → "\\xff".
std::string printable_text(std::string_view text);

}  // namespace dtlint
