// The text report on a terminal: every untrusted string (paths, member and
// tensor names, messages quoting them) is escaped, so one finding stays one
// line and no input can move the cursor, clear the screen or reorder text.
#include "reports/text_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// An array finding as the DT rules make it.
Finding array_finding(const char* code, const std::string& path, const std::string& member, DType target,
                      std::uint64_t count, std::uint64_t elements = 3000) {
  Finding f;
  f.rule = find_rule(code);
  f.severity = f.rule->default_severity();
  f.location = Location(path, member);
  f.target = target;
  f.source_dtype = DType::Float32;
  f.count = count;
  f.elements = elements;
  f.message = std::to_string(count) + " of " + std::to_string(elements) + " values do it in float32→" +
              std::string(name(target));
  return f;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
    lines.push_back(text.substr(at, end - at));
  return lines;
}

// A tensor's findings of one rule for several targets read as one line, with
// the fix once; one target keeps its finding's own message; the JSON is not
// concerned (one finding per target there).
// A C/C++ finding prints its source line and a caret under the cast, as
// compilers do: tabs expanded, multi-byte characters one column, the range's end
// (one past its last byte) as tildes; a line that must be escaped gets no caret.
TEST(TextReport, SourceFindingsShowTheLineAndACaret) {
  Report report;
  Finding f;
  f.rule = find_rule("CX401");
  f.severity = Severity::Warning;
  f.location.path = "src/a.cpp";
  f.location.line = 3;
  f.location.column = 13;  // the `s` of `scale`, byte 13
  f.location.end_line = 3;
  f.location.end_column = 18;
  f.source_line = "\tfloat \xc3\xa9 = scale;";  // é is two bytes, one column
  f.message = "narrows";
  report.findings.push_back(f);
  Finding hostile = f;
  hostile.location.line = 4;
  hostile.source_line = "float s = \x1b[2Jscale;";
  report.findings.push_back(hostile);
  EXPECT_EQ(render_text(report, false, false),
            "src/a.cpp:3:13: warning CX401 narrows [narrowing-float-conversion]\n"
            "            float \xc3\xa9 = scale;\n"
            "    " +
                std::string(18, ' ') +
                "^~~~~\n"
                "src/a.cpp:4:13: warning CX401 narrows [narrowing-float-conversion]\n"
                "    float s = \\x1b[2Jscale;\n");
}

TEST(TextReport, OneLinePerArrayAndCause) {
  Report report;
  Finding f16 = array_finding("DT101", "x.npz", "w", DType::Float16, 48);
  f16.first_index = std::vector<std::uint64_t>{3};
  f16.first_value = 70000.0L;
  f16.suggestion = "bfloat16 fits";
  Finding f8 = array_finding("DT101", "x.npz", "w", DType::Float8E4M3FN, 96);
  f8.suggestion = "bfloat16 fits";
  f8.first_index = f16.first_index;  // the same first element: no need to say whose
  f8.first_value = f16.first_value;
  Finding sub = array_finding("DT105", "x.npz", "w", DType::Float16, 5);
  report.findings = {f16, sub, f8};
  Finding alone = array_finding("DT101", "x.npz", "b", DType::Float16, 1, 4);
  alone.suggestion = "scale by 2^-4: 0 of 4 values overflow";
  report.findings.push_back(alone);
  EXPECT_EQ(render_text(report, false, false),
            "x.npz:w: error DT101 overflows to ±inf in float16 (48 of 3000 values), float8_e4m3fn (96); "
            "first at [3] = 70000 — bfloat16 fits [cast-overflow]\n"
            "x.npz:w: warning DT105 5 of 3000 values do it in float32→float16 [subnormal-result]\n"
            "x.npz:b: error DT101 1 of 4 values do it in float32→float16 — scale by 2^-4: 0 of 4 values "
            "overflow [cast-overflow]\n");
}

// Past 20 tensors of one rule in one file the rest are one line naming them by
// rule, when the file is done; other rules and files are not concerned.
TEST(TextReport, ABigFileSaysWhatItLeftOut) {
  Report report;
  for (int i = 0; i < 57 + 20; ++i)
    report.findings.push_back(
        array_finding("DT101", "big.safetensors", "t" + std::to_string(i), DType::Float16, 1));
  for (int i = 0; i < 22; ++i)
    report.findings.push_back(
        array_finding("DT104", "big.safetensors", "t" + std::to_string(i), DType::Float16, 1));
  report.findings.push_back(array_finding("DT101", "small.npy", "", DType::Float16, 2));
  report.findings.back().location.member.reset();
  const std::vector<std::string> lines = lines_of(render_text(report, false, false));
  ASSERT_EQ(lines.size(), 20u + 20u + 1u + 1u);
  EXPECT_TRUE(lines[19].starts_with("big.safetensors:t19: error DT101 "));
  EXPECT_TRUE(lines[39].starts_with("big.safetensors:t19: warning DT104 ")) << lines[39];
  EXPECT_EQ(lines[40],
            "big.safetensors: … and 57 more tensors with DT101, 2 more tensors with DT104 (every one is in "
            "--format json)");
  EXPECT_TRUE(lines[41].starts_with("small.npy: error DT101 "));
}

// A folder of many small files: past 50 lines of one rule in one folder, the
// folder's other files with that rule are counted in one line when it is done.
TEST(TextReport, AFolderOfManyFilesSaysWhatItLeftOut) {
  Report report;
  for (int i = 0; i < 60; ++i) {
    const std::string file = "shard/a" + std::to_string(100 + i) + ".npy";
    report.findings.push_back(array_finding("DT101", file, "", DType::Float16, 1));
    report.findings.back().location.member.reset();
    if (i % 2 == 0) {
      report.findings.push_back(array_finding("DT104", file, "", DType::Float16, 1));
      report.findings.back().location.member.reset();
    }
  }
  report.findings.push_back(array_finding("DT101", "top.npy", "", DType::Float16, 1));
  report.findings.back().location.member.reset();
  const std::vector<std::string> lines = lines_of(render_text(report, false, false));
  ASSERT_EQ(lines.size(), 50u + 30u + 1u + 1u);
  // a100…a149 show DT101; a150…a159 do not; every DT104 (30 lines) shows.
  EXPECT_TRUE(lines[74].starts_with("shard/a149.npy: error DT101 ")) << lines[74];
  EXPECT_TRUE(lines[79].starts_with("shard/a158.npy: warning DT104 ")) << lines[79];
  EXPECT_EQ(lines[80], "shard/: … DT101 in 10 more files of this folder (every finding is in --format json)");
  EXPECT_TRUE(lines[81].starts_with("top.npy: error DT101 "));
}

// Many files: the findings per rule before the verdict (ruff's --statistics
// layout), unless --quiet; with --statistics, only that table and the verdict.
TEST(TextReport, ManyFilesEndWithTheFindingsPerRuleAndStatisticsReplaceTheFindings) {
  Report report;
  for (int i = 0; i < 12; ++i) {
    report.findings.push_back(
        array_finding("DT101", "f" + std::to_string(i) + ".npz", "w", DType::Float16, 1));
    report.findings.push_back(
        array_finding("DT101", "f" + std::to_string(i) + ".npz", "w", DType::BFloat16, 1));
    if (i < 3)
      report.findings.push_back(
          array_finding("DT104", "f" + std::to_string(i) + ".npz", "w", DType::Float16, 1));
  }
  report.findings[0].severity = Severity::Warning;  // configured per path, say
  const std::string text = render_text(report, false, true);
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_EQ(lines.size(), 12u + 3u + 1u + 1u + 2u + 1u);  // lines, blank, heading, table, summary
  EXPECT_EQ(lines[15], "");
  EXPECT_EQ(lines[16], "Findings per rule:");
  EXPECT_EQ(lines[17], "24  DT101  cast-overflow      [error ×23, warning ×1]");
  EXPECT_EQ(lines[18], " 3  DT104  underflow-to-zero  [warning]");
  EXPECT_TRUE(lines[19].starts_with("dtlint (numpy): 0 inputs"));
  EXPECT_EQ(render_text(report, false, false).find("Findings per rule"), std::string::npos);  // --quiet

  const std::string statistics = render_text(report, TextOptions{.statistics = true});
  EXPECT_EQ(statistics.substr(0, statistics.find("dtlint (numpy)")),
            "24  DT101  cast-overflow      [error ×23, warning ×1]\n"
            " 3  DT104  underflow-to-zero  [warning]\n");
  // Quiet means findings only: with none, nothing at all, statistics or not.
  EXPECT_EQ(render_text(Report{}, TextOptions{.summary = false, .statistics = true}), "");
  EXPECT_EQ(render_text(Report{}, TextOptions{.statistics = true}).substr(0, 13), "No findings.\n");
}

}  // namespace
}  // namespace dtlint
