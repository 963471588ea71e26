#include "analyzer/scan/scan.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <system_error>
#include <thread>

#include "analyzer/formats/npy.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/kernels/dispatch.h"
#include "analyzer/scan/progress.h"

namespace fs = std::filesystem;

namespace dtlint {
namespace {

bool has_array_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".npy";
}

std::string display(const fs::path& path) {
  return path.lexically_normal().generic_string();
}

void walk_folder(const fs::path& root, std::vector<std::string>& files, std::vector<Problem>& problems) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    problems.push_back({display(root), "cannot read folder: " + ec.message()});
    return;
  }
  std::vector<std::string> found;
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      problems.push_back({display(it->path()), "cannot read folder: " + ec.message()});
      break;
    }
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    // Data files by name; whether each is really a readable regular file is the
    // reader's question, so that FIFOs and broken links are reported, not skipped.
    if (has_array_extension(entry.path()) && !entry.is_directory(type_ec)) {
      found.push_back(display(entry.path()));
    } else if (has_array_extension(entry.path()) && entry.is_directory(type_ec)) {
      found.push_back(display(entry.path()));  // a folder named x.npy: reported by the reader
      it.disable_recursion_pending();
    }
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
}

}  // namespace

std::vector<std::string> discover_inputs(std::span<const std::string> paths, std::vector<Problem>& problems) {
  std::vector<std::string> files;
  for (const std::string& given : paths) {
    const fs::path path(given);
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec && !fs::exists(fs::symlink_status(path, ec))) {
      problems.push_back({display(path), "no such file or folder"});
    } else if (fs::is_directory(status)) {
      walk_folder(path, files, problems);
    } else {
      files.push_back(display(path));  // named explicitly: read whatever it is
    }
  }
  return files;
}

namespace {

// Runs body(i) for i in [0, count) on up to `threads` threads (this one included).
template <typename Body>
void parallel_for(std::size_t count, unsigned threads, const Body& body) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::thread> helpers;
  const std::size_t extra = std::min<std::size_t>(threads, count) - (count > 0 ? 1 : 0);
  for (std::size_t t = 0; t < extra; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
}

ArrayView open_input(const std::string& file) {
  if (!has_array_extension(file)) throw InputError(file, "not a supported array file (expected .npy)");
  return open_npy(file, file);
}

// One input's outcome within a batch.
struct Opened {
  std::optional<ArrayView> view;
  std::optional<Problem> problem;
};

struct Task {
  std::size_t input;  // index in the batch
  std::uint64_t begin, end;
};

// Inputs are handled in batches, so that the number of open mappings stays bounded.
constexpr std::size_t kBatchInputs = 256;

}  // namespace

ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options) {
  ScanResult result;
  const std::vector<std::string> files = discover_inputs(paths, result.problems);
  result.inputs = files.size() + result.problems.size();
  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const RangeKernel kernel = range_kernel(selected_kernel());
  Progress progress(options.progress, files.size());

  for (std::size_t first = 0; first < files.size(); first += kBatchInputs) {
    const std::size_t count = std::min(kBatchInputs, files.size() - first);
    std::vector<Opened> opened(count);
    parallel_for(count, threads, [&](std::size_t i) {
      const std::string& file = files[first + i];
      try {
        opened[i].view = open_input(file);
        progress.add_total(opened[i].view->data.size());
      } catch (const InputError& error) {
        opened[i].problem = Problem{error.path(), error.reason()};
      } catch (const std::bad_alloc&) {
        opened[i].problem = Problem{file, "out of memory while reading"};
      }
    });

    // Chunks of every array in the batch, in order, as one list of tasks.
    std::vector<Task> tasks;
    std::vector<std::size_t> first_task(count + 1, 0);
    for (std::size_t i = 0; i < count; ++i) {
      first_task[i] = tasks.size();
      const std::optional<ArrayView>& view = opened[i].view;
      if (!view || view->dtype == DType::Object) continue;
      const std::uint64_t chunk = std::max<std::uint64_t>(1, options.chunk_bytes / info(view->dtype).size);
      for (std::uint64_t begin = 0; begin < view->elements; begin += chunk) {
        tasks.push_back({i, begin, std::min(view->elements, begin + chunk)});
      }
    }
    first_task[count] = tasks.size();

    std::vector<ArrayAnalysis> partials(tasks.size());
    parallel_for(tasks.size(), threads, [&](std::size_t t) {
      const Task& task = tasks[t];
      const ArrayView& view = *opened[task.input].view;
      partials[t] = prepare_analysis(view, options.requests);
      kernel(view, options.semantics, partials[t], task.begin, task.end);
      const std::size_t size = info(view.dtype).size;
      const auto bytes = view.data.subspan(task.begin * size, (task.end - task.begin) * size);
      if (view.mapped) release_pages(bytes);
      progress.add_bytes(bytes.size());
    });

    // Merging is exact and order-independent; doing it in task order keeps it obvious.
    for (std::size_t i = 0; i < count; ++i) {
      progress.file_done();
      if (opened[i].problem) {
        result.problems.push_back(std::move(*opened[i].problem));
        continue;
      }
      const ArrayView& view = *opened[i].view;
      ArrayResult array{
          view.path,  view.member,   view.dtype,         view.stored_dtype,
          view.shape, view.elements, view.fortran_order, prepare_analysis(view, options.requests)};
      for (std::size_t t = first_task[i]; t < first_task[i + 1]; ++t) array.analysis.merge(partials[t]);
      result.arrays.push_back(std::move(array));
    }
  }
  return result;
}

}  // namespace dtlint
