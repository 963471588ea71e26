// Reports that stream: the scan hands over each finished array in a fixed
// order, the writers give the bytes of the whole report whatever the order in
// which arrays and findings arrive, the JSON spool survives its spill to disk,
// and a scan's memory does not grow with the number of files it reads.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/json_report.h"
#include "reports/spool.h"
#include "reports/writers.h"
#include "rules/evaluate.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;
using testing_support::TempDir;

TEST(Spool, GivesBackWhatWasAppendedInOrderAcrossTheSpillToDisk) {
  Spool spool(16);  // spills on the second piece
  std::string expected;
  EXPECT_TRUE(spool.empty());
  for (int i = 0; i < 2000; ++i) {
    const std::string piece =
        "piece " + std::to_string(i) + (i % 7 == 0 ? std::string(5000, 'x') : "") + "\n";
    spool.append(piece);
    expected += piece;
  }
  EXPECT_FALSE(spool.empty());
  std::ostringstream out;
  spool.copy_to(out);
  EXPECT_EQ(out.str(), expected);
  std::ostringstream again;  // copying does not consume it
  spool.copy_to(again);
  EXPECT_EQ(again.str(), expected);
}

TEST(Spool, SmallTextStaysInMemory) {
  Spool spool;
  spool.append("abc");
  spool.append("");
  spool.append("def");
  std::ostringstream out;
  spool.copy_to(out);
  EXPECT_EQ(out.str(), "abcdef");
}

// A .safetensors file of `count` one-element float64 tensors with distinct values.
std::string many_tensors(std::size_t count) {
  std::string header = "{", data;
  for (std::size_t i = 0; i < count; ++i) {
    const double value = 1e-9 * static_cast<double>(i + 1) + (i % 3 == 0 ? 70000.0 : 0.0);
    char bytes[8];
    std::memcpy(bytes, &value, 8);
    header += (i ? ",\"t" : "\"t") + std::to_string(i) +
              "\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[" + std::to_string(8 * i) + "," +
              std::to_string(8 * i + 8) + "]}";
    data.append(bytes, 8);
  }
  header += "}";
  std::string file(8, '\0');
  for (std::size_t b = 0; b < 8; ++b) file[b] = static_cast<char>((header.size() >> (8 * b)) & 0xFF);
  return file + header + data;
}

Report scan_report(const std::vector<std::string>& paths, unsigned threads, std::size_t chunk_bytes) {
  ScanOptions options;
  options.threads = threads;
  options.chunk_bytes = chunk_bytes;
  Report report;
  for (DType t : {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32}) {
    options.requests.push_back(default_request(t));
    report.targets.push_back(t);
  }
  report.scan = scan_paths(paths, options);
  report.findings = evaluate(report.scan, Semantics::NumPy);
  return report;
}

// Thousands of members and one array cut into thousands of chunks take
// several waves of tasks; results merged across waves must equal one pass.
TEST(StreamedScan, ResultsMergedAcrossWavesEqualOnePass) {
  TempDir dir;
  std::ofstream(dir / "many.safetensors", std::ios::binary) << many_tensors(3000);
  fs::copy_file(kSourceDir + "/examples/gradients.npy", dir / "gradients.npy");
  const std::vector<std::string> paths{dir / "many.safetensors", dir / "gradients.npy",
                                       kSourceDir + "/examples", kSourceDir + "/tests/hostile"};
  const Report whole = scan_report(paths, 1, std::size_t{4} << 20);
  ASSERT_GT(whole.scan.arrays.size(), 3000u);
  ASSERT_GT(whole.findings.size(), 3000u);
  // 8-byte chunks: every element a task, so arrays straddle waves.
  const Report split = scan_report(paths, 2, 8);
  // The mean and spread merge in chunk order, so another chunk size rounds them
  // otherwise (within the documented bound: cast_stats.h's Moments); every
  // other byte is the same.
  nlohmann::json split_json = nlohmann::json::parse(render_json(split));
  nlohmann::json whole_json = nlohmann::json::parse(render_json(whole));
  ASSERT_EQ(split_json["arrays"].size(), whole_json["arrays"].size());
  for (std::size_t i = 0; i < whole_json["arrays"].size(); ++i) {
    nlohmann::json& a = split_json["arrays"][i]["source_stats"];
    nlohmann::json& b = whole_json["arrays"][i]["source_stats"];
    for (const char* key : {"mean", "std"}) {
      ASSERT_EQ(a[key].is_null(), b[key].is_null()) << i;
      if (!a[key].is_null()) {
        const double x = a[key], y = b[key];
        EXPECT_LE(std::abs(x - y), 1e-12 * std::max(std::abs(x), std::abs(y)) + 1e-300) << i << key;
      }
      a.erase(key);
      b.erase(key);
    }
  }
  EXPECT_TRUE(split_json == whole_json);  // not EXPECT_EQ: its diff of megabytes would not help

  // The sink sees the arrays one at a time, in the order the collected scan keeps.
  ScanOptions options;
  options.threads = 2;
  options.requests.push_back(default_request(DType::Float16));
  std::vector<Location> order;
  const ScanResult streamed =
      scan_paths(paths, options, [&](ArrayResult&& array) { order.push_back(array.location); });
  EXPECT_TRUE(streamed.arrays.empty());
  ASSERT_EQ(order.size(), whole.scan.arrays.size());
  for (std::size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], whole.scan.arrays[i].location) << i;
  EXPECT_EQ(streamed.problems.size(), whole.scan.problems.size());
}

// A writer's bytes depend on what it is given, not on how arrays and findings interleave.
TEST(ReportStreams, EveryWriterGivesTheSameBytesWhateverTheInterleaving) {
  const Report report = scan_report({kSourceDir + "/examples", kSourceDir + "/tests/hostile"}, 2, 4 << 20);
  ASSERT_FALSE(report.scan.arrays.empty());
  ASSERT_FALSE(report.findings.empty());
  ASSERT_FALSE(report.scan.problems.empty());
  WriteOptions options;
  options.root = kSourceDir;
  for (const ReportWriter& writer : report_writers()) {
    SCOPED_TRACE(std::string(writer.name));
    std::ostringstream whole, findings_first;
    write_report(writer, report, options, whole);
    const auto stream = writer.open(report.head(), options, findings_first);
    for (const Finding& f : report.findings) stream->finding(f);
    for (const ArrayResult& a : report.scan.arrays) stream->array(a);
    stream->finish(report.summary(), report.scan.problems, report.scan.skipped);
    EXPECT_EQ(findings_first.str(), whole.str());
    EXPECT_FALSE(whole.str().empty());
  }
}

// Peak resident memory (KiB) of `dtlint scan ARGS` run as a child process.
long child_peak_kib(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(DTLINT_BINARY), const_cast<char*>("scan")};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (!freopen("/dev/null", "w", stdout)) _exit(127);
    execv(DTLINT_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
    return -1;
  return usage.ru_maxrss;
}

// Before reports streamed, every file's arrays, findings and JSON text were
// held to the end: about 4-7 KiB per small file. Now a file costs its path in
// the discovery list.
TEST(StreamedScan, MemoryDoesNotGrowWithTheNumberOfFiles) {
  if (testing_support::kSanitizedBuild) {
    GTEST_SKIP() << "AddressSanitizer's quarantine holds freed memory: peak RSS says nothing here";
  }
  TempDir dir;
  const std::string example = kSourceDir + "/examples/pressure_pa.npy";
  for (const auto& [folder, count] : {std::pair{"few", 1000}, std::pair{"many", 12000}}) {
    fs::create_directory(dir / folder);
    for (int i = 0; i < count; ++i)
      fs::copy_file(example, dir / (folder + ("/f" + std::to_string(i) + ".npy")));
  }
  for (const std::string format : {"json", "text"}) {
    SCOPED_TRACE(format);
    const long few = child_peak_kib({dir / "few", "--no-progress", "--threads", "2", "--format", format});
    const long many = child_peak_kib({dir / "many", "--no-progress", "--threads", "2", "--format", format});
    ASSERT_GT(few, 0);
    ASSERT_GT(many, 0);
    // 11,000 more files: well under a KiB each (the old cost was 40-70 MiB).
    EXPECT_LT(many - few, 12 * 1024) << "peak " << few << " KiB for 1,000 files, " << many
                                     << " KiB for 12,000";
  }
}

// A .safetensors header used to become one view per tensor, all held at once
// (some 600 bytes each at the peak); now the reader keeps compact entries and
// the scan makes each view when it comes to it. The inputs are the ones
// bench/memory_inputs.py writes: empty F32 tensors "layer.I.weight".
TEST(StreamedScan, MemoryPerSafetensorsTensorIsSmall) {
  if (testing_support::kSanitizedBuild) {
    GTEST_SKIP() << "AddressSanitizer's quarantine holds freed memory: peak RSS says nothing here";
  }
  TempDir dir;
  for (const auto& [name, count] : {std::pair{"few", 20'000}, std::pair{"many", 200'000}}) {
    std::string header = "{";
    for (int i = 0; i < count; ++i) {
      if (i > 0) header += ",";
      header += "\"layer." + std::to_string(i) +
                ".weight\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}";
    }
    header += "}";
    std::ofstream out(dir / (std::string(name) + ".safetensors"), std::ios::binary);
    for (int b = 0; b < 8; ++b) out.put(static_cast<char>((header.size() >> (8 * b)) & 0xFF));
    out << header;
  }
  for (const std::string format : {"json", "text"}) {
    SCOPED_TRACE(format);
    const long few =
        child_peak_kib({dir / "few.safetensors", "--no-progress", "--threads", "2", "--format", format});
    const long many =
        child_peak_kib({dir / "many.safetensors", "--no-progress", "--threads", "2", "--format", format});
    ASSERT_GT(few, 0);
    ASSERT_GT(many, 0);
    // 180,000 more tensors: under 200 bytes each (it was some 600).
    EXPECT_LT(many - few, 180'000 * 200 / 1024)
        << "peak " << few << " KiB for 20,000 tensors, " << many << " KiB for 200,000";
  }
}

}  // namespace
}  // namespace dtlint
