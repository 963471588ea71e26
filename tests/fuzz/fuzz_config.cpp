// libFuzzer target: the configuration loader on arbitrary text. The first byte
// picks the spelling (0 .dtlint.yaml, 1 .dtlint.toml, 2 pyproject.toml; taken
// modulo 3), the rest is the file. ConfigError is the expected failure; any
// other exception escapes and aborts. A configuration that loads must survive
// render_config → load_config → render_config unchanged.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "rules/config.h"

namespace {

namespace fs = std::filesystem;

// One folder per process (libFuzzer's -jobs/-fork run several), removed at
// exit; never destroyed itself, so the exit handler can still use it.
const fs::path& work_dir() {
  static const fs::path& dir = *[] {
    std::error_code ec;
    std::string pattern = (fs::temp_directory_path(ec) / "dtlint-fuzz-config-XXXXXX").string();
    if (ec || ::mkdtemp(pattern.data()) == nullptr) {
      std::perror("fuzz_config: mkdtemp");
      std::abort();
    }
    auto* made = new fs::path(pattern);
    fs::create_directory(*made / "roundtrip", ec);
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(work_dir(), ignored);
    });
    return made;
  }();
  return dir;
}

// Replaces the file's contents (no fsync: the loader reads it back through the page cache).
void write_file(const fs::path& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror("fuzz_config: open");
    std::abort();
  }
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote <= 0) {
      std::perror("fuzz_config: write");
      std::abort();
    }
    done += static_cast<std::size_t>(wrote);
  }
  ::close(fd);
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_config: %s\n%s\n", what, detail.c_str());
  std::error_code ignored;
  fs::remove_all(work_dir(), ignored);  // the trap skips the exit handler
  __builtin_trap();
}

volatile std::size_t sink;  // keeps the glob and settings calls from being optimised away

void exercise(const dtlint::Config& config) {
  static const char* const kPaths[] = {"a/b.npy", "data/x/weights.safetensors", "c.npz", "./d/e/"};
  std::size_t matches = 0;
  for (const char* path : kPaths) {
    const dtlint::Settings settings = dtlint::settings_for(config, path);
    matches += settings.rules.size() + settings.tolerances.size() + (settings.targets ? 1 : 0);
  }
  const auto match_all = [&](const std::string& glob) {
    for (const char* path : kPaths) matches += dtlint::glob_match(glob, path) ? 1 : 0;
  };
  for (const std::string& glob : config.exclude) match_all(glob);
  for (const dtlint::PathOverride& entry : config.per_path) {
    for (const std::string& glob : entry.paths) match_all(glob);
  }
  for (const dtlint::Suppression& suppression : config.ignore) {
    match_all(suppression.path);
    if (suppression.member) matches += dtlint::glob_match(*suppression.member, "layer.0.bias") ? 1 : 0;
  }
  sink = matches;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kNames[] = {".dtlint.yaml", ".dtlint.toml", "pyproject.toml"};
  const fs::path file = work_dir() / kNames[data[0] % 3];
  write_file(file, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));

  dtlint::Config config;
  try {
    config = dtlint::load_config(file);
  } catch (const dtlint::ConfigError&) {
    return 0;  // the expected failure; anything else escapes and aborts
  }
  exercise(config);

  // The round trip: the rendering loads again, to a configuration that renders the same.
  const std::string text = dtlint::render_config(config);
  const fs::path copy = work_dir() / "roundtrip" / ".dtlint.yaml";
  write_file(copy, text);
  std::string again;
  try {
    again = dtlint::render_config(dtlint::load_config(copy));
  } catch (const dtlint::ConfigError& error) {
    fail("the rendered configuration does not load", std::string(error.what()) + "\n--- rendered:\n" + text);
  }
  if (again != text) {
    fail("the round trip changes the configuration", "--- first:\n" + text + "--- second:\n" + again);
  }
  return 0;
}
