// dtlint-clang: the one program that links Clang and LLVM. The scanner starts
// it once per translation unit (protocol.h gives the command line and the
// frames); it parses the unit syntax-only with the unit's compile command,
// runs the site matchers over the AST and writes what they found. It limits
// itself first (address space, CPU time, no core dumps, no file it could
// write), and the compile command cannot make it load or run anything:
// plugins and options for other tools are dropped. A crash here costs one
// unit an E901, never the scan.
#include <clang/AST/ASTConsumer.h>
#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Basic/Version.h>
#include <clang/Driver/Options.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/CompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <fcntl.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Option/Arg.h>
#include <llvm/Option/ArgList.h>
#include <llvm/Option/OptTable.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/source/clang/site_matchers.h"
#include "analyzer/source/protocol.h"

namespace {

using namespace dtlint::clang_protocol;
using dtlint::clang_front::FoundSite;
using dtlint::clang_front::SiteCollector;

// Longer file names are not sent (no file system has them).
constexpr std::size_t kMaxPathBytes = 4096;

// ---- frames ------------------------------------------------------------------

class Payload {
 public:
  void u8(std::uint8_t value) { bytes_.push_back(static_cast<char>(value)); }
  void u16(std::uint16_t value) { little_endian(value, 2); }
  void u32(std::uint32_t value) { little_endian(value, 4); }
  void u64(std::uint64_t value) { little_endian(value, 8); }
  void text(std::string_view value) {
    u32(static_cast<std::uint32_t>(value.size()));
    bytes_.append(value);
  }
  std::size_t size() const { return bytes_.size(); }
  const std::string& bytes() const { return bytes_; }

 private:
  void little_endian(std::uint64_t value, int count) {
    for (int i = 0; i < count; ++i) bytes_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
  std::string bytes_;
};

// Every frame of the run, written at the end (or on a Fatal) in one go.
class Output {
 public:
  explicit Output(int descriptor) : descriptor_(descriptor) {}
  void frame(Frame type, const Payload& payload) {
    const std::size_t size = payload.size();
    buffer_.push_back(static_cast<char>(type));
    for (int i = 0; i < 4; ++i) buffer_.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
    buffer_.append(payload.bytes());
  }
  void text_frame(Frame type, std::string_view text) {
    Payload payload;
    payload.text(text.substr(0, kMaxErrorMessage));
    frame(type, payload);
  }
  void flush() {
    const char* at = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      const ssize_t written = ::write(descriptor_, at, left);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) ::_exit(1);  // the scanner has gone away
      at += written;
      left -= static_cast<std::size_t>(written);
    }
    buffer_.clear();
  }

 private:
  int descriptor_;
  std::string buffer_;
};

Payload site_payload(const FoundSite& site) {
  Payload payload;
  payload.text(site.file);
  payload.u32(site.line);
  payload.u32(site.column);
  payload.u32(site.end_line);
  payload.u32(site.end_column);
  payload.text(site.macro.substr(0, kMaxPathBytes));
  payload.u8(static_cast<std::uint8_t>(site.kind));
  payload.text(site.source.spelling.substr(0, kMaxPathBytes));
  payload.u8(site.source.dtype ? static_cast<std::uint8_t>(*site.source.dtype) : kNoDType);
  payload.text(site.target.spelling.substr(0, kMaxPathBytes));
  payload.u8(site.target.dtype ? static_cast<std::uint8_t>(*site.target.dtype) : kNoDType);
  payload.u8(static_cast<std::uint8_t>(site.semantics));
  payload.u8(static_cast<std::uint8_t>(site.constant.kind));
  switch (site.constant.kind) {
    case ConstantKind::Float:
      payload.u64(site.constant.significand);
      payload.u16(site.constant.sign_exponent);
      break;
    case ConstantKind::Signed:
    case ConstantKind::Unsigned: payload.u64(site.constant.integer_bits); break;
    case ConstantKind::None: break;
  }
  if (site.constant.kind != ConstantKind::None) payload.text(site.constant.spelling);
  return payload;
}

// ---- the command line ----------------------------------------------------------

struct Arguments {
  std::string file, directory;
  std::vector<std::string> roots;
  unsigned long memory_mib = 0, cpu_seconds = 0;
  std::vector<std::string> command;
};

bool parse_number(const char* text, unsigned long& value) {
  if (text == nullptr || *text < '0' || *text > '9') return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtoul(text, &end, 10);
  return errno == 0 && end != nullptr && *end == '\0' && value <= (1ul << 30);
}

// "" when the arguments are as protocol.h describes, else what is wrong.
std::string parse_arguments(int argc, char** argv, Arguments& arguments) {
  int at = 1;
  for (; at < argc; ++at) {
    const std::string_view name = argv[at];
    if (name == "--") break;
    if (at + 1 >= argc) return "option " + std::string(name) + " needs a value";
    const char* value = argv[++at];
    if (name == "--file") {
      arguments.file = value;
    } else if (name == "--directory") {
      arguments.directory = value;
    } else if (name == "--root") {
      arguments.roots.emplace_back(value);
    } else if (name == "--memory-mb") {
      if (!parse_number(value, arguments.memory_mib))
        return "--memory-mb: not a number of MiB: " + std::string(value);
    } else if (name == "--seconds") {
      if (!parse_number(value, arguments.cpu_seconds))
        return "--seconds: not a number: " + std::string(value);
    } else {
      return "unknown option " + std::string(name);
    }
  }
  if (at >= argc || at + 1 >= argc) return "no compile command after --";
  for (++at; at < argc; ++at) arguments.command.emplace_back(argv[at]);
  if (arguments.file.empty() || arguments.file.front() != '/') return "--file must be an absolute path";
  if (arguments.directory.empty() || arguments.directory.front() != '/') {
    return "--directory must be an absolute path";
  }
  for (const std::string& root : arguments.roots) {
    if (root.empty() || root.front() != '/') return "--root must be an absolute path: " + root;
  }
  return "";
}

void limit(int resource, rlim_t value) {
  const rlimit limits{value, value};
  ::setrlimit(resource, &limits);
}

// ASan and TSan reserve terabytes of address space for their shadow memory.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(DTLINT_SANITIZED)
constexpr bool kAddressSpaceLimit = false;
#else
constexpr bool kAddressSpaceLimit = true;
#endif

// ---- the compile command ---------------------------------------------------------

// The unit's one command: the database ClangTool runs.
class OneCommandDatabase : public clang::tooling::CompilationDatabase {
 public:
  explicit OneCommandDatabase(clang::tooling::CompileCommand command) : command_(std::move(command)) {}
  std::vector<clang::tooling::CompileCommand> getCompileCommands(llvm::StringRef) const override {
    return {command_};
  }
  std::vector<std::string> getAllFiles() const override { return {command_.Filename}; }
  std::vector<clang::tooling::CompileCommand> getAllCompileCommands() const override { return {command_}; }

 private:
  clang::tooling::CompileCommand command_;
};

// Options that would make the run load code, run other tools, write files or
// print on our standard output; and, since a compile database from a GCC
// build names options Clang does not know (Clang's driver refuses the whole
// command for one unknown option), every option Clang's own option table does
// not know. The table parses the command as the driver will (argv[0] aside),
// so an option and its separate value go together.
clang::tooling::CommandLineArguments drop_unusable_options(
    const clang::tooling::CommandLineArguments& command) {
  if (command.size() < 2) return command;
  namespace options = clang::driver::options;
  std::vector<const char*> argv;
  for (std::size_t i = 1; i < command.size(); ++i) argv.push_back(command[i].c_str());
  unsigned missing_index = 0, missing_count = 0;
  const llvm::opt::InputArgList parsed =
      clang::driver::getDriverOptTable().ParseArgs(argv, missing_index, missing_count);
  std::vector<const llvm::opt::Arg*> in_order(parsed.begin(), parsed.end());
  std::vector<bool> dropped(argv.size(), false);
  for (std::size_t k = 0; k < in_order.size(); ++k) {
    const llvm::opt::Arg* arg = in_order[k];
    const llvm::opt::Option option = arg->getOption();
    const bool unusable =
        option.getKind() == llvm::opt::Option::UnknownClass || option.matches(options::OPT_Xclang) ||
        option.matches(options::OPT_fplugin_EQ) || option.matches(options::OPT_fpass_plugin_EQ) ||
        option.matches(options::OPT_mllvm) || option.matches(options::OPT__HASH_HASH_HASH) ||
        option.matches(options::OPT_help) || option.matches(options::OPT_v) ||
        option.matches(options::OPT_E) || option.matches(options::OPT_ftime_trace) ||
        option.matches(options::OPT_Xanalyzer) || option.matches(options::OPT_Xpreprocessor);
    if (!unusable) continue;
    // The argv entries it took: up to the next argument's first one.
    const unsigned first = arg->getIndex();
    const unsigned past =
        k + 1 < in_order.size() ? in_order[k + 1]->getIndex() : static_cast<unsigned>(argv.size());
    for (unsigned i = first; i < past && i < dropped.size(); ++i) dropped[i] = true;
  }
  // An option whose value is missing at the end (a truncated command) goes too.
  if (missing_count > 0) {
    for (std::size_t i = missing_index; i < dropped.size(); ++i) dropped[i] = true;
  }
  clang::tooling::CommandLineArguments kept{command[0]};
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (!dropped[i]) kept.push_back(command[i + 1]);
  }
  return kept;
}

// ---- the unit ------------------------------------------------------------------------

// Prints nothing: counts the errors and keeps the first one's message.
class CountingDiagnostics : public clang::DiagnosticConsumer {
 public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < clang::DiagnosticsEngine::Error) return;
    ++errors;
    if (!first_error.empty()) return;
    llvm::SmallString<256> message;
    info.FormatDiagnostic(message);
    std::string where;
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      const clang::SourceManager& sources = info.getSourceManager();
      const clang::PresumedLoc presumed = sources.getPresumedLoc(sources.getFileLoc(info.getLocation()));
      if (presumed.isValid()) {
        where = std::string(presumed.getFilename()) + ":" + std::to_string(presumed.getLine()) + ":" +
                std::to_string(presumed.getColumn()) + ": ";
      }
    }
    first_error = (where + std::string(message.str())).substr(0, kMaxErrorMessage);
    if (first_error.empty()) first_error = "error";
  }
  std::uint32_t errors = 0;
  std::string first_error;
};

struct UnitState {
  SiteCollector* collector = nullptr;
  clang::ast_matchers::MatchFinder* finder = nullptr;
  bool parsed = false;
  std::set<std::string> files;  // under the roots, as read
};

// The files the unit reads, as the preprocessor enters them.
class FileRecorder : public clang::PPCallbacks {
 public:
  FileRecorder(const clang::SourceManager& sources, UnitState& state) : sources_(sources), state_(state) {}
  void FileChanged(clang::SourceLocation location, FileChangeReason reason, clang::SrcMgr::CharacteristicKind,
                   clang::FileID) override {
    if (reason != EnterFile) return;
    const llvm::StringRef name = sources_.getFilename(sources_.getFileLoc(location));
    if (name.empty()) return;
    std::string path = state_.collector->absolute(name);
    if (path.size() <= kMaxPathBytes && state_.collector->under_root(path))
      state_.files.insert(std::move(path));
  }

 private:
  const clang::SourceManager& sources_;
  UnitState& state_;
};

class MatchingConsumer : public clang::ASTConsumer {
 public:
  explicit MatchingConsumer(UnitState& state) : state_(state) {}
  // Also after errors: a partial AST (a missing include) is matched too.
  void HandleTranslationUnit(clang::ASTContext& context) override {
    state_.finder->matchAST(context);
    state_.parsed = true;
  }

 private:
  UnitState& state_;
};

class MatchingAction : public clang::ASTFrontendAction {
 public:
  explicit MatchingAction(UnitState& state) : state_(state) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler,
                                                        llvm::StringRef) override {
    // A missing include is a fatal error, after which Clang instantiates no
    // template: as an error, the rest of the unit is still analysed (the
    // casts in templates of the unit's own code included).
    compiler.getDiagnostics().setFatalsAsError(true);
    compiler.getPreprocessor().addPPCallbacks(
        std::make_unique<FileRecorder>(compiler.getSourceManager(), state_));
    return std::make_unique<MatchingConsumer>(state_);
  }

 private:
  UnitState& state_;
};

class MatchingActionFactory : public clang::tooling::FrontendActionFactory {
 public:
  explicit MatchingActionFactory(UnitState& state) : state_(state) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<MatchingAction>(state_);
  }

 private:
  UnitState& state_;
};

}  // namespace

int main(int argc, char** argv) {
  // Frames go to a private copy of standard output. Clang's own output (its
  // error count, LLVM's crash report) goes nowhere: it could break a frame,
  // and the compiler's diagnostics are not dtlint's to print.
  const int frames_descriptor = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (frames_descriptor < 0) return 1;
  const int null_descriptor = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_descriptor >= 0) {
    ::dup2(null_descriptor, STDOUT_FILENO);
    ::dup2(null_descriptor, STDERR_FILENO);
    ::close(null_descriptor);
  }
  Output output(frames_descriptor);
  {
    Payload hello;
    hello.text(kHello);
    output.frame(Frame::Hello, hello);
  }
  Arguments arguments;
  if (const std::string problem = parse_arguments(argc, argv, arguments); !problem.empty()) {
    output.text_frame(Frame::Fatal, "dtlint-clang: " + problem);
    output.flush();
    return 2;
  }
  // Killed when the thread that started it ends: that thread reads this
  // process's answer to its end, so only a scanner that died sends it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  limit(RLIMIT_CORE, 0);
  // No file can be written (a syntax-only run writes none); a write to one
  // fails (EFBIG) rather than killing the run. Frames go to a pipe.
  limit(RLIMIT_FSIZE, 0);
  ::signal(SIGXFSZ, SIG_IGN);
  if (kAddressSpaceLimit && arguments.memory_mib > 0)
    limit(RLIMIT_AS, static_cast<rlim_t>(arguments.memory_mib) << 20);
  if (arguments.cpu_seconds > 0) {
    const rlimit cpu{static_cast<rlim_t>(arguments.cpu_seconds),
                     static_cast<rlim_t>(arguments.cpu_seconds) + 1};
    ::setrlimit(RLIMIT_CPU, &cpu);
  }

  clang::tooling::CompileCommand command(arguments.directory, arguments.file, arguments.command, "");
  OneCommandDatabase database(command);
  clang::tooling::ClangTool tool(database, {arguments.file});
  tool.clearArgumentsAdjusters();
  tool.appendArgumentsAdjuster([](const clang::tooling::CommandLineArguments& args, llvm::StringRef) {
    return drop_unusable_options(args);
  });
  tool.appendArgumentsAdjuster(clang::tooling::getClangSyntaxOnlyAdjuster());
  tool.appendArgumentsAdjuster(clang::tooling::getClangStripOutputAdjuster());
  tool.appendArgumentsAdjuster(clang::tooling::getClangStripDependencyFileAdjuster());
  // After argv[0], before anything a command may end with (`-- file`).
  tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
      {"-w", "-Qunused-arguments", "-fno-crash-diagnostics", "-resource-dir=" DTLINT_CLANG_RESOURCE_DIR},
      clang::tooling::ArgumentInsertPosition::BEGIN));
  CountingDiagnostics diagnostics;
  tool.setDiagnosticConsumer(&diagnostics);
  tool.setPrintErrorMessage(false);

  SiteCollector collector(arguments.roots, arguments.directory);
  clang::ast_matchers::MatchFinder finder;
  const std::unique_ptr<dtlint::clang_front::SiteMatchers> matchers =
      dtlint::clang_front::register_site_matchers(finder, collector);
  UnitState state;
  state.collector = &collector;
  state.finder = &finder;
  MatchingActionFactory factory(state);
  tool.run(&factory);  // non-zero after any error; a partial AST still counts

  if (!state.parsed) {
    output.text_frame(Frame::Fatal, diagnostics.first_error.empty() ? "Clang could not parse the unit"
                                                                    : diagnostics.first_error);
    output.flush();
    return 1;
  }
  std::uint64_t sent = 0;
  for (const FoundSite& site : collector.sites()) {
    const Payload payload = site_payload(site);
    if (payload.size() > kMaxPayload) continue;
    output.frame(Frame::Site, payload);
    ++sent;
  }
  Payload unit;
  unit.u32(diagnostics.errors);
  unit.text(diagnostics.first_error.substr(0, kMaxErrorMessage));
  // The file list stays within one frame.
  std::vector<const std::string*> files;
  std::size_t unit_bytes = unit.size() + 4;
  for (const std::string& file : state.files) {
    if (unit_bytes + 4 + file.size() > kMaxPayload) break;
    unit_bytes += 4 + file.size();
    files.push_back(&file);
  }
  unit.u32(static_cast<std::uint32_t>(files.size()));
  for (const std::string* file : files) unit.text(*file);
  output.frame(Frame::Unit, unit);
  Payload end;
  end.u64(sent);
  output.frame(Frame::End, end);
  output.flush();
  return 0;
}
