// dtlint's command line: parses arguments and calls the libraries. Nothing else lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "reports/json_report.h"
#include "reports/text_report.h"
#include "rules/evaluate.h"

namespace dtlint {
namespace {

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<CastRequest> parse_targets(const std::string& list) {
  std::vector<CastRequest> requests;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto type = dtype_from_name(item);
    if (!type || !(is_integer(*type) || is_float(*type)) || *type == DType::LongDouble) {
      throw UsageError("--targets: unknown target dtype '" + item +
                       "' (use float16, bfloat16, float32, float64, float8_e4m3fn, float8_e5m2, "
                       "int8…int64 or uint8…uint64)");
    }
    bool seen = false;
    for (const CastRequest& r : requests) seen = seen || r.target == *type;
    if (!seen) requests.push_back(default_request(*type));
  }
  if (requests.empty()) throw UsageError("--targets: the list is empty");
  return requests;
}

void write_output(const std::string& text, const std::string& output) {
  if (output.empty()) {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << text;
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

struct ScanArguments {
  std::vector<std::string> paths;
  std::string targets = "float16,bfloat16,float32,int32";
  std::string semantics = "numpy";
  std::string format = "text";
  std::string output;
  std::string fail_on = "error";
  bool quiet = false;
  bool no_progress = false;
  std::vector<std::string> exclude;
  unsigned threads = 0;
};

int scan(const ScanArguments& args) {
  ScanOptions options;
  options.requests = parse_targets(args.targets);
  options.semantics = *semantics_from_string(args.semantics);  // validated by CLI11
  options.threads = args.threads;
  options.discovery.exclude = args.exclude;
  options.progress = !args.no_progress && !args.quiet && isatty(STDERR_FILENO);
  const std::optional<Severity> fail_on =
      args.fail_on == "never" ? std::nullopt : severity_from_string(args.fail_on);
  const std::vector<std::string> paths = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;

  Report report;
  report.semantics = options.semantics;
  for (const CastRequest& r : options.requests) report.targets.push_back(r.target);
  report.scan = scan_paths(paths, options);
  report.findings = evaluate(report.scan, options.semantics);

  std::string text;
  if (args.format == "json") {
    text = render_json(report);
  } else {
    const bool colour = args.output.empty() && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    text = render_text(report, colour);
    if (args.quiet) text = text.substr(0, text.rfind('\n', text.size() - 2) + 1);  // drop the summary
  }
  write_output(text, args.output);
  return report.fails(fail_on) ? kExitFindings : kExitClean;
}

int run(int argc, char** argv) {
  CLI::App app{"dtlint: simulates numeric casts exactly and reports what would break", "dtlint"};
  app.set_version_flag("--version", std::string("dtlint ") + DTLINT_VERSION);
  app.require_subcommand(1);

  ScanArguments args;
  CLI::App* scan_cmd = app.add_subcommand("scan", "Scan .npy files and folders (recursed); default \".\"");
  scan_cmd->add_option("paths", args.paths, "Files or folders");
  scan_cmd->add_option("--targets", args.targets, "Comma-separated target dtypes")->capture_default_str();
  scan_cmd->add_option("--semantics", args.semantics, "Whose cast to simulate")
      ->check(CLI::IsMember({"numpy", "tensorflow", "torch"}))
      ->capture_default_str();
  scan_cmd->add_option("--format", args.format, "Report format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  scan_cmd->add_option("--output", args.output, "Write the report to FILE instead of stdout");
  scan_cmd->add_option("--fail-on", args.fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "note", "never"}))
      ->capture_default_str();
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

  app.add_subcommand("rules", "List the rule catalogue");
  std::string code;
  CLI::App* explain_cmd = app.add_subcommand("explain", "Show one rule's documentation");
  explain_cmd->add_option("code", code, "Rule code, e.g. DT101")->required();

  // CLI11 would only say "a subcommand is required"; name the word it did not know.
  const std::string first = argc > 1 ? argv[1] : "";
  if (!first.empty() && first[0] != '-' && first != "scan" && first != "rules" && first != "explain") {
    std::cerr << "dtlint: unknown command '" << argv[1] << "' (expected scan, rules or explain)\n"
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
    if (*explain_cmd) return explain(code);
    return list_rules();
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
