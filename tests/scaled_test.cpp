// Scaled casts end to end: the scan picks the amax scale for float16/float8
// casts that overflow or flush, simulates cast(x·2^k) in a second pass and
// reports it in "scaled"; --fp8-scale auto makes the float8 cast itself the
// scaled one. The numbers are NumPy's and PyTorch's (tests/golden/scaled/make_fixtures.py).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analyzer/kernels/dispatch.h"
#include "analyzer/kernels/scaling.h"
#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "scan_support.h"

namespace dtlint {
namespace {

using nlohmann::json;
using testing_support::kSourceDir;
using testing_support::scan_json;

const std::string kDir = kSourceDir + "/tests/golden/scaled";

const json& expected() {
  static const json doc = [] {
    std::ifstream in(kDir + "/expected.json");
    return json::parse(in);
  }();
  return doc;
}

// The report's array at `path` (and `member`), or a failure.
const json& array_of(const json& report, const std::string& path, const json& member = nullptr) {
  for (const json& a : report.at("arrays")) {
    if (a.at("path") == path && a.at("member") == member) return a;
  }
  throw std::runtime_error("no array " + path);
}

// A JSON cast object against the peer's numbers.
void expect_cast(const json& cast, const json& peer, const std::string& what) {
  for (const char* counter : {"overflow", "underflow_to_zero", "to_subnormal", "inexact", "integer_not_exact",
                              "tolerance_exceeded"}) {
    EXPECT_EQ(cast.at(counter), peer.at(counter)) << what << " " << counter;
  }
  EXPECT_EQ(cast.at("max_abs_error").get<double>(), peer.at("max_abs_error").get<double>()) << what;
  // One rounding of the division apart at most (as golden_test allows).
  const double rel = cast.at("max_rel_error").get<double>(),
               peer_rel = peer.at("max_rel_error").get<double>();
  EXPECT_LE(std::fabs(rel - peer_rel), std::ldexp(std::fabs(peer_rel), -52)) << what;
}

json scan(const std::vector<std::string>& paths, const std::string& targets, const std::string& semantics,
          std::optional<std::string> fp8_scale = std::nullopt) {
  ScanRequest request;
  request.paths = paths;
  request.targets = targets;
  request.semantics = semantics;
  request.fp8_scale = std::move(fp8_scale);
  return scan_json(kDir, request);
}

TEST(ScaledCasts, AmaxScaleOfFloat16CastsThatOverflowOrFlushMatchesThePeers) {
  for (const char* profile : {"numpy", "torch"}) {
    for (const json& c : expected().at("cases")) {
      const std::string file = c.at("file");
      const json report = scan({file}, "float16,bfloat16", profile);
      const json& array = array_of(report, file);
      const std::string what = file + " under " + profile;
      ASSERT_EQ(array.at("scaled").size(), 1u) << what;  // bfloat16 fits: no rescaling for it
      const json& scaled = array.at("scaled")[0];
      EXPECT_EQ(scaled.at("target"), "float16") << what;
      EXPECT_EQ(scaled.at("scale_exponent"), c.at("scale_exponent")) << what;
      expect_cast(scaled, c.at(profile), what + " scaled");
      // The plain cast stays what it was: the reason for the rescaling.
      const json& plain = array.at("casts")[0];
      EXPECT_EQ(plain.at("scale_exponent"), 0) << what;
      if (std::string(profile) == "numpy") expect_cast(plain, c.at("unscaled_numpy"), what + " plain");
    }
  }
}

TEST(ScaledCasts, CastsThatFitGetNoRescaling) {
  // bfloat16 and float32 hold every value of these arrays' ranges.
  const json report = scan({"outliers_f32.npy", "gradient_f32.npy"}, "bfloat16,float32", "numpy");
  for (const json& array : report.at("arrays")) EXPECT_TRUE(array.at("scaled").empty()) << array.at("path");
}

TEST(ScaledCasts, Fp8AutoSimulatesTheFloat8CastWithTheAmaxScale) {
  const json& peer = expected().at("fp8_auto");
  const std::string file = peer.at("file");
  const json automatic = scan({file}, "float8_e4m3fn", "numpy", "auto");
  const json& cast = array_of(automatic, file).at("casts")[0];
  EXPECT_EQ(cast.at("scale_exponent"), peer.at("scale_exponent"));
  EXPECT_EQ(cast.at("amax_scale"), true);
  expect_cast(cast, peer.at("numpy"), "auto");
  EXPECT_TRUE(array_of(automatic, file).at("scaled").empty());  // the cast is already the scaled one

  // none (the default): the plain cast, and the amax rescaling offered as a fix with the same numbers.
  for (std::optional<std::string> none : {std::optional<std::string>("none"), std::optional<std::string>()}) {
    const json plain = scan({file}, "float8_e4m3fn", "numpy", none);
    const json& array = array_of(plain, file);
    EXPECT_EQ(array.at("casts")[0].at("scale_exponent"), 0);
    EXPECT_FALSE(array.at("casts")[0].contains("amax_scale"));
    expect_cast(array.at("casts")[0], peer.at("unscaled_numpy"), "none");
    ASSERT_EQ(array.at("scaled").size(), 1u);
    EXPECT_EQ(array.at("scaled")[0].at("scale_exponent"), peer.at("scale_exponent"));
    expect_cast(array.at("scaled")[0], peer.at("numpy"), "none, scaled");
  }
}

// DT113: a plain float8 cast whose amax rescaling fits is one note naming the
// scale and the scaled counts, in place of the plain cast's DT104/DT105 findings.
TEST(ScaledCasts, AFloat8CastThatOnlyNeedsItsScaleIsOneDt113Note) {
  const json& peer = expected().at("fp8_auto");
  const std::string file = peer.at("file");
  const json report = scan({file}, "float8_e4m3fn", "numpy");
  ASSERT_EQ(report.at("findings").size(), 1u) << report.at("findings").dump(1);
  const json& f = report.at("findings")[0];
  EXPECT_EQ(f.at("rule"), "DT113");
  EXPECT_EQ(f.at("severity"), "note");
  const json& plain = peer.at("unscaled_numpy");
  EXPECT_EQ(f.at("count"), plain.at("overflow").get<int>() + plain.at("underflow_to_zero").get<int>() +
                               plain.at("to_subnormal").get<int>());
  const json& scaled = peer.at("numpy");
  const std::string message = f.at("message");
  const std::string says = "scaled by 2^" + std::to_string(peer.at("scale_exponent").get<int>()) +
                           " (its amax scale) " + std::to_string(scaled.at("overflow").get<int>()) +
                           " overflow, " + std::to_string(scaled.at("underflow_to_zero").get<int>()) +
                           " flush to zero and " + std::to_string(scaled.at("to_subnormal").get<int>()) +
                           " are subnormal";
  EXPECT_NE(message.find(says), std::string::npos) << message << "\nexpected " << says;
  // Simulated as deployed, nothing is left to say.
  EXPECT_TRUE(scan({file}, "float8_e4m3fn", "numpy", "auto").at("findings").empty());
}

TEST(ScaledCasts, StreamedMembersAreReadAgainForTheSecondPass) {
  // The same arrays deflated in an .npz: inflated once per pass, the same numbers.
  const json streamed = scan({"streamed.npz"}, "float16,float8_e4m3fn", "numpy", "auto");
  const json direct = scan({"gradient_f32.npy", "weights_f32.npy"}, "float16,float8_e4m3fn", "numpy", "auto");
  ASSERT_TRUE(streamed.at("problems").empty()) << streamed.at("problems").dump();
  for (const char* name : {"gradient_f32", "weights_f32"}) {
    const json& a = array_of(streamed, "streamed.npz", std::string(name));
    const json& b = array_of(direct, std::string(name) + ".npy");
    EXPECT_EQ(a.at("casts"), b.at("casts")) << name;
    EXPECT_EQ(a.at("scaled"), b.at("scaled")) << name;
    EXPECT_NE(a.at("casts")[1].at("scale_exponent"), 0) << name;  // the float8 cast, at its amax scale
  }
}

TEST(ScaledCasts, SecondPassIsTheSameForAnyThreadsAndChunks) {
  std::vector<std::string> paths;
  for (const char* f : {"gradient_f32.npy", "outliers_f64.npy", "wide_f64.npy", "streamed.npz"})
    paths.push_back(kDir + "/" + f);
  auto run = [&](unsigned threads, std::size_t chunk_bytes) {
    ScanOptions options;
    options.requests = {default_request(DType::Float16), default_request(DType::Float8E5M2)};
    options.requests[1].amax_scale = true;
    options.threads = threads;
    options.chunk_bytes = chunk_bytes;
    return scan_paths(paths, options);
  };
  const ScanResult one = run(1, std::size_t{4} << 20);
  const ScanResult many = run(3, 1000);  // chunks of 125 to 500 elements over three threads
  ASSERT_EQ(one.arrays.size(), many.arrays.size());
  for (std::size_t a = 0; a < one.arrays.size(); ++a) {
    const ArrayAnalysis &x = one.arrays[a].analysis, &y = many.arrays[a].analysis;
    ASSERT_EQ(x.scaled.size(), y.scaled.size());
    ASSERT_EQ(x.casts.size(), y.casts.size());
    std::vector<std::pair<const CastStats*, const CastStats*>> pairs;
    for (std::size_t i = 0; i < x.casts.size(); ++i) pairs.emplace_back(&x.casts[i], &y.casts[i]);
    for (std::size_t i = 0; i < x.scaled.size(); ++i) pairs.emplace_back(&x.scaled[i], &y.scaled[i]);
    for (const auto& [p, q] : pairs) {
      EXPECT_EQ(p->scale_exponent, q->scale_exponent);
      for (std::size_t c = 0; c < kCastCounterCount; ++c) {
        EXPECT_EQ(p->counters[c].count, q->counters[c].count);
        EXPECT_EQ(p->counters[c].first.index, q->counters[c].first.index);
      }
      EXPECT_EQ(p->max_abs_error, q->max_abs_error);
      EXPECT_EQ(p->max_rel_error, q->max_rel_error);
    }
  }
  // The float8 cast of every array with values was scaled, and something needed a float16 fix.
  EXPECT_NE(one.arrays[0].analysis.casts[1].scale_exponent, 0);
  EXPECT_FALSE(one.arrays[0].analysis.scaled.empty());
}

TEST(ScaledCasts, NoRescalingWhenTurnedOff) {
  ScanOptions options;
  options.requests = {default_request(DType::Float16)};
  options.simulate_scales = false;
  const std::vector<std::string> paths{kDir + "/gradient_f32.npy"};
  const ScanResult result = scan_paths(paths, options);
  ASSERT_EQ(result.arrays.size(), 1u);
  EXPECT_TRUE(result.arrays[0].analysis.scaled.empty());
  EXPECT_GT(result.arrays[0].analysis.casts[0][CastCounter::UnderflowToZero].count, 0u);
}

// fp8_scale in a configuration (YAML, TOML, pyproject), rendered by `dtlint
// config` and read back; --fp8-scale over it; the scan's float8 cast follows.
TEST(ScaledCasts, Fp8ScaleFromTheConfigurationAndTheCommandLine) {
  testing_support::TempDir dir;
  std::filesystem::copy_file(kDir + "/weights_f32.npy", dir / "weights.npy");
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  };
  write(".dtlint.yaml", "targets: [float8_e4m3fn]\nfp8_scale: auto\n");
  const json& peer = expected().at("fp8_auto");
  const auto cast_of = [&](ScanRequest request) {
    request.paths = {"weights.npy"};
    return scan_json(dir.path(), request).at("arrays")[0].at("casts")[0];
  };
  EXPECT_EQ(cast_of({}).at("scale_exponent"), peer.at("scale_exponent"));
  ScanRequest none;
  none.fp8_scale = "none";  // the command line over the file
  EXPECT_EQ(cast_of(none).at("scale_exponent"), 0);

  ScanRequest shown;
  shown.paths = {(dir / "weights.npy")};
  const std::string rendered = render_effective_config(shown);
  EXPECT_NE(rendered.find("fp8_scale: \"auto\"\n"), std::string::npos) << rendered;
  write("again.yaml", rendered);
  EXPECT_EQ(load_config(dir / "again.yaml").fp8_scale, "auto");
  shown.fp8_scale = "none";
  EXPECT_NE(render_effective_config(shown).find("fp8_scale: \"none\"\n"), std::string::npos);

  write(".dtlint.toml", "fp8_scale = \"auto\"\n");
  EXPECT_EQ(load_config(dir / ".dtlint.toml").fp8_scale, "auto");
  write("pyproject.toml", "[tool.dtlint]\nfp8_scale = \"none\"\n");
  EXPECT_EQ(load_config(dir / "pyproject.toml").fp8_scale, "none");

  const auto bad = testing_support::run_dtlint("scan --fp8-scale sometimes " + (dir / "weights.npy"));
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--fp8-scale"), std::string::npos) << bad.err;
  ScanRequest wrong;
  wrong.paths = {(dir / "weights.npy")};
  wrong.fp8_scale = "sometimes";
  EXPECT_THROW(render_effective_config(wrong), UsageError);
}

// A declared float8 cast (a pipeline entry) is never scaled, even with
// --fp8-scale auto and the same target among the scan's.
TEST(ScaledCasts, DeclaredCastsAreNeverAutoScaled) {
  testing_support::TempDir dir;
  std::filesystem::copy_file(kDir + "/weights_f32.npy", dir / "weights.npy");
  std::ofstream(dir / ".dtlint.yaml") << "targets: [float8_e4m3fn]\nfp8_scale: auto\n"
                                         "pipeline:\n  - name: fp8-weights\n    source: weights.npy\n"
                                         "    cast: float8_e4m3fn\n";
  ScanRequest request;
  request.paths = {"."};
  const json report = scan_json(dir.path(), request);
  const json& casts = array_of(report, "weights.npy").at("casts");
  ASSERT_EQ(casts.size(), 2u) << casts.dump();
  EXPECT_EQ(casts[0].at("scale_exponent"), expected().at("fp8_auto").at("scale_exponent"));
  EXPECT_EQ(casts[1].at("scale_exponent"), 0);  // the declared one, simulated apart
  EXPECT_EQ(casts[1].at("declared"), true);
  expect_cast(casts[1], expected().at("fp8_auto").at("unscaled_numpy"), "declared");
}

// A casts-only pass (the follow-up's) counts exactly what a full pass counts
// and leaves the source statistics empty; a scaled pass next to an unscaled
// one in analyse_range_with leaves them to the unscaled one.
TEST(ScaledCasts, CastsOnlyPassesCountTheSameAndLeaveTheSourceEmpty) {
  std::vector<float> values(3000);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] =
        static_cast<float>((static_cast<double>(i % 97) - 48.0) * 1e-9 * static_cast<double>(i % 13 + 1));
  ArrayView view;
  view.location.path = "casts-only";
  view.dtype = DType::Float32;
  view.elements = values.size();
  view.shape = {values.size()};
  view.data = std::as_bytes(std::span(values));
  CastRequest scaled = default_request(DType::Float16);
  scaled.scale_exponent = 20;
  const std::vector<CastRequest> requests = {default_request(DType::Float16), scaled};
  for (KernelIsa isa : supported_kernels()) {
    const ArrayAnalysis full = analyse_array(view, Semantics::NumPy, requests, isa);
    ArrayAnalysis only = prepare_analysis(view, requests);
    only.casts_only = true;
    analyse_range_with(range_kernel(isa), view, Semantics::NumPy, only, 0, view.elements);
    EXPECT_FALSE(only.source.abs_max.has_value()) << to_string(isa);
    EXPECT_EQ(only.source.moments.count, 0u) << to_string(isa);
    EXPECT_EQ(full.source.moments.count, values.size()) << to_string(isa);
    ASSERT_EQ(full.source.abs_max, analyse_array(view, Semantics::NumPy, {}, isa).source.abs_max);
    for (std::size_t t = 0; t < requests.size(); ++t) {
      for (std::size_t c = 0; c < kCastCounterCount; ++c)
        EXPECT_EQ(only.casts[t].counters[c].count, full.casts[t].counters[c].count) << to_string(isa);
      EXPECT_EQ(only.casts[t].max_abs_error, full.casts[t].max_abs_error) << to_string(isa);
    }
    // Scaling up by 2^20 brings the flushed values back into float16's normal range.
    EXPECT_GT(full.casts[0][CastCounter::UnderflowToZero].count, 0u);
    EXPECT_EQ(full.casts[1][CastCounter::UnderflowToZero].count, 0u);
  }
}

TEST(ScaleForAmax, IsTheLargestPowerOfTwoThatKeepsAmaxWithinTheLargestFinite) {
  EXPECT_EQ(scale_for_amax(DType::Float16, 65504.0L), 0);
  EXPECT_EQ(scale_for_amax(DType::Float16, 65505.0L), -1);
  EXPECT_EQ(scale_for_amax(DType::Float16, 32752.0L), 1);   // 65504 / 2 exactly
  EXPECT_EQ(scale_for_amax(DType::Float16, 32752.5L), 0);   // a hair above: doubling would pass 65504
  EXPECT_EQ(scale_for_amax(DType::Float8E4M3FN, 1.0L), 8);  // 448 = 1.75 · 2^8
  EXPECT_EQ(scale_for_amax(DType::Float8E5M2, 1e-30L), 115);
  EXPECT_FALSE(scale_for_amax(DType::Float16, 0.0L).has_value());
  EXPECT_FALSE(scale_for_amax(DType::Int32, 5.0L).has_value());
}

TEST(ScaleCandidates, OnlyForScalableTargetsWithRangeTrouble) {
  ArrayAnalysis analysis;
  analysis.source.abs_max = 1e6L;
  CastStats float16, bfloat16, float8;
  float16.target = DType::Float16;
  float16[CastCounter::Overflow].count = 3;
  bfloat16.target = DType::BFloat16;
  bfloat16[CastCounter::Overflow].count = 3;              // never rescaled: not a target one scales into
  float8.target = DType::Float8E4M3FN;                    // no trouble: no candidate
  analysis.casts = {float16, bfloat16, float8, float16};  // a repeat is deduplicated
  const std::vector<CastRequest> candidates = scale_candidates(DType::Float32, analysis);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].target, DType::Float16);
  EXPECT_EQ(candidates[0].scale_exponent, -4);  // 1e6 / 16 = 62500 ≤ 65504 < 125000
  analysis.source.abs_max.reset();              // no finite nonzero value: nothing to scale by
  EXPECT_TRUE(scale_candidates(DType::Float32, analysis).empty());
}

}  // namespace
}  // namespace dtlint
