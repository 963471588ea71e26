// The JSON report: real output validated against the shipped JSON Schema.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "reports/json_report.h"
#include "reports/text_report.h"
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

TEST(TextReport, OneLinePerFindingAndASummary) {
  const std::string root = testing_support::kSourceDir;
  const Report report = scan_report({root + "/examples"}, Semantics::NumPy);
  const std::string text = render_text(report, false);
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, report.findings.size() + 1);
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

}  // namespace
}  // namespace dtlint
