// The command-line conventions users bring from ruff and the frameworks:
// rule selection, --exit-zero, aliases, last-wins, "did you mean", dtype and
// profile spellings, -q. End to end through the binary, and the units below it.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/dtype.h"
#include "analyzer/kernels/semantics.h"
#include "document/spelling.h"
#include "rules/config.h"
#include "rules/registry.h"
#include "rules/selection.h"
#include "test_support.h"

namespace dtlint {
namespace {

using testing_support::npy_bytes;
using testing_support::read_file;
using testing_support::run_dtlint;
using testing_support::TempDir;
using testing_support::write_text;

std::string doubles(std::initializer_list<double> values) {
  std::string bytes;
  for (double v : values) {
    char raw[sizeof v];
    std::memcpy(raw, &v, sizeof v);
    bytes.append(raw, sizeof v);
  }
  return bytes;
}

// A folder with an array that overflows float16 (an error whatever else the
// rules say about it), a clean uint8 array and an unreadable file.
class Inputs {
 public:
  Inputs() {
    write_text(dir_ / "overflow.npy", npy_bytes("<f8", "(4,)", doubles({70000.0, 1.0, 2.0, 3.0})));
    write_text(dir_ / "clean.npy", npy_bytes("|u1", "(3,)", "\x01\x02\x03"));
    write_text(dir_ / "broken.npy", "not an array");
  }
  std::string operator/(const std::string& name) const { return "'" + (dir_ / name) + "'"; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
};

// The rule codes of a text report's finding lines ("path: error DT101 ...").
std::set<std::string> codes_in(const std::string& text) {
  std::set<std::string> codes;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    for (const char* level : {": error ", ": warning ", ": note "}) {
      const std::size_t at = line.find(level);
      if (at == std::string::npos) continue;
      const std::size_t start = at + std::strlen(level);
      codes.insert(line.substr(start, line.find(' ', start) - start));
      break;
    }
  }
  return codes;
}

// ------------------------------------------------------------------ rule selection

// The rules a selection lets report, by code.
std::set<std::string> selected(const RuleSelection& selection) {
  std::set<std::string> codes;
  for (const Rule* rule : rule_registry()) {
    if (selection.selects(*rule)) codes.emplace(rule->code());
  }
  return codes;
}

// The registry's codes that satisfy `keep` (expectations written as ruff's rules say, not as computed).
std::set<std::string> codes_where(const std::function<bool(const std::string&)>& keep) {
  std::set<std::string> codes;
  for (const Rule* rule : rule_registry()) {
    if (keep(std::string(rule->code()))) codes.emplace(rule->code());
  }
  return codes;
}

TEST(RuleSelection, DefaultSelectsEveryRule) {
  EXPECT_EQ(selected(RuleSelection()), codes_where([](const std::string&) { return true; }));
  EXPECT_EQ(selected(RuleSelection::parse({}, {}, {})), codes_where([](const std::string&) { return true; }));
  EXPECT_FALSE(RuleSelection::parse({}, {}, {}).narrows());
  EXPECT_EQ(selected(RuleSelection::parse({"ALL"}, {}, {})),
            codes_where([](const std::string&) { return true; }));
}

TEST(RuleSelection, SelectReplacesExtendAddsIgnoreRemoves) {
  // E901 is kept unless an --ignore names it: an unreadable file was not checked at all.
  EXPECT_EQ(selected(RuleSelection::parse({"DT101"}, {}, {})), (std::set<std::string>{"DT101", "E901"}));
  EXPECT_EQ(selected(RuleSelection::parse({"DT101,dt102", "cast-overflow"}, {"PL3"}, {})),
            (std::set<std::string>{"DT101", "DT102", "PL301", "PL302", "PL303", "PL304", "E901"}));
  EXPECT_EQ(selected(RuleSelection::parse({}, {}, {"DT1", "CX"})),
            codes_where([](const std::string& c) { return !c.starts_with("DT1") && !c.starts_with("CX"); }));
  EXPECT_EQ(selected(RuleSelection::parse({"PL"}, {}, {"E901"})),
            (std::set<std::string>{"PL301", "PL302", "PL303", "PL304"}));
  EXPECT_EQ(selected(RuleSelection::parse({}, {}, {"unreadable-input"})),
            codes_where([](const std::string& c) { return c != "E901"; }));
  EXPECT_EQ(selected(RuleSelection::parse({}, {}, {"E"})),
            codes_where([](const std::string& c) { return c != "E901"; }));
  // ALL does not name E901.
  EXPECT_EQ(selected(RuleSelection::parse({}, {}, {"ALL"})), (std::set<std::string>{"E901"}));
}

TEST(RuleSelection, TheMoreSpecificSelectorWinsAndIgnoreWinsTies) {
  // --select DT1 --ignore DT10: DT10x off, DT11x on; --extend-select DT104 is more specific than DT10.
  EXPECT_EQ(selected(RuleSelection::parse({"DT1"}, {"DT104"}, {"DT10"})),
            (std::set<std::string>{"DT104", "DT110", "DT111", "DT112", "DT113", "DT114", "E901"}));
  // An exact code beats a prefix whichever option holds which.
  EXPECT_EQ(selected(RuleSelection::parse({"DT101"}, {}, {"DT1"})), (std::set<std::string>{"DT101", "E901"}));
  EXPECT_EQ(selected(RuleSelection::parse({"ALL"}, {}, {"DT"})),
            codes_where([](const std::string& c) { return !c.starts_with("DT"); }));
  EXPECT_EQ(selected(RuleSelection::parse({}, {"DT105"}, {"ALL"})), (std::set<std::string>{"DT105", "E901"}));
  // The same selector in both: --ignore wins; a name is as specific as its code.
  EXPECT_EQ(selected(RuleSelection::parse({"DT1"}, {}, {"dt1"})), (std::set<std::string>{"E901"}));
  EXPECT_EQ(selected(RuleSelection::parse({"DT101"}, {}, {"cast-overflow"})),
            (std::set<std::string>{"E901"}));
  EXPECT_EQ(selected(RuleSelection::parse({"E901"}, {}, {"E"})), (std::set<std::string>{"E901"}));
}

TEST(RuleSelection, UnknownSelectorsNameTheOptionAndTheNearestRule) {
  struct Case {
    std::vector<std::string> select, extend, ignore;
    const char* message;
  };
  for (const Case& c : {
           Case{{"DT1O1"}, {}, {}, "unknown rule 'DT1O1' in --select; did you mean DT101?"},
           Case{{},
                {"cast-overflw"},
                {},
                "unknown rule 'cast-overflw' in --extend-select; did you mean cast-overflow?"},
           Case{{}, {}, {"DT101,PL9"}, "unknown rule 'PL9' in --ignore; did you mean PL3?"},
           Case{{}, {}, {"D"}, "unknown rule 'D' in --ignore; did you mean DT?"},
           Case{{"DT1O"}, {}, {}, "unknown rule 'DT1O' in --select; did you mean DT10?"},
           Case{{"DT3"}, {}, {}, "unknown rule 'DT3' in --select; did you mean DT1?"},
           Case{{"frobnicate"}, {}, {}, "unknown rule 'frobnicate' in --select (`dtlint rules` lists"},
           Case{{"DT101,"}, {}, {}, "--select: an empty rule selector in 'DT101,'"},
           Case{{""}, {}, {}, "--select: an empty rule selector in ''"},
       }) {
    try {
      RuleSelection::parse(c.select, c.extend, c.ignore);
      ADD_FAILURE() << c.message << ": no error";
    } catch (const SelectionError& e) {
      EXPECT_TRUE(std::string(e.what()).starts_with(c.message)) << e.what();
    }
  }
}

TEST(CliConventions, SelectAndIgnoreDecideWhatIsReportedAndWhatFails) {
  Inputs in;
  const std::string files = in / "overflow.npy" + " " + in / "clean.npy";
  const auto all = run_dtlint("scan " + files);
  EXPECT_EQ(all.exit_code, 1) << all.out;
  EXPECT_TRUE(codes_in(all.out).contains("DT101")) << all.out;

  const auto only = run_dtlint("scan " + files + " --select DT101");
  EXPECT_EQ(only.exit_code, 1);
  EXPECT_EQ(codes_in(only.out), std::set<std::string>{"DT101"}) << only.out;

  // An error of a rule left out neither shows nor fails the run.
  for (const char* options : {"--ignore DT1", "--select DT2,PL", "--ignore ALL", "--select DT1 --ignore DT1",
                              "--select=DT101 --ignore=DT101", "--ignore dt1 --extend-select DT2"}) {
    const auto r = run_dtlint("scan " + files + " " + options + " --fail-on error");
    EXPECT_FALSE(codes_in(r.out).contains("DT101")) << options << "\n" << r.out;
    EXPECT_EQ(r.out.find(": error "), std::string::npos) << options << "\n" << r.out;
    EXPECT_EQ(r.exit_code, 0) << options << "\n" << r.out << r.err;
  }
  for (const char* options : {"--ignore DT101", "--ignore cast-overflow", "--select DT1 --ignore DT10"}) {
    const auto r = run_dtlint("scan " + files + " " + options + " --fail-on error");
    EXPECT_FALSE(codes_in(r.out).contains("DT101")) << options << "\n" << r.out;
    for (const std::string& code : codes_in(r.out)) EXPECT_NE(code.substr(0, 4), "DT10") << options;
    EXPECT_EQ(r.exit_code, r.out.find(": error ") == std::string::npos ? 0 : 1) << options << "\n" << r.out;
  }
  // ... while a more specific --extend-select brings it back.
  const auto back = run_dtlint("scan " + files + " --ignore DT1 --extend-select DT101");
  EXPECT_EQ(back.exit_code, 1);
  for (const std::string& code : codes_in(back.out)) {
    EXPECT_TRUE(code == "DT101" || !code.starts_with("DT1")) << code << "\n" << back.out;
  }
  EXPECT_TRUE(codes_in(back.out).contains("DT101")) << back.out;

  // JSON: the selection applies to every format, and to the summary's counts.
  const auto json = run_dtlint("scan " + files + " --select DT101 --format json");
  const auto report = nlohmann::json::parse(json.out);
  std::size_t errors = 0;
  for (const auto& f : report["findings"]) {
    EXPECT_EQ(f["rule"], "DT101");
    errors += f["severity"] == "error";
  }
  EXPECT_GT(errors, 0u);
  EXPECT_EQ(report["summary"]["findings"]["error"], errors);
  EXPECT_EQ(report["summary"]["findings"]["warning"], 0);
  EXPECT_EQ(report["summary"]["findings"]["note"], 0);
}

TEST(CliConventions, UnreadableInputsStayUnlessIgnoredByName) {
  Inputs in;
  const auto selected = run_dtlint("scan " + in / "broken.npy" + " --select DT101");
  EXPECT_EQ(selected.exit_code, 1) << selected.out;
  EXPECT_EQ(codes_in(selected.out), std::set<std::string>{"E901"}) << selected.out;
  for (const char* options : {"--ignore E901", "--ignore E", "--select DT101 --ignore unreadable-input"}) {
    const auto ignored = run_dtlint("scan " + in / "broken.npy" + " " + options);
    EXPECT_EQ(ignored.exit_code, 0) << options << "\n" << ignored.out;
    EXPECT_TRUE(codes_in(ignored.out).empty()) << options << "\n" << ignored.out;
  }
}

TEST(CliConventions, UnselectedFindingsStayOutOfTheBaseline) {
  Inputs in;
  const std::string baseline = in.dir() / "baseline.json";
  const auto wrote =
      run_dtlint("scan " + in / "overflow.npy" + " --select DT101 --write-baseline '" + baseline + "'");
  ASSERT_EQ(wrote.exit_code, 0) << wrote.err;
  const auto entries = nlohmann::json::parse(read_file(baseline));
  std::set<std::string> rules;
  for (const auto& entry : entries["findings"]) rules.insert(entry["rule"].get<std::string>());
  EXPECT_EQ(rules, std::set<std::string>{"DT101"}) << entries.dump();
}

TEST(CliConventions, ExitZero) {
  Inputs in;
  const auto r = run_dtlint("scan " + in / "overflow.npy" + " " + in / "broken.npy" + " --exit-zero");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(codes_in(r.out).contains("DT101")) << r.out;
  EXPECT_TRUE(codes_in(r.out).contains("E901")) << r.out;
  EXPECT_EQ(run_dtlint("scan " + in / "overflow.npy" + " --exit-zero --fail-on note").exit_code, 0);
  // Usage and configuration errors still exit 2.
  EXPECT_EQ(run_dtlint("scan " + in / "overflow.npy" + " --exit-zero --targets float99").exit_code, 2);
  EXPECT_EQ(run_dtlint("scan " + in / "overflow.npy" + " --exit-zero --select DT999").exit_code, 2);
}

TEST(CliConventions, OutputFormatAndShortOutputAreAliases) {
  Inputs in;
  const auto format = run_dtlint("scan " + in / "overflow.npy" + " --format json --fail-on never");
  const auto alias = run_dtlint("scan " + in / "overflow.npy" + " --output-format json --fail-on never");
  EXPECT_EQ(alias.exit_code, 0) << alias.err;
  EXPECT_EQ(format.out, alias.out);
  EXPECT_NO_THROW(nlohmann::json::parse(alias.out));
  const std::string a = in.dir() / "a.json", b = in.dir() / "b.json";
  EXPECT_EQ(run_dtlint("scan " + in / "overflow.npy" + " --format json --output '" + a + "'").exit_code, 1);
  const auto short_output = run_dtlint("scan " + in / "overflow.npy" + " --format json -o '" + b + "'");
  EXPECT_EQ(short_output.exit_code, 1);
  EXPECT_TRUE(short_output.out.empty());
  EXPECT_FALSE(read_file(b).empty());
  EXPECT_EQ(read_file(a), read_file(b));
}

TEST(CliConventions, TheLastOfARepeatedOptionWins) {
  Inputs in;
  const std::string file = in / "overflow.npy";
  const auto text = run_dtlint("scan " + file + " --format json --format text");
  EXPECT_NE(text.out.find("DT101"), std::string::npos);
  EXPECT_EQ(text.out.find("\"schema_version\""), std::string::npos) << text.out;
  EXPECT_EQ(run_dtlint("scan " + file + " --fail-on never --fail-on error").exit_code, 1);
  EXPECT_EQ(run_dtlint("scan " + file + " --fail-on error --fail-on never").exit_code, 0);
  EXPECT_EQ(
      run_dtlint("scan " + file + " --exit-zero --exit-zero -q -q --no-progress --no-progress").exit_code, 0);

  const auto json =
      run_dtlint("scan " + file +
                 " --format json --targets float16 --targets bfloat16,float32 --semantics torch "
                 "--semantics numpy --threads 3 --threads 1 --fail-on never");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["targets"], nlohmann::json::parse(R"(["bfloat16", "float32"])"));
  EXPECT_EQ(report["semantics"], "numpy");

  const std::string first = in.dir() / "first.txt", second = in.dir() / "second.txt";
  EXPECT_EQ(run_dtlint("scan " + file + " --output '" + first + "' -o '" + second + "'").exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(first));
  EXPECT_NE(read_file(second).find("DT101"), std::string::npos);

  // List options add up.
  const auto excluded = run_dtlint("scan '" + in.dir().path().string() +
                                   "' --exclude '**/overflow.npy' --exclude '**/broken.npy' --format json");
  EXPECT_EQ(excluded.exit_code, 0) << excluded.out;
  EXPECT_EQ(nlohmann::json::parse(excluded.out)["summary"]["inputs"], 1);
  const auto selects = run_dtlint("scan " + file + " " + in / "broken.npy" + " --select DT101 --select E901");
  EXPECT_EQ(codes_in(selects.out), (std::set<std::string>{"DT101", "E901"})) << selects.out;

  // dtlint config takes the last value too.
  const auto config = run_dtlint("config --semantics tf --semantics torch --fail-on note --fail-on warning",
                                 in.dir().path().string());
  EXPECT_NE(config.out.find("semantics: \"torch\""), std::string::npos) << config.out;
  EXPECT_NE(config.out.find("fail_on: \"warning\""), std::string::npos) << config.out;
}

TEST(CliConventions, DidYouMean) {
  Inputs in;
  struct Case {
    std::string args;
    const char* message;
  };
  const std::string file = in / "overflow.npy";
  for (const Case& c : {
           Case{"scan " + file + " --selct DT101", "unknown option '--selct'; did you mean --select?"},
           Case{"scan " + file + " --exit-zer", "unknown option '--exit-zer'; did you mean --exit-zero?"},
           Case{"scan " + file + " --extend-selec=DT101",
                "unknown option '--extend-selec'; did you mean --extend-select?"},
           Case{"scan " + file + " --frobnicate", "unknown option '--frobnicate'\n"},
           Case{"config --targts float16", "unknown option '--targts'; did you mean --targets?"},
           Case{"--verison", "unknown option '--verison'; did you mean --version?"},
           Case{"sacn " + file, "unknown command 'sacn'; did you mean scan?"},
           Case{"explian DT101", "unknown command 'explian'; did you mean explain?"},
           Case{"scan " + file + " --select DT1O1", "unknown rule 'DT1O1' in --select; did you mean DT101?"},
           Case{"explain DT1O1", "unknown rule code 'DT1O1'; did you mean DT101?"},
           Case{"explain cast-overflwo", "unknown rule code 'cast-overflwo'; did you mean cast-overflow?"},
           Case{"rules --markdwon x", "unknown option '--markdwon'; did you mean --markdown?"},
           Case{"scan " + file + " --format jsno", "--format: unknown format 'jsno'; did you mean json?"},
           Case{"scan " + file + " --output-format sarf",
                "--format: unknown format 'sarf'; did you mean sarif?"},
           Case{"scan " + file + " --semantics pytroch", "found 'pytroch'; did you mean torch?"},
           Case{"scan " + file + " --semantics tensorlfow", "found 'tensorlfow'; did you mean tensorflow?"},
           Case{"scan " + file + " --semantics jax", "(JAX is not simulated"},
           Case{"scan " + file + " --fail-on warnign", "found 'warnign'; did you mean warning?"},
           Case{"scan " + file + " --targets float16,flaot16",
                "unknown target dtype 'flaot16'; did you mean float16?"},
           Case{"scan " + file + " --targets bfloat61",
                "unknown target dtype 'bfloat61'; did you mean bfloat16?"},
           Case{"scan " + file + " --targets torch.flaot16", "did you mean float16?"},
           Case{"scan " + file + " --targets fp61", "unknown target dtype 'fp61'; did you mean float16?"},
           Case{"scan " + file + " --targets float",
                "ambiguous target dtype 'float': NumPy's float is float64"},
           Case{"scan " + file + " --targets i8", "ambiguous target dtype 'i8'"},
           Case{"scan " + file + " --targets fp8", "write float8_e4m3fn (e4m3) or float8_e5m2 (e5m2)"},
           Case{"scan " + file + " --targets complex64",
                "unknown target dtype 'complex64' (expected float16"},
       }) {
    const auto r = run_dtlint(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

// ------------------------------------------------------------------ dtype and profile spellings

// Spellings and the dtype each names, as the frameworks define them (NumPy
// 1.24's np.dtype(...), PyTorch 1.13's torch.float == torch.float32,
// torch.int == torch.int32, torch.long == torch.int64, torch.short ==
// torch.int16, safetensors' tags, OCP FP8's names).
struct Spellings {
  const char* canonical;
  std::vector<const char*> spellings;
};
const std::vector<Spellings> kSpellings{
    {"float16",
     {"float16", "FLOAT16", "fp16", "FP16", "f16", "F16", "half", "Half", "f2", "np.float16", "numpy.float16",
      "np.half", "torch.float16", "torch.half", "tf.float16", "tf.half", "jnp.float16"}},
    {"bfloat16",
     {"bfloat16", "BFloat16", "bf16", "BF16", "torch.bfloat16", "tf.bfloat16", "jnp.bfloat16",
      "ml_dtypes.bfloat16"}},
    {"float32",
     {"float32", "fp32", "FP32", "f32", "F32", "single", "f4", "np.float32", "np.single", "torch.float32",
      "torch.float", "tf.float32", "jnp.float32"}},
    {"float64",
     {"float64", "fp64", "f64", "F64", "double", "f8", "np.float64", "np.double", "torch.float64",
      "torch.double", "tf.float64", "tf.double"}},
    {"float8_e4m3fn",
     {"float8_e4m3fn", "e4m3", "E4M3", "e4m3fn", "fp8_e4m3", "FP8_E4M3", "fp8_e4m3fn", "F8_E4M3",
      "torch.float8_e4m3fn", "ml_dtypes.float8_e4m3fn", "jnp.float8_e4m3fn"}},
    {"float8_e5m2",
     {"float8_e5m2", "e5m2", "E5M2", "fp8_e5m2", "F8_E5M2", "torch.float8_e5m2", "ml_dtypes.float8_e5m2"}},
    {"int8", {"int8", "INT8", "i1", "I8", "np.int8", "torch.int8", "tf.int8", "np.byte"}},
    {"int16", {"int16", "i2", "i16", "I16", "torch.int16", "torch.short", "tf.int16"}},
    {"int32", {"int32", "i4", "i32", "I32", "np.int32", "np.intc", "torch.int32", "torch.int", "tf.int32"}},
    {"int64", {"int64", "i64", "I64", "torch.int64", "torch.long", "tf.int64", "jnp.int64"}},
    {"uint8", {"uint8", "u1", "U8", "np.uint8", "np.ubyte", "torch.uint8", "tf.uint8"}},
    {"uint16", {"uint16", "u2", "u16", "U16", "tf.uint16"}},
    {"uint32", {"uint32", "u4", "u32", "U32", "tf.uint32"}},
    {"uint64", {"uint64", "u64", "U64", "tf.uint64"}},
};

TEST(DTypeSpellings, EachNamesItsDtype) {
  for (const Spellings& group : kSpellings) {
    for (const char* spelling : group.spellings) {
      const std::optional<DType> type = dtype_from_name(spelling);
      ASSERT_TRUE(type) << spelling;
      EXPECT_EQ(name(*type), group.canonical) << spelling;
    }
  }
  EXPECT_EQ(dtype_from_name("np.longdouble"), DType::LongDouble);
  EXPECT_EQ(dtype_from_name("torch.bool"), DType::Bool);
  EXPECT_EQ(dtype_from_name("np.bool_"), DType::Bool);
}

TEST(DTypeSpellings, AmbiguousOrForeignSpellingsAreRefusedWithTheReason) {
  // Case tells the conventions apart for the short codes: NumPy's "i8" is int64, safetensors' "I8" int8.
  for (const char* text :
       {"float", "FLOAT", "int", "i8", "u8", "F8", "fp8", "FP8", "float8", "float8_e4m3"}) {
    EXPECT_EQ(dtype_from_name(text), std::nullopt) << text;
    EXPECT_FALSE(ambiguous_dtype_note(text).empty()) << text;
  }
  // Neither a dtype nor ambiguous: unknown, without a note.
  for (const char* text :
       {"F2", "I4", "np.fp16", "torch.f16", "torch.e4m3", "float99", "e4m3fnuz", "object", ""}) {
    EXPECT_EQ(dtype_from_name(text), std::nullopt) << text;
    EXPECT_TRUE(ambiguous_dtype_note(text).empty()) << text;
  }
  EXPECT_TRUE(ambiguous_dtype_note("float16").empty());
  EXPECT_TRUE(ambiguous_dtype_note("I8").empty());
  EXPECT_EQ(dtype_suggestion("flaot32"), "; did you mean float32?");
  EXPECT_EQ(dtype_suggestion("xyzzy"), "");
}

// Every spelling of a dtype through --targets: the run's targets are the canonical name, once.
TEST(DTypeSpellings, ThroughTargets) {
  TempDir dir;  // no configuration here or above
  for (const Spellings& group : kSpellings) {
    std::string list;
    for (const char* spelling : group.spellings) list += (list.empty() ? "" : ",") + std::string(spelling);
    const auto r = run_dtlint("config --targets '" + list + "'", dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << list << "\n" << r.err;
    EXPECT_NE(r.out.find("targets: [\"" + std::string(group.canonical) + "\"]\n"), std::string::npos)
        << list << "\n"
        << r.out;
  }
  // And a scan's report prints the canonical names.
  write_text(dir / "a.npy", npy_bytes("<f8", "(4,)", doubles({70000.0, 1.0, 2.0, 3.0})));
  const auto scan = run_dtlint(
      "scan a.npy --format json --fail-on never --targets FP16,torch.bfloat16,tf.int32", dir.path().string());
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  const auto report = nlohmann::json::parse(scan.out);
  EXPECT_EQ(report["targets"], nlohmann::json::parse(R"(["float16", "bfloat16", "int32"])"));
  for (const auto& cast : report["arrays"][0]["casts"]) {
    const std::string target = cast["target"];
    EXPECT_TRUE(target == "float16" || target == "bfloat16" || target == "int32") << target;
  }
}

// Every spelling through a configuration file: targets, per_path targets,
// tolerances' keys, a pipeline entry's cast and expect_dtype.
TEST(DTypeSpellings, ThroughAConfigurationFile) {
  for (const Spellings& group : kSpellings) {
    for (const char* spelling : group.spellings) {
      SCOPED_TRACE(spelling);
      TempDir dir;
      const std::string quoted = "\"" + std::string(spelling) + "\"";
      write_text(dir / ".dtlint.yaml",
                 "targets: [" + quoted + "]\nper_path:\n  - paths: [\"a/**\"]\n    targets: [" + quoted +
                     "]\ntolerances:\n  " + quoted +
                     ": {rtol: 0.001}\npipeline:\n  - source: data.npy\n    cast: " + quoted +
                     "\n    expect_dtype: " + quoted + "\n");
      const Config config = load_config(dir / ".dtlint.yaml");
      const DType expected = *dtype_from_name(group.canonical);
      EXPECT_EQ(config.settings.targets, std::vector<DType>{expected});
      ASSERT_EQ(config.settings.tolerances.size(), 1u);
      EXPECT_EQ(config.settings.tolerances.begin()->first, expected);
      ASSERT_EQ(config.per_path.size(), 1u);
      EXPECT_EQ(config.per_path[0].settings.targets, std::vector<DType>{expected});
      ASSERT_EQ(config.pipeline.size(), 1u);
      EXPECT_EQ(config.pipeline[0].cast, expected);
      EXPECT_EQ(config.pipeline[0].expect_dtype, expected);
      // dtlint config writes the canonical name.
      EXPECT_NE(render_config(config).find("\"" + std::string(group.canonical) + "\""), std::string::npos);
    }
  }
  TempDir dir;
  write_text(dir / ".dtlint.toml", "targets = [\"fp16\", \"flaot32\"]\n");
  try {
    load_config(dir / ".dtlint.toml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(
        std::string(e.what()).find(":1: targets[1]: unknown target dtype 'flaot32'; did you mean float32?"),
        std::string::npos)
        << e.what();
  }
  write_text(dir / ".dtlint.yaml", "pipeline:\n  - source: x.npy\n    cast: float16\n    expect_dtype: i8\n");
  try {
    load_config(dir / ".dtlint.yaml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  ":4: pipeline[0].expect_dtype: ambiguous dtype 'i8': NumPy's 'i8' is int64"),
              std::string::npos)
        << e.what();
  }
}

TEST(RuleCodes, AMistypedCodeInAConfigurationGetsASuggestion) {
  TempDir dir;
  write_text(dir / ".dtlint.yaml", "rules:\n  DT1O5: off\n");
  try {
    load_config(dir / ".dtlint.yaml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":2: rules.DT1O5: unknown rule code 'DT1O5'; did you mean DT105?"),
              std::string::npos)
        << e.what();
  }
}

TEST(ProfileSpellings, CommandLineAndConfiguration) {
  const std::vector<std::pair<const char*, const char*>> spellings{
      {"numpy", "numpy"},   {"np", "numpy"},         {"NumPy", "numpy"},   {"tensorflow", "tensorflow"},
      {"tf", "tensorflow"}, {"keras", "tensorflow"}, {"TF", "tensorflow"}, {"torch", "torch"},
      {"pytorch", "torch"}, {"PyTorch", "torch"},    {"pt", "torch"}};
  TempDir dir;
  for (const auto& [spelling, canonical] : spellings) {
    SCOPED_TRACE(spelling);
    const auto r = run_dtlint(std::string("config --semantics ") + spelling, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("semantics: \"" + std::string(canonical) + "\"\n"), std::string::npos) << r.out;
    write_text(dir / ".dtlint.yaml",
               std::string("semantics: ") + spelling +
                   "\npipeline:\n  - source: x.npy\n    cast: float16\n    semantics: " + spelling + "\n");
    const Config config = load_config(dir / ".dtlint.yaml");
    EXPECT_EQ(to_string(*config.semantics), canonical);
    EXPECT_EQ(to_string(*config.pipeline[0].semantics), canonical);
    std::filesystem::remove(dir / ".dtlint.yaml");
  }
  write_text(dir / ".dtlint.yaml", "semantics: jax\n");
  try {
    load_config(dir / ".dtlint.yaml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  ":1: semantics: expected numpy, tensorflow or torch, found the text \"jax\" (JAX is "
                  "not simulated"),
              std::string::npos)
        << e.what();
  }
}

// ------------------------------------------------------------------ -q

TEST(CliConventions, QuietPrintsOnlyFindings) {
  Inputs in;
  const auto none = run_dtlint("scan " + in / "clean.npy" + " --select DT101 -q");
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, "");
  const auto loud = run_dtlint("scan " + in / "clean.npy" + " --select DT101");
  EXPECT_NE(loud.out.find("No findings.\n"), std::string::npos) << loud.out;

  const auto some = run_dtlint("scan " + in / "overflow.npy" + " --select DT101 --quiet");
  EXPECT_EQ(some.exit_code, 1);
  std::istringstream lines(some.out);
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_NE(line.find(": error DT101 "), std::string::npos) << line;
  }
  EXPECT_GT(count, 0u);

  // Other formats do not change.
  for (const char* format : {"json", "sarif", "github"}) {
    const std::string scan = "scan " + in / "clean.npy" + " --select DT101 --format " + format;
    EXPECT_EQ(run_dtlint(scan + " -q").out, run_dtlint(scan).out) << format;
  }
}

TEST(Spelling, DistanceAndSuggestions) {
  EXPECT_EQ(spelling_distance("", ""), 0u);
  EXPECT_EQ(spelling_distance("select", "SELECT"), 0u);
  EXPECT_EQ(spelling_distance("selct", "select"), 1u);
  EXPECT_EQ(spelling_distance("flaot", "float"), 1u);  // a swap is one edit
  EXPECT_EQ(spelling_distance("kitten", "sitting"), 3u);
  const std::vector<std::string_view> words{"select", "extend-select", "exclude"};
  EXPECT_EQ(closest_spelling("selcet", words), "select");
  EXPECT_EQ(closest_spelling("xyz", words), std::nullopt);
  EXPECT_EQ(did_you_mean("exlude", words), "; did you mean exclude?");
  EXPECT_EQ(did_you_mean("zzzzzz", words), "");
}

}  // namespace
}  // namespace dtlint
