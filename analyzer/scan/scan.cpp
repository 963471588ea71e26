#include "analyzer/scan/scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>

#include "analyzer/formats/container.h"
#include "analyzer/formats/readers.h"
#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/kernels/dispatch.h"
#include "analyzer/kernels/scaling.h"
#include "analyzer/scan/progress.h"
#include "document/glob.h"

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
    // Not an array file by content or name: a note when the name says what it
    // is (a .bin that is no checkpoint, a Parquet table), an E901 otherwise.
    std::string reason;
    if (const Reader* by_content = reader_by_content_extension(file)) {
      reason = "not a " + std::string(by_content->name) +
               " file by its content; files with this name are read only when their content is";
    } else if (const UnreadFormat* format = unread_format_for(mapping->bytes(), file)) {
      reason = format->reason;
    }
    if (!reason.empty()) {
      ContainerContents skipped;
      skipped.skipped.push_back({Location(file), std::move(reason)});
      return skipped;
    }
    throw InputError(file, "not an array file (" + reader_extensions_text("or") + ", by name or content)");
  }
  return reader->read(input_bytes(mapping), file);
}

// The array at `index` of `contents`: a reference to the view it holds, or
// the view its source makes, kept in `made` (each use makes its own, so that
// a container's views are never all held at once).
const ArrayView& array_at(const ContainerContents& contents, std::size_t index, ArrayView& made) {
  if (!contents.source) return contents.arrays[index];
  made = contents.source->view(index);
  return made;
}

// What one array (or every array of an input) is simulated with: the scan's
// requests and the declared casts bound to it.
struct ArrayPlan {
  std::vector<CastRequest> requests;
  std::vector<BoundCast> declared;
};

// The index of a request equal to `request` in `requests` (added when there is
// none): a declared cast that is also an ordinary target, with the same profile
// and tolerance, is simulated once. An ordinary request stays ordinary.
std::size_t request_index(std::vector<CastRequest>& requests, CastRequest request) {
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const CastRequest& r = requests[i];
    if (r.target == request.target && r.rtol == request.rtol && r.atol == request.atol &&
        r.semantics == request.semantics && r.scale_exponent == request.scale_exponent &&
        r.amax_scale == request.amax_scale)
      return i;
  }
  requests.push_back(request);
  return requests.size() - 1;
}

// Adds a declaration's casts to `plan`. Its tolerance is its own, else the
// scan's for the same target, else the target's default; a profile equal to
// the scan's is the scan's.
void add_declaration(ArrayPlan& plan, std::span<const CastRequest> ordinary, Semantics scan_semantics,
                     const std::shared_ptr<const CastDeclaration>& declaration) {
  for (DType target : declaration->casts) {
    CastRequest request = default_request(target);
    for (const CastRequest& r : ordinary) {
      if (r.target == target) request = r;
    }
    // A declared cast (an ONNX Cast node, a pipeline entry) has no scale.
    request.scale_exponent = 0;
    request.amax_scale = false;
    if (declaration->rtol) request.rtol = *declaration->rtol;
    if (declaration->atol) request.atol = *declaration->atol;
    request.semantics = declaration->semantics && *declaration->semantics != scan_semantics
                            ? declaration->semantics
                            : std::nullopt;
    request.declared_only = true;
    plan.declared.push_back({declaration, request_index(plan.requests, request)});
  }
}

// Drops the integer casts of a float array of real values that only default
// targets asked for (CastRequest::kind_default): nobody casts weights to
// int32. A cast a declaration is bound to stays; the others' indices follow.
void drop_casts_of_other_kind(const ArrayView& view, ArrayAnalysis& analysis,
                              std::vector<BoundCast>& declared) {
  if (!is_float(view.dtype) || holds_integer_data(view.dtype, analysis.source)) return;
  std::vector<CastStats>& casts = analysis.casts;
  std::vector<std::size_t> new_index(casts.size());
  std::vector<CastStats> kept;
  for (std::size_t i = 0; i < casts.size(); ++i) {
    const bool bound =
        std::any_of(declared.begin(), declared.end(), [i](const BoundCast& b) { return b.cast == i; });
    new_index[i] = kept.size();
    if (casts[i].kind_default && !bound && !is_float(casts[i].target)) continue;
    kept.push_back(std::move(casts[i]));
  }
  casts = std::move(kept);
  for (BoundCast& b : declared) b.cast = new_index[b.cast];
}

// One input's outcome within a batch.
struct Opened {
  std::span<const CastRequest> requests;  // options.requests, or own_requests for this file
  std::vector<CastRequest> own_requests;
  // Declared casts: those that cover every array of the input, and per array
  // (by index) the plan of each array that a member-bound declaration covers.
  std::vector<BoundCast> declared;
  std::map<std::size_t, ArrayPlan> member_plans;
  ContainerContents contents;
  std::optional<Problem> problem;  // the whole input is unreadable
  // Asked once the input's arrays are read: when the file shrank meanwhile,
  // its results are discarded for one E901 (MappedFile::shrank).
  std::shared_ptr<const MappedFile> mapping;
  std::string file;  // as discovery named it
};

// The requests for the array at `index` of an input.
std::span<const CastRequest> requests_of(const Opened& opened, std::size_t index) {
  if (opened.member_plans.empty()) return opened.requests;
  const auto it = opened.member_plans.find(index);
  return it == opened.member_plans.end() ? opened.requests
                                         : std::span<const CastRequest>(it->second.requests);
}

// Binds the input's declarations to its arrays: those of the configuration
// (declarations_for) and those of the file itself (contents.declared).
void bind_declarations(Opened& opened, std::vector<FileDeclaration> from_plan, const ScanOptions& options) {
  ContainerContents& contents = opened.contents;
  if (from_plan.empty() && contents.declared.empty()) return;
  ArrayPlan whole{{opened.requests.begin(), opened.requests.end()}, {}};
  std::vector<std::pair<Glob, std::shared_ptr<const CastDeclaration>>> by_glob;
  for (FileDeclaration& d : from_plan) {
    if (d.member) {
      by_glob.emplace_back(Glob(*d.member), std::move(d.declaration));
    } else {
      add_declaration(whole, opened.requests, options.semantics, d.declaration);
    }
  }
  std::unordered_map<std::string, std::vector<std::shared_ptr<const CastDeclaration>>> by_member;
  for (DeclaredMember& d : contents.declared) by_member[d.member].push_back(std::move(d.declaration));
  contents.declared.clear();
  if (!by_glob.empty() || !by_member.empty()) {
    for (std::size_t a = 0; a < contents.array_count(); ++a) {
      ArrayView made;
      const ArrayView& view = array_at(contents, a, made);
      if (!view.location.member) continue;  // a whole-file array has no member to match
      const std::string& member = *view.location.member;
      ArrayPlan plan;
      bool bound = false;
      for (const auto& [glob, declaration] : by_glob) {
        if (!glob.matches(member)) continue;
        if (!bound) plan = whole;
        bound = true;
        add_declaration(plan, opened.requests, options.semantics, declaration);
      }
      if (const auto it = by_member.find(member); it != by_member.end()) {
        if (!bound) plan = whole;
        bound = true;
        for (const auto& declaration : it->second)
          add_declaration(plan, opened.requests, options.semantics, declaration);
      }
      if (bound) opened.member_plans.emplace(a, std::move(plan));
    }
  }
  if (!whole.declared.empty()) {
    opened.own_requests = std::move(whole.requests);
    opened.requests = opened.own_requests;
    opened.declared = std::move(whole.declared);
  }
}

// A unit of work: a chunk of an array in memory, or a whole streamed array.
struct Task {
  std::size_t input;  // index in the batch
  std::size_t array;  // index in the input's arrays
  std::uint64_t begin, end;
};

// Inputs are handled in batches, so that the number of open mappings stays bounded.
constexpr std::size_t kBatchInputs = 256;
// A batch also ends once its files' sizes reach this. What a container holds
// per array (an .npz member's view, a safetensors header's compact entry)
// grows with its size: two checkpoints of a million tensors are then never
// held at once. Large files each take a batch of their own; their chunks still spread
// over every thread.
constexpr std::uint64_t kBatchBytes = std::uint64_t{16} << 20;

// The end of the batch that starts at files[first].
std::size_t batch_end(const std::vector<std::string>& files, std::size_t first) {
  std::uint64_t bytes = 0;
  std::size_t end = first;
  while (end < files.size() && end - first < kBatchInputs && bytes < kBatchBytes) {
    struct stat status {};
    if (stat_path(files[end], status) == 0 && S_ISREG(status.st_mode))  // paths past PATH_MAX too
      bytes += static_cast<std::uint64_t>(status.st_size);
    ++end;
  }
  return end;
}

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
    part.casts_only = analysis.casts_only;
    analyse_range_with(kernel, window, options.semantics, part, 0, n);
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

// Tasks are analysed in waves of at most this many, so that the partial
// results held at once stay bounded however many arrays a batch holds (a
// checkpoint of a million tensors is one input); a wave keeps the threads busy.
constexpr std::size_t kWaveTasks = 1024;

// Hands a batch's arrays to the sink in order as their tasks complete, merging
// each array's partial results; what it has handed over is released.
class BatchCollector {
 public:
  BatchCollector(std::vector<Opened>& opened, const std::vector<Task>& tasks, ScanResult& result,
                 const ArraySink& sink, Progress& progress, const ScanOptions& options, RangeKernel kernel,
                 unsigned threads)
      : opened_(opened),
        tasks_(tasks),
        result_(result),
        sink_(sink),
        progress_(progress),
        options_(options),
        kernel_(kernel),
        threads_(threads) {}

  // Takes the results of tasks [first, first + partials.size()) and hands over
  // every array whose tasks all lie before their end (all of them once the last
  // wave is in).
  void take(std::size_t first, std::vector<ArrayAnalysis>& partials,
            std::vector<std::optional<std::string>>& errors) {
    const std::size_t end = first + partials.size();
    while (input_ < opened_.size()) {
      Opened& current = opened_[input_];
      if (!entered_) {
        entered_ = true;
        progress_.file_done();
        if (current.problem) {
          // A reader that failed on the zeros of a shrunk file: the shrinking is the news.
          if (current.mapping && current.mapping->shrank()) current.problem->message = kShrankReason;
          result_.problems.push_back(std::move(*current.problem));
          next_input();
          continue;
        }
      }
      if (array_ == current.contents.array_count()) {
        for (MemberIssue& issue : current.contents.unreadable) {
          result_.problems.push_back({std::move(issue.location), std::move(issue.reason)});
        }
        for (MemberIssue& issue : current.contents.skipped) {
          result_.skipped.push_back({std::move(issue.location), std::move(issue.reason)});
        }
        for (MemberIssue& issue : current.contents.code_refused) {
          result_.code_refused.push_back({std::move(issue.location), std::move(issue.reason)});
        }
        next_input();
        continue;
      }
      if (current.mapping && current.mapping->shrank()) {
        drop_shrunk_input(current);
        continue;
      }
      for (; task_ < tasks_.size() && tasks_[task_].input == input_ && tasks_[task_].array == array_;
           ++task_) {
        if (task_ >= end) return;  // the array goes on in the next wave
        ArrayAnalysis& part = partials[task_ - first];
        if (analysis_) {
          analysis_->merge(part);
        } else {
          analysis_ = std::move(part);
        }
        part = ArrayAnalysis{};
        if (errors[task_ - first]) error_ = std::move(errors[task_ - first]);
      }
      ArrayView made;
      ArrayView& view = current.contents.source ? (made = current.contents.source->view(array_))
                                                : current.contents.arrays[array_];
      if (!error_) {
        if (!analysis_)
          analysis_ = prepare_analysis(view, requests_of(current, array_));  // no elements to read
        try {
          follow_up(view, current.file, *analysis_);
        } catch (const InputError& error) {
          error_ = error.reason();
        } catch (const std::bad_alloc&) {
          error_ = "out of memory while simulating its scaled casts";
        }
        // The second pass read the array again: a file that shrank meanwhile is one problem.
        if (current.mapping && current.mapping->shrank()) {
          view = ArrayView{};
          drop_shrunk_input(current);
          continue;
        }
      }
      if (error_) {
        result_.problems.push_back({std::move(view.location), std::move(*error_)});
      } else {
        std::vector<BoundCast> declared = current.declared;
        if (const auto it = current.member_plans.find(array_); it != current.member_plans.end())
          declared = std::move(it->second.declared);
        drop_casts_of_other_kind(view, *analysis_, declared);
        sink_({std::move(view.location), view.dtype, std::move(view.stored_dtype), std::move(view.shape),
               view.elements, view.fortran_order, std::move(*analysis_), std::move(view.shared_storage),
               std::move(declared)});
      }
      view = ArrayView{};  // its buffers, mapping and stream are no longer needed
      analysis_.reset();
      error_.reset();
      ++array_;
    }
  }

 private:
  // Whatever the reader or the kernels made of the zeros that replaced the
  // missing pages: the rest of the input is one problem. Arrays handed over
  // before were read in full before the file shrank (the mark is set before
  // any zero page appears, and an array is handed over only once read).
  void drop_shrunk_input(const Opened& current) {
    result_.problems.push_back({Location(current.file), std::string(kShrankReason)});
    while (task_ < tasks_.size() && tasks_[task_].input == input_) ++task_;  // later waves' too
    analysis_.reset();
    error_.reset();
    next_input();
  }

  // The follow-up pass, once the array's first pass is merged: its float8
  // casts at the array's amax scale (--fp8-scale auto), filled in place in
  // `casts`, and the rescalings worth simulating as fixes, into `scaled`.
  // Arrays that need neither cost nothing.
  void follow_up(const ArrayView& view, const std::string& file, ArrayAnalysis& analysis) {
    if (view.dtype == DType::Object || view.elements == 0) return;
    std::vector<CastRequest> requests;
    std::vector<std::size_t> amax_casts;  // indices into analysis.casts, for requests[0, size)
    for (std::size_t i = 0; i < analysis.casts.size(); ++i) {
      const CastStats& cast = analysis.casts[i];
      if (!cast.amax_scale || cast.lossless) continue;
      // No finite nonzero value: nothing to scale by, the cast is the plain one.
      const int k =
          analysis.source.abs_max ? scale_for_amax(cast.target, *analysis.source.abs_max).value_or(0) : 0;
      requests.push_back({cast.target, cast.rtol, cast.atol, cast.semantics, cast.declared_only, k});
      amax_casts.push_back(i);
    }
    if (options_.simulate_scales) {
      for (const CastRequest& candidate : scale_candidates(view.dtype, analysis))
        requests.push_back(candidate);
    }
    if (requests.empty()) return;
    ArrayAnalysis second = simulate_again(view, file, requests);
    for (std::size_t j = 0; j < amax_casts.size(); ++j) {
      CastStats& cast = analysis.casts[amax_casts[j]];
      cast = std::move(second.casts[j]);
      cast.amax_scale = true;
    }
    analysis.scaled.assign(
        std::make_move_iterator(second.casts.begin() + static_cast<std::ptrdiff_t>(amax_casts.size())),
        std::make_move_iterator(second.casts.end()));
  }

  // A second pass over the array for `requests`: an array in memory or mapped
  // is viewed again, in chunks over the threads (merged in chunk order); a
  // streamed one is read again from the start, through a fresh view or stream,
  // a chunk at a time. Memory stays as in the first pass.
  ArrayAnalysis simulate_again(const ArrayView& view, const std::string& file,
                               std::span<const CastRequest> requests) {
    const std::size_t size = info(view.dtype).size;
    progress_.add_total(view.elements * size);  // the second reading counts as reading
    ArrayAnalysis analysis = prepare_analysis(view, requests);
    analysis.casts_only = true;  // the source statistics are the first pass's
    if (view.stream) {
      ArrayView again = view;
      const Opened& current = opened_[input_];
      if (current.contents.source) {
        again = current.contents.source->view(array_);
      } else {
        again.stream = view.stream->restarted();
      }
      if (!again.stream) throw InputError(view.location.path, "member data cannot be read a second time");
      const Progress::Reading reading = progress_.reading(file);
      analyse_stream(again, requests, options_, kernel_, analysis, progress_);
      return analysis;
    }
    const std::uint64_t chunk = std::max<std::uint64_t>(1, options_.chunk_bytes / size);
    const std::size_t chunks = static_cast<std::size_t>((view.elements + chunk - 1) / chunk);
    std::vector<ArrayAnalysis> partials(chunks);
    parallel_for(chunks, threads_, [&](std::size_t c) {
      const std::uint64_t begin = c * chunk, end = std::min(view.elements, begin + chunk);
      const Progress::Reading reading = progress_.reading(file);
      partials[c] = prepare_analysis(view, requests);
      partials[c].casts_only = true;
      analyse_range_with(kernel_, view, options_.semantics, partials[c], begin, end);
      const auto bytes = view.data.subspan(begin * size, (end - begin) * size);
      if (view.mapped) release_pages(bytes);
      progress_.add_bytes(bytes.size());
    });
    for (const ArrayAnalysis& part : partials) analysis.merge(part);
    return analysis;
  }

  void next_input() {
    opened_[input_] = Opened{};
    ++input_;
    array_ = 0;
    entered_ = false;
  }

  std::vector<Opened>& opened_;
  const std::vector<Task>& tasks_;
  ScanResult& result_;
  const ArraySink& sink_;
  Progress& progress_;
  const ScanOptions& options_;
  RangeKernel kernel_;
  unsigned threads_;
  std::size_t input_ = 0, array_ = 0, task_ = 0;
  bool entered_ = false;
  std::optional<ArrayAnalysis> analysis_;  // of the array at (input_, array_), merged so far
  std::optional<std::string> error_;
};

}  // namespace

ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options) {
  std::vector<ArrayResult> arrays;
  ScanResult result =
      scan_paths(paths, options, [&](ArrayResult&& array) { arrays.push_back(std::move(array)); });
  result.arrays = std::move(arrays);
  return result;
}

ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options, const ArraySink& sink) {
  ScanResult result;
  Discovery found = discover_inputs(paths, options.discovery);
  if (options.discovered) options.discovered(found);
  result.problems = std::move(found.problems);
  result.skipped = std::move(found.skipped);
  const std::vector<std::string>& files = found.files;
  result.inputs = files.size() + found.plan_files.size() + found.source_files.size() + result.problems.size();
  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const RangeKernel kernel = range_kernel(selected_kernel());
  Progress progress(options.progress, files.size() + found.source_files.size());

  for (std::size_t first = 0, count = 0; first < files.size(); first += count) {
    count = batch_end(files, first) - first;
    std::vector<Opened> opened(count);
    parallel_for(count, threads, [&](std::size_t i) {
      const std::string& file = files[first + i];
      opened[i].file = file;
      opened[i].requests = options.requests;
      if (options.requests_for) {
        opened[i].own_requests = options.requests_for(file);
        opened[i].requests = opened[i].own_requests;
      }
      try {
        opened[i].contents = read_input(
            file, options.max_file_size_for ? options.max_file_size_for(file) : options.max_file_size,
            opened[i].mapping);
        bind_declarations(
            opened[i],
            options.declarations_for ? options.declarations_for(file) : std::vector<FileDeclaration>{},
            options);
        if (options.progress) {  // the total is only ever shown; views on demand are not made for nothing
          const ContainerContents& contents = opened[i].contents;
          for (std::size_t a = 0; a < contents.array_count(); ++a) {
            ArrayView made;
            const ArrayView& view = array_at(contents, a, made);
            progress.add_total(view.stream ? view.elements * info(view.dtype).size : view.data.size());
          }
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
      const ContainerContents& contents = opened[i].contents;
      for (std::size_t a = 0; a < contents.array_count(); ++a) {
        ArrayView made;
        const ArrayView& view = array_at(contents, a, made);
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

    BatchCollector collector(opened, tasks, result, sink, progress, options, kernel, threads);
    std::vector<ArrayAnalysis> partials;
    std::vector<std::optional<std::string>> task_errors;
    std::size_t wave = 0;
    do {
      const std::size_t size = std::min(kWaveTasks, tasks.size() - wave);
      partials.assign(size, ArrayAnalysis{});
      task_errors.assign(size, std::nullopt);
      parallel_for(size, threads, [&](std::size_t w) {
        const Task& task = tasks[wave + w];
        ArrayView made;
        const ArrayView& view = array_at(opened[task.input].contents, task.array, made);
        const std::span<const CastRequest> requests = requests_of(opened[task.input], task.array);
        const Progress::Reading reading = progress.reading(files[first + task.input]);  // names a long read
        partials[w] = prepare_analysis(view, requests);
        if (view.stream) {
          try {
            analyse_stream(view, requests, options, kernel, partials[w], progress);
          } catch (const InputError& error) {
            task_errors[w] = error.reason();
          }
          return;
        }
        analyse_range_with(kernel, view, options.semantics, partials[w], task.begin, task.end);
        const std::size_t element_size = info(view.dtype).size;
        const auto bytes =
            view.data.subspan(task.begin * element_size, (task.end - task.begin) * element_size);
        if (view.mapped) release_pages(bytes);
        progress.add_bytes(bytes.size());
      });
      // Merging is exact and order-independent; doing it in task order keeps it obvious.
      collector.take(wave, partials, task_errors);
      wave += size;
    } while (wave < tasks.size());
  }

  if (!found.source_files.empty()) {
    SourceScanOptions source_options = options.sources;
    source_options.threads = threads;
    source_options.unit_done = [&progress] { progress.file_done(); };
    SourceScanResult sources = scan_sources(found.source_files, paths, source_options);
    result.cast_sites = std::move(sources.sites);
    result.problems.insert(result.problems.end(), std::make_move_iterator(sources.problems.begin()),
                           std::make_move_iterator(sources.problems.end()));
    result.skipped.insert(result.skipped.end(), std::make_move_iterator(sources.skipped.begin()),
                          std::make_move_iterator(sources.skipped.end()));
    result.notices = std::move(sources.notices);
  }
  return result;
}

}  // namespace dtlint
