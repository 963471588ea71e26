// The text report on a terminal: every untrusted string (paths, member and
// tensor names, messages quoting them) is escaped, so one finding stays one
// line and no input can move the cursor, clear the screen or reorder text.
#include "reports/text_report.h"

#include <gtest/gtest.h>

#include <string>

#include "reports/printable_text.h"
#include "rules/registry.h"

namespace dtlint {
namespace {

TEST(PrintableText, KeepsReadableUtf8AndEscapesTheRest) {
  EXPECT_EQ(printable_text("data/weights é Ж 〇.npy"), "data/weights é Ж 〇.npy");
  EXPECT_EQ(printable_text("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(printable_text("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(printable_text(std::string("nul\0end", 7)), "nul\\x00end");
  EXPECT_EQ(printable_text("del\x7f"), "del\\x7f");
  EXPECT_EQ(printable_text("c1\xc2\x85nel"), "c1\\u{85}nel");  // U+0085 NEXT LINE
  EXPECT_EQ(printable_text("ls\xe2\x80\xa8ps\xe2\x80\xa9"), "ls\\u{2028}ps\\u{2029}");
  EXPECT_EQ(printable_text("abc\xe2\x80\xaexyz"), "abc\\u{202e}xyz");           // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(printable_text("bad\xff\xc3"), "bad\\xff\\xc3");                    // invalid and cut-short UTF-8
  EXPECT_EQ(printable_text("\xc0\xaf"), "\\xc0\\xaf");                          // overlong '/'
  EXPECT_EQ(printable_text("already \\x0a escaped"), "already \\x0a escaped");  // backslashes kept
}

TEST(TextReport, HostileNamesCannotForgeLinesOrTerminalSequences) {
  Report report;
  Finding f;
  f.rule = find_rule("DT101");
  f.severity = Severity::Error;
  f.location.path = "evil\n/fake.npy: error DT101 forged\x1b[2J.safetensors";
  f.location.member = std::string("w\r\xe2\x80\xae\xff");
  f.message = "3 of 4 values overflow in tensor 'w\n\x1b]0;title\x07'";
  report.findings.push_back(f);
  for (const bool colour : {false, true}) {
    const std::string text = render_text(report, colour, true);
    std::size_t lines = 0;
    for (char c : text) lines += c == '\n';
    EXPECT_EQ(lines, 2u) << text;  // the finding and the summary
    EXPECT_EQ(text.find('\r'), std::string::npos);
    EXPECT_EQ(text.find('\x07'), std::string::npos);
    EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos);
    EXPECT_EQ(text.find('\xff'), std::string::npos);
    // The only escape sequences are dtlint's own colours.
    for (std::size_t at = text.find('\x1b'); at != std::string::npos; at = text.find('\x1b', at + 1)) {
      EXPECT_TRUE(colour) << text;
      EXPECT_EQ(text.compare(at, 2, "\x1b["), 0);
      EXPECT_NE(text.compare(at, 4, "\x1b[2J"), 0);
    }
    EXPECT_NE(text.find("evil\\n/fake.npy: error DT101 forged\\x1b[2J.safetensors:w\\r\\u{202e}\\xff"),
              std::string::npos)
        << text;
  }
}

// A PL finding at a config line: "path:line:column:" as compilers write it,
// and the data it is about; a finding at a model's node names its tensor; a
// finding without a line or related data is printed as before.
TEST(TextReport, TextPositionsAndRelatedDataAreShown) {
  Report report;
  Finding entry;
  entry.rule = find_rule("PL301");
  entry.severity = Severity::Error;
  entry.location.path = "configs/.dtlint.yaml";
  entry.location.line = 4;
  entry.location.column = 5;
  entry.related = Location("data/a.npz", "pixels");
  entry.identity = "data/*.npz:pixels -> float16";
  entry.message = "pipeline entry 'pixels': 3 of 10 values overflow to ±inf in float32→float16 (DT101)";
  report.findings.push_back(entry);
  Finding node = entry;
  node.location = Location("model.onnx", "cast\n3");
  node.related = Location("model.onnx", "w\x1b[2J");
  node.message = "Cast node 'cast\\x0a3': 1 of 2 values overflow";
  report.findings.push_back(node);
  Finding line_only = entry;
  line_only.rule = find_rule("DT205");
  line_only.severity = Severity::Note;
  line_only.location = Location(".dtlint.yaml");
  line_only.location.line = 9;
  line_only.related.reset();
  line_only.message = "unused";
  report.findings.push_back(line_only);
  Finding array;
  array.rule = find_rule("DT101");
  array.severity = Severity::Error;
  array.location = Location("data/a.npz", "pixels");
  array.message = "3 of 10 values overflow";
  report.findings.push_back(array);
  EXPECT_EQ(render_text(report, false, false),
            "configs/.dtlint.yaml:4:5: error PL301 pipeline entry 'pixels': 3 of 10 values overflow to ±inf "
            "in float32→float16 (DT101) (data: data/a.npz:pixels) [declared-cast-unsafe]\n"
            "model.onnx:cast\\n3: error PL301 Cast node 'cast\\x0a3': 1 of 2 values overflow "
            "(data: model.onnx:w\\x1b[2J) [declared-cast-unsafe]\n"
            ".dtlint.yaml:9: note DT205 unused [unused-suppression]\n"
            "data/a.npz:pixels: error DT101 3 of 10 values overflow [cast-overflow]\n");
}

}  // namespace
}  // namespace dtlint
