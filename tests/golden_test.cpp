// Golden fixtures: arrays and the results of casting them, written by the real
// peers (NumPy's astype, PyTorch's Tensor.to) with tests/golden/generate.py.
// Every count, every error maximum and every element's result must match, under
// every kernel this CPU can run.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analyzer/formats/npy.h"
#include "analyzer/formats/readers.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/dispatch.h"
#include "analyzer/kernels/float_format.h"
#include "analyzer/kernels/reference.h"
#include "analyzer/scan/scan.h"

namespace dtlint {
namespace {

using nlohmann::json;

const std::string kGoldenDir = std::string(DTLINT_SOURCE_DIR) + "/tests/golden/data/";

const json& expected() {
  static const json doc = [] {
    std::ifstream in(kGoldenDir + "expected.json");
    return json::parse(in);
  }();
  return doc;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const json& c : expected()["cases"]) names.push_back(c["name"]);
  return names;
}

const json& find_case(const std::string& name) {
  for (const json& c : expected()["cases"]) {
    if (c["name"] == name) return c;
  }
  throw std::runtime_error("no golden case " + name);
}

// Two maxima of |cast(x) − x| / |x| agree when equal or within one rounding of the division.
void expect_close(double actual, double peer, const std::string& what) {
  if (actual == peer) return;
  EXPECT_LE(std::fabs(actual - peer), std::ldexp(std::fabs(peer), -52))
      << what << ": " << actual << " vs " << peer;
}

void expect_optional(const std::optional<long double>& actual, const json& peer, const std::string& what) {
  if (peer.is_null()) {
    EXPECT_FALSE(actual.has_value()) << what;
    return;
  }
  ASSERT_TRUE(actual.has_value()) << what;
  if (peer.is_number_integer()) {
    // Integers exactly: compare in long double, which holds every 64-bit integer.
    const long double value = peer.is_number_unsigned() ? static_cast<long double>(peer.get<std::uint64_t>())
                                                        : static_cast<long double>(peer.get<std::int64_t>());
    EXPECT_EQ(*actual, value) << what;
  } else {
    EXPECT_EQ(static_cast<double>(*actual), peer.get<double>()) << what;
  }
}

// The value of a result the peer stored as raw bits (uint16 or uint32).
long double peer_value(std::uint32_t bits, DType target) {
  if (target != DType::Float32) return decode_bits(bits, float_format(target));
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// Every statistic of `analysis` against the peers' for one profile of a case.
void expect_matches_peer(const ArrayAnalysis& analysis, const json& c, const std::string& profile_name,
                         const std::string& where_prefix) {
  const json& targets = c["profiles"][profile_name];
  const json& s = c["source_stats"];
  EXPECT_EQ(analysis.source.nan.count, s["nan"].get<std::uint64_t>()) << where_prefix;
  EXPECT_EQ(analysis.source.pos_inf.count, s["pos_inf"].get<std::uint64_t>()) << where_prefix;
  EXPECT_EQ(analysis.source.neg_inf.count, s["neg_inf"].get<std::uint64_t>()) << where_prefix;
  EXPECT_EQ(analysis.source.zero, s["zero"].get<std::uint64_t>()) << where_prefix;
  EXPECT_EQ(analysis.source.non_integral.count, s["non_integral"].get<std::uint64_t>()) << where_prefix;
  expect_optional(analysis.source.finite_min, s["finite_min"], where_prefix + " finite_min");
  expect_optional(analysis.source.finite_max, s["finite_max"], where_prefix + " finite_max");
  expect_optional(analysis.source.abs_min_nonzero, s["abs_min_nonzero"], where_prefix + " abs_min_nonzero");
  expect_optional(analysis.source.abs_max, s["abs_max"], where_prefix + " abs_max");

  for (const CastStats& stats : analysis.casts) {
    const std::string where =
        where_prefix + " → " + std::string(name(stats.target)) + " (" + profile_name + ")";
    const json& peer = targets[std::string(name(stats.target))];
    if (stats.lossless) {
      // Marked lossless without a pass: the peer must agree that nothing changed.
      // Its other counts (to_subnormal: float16 subnormals stay subnormal) are held to the peer's below.
      EXPECT_EQ(peer["inexact"].get<std::uint64_t>(), 0u) << where;
      EXPECT_EQ(peer["nonfinite_to_int"].get<std::uint64_t>(), 0u) << where;
    }
    for (std::size_t i = 0; i < kCastCounterCount; ++i) {
      const std::string field(field_name(static_cast<CastCounter>(i)));
      EXPECT_EQ(stats.counters[i].count, peer[field].get<std::uint64_t>()) << where << " " << field;
    }
    EXPECT_EQ(static_cast<double>(stats.max_abs_error), peer["max_abs_error"].get<double>()) << where;
    expect_close(static_cast<double>(stats.max_rel_error), peer["max_rel_error"].get<double>(), where);
    if (peer.contains("diverging_torch")) {
      EXPECT_EQ(stats.diverging[static_cast<std::size_t>(Semantics::Torch)].count,
                peer["diverging_torch"].get<std::uint64_t>())
          << where << " diverging from torch";
    }
  }
}

std::vector<CastRequest> requests_for(const json& targets) {
  std::vector<CastRequest> requests;
  for (const auto& [target_name, counts] : targets.items()) {
    requests.push_back(default_request(*dtype_from_name(target_name)));
  }
  return requests;
}

class Golden : public testing::TestWithParam<std::string> {};

TEST_P(Golden, SourceStatsAndCountsMatchThePeers) {
  const json& c = find_case(GetParam());
  const std::string file = kGoldenDir + c["file"].get<std::string>();
  const ArrayView view = read_path(read_npy, file, file).arrays.at(0);
  ASSERT_EQ(name(view.dtype), c["dtype"].get<std::string>());
  ASSERT_EQ(view.elements, c["elements"].get<std::uint64_t>());
  ASSERT_EQ(view.fortran_order, c["order"] == "F");

  for (const auto& [profile_name, targets] : c["profiles"].items()) {
    if (targets.contains("skipped")) continue;
    const Semantics semantics = *semantics_from_string(profile_name);
    const std::vector<CastRequest> requests = requests_for(targets);
    for (KernelIsa isa : supported_kernels()) {
      const ArrayAnalysis analysis = analyse_array(view, semantics, requests, isa);
      expect_matches_peer(analysis, c, profile_name, GetParam() + " [" + std::string(to_string(isa)) + "]");
    }
  }
}

// The same arrays inside .npz (stored and deflated) and .safetensors files,
// read by the scan itself (streamed members, chunks small enough to split them).
TEST(GoldenContainers, MembersMatchThePeers) {
  for (const std::string profile_name : {"numpy", "torch"}) {
    const json& targets = find_case("f64_mixed")["profiles"][profile_name];
    ScanOptions options;
    options.semantics = *semantics_from_string(profile_name);
    options.requests = requests_for(targets);
    options.chunk_bytes = 1000;  // several chunks per member
    const std::vector<std::string> paths{kGoldenDir + "containers"};
    const ScanResult scan = scan_paths(paths, options);
    EXPECT_TRUE(scan.problems.empty())
        << scan.problems.front().location.path << ": " << scan.problems.front().message;
    std::size_t checked = 0;
    for (const ArrayResult& array : scan.arrays) {
      ASSERT_TRUE(array.location.member.has_value());
      const json& c = find_case(*array.location.member);
      EXPECT_EQ(array.elements, c["elements"].get<std::uint64_t>())
          << array.location.path << ":" << *array.location.member;
      if (c["profiles"][profile_name].contains("skipped")) continue;
      expect_matches_peer(array.analysis, c, profile_name,
                          array.location.path + ":" + *array.location.member);
      ++checked;
    }
    EXPECT_GE(checked, 30u);  // 11 + 11 npz members, and the safetensors tensors
  }
}

// Element by element: the kernel's result equals the peer's bits. TensorFlow is
// not packaged for Debian; its profile (Eigen's conversions) is held to PyTorch's
// results, since both round through float32.
TEST_P(Golden, EveryElementMatchesThePeer) {
  const json& c = find_case(GetParam());
  const std::string file = kGoldenDir + c["file"].get<std::string>();
  const ArrayView view = read_path(read_npy, file, file).arrays.at(0);
  std::uint64_t compared = 0;
  for (const std::string profile : {"numpy", "torch"}) {
    if (c["profiles"][profile].contains("skipped")) continue;
    for (DType target : {DType::Float16, DType::BFloat16, DType::Float32}) {
      const std::string results =
          kGoldenDir + "results/" + GetParam() + "__" + std::string(name(target)) + "__" + profile + ".npy";
      const ArrayView peer = read_path(read_npy, results, results).arrays.at(0);
      ASSERT_EQ(peer.elements, view.elements) << results;
      std::vector<Semantics> checked{*semantics_from_string(profile)};
      if (profile == "torch") checked.push_back(Semantics::TensorFlow);
      for (std::uint64_t i = 0; i < view.elements; ++i) {
        const long double x = decode_element(view.data, i, view.dtype, view.byte_swapped).real;
        const SourceValue bits = decode_element(peer.data, i, peer.dtype, peer.byte_swapped);
        const long double want = peer_value(static_cast<std::uint32_t>(bits.real), target);
        for (Semantics semantics : checked) {
          const long double got = cast_to_float(x, view.dtype, target, semantics);
          const bool same = (std::isnan(got) && std::isnan(want)) ||
                            (got == want && std::signbit(got) == std::signbit(want));
          ASSERT_TRUE(same) << GetParam() << "[" << i << "] → " << name(target) << " under "
                            << to_string(semantics) << ": x = " << static_cast<double>(x) << ", got "
                            << static_cast<double>(got) << ", peer " << static_cast<double>(want);
          ++compared;
        }
      }
    }
  }
  if (view.elements > 0) {
    EXPECT_GT(compared, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Peers, Golden, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace dtlint
