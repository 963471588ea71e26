// dtlint's command line: parses arguments and calls the libraries. Nothing else lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>

#include "analyzer/formats/readers.h"
#include "app/app.h"
#include "document/spelling.h"
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

// "TEXT:{a,b,c}", as CLI11 writes a choice: the app checks the value (with a
// "did you mean"), the help lists the choices.
std::string choices_type(const std::vector<std::string>& names) {
  std::string text = "TEXT:{";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? "," : "") + names[i];
  return text + "}";
}

// Options given twice: the last one wins, as in most command lines (list
// options such as --exclude add up instead).
CLI::Option* last_wins(CLI::Option* option) {
  return option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// The names a subcommand accepts, as they are typed ("--select", "-q").
std::vector<std::string> option_spellings(const CLI::App& command) {
  std::vector<std::string> spellings;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) spellings.push_back("--" + name);
    for (const std::string& name : option->get_snames()) spellings.push_back("-" + name);
  }
  return spellings;
}

// The first argument CLI11 did not take, as a usage error with a "did you
// mean"; "" when every argument was taken.
std::string unexpected_argument(const CLI::App& command) {
  const std::vector<std::string> extras = command.remaining();
  if (extras.empty()) return "";
  const std::string& word = extras.front();
  if (!word.starts_with("-")) return "unexpected argument '" + word + "'";
  const std::string option = word.substr(0, word.find('='));
  const std::vector<std::string> spellings = option_spellings(command);
  const std::vector<std::string_view> candidates(spellings.begin(), spellings.end());
  return "unknown option '" + option + "'" + did_you_mean(option, candidates);
}

int run(int argc, char** argv) {
  CLI::App app{"dtlint: simulates numeric casts exactly and reports what would break", "dtlint"};
  app.set_version_flag("--version", std::string("dtlint ") + DTLINT_VERSION);
  app.require_subcommand(1);

  ScanRequest args;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan", "Scan " + reader_extensions_text("and") + " files and folders (recursed); default \".\"");
  scan_cmd->add_option("paths", args.paths, "Files or folders");
  last_wins(
      scan_cmd->add_option("--targets", args.targets,
                           "Comma-separated target dtypes (default float16,bfloat16,float32,int32); "
                           "spellings such as fp16, bf16, torch.float16, tf.bfloat16, e4m3 are accepted"));
  last_wins(scan_cmd->add_option("--semantics", args.semantics,
                                 "Whose cast to simulate (default numpy; also np, tf, keras, pytorch, pt)"))
      ->type_name(choices_type({"numpy", "tensorflow", "torch"}));
  last_wins(scan_cmd->add_option("--format,--output-format", args.format, format_help()))
      ->type_name(choices_type(format_names()))
      ->capture_default_str();
  last_wins(scan_cmd->add_option("--output,-o", args.output, "Write the report to FILE instead of stdout"));
  last_wins(scan_cmd->add_option(
      "--config", args.config,
      "Configuration file (otherwise .dtlint.yaml, .dtlint.toml or pyproject.toml [tool.dtlint], "
      "searched upward from the paths)"));
  last_wins(scan_cmd->add_option("--fail-on", args.fail_on,
                                 "Lowest severity that makes the exit code 1 (default error)"))
      ->type_name(choices_type({"error", "warning", "note", "never"}));
  scan_cmd->add_flag("--exit-zero", args.exit_zero,
                     "Exit 0 even when findings are at or above --fail-on (usage and configuration errors "
                     "still exit 2)");
  scan_cmd
      ->add_option("--select", args.select,
                   "Report only these rules: comma-separated codes (DT101), prefixes (DT1, PL), names "
                   "(cast-overflow) or ALL (the default); repeatable")
      ->type_name("CODES");
  scan_cmd
      ->add_option("--extend-select", args.extend_select,
                   "Report these rules too, on top of --select; repeatable")
      ->type_name("CODES");
  scan_cmd
      ->add_option(
          "--ignore", args.ignore,
          "Leave these rules out (the more specific of --select and --ignore wins, --ignore on a tie; "
          "E901 only when named); repeatable")
      ->type_name("CODES");
  last_wins(scan_cmd->add_option("--baseline", args.baseline,
                                 "Report only findings this baseline file does not know"));
  last_wins(scan_cmd->add_option("--write-baseline", args.write_baseline,
                                 "Record today's findings in FILE (and exit 0) for later --baseline runs"));
  scan_cmd
      ->add_option(
          "--exclude", args.exclude,
          "Leave out paths matching GLOB (repeatable; VCS, cache and build folders are always left out)")
      ->type_name("GLOB");
  last_wins(
      scan_cmd->add_option("--max-file-size", args.max_file_size,
                           "Note files larger than SIZE (e.g. 500M, 10G; K/M/G/T are powers of 1024) as "
                           "skipped (DT204) instead of reading them (default: no limit)"))
      ->type_name("SIZE");
  last_wins(
      scan_cmd->add_option("--fp8-scale", args.fp8_scale,
                           "auto: simulate float8 targets with each array's amax scale, as FP8 is used; "
                           "none: as plain casts (default none)"))
      ->type_name(choices_type({"auto", "none"}));
  scan_cmd->add_flag("--quiet,-q", args.quiet,
                     "Print findings only: no summary line, no progress, nothing at all when there are none "
                     "(other formats are unchanged)");
  scan_cmd->add_flag("--statistics", args.statistics,
                     "Print the number of findings per rule instead of the findings (text format)");
  bool list_files = false;
  scan_cmd->add_flag(
      "--show-files", list_files,
      "List the files the scan would read (with their format) and skip (with the reason), then exit");
  last_wins(
      scan_cmd->add_option("-p", args.build_dir,
                           "The build folder holding compile_commands.json for C/C++ sources (or the file); "
                           "otherwise looked for in each scanned folder and its build/"))
      ->type_name("BUILD_DIR");
  last_wins(scan_cmd->add_option("--threads", args.threads, "Worker threads (default: all cores)"))
      ->check(CLI::Range(1u, 1024u));
  bool no_progress = false;
  scan_cmd->add_flag("--no-progress", no_progress, "Never show progress (it is only shown on a terminal)");
  scan_cmd->footer(
      "An option given twice takes its last value; --exclude, --select, --extend-select and --ignore add "
      "up.");

  ScanRequest config_args;
  CLI::App* config_cmd = app.add_subcommand(
      "config", "Print the effective configuration for PATHs (YAML, loadable with --config)");
  config_cmd->add_option("paths", config_args.paths, "Files or folders whose configuration to show");
  last_wins(config_cmd->add_option("--config", config_args.config,
                                   "Configuration file instead of the one found upward"));
  last_wins(config_cmd->add_option("--targets", config_args.targets, "Override the targets"));
  last_wins(config_cmd->add_option("--semantics", config_args.semantics, "Override the semantics"))
      ->type_name(choices_type({"numpy", "tensorflow", "torch"}));
  last_wins(config_cmd->add_option("--fail-on", config_args.fail_on, "Override fail_on"))
      ->type_name(choices_type({"error", "warning", "note", "never"}));
  last_wins(config_cmd->add_option("--fp8-scale", config_args.fp8_scale, "Override fp8_scale"))
      ->type_name(choices_type({"auto", "none"}));

  std::string markdown_folder;
  CLI::App* rules_cmd = app.add_subcommand("rules", "List the rule catalogue");
  rules_cmd->add_option("--markdown", markdown_folder, "Write the rule documentation as Markdown into FOLDER")
      ->type_name("FOLDER");
  std::string code;
  CLI::App* explain_cmd = app.add_subcommand("explain", "Show one rule's documentation");
  explain_cmd->add_option("code", code, "Rule code, e.g. DT101")->required();

  // CLI11 would only say "a subcommand is required"; name the word it did not know.
  const std::string first = argc > 1 ? argv[1] : "";
  constexpr std::array<std::string_view, 4> kCommands{"scan", "config", "rules", "explain"};
  if (!first.empty() && first[0] != '-' &&
      std::find(kCommands.begin(), kCommands.end(), first) == kCommands.end()) {
    std::cerr << "dtlint: unknown command '" << printable_text(first) << "'" << did_you_mean(first, kCommands)
              << " (expected scan, config, rules or explain)\n"
              << "Run 'dtlint --help' for usage.\n";
    return kExitUsage;
  }
  if (first.starts_with("-") && first != "--help" && first != "-h" && first != "--version") {
    constexpr std::array<std::string_view, 3> kOptions{"--help", "-h", "--version"};
    const std::string option = first.substr(0, first.find('='));
    std::cerr << "dtlint: unknown option '" << printable_text(option) << "'" << did_you_mean(option, kOptions)
              << " (options of a command follow it: dtlint scan " << printable_text(option) << ")\n"
              << "Run 'dtlint --help' for usage.\n";
    return kExitUsage;
  }
  // Unknown options are collected, not refused by CLI11, so that the message can suggest the option meant.
  app.allow_extras();
  for (CLI::App* command : app.get_subcommands({})) command->allow_extras();
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
  for (const CLI::App* command : app.get_subcommands()) {  // the one that was given
    if (const std::string problem = unexpected_argument(*command); !problem.empty()) {
      std::cerr << "dtlint: " << printable_text(problem) << "\nRun 'dtlint " << command->get_name()
                << " --help' for usage.\n";
      return kExitUsage;
    }
  }
  if (const std::string problem = unexpected_argument(app); !problem.empty()) {
    std::cerr << "dtlint: " << printable_text(problem) << "\nRun 'dtlint --help' for usage.\n";
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
        std::cerr << "dtlint: explain: unknown rule code '" << printable_text(code) << "'"
                  << printable_text(rule_suggestion(code)) << " (see `dtlint rules`)\n";
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
