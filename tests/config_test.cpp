// The configuration file (rules/config.h): YAML, TOML and pyproject.toml give
// the same Config and the same errors; find_config's search; per_path
// overlays; glob matching; render_config's round trip.
#include "rules/config.h"
#include "rules/registry.h"
#include "rules/suppressions.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const fs::path path = dir.path() / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// ------------------------------------------------------------ comparisons

std::string show(const RuleSetting& s) {
  std::ostringstream out;
  out << "{off=" << s.off << " severity=" << (s.severity ? std::string(to_string(*s.severity)) : "-")
      << " options=" << s.options.size() << "}";
  return out.str();
}

bool same(const RuleSetting& a, const RuleSetting& b) {
  return a.off == b.off && a.severity == b.severity && a.options == b.options;
}

testing::AssertionResult same_settings(const Settings& a, const Settings& b, const std::string& where) {
  if (a.targets != b.targets) return testing::AssertionFailure() << where << ": targets differ";
  if (a.rules.size() != b.rules.size()) return testing::AssertionFailure() << where << ": rule counts differ";
  for (const auto& [code, setting] : a.rules) {
    const auto other = b.rules.find(code);
    if (other == b.rules.end()) return testing::AssertionFailure() << where << ": " << code << " missing";
    if (!same(setting, other->second)) {
      return testing::AssertionFailure()
             << where << ": " << code << " " << show(setting) << " vs " << show(other->second);
    }
  }
  if (a.tolerances.size() != b.tolerances.size()) {
    return testing::AssertionFailure() << where << ": tolerance counts differ";
  }
  for (const auto& [type, tolerance] : a.tolerances) {
    const auto other = b.tolerances.find(type);
    if (other == b.tolerances.end() || tolerance.rtol != other->second.rtol ||
        tolerance.atol != other->second.atol) {
      return testing::AssertionFailure() << where << ": tolerance for " << name(type) << " differs";
    }
  }
  return testing::AssertionSuccess();
}

// Every field but file, root and line numbers.
testing::AssertionResult same_config(const Config& a, const Config& b) {
  if (a.semantics != b.semantics) return testing::AssertionFailure() << "semantics differ";
  if (a.fail_on != b.fail_on) return testing::AssertionFailure() << "fail_on differs";
  if (a.exclude != b.exclude) return testing::AssertionFailure() << "exclude differs";
  if (auto r = same_settings(a.settings, b.settings, "top level"); !r) return r;
  if (a.per_path.size() != b.per_path.size()) return testing::AssertionFailure() << "per_path sizes differ";
  for (std::size_t i = 0; i < a.per_path.size(); ++i) {
    const std::string where = "per_path[" + std::to_string(i) + "]";
    if (a.per_path[i].paths != b.per_path[i].paths) {
      return testing::AssertionFailure() << where << ".paths differ";
    }
    if (auto r = same_settings(a.per_path[i].settings, b.per_path[i].settings, where); !r) return r;
  }
  if (a.ignore.size() != b.ignore.size()) return testing::AssertionFailure() << "ignore sizes differ";
  for (std::size_t i = 0; i < a.ignore.size(); ++i) {
    const Suppression &x = a.ignore[i], &y = b.ignore[i];
    if (x.path != y.path || x.member != y.member || x.rules != y.rules || x.reason != y.reason) {
      return testing::AssertionFailure() << "ignore[" << i << "] differs";
    }
  }
  return testing::AssertionSuccess();
}

// Passes when loading `file` throws a ConfigError at exactly this line and
// key whose message contains `phrase`.
testing::AssertionResult fails_at(const std::string& file, int line, const std::string& key,
                                  std::string_view phrase) {
  try {
    load_config(file);
  } catch (const ConfigError& error) {
    const std::string what = error.what();
    if (error.file() != file) {
      return testing::AssertionFailure() << "file '" << error.file() << "' in " << what;
    }
    if (error.line() != line) return testing::AssertionFailure() << "line " << error.line() << " in " << what;
    if (error.key() != key) return testing::AssertionFailure() << "key '" << error.key() << "' in " << what;
    if (what.find(phrase) == std::string::npos) {
      return testing::AssertionFailure() << "\"" << what << "\" lacks \"" << phrase << "\"";
    }
    return testing::AssertionSuccess() << what;
  } catch (const std::exception& error) {
    return testing::AssertionFailure() << "not a ConfigError: " << error.what();
  }
  return testing::AssertionFailure() << "no error; expected \"" << phrase << "\"";
}

// ------------------------------------------------------ the three spellings

const std::string kRichYaml = R"(# every key
targets: [float16, bf16, float16]
semantics: torch
fail_on: warning
exclude: ["build/**", "*.tmp"]
rules:
  DT104: off
  dt105: note
  DT107: {severity: warning, fraction: .25}
tolerances:
  float16: {rtol: 1e-3, atol: 0}
  bfloat16:
    rtol: 0x10
per_path:
  - paths: ["data/**"]
    targets: [float32]
    rules: {DT101: warning}
    tolerances:
      float16: {atol: 1.5e-5}
  - paths: legacy/*.npy
    rules:
      DT107: {severity: off}
ignore:
  - path: weights/*.safetensors
    member: "layer.*.bias"
    rules: [DT101, dt102]
    reason: "biases are re-computed: see #12"
  - path: old.npy
    rules: DT104
    reason: frozen file
)";

const std::string kRichTomlBody = R"(targets = ["float16", "bf16", "float16"]
semantics = "torch"
fail_on = "warning"
exclude = ["build/**", "*.tmp"]

[PREFIXrules]
DT104 = "off"
dt105 = "note"
DT107 = { severity = "warning", fraction = 0.25 }

[PREFIXtolerances]
float16 = { rtol = 1e-3, atol = 0 }
bfloat16 = { rtol = 16 }

[[PREFIXper_path]]
paths = ["data/**"]
targets = ["float32"]
rules = { DT101 = "warning" }
tolerances = { float16 = { atol = 1.5e-5 } }

[[PREFIXper_path]]
paths = "legacy/*.npy"
rules.DT107.severity = "off"

[[PREFIXignore]]
path = "weights/*.safetensors"
member = "layer.*.bias"
rules = ["DT101", "dt102"]
reason = "biases are re-computed: see #12"

[[PREFIXignore]]
path = "old.npy"
rules = "DT104"
reason = "frozen file"
)";

std::string toml_with_prefix(const std::string& prefix) {
  std::string text = kRichTomlBody;
  for (std::size_t at; (at = text.find("PREFIX")) != std::string::npos;) text.replace(at, 6, prefix);
  return text;
}

TEST(ConfigLoad, EveryKeyFromYaml) {
  TempDir dir;
  const Config config = load_config(write(dir, ".dtlint.yaml", kRichYaml));
  EXPECT_EQ(config.semantics, Semantics::Torch);
  EXPECT_EQ(config.fail_on, "warning");
  EXPECT_EQ(config.exclude, (std::vector<std::string>{"build/**", "*.tmp"}));
  // Duplicates dropped, aliases resolved, order kept.
  EXPECT_EQ(config.settings.targets, (std::vector<DType>{DType::Float16, DType::BFloat16}));

  ASSERT_EQ(config.settings.rules.size(), 3u);
  EXPECT_TRUE(config.settings.rules.at("DT104").off);
  EXPECT_FALSE(config.settings.rules.at("DT104").severity);
  EXPECT_EQ(config.settings.rules.at("DT105").severity, Severity::Note);  // stored upper-case
  EXPECT_EQ(config.settings.rules.at("DT107").severity, Severity::Warning);
  EXPECT_EQ(config.settings.rules.at("DT107").options.at("fraction"), 0.25);

  ASSERT_EQ(config.settings.tolerances.size(), 2u);
  EXPECT_EQ(config.settings.tolerances.at(DType::Float16).rtol, 1e-3);
  EXPECT_EQ(config.settings.tolerances.at(DType::Float16).atol, 0.0);
  EXPECT_EQ(config.settings.tolerances.at(DType::BFloat16).rtol, 16.0);
  EXPECT_FALSE(config.settings.tolerances.at(DType::BFloat16).atol);

  ASSERT_EQ(config.per_path.size(), 2u);
  EXPECT_EQ(config.per_path[0].paths, std::vector<std::string>{"data/**"});
  EXPECT_EQ(config.per_path[0].line, 15);
  EXPECT_EQ(config.per_path[0].settings.targets, std::vector<DType>{DType::Float32});
  EXPECT_EQ(config.per_path[0].settings.rules.at("DT101").severity, Severity::Warning);
  EXPECT_EQ(config.per_path[0].settings.tolerances.at(DType::Float16).atol, 1.5e-5);
  EXPECT_EQ(config.per_path[1].paths, std::vector<std::string>{"legacy/*.npy"});  // a single glob
  EXPECT_FALSE(config.per_path[1].settings.targets);
  EXPECT_TRUE(config.per_path[1].settings.rules.at("DT107").off);

  ASSERT_EQ(config.ignore.size(), 2u);
  EXPECT_EQ(config.ignore[0].path, "weights/*.safetensors");
  EXPECT_EQ(config.ignore[0].member, "layer.*.bias");
  EXPECT_EQ(config.ignore[0].rules, (std::vector<std::string>{"DT101", "DT102"}));
  EXPECT_EQ(config.ignore[0].reason, "biases are re-computed: see #12");
  EXPECT_EQ(config.ignore[0].line, 24);
  EXPECT_EQ(config.ignore[1].rules, std::vector<std::string>{"DT104"});  // a single code
  EXPECT_FALSE(config.ignore[1].member);
  EXPECT_EQ(config.ignore[1].line, 28);
}

TEST(ConfigLoad, TomlAndPyprojectEqualYaml) {
  TempDir dir;
  const Config yaml = load_config(write(dir, "a/.dtlint.yaml", kRichYaml));
  const Config toml = load_config(write(dir, "b/.dtlint.toml", toml_with_prefix("")));
  const Config pyproject =
      load_config(write(dir, "c/pyproject.toml",
                        "[project]\nname = \"demo\"\n\n[tool.other]\nx = 1\n\n[tool.dtlint]\n" +
                            toml_with_prefix("tool.dtlint.")));
  EXPECT_TRUE(same_config(yaml, toml));
  EXPECT_TRUE(same_config(yaml, pyproject));
  // TOML keeps the file order of array tables and reports their header lines.
  ASSERT_EQ(toml.per_path.size(), 2u);
  EXPECT_EQ(toml.per_path[0].line, 15);
  EXPECT_EQ(toml.ignore[1].line, 31);
  EXPECT_EQ(pyproject.ignore[1].line, 38);
}

TEST(ConfigLoad, FileAndRoot) {
  TempDir dir;
  write(dir, "proj/.dtlint.yml", "semantics: numpy\n");
  const std::string given = (dir.path() / "proj" / "sub" / ".." / ".dtlint.yml").string();
  fs::create_directories(dir.path() / "proj" / "sub");
  const Config config = load_config(given);
  EXPECT_EQ(config.file, given);
  EXPECT_EQ(config.root, fs::path(dir.path() / "proj").lexically_normal());
  EXPECT_TRUE(config.root.is_absolute());
}

TEST(ConfigLoad, EmptyFilesAreEmptyConfigs) {
  TempDir dir;
  for (const std::string& file :
       {write(dir, "a/.dtlint.yaml", ""), write(dir, "b/.dtlint.yaml", "# nothing\n"),
        write(dir, "c/.dtlint.toml", ""), write(dir, "d/pyproject.toml", "[tool.dtlint]\n")}) {
    const Config config = load_config(file);
    EXPECT_TRUE(same_config(config, Config{})) << file;
    EXPECT_EQ(config.file, file);
  }
}

TEST(ConfigLoad, RuleValueOffIsAWord) {
  TempDir dir;
  // Plain, quoted, and as the severity of a map: all the word "off".
  const Config config = load_config(
      write(dir, ".dtlint.yaml", "rules:\n  DT104: off\n  DT105: \"off\"\n  DT106: {severity: 'off'}\n"));
  for (const char* code : {"DT104", "DT105", "DT106"}) {
    EXPECT_TRUE(config.settings.rules.at(code).off) << code;
    EXPECT_FALSE(config.settings.rules.at(code).severity) << code;
  }
  // A boolean is not a rule setting, in either format.
  EXPECT_TRUE(fails_at(write(dir, "b/.dtlint.yaml", "rules:\n  DT101: false\n"), 2, "rules.DT101",
                       "expected off, error, warning, note or a map {severity}, found a boolean (false)"));
  EXPECT_TRUE(fails_at(write(dir, "c/.dtlint.toml", "[rules]\nDT101 = false\n"), 2, "rules.DT101",
                       "expected off, error, warning, note or a map {severity}, found a boolean (false)"));
  // The map's keys are the rule's own: severity, and the options it declares.
  EXPECT_TRUE(
      fails_at(write(dir, "d/.dtlint.yaml", "rules:\n  DT107: false\n"), 2, "rules.DT107",
               "expected off, error, warning, note or a map {severity, fraction}, found a boolean (false)"));
  EXPECT_TRUE(fails_at(write(dir, "e/.dtlint.yaml", "rules:\n  DT107: {fraction: 1.5}\n"), 2,
                       "rules.DT107.fraction", "expected a number from 0 to 1, found a number (1.5)"));
}

TEST(ConfigLoad, YamlNumberSpellings) {
  TempDir dir;
  const Config config = load_config(write(dir, ".dtlint.yaml",
                                          "tolerances:\n  float16: {rtol: 0o10, atol: +2.5E-1}\n"
                                          "  float32: {rtol: 12, atol: 3.}\n"));
  EXPECT_EQ(config.settings.tolerances.at(DType::Float16).rtol, 8.0);
  EXPECT_EQ(config.settings.tolerances.at(DType::Float16).atol, 0.25);
  EXPECT_EQ(config.settings.tolerances.at(DType::Float32).rtol, 12.0);
  EXPECT_EQ(config.settings.tolerances.at(DType::Float32).atol, 3.0);
  // A quoted number is text, not a number.
  EXPECT_TRUE(fails_at(write(dir, "b/.dtlint.yaml", "tolerances:\n  float16: {rtol: \"0.1\"}\n"), 2,
                       "tolerances.float16.rtol",
                       "expected a non-negative finite number, found the text \"0.1\""));
}

// --------------------------------------------------------------- errors

// One mistake spelled in YAML and in TOML: the same key and message, each at its own line.
struct ErrorCase {
  const char* yaml;
  int yaml_line;
  const char* toml;
  int toml_line;
  const char* key;
  const char* phrase;
};

const ErrorCase kErrorCases[] = {
    // unknown keys, at every level
    {"targets: [float16]\ncolour: red\n", 2, "targets = [\"float16\"]\ncolour = \"red\"\n", 2, "colour",
     "unknown key (expected one of: targets, semantics, fail_on, exclude, max_file_size, fp8_scale, rules, "
     "tolerances, per_path, ignore, pipeline)"},
    {"fp8_scale: always\n", 1, "fp8_scale = \"always\"\n", 1, "fp8_scale", "expected auto or none, found"},
    {"fp8_scale: [auto]\n", 1, "fp8_scale = [\"auto\"]\n", 1, "fp8_scale", "expected auto or none, found"},
    {"per_path:\n  - paths: [a]\n    target: [float16]\n", 3,
     "[[per_path]]\npaths = [\"a\"]\ntarget = [\"float16\"]\n", 3, "per_path[0].target",
     "unknown key (expected one of: paths, targets, rules, tolerances)"},
    {"tolerances:\n  float16:\n    rtol: 0.1\n    reltol: 0.1\n", 4,
     "[tolerances.float16]\nrtol = 0.1\nreltol = 0.1\n", 3, "tolerances.float16.reltol",
     "unknown key (expected one of: rtol, atol)"},
    {"rules:\n  DT107:\n    level: note\n", 3, "[rules.DT107]\nlevel = \"note\"\n", 2, "rules.DT107.level",
     "unknown key (expected one of: severity, fraction)"},
    {"ignore:\n  - path: a\n    rule: [DT101]\n", 3, "[[ignore]]\npath = \"a\"\nrule = [\"DT101\"]\n", 3,
     "ignore[0].rule", "unknown key (expected one of: path, member, rules, reason)"},
    // pipeline entries: a map with a source and a cast, known keys, real dtypes
    {"pipeline:\n  - [float32, float16]\n", 2, "pipeline = [[\"float32\", \"float16\"]]\n", 1, "pipeline[0]",
     "expected a map {name, source, cast, semantics, rtol, atol, expect_dtype}, found a list"},
    {"pipeline:\n  - source: a.npy\n", 2, "[[pipeline]]\nsource = \"a.npy\"\n", 1, "pipeline[0].cast",
     "missing required key (the dtype the data is cast to)"},
    {"pipeline:\n  - cast: float16\n", 2, "[[pipeline]]\ncast = \"float16\"\n", 1, "pipeline[0].source",
     "missing required key (the data the cast applies to"},
    {"pipeline:\n  - source: a.npy\n    cast: float17\n", 3,
     "[[pipeline]]\nsource = \"a.npy\"\ncast = \"float17\"\n", 3, "pipeline[0].cast",
     "unknown target dtype 'float17'"},
    {"pipeline:\n  - source: a.npy\n    cast: float16\n    target: int8\n", 4,
     "[[pipeline]]\nsource = \"a.npy\"\ncast = \"float16\"\ntarget = \"int8\"\n", 4, "pipeline[0].target",
     "unknown key (expected one of: name, source, cast, semantics, rtol, atol, expect_dtype)"},
    {"pipeline:\n  - source: a.npy\n    cast: float16\n    expect_dtype: float99\n", 4,
     "[[pipeline]]\nsource = \"a.npy\"\ncast = \"float16\"\nexpect_dtype = \"float99\"\n", 4,
     "pipeline[0].expect_dtype", "unknown dtype 'float99'"},
    {"pipeline:\n  - source: a.npy\n    cast: float16\n    semantics: jax\n", 4,
     "[[pipeline]]\nsource = \"a.npy\"\ncast = \"float16\"\nsemantics = \"jax\"\n", 4,
     "pipeline[0].semantics", "expected numpy, tensorflow or torch"},
    {"pipeline:\n  - source: a.npy\n    cast: float16\n    rtol: -1\n", 4,
     "[[pipeline]]\nsource = \"a.npy\"\ncast = \"float16\"\nrtol = -1\n", 4, "pipeline[0].rtol",
     "expected a non-negative finite number"},
    // wrong types and values
    {"semantics: numpy\ntargets: 16\n", 2, "semantics = \"numpy\"\ntargets = 16\n", 2, "targets",
     "expected a list of dtype names, found a number (16)"},
    {"targets: []\n", 1, "targets = []\n", 1, "targets",
     "expected a list of dtype names, found an empty list"},
    {"targets:\n  - float16\n  - 3\n", 3, "targets = [\n  \"float16\",\n  3,\n]\n", 3, "targets[1]",
     "expected a dtype name, found a number (3)"},
    {"targets: [float16, float12]\n", 1, "targets = [\"float16\", \"float12\"]\n", 1, "targets[1]",
     "unknown target dtype 'float12'"},
    {"targets: [complex64]\n", 1, "targets = [\"complex64\"]\n", 1, "targets[0]",
     "unknown target dtype 'complex64'"},
    {"tolerances:\n  float12: {rtol: 0.1}\n", 2, "[tolerances]\nfloat12 = { rtol = 0.1 }\n", 2,
     "tolerances.float12", "unknown target dtype 'float12'"},
    {"semantics: jax\n", 1, "semantics = \"jax\"\n", 1, "semantics",
     "expected numpy, tensorflow or torch, found the text \"jax\""},
    {"fail_on: always\n", 1, "fail_on = \"always\"\n", 1, "fail_on",
     "expected error, warning, note or never"},
    {"exclude: build\n", 1, "exclude = \"build\"\n", 1, "exclude",
     "expected a list of globs, found the text \"build\""},
    {"rules: [DT101]\n", 1, "rules = [\"DT101\"]\n", 1, "rules",
     "expected a map of rule codes to settings, found a list"},
    // rule codes and settings
    {"rules:\n  DT104: off\n  DT999: note\n", 3, "[rules]\nDT104 = \"off\"\nDT999 = \"note\"\n", 3,
     "rules.DT999", "unknown rule code 'DT999'"},
    {"rules:\n  cast-overflow: off\n", 2, "[rules]\ncast-overflow = \"off\"\n", 2, "rules.cast-overflow",
     "is a rule name; use its code DT101"},
    {"rules:\n  DT101: fatal\n", 2, "[rules]\nDT101 = \"fatal\"\n", 2, "rules.DT101",
     "expected off, error, warning, note or a map {severity}, found the text \"fatal\""},
    {"rules:\n  DT104:\n    severity: loud\n", 3, "[rules.DT104]\nseverity = \"loud\"\n", 2,
     "rules.DT104.severity", "expected off, error, warning or note, found the text \"loud\""},
    {"rules:\n  DT104: {severity: note, fraction: 0.5}\n", 2,
     "[rules]\nDT104 = { severity = \"note\", fraction = 0.5 }\n", 2, "rules.DT104.fraction",
     "fraction is only accepted by DT107"},
    {"rules:\n  DT107:\n    fraction: 1.5\n", 3, "[rules.DT107]\nfraction = 1.5\n", 2, "rules.DT107.fraction",
     "expected a number from 0 to 1, found a number (1.5)"},
    {"rules:\n  DT104: off\n  dt104: note\n", 3, "[rules]\nDT104 = \"off\"\ndt104 = \"note\"\n", 3,
     "rules.dt104", "DT104 is already set at line "},
    // tolerances
    {"per_path:\n  - paths: a\n    tolerances:\n      float16:\n        rtol: -1\n", 5,
     "[[per_path]]\npaths = \"a\"\n[per_path.tolerances.float16]\nrtol = -1\n", 4,
     "per_path[0].tolerances.float16.rtol", "expected a non-negative finite number, found a number (-1)"},
    {"tolerances:\n  float16: {atol: .inf}\n", 2, "[tolerances.float16]\natol = inf\n", 2,
     "tolerances.float16.atol", "expected a non-negative finite number, found a number (inf)"},
    {"tolerances:\n  half: {atol: 1}\n  float16: {atol: 2}\n", 3,
     "[tolerances]\nhalf = { atol = 1 }\nfloat16 = { atol = 2 }\n", 3, "tolerances.float16",
     "float16 is already set at line "},
    // per_path and ignore entries
    {"per_path:\n  - targets: [float16]\n", 2, "[[per_path]]\ntargets = [\"float16\"]\n", 1,
     "per_path[0].paths", "missing required key"},
    {"per_path:\n  - paths: []\n", 2, "[[per_path]]\npaths = []\n", 2, "per_path[0].paths",
     "expected a glob or a list of globs, found an empty list"},
    {"ignore:\n  - path: a.npy\n    rules: [DT101]\n", 2,
     "[[ignore]]\npath = \"a.npy\"\nrules = [\"DT101\"]\n", 1, "ignore[0].reason", "missing required key"},
    {"ignore:\n  - path: a.npy\n    rules: [DT101]\n    reason: \"  \"\n", 4,
     "[[ignore]]\npath = \"a.npy\"\nrules = [\"DT101\"]\nreason = \"  \"\n", 4, "ignore[0].reason",
     "expected a reason, found an empty text"},
    {"ignore:\n  - path: a.npy\n    rules: []\n    reason: x\n", 3,
     "[[ignore]]\npath = \"a.npy\"\nrules = []\nreason = \"x\"\n", 3, "ignore[0].rules",
     "expected a rule code or a list of rule codes, found an empty list"},
    {"ignore:\n  - rules: DT101\n    reason: x\n", 2, "[[ignore]]\nrules = \"DT101\"\nreason = \"x\"\n", 1,
     "ignore[0].path", "missing required key"},
    {"ignore:\n  - path: a\n    rules: [DT101, DT998]\n    reason: x\n", 3,
     "[[ignore]]\npath = \"a\"\nrules = [\"DT101\", \"DT998\"]\nreason = \"x\"\n", 3, "ignore[0].rules[1]",
     "unknown rule code 'DT998'"},
    {"ignore: {path: a}\n", 1, "ignore = { path = \"a\" }\n", 1, "ignore",
     "expected a list of {path, member, rules, reason} maps, found a map"},
};

TEST(ConfigErrors, SameErrorInYamlAndToml) {
  int n = 0;
  for (const ErrorCase& c : kErrorCases) {
    TempDir dir;
    SCOPED_TRACE(c.key);
    EXPECT_TRUE(fails_at(write(dir, ".dtlint.yaml", c.yaml), c.yaml_line, c.key, c.phrase)) << "YAML #" << n;
    EXPECT_TRUE(fails_at(write(dir, ".dtlint.toml", c.toml), c.toml_line, c.key, c.phrase)) << "TOML #" << n;
    // pyproject.toml: keys relative to [tool.dtlint], lines of the whole file.
    std::istringstream lines(c.toml);
    std::string toml;
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("[")) line.insert(line.find_first_not_of('['), "tool.dtlint.");  // a table header
      toml += line + "\n";
    }
    const std::string pyproject = "[tool.dtlint]\n" + toml;
    EXPECT_TRUE(fails_at(write(dir, "pyproject.toml", pyproject), c.toml_line + 1, c.key, c.phrase))
        << "pyproject #" << n << "\n"
        << pyproject;
    ++n;
  }
}

TEST(ConfigErrors, WhatReadsFileLineKeyReason) {
  TempDir dir;
  const std::string file = write(dir, ".dtlint.yaml", "semantics: numpy\nrules:\n  DT999: off\n");
  try {
    load_config(file);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              file + ":3: rules.DT999: unknown rule code 'DT999' (`dtlint rules` lists them)");
  }
}

TEST(ConfigErrors, YamlOnly) {
  TempDir dir;
  EXPECT_TRUE(fails_at(write(dir, "a.yaml", "targets: [float16]\nsemantics: numpy\ntargets: [int8]\n"), 3,
                       "targets", "duplicate key (first set at line 1)"));
  EXPECT_TRUE(fails_at(write(dir, "b.yaml", "rules:\n  DT104: off\n  DT105: note\n  DT104: note\n"), 4,
                       "rules.DT104", "duplicate key (first set at line 2)"));
  EXPECT_TRUE(fails_at(write(dir, "c.yaml", "per_path:\n  - paths: a\n    paths: b\n"), 3,
                       "per_path[0].paths", "duplicate key (first set at line 2)"));
  EXPECT_TRUE(fails_at(write(dir, "d.yaml", "targets:\n"), 1, "targets",
                       "expected a list of dtype names, found an empty value"));
  EXPECT_TRUE(fails_at(write(dir, "e.yaml", "- float16\n- int8\n"), 1, "",
                       "expected a map of settings at the top level, found a list"));
  EXPECT_TRUE(fails_at(write(dir, "f.yml", "semantics: numpy\n---\nsemantics: torch\n"), 3, "",
                       "expected one YAML document, found 2"));
  // Nested aliases ("billion laughs") are refused, not expanded.
  std::string bomb = "a: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string previous = "*l" + std::to_string(i - 1);
    bomb += "b" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + previous;
    for (int k = 1; k < 10; ++k) bomb += ", " + previous;
    bomb += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(
      {
        try {
          load_config(write(dir, "bomb.yaml", bomb));
        } catch (const ConfigError& error) {
          EXPECT_NE(std::string(error.what()).find("aliases expand"), std::string::npos) << error.what();
          throw;
        }
      },
      ConfigError);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            testing_support::time_limit(5.0));
  // Aliases that stay small are fine.
  EXPECT_EQ(
      load_config(write(dir, "alias.yaml", "targets: &t [float16]\nper_path:\n  - {paths: a, targets: *t}\n"))
          .per_path[0]
          .settings.targets,
      std::vector<DType>{DType::Float16});
  // Syntax: an unclosed flow list; yaml-cpp reports where it gave up.
  EXPECT_TRUE(fails_at(write(dir, "g.yaml", "semantics: numpy\nexclude: [a, b\nfail_on: error\n"), 3, "",
                       "YAML syntax error"));
  EXPECT_TRUE(fails_at(write(dir, "h.yaml", "semantics: numpy\nrules:\n  DT104: off\n bad: indentation\n"), 4,
                       "", "YAML syntax error"));
}

TEST(ConfigErrors, TomlAndPyprojectOnly) {
  TempDir dir;
  EXPECT_TRUE(fails_at(write(dir, "a/.dtlint.toml", "targets = [\"float16\"]\nsemantics = numpy\n"), 2, "",
                       "TOML syntax error"));
  EXPECT_TRUE(fails_at(write(dir, "b/.dtlint.toml", "semantics = \"numpy\"\nsemantics = \"torch\"\n"), 2, "",
                       "TOML syntax error"));
  EXPECT_TRUE(fails_at(write(dir, "c/.dtlint.toml", "fail_on = 1979-05-27\n"), 1, "fail_on",
                       "expected error, warning, note or never, found a date/time (1979-05-27)"));
  EXPECT_TRUE(fails_at(write(dir, "d/pyproject.toml", "[project]\nname = \"x\"\n"), 1, "tool.dtlint",
                       "no [tool.dtlint] table"));
  EXPECT_TRUE(fails_at(write(dir, "e/pyproject.toml", "[tool]\ndtlint = 3\n"), 2, "tool.dtlint",
                       "expected a table, found a number (3)"));
  EXPECT_TRUE(fails_at(write(dir, "f/pyproject.toml", "[tool.dtlint]\ntargets = [\"float16\"\n"), 2, "",
                       "TOML syntax error"));
  EXPECT_TRUE(fails_at(write(dir, "g/pyproject.toml",
                             "[project]\nname = \"x\"\n\n[tool.dtlint]\ntargets = [\"float16\"]\n\n"
                             "[tool.dtlint.rules]\nDT999 = \"off\"\n"),
                       8, "rules.DT999", "unknown rule code 'DT999'"));
}

// toml++ 3.3 asks its generated Unicode tables whether a character is
// whitespace; for characters in a table's range that it does not list (é,
// U+00E9; Ж, U+0416; 〇, U+3007) the table ends in TOML_UNREACHABLE (see
// rules/CMakeLists.txt). What users see must still be right: a clean syntax
// error where such a character stands for whitespace, the text itself inside strings.
TEST(ConfigToml, NonAsciiWhereWhitespaceMayStand) {
  TempDir dir;
  // U+00A0, a no-break space, is one the table lists: still not TOML whitespace.
  for (const char* stray : {"\xC3\xA9", "\xD0\x96", "\xE3\x80\x87", "\xC2\xA0"}) {
    const std::string name =
        std::string("w") + std::to_string(static_cast<unsigned char>(stray[1])) + "/.dtlint.toml";
    EXPECT_TRUE(fails_at(write(dir, name, std::string("targets = [\"float16\"] ") + stray + "\n"), 1, "",
                         "TOML syntax error"))
        << stray;
  }
  const Config config = load_config(
      write(dir, "s/.dtlint.toml",
            "exclude = [\"caf\xC3\xA9/**\", \"\xD0\x96\xE3\x80\x87\"]\ntargets = [\"float16\"]\n"));
  ASSERT_EQ(config.exclude.size(), 2u);
  EXPECT_EQ(config.exclude[0], "caf\xC3\xA9/**");
  EXPECT_EQ(config.exclude[1], "\xD0\x96\xE3\x80\x87");
}

TEST(ConfigErrors, UnreadableOrUnknownFormat) {
  TempDir dir;
  const std::string missing = (dir.path() / ".dtlint.yaml").string();
  EXPECT_TRUE(fails_at(missing, 0, "", "cannot open: No such file or directory"));
  EXPECT_TRUE(fails_at(write(dir, "dtlint.json", "{}"), 0, "", "unknown configuration format"));
  fs::create_directories(dir.path() / "folder.yaml");
  EXPECT_TRUE(fails_at((dir.path() / "folder.yaml").string(), 0, "", "not a regular file (directory)"));
}

// A configuration file found upward that cannot be read is an error that names
// it, never a silent fall back to the defaults (hostile inputs, round two).
TEST(ConfigFind, WhatIsNotARegularFileIsFoundAndRefusedNotSkipped) {
  TempDir dir;
  fs::create_directories(dir.path() / "folder" / ".dtlint.yaml");
  fs::create_directories(dir.path() / "fifo");
  ASSERT_EQ(::mkfifo((dir.path() / "fifo" / ".dtlint.toml").c_str(), 0600), 0);
  fs::create_directories(dir.path() / "zero");
  fs::create_symlink("/dev/zero", dir.path() / "zero" / ".dtlint.yaml");
  fs::create_directories(dir.path() / "dangling");
  fs::create_symlink(dir.path() / "nothing", dir.path() / "dangling" / ".dtlint.yml");
  const std::pair<const char*, const char*> cases[] = {
      {"folder", "not a regular file (directory)"},
      {"fifo", "not a regular file (FIFO)"},
      {"zero", "not a regular file (character device)"},
      {"dangling", "cannot open: No such file or directory"},
  };
  for (const auto& [folder, reason] : cases) {
    SCOPED_TRACE(folder);
    const auto found = find_config(dir.path() / folder);
    ASSERT_TRUE(found);
    EXPECT_TRUE(fails_at(found->string(), 0, "", reason));
  }
}

// Found by tests/fuzz/fuzz_config: inputs the parsers choke on are ConfigErrors, promptly.

TEST(ConfigErrors, YamlStrayCommaIsAnErrorNotAnEndlessStream) {
  // yaml-cpp 0.7's LoadAll never returns on these (empty documents, forever, until memory runs out).
  TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(fails_at(write(dir, "a.yaml", ","), 1, "", "YAML syntax error: unexpected ','"));
  EXPECT_TRUE(fails_at(write(dir, "b.yaml", "[a], b\n"), 1, "", "YAML syntax error: unexpected ','"));
  EXPECT_TRUE(fails_at(write(dir, "c.yaml", "semantics: numpy\n---\n,\n"), 3, "",
                       "YAML syntax error: unexpected ','"));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            testing_support::time_limit(5.0));
  // Documents are still counted, at the second one's root (an empty one: where the stream ends).
  EXPECT_TRUE(fails_at(write(dir, "d.yaml", "a: 1\n---\nb: 2\n--- c\n...\n"), 3, "",
                       "expected one YAML document, found 3"));
  EXPECT_TRUE(fails_at(write(dir, "e.yaml", "---\n---\n"), 3, "", "expected one YAML document, found 2"));
  // One document, with or without markers, and none at all.
  EXPECT_EQ(load_config(write(dir, "f.yaml", "%YAML 1.2\n---\nsemantics: numpy\n...\n")).semantics,
            Semantics::NumPy);
  EXPECT_TRUE(same_config(load_config(write(dir, "g.yaml", "---\n")), Config{}));
}

TEST(ConfigErrors, DeepYamlNestingIsAnError) {
  TempDir dir;
  // yaml-cpp stops at 500 levels itself, with the message "bad file".
  EXPECT_TRUE(fails_at(write(dir, "a.yaml", std::string(600, '[')), 1, "",
                       "YAML syntax error: lists and maps nested too deeply (yaml-cpp stops at 500 levels)"));
  std::string block;
  for (int i = 0; i < 600; ++i) block += "- ";
  EXPECT_THROW(load_config(write(dir, "b.yaml", block + "x\n")), ConfigError);
}

TEST(ConfigLoad, LongYamlNumbersAreTypedWithoutRecursion) {
  // std::regex_match recursed once per character: a 200 000-digit scalar overflowed the stack.
  TempDir dir;
  EXPECT_TRUE(fails_at(write(dir, "a.yaml", "exclude: [" + std::string(200000, '7') + "]\n"), 1, "exclude[0]",
                       "expected a glob, found a number (inf)"));
  const Config tiny = load_config(
      write(dir, "b.yaml", "tolerances:\n  float16: {rtol: 0." + std::string(200000, '0') + "1}\n"));
  EXPECT_EQ(tiny.settings.tolerances.at(DType::Float16).rtol, 0.0);
  // The core schema's patterns, exactly: these are numbers...
  for (const char* number : {"1e5", "-.5", "+1.", "0o17", "0x1F", "-0", "2.5E-1", ".inf", "-.Inf", ".NAN"}) {
    EXPECT_TRUE(fails_at(write(dir, "c.yaml", std::string("exclude: [") + number + "]\n"), 1, "exclude[0]",
                         "expected a glob, found a number"))
        << number;
  }
  // ... and these are text.
  const std::vector<std::string> texts{"1e",   "0x",   "+",   "0o8", ".e5", "1.2.3", "1_000",
                                       "+0x1", "-0o7", "..5", "1e+", "inf", ".Nan",  "+.nan"};
  std::string list;
  for (const std::string& text : texts) list += (list.empty() ? "" : ", ") + text;
  EXPECT_EQ(load_config(write(dir, "d.yaml", "exclude: [" + list + "]\n")).exclude, texts);
}

TEST(ConfigErrors, DeepTomlNestingIsAnError) {
  // toml++ 3.3 limits nested arrays and inline tables, not dotted keys and
  // headers: some 30 000 levels overflowed the stack inside toml::parse.
  TempDir dir;
  std::string dotted;
  for (int i = 0; i < 100000; ++i) dotted += "a.";
  const std::string phrase = "TOML nested more than 256 levels deep";
  EXPECT_TRUE(
      fails_at(write(dir, "a/.dtlint.toml", "semantics = \"numpy\"\n" + dotted + "a = 1\n"), 2, "", phrase));
  EXPECT_TRUE(fails_at(write(dir, "b/.dtlint.toml", "[" + dotted + "a]\n"), 1, "", phrase));
  EXPECT_TRUE(fails_at(write(dir, "c/pyproject.toml", "[tool.dtlint]\n[tool.x]\n" + dotted + "a = 1\n"), 3,
                       "", phrase));
  // Headers, dotted keys, inline tables and arrays add up.
  std::string mixed = "[" + dotted.substr(0, 200) + "x]\n";  // 101 levels
  mixed += "y = [{" + dotted.substr(0, 320) + "z = 1}]\n";   // 101 + 1 + 1 + 1 + 160
  EXPECT_TRUE(fails_at(write(dir, "d/.dtlint.toml", mixed), 2, "", phrase));
  // Shallower nesting, and dots, brackets and braces in strings and comments, are not counted.
  std::string fine = "[" + dotted.substr(0, 400) + "x]\n";  // 201 levels
  fine += "# " + dotted + std::string(1000, '[') + "\n";
  fine += "s = \"" + dotted.substr(0, 1000) + "[{\\\"[[\"\n";
  fine += "t = '" + std::string(1000, '{') + "'\n";
  fine += "u = \"\"\"\n" + std::string(1000, '[') + "\n\"\"\"\"\n";
  fine += "v = '''" + dotted.substr(0, 1000) + "''''\n";
  fine += "w = [1.5, 2.5, 3.5, " + std::string("[4.5], ") + "{ k.l = 1, m = { n.o = 2 } }]\n";
  EXPECT_TRUE(fails_at(write(dir, "e/.dtlint.toml", fine), 1, "a", "unknown key"));
}

TEST(ConfigFind, PyprojectTooDeepToParseIsNotParsed) {
  TempDir dir;
  write(dir, ".dtlint.yaml", "");
  std::string dotted;
  for (int i = 0; i < 100000; ++i) dotted += "a.";
  // Someone else's pyproject.toml: skipped, not parsed (toml++ overflowed the stack on it).
  write(dir, "sub/pyproject.toml", "[tool.x]\n" + dotted + "a = 1\n");
  EXPECT_EQ(find_config(dir.path() / "sub"), dir.path() / ".dtlint.yaml");
  // One that mentions tool.dtlint is ours; load_config reports the nesting.
  const std::string ours = write(dir, "sub/pyproject.toml", "[tool.dtlint]\n" + dotted + "a = 1\n");
  EXPECT_EQ(find_config(dir.path() / "sub"), dir.path() / "sub" / "pyproject.toml");
  EXPECT_TRUE(fails_at(ours, 2, "", "TOML nested more than 256 levels deep"));
}

// ----------------------------------------------------------- small helpers

TEST(ConfigNames, TargetDtypeAndConfigFileNames) {
  EXPECT_EQ(target_dtype("float16"), DType::Float16);
  EXPECT_EQ(target_dtype("bf16"), DType::BFloat16);
  EXPECT_EQ(target_dtype("uint8"), DType::UInt8);
  EXPECT_EQ(target_dtype("float8_e4m3fn"), DType::Float8E4M3FN);
  EXPECT_FALSE(target_dtype("longdouble"));
  EXPECT_FALSE(target_dtype("float128"));
  EXPECT_FALSE(target_dtype("complex64"));
  EXPECT_FALSE(target_dtype("bool"));
  EXPECT_FALSE(target_dtype("object"));
  EXPECT_FALSE(target_dtype(""));

  for (const char* name : {".dtlint.yaml", ".dtlint.yml", ".dtlint.toml", "pyproject.toml"}) {
    EXPECT_TRUE(is_config_file_name(name)) << name;
  }
  for (const char* name :
       {"dtlint.yaml", ".dtlint.json", "Pyproject.toml", "x/.dtlint.yaml", ".dtlint.yaml "}) {
    EXPECT_FALSE(is_config_file_name(name)) << name;
  }
}

// ------------------------------------------------------------ find_config

TEST(ConfigFind, SearchOrderWithinAFolder) {
  TempDir dir;
  write(dir, ".dtlint.yaml", "");
  write(dir, ".dtlint.yml", "");
  write(dir, ".dtlint.toml", "");
  write(dir, "pyproject.toml", "[tool.dtlint]\n");
  for (const char* expected : {".dtlint.yaml", ".dtlint.yml", ".dtlint.toml", "pyproject.toml"}) {
    EXPECT_EQ(find_config(dir.path()), dir.path() / expected);
    fs::remove(dir.path() / expected);
  }
}

TEST(ConfigFind, SearchesUpwardFromFoldersAndFiles) {
  TempDir dir;
  write(dir, "proj/.dtlint.toml", "");
  write(dir, "proj/a/b/c/data.npy", "");
  EXPECT_EQ(find_config(dir.path() / "proj" / "a" / "b" / "c"), dir.path() / "proj" / ".dtlint.toml");
  EXPECT_EQ(find_config(dir.path() / "proj" / "a" / "b" / "c" / "data.npy"),
            dir.path() / "proj" / ".dtlint.toml");
  EXPECT_EQ(find_config(dir.path() / "proj" / "a" / "b" / "c" / ".." / "c/"),
            dir.path() / "proj" / ".dtlint.toml");
  EXPECT_EQ(find_config(dir.path() / "proj"), dir.path() / "proj" / ".dtlint.toml");

  // The nearest folder wins, even with a lower-ranked name.
  write(dir, "proj/a/pyproject.toml", "[project]\nname = \"a\"\n[tool.dtlint]\nsemantics = \"torch\"\n");
  EXPECT_EQ(find_config(dir.path() / "proj" / "a" / "b"), dir.path() / "proj" / "a" / "pyproject.toml");

  // Nothing above the temporary folder is ours; when no ancestor has a configuration, nothing is found.
  if (!find_config(dir.path().parent_path())) {
    EXPECT_FALSE(find_config(dir.path()));
  }
}

TEST(ConfigFind, PyprojectWithoutTheTableIsSkipped) {
  TempDir dir;
  write(dir, ".dtlint.yaml", "");
  write(dir, "sub/pyproject.toml", "[project]\nname = \"x\"\n[tool.black]\nline-length = 100\n");
  EXPECT_EQ(find_config(dir.path() / "sub"), dir.path() / ".dtlint.yaml");

  // The table spelled as dotted keys still counts.
  write(dir, "sub/pyproject.toml", "tool.dtlint.semantics = \"numpy\"\n");
  EXPECT_EQ(find_config(dir.path() / "sub"), dir.path() / "sub" / "pyproject.toml");

  // A broken pyproject.toml is ours only if it mentions tool.dtlint; load_config then reports the syntax
  // error.
  write(dir, "sub/pyproject.toml", "[project\nname = \"x\"\n");
  EXPECT_EQ(find_config(dir.path() / "sub"), dir.path() / ".dtlint.yaml");
  const std::string broken = write(dir, "sub/pyproject.toml", "[tool.dtlint]\ntargets = [\n");
  EXPECT_EQ(find_config(dir.path() / "sub"), dir.path() / "sub" / "pyproject.toml");
  EXPECT_THROW(load_config(broken), ConfigError);
}

// ------------------------------------------------------------ settings_for

TEST(ConfigSettingsFor, PerPathOverlaysInOrder) {
  TempDir dir;
  const Config config = load_config(write(dir, ".dtlint.yaml", R"(
targets: [float16]
rules:
  DT104: off
  DT107: {severity: note, fraction: 0.2}
tolerances:
  float16: {rtol: 0.001, atol: 0.000001}
per_path:
  - paths: ["data/**"]
    targets: [bfloat16]
    rules:
      DT107: warning
    tolerances:
      float16: {atol: 0}
  - paths: ["*.npz", "data/special/**"]
    rules:
      DT104: note
    tolerances:
      float16: {rtol: 0.5}
      float32: {atol: 1}
  - paths: data/late/**
    targets: [int8]
)"));

  const Settings plain = settings_for(config, "x.npy");
  EXPECT_TRUE(same_settings(plain, config.settings, "x.npy"));

  const Settings data = settings_for(config, "data/a.npy");
  EXPECT_EQ(data.targets, std::vector<DType>{DType::BFloat16});
  EXPECT_TRUE(data.rules.at("DT104").off);
  // A rule's setting replaces the earlier one as a whole: the fraction is gone.
  EXPECT_EQ(data.rules.at("DT107").severity, Severity::Warning);
  EXPECT_FALSE(data.rules.at("DT107").options.contains("fraction"));
  // Tolerances merge field by field.
  EXPECT_EQ(data.tolerances.at(DType::Float16).rtol, 0.001);
  EXPECT_EQ(data.tolerances.at(DType::Float16).atol, 0.0);

  const Settings special = settings_for(config, "data/special/b.npy");  // both entries, in order
  EXPECT_EQ(special.targets, std::vector<DType>{DType::BFloat16});
  EXPECT_FALSE(special.rules.at("DT104").off);
  EXPECT_EQ(special.rules.at("DT104").severity, Severity::Note);
  EXPECT_EQ(special.tolerances.at(DType::Float16).rtol, 0.5);
  EXPECT_EQ(special.tolerances.at(DType::Float16).atol, 0.0);
  EXPECT_FALSE(special.tolerances.at(DType::Float32).rtol);
  EXPECT_EQ(special.tolerances.at(DType::Float32).atol, 1.0);

  const Settings npz = settings_for(config, "models/c.npz");  // the second entry only
  EXPECT_EQ(npz.targets, std::vector<DType>{DType::Float16});
  EXPECT_EQ(npz.rules.at("DT107").options.at("fraction"), 0.2);
  EXPECT_EQ(npz.tolerances.at(DType::Float16).rtol, 0.5);
  EXPECT_EQ(npz.tolerances.at(DType::Float16).atol, 0.000001);

  EXPECT_EQ(settings_for(config, "data/late/d.npy").targets, std::vector<DType>{DType::Int8});  // later wins
}

// Many per_path entries: their globs are compiled once, not once per file.
TEST(ConfigSettingsFor, ManyEntriesAreLookedUpOnce) {
  Config config;
  config.settings.targets = std::vector<DType>{DType::Float16};
  for (int i = 0; i < 60'000; ++i) {
    PathOverride entry;
    entry.paths = {"run_" + std::to_string(i) + "/**", "*.only" + std::to_string(i)};
    entry.settings.targets = std::vector<DType>{i % 2 ? DType::Int8 : DType::BFloat16};
    config.per_path.push_back(std::move(entry));
  }
  const auto start = std::chrono::steady_clock::now();
  const PathSettings settings(config);
  for (int i = 0; i < 300; ++i) {
    const int run = i * 199;
    ASSERT_EQ(settings.at("run_" + std::to_string(run) + "/x.npy").targets,
              std::vector<DType>{run % 2 ? DType::Int8 : DType::BFloat16});
    ASSERT_EQ(settings.at("elsewhere/x.npy").targets, std::vector<DType>{DType::Float16});
  }
  // The later of two matching entries wins, as in settings_for.
  EXPECT_EQ(settings.at("run_2/x.only3").targets, std::vector<DType>{DType::Int8});
  EXPECT_EQ(settings.at("run_3/x.only2").targets, std::vector<DType>{DType::Int8});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            testing_support::time_limit(2.0));
}

// ----------------------------------------------------------------- globs

TEST(Glob, DoubleStarSegments) {
  EXPECT_TRUE(glob_match("**/x.npy", "x.npy"));
  EXPECT_TRUE(glob_match("**/x.npy", "a/x.npy"));
  EXPECT_TRUE(glob_match("**/x.npy", "a/b/c/x.npy"));
  EXPECT_FALSE(glob_match("**/x.npy", "a/y.npy"));
  EXPECT_FALSE(glob_match("**/x.npy", "ax.npy"));

  EXPECT_TRUE(glob_match("data/**", "data/x.npy"));
  EXPECT_TRUE(glob_match("data/**", "data/a/b/x.npy"));
  EXPECT_TRUE(glob_match("data/**", "data"));  // zero segments: the folder itself
  EXPECT_FALSE(glob_match("data/**", "database/x.npy"));
  EXPECT_FALSE(glob_match("data/**", "other/data/x.npy"));

  EXPECT_TRUE(glob_match("data/**/labels.npy", "data/labels.npy"));
  EXPECT_TRUE(glob_match("data/**/labels.npy", "data/a/b/labels.npy"));
  EXPECT_FALSE(glob_match("data/**/labels.npy", "data/a/b/labels.npz"));
  EXPECT_FALSE(glob_match("data/**/labels.npy", "x/data/labels.npy"));
  EXPECT_TRUE(glob_match("**/data/**/*.npy", "x/y/data/z/w.npy"));
  EXPECT_TRUE(glob_match("**", "anything/at/all.npy"));
  EXPECT_TRUE(glob_match("a/**/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/**/b", "a/x/y/z/b"));
  // "**" inside a name is just "*".
  EXPECT_TRUE(glob_match("data/x**.npy", "data/xyz.npy"));
  EXPECT_FALSE(glob_match("data/x**.npy", "data/x/y.npy"));
}

TEST(Glob, NamesWithoutSlashMatchAnywhere) {
  EXPECT_TRUE(glob_match("*.npy", "x.npy"));
  EXPECT_TRUE(glob_match("*.npy", "data/x.npy"));
  EXPECT_TRUE(glob_match("*.npy", "a/b/c.npy"));
  EXPECT_FALSE(glob_match("*.npy", "x.npz"));
  EXPECT_FALSE(glob_match("*.npy", "x.npy/y"));
  EXPECT_TRUE(glob_match("data", "a/data"));
  EXPECT_TRUE(glob_match("*", ".hidden"));  // no special case for dot files
  // With a '/' the glob is matched against the whole path.
  EXPECT_TRUE(glob_match("data/*.npy", "data/x.npy"));
  EXPECT_FALSE(glob_match("data/*.npy", "data/sub/x.npy"));
  EXPECT_FALSE(glob_match("data/*.npy", "other/data/x.npy"));
}

TEST(Glob, StarAndQuestionStayInOneSegment) {
  EXPECT_TRUE(glob_match("a/*/b", "a/x/b"));
  EXPECT_TRUE(glob_match("a/*/b", "a/.x/b"));
  EXPECT_FALSE(glob_match("a/*/b", "a/b"));
  EXPECT_FALSE(glob_match("a/*/b", "a/x/y/b"));
  EXPECT_TRUE(glob_match("file?.npy", "file1.npy"));
  EXPECT_FALSE(glob_match("file?.npy", "file10.npy"));
  EXPECT_FALSE(glob_match("file?.npy", "file.npy"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_TRUE(glob_match("?.npy", "é.npy"));  // one character, not one byte
  EXPECT_TRUE(glob_match("*", "x"));
  EXPECT_FALSE(glob_match("x/*", "x"));
}

TEST(Glob, CharacterClassesAndEscapes) {
  EXPECT_TRUE(glob_match("[abc].npy", "b.npy"));
  EXPECT_FALSE(glob_match("[abc].npy", "d.npy"));
  EXPECT_TRUE(glob_match("[!abc].npy", "d.npy"));
  EXPECT_FALSE(glob_match("[!abc].npy", "a.npy"));
  EXPECT_TRUE(glob_match("[^abc].npy", "d.npy"));
  EXPECT_TRUE(glob_match("shard_[0-9][0-9].npy", "shard_07.npy"));
  EXPECT_FALSE(glob_match("shard_[0-9][0-9].npy", "shard_7a.npy"));
  EXPECT_TRUE(glob_match("[[:digit:]]*.npy", "1x.npy"));
  EXPECT_FALSE(glob_match("[[:digit:]]*.npy", "x1.npy"));
  EXPECT_TRUE(glob_match("[]]x", "]x"));
  EXPECT_TRUE(glob_match("[éa]", "é"));
  EXPECT_TRUE(glob_match("[ab", "[ab"));  // unclosed: a literal '['
  EXPECT_TRUE(glob_match("\\*.npy", "*.npy"));
  EXPECT_FALSE(glob_match("\\*.npy", "x.npy"));
  EXPECT_FALSE(glob_match("a[/]b", "a/b"));  // '/' is never matched by a pattern
}

TEST(Glob, DotSlashAnchorsAndTrailingSlash) {
  EXPECT_TRUE(glob_match("./data/*.npy", "data/x.npy"));
  EXPECT_TRUE(glob_match("data/*.npy", "./data/x.npy"));
  EXPECT_TRUE(glob_match("./*.npy", "sub/x.npy"));  // still a bare name after "./"
  EXPECT_TRUE(glob_match("data//*.npy", "data/x.npy"));
  EXPECT_TRUE(glob_match("/x.npy", "x.npy"));  // a leading '/' anchors at the root
  EXPECT_FALSE(glob_match("/x.npy", "a/x.npy"));
  EXPECT_TRUE(glob_match("build/", "build/x.npy"));  // "build/" is "build/**"
  EXPECT_TRUE(glob_match("build/", "build"));
  EXPECT_FALSE(glob_match("build/", "a/build/x.npy"));
  EXPECT_FALSE(glob_match("", "x.npy"));
}

TEST(Glob, NoCatastrophicBacktracking) {
  const auto start = std::chrono::steady_clock::now();
  // Within one long segment: a naive backtracking matcher needs ~n^k steps.
  const std::string long_name(20000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", long_name));
  EXPECT_TRUE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", long_name));
  // Across many segments with many "**".
  std::string deep;
  for (int i = 0; i < 400; ++i) deep += "aaaa/";
  deep += "y.npy";
  std::string glob;
  for (int i = 0; i < 30; ++i) glob += "**/*a*/";
  EXPECT_FALSE(glob_match(glob + "x.npy", deep));
  EXPECT_TRUE(glob_match(glob + "y.npy", deep));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, testing_support::time_limit(5.0));
}

// The three spellings of the complete example in docs/configuration.md are
// valid and equal.
TEST(ConfigDocs, CompleteExampleIsTheSameInEverySpelling) {
  const std::string doc = testing_support::read_file(testing_support::kSourceDir + "/docs/configuration.md");
  const auto block = [&](const std::string& heading, const std::string& fence) {
    const std::size_t at = doc.find(heading);
    EXPECT_NE(at, std::string::npos) << heading;
    const std::size_t start = doc.find(fence + "\n", at) + fence.size() + 1;
    return doc.substr(start, doc.find("```\n", start) - start);
  };
  TempDir dir;
  const Config yaml = load_config(write(dir, "a/.dtlint.yaml", block("### `.dtlint.yaml`", "```yaml")));
  const Config toml = load_config(write(dir, "b/.dtlint.toml", block("### `.dtlint.toml`", "```toml")));
  const Config pyproject =
      load_config(write(dir, "c/pyproject.toml", block("### `pyproject.toml`", "```toml")));
  EXPECT_TRUE(same_config(yaml, toml));
  EXPECT_TRUE(same_config(yaml, pyproject));
  EXPECT_EQ(yaml.per_path.size(), 2u);
  EXPECT_EQ(yaml.ignore.size(), 2u);
  EXPECT_TRUE(yaml.settings.rules.at("DT104").off);
}

// ------------------------------------------------------------ render_config

TEST(ConfigRender, RoundTripOfARichConfig) {
  TempDir dir;
  Config config = load_config(write(dir, "source/.dtlint.yaml", kRichYaml));
  // Strings that need quoting, escaping or are not ASCII, and numbers that
  // only read back exactly with all their digits.
  config.exclude.push_back("we\"ird\\ na:me #1/*.npy");
  config.exclude.push_back(" leading space, tab\tnew\nline");
  config.exclude.push_back("- dash {brace} [x] @at %p 'single' &a *b !c |d >e");
  config.exclude.push_back("ünïcödé/日本/**");
  config.exclude.push_back(std::string("ctrl\x01\x7f nel\xC2\x85 ls\xE2\x80\xA8 bom\xEF\xBB\xBF end"));
  config.exclude.push_back("true");
  config.exclude.push_back("123");
  config.exclude.push_back("~");
  config.settings.tolerances[DType::Float32] = Tolerance{0.1 + 0.2, 1.0 / 3.0};
  config.settings.tolerances[DType::Float64] = Tolerance{5e-324, 1.7976931348623157e308};
  config.settings.rules["DT107"].options["fraction"] = 0.1 + 0.7;
  config.ignore[0].reason = "multi\nline \"reason\": # not a comment";
  config.per_path[0].settings.rules["DT106"] = RuleSetting{true, std::nullopt, {}};
  config.per_path[0].settings.rules["DT107"] = RuleSetting{true, std::nullopt, {{"fraction", 1.0}}};

  const std::string text = render_config(config);
  const Config reread = load_config(write(dir, "copy/.dtlint.yaml", text));
  EXPECT_TRUE(same_config(config, reread)) << text;
  // Rendering is stable.
  EXPECT_EQ(render_config(reread), text);
}

TEST(ConfigRender, NegativeZeroIsZero) {
  // -0.0 passed as a non-negative number, rendered as "-0" and read back as
  // the integer 0: the second rendering differed from the first.
  TempDir dir;
  for (const std::string& file :
       {write(dir, "a/.dtlint.yaml",
              "tolerances: {float16: {rtol: -0.0, atol: -.0e5}}\nrules: {DT107: {fraction: -0.}}\n"),
        write(dir, "b/.dtlint.toml",
              "tolerances.float16 = {rtol = -0.0, atol = -0e5}\nrules.DT107.fraction = -0.0\n")}) {
    const Config config = load_config(file);
    EXPECT_FALSE(std::signbit(*config.settings.tolerances.at(DType::Float16).rtol)) << file;
    EXPECT_FALSE(std::signbit(*config.settings.tolerances.at(DType::Float16).atol)) << file;
    EXPECT_FALSE(std::signbit(config.settings.rules.at("DT107").options.at("fraction"))) << file;
    const std::string text = render_config(config);
    EXPECT_EQ(text.find("-0"), std::string::npos) << text;
    EXPECT_EQ(render_config(load_config(write(dir, "copy/.dtlint.yaml", text))), text);
  }
}

TEST(ConfigRender, FixedOrderAndOmissions) {
  TempDir dir;
  const Config config = load_config(write(dir, ".dtlint.toml", toml_with_prefix("")));
  const std::string text = render_config(config);
  EXPECT_TRUE(text.starts_with("# dtlint configuration (effective)\n")) << text;
  std::size_t last = 0;
  for (const char* key : {"\nsemantics: ", "\nfail_on: ", "\ntargets: ", "\nexclude: ", "\nrules:\n",
                          "\ntolerances:\n", "\nper_path:\n", "\nignore:\n"}) {
    const std::size_t at = text.find(key);
    ASSERT_NE(at, std::string::npos) << key << " in\n" << text;
    EXPECT_GT(at, last) << key << " out of order in\n" << text;
    last = at;
  }
  EXPECT_NE(text.find("semantics: \"torch\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("targets: [\"float16\", \"bfloat16\"]\n"), std::string::npos) << text;

  // The default configuration is just the comment line.
  EXPECT_EQ(render_config(Config{}), "# dtlint configuration (effective)\n");
  Config only_fail_on;
  only_fail_on.fail_on = "never";
  EXPECT_EQ(render_config(only_fail_on), "# dtlint configuration (effective)\nfail_on: \"never\"\n");
}

}  // namespace
}  // namespace dtlint

namespace dtlint {
namespace {

// Suppressions too: 60,000 `ignore` entries are compiled into one GlobSet once,
// not matched glob by glob for every finding (before: about 30 s for these).
TEST(Suppressions, ManyEntriesCostLittlePerFinding) {
  Config config;
  config.root = "/repo";
  config.file = "/repo/.dtlint.yaml";
  for (int i = 0; i < 60'000; ++i) {
    Suppression entry;
    entry.path = i % 2 ? "run_" + std::to_string(i) + "/**" : "**/*.only" + std::to_string(i);
    entry.rules = {"DT101"};
    entry.reason = "known";
    entry.line = i + 2;
    config.ignore.push_back(std::move(entry));
  }
  const std::vector<std::string> scanned{"/repo/data"};
  const auto start = std::chrono::steady_clock::now();
  Suppressor suppressor(config, scanned);
  Finding f;
  f.rule = find_rule("DT101");
  std::uint64_t hidden = 0;
  for (int i = 0; i < 1'000; ++i) {
    f.location.path = "/repo/run_" + std::to_string(2 * i + 1) + "/x.npy";  // matched by entry 2i+1
    hidden += suppressor.hides(f);
    f.location.path = "/repo/data/" + std::to_string(i) + ".npy";  // matched by none
    hidden += suppressor.hides(f);
    f.location.path = "/repo/data/x.only" + std::to_string(2 * i);  // matched by entry 2i
    suppressor.saw_input(f.location.path);
  }
  EXPECT_EQ(hidden, 1'000u);
  EXPECT_EQ(suppressor.hidden(), 1'000u);
  // Entries neither used nor matching any input the scan saw are not reported unused.
  EXPECT_EQ(suppressor.unused_notes().size(), 1'000u);  // the *.onlyN entries whose input was seen
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            testing_support::time_limit(10.0));
}

}  // namespace
}  // namespace dtlint
