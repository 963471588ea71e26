#include "app/app.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <sstream>

#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/pipeline/loaders.h"
#include "analyzer/scan/discovery.h"
#include "app/plan.h"
#include "reports/printable_text.h"
#include "reports/text_report.h"
#include "reports/writers.h"
#include "rules/baseline.h"
#include "rules/evaluate.h"
#include "rules/registry.h"
#include "rules/suppressions.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;

const std::vector<DType> kDefaultTargets{DType::Float16, DType::BFloat16, DType::Float32, DType::Int32};

std::vector<std::string> paths_of(const ScanRequest& request) {
  return request.paths.empty() ? std::vector<std::string>{"."} : request.paths;
}

std::vector<DType> parse_targets(const std::string& list) {
  std::vector<DType> targets;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto type = target_dtype(item);
    if (!type) {
      throw UsageError("--targets: unknown target dtype '" + item +
                       "' (use float16, bfloat16, float32, float64, float8_e4m3fn, float8_e5m2, "
                       "int8…int64 or uint8…uint64)");
    }
    if (std::find(targets.begin(), targets.end(), *type) == targets.end()) targets.push_back(*type);
  }
  if (targets.empty()) throw UsageError("--targets: the list is empty");
  return targets;
}

// The configuration file for this run: --config, or the nearest one above the
// scanned paths. Paths that find different files cannot share one run.
std::optional<fs::path> config_file_for(const ScanRequest& request, const std::vector<std::string>& paths) {
  if (!request.config.empty()) {
    try {
      InputFile::open(request.config, request.config);  // a directory, FIFO or device is named as such
    } catch (const InputError& e) {
      throw UsageError("--config: '" + e.path() + "': " + e.reason());
    }
    return fs::path(request.config);
  }
  std::optional<fs::path> chosen;
  std::string chosen_for;
  // pre-commit passes many files of few folders: each folder is searched once.
  std::map<fs::path, std::optional<fs::path>> found_from;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::path start = fs::is_directory(path, ec) ? fs::absolute(path) : fs::absolute(path).parent_path();
    const auto [slot, fresh] = found_from.try_emplace(start.lexically_normal());
    if (fresh) {
      slot->second = find_config(start);
      // Messages name it as the user would.
      if (slot->second) slot->second = path_from(slot->second->string(), fs::current_path());
    }
    const std::optional<fs::path>& found = slot->second;
    if (chosen_for.empty()) {
      chosen = found;
      chosen_for = path;
    } else if (found != chosen) {
      throw UsageError("'" + chosen_for + "' and '" + path + "' fall under different configurations (" +
                       (chosen ? chosen->string() : "none") + ", " + (found ? found->string() : "none") +
                       "); scan them separately or pass --config FILE");
    }
  }
  return chosen;
}

Config effective_config_for(const ScanRequest& request, const std::vector<std::string>& paths) {
  Config config;
  config.root = fs::current_path();
  if (const auto file = config_file_for(request, paths)) config = load_config(*file);
  if (request.targets) config.settings.targets = parse_targets(*request.targets);
  if (!config.settings.targets) config.settings.targets = kDefaultTargets;
  if (request.semantics) {
    config.semantics = semantics_from_string(*request.semantics);
    if (!config.semantics) throw UsageError("--semantics: expected numpy, tensorflow or torch");
  }
  if (!config.semantics) config.semantics = Semantics::NumPy;
  if (request.fail_on) config.fail_on = request.fail_on;
  if (!config.fail_on) config.fail_on = "error";
  if (request.fp8_scale) {
    if (!fp8_scale_valid(*request.fp8_scale))
      throw UsageError("--fp8-scale: expected auto or none, found '" + *request.fp8_scale + "'");
    config.fp8_scale = request.fp8_scale;
  }
  if (!config.fp8_scale) config.fp8_scale = "none";
  if (request.max_file_size) {
    config.max_file_size = parse_byte_size(*request.max_file_size);
    if (!config.max_file_size) {
      throw UsageError("--max-file-size: expected a size in bytes such as 1048576, 500M or 10G, found '" +
                       *request.max_file_size + "'");
    }
  }
  for (DType target : *config.settings.targets) {
    Tolerance& tolerance = config.settings.tolerances[target];
    const CastRequest defaults = default_request(target);
    if (!tolerance.rtol) tolerance.rtol = defaults.rtol;
    if (!tolerance.atol) tolerance.atol = defaults.atol;
  }
  return config;
}

// The cast requests for a set of settings: its targets (the command line's
// --targets win over per_path ones), each with its DT106 tolerance; float8
// targets with each array's amax scale when `fp8_amax_scale` (--fp8-scale auto).
std::vector<CastRequest> requests_for(const Settings& settings, const ScanRequest& request,
                                      const std::vector<DType>& top_level, bool fp8_amax_scale) {
  const std::vector<DType>& targets = request.targets || !settings.targets ? top_level : *settings.targets;
  std::vector<CastRequest> requests;
  for (DType target : targets) {
    CastRequest cast = default_request(target);
    if (const auto it = settings.tolerances.find(target); it != settings.tolerances.end()) {
      if (it->second.rtol) cast.rtol = *it->second.rtol;
      if (it->second.atol) cast.atol = *it->second.atol;
    }
    cast.amax_scale = fp8_amax_scale && (target == DType::Float8E4M3FN || target == DType::Float8E5M2);
    requests.push_back(cast);
  }
  return requests;
}

// Configuration files named among the paths (pre-commit passes the ones a
// commit changes) are validated, not read as arrays; the rest are scanned.
std::vector<std::string> data_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> data;
  for (const std::string& path : paths) {
    const fs::path file(path);
    std::error_code ec;
    if (!is_config_file_name(file.filename().string()) || !fs::is_regular_file(file, ec)) {
      data.push_back(path);
      continue;
    }
    // A pyproject.toml without a [tool.dtlint] table is somebody else's business.
    if (file.filename() == "pyproject.toml" &&
        find_config(fs::absolute(file).parent_path()) !=
            std::optional<fs::path>(fs::absolute(file).lexically_normal()))
      continue;
    load_config(file);  // throws ConfigError
  }
  return data;
}

// The files a scan reads or depends on, by device and inode, so that no
// output can overwrite one of them, whatever the spelling or link that names it.
class InputIdentities {
 public:
  void add(const std::string& path) {
    struct stat status {};
    if (!path.empty() && stat_path(path, status) == 0) files_.emplace(status.st_dev, status.st_ino);
  }
  void add_discovery(const Discovery& found) {
    for (const std::string& file : found.files) add(file);
    for (const Problem& p : found.problems) add(p.location.path);
    for (const Skipped& s : found.skipped) add(s.location.path);
  }
  // Throws UsageError when `output` exists and is one of the inputs.
  void check(const std::string& option, const std::string& output) const {
    struct stat status {};
    if (output.empty() || stat_path(output, status) != 0) return;  // a new file: nothing to overwrite
    if (files_.contains({status.st_dev, status.st_ino})) {
      throw UsageError(
          option + ": '" + output +
          "' is an input of this scan; dtlint never overwrites its inputs (choose another file)");
    }
  }

 private:
  std::set<std::pair<dev_t, ino_t>> files_;
};

// Judges each fact as the scan hands it over and passes what survives the
// suppressions and the baseline to the report as it goes. It keeps counts and
// flags (and with --write-baseline one compact record per finding), never the
// arrays or the findings, so memory does not grow with the number of arrays.
class Judge {
 public:
  Judge(const Config& config, std::span<const std::string> scanned, const std::optional<Baseline>& baseline,
        BaselineRecorder* recorder)
      : evaluator_(*config.semantics, &config), suppressor_(config, scanned), recorder_(recorder) {
    // --write-baseline records every finding, the known ones too: the baseline is refreshed.
    if (baseline && !recorder) matcher_.emplace(*baseline);
  }

  void set_report(ReportStream& report) { report_ = &report; }
  void expect_plan(const CastPlan& plan) { evaluator_.expect_plan(plan); }

  void array(const ArrayResult& array) {
    ++summary_.arrays;
    suppressor_.saw_input(array.location.path);
    report_->array(array);
    findings_.clear();
    evaluator_.array(array, findings_);
    for (const Finding& f : findings_) take(f, true);
  }

  // The end: refused code, skipped and unreadable inputs, unused suppressions, the summary.
  const ReportSummary& finish(const ScanResult& scan) {
    summary_.inputs = scan.inputs;
    summary_.unreadable = scan.problems.size();
    summary_.skipped = scan.skipped.size();
    findings_.clear();
    for (const RefusedCode& r : scan.code_refused) {
      suppressor_.saw_input(r.location.path);
      evaluator_.refused_code(r, findings_);
    }
    for (const Skipped& s : scan.skipped) {
      suppressor_.saw_input(s.location.path);
      evaluator_.skipped(s, findings_);
    }
    for (const Problem& p : scan.problems) {
      suppressor_.saw_input(p.location.path);
      evaluator_.problem(p, findings_);
    }
    evaluator_.plan_end(findings_);
    for (const Finding& f : findings_) {
      suppressor_.saw_input(f.location.path);  // a PL finding's configuration file
      take(f, true);
    }
    for (const Finding& note : suppressor_.unused_notes()) take(note, false);  // no entry hides a DT205 note
    summary_.suppressed = suppressor_.hidden();
    if (matcher_) summary_.baseline = matcher_->outcome();
    report_->finish(summary_, scan.problems, scan.skipped);
    return summary_;
  }

 private:
  void take(const Finding& f, bool suppressible) {
    if (suppressible && suppressor_.hides(f)) return;
    if (recorder_) recorder_->add(f);
    if (matcher_ && matcher_->hides(f)) return;
    ++summary_.findings_by_severity[static_cast<std::size_t>(f.severity)];
    report_->finding(f);
  }

  Evaluator evaluator_;
  Suppressor suppressor_;
  std::optional<BaselineMatcher> matcher_;
  BaselineRecorder* recorder_;
  ReportStream* report_ = nullptr;
  ReportSummary summary_;
  std::vector<Finding> findings_;  // one array's, reused
};

}  // namespace

// How the request and its configuration say to walk folders; `config_exclude`
// (config.exclude, compiled once) must outlive the options.
DiscoveryOptions discovery_options(const ScanRequest& request, const Config& config,
                                   const GlobSet& config_exclude) {
  DiscoveryOptions options;
  options.exclude = request.exclude;
  options.plan_file = [](const fs::path& path) { return is_plan_file_name(path.filename().string()); };
  if (!config_exclude.empty()) {
    options.exclude_path = [&config_exclude, root = config.root](const fs::path& path) {
      return config_exclude.matches(path_from(path.string(), root));
    };
  }
  return options;
}

Config effective_config(const ScanRequest& request) {
  return effective_config_for(request, paths_of(request));
}

int show_files(const ScanRequest& request, std::ostream& out) {
  const std::vector<std::string> given = paths_of(request);
  for (const std::string& path : given) {
    if (path.empty()) throw UsageError("scan: an empty path names no file or folder");
  }
  const std::vector<std::string> paths = data_paths(given);
  const Config config = effective_config_for(request, paths.empty() ? given : paths);
  const GlobSet config_exclude(config.exclude);
  const Discovery found = discover_inputs(paths, discovery_options(request, config, config_exclude));

  // What the scan would do with each file, decided as it decides: its size,
  // then its first bytes, then its name.
  std::vector<std::pair<std::string, std::string>> lines;  // path, what
  std::size_t read = 0;
  for (const std::string& file : found.files) {
    std::string what;
    try {
      const InputFile input = InputFile::open(file, file);
      if (config.max_file_size && input.size() > *config.max_file_size) {
        what = "skipped: " + std::to_string(input.size()) + " bytes, more than the maximum file size of " +
               byte_size_text(*config.max_file_size);
      } else {
        const std::vector<std::byte> prefix = read_prefix(file, file, kSniffBytes);
        if (const Reader* reader = reader_for(prefix, file)) {
          what = std::string(reader->name);
          ++read;
        } else if (const UnreadFormat* format = unread_format_for(prefix, file)) {
          what = "skipped: " + std::string(format->reason);
        } else {
          what = "unreadable: not an array file (" + reader_extensions_text("or") + ", by name or content)";
        }
      }
    } catch (const InputError& error) {
      what = "unreadable: " + error.reason();
    }
    lines.emplace_back(printable_text(file), std::move(what));
  }
  for (const Skipped& skipped : found.skipped)
    lines.emplace_back(printable_text(skipped.location.path), "skipped: " + skipped.reason);
  for (const Problem& problem : found.problems)
    lines.emplace_back(printable_text(problem.location.path), "unreadable: " + problem.message);
  for (const std::string& file : found.plan_files) {
    if (const PlanLoader* loader = recognise_plan_file(file)) {  // other JSON is not an input
      lines.emplace_back(printable_text(file), "plan: " + std::string(loader->name) + " (declared casts)");
      ++read;
    }
  }
  std::sort(lines.begin(), lines.end());

  std::size_t width = 0;
  for (const auto& line : lines) width = std::max(width, line.first.size());
  width = std::min<std::size_t>(width, 60);
  std::size_t skipped = 0;
  for (const auto& [path, what] : lines) {
    skipped += what.starts_with("skipped: ");
    out << path << std::string(width > path.size() ? width - path.size() : 0, ' ') << "  "
        << printable_text(what) << "\n";
  }
  out << lines.size() << (lines.size() == 1 ? " file: " : " files: ") << read << " read, " << skipped
      << " skipped, " << lines.size() - read - skipped << " unreadable\n";
  return kExitClean;
}

ScanOutcome run_scan(const ScanRequest& request, std::ostream& out) {
  const ReportWriter* writer = find_writer(request.format);
  if (!writer) throw UsageError("--format: unknown format '" + request.format + "'");
  const std::vector<std::string> given = paths_of(request);
  for (const std::string& path : given) {
    if (path.empty()) throw UsageError("scan: an empty path names no file or folder");
  }
  const std::vector<std::string> paths = data_paths(given);
  const Config config = effective_config_for(request, paths.empty() ? given : paths);

  ScanOptions options;
  options.semantics = *config.semantics;
  const bool fp8_amax_scale = *config.fp8_scale == "auto";
  options.requests = requests_for(config.settings, request, *config.settings.targets, fp8_amax_scale);
  const PathSettings path_settings(config);  // per_path globs compiled once for every file
  if (!config.per_path.empty()) {
    options.requests_for = [&](const std::string& file) {
      return requests_for(path_settings.at(path_from(file, config.root)), request, *config.settings.targets,
                          fp8_amax_scale);
    };
  }
  options.threads = request.threads;
  const GlobSet config_exclude(config.exclude);  // compiled once, matched in one pass per path
  options.discovery = discovery_options(request, config, config_exclude);
  options.progress = request.progress;
  options.max_file_size = config.max_file_size;
  const std::optional<Severity> fail_on =
      *config.fail_on == "never" ? std::nullopt : severity_from_string(*config.fail_on);
  std::optional<Baseline> baseline;
  if (!request.baseline.empty()) {
    try {
      baseline = read_baseline(request.baseline);
    } catch (const InputError& e) {
      throw UsageError("--baseline: " + e.path() + ": " + e.reason());
    }
  }

  ScanOutcome outcome;
  outcome.head.semantics = options.semantics;
  outcome.head.targets = *config.settings.targets;
  outcome.head.config_file = config.file.empty() ? "" : path_from(config.file, fs::current_path());
  std::optional<BaselineRecorder> recorder;
  if (!request.write_baseline.empty()) recorder.emplace(request.write_baseline);
  Judge judge(config, paths, baseline, recorder ? &*recorder : nullptr);

  WriteOptions write_options;
  write_options.root = fs::current_path();
  write_options.colour = request.colour && request.output.empty();
  write_options.summary = !request.quiet;
  std::ofstream file;
  std::unique_ptr<ReportStream> report;
  // Once the inputs are known and before any is read: outputs may not overwrite
  // what the scan reads (its data files, its configuration, the baseline it
  // reads — a report over it —, the files named on the command line); then the
  // report opens and is written as the scan goes.
  const auto open_report = [&](const Discovery* found) {
    if (!request.output.empty() || !request.write_baseline.empty()) {  // no file to write: nothing to stat
      InputIdentities inputs;
      if (found) inputs.add_discovery(*found);
      for (const std::string& path : given) inputs.add(path);
      inputs.add(config.file);
      if (!request.output.empty() && !request.write_baseline.empty() &&
          fs::weakly_canonical(fs::absolute(request.output)) ==
              fs::weakly_canonical(fs::absolute(request.write_baseline))) {
        throw UsageError("--output and --write-baseline name the same file '" + request.output + "'");
      }
      inputs.check("--write-baseline", request.write_baseline);  // refreshing the --baseline file is allowed
      inputs.add(request.baseline);
      inputs.check("--output", request.output);
    }
    if (!request.output.empty()) {
      file.open(request.output, std::ios::binary | std::ios::trunc);
      if (!file) throw UsageError("--output: cannot write '" + request.output + "'");
    }
    report = writer->open(outcome.head, write_options, request.output.empty() ? out : file);
    judge.set_report(*report);
  };
  RunPlan plan(config, given);
  options.declarations_for = [&plan](const std::string& data_file) {
    return plan.declarations_for(data_file);
  };
  ScanResult scan;
  // Only configuration files named (pre-commit, when a commit changes one): they were
  // validated; a configuration's plan still runs on its data.
  if (paths.empty() && !plan.runs_every_entry()) {
    open_report(nullptr);
  } else {
    options.discovered = [&](Discovery& found) {
      plan.prepare(found);
      judge.expect_plan(plan.plan());
      open_report(&found);
    };
    scan = scan_paths(paths, options, [&](ArrayResult&& array) { judge.array(array); });
  }
  outcome.summary = judge.finish(scan);
  report.reset();
  if (request.output.empty()) {
    out << std::flush;
  } else {
    file.close();
    if (!file) throw UsageError("--output: cannot write '" + request.output + "'");
  }
  if (recorder) {
    // Recording today's findings (all of them: with --baseline too, the file is
    // refreshed) is the point of the run: it succeeds once they are written.
    recorder->write();
    outcome.notice = "dtlint: wrote " + std::to_string(recorder->size()) + " finding(s) to the baseline '" +
                     request.write_baseline + "'\n";
    return outcome;
  }
  outcome.exit_code = outcome.summary.fails(fail_on) ? kExitFindings : kExitClean;
  return outcome;
}

std::string render_effective_config(const ScanRequest& request) {
  const Config config = effective_config(request);
  return (config.file.empty() ? "# no configuration file: built-in defaults\n"
                              : "# from " + path_from(config.file, fs::current_path()) + "\n") +
         render_config(config);
}

std::string render_rule_list() {
  std::string out;
  for (const Rule* rule : rule_registry()) {
    char line[160];
    std::snprintf(line, sizeof line, "%-6s %-8s %-28s ", std::string(rule->code()).c_str(),
                  std::string(to_string(rule->default_severity())).c_str(),
                  std::string(rule->name()).c_str());
    out += line + std::string(rule->doc().summary) + "\n";
  }
  return out;
}

std::string render_explanation(const Rule& rule) {
  const RuleDoc& doc = rule.doc();
  return std::string(rule.code()) + " " + std::string(rule.name()) +
         " (default severity: " + std::string(to_string(rule.default_severity())) + ")\n\n" +
         std::string(doc.summary) + "\n\n## What it does\n" + std::string(doc.what) +
         "\n\n## Why is this bad\n" + std::string(doc.why) + "\n\n## Example\n" + std::string(doc.example) +
         "\n\n## How to fix\n" + std::string(doc.fix) + "\n\n## Options\n" + rule_options_text(rule) + "\n";
}

}  // namespace dtlint
