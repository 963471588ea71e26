// dtlint's command line: parses arguments and calls the libraries. Nothing else lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "analyzer/formats/readers.h"
#include "analyzer/input_error.h"
#include "reports/github_report.h"
#include "reports/json_report.h"
#include "reports/rule_docs.h"
#include "reports/sarif_report.h"
#include "reports/text_report.h"
#include "rules/baseline.h"
#include "rules/config.h"
#include "rules/evaluate.h"
#include "rules/suppressions.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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

// Runs `write` on stdout or on the --output file.
void write_output(const std::function<void(std::ostream&)>& write, const std::string& output) {
  if (output.empty()) {
    write(std::cout);
    std::cout << std::flush;
    return;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  write(file);
  file.close();
  if (!file) throw UsageError("--output: cannot write '" + output + "'");
}

int list_rules() {
  for (const RuleDoc& rule : rule_catalogue()) {
    std::printf("%-6s %-8s %-28s %.*s\n", std::string(rule.code).c_str(),
                std::string(to_string(rule.default_severity)).c_str(), std::string(rule.name).c_str(),
                static_cast<int>(rule.summary.size()), rule.summary.data());
  }
  return kExitClean;
}

int explain(const std::string& code) {
  const RuleDoc* rule = find_rule(code);
  if (!rule) {
    std::cerr << "dtlint: explain: unknown rule code '" << code << "' (see `dtlint rules`)\n";
    return kExitUsage;
  }
  std::cout << rule->code << " " << rule->name << " (default severity: " << to_string(rule->default_severity)
            << ")\n\n"
            << rule->summary << "\n\n## What it does\n"
            << rule->what << "\n\n## Why is this bad\n"
            << rule->why << "\n\n## Example\n"
            << rule->example << "\n\n## How to fix\n"
            << rule->fix << "\n\n## Options\n"
            << rule->options << "\n";
  return kExitClean;
}

// Options left empty were not given: the configuration decides, then the defaults.
struct ScanArguments {
  std::vector<std::string> paths;
  std::optional<std::string> targets, semantics, fail_on;
  std::string format = "text";
  std::string output, config, baseline, write_baseline;
  bool quiet = false;
  bool no_progress = false;
  std::vector<std::string> exclude;
  unsigned threads = 0;
};

const std::vector<DType> kDefaultTargets{DType::Float16, DType::BFloat16, DType::Float32, DType::Int32};

// The configuration file for this run: --config, or the nearest one above the
// scanned paths. Paths that find different files cannot share one run.
std::optional<fs::path> config_file_for(const ScanArguments& args, const std::vector<std::string>& paths) {
  if (!args.config.empty()) {
    if (!fs::is_regular_file(args.config)) throw UsageError("--config: no such file '" + args.config + "'");
    return fs::path(args.config);
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

// The configuration with the command line's options applied over it and every
// default written out: what `dtlint config` prints and what a scan uses.
Config effective_config(const ScanArguments& args, const std::vector<std::string>& paths) {
  Config config;
  config.root = fs::current_path();
  if (const auto file = config_file_for(args, paths)) config = load_config(*file);
  if (args.targets) config.settings.targets = parse_targets(*args.targets);
  if (!config.settings.targets) config.settings.targets = kDefaultTargets;
  if (args.semantics) config.semantics = semantics_from_string(*args.semantics);
  if (!config.semantics) config.semantics = Semantics::NumPy;
  if (args.fail_on) config.fail_on = args.fail_on;
  if (!config.fail_on) config.fail_on = "error";
  for (DType target : *config.settings.targets) {
    Tolerance& tolerance = config.settings.tolerances[target];
    const CastRequest defaults = default_request(target);
    if (!tolerance.rtol) tolerance.rtol = defaults.rtol;
    if (!tolerance.atol) tolerance.atol = defaults.atol;
  }
  return config;
}

// The cast requests for a set of settings: its targets (the command line's
// --targets win over per_path ones), each with its DT106 tolerance.
std::vector<CastRequest> requests_for(const Settings& settings, const ScanArguments& args,
                                      const std::vector<DType>& top_level) {
  const std::vector<DType>& targets = args.targets || !settings.targets ? top_level : *settings.targets;
  std::vector<CastRequest> requests;
  for (DType target : targets) {
    CastRequest request = default_request(target);
    if (const auto it = settings.tolerances.find(target); it != settings.tolerances.end()) {
      if (it->second.rtol) request.rtol = *it->second.rtol;
      if (it->second.atol) request.atol = *it->second.atol;
    }
    requests.push_back(request);
  }
  return requests;
}

// Configuration files named on the command line (pre-commit passes the ones a
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

std::string render(const Report& report, const ScanArguments& args) {
  if (args.format == "sarif") return render_sarif(report, fs::current_path());
  if (args.format == "github") return render_github(report, fs::current_path());
  const bool colour = args.output.empty() && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  return render_text(report, colour, !args.quiet);
}

// The report in the requested format. JSON, often the largest, is streamed.
void emit(const Report& report, const ScanArguments& args) {
  write_output(
      [&](std::ostream& out) {
        if (args.format == "json") {
          write_json(report, out);
        } else {
          out << render(report, args);
        }
      },
      args.output);
}

int scan(const ScanArguments& args) {
  const std::vector<std::string> given = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;
  const std::vector<std::string> paths = data_paths(given);
  const Config config = effective_config(args, paths.empty() ? given : paths);

  ScanOptions options;
  options.semantics = *config.semantics;
  options.requests = requests_for(config.settings, args, *config.settings.targets);
  if (!config.per_path.empty()) {
    options.requests_for = [&](const std::string& file) {
      return requests_for(settings_for(config, path_from(file, config.root)), args, *config.settings.targets);
    };
  }
  options.threads = args.threads;
  options.discovery.exclude = args.exclude;
  if (!config.exclude.empty()) {
    options.discovery.exclude_path = [&](const fs::path& path) {
      const std::string relative = path_from(path.string(), config.root);
      return std::any_of(config.exclude.begin(), config.exclude.end(),
                         [&](const std::string& glob) { return glob_match(glob, relative); });
    };
  }
  options.progress = !args.no_progress && !args.quiet && isatty(STDERR_FILENO);
  const std::optional<Severity> fail_on =
      *config.fail_on == "never" ? std::nullopt : severity_from_string(*config.fail_on);
  std::optional<Baseline> baseline;
  if (!args.baseline.empty()) {
    try {
      baseline = read_baseline(args.baseline);
    } catch (const InputError& e) {
      throw UsageError("--baseline: " + e.path() + ": " + e.reason());
    }
  }

  Report report;
  report.semantics = options.semantics;
  report.targets = *config.settings.targets;
  report.config_file = config.file.empty() ? "" : path_from(config.file, fs::current_path());
  if (!paths.empty()) report.scan = scan_paths(paths, options);
  report.findings = evaluate(report.scan, options.semantics, &config);
  report.suppressed = apply_suppressions(config, paths, report.scan, report.findings);
  if (!args.write_baseline.empty()) {
    // Recording today's findings (all of them: with --baseline too, the file is
    // refreshed) is the point of the run: it succeeds once they are written.
    write_baseline(args.write_baseline, report.findings);
    std::cerr << "dtlint: wrote " << report.findings.size() << " finding(s) to the baseline '"
              << args.write_baseline << "'\n";
    emit(report, args);
    return kExitClean;
  }
  if (baseline) report.baseline = apply_baseline(*baseline, report.findings);

  emit(report, args);
  if (args.format != "text" && args.output.empty() && !args.quiet && isatty(STDERR_FILENO)) {
    // Machine formats keep stdout clean; a person at a terminal still gets the verdict.
    std::cerr << render_summary(report);
  }
  return report.fails(fail_on) ? kExitFindings : kExitClean;
}

int print_config(const ScanArguments& args) {
  const std::vector<std::string> paths = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;
  const Config config = effective_config(args, paths);
  std::cout << (config.file.empty() ? "# no configuration file: built-in defaults\n"
                                    : "# from " + path_from(config.file, fs::current_path()) + "\n")
            << render_config(config);
  return kExitClean;
}

int run(int argc, char** argv) {
  CLI::App app{"dtlint: simulates numeric casts exactly and reports what would break", "dtlint"};
  app.set_version_flag("--version", std::string("dtlint ") + DTLINT_VERSION);
  app.require_subcommand(1);

  ScanArguments args;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan", "Scan " + reader_extensions_text("and") + " files and folders (recursed); default \".\"");
  scan_cmd->add_option("paths", args.paths, "Files or folders");
  scan_cmd->add_option("--targets", args.targets,
                       "Comma-separated target dtypes (default float16,bfloat16,float32,int32)");
  scan_cmd->add_option("--semantics", args.semantics, "Whose cast to simulate (default numpy)")
      ->check(CLI::IsMember({"numpy", "tensorflow", "torch"}));
  scan_cmd->add_option("--format", args.format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}))
      ->capture_default_str();
  scan_cmd->add_option("--output", args.output, "Write the report to FILE instead of stdout");
  scan_cmd->add_option(
      "--config", args.config,
      "Configuration file (otherwise .dtlint.yaml, .dtlint.toml or pyproject.toml [tool.dtlint], "
      "searched upward from the paths)");
  scan_cmd
      ->add_option("--fail-on", args.fail_on, "Lowest severity that makes the exit code 1 (default error)")
      ->check(CLI::IsMember({"error", "warning", "note", "never"}));
  scan_cmd->add_option("--baseline", args.baseline, "Report only findings this baseline file does not know");
  scan_cmd->add_option("--write-baseline", args.write_baseline,
                       "Record today's findings in FILE (and exit 0) for later --baseline runs");
  scan_cmd
      ->add_option(
          "--exclude", args.exclude,
          "Leave out paths matching GLOB (repeatable; VCS, cache and build folders are always left out)")
      ->type_name("GLOB");
  scan_cmd->add_flag("--quiet,-q", args.quiet, "Print findings only, without the summary line");
  scan_cmd->add_option("--threads", args.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  scan_cmd->add_flag("--no-progress", args.no_progress,
                     "Never show progress (it is only shown on a terminal)");

  ScanArguments config_args;
  CLI::App* config_cmd = app.add_subcommand(
      "config", "Print the effective configuration for PATHs (YAML, loadable with --config)");
  config_cmd->add_option("paths", config_args.paths, "Files or folders whose configuration to show");
  config_cmd->add_option("--config", config_args.config,
                         "Configuration file instead of the one found upward");
  config_cmd->add_option("--targets", config_args.targets, "Override the targets");
  config_cmd->add_option("--semantics", config_args.semantics, "Override the semantics")
      ->check(CLI::IsMember({"numpy", "tensorflow", "torch"}));
  config_cmd->add_option("--fail-on", config_args.fail_on, "Override fail_on")
      ->check(CLI::IsMember({"error", "warning", "note", "never"}));

  std::string markdown_folder;
  CLI::App* rules_cmd = app.add_subcommand("rules", "List the rule catalogue");
  rules_cmd->add_option("--markdown", markdown_folder, "Write the rule documentation as Markdown into FOLDER")
      ->type_name("FOLDER");
  std::string code;
  CLI::App* explain_cmd = app.add_subcommand("explain", "Show one rule's documentation");
  explain_cmd->add_option("code", code, "Rule code, e.g. DT101")->required();

  // CLI11 would only say "a subcommand is required"; name the word it did not know.
  const std::string first = argc > 1 ? argv[1] : "";
  if (!first.empty() && first[0] != '-' && first != "scan" && first != "rules" && first != "explain" &&
      first != "config") {
    std::cerr << "dtlint: unknown command '" << argv[1] << "' (expected scan, config, rules or explain)\n"
              << "Run 'dtlint --help' for usage.\n";
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "dtlint: " << e.what() << "\nRun 'dtlint --help' for usage.\n";
    return kExitUsage;
  }
  try {
    if (*scan_cmd) return scan(args);
    if (*config_cmd) return print_config(config_args);
    if (*explain_cmd) return explain(code);
    if (!markdown_folder.empty()) {
      write_rule_docs(markdown_folder);
      return kExitClean;
    }
    return list_rules();
  } catch (const ConfigError& e) {
    std::cerr << "dtlint: configuration error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "dtlint: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::runtime_error& e) {  // e.g. a DTLINT_KERNEL this CPU cannot run
    std::cerr << "dtlint: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace
}  // namespace dtlint

int main(int argc, char** argv) {
  return dtlint::run(argc, argv);
}
