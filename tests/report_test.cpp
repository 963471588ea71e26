// The JSON report: real output validated against the shipped JSON Schema.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <cmath>
#include <map>
#include <set>

#include "reports/json_report.h"
#include "reports/sarif_report.h"
#include "reports/text_report.h"
#include "rules/baseline.h"
#include "rules/evaluate.h"
#include "rules/registry.h"
#include "test_support.h"

namespace dtlint {
namespace {

using nlohmann::json;

// Validation errors, one per line; empty when the document is valid.
std::string schema_errors(const json& document) {
  static const json schema_doc = json::parse(
      testing_support::read_file(testing_support::kSourceDir + "/reports/schema/report-v1.schema.json"));
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::string errors;
  if (!validator.validate(schema, target, &results)) {
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      std::string where;
      for (const std::string& part : error.context) where += part;
      errors += where + ": " + error.description + "\n";
    }
  }
  return errors;
}

Report scan_report(const std::vector<std::string>& paths, Semantics semantics) {
  ScanOptions options;
  options.semantics = semantics;
  for (DType t :
       {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32, DType::UInt8, DType::Float8E4M3FN}) {
    options.requests.push_back(default_request(t));
  }
  Report report;
  report.semantics = semantics;
  for (const CastRequest& r : options.requests) report.targets.push_back(r.target);
  report.scan = scan_paths(paths, options);
  report.findings = evaluate(report.scan, semantics);
  return report;
}

TEST(JsonReport, RealOutputValidatesAgainstTheSchema) {
  const std::string root = testing_support::kSourceDir;
  for (Semantics semantics : kAllSemantics) {
    const Report report = scan_report(
        {root + "/examples", root + "/tests/golden/data", root + "/no-such-file.npy",
         root + "/tests/golden/torch/data", root + "/tests/hostile/corpus_torch"},  // shared_storage, DT203
        semantics);
    ASSERT_GT(report.scan.arrays.size(), 20u);
    const json document = json::parse(render_json(report));
    EXPECT_EQ(schema_errors(document), "") << to_string(semantics);
  }
}

TEST(JsonReport, TheSchemaRejectsWhatTheContractForbids) {
  const std::string root = testing_support::kSourceDir;
  const json good = json::parse(render_json(scan_report({root + "/examples"}, Semantics::NumPy)));
  ASSERT_EQ(schema_errors(good), "");
  json missing = good;
  missing["arrays"][0]["casts"][0].erase("overflow");
  EXPECT_NE(schema_errors(missing), "");
  json extra = good;
  extra["summary"]["surprise"] = 1;
  EXPECT_NE(schema_errors(extra), "");
  json bad_severity = good;
  bad_severity["findings"][0]["severity"] = "fatal";
  EXPECT_NE(schema_errors(bad_severity), "");
}

TEST(JsonReport, FindingsCarryNumbersAndPositions) {
  const std::string root = testing_support::kSourceDir;
  const json report =
      json::parse(render_json(scan_report({root + "/examples/user_ids.npy"}, Semantics::NumPy)));
  ASSERT_EQ(report["arrays"].size(), 1u);
  EXPECT_EQ(report["arrays"][0]["dtype"], "int64");
  EXPECT_TRUE(report["arrays"][0]["source_stats"]["finite_max"].is_number_integer());
  bool dt110 = false;
  for (const json& f : report["findings"]) {
    if (f["rule"] != "DT110" || f["target"] != "float32") continue;
    dt110 = true;
    EXPECT_GT(f["count"].get<int>(), 0);
    EXPECT_TRUE(f["first_value"].is_number_integer());
    EXPECT_GT(f["first_value"].get<std::int64_t>(), 1 << 24);  // ids above 2^24 stop being exact
    EXPECT_EQ(f["first_index"].size(), report["arrays"][0]["shape"].size());
  }
  EXPECT_TRUE(dt110);
}

// Each finding's place and rule is on exactly one line (a tensor's findings of
// one rule for several targets share it), then the summary.
TEST(TextReport, OneLinePerArrayAndCauseAndASummary) {
  const std::string root = testing_support::kSourceDir;
  const Report report = scan_report({root + "/examples"}, Semantics::NumPy);
  const std::string text = render_text(report, false);
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
    lines.push_back(text.substr(at, end - at));
  std::set<std::pair<std::string, std::string>> causes;  // where, rule: among findings without a line
  for (const Finding& f : report.findings) {
    if (f.location.line) continue;
    const std::string where = f.location.display() + ": ";
    const std::string rule = " " + std::string(f.rule->code()) + " ";
    causes.emplace(where, rule);
    std::size_t on = 0;
    for (const std::string& line : lines)
      on += line.starts_with(where) && line.find(rule) != std::string::npos;
    EXPECT_EQ(on, 1u) << where << rule;
  }
  EXPECT_LT(causes.size(), report.findings.size());  // six targets: some causes cover several
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().starts_with("dtlint (numpy): "));
  EXPECT_NE(text.find("errors"), std::string::npos);
  EXPECT_EQ(text.find('\033'), std::string::npos);
  EXPECT_NE(render_text(report, true).find("\033[1;31m"), std::string::npos);
}

// A hand-made report with a declared cast and PL findings: one array whose
// float16 entry is the scan's target and whose bfloat16 entry a declaration
// asked for under the torch profile; a PL301 at a config line about that
// array, and a PL301 at an ONNX node; and an ordinary DT101.
Report declared_report() {
  Report report;
  report.targets = {DType::Float16};
  ArrayResult array;
  array.location = Location("data/a.npz", "pixels");
  array.dtype = DType::Float32;
  array.stored_dtype = "<f4";
  array.shape = {10};
  array.elements = 10;
  CastStats ordinary;
  ordinary.target = DType::Float16;
  CastStats declared;
  declared.target = DType::BFloat16;
  declared.semantics = Semantics::Torch;
  declared.declared_only = true;
  array.analysis.casts = {ordinary, declared};
  report.scan.arrays.push_back(array);

  Finding entry;
  entry.rule = find_rule("PL301");
  entry.severity = Severity::Error;
  entry.message = "pipeline entry 'pixels': 3 of 10 values overflow";
  entry.location = Location("configs/.dtlint.yaml");
  entry.location.line = 4;
  entry.location.column = 5;
  entry.related = Location("data/a.npz", "pixels");
  entry.identity = "data/*.npz:pixels -> bfloat16";
  entry.target = DType::BFloat16;
  entry.count = 3;
  report.findings.push_back(entry);
  Finding node = entry;
  node.location = Location("model.onnx", "cast_3");
  node.related = Location("model.onnx", std::string("w\xff", 2));
  report.findings.push_back(node);
  Finding plain;
  plain.rule = find_rule("DT101");
  plain.severity = Severity::Error;
  plain.message = "3 of 10 values overflow";
  plain.location = array.location;
  plain.target = DType::Float16;
  report.findings.push_back(plain);
  return report;
}

TEST(JsonReport, PositionsRelatedDataAndDeclaredCastsAreWrittenAndValid) {
  const json report = json::parse(render_json(declared_report()));
  EXPECT_EQ(schema_errors(report), "");
  const json& casts = report["arrays"][0]["casts"];
  ASSERT_EQ(casts.size(), 2u);
  EXPECT_FALSE(casts[0].contains("semantics"));  // the scan's own target: as before
  EXPECT_FALSE(casts[0].contains("declared"));
  EXPECT_EQ(casts[1]["semantics"], "torch");
  EXPECT_EQ(casts[1]["declared"], true);

  const json& findings = report["findings"];
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0]["path"], "configs/.dtlint.yaml");
  EXPECT_EQ(findings[0]["member"], nullptr);
  EXPECT_EQ(findings[0]["line"], 4);
  EXPECT_EQ(findings[0]["column"], 5);
  EXPECT_EQ(findings[0]["related"], json::parse(R"({"path": "data/a.npz", "member": "pixels"})"));
  EXPECT_EQ(findings[1]["member"], "cast_3");
  EXPECT_EQ(findings[1]["line"], nullptr);
  EXPECT_EQ(findings[1]["related"]["member_bytes"], "d/8=");  // "w\xff": not UTF-8, so its bytes
  EXPECT_EQ(findings[2]["related"], nullptr);                 // always written, null when there is none

  json broken = report;
  broken["findings"][0]["related"]["line"] = 3;
  EXPECT_NE(schema_errors(broken), "");
  broken = report;
  broken["findings"][0].erase("related");
  EXPECT_NE(schema_errors(broken), "");
  broken = report;
  broken["arrays"][0]["casts"][0]["declared"] = false;
  EXPECT_NE(schema_errors(broken), "");
  broken = report;
  broken["arrays"][0]["casts"][1]["semantics"] = "jax";
  EXPECT_NE(schema_errors(broken), "");
}

// A finding says what share of its array it is about, what it was cast from,
// how the baseline and SARIF know it, and the fix (or null: none).
TEST(JsonReport, FindingsAreSelfContained) {
  const std::string root = testing_support::kSourceDir;
  const Report report = scan_report({root + "/examples", root + "/no-such-file.npy"}, Semantics::NumPy);
  const json document = json::parse(render_json(report, root));
  ASSERT_EQ(schema_errors(document), "");
  std::map<std::pair<std::string, std::string>, std::uint64_t> elements;  // path, member → elements
  for (const json& a : document["arrays"])
    elements[{a["path"], a["member"].is_null() ? "" : a["member"].get<std::string>()}] = a["elements"];
  std::size_t array_findings = 0, other_findings = 0;
  for (const json& f : document["findings"]) {
    SCOPED_TRACE(f.dump());
    const auto it = elements.find({f["path"], f["member"].is_null() ? "" : f["member"].get<std::string>()});
    const bool about_elements = it != elements.end() && f["target"].is_string() && f["line"].is_null() &&
                                f["rule"].get<std::string>().starts_with("DT1");
    if (about_elements) {
      ++array_findings;
      ASSERT_TRUE(f["fraction"].is_number());
      EXPECT_DOUBLE_EQ(f["fraction"].get<double>(),
                       f["count"].get<double>() / static_cast<double>(it->second));
      EXPECT_TRUE(f["source_dtype"].is_string());
    } else if (f["rule"] == "E901" || f["line"].is_number()) {
      ++other_findings;
      EXPECT_TRUE(f["fraction"].is_null());  // an unreadable file or a config line has no elements
    }
    EXPECT_TRUE(f["suggestion"].is_null() || !f["suggestion"].get<std::string>().empty());
  }
  EXPECT_GT(array_findings, 5u);
  EXPECT_GT(other_findings, 1u);
  for (const json& f : document["findings"]) {
    if (f["path"] == "examples/user_ids.npy" && f["target"] == "float16") {
      EXPECT_EQ(f["source_dtype"], "int64");
    }
  }
}

// The JSON's fingerprints are the baseline's and SARIF's, finding for finding.
TEST(JsonReport, FingerprintsAreTheBaselinesAndSarifs) {
  const std::string root = testing_support::kSourceDir;
  const Report report = scan_report({root + "/examples"}, Semantics::NumPy);
  testing_support::TempDir folder;
  // A baseline's fingerprints take paths from its own folder: the report's root is that folder.
  const std::string file = folder / "baseline.json";
  write_baseline(file, report.findings);
  std::multiset<std::string> from_baseline;
  for (const BaselineEntry& e : read_baseline(file).entries) from_baseline.insert(e.fingerprint);

  const json document = json::parse(render_json(report, folder.path()));
  std::multiset<std::string> from_json;
  for (const json& f : document["findings"]) from_json.insert(f["fingerprint"].get<std::string>());
  ASSERT_EQ(from_json.size(), report.findings.size());
  EXPECT_EQ(from_json, from_baseline);

  const json log = json::parse(render_sarif(report, folder.path()));
  std::multiset<std::string> from_sarif;
  for (const json& r : log["runs"][0]["results"])
    from_sarif.insert(r["partialFingerprints"]["dtlintFingerprint/v1"]);
  EXPECT_EQ(from_json, from_sarif);
  // Each finding's own, in report order.
  for (std::size_t i = 0; i < report.findings.size(); ++i)
    EXPECT_EQ(document["findings"][i]["fingerprint"], fingerprint(report.findings[i], folder.path()));

  json broken = document;
  broken["findings"][0]["fingerprint"] = "not hex";
  EXPECT_NE(schema_errors(broken), "");
  broken = document;
  broken["findings"][0]["fraction"] = 1.5;
  EXPECT_NE(schema_errors(broken), "");
  broken = document;
  broken["findings"][0].erase("suggestion");
  EXPECT_NE(schema_errors(broken), "");
}

// Mean and population standard deviation of the finite values, as NumPy gives
// them: np.mean(x[np.isfinite(x)]), np.std(...) (for int64 over np.longdouble).
TEST(JsonReport, SourceStatsCarryTheDatasSpread) {
  const std::string root = testing_support::kSourceDir;
  const json document = json::parse(render_json(scan_report(
      {root + "/examples/pressure_pa.npy", root + "/examples/user_ids.npy", root + "/examples/labels.npy"},
      Semantics::NumPy)));
  ASSERT_EQ(schema_errors(document), "");
  const std::map<std::string, std::pair<double, double>> numpy = {
      {"examples/pressure_pa.npy", {101289.6375, 765.6988650423109}},
      {"examples/user_ids.npy", {40022638.9, 12913205.163492285}},
      {"examples/labels.npy", {4.387755102040816, 2.8558306024379156}},  // one NaN among 50
  };
  ASSERT_EQ(document["arrays"].size(), numpy.size());
  for (const json& a : document["arrays"]) {
    std::string path = a["path"];
    path = path.substr(path.find("examples/"));
    const auto& [mean, std] = numpy.at(path);
    const json& stats = a["source_stats"];
    EXPECT_NEAR(stats["mean"].get<double>(), mean, std::abs(mean) * 1e-13) << path;
    EXPECT_NEAR(stats["std"].get<double>(), std, std * 1e-12) << path;
  }
}

TEST(JsonReport, SpreadIsNullWithoutFiniteValues) {
  Report report;
  ArrayResult array;
  array.location = Location("all_nan.npy");
  array.dtype = DType::Float32;
  array.stored_dtype = "<f4";
  array.shape = {2};
  array.elements = 2;
  array.analysis.source.nan.count = 2;
  report.scan.arrays.push_back(array);
  const json document = json::parse(render_json(report));
  EXPECT_EQ(schema_errors(document), "");
  EXPECT_TRUE(document["arrays"][0]["source_stats"]["mean"].is_null());
  EXPECT_TRUE(document["arrays"][0]["source_stats"]["std"].is_null());
}

}  // namespace
}  // namespace dtlint
