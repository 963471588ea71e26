#include "analyzer/scan/scan.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "analyzer/formats/container.h"
#include "analyzer/formats/readers.h"
#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/kernels/dispatch.h"
#include "analyzer/scan/progress.h"

namespace dtlint {
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

// Opens (maps or reads) the file once into `mapping`, recognises it from its
// first bytes and hands the bytes to the reader for its format. A file larger
// than `max_file_size` is skipped: its size is taken from the open file (what
// would be mapped), so a file that grew since discovery counts too.
ContainerContents read_input(const std::string& file, std::optional<std::uint64_t> max_file_size,
                             std::shared_ptr<const MappedFile>& mapping) {
  const InputFile input = InputFile::open(file, file);
  if (max_file_size && input.size() > *max_file_size) {  // before anything is mapped or read
    const std::uint64_t size = input.size();
    ContainerContents skipped;
    skipped.skipped.push_back(
        {Location(file), std::to_string(size) + " bytes, more than the maximum file size of " +
                             byte_size_text(*max_file_size) + " (--max-file-size, max_file_size): not read"});
    return skipped;
  }
  mapping = MappedFile::open(input, file);
  const Reader* reader = reader_for(mapping->bytes(), file);
  if (reader == nullptr) {
    throw InputError(file, "not an array file (" + reader_extensions_text("or") + ", by name or content)");
  }
  return reader->read(input_bytes(mapping), file);
}

// One input's outcome within a batch.
struct Opened {
  std::span<const CastRequest> requests;  // options.requests, or own_requests for this file
  std::vector<CastRequest> own_requests;
  ContainerContents contents;
  std::optional<Problem> problem;  // the whole input is unreadable
  // Asked once the input's arrays are read: when the file shrank meanwhile,
  // its results are discarded for one E901 (MappedFile::shrank).
  std::shared_ptr<const MappedFile> mapping;
};

// A unit of work: a chunk of an array in memory, or a whole streamed array.
struct Task {
  std::size_t input;  // index in the batch
  std::size_t array;  // index in the input's arrays
  std::uint64_t begin, end;
};

// Inputs are handled in batches, so that the number of open mappings stays bounded.
constexpr std::size_t kBatchInputs = 256;

// Analyses a streamed array a chunk at a time through a reused buffer.
void analyse_stream(const ArrayView& view, std::span<const CastRequest> requests, const ScanOptions& options,
                    RangeKernel kernel, ArrayAnalysis& analysis, Progress& progress) {
  const std::size_t size = info(view.dtype).size;
  const std::uint64_t chunk_elements = std::max<std::uint64_t>(1, options.chunk_bytes / size);
  std::vector<std::byte> buffer(static_cast<std::size_t>(std::min(chunk_elements, view.elements)) * size);
  ArrayView window = view;  // the same array, one chunk of it in `buffer`
  window.stream.reset();
  window.mapped = false;
  for (std::uint64_t done = 0; done < view.elements;) {
    const std::uint64_t n = std::min(chunk_elements, view.elements - done);
    const std::span<std::byte> bytes(buffer.data(), static_cast<std::size_t>(n) * size);
    for (std::size_t filled = 0; filled < bytes.size();) {
      const std::size_t got = view.stream->read(bytes.subspan(filled));
      if (got == 0) throw InputError(view.location.path, "member data ends early");
      filled += got;
    }
    window.data = bytes;
    window.elements = n;
    ArrayAnalysis part = prepare_analysis(window, requests);
    kernel(window, options.semantics, part, 0, n);
    part.shift_indices(done);
    analysis.merge(part);
    done += n;
    progress.add_bytes(bytes.size());
  }
  std::byte extra;
  if (view.stream->read(std::span<std::byte>(&extra, 1)) != 0) {
    throw InputError(view.location.path, "member data is longer than its header declares");
  }
}

}  // namespace

ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options) {
  ScanResult result;
  Discovery found = discover_inputs(paths, options.discovery);
  result.problems = std::move(found.problems);
  result.skipped = std::move(found.skipped);
  const std::vector<std::string>& files = found.files;
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
      opened[i].requests = options.requests;
      if (options.requests_for) {
        opened[i].own_requests = options.requests_for(file);
        opened[i].requests = opened[i].own_requests;
      }
      try {
        opened[i].contents = read_input(file, options.max_file_size, opened[i].mapping);
        for (const ArrayView& view : opened[i].contents.arrays) {
          progress.add_total(view.stream ? view.elements * info(view.dtype).size : view.data.size());
        }
      } catch (const InputError& error) {
        opened[i].problem = Problem{Location(error.path()), error.reason()};
      } catch (const std::bad_alloc&) {
        opened[i].problem = Problem{Location(file), "out of memory while reading"};
      }
    });

    // Chunks of every array in memory, and every streamed array whole, as one list of tasks.
    std::vector<Task> tasks;
    for (std::size_t i = 0; i < count; ++i) {
      const std::vector<ArrayView>& arrays = opened[i].contents.arrays;
      for (std::size_t a = 0; a < arrays.size(); ++a) {
        const ArrayView& view = arrays[a];
        if (view.dtype == DType::Object) continue;
        if (view.stream) {
          tasks.push_back({i, a, 0, view.elements});
          continue;
        }
        const std::uint64_t chunk = std::max<std::uint64_t>(1, options.chunk_bytes / info(view.dtype).size);
        for (std::uint64_t begin = 0; begin < view.elements; begin += chunk) {
          tasks.push_back({i, a, begin, std::min(view.elements, begin + chunk)});
        }
      }
    }

    std::vector<ArrayAnalysis> partials(tasks.size());
    std::vector<std::optional<std::string>> task_errors(tasks.size());
    parallel_for(tasks.size(), threads, [&](std::size_t t) {
      const Task& task = tasks[t];
      const ArrayView& view = opened[task.input].contents.arrays[task.array];
      const std::span<const CastRequest> requests = opened[task.input].requests;
      const Progress::Reading reading = progress.reading(files[first + task.input]);  // names a long read
      partials[t] = prepare_analysis(view, requests);
      if (view.stream) {
        try {
          analyse_stream(view, requests, options, kernel, partials[t], progress);
        } catch (const InputError& error) {
          task_errors[t] = error.reason();
        }
        return;
      }
      kernel(view, options.semantics, partials[t], task.begin, task.end);
      const std::size_t size = info(view.dtype).size;
      const auto bytes = view.data.subspan(task.begin * size, (task.end - task.begin) * size);
      if (view.mapped) release_pages(bytes);
      progress.add_bytes(bytes.size());
    });

    // Merging is exact and order-independent; doing it in task order keeps it obvious.
    std::size_t t = 0;
    for (std::size_t i = 0; i < count; ++i) {
      progress.file_done();
      if (opened[i].mapping && opened[i].mapping->shrank()) {  // whatever the reader or kernels made of it
        opened[i].problem = Problem{Location(files[first + i]), std::string(kShrankReason)};
        while (t < tasks.size() && tasks[t].input == i) ++t;  // its partial results are dropped
      }
      if (opened[i].problem) {
        result.problems.push_back(std::move(*opened[i].problem));
        continue;
      }
      ContainerContents& contents = opened[i].contents;  // the batch's last use: moved from
      for (std::size_t a = 0; a < contents.arrays.size(); ++a) {
        ArrayView& view = contents.arrays[a];
        std::optional<ArrayAnalysis> analysis;
        std::optional<std::string> error;
        for (; t < tasks.size() && tasks[t].input == i && tasks[t].array == a; ++t) {
          if (analysis) {
            analysis->merge(partials[t]);
          } else {
            analysis = std::move(partials[t]);
          }
          if (task_errors[t]) error = task_errors[t];
        }
        if (error) {
          result.problems.push_back({std::move(view.location), std::move(*error)});
          continue;
        }
        if (!analysis) analysis = prepare_analysis(view, opened[i].requests);  // no elements to read
        result.arrays.push_back({std::move(view.location), view.dtype, std::move(view.stored_dtype),
                                 std::move(view.shape), view.elements, view.fortran_order,
                                 std::move(*analysis)});
      }
      for (MemberIssue& issue : contents.unreadable) {
        result.problems.push_back({std::move(issue.location), std::move(issue.reason)});
      }
      for (MemberIssue& issue : contents.skipped) {
        result.skipped.push_back({std::move(issue.location), std::move(issue.reason)});
      }
    }
  }
  return result;
}

}  // namespace dtlint
