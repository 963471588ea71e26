#include "app/app.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
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
#include "analyzer/source/compile_database.h"
#include "analyzer/source/source_scan.h"
#include "app/config_set.h"
#include "app/plan.h"
#include "document/spelling.h"
#include "reports/printable_text.h"
#include "reports/text_report.h"
#include "reports/writers.h"
#include "rules/baseline.h"
#include "rules/evaluate.h"
#include "rules/registry.h"
#include "rules/selection.h"
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
    if (!type) throw UsageError("--targets: " + target_dtype_problem(item));
    if (std::find(targets.begin(), targets.end(), *type) == targets.end()) targets.push_back(*type);
  }
  if (targets.empty()) throw UsageError("--targets: the list is empty");
  return targets;
}

RuleSelection selection_of(const ScanRequest& request) {
  try {
    return RuleSelection::parse(request.select, request.extend_select, request.ignore);
  } catch (const SelectionError& e) {
    throw UsageError(e.what());
  }
}

// --config FILE, checked: the one configuration of every input.
std::optional<fs::path> fixed_config_file(const ScanRequest& request) {
  if (request.config.empty()) return std::nullopt;
  try {
    InputFile::open(request.config, request.config);  // a directory, FIFO or device is named as such
  } catch (const InputError& e) {
    throw UsageError("--config: '" + e.path() + "': " + e.reason());
  }
  return fs::path(request.config);
}

// The folder whose configuration holds the run's own settings (fail_on, the
// report's targets and semantics): the deepest folder holding every path, a
// folder named being its own. For one path, or paths under one configuration,
// that is the configuration each of them finds.
fs::path run_folder(const std::vector<std::string>& paths) {
  std::optional<fs::path> common;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(path).lexically_normal();
    fs::path folder = fs::is_directory(absolute, ec) ? absolute : absolute.parent_path();
    if (!folder.has_filename() && folder.has_relative_path()) folder = folder.parent_path();  // "/a/b/"
    if (!common) {
      common = folder;
      continue;
    }
    fs::path shared;
    for (auto mine = common->begin(), theirs = folder.begin();
         mine != common->end() && theirs != folder.end() && *mine == *theirs; ++mine, ++theirs)
      shared /= *mine;
    common = shared;
  }
  return common ? *common : fs::current_path();
}

// The run's configurations: the command line's options over each, and the
// defaults for what none sets.
std::unique_ptr<ConfigSet> configurations_for(const ScanRequest& request,
                                              const std::vector<std::string>& paths) {
  const std::optional<std::vector<DType>> targets =
      request.targets ? std::optional(parse_targets(*request.targets)) : std::nullopt;
  std::optional<Semantics> semantics;
  if (request.semantics) {
    semantics = semantics_from_string(*request.semantics);
    if (!semantics) {
      throw UsageError("--semantics: expected numpy, tensorflow or torch, found '" + *request.semantics +
                       "'" + semantics_suggestion(*request.semantics));
    }
  }
  if (request.fail_on) {
    constexpr std::array<std::string_view, 4> kLevels{"error", "warning", "note", "never"};
    if (std::find(kLevels.begin(), kLevels.end(), *request.fail_on) == kLevels.end()) {
      throw UsageError("--fail-on: expected error, warning, note or never, found '" + *request.fail_on + "'" +
                       did_you_mean(*request.fail_on, kLevels));
    }
  }
  std::optional<std::uint64_t> max_file_size;
  if (request.fp8_scale && !fp8_scale_valid(*request.fp8_scale))
    throw UsageError("--fp8-scale: expected auto or none, found '" + *request.fp8_scale + "'" +
                     did_you_mean(*request.fp8_scale, std::array<std::string_view, 2>{"auto", "none"}));
  const std::optional<std::string> fp8_scale = request.fp8_scale;
  if (request.max_file_size) {
    max_file_size = parse_byte_size(*request.max_file_size);
    if (!max_file_size) {
      throw UsageError("--max-file-size: expected a size in bytes such as 1048576, 500M or 10G, found '" +
                       *request.max_file_size + "'");
    }
  }
  // Every configuration, when it is loaded (kept by the set: captures by value).
  const auto complete = [targets, semantics, max_file_size, fp8_scale](Config& config) {
    if (targets) config.settings.targets = targets;
    if (!config.settings.targets) {
      config.settings.targets = kDefaultTargets;
      config.targets_by_default = true;
    }
    if (semantics) config.semantics = semantics;
    if (max_file_size) config.max_file_size = max_file_size;
    if (fp8_scale) config.fp8_scale = fp8_scale;
    if (!config.fp8_scale) config.fp8_scale = "none";
    for (DType target : *config.settings.targets) {
      Tolerance& tolerance = config.settings.tolerances[target];
      const CastRequest defaults = default_request(target);
      if (!tolerance.rtol) tolerance.rtol = defaults.rtol;
      if (!tolerance.atol) tolerance.atol = defaults.atol;
    }
  };
  const auto complete_run = [&](Config& config) {
    if (!config.semantics) config.semantics = Semantics::NumPy;
    if (request.fail_on) config.fail_on = request.fail_on;
    if (!config.fail_on) config.fail_on = "error";
  };
  return std::make_unique<ConfigSet>(fixed_config_file(request), run_folder(paths), complete, complete_run);
}

// Looks up the configuration of each path named, so that a broken one stops
// the run before anything is read: a folder's own, a file's folder's.
void resolve_given(ConfigSet& configs, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      configs.for_folder(path);
    } else {
      configs.for_file(path);
    }
  }
}

std::vector<const Config*> config_pointers(const std::vector<const ScopedConfig*>& scoped) {
  std::vector<const Config*> configs;
  for (const ScopedConfig* one : scoped) configs.push_back(&one->config);
  return configs;
}

// Every input discovery found, so that the configurations of their folders are
// loaded (and a broken one stops the run) before a report is opened or a
// reading thread asks for one.
void resolve_found(ConfigSet& configs, const Discovery& found) {
  for (const std::string& file : found.files) configs.for_file(file);
  for (const std::string& file : found.plan_files) configs.for_file(file);
  for (const Problem& p : found.problems) configs.for_file(p.location.path);
  for (const Skipped& s : found.skipped) configs.for_file(s.location.path);
}

// The cast requests for a set of settings: its targets (the command line's
// --targets win over per_path ones), each with its DT106 tolerance. Targets
// nobody chose (the defaults) are kind_default: integer targets only for integer data;
// float8 targets with each array's amax scale under fp8_scale auto.
std::vector<CastRequest> requests_for(const Settings& settings, const ScanRequest& request,
                                      const Config& config) {
  const std::vector<DType>& top_level = *config.settings.targets;
  const bool own = !request.targets && settings.targets && *settings.targets != top_level;
  const std::vector<DType>& targets = own ? *settings.targets : top_level;
  const bool by_default = config.targets_by_default && !own;
  const bool fp8_amax_scale = config.fp8_scale && *config.fp8_scale == "auto";
  std::vector<CastRequest> requests;
  for (DType target : targets) {
    CastRequest cast = default_request(target);
    if (const auto it = settings.tolerances.find(target); it != settings.tolerances.end()) {
      if (it->second.rtol) cast.rtol = *it->second.rtol;
      if (it->second.atol) cast.atol = *it->second.atol;
    }
    cast.kind_default = by_default;
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
    for (const std::string& file : found.source_files) add(file);
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
  // Each finding is judged and suppressed by the configuration of its path (`configs`, which must outlive
  // it).
  Judge(ConfigSet& configs, RuleSelection selection, std::span<const std::string> scanned,
        const std::optional<Baseline>& baseline, BaselineRecorder* recorder)
      : configs_(configs),
        scanned_(scanned),
        evaluator_(*configs.run().config.semantics,
                   [&configs](const std::string& path) { return &configs.for_file(path).config; }),
        selection_(std::move(selection)),
        recorder_(recorder) {
    // --write-baseline records every finding, the known ones too: the baseline is refreshed.
    if (baseline && !recorder) matcher_.emplace(*baseline);
  }

  void set_report(ReportStream& report) { report_ = &report; }
  void expect_plan(const CastPlan& plan) { evaluator_.expect_plan(plan); }

  void array(const ArrayResult& array) {
    ++summary_.arrays;
    suppressor_for(array.location.path).saw_input(array.location.path);
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
    for (const CastSite& site : scan.cast_sites) {
      suppressor_for(site.location.path).saw_input(site.location.path);
      evaluator_.cast_site(site, findings_);
    }
    for (const RefusedCode& r : scan.code_refused) {
      suppressor_for(r.location.path).saw_input(r.location.path);
      evaluator_.refused_code(r, findings_);
    }
    for (const Skipped& s : scan.skipped) {
      suppressor_for(s.location.path).saw_input(s.location.path);
      evaluator_.skipped(s, findings_);
    }
    for (const Problem& p : scan.problems) {
      suppressor_for(p.location.path).saw_input(p.location.path);
      evaluator_.problem(p, findings_);
    }
    evaluator_.plan_end(findings_);
    for (const Finding& f : findings_) {
      suppressor_for(f.location.path).saw_input(f.location.path);  // a PL finding's configuration file
      take(f, true);
    }
    // Each configuration's unused entries (DT205), the run's first; no entry hides a DT205 note.
    for (const ScopedConfig* scoped : configs_.in_use()) {
      for (const Finding& note : suppressor_of(scoped->config).unused_notes()) take(note, false);
    }
    for (const auto& [config, suppressor] : suppressors_) summary_.suppressed += suppressor->hidden();
    if (matcher_) summary_.baseline = matcher_->outcome();
    report_->finish(summary_, scan.problems, scan.skipped);
    return summary_;
  }

 private:
  // The `ignore` entries of the configuration in force for a path.
  Suppressor& suppressor_for(const std::string& path) {
    return suppressor_of(configs_.for_file(path).config);
  }
  Suppressor& suppressor_of(const Config& config) {
    std::unique_ptr<Suppressor>& made = suppressors_[&config];
    if (!made) made = std::make_unique<Suppressor>(config, scanned_);
    return *made;
  }

  void take(const Finding& f, bool suppressible) {
    // A rule left out by --select / --ignore is not part of this run: its
    // findings neither use a suppression nor enter the baseline.
    if (!selection_.selects(*f.rule)) return;
    if (suppressible && suppressor_for(f.location.path).hides(f)) return;
    if (recorder_) recorder_->add(f);
    if (matcher_ && matcher_->hides(f)) return;
    ++summary_.findings_by_severity[static_cast<std::size_t>(f.severity)];
    report_->finding(f);
  }

  ConfigSet& configs_;
  std::span<const std::string> scanned_;
  Evaluator evaluator_;
  RuleSelection selection_;
  std::map<const Config*, std::unique_ptr<Suppressor>> suppressors_;  // made on first use
  std::optional<BaselineMatcher> matcher_;
  BaselineRecorder* recorder_;
  ReportStream* report_ = nullptr;
  ReportSummary summary_;
  std::vector<Finding> findings_;  // one array's, reused
};

// -p: the compile database it names (a folder holding compile_commands.json,
// or the file); none when not given. Naming neither is a usage error.
std::optional<fs::path> build_dir_of(const ScanRequest& request) {
  if (request.build_dir.empty()) return std::nullopt;
  if (!database_named_by(request.build_dir))
    throw UsageError("-p: '" + request.build_dir +
                     "' is neither a compile_commands.json nor a folder holding one");
  return fs::path(request.build_dir);
}

}  // namespace

// How the request and the configurations say to walk folders: each path is
// left out by the `exclude` globs of the configuration in force for its
// folder, relative to that configuration's root. `configs` must outlive the options.
DiscoveryOptions discovery_options(const ScanRequest& request, ConfigSet& configs) {
  DiscoveryOptions options;
  options.exclude = request.exclude;
  options.plan_file = [](const fs::path& path) { return is_plan_file_name(path.filename().string()); };
  // Asked for every path of a walk, so that each walked folder's configuration is
  // found (and a broken one reported) as discovery goes.
  options.exclude_path = [&configs](const fs::path& path) {
    const ScopedConfig& scoped = configs.for_file(path.string());
    return !scoped.exclude.empty() && scoped.exclude.matches(configs.relative_path(scoped, path.string()));
  };
  return options;
}

Config effective_config(const ScanRequest& request) {
  const std::vector<std::string> paths = paths_of(request);
  return configurations_for(request, paths)->run().config;
}

int show_files(const ScanRequest& request, std::ostream& out) {
  selection_of(request);  // a mistyped rule is an error here too
  const std::vector<std::string> given = paths_of(request);
  for (const std::string& path : given) {
    if (path.empty()) throw UsageError("scan: an empty path names no file or folder");
  }
  const std::vector<std::string> paths = data_paths(given);
  const std::unique_ptr<ConfigSet> configs = configurations_for(request, paths.empty() ? given : paths);
  resolve_given(*configs, paths);
  const Discovery found = discover_inputs(paths, discovery_options(request, *configs));
  resolve_found(*configs, found);

  // What the scan would do with each file, decided as it decides: its size,
  // then its first bytes, then its name.
  std::vector<std::pair<std::string, std::string>> lines;  // path, what
  std::size_t read = 0;
  for (const std::string& file : found.files) {
    std::string what;
    try {
      const InputFile input = InputFile::open(file, file);
      const std::optional<std::uint64_t> max_file_size = configs->for_file(file).config.max_file_size;
      if (max_file_size && input.size() > *max_file_size) {
        what = "skipped: " + std::to_string(input.size()) + " bytes, more than the maximum file size of " +
               byte_size_text(*max_file_size);
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
    // A file judged by another configuration than the run's names it (nested configurations).
    const ScopedConfig& scoped = configs->for_file(file);
    if (&scoped != &configs->run()) {
      what += scoped.config.file.empty()
                  ? " (no configuration: defaults)"
                  : " (config " + path_from(scoped.config.file, fs::current_path()) + ")";
    }
    lines.emplace_back(printable_text(file), std::move(what));
  }
  for (const Skipped& skipped : found.skipped)
    lines.emplace_back(printable_text(skipped.location.path), "skipped: " + skipped.reason);
  for (const Problem& problem : found.problems)
    lines.emplace_back(printable_text(problem.location.path), "unreadable: " + problem.message);
  const std::vector<std::string> source_plans =
      source_file_plans(found.source_files, paths, build_dir_of(request));
  for (std::size_t i = 0; i < found.source_files.size(); ++i) {
    lines.emplace_back(printable_text(found.source_files[i]), source_plans[i]);
    read += source_plans[i].find("not built") == std::string::npos;
  }
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
  if (!writer) {
    std::vector<std::string_view> names;
    for (const ReportWriter& w : report_writers()) names.push_back(w.name);
    throw UsageError("--format: unknown format '" + request.format + "'" +
                     did_you_mean(request.format, names));
  }
  RuleSelection selection = selection_of(request);
  // Counting per rule is a view for people; machines count the JSON findings' "rule" (SARIF: ruleId).
  if (request.statistics && writer->name != "text")
    throw UsageError("--statistics counts findings per rule in the text format; with --format " +
                     request.format + " count the findings' rules in the report instead");
  const std::vector<std::string> given = paths_of(request);
  for (const std::string& path : given) {
    if (path.empty()) throw UsageError("scan: an empty path names no file or folder");
  }
  const std::vector<std::string> paths = data_paths(given);
  const std::unique_ptr<ConfigSet> configs = configurations_for(request, paths.empty() ? given : paths);
  resolve_given(*configs, given);
  const Config& config = configs->run().config;  // the run's own settings

  ScanOptions options;
  options.semantics = *config.semantics;
  options.requests = requests_for(config.settings, request, config);
  if (!configs->fixed() || !config.per_path.empty()) {
    // Each file's targets and tolerances from its configuration (and its per_path
    // entries), its casts under that configuration's semantics when it sets one.
    options.requests_for = [&](const std::string& file) {
      const ScopedConfig& scoped = configs->for_file(file);
      std::vector<CastRequest> requests =
          requests_for(scoped.per_path.at(configs->relative_path(scoped, file)), request, scoped.config);
      // A configuration without `semantics` means numpy, as on its own: a file's
      // casts do not depend on which folder the scan was started from.
      const Semantics profile = scoped.config.semantics.value_or(Semantics::NumPy);
      if (profile != options.semantics) {
        for (CastRequest& cast : requests) cast.semantics = profile;
      }
      return requests;
    };
    options.max_file_size_for = [&](const std::string& file) {
      return configs->for_file(file).config.max_file_size;
    };
  }
  options.threads = request.threads;
  options.sources.build_dir = build_dir_of(request);
  options.discovery = discovery_options(request, *configs);
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
  Judge judge(*configs, std::move(selection), paths, baseline, recorder ? &*recorder : nullptr);

  WriteOptions write_options;
  write_options.root = fs::current_path();
  write_options.colour = request.colour && request.output.empty();
  write_options.summary = !request.quiet;
  write_options.statistics = request.statistics;
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
      if (options.sources.build_dir) inputs.add(database_named_by(*options.sources.build_dir)->string());
      for (const ScopedConfig* scoped : configs->in_use()) inputs.add(scoped->config.file);
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
  // Each configuration's pipeline entries, relative to its folder: those the
  // command line names or covers, and those found for the inputs discovery lists.
  std::optional<RunPlan> plan;
  plan.emplace(config_pointers(configs->in_use()), given);
  options.declarations_for = [&plan](const std::string& data_file) {
    return plan->declarations_for(data_file);
  };
  ScanResult scan;
  // Only configuration files named (pre-commit, when a commit changes one): they were
  // validated; a configuration's plan still runs on its data.
  if (paths.empty() && !plan->runs_every_entry()) {
    open_report(nullptr);
  } else {
    options.discovered = [&](Discovery& found) {
      resolve_found(*configs, found);
      plan.emplace(config_pointers(configs->in_use()), given);
      plan->prepare(found);
      resolve_found(*configs, found);  // data files outside the scanned folders that declarations cover
      judge.expect_plan(plan->plan());
      open_report(&found);
    };
    scan = scan_paths(paths, options, [&](ArrayResult&& array) { judge.array(array); });
  }
  outcome.summary = judge.finish(scan);
  for (const std::string& notice : scan.notices) outcome.notice += notice + "\n";
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
    outcome.notice += "dtlint: wrote " + std::to_string(recorder->size()) + " finding(s) to the baseline '" +
                      request.write_baseline + "'\n";
    return outcome;
  }
  outcome.exit_code = outcome.summary.fails(fail_on) && !request.exit_zero ? kExitFindings : kExitClean;
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
