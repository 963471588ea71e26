// dtlint's command line: parses arguments and calls the libraries. Nothing else lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "analyzer/formats/readers.h"
#include "app/app.h"
#include "reports/printable_text.h"
#include "reports/rule_docs.h"
#include "reports/text_report.h"
#include "reports/writers.h"
#include "rules/registry.h"

namespace dtlint {
namespace {

std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (const ReportWriter& writer : report_writers()) names.emplace_back(writer.name);
  return names;
}

std::string format_help() {
  std::string help = "Report format:";
  for (const ReportWriter& writer : report_writers()) {
    help += "\n  " + std::string(writer.name) + ": " + std::string(writer.description);
  }
  return help;
}

int run(int argc, char** argv) {
  CLI::App app{"dtlint: simulates numeric casts exactly and reports what would break", "dtlint"};
  app.set_version_flag("--version", std::string("dtlint ") + DTLINT_VERSION);
  app.require_subcommand(1);

  ScanRequest args;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan", "Scan " + reader_extensions_text("and") + " files and folders (recursed); default \".\"");
  scan_cmd->add_option("paths", args.paths, "Files or folders");
  scan_cmd->add_option("--targets", args.targets,
                       "Comma-separated target dtypes (default float16,bfloat16,float32,int32)");
  scan_cmd->add_option("--semantics", args.semantics, "Whose cast to simulate (default numpy)")
      ->check(CLI::IsMember({"numpy", "tensorflow", "torch"}));
  scan_cmd->add_option("--format", args.format, format_help())
      ->check(CLI::IsMember(format_names()))
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
  scan_cmd
      ->add_option("--max-file-size", args.max_file_size,
                   "Note files larger than SIZE (e.g. 500M, 10G; K/M/G/T are powers of 1024) as skipped "
                   "(DT204) instead of reading them (default: no limit)")
      ->type_name("SIZE");
  scan_cmd
      ->add_option("--fp8-scale", args.fp8_scale,
                   "auto: simulate float8 targets with each array's amax scale, as FP8 is used; "
                   "none: as plain casts (default none)")
      ->check(CLI::IsMember({"auto", "none"}));
  scan_cmd->add_flag("--quiet,-q", args.quiet, "Print findings only, without the summary line");
  bool list_files = false;
  scan_cmd->add_flag(
      "--show-files", list_files,
      "List the files the scan would read (with their format) and skip (with the reason), then exit");
  scan_cmd->add_option("--threads", args.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  bool no_progress = false;
  scan_cmd->add_flag("--no-progress", no_progress, "Never show progress (it is only shown on a terminal)");

  ScanRequest config_args;
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
  config_cmd->add_option("--fp8-scale", config_args.fp8_scale, "Override fp8_scale")
      ->check(CLI::IsMember({"auto", "none"}));

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
    std::cerr << "dtlint: " << printable_text(e.what()) << "\nRun 'dtlint --help' for usage.\n";
    return kExitUsage;
  }
  try {
    if (*scan_cmd) {
      args.progress = !no_progress && !args.quiet && isatty(STDERR_FILENO);
      args.colour = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
      if (list_files) return show_files(args, std::cout);
      const ScanOutcome outcome = run_scan(args, std::cout);
      std::cerr << outcome.notice;
      if (args.format != "text" && args.output.empty() && !args.quiet && isatty(STDERR_FILENO)) {
        // Machine formats keep stdout clean; a person at a terminal still gets the verdict.
        std::cerr << render_summary(outcome.head, outcome.summary);
      }
      return outcome.exit_code;
    }
    if (*config_cmd) {
      std::cout << render_effective_config(config_args);
      return kExitClean;
    }
    if (*explain_cmd) {
      const Rule* rule = find_rule(code);
      if (!rule) {
        std::cerr << "dtlint: explain: unknown rule code '" << code << "' (see `dtlint rules`)\n";
        return kExitUsage;
      }
      std::cout << render_explanation(*rule);
      return kExitClean;
    }
    if (!markdown_folder.empty()) {
      write_rule_docs(markdown_folder);
      return kExitClean;
    }
    std::cout << render_rule_list();
    return kExitClean;
  } catch (const ConfigError& e) {
    std::cerr << "dtlint: configuration error: " << printable_text(e.what()) << "\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "dtlint: " << printable_text(e.what()) << "\n";
    return kExitUsage;
  } catch (const std::runtime_error& e) {  // e.g. a DTLINT_KERNEL this CPU cannot run
    std::cerr << "dtlint: " << printable_text(e.what()) << "\n";
    return kExitUsage;
  }
}

}  // namespace
}  // namespace dtlint

int main(int argc, char** argv) {
  return dtlint::run(argc, argv);
}
