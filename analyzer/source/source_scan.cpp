#include "analyzer/source/source_scan.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"
#include "analyzer/io/helper_frames.h"
#include "analyzer/io/helper_process.h"
#include "analyzer/source/compile_database.h"
#include "analyzer/source/protocol.h"
#include "analyzer/source/simulate.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using namespace clang_protocol;

// A text field longer than this is malformed (no path, spelling or message is).
constexpr std::uint32_t kMaxTextBytes = 64 * 1024;
// One unit's whole answer: more sites or bytes than any source file gives.
constexpr std::uint64_t kMaxSites = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxAnswerBytes = std::uint64_t{256} << 20;
// A source line kept for a site (line_text, previous_line_text).
constexpr std::size_t kMaxLineBytes = 4096;

constexpr std::string_view kFrontEnd = "the C/C++ front end (dtlint-clang)";
constexpr std::string_view kInstall =
    "C/C++ sources are not parsed: the Clang front end (dtlint-clang) is not installed beside dtlint, "
    "as in a build without Clang's development packages; install libclang-14-dev libclang-cpp14-dev "
    "llvm-14-dev clang-14 (scripts/setup.sh does), then rebuild";

std::mutex hooks_mutex;
std::optional<fs::path> hooked_helper;

// ---- frames -----------------------------------------------------------------

using ChildSource = ChildFrameSource;

std::string malformed_text(std::string_view what) {
  return std::string(kFrontEnd) + " wrote a malformed answer: " + std::string(what);
}

// Fields of dtlint-clang's frames: texts at most kMaxTextBytes.
class SitePayload final : public PayloadReader {
 public:
  SitePayload(std::span<const std::byte> bytes, FrameSource& source)
      : PayloadReader(bytes, source, kMaxTextBytes) {}
  // A text that reports show: valid UTF-8 (else escaped), control bytes as spaces.
  std::string shown_text(std::string_view what) {
    std::string value = text(what);
    if (invalid_utf8_at(value)) value = escape_untrusted(value, kMaxTextBytes);
    std::replace_if(
        value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; },
        ' ');
    return value;
  }
};

struct FrameHeader {
  Frame type;
  std::uint32_t length;
};

FrameHeader next_header(FrameSource& source) {
  const RawFrameHeader header = *read_frame_header(source, false);
  if (header.length > kMaxPayload)
    source.fail("a frame of " + std::to_string(header.length) + " bytes, more than " +
                std::to_string(kMaxPayload));
  return {static_cast<Frame>(header.type), header.length};
}

// The Hello frame: its payload is the text kHello (a u32 length and the bytes).
void expect_hello(FrameSource& source) {
  std::array<std::byte, 9 + kHello.size()> hello{};
  source.read_exact(hello, false);
  constexpr auto size = static_cast<char>(kHello.size());
  const std::string expected = std::string(1, static_cast<char>(Frame::Hello)) +
                               std::string({static_cast<char>(size + 4), 0, 0, 0, size, 0, 0, 0}) +
                               std::string(kHello);
  if (std::memcmp(hello.data(), expected.data(), hello.size()) != 0)
    source.fail("it does not start with the greeting of this dtlint's helper");
}

std::optional<DType> read_dtype(PayloadReader& reader, FrameSource& source, std::string_view what) {
  const std::uint8_t code = reader.u8(what);
  if (code == kNoDType) return std::nullopt;
  if (code > static_cast<std::uint8_t>(DType::Complex128)) source.fail(std::string(what) + " is no dtype");
  return static_cast<DType>(code);
}

// An x87 80-bit extended value from its two fields; the encodings the FPU
// itself never produces (unnormals, pseudo-denormals) are malformed.
long double x87_value(std::uint64_t significand, std::uint16_t sign_exponent, FrameSource& source) {
  static_assert(sizeof(long double) >= 10 && std::numeric_limits<long double>::digits == 64,
                "the protocol sends x87 extended values");
  const bool integer_bit = (significand >> 63) != 0;
  const unsigned exponent = sign_exponent & 0x7fffu;
  if (exponent != 0 && !integer_bit) source.fail("a constant that is no x87 value (an unnormal)");
  if (exponent == 0 && integer_bit) source.fail("a constant that is no x87 value (a pseudo-denormal)");
  long double value = 0;
  std::array<unsigned char, sizeof(long double)> bytes{};
  std::memcpy(bytes.data(), &significand, 8);
  std::memcpy(bytes.data() + 8, &sign_exponent, 2);
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

CastSite parse_site(std::span<const std::byte> bytes, FrameSource& source) {
  SitePayload reader(bytes, source);
  CastSite site;
  site.location.path = reader.text("a site's file");
  if (site.location.path.empty() || site.location.path.front() != '/')
    source.fail("a site's file is not absolute");
  if (site.location.path.find('\0') != std::string::npos) source.fail("a site's file holds a NUL byte");
  const auto position = [&](std::string_view what) -> std::optional<int> {
    const std::uint32_t value = reader.u32(what);
    if (value > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
      source.fail(std::string(what) + " is too large");
    if (value == 0) return std::nullopt;
    return static_cast<int>(value);
  };
  site.location.line = position("a site's line");
  site.location.column = position("a site's column");
  site.location.end_line = position("a site's end line");
  site.location.end_column = position("a site's end column");
  if (!site.location.line) source.fail("a site without a line");
  site.macro = reader.shown_text("a site's macro");
  const std::uint8_t kind = reader.u8("a site's kind");
  if (kind < 1 || kind > static_cast<std::uint8_t>(CastSiteKind::TensorflowCastOp))
    source.fail("a site of an unknown kind");
  site.kind = static_cast<CastSiteKind>(kind);
  site.source.spelling = reader.shown_text("a site's source type");
  site.source.dtype = read_dtype(reader, source, "a site's source dtype");
  site.target.spelling = reader.shown_text("a site's target type");
  site.target.dtype = read_dtype(reader, source, "a site's target dtype");
  const std::uint8_t semantics = reader.u8("a site's semantics");
  if (semantics > static_cast<std::uint8_t>(Semantics::Torch)) source.fail("a site of unknown semantics");
  site.semantics = static_cast<Semantics>(semantics);
  const std::uint8_t constant = reader.u8("a site's constant kind");
  if (constant > static_cast<std::uint8_t>(ConstantKind::Unsigned))
    source.fail("a constant of an unknown kind");
  if (constant != static_cast<std::uint8_t>(ConstantKind::None)) {
    SiteConstant value;
    switch (static_cast<ConstantKind>(constant)) {
      case ConstantKind::Float: {
        const std::uint64_t significand = reader.number(8, "a constant's significand");
        const auto sign_exponent = static_cast<std::uint16_t>(reader.number(2, "a constant's exponent"));
        value.value = x87_value(significand, sign_exponent, source);
        break;
      }
      case ConstantKind::Signed:
        value.value = static_cast<long double>(static_cast<std::int64_t>(reader.number(8, "a constant")));
        break;
      default: value.value = static_cast<long double>(reader.number(8, "a constant")); break;
    }
    value.spelling = reader.shown_text("a constant's spelling");
    if (value.spelling.size() > kMaxOperandSpelling) {  // cut at a character's start
      std::size_t cut = kMaxOperandSpelling;
      while (cut > 0 && (static_cast<unsigned char>(value.spelling[cut]) & 0xc0) == 0x80) --cut;
      value.spelling.resize(cut);
    }
    site.constant = std::move(value);
  }
  reader.end("a site frame");
  return site;
}

ClangUnitAnswer read_answer(FrameSource& source) {
  expect_hello(source);
  ClangUnitAnswer answer;
  bool unit_seen = false;
  std::uint64_t bytes = 0;
  for (;;) {
    const FrameHeader header = next_header(source);
    bytes += header.length + 5;
    if (bytes > kMaxAnswerBytes) source.fail("more than 256 MiB of frames");
    std::vector<std::byte> payload(header.length);
    source.read_exact(payload, false);
    switch (header.type) {
      case Frame::Site:
        if (unit_seen) source.fail("a site after the unit frame");
        if (answer.sites.size() >= kMaxSites)
          source.fail("more than " + std::to_string(kMaxSites) + " sites");
        answer.sites.push_back(parse_site(payload, source));
        break;
      case Frame::Unit: {
        if (unit_seen) source.fail("two unit frames");
        unit_seen = true;
        SitePayload reader(payload, source);
        answer.compiler_errors = reader.u32("the compiler error count");
        answer.first_error = escape_untrusted(reader.text("the first error"), kMaxErrorMessage);
        const std::uint32_t count = reader.u32("the file count");
        if (count > payload.size() / 4) source.fail("more files than the frame holds");
        for (std::uint32_t i = 0; i < count; ++i) answer.files_read.push_back(reader.text("a file read"));
        reader.end("the unit frame");
        break;
      }
      case Frame::End: {
        if (!unit_seen) source.fail("an end without a unit frame");
        SitePayload reader(payload, source);
        if (reader.number(8, "the site count") != answer.sites.size())
          source.fail("an end that counts other sites than were sent");
        reader.end("the end frame");
        source.finish();
        return answer;
      }
      case Frame::Fatal: {
        SitePayload reader(payload, source);
        answer.fatal = escape_untrusted(reader.text("the reason"), kMaxErrorMessage);
        return answer;
      }
      default:
        source.fail("a frame of an unknown type (" + hex_byte(static_cast<unsigned>(header.type)) + ")");
    }
  }
}

// ---- the helper -------------------------------------------------------------

class ClangWording final : public HelperWording {
 public:
  ClangWording(std::string file, const SourceScanOptions& options)
      : file_(std::move(file)), memory_mib_(options.memory_mib), cpu_seconds_(options.cpu_seconds) {}
  std::string cannot_start(std::string_view why) const override {
    return "cannot start " + std::string(kFrontEnd) + ": " + std::string(why);
  }
  std::string quiet(std::chrono::milliseconds timeout) const override { return past_deadline(timeout); }
  std::string past_deadline(std::chrono::milliseconds deadline) const override {
    return std::string(kFrontEnd) + " did not finish within " + duration_text(deadline) + " while parsing " +
           file_ + " (it was stopped)";
  }
  std::string malformed(std::string_view what) const override {
    return std::string(kFrontEnd) + " wrote a malformed answer while parsing " + file_ + ": " +
           std::string(what);
  }
  std::string not_exited() const override {
    return std::string(kFrontEnd) + " did not exit after its answer while parsing " + file_ +
           " (it was stopped)";
  }
  std::string ended(int status, std::string_view what) const override {
    if (WIFSIGNALED(status)) {
      const int signal = WTERMSIG(status);
      if (signal == SIGXCPU)
        return std::string(kFrontEnd) + " used more than its " + std::to_string(cpu_seconds_) +
               " s of CPU time while parsing " + file_ + " (it was stopped)";
      std::string text = std::string(kFrontEnd) + " was killed by signal " + std::to_string(signal) +
                         " while parsing " + file_;
      if (signal == SIGKILL ||
          signal == SIGABRT)  // the hard CPU limit, the OOM killer; LLVM aborts when out of memory
        text += " (its limits: " + std::to_string(cpu_seconds_) + " s of CPU time, " +
                std::to_string(memory_mib_) + " MiB)";
      return text;
    }
    const int code = WEXITSTATUS(status);
    if (code != 0)
      return std::string(kFrontEnd) + " stopped (exit status " + std::to_string(code) + ") while parsing " +
             file_ + ": " + std::string(what);
    return malformed(what);
  }

 private:
  std::string file_;
  std::uint64_t memory_mib_, cpu_seconds_;
};

fs::path find_clang_helper() {
  {
    const std::lock_guard lock(hooks_mutex);
    if (hooked_helper) return first_executable(std::span<const fs::path>(&*hooked_helper, 1));
  }
  static const std::vector<fs::path> locations = clang_helper_locations();
  return first_executable(locations);
}

// One translation unit to parse.
struct Unit {
  std::string shown;                   // the main file as reports name it
  fs::path file;                       // absolute
  fs::path directory;                  // the command's working directory
  std::vector<std::string> arguments;  // the compile command
  bool defaults = false;               // not from the database
};

struct UnitOutcome {
  std::optional<ClangUnitAnswer> answer;
  std::string problem;  // E901 when there is no answer
};

UnitOutcome run_unit(const Unit& unit, const fs::path& helper, std::span<const fs::path> roots,
                     const SourceScanOptions& options) {
  HelperCommand command;
  command.program = helper;
  command.arguments = {"--file", unit.file.string(), "--directory", unit.directory.string()};
  for (const fs::path& root : roots) {
    command.arguments.push_back("--root");
    command.arguments.push_back(root.string());
  }
  command.arguments.insert(command.arguments.end(), {"--memory-mb", std::to_string(options.memory_mib),
                                                     "--seconds", std::to_string(options.cpu_seconds), "--"});
  command.arguments.insert(command.arguments.end(), unit.arguments.begin(), unit.arguments.end());
  command.quiet_timeout = options.deadline;
  command.deadline = options.deadline;
  UnitOutcome outcome;
  try {
    HelperProcess child(command, std::make_unique<ClangWording>(unit.shown, options), unit.shown);
    ChildSource source(child);
    outcome.answer = read_answer(source);
  } catch (const InputError& error) {
    outcome.problem = error.reason();
  }
  return outcome;
}

// Runs every unit on up to `threads` threads; the outcomes in unit order.
std::vector<UnitOutcome> run_units(const std::vector<Unit>& units, const fs::path& helper,
                                   std::span<const fs::path> roots, const SourceScanOptions& options) {
  std::vector<UnitOutcome> outcomes(units.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < units.size();) {
      outcomes[i] = run_unit(units[i], helper, roots, options);
      if (options.unit_done) options.unit_done();
    }
  };
  const std::size_t threads = std::min<std::size_t>(std::max(1u, options.threads), units.size());
  std::vector<std::jthread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  return outcomes;
}

// ---- paths and lines --------------------------------------------------------

// How the scan names files: each scanned path's absolute form and its shown form.
class PathMapper {
 public:
  PathMapper(std::span<const std::string> scanned, std::span<const std::string> source_files)
      : kept_(source_files.begin(), source_files.end()) {
    for (const std::string& given : scanned) {
      std::error_code error;
      const bool folder = fs::is_directory(given, error);
      const std::string shown = fs::path(given).lexically_normal().generic_string();
      roots_.push_back({fs::absolute(given, error).lexically_normal(),
                        shown == "." || shown == "./" ? "" : shown, folder});
    }
  }
  // The helper's roots: the scanned folders, a scanned file's folder.
  std::vector<fs::path> roots() const {
    std::vector<fs::path> out;
    for (const Root& root : roots_) {
      const fs::path folder = root.folder ? root.absolute : root.absolute.parent_path();
      if (std::find(out.begin(), out.end(), folder) == out.end()) out.push_back(folder);
    }
    return out;
  }
  // The shown path of an absolute file, when it is one of the scan's C/C++ files.
  std::optional<std::string> shown(const std::string& absolute) const {
    const fs::path file = fs::path(absolute).lexically_normal();
    for (const Root& root : roots_) {
      std::string candidate;
      if (!root.folder) {
        if (file != root.absolute) continue;
        candidate = root.shown;
      } else {
        const fs::path relative = file.lexically_relative(root.absolute);
        if (relative.empty() || *relative.begin() == "..") continue;
        candidate = root.shown.empty()         ? relative.generic_string()
                    : root.shown.back() == '/' ? root.shown + relative.generic_string()
                                               : root.shown + "/" + relative.generic_string();
      }
      if (kept_.contains(candidate)) return candidate;
    }
    return std::nullopt;
  }

  // A compiler message ("/abs/x.cpp:1:10: 'y.h' file not found") with its
  // file named as reports name it, when it is one of the scan's.
  std::string shown_message(const std::string& message) const {
    const std::size_t colon = message.find(':');
    if (message.empty() || message.front() != '/' || colon == std::string::npos) return message;
    const std::optional<std::string> file = shown(message.substr(0, colon));
    return file ? *file + message.substr(colon) : message;
  }

 private:
  struct Root {
    fs::path absolute;
    std::string shown;
    bool folder;
  };
  std::vector<Root> roots_;
  std::set<std::string> kept_;
};

// Lines `wanted` of a file (1-based), each at most kMaxLineBytes; read only
// up to the last wanted line. A file that cannot be read gives "" for each.
std::map<int, std::string> read_lines(const std::string& path, const std::set<int>& wanted) {
  std::map<int, std::string> lines;
  if (wanted.empty()) return lines;
  // Never blocks on a file that became a FIFO or device since discovery.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return lines;
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    return lines;
  }
  const int last = *wanted.rbegin();
  int line = 1;
  std::string* current = wanted.contains(1) ? &lines[1] : nullptr;
  std::array<char, 1 << 14> buffer{};
  while (line <= last) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    for (std::size_t i = 0; i < static_cast<std::size_t>(got) && line <= last; ++i) {
      const char c = buffer[i];
      if (c == '\n') {
        ++line;
        current = wanted.contains(line) ? &lines[line] : nullptr;
      } else if (current && current->size() < kMaxLineBytes) {
        *current += c;
      }
    }
  }
  ::close(fd);
  for (auto& [number, text] : lines) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
  }
  return lines;
}

void add_line_texts(std::vector<CastSite>& sites) {
  std::map<std::string, std::set<int>> wanted;
  for (const CastSite& site : sites) {
    std::set<int>& lines = wanted[site.location.path];
    lines.insert(*site.location.line);
    if (*site.location.line > 1) lines.insert(*site.location.line - 1);
  }
  std::map<std::string, std::map<int, std::string>> texts;
  for (const auto& [path, lines] : wanted) texts[path] = read_lines(path, lines);
  for (CastSite& site : sites) {
    const std::map<int, std::string>& lines = texts[site.location.path];
    const int line = *site.location.line;
    if (const auto found = lines.find(line); found != lines.end()) site.line_text = found->second;
    if (const auto found = lines.find(line - 1); found != lines.end())
      site.previous_line_text = found->second;
  }
}

auto site_key(const CastSite& site) {
  return std::tie(site.location.path, site.location.line, site.location.column, site.kind,
                  site.target.spelling, site.source.spelling);
}

void simulate(CastSite& site) {
  if (!site.constant || !site.source.dtype || !site.target.dtype) return;
  const DType source = *site.source.dtype, target = *site.target.dtype;
  if (!is_value_of(site.constant->value, source) || !is_value_of(0, target)) return;
  site.simulated = simulate_constant(site.constant->value, source, target, site.semantics);
}

}  // namespace

ClangUnitAnswer parse_clang_answer(std::span<const std::byte> answer, const std::string& path) {
  MemoryFrameSource source(answer, path, malformed_text(""));
  return read_answer(source);
}

std::vector<fs::path> clang_helper_locations() {
  return helper_locations(kHelperName, fs::path(DTLINT_CLANG_HELPER_INSTALLED));
}

SourceScanResult scan_sources(std::span<const std::string> source_files,
                              std::span<const std::string> scanned_paths, const SourceScanOptions& options) {
  SourceScanResult result;
  if (source_files.empty()) return result;
  const fs::path helper = find_clang_helper();
  if (helper.empty()) {
    for (const std::string& file : source_files)
      result.skipped.push_back({Location(file), std::string(kInstall)});
    return result;
  }

  std::optional<CompileDatabase> database;
  std::optional<fs::path> database_path =
      options.build_dir ? database_named_by(*options.build_dir) : find_compile_database(scanned_paths);
  if (options.build_dir && !database_path)  // the CLI refuses this first (a usage error)
    result.problems.push_back(
        {Location(options.build_dir->generic_string()), "-p names no compile_commands.json"});
  if (database_path) {
    try {
      database = CompileDatabase::read(*database_path);
    } catch (const InputError& error) {
      result.problems.push_back({Location(database_path->generic_string()),
                                 "cannot read the compilation database: " + error.reason()});
    }
  }

  const PathMapper mapper(scanned_paths, source_files);
  const std::vector<fs::path> roots = mapper.roots();
  std::vector<fs::path> include_folders;
  for (const std::string& scanned : scanned_paths) {
    std::error_code error;
    if (fs::is_directory(scanned, error))
      include_folders.push_back(fs::absolute(scanned, error).lexically_normal());
  }
  const auto make_unit = [&](const std::string& shown, bool header_alone) {
    Unit unit;
    unit.shown = shown;
    std::error_code error;
    unit.file = fs::absolute(shown, error).lexically_normal();
    if (const CompileCommand* command = database ? database->find(unit.file) : nullptr) {
      unit.directory = command->directory;
      unit.arguments = command->arguments;
    } else {
      unit.directory = unit.file.parent_path();
      unit.arguments = default_arguments(unit.file, include_folders, header_alone);
      unit.defaults = true;
    }
    return unit;
  };

  std::vector<Unit> units;
  std::vector<std::string> headers;
  for (const std::string& file : source_files) {
    if (is_header_name(file)) {
      headers.push_back(file);
    } else {
      units.push_back(make_unit(file, false));
    }
  }
  std::vector<UnitOutcome> outcomes = run_units(units, helper, roots, options);
  // Headers no unit read are parsed on their own.
  std::set<std::string> read;
  for (const UnitOutcome& outcome : outcomes) {
    if (!outcome.answer) continue;
    for (const std::string& file : outcome.answer->files_read) {
      if (const auto shown = mapper.shown(file)) read.insert(*shown);
    }
  }
  std::vector<Unit> header_units;
  for (const std::string& header : headers) {
    if (!read.contains(header)) header_units.push_back(make_unit(header, true));
  }
  std::vector<UnitOutcome> header_outcomes = run_units(header_units, helper, roots, options);
  units.insert(units.end(), std::make_move_iterator(header_units.begin()),
               std::make_move_iterator(header_units.end()));
  outcomes.insert(outcomes.end(), std::make_move_iterator(header_outcomes.begin()),
                  std::make_move_iterator(header_outcomes.end()));
  result.units = units.size();

  std::uint64_t with_defaults = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit& unit = units[i];
    UnitOutcome& outcome = outcomes[i];
    // Headers are never in a database: one parsed alone is not the user's to fix.
    if (unit.defaults && !is_header_name(unit.file)) ++with_defaults;
    if (!outcome.answer) {
      result.problems.push_back({Location(unit.shown), outcome.problem});
      continue;
    }
    ClangUnitAnswer& answer = *outcome.answer;
    if (answer.fatal) {
      result.problems.push_back({Location(unit.shown), std::string(kFrontEnd) + " could not parse " +
                                                           unit.shown + ": " + *answer.fatal});
      continue;
    }
    if (answer.compiler_errors > 0) {
      std::string reason = "parsed with " + std::to_string(answer.compiler_errors) + " compiler error" +
                           (answer.compiler_errors == 1 ? "" : "s");
      if (!answer.first_error.empty()) reason += " (first: " + mapper.shown_message(answer.first_error) + ")";
      result.skipped.push_back({Location(unit.shown), reason + ": casts in it may be missing"});
    }
    for (CastSite& site : answer.sites) {
      const std::optional<std::string> shown = mapper.shown(site.location.path);
      if (!shown) continue;
      site.location.path = *shown;
      result.sites.push_back(std::move(site));
    }
  }
  std::stable_sort(result.sites.begin(), result.sites.end(),
                   [](const CastSite& a, const CastSite& b) { return site_key(a) < site_key(b); });
  result.sites.erase(
      std::unique(result.sites.begin(), result.sites.end(),
                  [](const CastSite& a, const CastSite& b) { return site_key(a) == site_key(b); }),
      result.sites.end());
  add_line_texts(result.sites);
  for (CastSite& site : result.sites) simulate(site);

  if (with_defaults > 0) {
    const std::string where =
        database ? "not in " + database->path().generic_string()
        : database_path
            ? "not in a compilation database (" + database_path->generic_string() + " cannot be read)"
            : std::string("not in a compilation database (no compile_commands.json found)");
    result.notices.push_back("dtlint: " + std::to_string(with_defaults) + " C/C++ file" +
                             (with_defaults == 1 ? " is " : "s are ") + where +
                             ": parsed with -std=c++17 defaults; pass -p BUILD_DIR");
  }
  return result;
}

std::vector<std::string> source_file_plans(std::span<const std::string> source_files,
                                           std::span<const std::string> scanned_paths,
                                           const std::optional<fs::path>& build_dir) {
  std::vector<std::string> plans;
  if (source_files.empty()) return plans;
  if (find_clang_helper().empty()) {
    plans.assign(source_files.size(), "C/C++ source (needs the Clang front end, not built)");
    return plans;
  }
  const std::optional<fs::path> database_path =
      build_dir ? database_named_by(*build_dir) : find_compile_database(scanned_paths);
  std::optional<CompileDatabase> database;
  std::string missing = "no compile_commands.json found: defaults";
  if (database_path) {
    try {
      database = CompileDatabase::read(*database_path);
      missing = "not in the compile database: defaults";
    } catch (const InputError& error) {
      missing = database_path->generic_string() + " cannot be read: defaults";
    }
  }
  for (const std::string& file : source_files) {
    std::error_code error;
    const fs::path absolute = fs::absolute(file, error).lexically_normal();
    if (database && database->find(absolute)) {
      plans.push_back("C/C++ source (compile command from " + database_path->generic_string() + ")");
    } else if (is_header_name(absolute)) {
      plans.push_back("C/C++ header (parsed by the units that include it, else alone with defaults)");
    } else {
      plans.push_back("C/C++ source (" + missing + ")");
    }
  }
  return plans;
}

namespace test_hooks {
void set_clang_helper(const fs::path& helper) {
  const std::lock_guard lock(hooks_mutex);
  if (helper.empty()) {
    hooked_helper.reset();
  } else {
    hooked_helper = helper;
  }
}
}  // namespace test_hooks

}  // namespace dtlint
