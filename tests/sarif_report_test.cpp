// The SARIF report: real scans validated against the official SARIF 2.1.0
// schema, and the properties GitHub code scanning relies on (DESIGN §7):
// relative URIs, lines ≥ 1, stable partialFingerprints.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "reports/sarif_report.h"
#include "rules/evaluate.h"
#include "rules/registry.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::kSourceDir;
using testing_support::read_file;
using testing_support::TempDir;

constexpr const char* kFingerprintKey = "dtlintFingerprint/v1";

// The official OASIS SARIF 2.1.0 schema (sarif-2.1.0-rtm.5.json), as the npm
// package @microsoft/jest-sarif ships it; scripts/setup.sh fetches it and
// checks its SHA-256. Logs are validated against the document as it stands.
json sarif_schema() {
  const std::string file = DTLINT_SARIF_SCHEMA;
  if (!std::filesystem::is_regular_file(file)) {
    throw std::runtime_error("the official SARIF 2.1.0 schema is missing: " + file +
                             " (scripts/setup.sh fetches it; configure with "
                             "-DDTLINT_SARIF_SCHEMA=FILE to use another copy)");
  }
  return json::parse(read_file(file));
}

// Errors against `schema_doc`, one per line; empty when the log is valid.
std::string schema_errors(const json& log, const json& schema_doc) {
  valijson::Schema schema;
  valijson::SchemaParser parser;  // draft 7, as the schema declares
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(log);
  if (validator.validate(schema, target, &results)) return "";
  std::string errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    for (const std::string& part : error.context) errors += part;
    errors += ": " + error.description + "\n";
  }
  return errors;
}

std::string sarif_schema_errors(const json& log) {
  static const json schema = sarif_schema();
  return schema_errors(log, schema);
}

// A scan as the CLI runs it by default: NumPy semantics, the default targets.
Report scan_report(const std::vector<std::string>& paths) {
  ScanOptions options;
  for (DType t : {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32}) {
    options.requests.push_back(default_request(t));
  }
  Report report;
  for (const CastRequest& r : options.requests) report.targets.push_back(r.target);
  report.scan = scan_paths(paths, options);
  report.findings = evaluate(report.scan, Semantics::NumPy);
  return report;
}

json sarif(const Report& report, const fs::path& root) {
  return json::parse(render_sarif(report, root));
}

const json& results_of(const json& log) {
  return log["runs"][0]["results"];
}

// The order the log lists results in (its documented contract): the most
// severe first, each severity in report order.
std::vector<Finding> in_log_order(std::vector<Finding> findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  return findings;
}

// A hand-made report of one finding per path (rule DT101, message "overflow").
Report report_of(const std::vector<std::string>& paths) {
  Report report;
  for (const std::string& path : paths) {
    Finding f;
    f.rule = find_rule("DT101");
    f.severity = Severity::Error;
    f.message = "overflow";
    f.location.path = path;
    report.findings.push_back(f);
  }
  return report;
}

// valijson does not check `format` "uri" / "uri-reference", so the URIs are
// checked here: only unreserved characters, '/' and percent-escapes.
bool is_encoded_uri_path(const std::string& text) {
  static const std::regex kPath("^([A-Za-z0-9._~/-]|%[0-9A-F]{2})+$");
  return std::regex_match(text, kPath);
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST(SarifReport, RealOutputValidatesAgainstTheOfficialSchema) {
  const Report report = scan_report({kSourceDir + "/examples", kSourceDir + "/tests/golden/data/containers",
                                     kSourceDir + "/no-such-file.npy"});
  ASSERT_GT(report.findings.size(), 10u);
  const json log = sarif(report, kSourceDir);
  EXPECT_EQ(sarif_schema_errors(log), "");
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_EQ(log["runs"].size(), 1u);
  const json& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "dtlint");
  EXPECT_EQ(run["tool"]["driver"]["version"], DTLINT_VERSION);
  // One input is missing: the scan succeeded, its results are incomplete (SARIF Appendix I).
  ASSERT_EQ(run["invocations"].size(), 1u);
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], true);
  ASSERT_EQ(run["invocations"][0]["toolExecutionNotifications"].size(), report.scan.problems.size());
  for (const json& n : run["invocations"][0]["toolExecutionNotifications"]) EXPECT_EQ(n["level"], "error");
  EXPECT_EQ(run["tool"]["driver"]["informationUri"], std::string(kProjectHome));
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");
  EXPECT_EQ(run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file://" + percent_encode_path(fs::path(kSourceDir).lexically_normal().generic_string()) + "/");
  EXPECT_EQ(run["properties"]["semantics"], "numpy");
  EXPECT_EQ(run["properties"]["targets"], json::parse(R"(["float16", "bfloat16", "float32", "int32"])"));
}

// The schema is really applied: what SARIF forbids is caught.
TEST(SarifReport, TheSchemaRejectsBrokenLogs) {
  // The schema constrains the log at its top level: not anything passes.
  EXPECT_NE(sarif_schema_errors(json::parse(R"({"not": "sarif"})")), "");
  EXPECT_NE(sarif_schema_errors(json::parse(R"({"version": "2.1.0"})")), "");

  const json good = sarif(scan_report({kSourceDir + "/examples"}), kSourceDir);
  ASSERT_EQ(sarif_schema_errors(good), "");
  ASSERT_FALSE(results_of(good).empty());
  json bad_level = good;
  bad_level["runs"][0]["results"][0]["level"] = "fatal";
  EXPECT_NE(sarif_schema_errors(bad_level), "");
  json no_name = good;
  no_name["runs"][0]["tool"]["driver"].erase("name");
  EXPECT_NE(sarif_schema_errors(no_name), "");
  json line_zero = good;
  line_zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
  EXPECT_NE(sarif_schema_errors(line_zero), "");
  json old_version = good;
  old_version["version"] = "2.0.0";
  EXPECT_NE(sarif_schema_errors(old_version), "");
}

TEST(SarifReport, DriverListsEveryCatalogueRule) {
  const json log = sarif(Report{}, kSourceDir);
  EXPECT_EQ(sarif_schema_errors(log), "");
  EXPECT_TRUE(results_of(log).empty());
  const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
  const auto registry = rule_registry();
  ASSERT_EQ(rules.size(), registry.size());
  const std::map<std::string, std::string> category = {
      {"DT", "data"}, {"E9", "data"}, {"PL", "pipeline"}, {"CX", "source"}};
  for (std::size_t i = 0; i < registry.size(); ++i) {
    const RuleDoc& doc = registry[i]->doc();
    const json& rule = rules[i];
    SCOPED_TRACE(std::string(doc.code));
    EXPECT_EQ(rule["id"], doc.code);
    EXPECT_EQ(rule["name"], doc.name);
    EXPECT_EQ(rule["defaultConfiguration"]["level"], to_string(doc.default_severity));
    EXPECT_EQ(rule["shortDescription"]["text"], doc.summary);
    EXPECT_EQ(rule["fullDescription"]["text"], doc.what);
    const std::string text = rule["help"]["text"];
    for (std::string_view part : {doc.what, doc.why, doc.fix, doc.options}) {
      EXPECT_NE(text.find(part), std::string::npos) << part;
    }
    for (const char* heading : {"What it does:", "Why is this bad:", "Example:", "How to fix:", "Options:"}) {
      EXPECT_NE(text.find(heading), std::string::npos) << heading;
    }
    const std::string markdown = rule["help"]["markdown"];
    for (const char* heading : {"## What it does", "## Why is this bad", "## Example", "## How to fix"}) {
      EXPECT_NE(markdown.find(heading), std::string::npos) << heading;
    }
    EXPECT_EQ(markdown.find("README.md"), std::string::npos) << "the docs page's footer links nowhere here";
    EXPECT_TRUE(markdown.ends_with("\n") && !markdown.ends_with("\n\n")) << "one final newline";
    const json expected_tags = {"dtype", "precision", category.at(std::string(doc.code.substr(0, 2)))};
    EXPECT_EQ(rule["properties"]["tags"], expected_tags);
  }
  EXPECT_EQ(rules[0]["help"]["markdown"].get<std::string>().rfind("# DT101", 0), 0u);
}

TEST(SarifReport, ResultsFollowGitHubCodeScanningRules) {
  const Report report = scan_report({kSourceDir + "/examples", kSourceDir + "/tests/golden/data/containers"});
  const json log = sarif(report, kSourceDir);
  const json& rules = log["runs"][0]["tool"]["driver"]["rules"];
  const json& results = results_of(log);
  const std::vector<Finding> findings = in_log_order(report.findings);
  ASSERT_EQ(results.size(), findings.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Finding& f = findings[i];
    const json& r = results[i];
    SCOPED_TRACE(r.dump());
    EXPECT_EQ(r["ruleId"], f.rule->code());
    EXPECT_EQ(rules.at(r["ruleIndex"].get<std::size_t>())["id"], r["ruleId"]);
    EXPECT_EQ(r["level"], to_string(f.severity));
    EXPECT_NE(r["message"]["text"].get<std::string>().find(f.message), std::string::npos);
    ASSERT_EQ(r["locations"].size(), 1u);
    const json& physical = r["locations"][0]["physicalLocation"];
    const std::string uri = physical["artifactLocation"]["uri"];
    EXPECT_EQ(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    EXPECT_NE(uri.front(), '/');
    EXPECT_FALSE(uri.starts_with("./"));
    EXPECT_EQ(uri.find(".."), std::string::npos);
    EXPECT_TRUE(is_encoded_uri_path(uri)) << uri;
    EXPECT_TRUE(fs::is_regular_file(kSourceDir + "/" + percent_decode(uri))) << uri;
    EXPECT_GE(physical["region"]["startLine"].get<int>(), 1);
    const std::string print = r["partialFingerprints"][kFingerprintKey];
    EXPECT_EQ(print, fingerprint(f, kSourceDir));
    EXPECT_TRUE(std::regex_match(print, std::regex("^[0-9a-f]{16}$"))) << print;
  }
  // Positions where the finding has them (a config line, a source column).
  Report positioned = report_of({kSourceDir + "/.dtlint.yaml"});
  positioned.findings[0].location.line = 4;
  positioned.findings[0].location.column = 7;
  positioned.findings[0].severity =
      Severity::Note;  // configured: the result's level follows, the rule's stays
  const json configured = sarif(positioned, kSourceDir);
  const json& result = results_of(configured)[0];
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"],
            json::parse(R"({"startLine": 4, "startColumn": 7})"));
  EXPECT_EQ(result["level"], "note");
  EXPECT_EQ(configured["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"], "error");
}

TEST(SarifReport, PropertiesCarryTheNumbers) {
  const Report report =
      scan_report({kSourceDir + "/examples/labels.npy", kSourceDir + "/examples/user_ids.npy",
                   kSourceDir + "/examples/broken.npy"});
  const json log = sarif(report, kSourceDir);
  bool nan_seen = false, integer_seen = false, unreadable_seen = false;
  for (const json& r : results_of(log)) {
    SCOPED_TRACE(r.dump());
    if (r["ruleId"] == "DT103") {  // NaN labels cast to int32: JSON has no NaN
      nan_seen = true;
      EXPECT_EQ(r["properties"]["first_value"], "nan");
      EXPECT_EQ(r["properties"]["target"], "int32");
      EXPECT_GT(r["properties"]["count"].get<int>(), 0);
      EXPECT_EQ(r["properties"]["first_index"].size(), 1u);
      EXPECT_NE(r["message"]["text"].get<std::string>().find("; first at ["), std::string::npos);
    }
    if (r["ruleId"] == "DT110" && r["properties"]["target"] == "float32") {
      integer_seen = true;
      EXPECT_TRUE(r["properties"]["first_value"].is_number_integer());
      EXPECT_GT(r["properties"]["first_value"].get<std::int64_t>(), 1 << 24);
    }
    if (r["ruleId"] == "E901") {  // about a whole file: no numbers at all
      unreadable_seen = true;
      EXPECT_FALSE(r.contains("properties"));
      EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "examples/broken.npy");
      EXPECT_EQ(r["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    }
  }
  EXPECT_TRUE(nan_seen);
  EXPECT_TRUE(integer_seen);
  EXPECT_TRUE(unreadable_seen);
}

TEST(SarifReport, ArchiveMembersAreNamedInResults) {
  const Report report = scan_report({kSourceDir + "/tests/golden/data/containers/cases.npz"});
  const json log = sarif(report, kSourceDir);
  EXPECT_EQ(sarif_schema_errors(log), "");
  const json& results = results_of(log);
  const std::vector<Finding> findings = in_log_order(report.findings);
  ASSERT_EQ(results.size(), findings.size());
  std::map<std::string, std::vector<std::string>> members_by_key;  // rule/target → members
  std::set<std::string> prints;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Finding& f = findings[i];
    const json& r = results[i];
    SCOPED_TRACE(r.dump());
    ASSERT_TRUE(f.location.member);
    const json& location = r["locations"][0];
    EXPECT_EQ(location["physicalLocation"]["artifactLocation"]["uri"],
              "tests/golden/data/containers/cases.npz");
    EXPECT_EQ(location["logicalLocations"],
              json::array({{{"name", *f.location.member}, {"kind", "member"}}}));
    EXPECT_EQ(r["properties"]["member"], *f.location.member);
    EXPECT_EQ(r["message"]["text"].get<std::string>().rfind("member '" + *f.location.member + "': ", 0), 0u);
    members_by_key[r["ruleId"].get<std::string>() + "/" + r["properties"].value("target", "-")].push_back(
        *f.location.member);
    prints.insert(r["partialFingerprints"][kFingerprintKey].get<std::string>());
  }
  // The same rule and target in two members of one file are two alerts.
  EXPECT_EQ(prints.size(), results.size());
  EXPECT_TRUE(std::any_of(members_by_key.begin(), members_by_key.end(),
                          [](const auto& entry) { return entry.second.size() > 1; }));
}

TEST(SarifReport, UrisArePercentEncoded) {
  const fs::path root = "/srv/data repo";
  const Report report = report_of({
      "/srv/data repo/raw data/a#b%c\xff.npy",  // space, '#', '%' and a byte that is not UTF-8
      "/srv/data repo/caf\xc3\xa9/x:y.npy",     // UTF-8 é; ':' would read as a scheme
      "/srv/data repo/./sub/../tidy.npy",       // normalised: no "./", no ".."
      "/elsewhere/out side.npy",                // outside root: absolute, no base
  });
  const json log = sarif(report, root);
  EXPECT_EQ(sarif_schema_errors(log), "");
  const json& results = results_of(log);
  const auto artifact = [&](std::size_t i) {
    return results[i]["locations"][0]["physicalLocation"]["artifactLocation"];
  };
  EXPECT_EQ(artifact(0), json::parse(R"({"uri": "raw%20data/a%23b%25c%FF.npy", "uriBaseId": "%SRCROOT%"})"));
  EXPECT_EQ(artifact(1), json::parse(R"({"uri": "caf%C3%A9/x%3Ay.npy", "uriBaseId": "%SRCROOT%"})"));
  EXPECT_EQ(artifact(2), json::parse(R"({"uri": "tidy.npy", "uriBaseId": "%SRCROOT%"})"));
  EXPECT_EQ(artifact(3), json::parse(R"({"uri": "file:///elsewhere/out%20side.npy"})"));
  EXPECT_EQ(log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///srv/data%20repo/");
  EXPECT_EQ(percent_encode_path("a-z_A.Z~0/9"), "a-z_A.Z~0/9");
  EXPECT_EQ(percent_encode_path("?&=+@!$'()*,;[]"), "%3F%26%3D%2B%40%21%24%27%28%29%2A%2C%3B%5B%5D");
}

TEST(SarifReport, InvalidUtf8NeverThrows) {
  Report report = report_of({"/srv/repo/\xfe\xff.npy"});
  report.findings[0].message = "bad \xff byte";
  report.findings[0].location.member = std::string("m\xc3.npy");
  std::string text;
  ASSERT_NO_THROW(text = render_sarif(report, "/srv/repo"));
  const json r = results_of(json::parse(text))[0];
  EXPECT_EQ(r["message"]["text"], "member 'm\xef\xbf\xbd.npy': bad \xef\xbf\xbd byte");  // U+FFFD
  EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "%FE%FF.npy");
}

// The bytes of a .npy file with its float64 data (little-endian, as the
// examples are written) passed through `change`.
std::string with_values_changed(const std::string& npy,
                                const std::function<void(std::vector<double>&)>& change) {
  const std::size_t header = 10 + std::size_t{static_cast<unsigned char>(npy[8])} +
                             256 * std::size_t{static_cast<unsigned char>(npy[9])};
  std::vector<double> values((npy.size() - header) / sizeof(double));
  std::memcpy(values.data(), npy.data() + header, values.size() * sizeof(double));
  change(values);
  std::string out = npy.substr(0, header);
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
  return out;
}

std::multiset<std::pair<std::string, std::string>> rules_and_prints(const json& log) {
  std::multiset<std::pair<std::string, std::string>> out;
  for (const json& r : results_of(log)) out.emplace(r["ruleId"], r["partialFingerprints"][kFingerprintKey]);
  return out;
}

TEST(SarifReport, DeterministicAndFingerprintsSurviveADataRefresh) {
  const std::string example = kSourceDir + "/examples/pressure_pa.npy";
  const Report original = scan_report({example});
  const std::string once = render_sarif(original, kSourceDir);
  EXPECT_EQ(once, render_sarif(original, kSourceDir));
  EXPECT_EQ(once, render_sarif(scan_report({example}), kSourceDir));

  // The same file, same relative path, refreshed: other pressures (reversed,
  // 1000 Pa higher), still far above float16's 65504.
  TempDir tmp;
  fs::create_directories(tmp.path() / "examples");
  const std::string copy = tmp / "examples/pressure_pa.npy";
  std::ofstream(copy, std::ios::binary)
      << with_values_changed(read_file(example), [](std::vector<double>& v) {
           std::reverse(v.begin(), v.end());
           for (double& x : v) x += 1000.0;
         });
  const Report refreshed = scan_report({copy});
  const json before = json::parse(once);
  const json after = sarif(refreshed, tmp.path());
  ASSERT_FALSE(results_of(before).empty());
  EXPECT_TRUE(std::any_of(results_of(before).begin(), results_of(before).end(),
                          [](const json& r) { return r["ruleId"] == "DT101"; }));
  EXPECT_NE(results_of(before), results_of(after)) << "the refresh should change messages or values";
  EXPECT_EQ(rules_and_prints(before), rules_and_prints(after));

  // The fingerprint follows the path from the root: seen from elsewhere it changes.
  const auto elsewhere = rules_and_prints(sarif(refreshed, tmp.path() / "examples"));
  for (const auto& [rule, print] : elsewhere) {
    EXPECT_EQ(rules_and_prints(after).count({rule, print}), 0u) << rule;
  }
}

// PL findings: the region on the config file at the entry's line and column
// (not line 1), the data file as a related location (relative URI, the member
// in its message), the fingerprint from the identity; valid against the
// official schema and GitHub's rules.
TEST(SarifReport, PipelineFindingsPointAtTheConfigLineWithTheDataRelated) {
  TempDir dir;
  Report report;
  Finding f;
  f.rule = find_rule("PL301");
  f.severity = Severity::Error;
  f.message = "pipeline entry 'pixels': 3 of 10 values overflow";
  f.location = Location(dir / ".dtlint.yaml");
  f.location.line = 4;
  f.location.column = 5;
  f.related = Location(dir / "data/a b.npz", "pixels");
  f.identity = "data/*.npz:pixels -> float16";
  f.target = DType::Float16;
  report.findings.push_back(f);
  Finding spanned = f;
  spanned.location.end_line = 4;
  spanned.location.end_column = 20;
  report.findings.push_back(spanned);

  const json log = sarif(report, dir.path());
  EXPECT_EQ(sarif_schema_errors(log), "");
  const json& result = results_of(log)[0];
  SCOPED_TRACE(result.dump());
  const json& physical = result["locations"][0]["physicalLocation"];
  EXPECT_EQ(physical["artifactLocation"]["uri"], ".dtlint.yaml");
  EXPECT_EQ(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(physical["region"], json::parse(R"({"startLine": 4, "startColumn": 5})"));
  ASSERT_EQ(result["relatedLocations"].size(), 1u);
  const json& related = result["relatedLocations"][0];
  EXPECT_EQ(related["id"], 0);
  EXPECT_EQ(related["physicalLocation"]["artifactLocation"]["uri"], "data/a%20b.npz");
  EXPECT_EQ(related["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  EXPECT_TRUE(is_encoded_uri_path(related["physicalLocation"]["artifactLocation"]["uri"]));
  EXPECT_GE(related["physicalLocation"]["region"]["startLine"].get<int>(), 1);
  EXPECT_NE(related["message"]["text"].get<std::string>().find("pixels"), std::string::npos);
  EXPECT_EQ(related["logicalLocations"][0]["name"], "pixels");
  EXPECT_NE(result["message"]["text"].get<std::string>().find("(data: "), std::string::npos);
  EXPECT_EQ(result["partialFingerprints"][kFingerprintKey], fingerprint(f, dir.path()));
  Finding moved = f;
  moved.location.line = 40;
  EXPECT_EQ(result["partialFingerprints"][kFingerprintKey], fingerprint(moved, dir.path()));
  EXPECT_EQ(results_of(log)[1]["locations"][0]["physicalLocation"]["region"],
            json::parse(R"({"startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 20})"));
}

// Every rule's helpUri is its page in docs/rules at the project's home, and the page exists.
TEST(SarifReport, EveryRuleHasAHelpUriToItsDocsPage) {
  const json log = sarif(Report{}, kSourceDir);
  const std::string prefix = std::string(kProjectHome) + std::string(kRuleDocsPath);
  for (const json& rule : log["runs"][0]["tool"]["driver"]["rules"]) {
    const std::string id = rule["id"];
    SCOPED_TRACE(id);
    EXPECT_EQ(rule["helpUri"], prefix + id + ".md");
    EXPECT_TRUE(fs::is_regular_file(kSourceDir + "/docs/rules/" + id + ".md"));
  }
  EXPECT_TRUE(fs::is_regular_file(kSourceDir + "/README.md"));  // what informationUri shows
}

// SARIF §3.20.14: executionSuccessful says whether the tool succeeded. A scan
// that read nothing of what it was given did not; one that read some inputs
// did, and each unreadable input is an error-level execution notification
// (Appendix I: then the results cannot be assumed complete).
TEST(SarifReport, UnreadableInputsAreExecutionNotificationsAndNothingReadIsAFailure) {
  const Report none_read =
      scan_report({kSourceDir + "/examples/broken.npy", kSourceDir + "/no-such-file.npy"});
  ASSERT_EQ(none_read.scan.problems.size(), 2u);
  ASSERT_TRUE(none_read.scan.arrays.empty());
  const json failed = sarif(none_read, kSourceDir);
  EXPECT_EQ(sarif_schema_errors(failed), "");
  const json& invocation = failed["runs"][0]["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], false);
  const json& notes = invocation["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 2u);
  for (const json& n : notes) {
    EXPECT_EQ(n["level"], "error");
    EXPECT_EQ(n["associatedRule"]["id"], "E901");
    EXPECT_TRUE(n["message"]["text"].get<std::string>().starts_with("not analysed: "));
  }
  std::set<std::string> uris;
  for (const json& n : notes) uris.insert(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
  EXPECT_EQ(uris, (std::set<std::string>{"examples/broken.npy", "no-such-file.npy"}));
  EXPECT_EQ(results_of(failed).size(), 2u);  // the E901 results stay: they gate and annotate

  const Report some_read =
      scan_report({kSourceDir + "/examples/broken.npy", kSourceDir + "/examples/labels.npy"});
  const json partial = sarif(some_read, kSourceDir);
  EXPECT_EQ(sarif_schema_errors(partial), "");
  EXPECT_EQ(partial["runs"][0]["invocations"][0]["executionSuccessful"], true);
  EXPECT_EQ(partial["runs"][0]["invocations"][0]["toolExecutionNotifications"].size(), 1u);

  const json clean = sarif(scan_report({kSourceDir + "/examples/labels.npy"}), kSourceDir);
  EXPECT_EQ(clean["runs"][0]["invocations"], json::parse(R"([{"executionSuccessful": true}])"));
}

// GitHub code scanning rejects a run of more than 25,000 results: the log keeps
// the most severe (errors, warnings, notes, each in report order) and counts
// the rest, per severity and per rule, in an execution notification.
TEST(SarifReport, AtMost25000ResultsTheMostSevereFirstTheRestCounted) {
  Report report;
  const auto add = [&report](const char* code, Severity severity, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Finding f;
      f.rule = find_rule(code);
      f.severity = severity;
      f.message = std::string(code) + " #" + std::to_string(i);
      f.location = Location("data/f" + std::to_string(i % 7) + ".npz", "m" + std::to_string(i));
      report.findings.push_back(f);
    }
  };
  add("DT105", Severity::Note, 6000);  // the least severe come first in report order
  add("DT104", Severity::Warning, 12000);
  add("DT101", Severity::Error, 4000);
  add("DT110", Severity::Error, 4000);
  add("DT106", Severity::Warning, 3000);
  ASSERT_EQ(report.findings.size(), 29000u);
  const json log = sarif(report, kSourceDir);
  const json& results = results_of(log);
  ASSERT_EQ(results.size(), kMaxSarifResults);
  // 8,000 errors in report order, then 15,000 warnings, then the first 2,000 notes.
  EXPECT_EQ(results[0]["message"]["text"], "member 'm0': DT101 #0");
  EXPECT_EQ(results[4000]["message"]["text"], "member 'm0': DT110 #0");
  EXPECT_EQ(results[7999]["level"], "error");
  EXPECT_EQ(results[8000]["message"]["text"], "member 'm0': DT104 #0");
  EXPECT_EQ(results[20000]["message"]["text"], "member 'm0': DT106 #0");
  EXPECT_EQ(results[22999]["level"], "warning");
  EXPECT_EQ(results[23000]["message"]["text"], "member 'm0': DT105 #0");
  EXPECT_EQ(results[24999]["message"]["text"], "member 'm1999': DT105 #1999");
  for (std::size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(results[i]["ruleIndex"].is_number(), true);
  }
  const json& invocation = log["runs"][0]["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], true);
  ASSERT_EQ(invocation["toolExecutionNotifications"].size(), 1u);
  const json& note = invocation["toolExecutionNotifications"][0];
  EXPECT_EQ(note["level"], "warning");
  EXPECT_EQ(note["properties"]["omitted"], json::parse(R"({"error": 0, "warning": 0, "note": 4000})"));
  EXPECT_EQ(note["properties"]["omittedByRule"], json::parse(R"({"DT105": 4000})"));
  const std::string text = note["message"]["text"];
  EXPECT_NE(text.find("4000 more results were left out"), std::string::npos) << text;
  EXPECT_NE(text.find("at most 25000 per run"), std::string::npos) << text;
  // The whole log is still valid SARIF (checked on a copy with fewer results: the validator is slow).
  json small = log;
  small["runs"][0]["results"].erase(small["runs"][0]["results"].begin() + 10,
                                    small["runs"][0]["results"].end());
  EXPECT_EQ(sarif_schema_errors(small), "");
}

// Past the cap within one severity too: errors alone beyond 25,000 are counted by rule.
TEST(SarifReport, TheCapHoldsWithinOneSeverity) {
  Report report;
  for (std::size_t i = 0; i < kMaxSarifResults + 3; ++i) {
    Finding f;
    f.rule = find_rule(i % 2 ? "DT101" : "DT102");
    f.severity = Severity::Error;
    f.message = "x";
    f.location = Location("a.npy");
    report.findings.push_back(f);
  }
  Finding warning = report.findings[0];
  warning.severity = Severity::Warning;
  report.findings.push_back(warning);
  const json log = sarif(report, kSourceDir);
  EXPECT_EQ(results_of(log).size(), kMaxSarifResults);
  const json& note = log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
  EXPECT_EQ(note["properties"]["omitted"], json::parse(R"({"error": 3, "warning": 1, "note": 0})"));
  EXPECT_EQ(note["properties"]["omittedByRule"], json::parse(R"({"DT101": 1, "DT102": 3})"));
}

// A finding's share, source dtype and fix travel in properties; the fix closes the message.
TEST(SarifReport, PropertiesCarryTheFractionSourceDtypeAndSuggestion) {
  Report report = report_of({"data/x.npz"});
  Finding& f = report.findings[0];
  f.location.member = "w";
  f.target = DType::Float16;
  f.source_dtype = DType::Float32;
  f.count = 48;
  f.elements = 3000;
  f.suggestion = "bfloat16 fits: 0 of 3000 values overflow";
  const json log = sarif(report, kSourceDir);
  EXPECT_EQ(sarif_schema_errors(log), "");
  const json& r = results_of(log)[0];
  EXPECT_DOUBLE_EQ(r["properties"]["fraction"].get<double>(), 48.0 / 3000.0);
  EXPECT_EQ(r["properties"]["source_dtype"], "float32");
  EXPECT_EQ(r["properties"]["suggestion"], f.suggestion);
  EXPECT_EQ(r["message"]["text"], "member 'w': overflow — bfloat16 fits: 0 of 3000 values overflow");
}

}  // namespace
}  // namespace dtlint
