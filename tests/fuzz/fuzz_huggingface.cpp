// libFuzzer target: the "huggingface" plan loader on arbitrary JSON. The first
// byte picks which file the rest is (even: config.json beside a fixed index,
// odd: model.safetensors.index.json beside a fixed config); the folder also
// holds two of the shards the fixed index names. InputError is the expected
// failure; any other exception escapes and aborts. A plan that loads must
// bind only plain files of the folder, and give every missing source a
// declaration and a message.
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

#include "analyzer/input_error.h"
#include "analyzer/pipeline/loaders.h"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kConfig = R"({"model_type": "llama", "torch_dtype": "float16"})";
constexpr std::string_view kIndex =
    R"({"weight_map": {"a": "model-00001-of-00003.safetensors", "b": "model-00002-of-00003.safetensors",)"
    R"( "c": "model-00003-of-00003.safetensors"}})";

// Replaces the file's contents.
void write_file(const fs::path& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror("fuzz_huggingface: open");
    std::abort();
  }
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote <= 0) {
      std::perror("fuzz_huggingface: write");
      std::abort();
    }
    done += static_cast<std::size_t>(wrote);
  }
  ::close(fd);
}

// One folder per process, removed at exit; never destroyed itself, so the exit handler can still use it.
const fs::path& work_dir() {
  static const fs::path& dir = *[] {
    std::error_code ec;
    std::string pattern = (fs::temp_directory_path(ec) / "dtlint-fuzz-hf-XXXXXX").string();
    if (ec || ::mkdtemp(pattern.data()) == nullptr) {
      std::perror("fuzz_huggingface: mkdtemp");
      std::abort();
    }
    auto* made = new fs::path(pattern);
    write_file(*made / "model-00001-of-00003.safetensors", "");
    write_file(*made / "model-00002-of-00003.safetensors", "");
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(work_dir(), ignored);
    });
    return made;
  }();
  return dir;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_huggingface: %s\n%s\n", what, detail.c_str());
  std::error_code ignored;
  fs::remove_all(work_dir(), ignored);  // the trap skips the exit handler
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool is_index = (data[0] & 1) != 0;
  write_file(work_dir() / "config.json", is_index ? kConfig : text);
  write_file(work_dir() / "model.safetensors.index.json", is_index ? text : kIndex);

  const std::string folder = work_dir().string() + "/";
  std::optional<dtlint::CastPlan> plan;
  try {
    plan = dtlint::load_plan_file(folder + "config.json");
  } catch (const dtlint::InputError&) {
    return 0;  // the expected failure; anything else escapes and aborts
  }
  if (!plan) return 0;
  for (const dtlint::CastPlan::Binding& binding : plan->bindings) {
    const std::string_view file = binding.file;
    if (!file.starts_with(folder) || file.substr(folder.size()).find('/') != std::string_view::npos ||
        !fs::is_regular_file(binding.file)) {
      fail("a binding names something other than a file of the folder", binding.file);
    }
    if (!binding.declaration.declaration || binding.declaration.declaration->casts.empty()) {
      fail("a binding without a cast", binding.file);
    }
  }
  for (const dtlint::MissingSource& missing : plan->missing) {
    if (!missing.declaration || missing.message.empty() || !missing.where.line) {
      fail("a missing source without a declaration, a message or a line", missing.message);
    }
  }
  return 0;
}
