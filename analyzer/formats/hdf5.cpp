#include "analyzer/formats/hdf5.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include "analyzer/dtype.h"
#include "analyzer/formats/hdf5/protocol.h"
#include "analyzer/formats/untrusted_text.h"
#include "analyzer/formats/zip/archive.h"
#include "analyzer/input_error.h"
#include "analyzer/io/helper_frames.h"
#include "analyzer/io/helper_process.h"
#include "analyzer/io/input_file.h"
#include "analyzer/pipeline/keras.h"

extern char** environ;

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using namespace hdf5_protocol;

// A list answer sends a dataset inline when it is at most this large and the
// file's inline total stays within kInlineTotalBytes (and within the file's
// size plus kInlineSlackBytes, so that compressed files cannot make a batch
// of small files hold much more than their size).
constexpr std::uint64_t kInlineDatasetBytes = std::uint64_t{8} << 20;
constexpr std::uint64_t kInlineTotalBytes = std::uint64_t{64} << 20;
constexpr std::uint64_t kInlineSlackBytes = std::uint64_t{256} << 10;
// More datasets than any model has, and more bytes of names, shapes and
// reasons: the listing's bookkeeping stays bounded.
constexpr std::uint64_t kMaxDatasets = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxListingBytes = std::uint64_t{64} << 20;
// gzip cannot expand data more than some 1032-fold, so a dataset declaring
// more bytes than that many times the file's size cannot have its chunks
// stored: it is mostly unwritten (fill values) or its dimensions are forged.
constexpr std::uint64_t kMaxExpansion = 1032;
constexpr std::uint64_t kExpansionSlackBytes = std::uint64_t{1} << 20;

constexpr std::string_view kKerasWeights = "model.weights.h5";

std::mutex hooks_mutex;
fs::path hooked_helper;
Hdf5HelperLimits current_limits;

Hdf5HelperLimits limits() {
  const std::lock_guard lock(hooks_mutex);
  return current_limits;
}

std::string name_text(std::string_view name) {
  return quote_untrusted(name, 80);
}

std::string dataset_prefix(std::string_view name) {
  return "dataset " + name_text(name) + ": ";
}

// Text the helper sent, as it may appear in a message (it may quote the file).
std::string helper_text(std::string_view text) {
  return escape_untrusted(text, 300);
}

// The first helper that exists and is executable: the hook's, else the first of hdf5_helper_locations.
fs::path find_helper(const std::string& path) {
  std::vector<fs::path> candidates;
  {
    const std::lock_guard lock(hooks_mutex);
    if (!hooked_helper.empty()) candidates.push_back(hooked_helper);
  }
  if (candidates.empty()) {
    static const std::vector<fs::path> locations = hdf5_helper_locations();
    candidates = locations;
  }
  const fs::path found = first_executable(candidates);
  if (!found.empty()) return found;
  std::string places;
  for (const fs::path& candidate : candidates) places += (places.empty() ? "" : ", ") + candidate.string();
  throw InputError(path, "cannot read HDF5 files: the helper program " + std::string(kHelperName) +
                             " is not installed (looked for " + places + ")");
}

// The HDF5 helper's failures, said as what happened while reading the file.
class Hdf5Wording final : public HelperWording {
 public:
  explicit Hdf5Wording(const Hdf5HelperLimits& limits) : limits_(limits) {}
  std::string cannot_start(std::string_view why) const override {
    return "cannot start the HDF5 helper" +
           std::string(why.find(": ") != std::string_view::npos ? " " : ": ") + std::string(why);
  }
  std::string quiet(std::chrono::milliseconds timeout) const override {
    return "the HDF5 library did not answer within " + duration_text(timeout) +
           " reading this file (it was stopped)";
  }
  std::string past_deadline(std::chrono::milliseconds timeout) const override { return quiet(timeout); }
  std::string malformed(std::string_view what) const override {
    return "the HDF5 helper's answer is malformed: " + std::string(what);
  }
  std::string not_exited() const override {
    return "the HDF5 helper did not exit after its answer (it was stopped)";
  }
  std::string ended(int status, std::string_view what) const override {
    if (WIFSIGNALED(status)) {
      const int signal = WTERMSIG(status);
      if (signal == SIGXCPU) {
        return "the HDF5 library used more than its " + std::to_string(limits_.cpu_seconds) +
               " s of CPU time reading this file (it was stopped)";
      }
      if (signal == SIGKILL) {  // past the hard CPU limit, or the system's out-of-memory killer
        return "the HDF5 helper was killed (signal 9) reading this file (its limits: " +
               std::to_string(limits_.cpu_seconds) + " s of CPU time, " + std::to_string(limits_.memory_mib) +
               " MiB)";
      }
      return "the HDF5 library crashed (signal " + std::to_string(signal) + ") reading this file";
    }
    const int code = WEXITSTATUS(status);
    if (code == kExitOutOfMemory) {
      return "the HDF5 library ran out of memory (the helper's limit is " +
             std::to_string(limits_.memory_mib) + " MiB) reading this file";
    }
    if (code == kExitUsage)
      return "the HDF5 helper refused its arguments (is it from another dtlint version?)";
    if (code != 0)
      return "the HDF5 helper stopped (exit status " + std::to_string(code) + "): " + std::string(what);
    return "the HDF5 helper's answer is malformed: " + std::string(what);
  }

 private:
  Hdf5HelperLimits limits_;
};

HelperCommand hdf5_command(const std::vector<std::string>& arguments, int input_fd, bool takes_requests,
                           const Hdf5HelperLimits& limits, const std::string& path) {
  HelperCommand command;
  command.program = find_helper(path);
  command.arguments = {std::to_string(limits.memory_mib), std::to_string(limits.cpu_seconds)};
  command.arguments.insert(command.arguments.end(), arguments.begin(), arguments.end());
  command.input_fd = input_fd;
  command.takes_requests = takes_requests;
  command.quiet_timeout = limits.quiet_timeout;
  return command;
}

// One run of the HDF5 helper on the file open at `input_fd` (its descriptor 3).
// With `takes_requests`, the child's standard input is a socket for requests
// (request()); else it is /dev/null.
class Hdf5Helper final : public HelperProcess {
 public:
  Hdf5Helper(const std::vector<std::string>& arguments, int input_fd, std::string path,
             bool takes_requests = false, const Hdf5HelperLimits& limits = dtlint::limits())
      : HelperProcess(hdf5_command(arguments, input_fd, takes_requests, limits, path),
                      std::make_unique<Hdf5Wording>(limits), path) {}
};

// The HDF5 helper's answer in memory (the fuzzer).
class MemorySource final : public FrameSource {
 public:
  MemorySource(std::span<const std::byte> bytes, std::string path)
      : source_(bytes, std::move(path), "the HDF5 helper's answer is malformed: ") {}
  bool read_exact(std::span<std::byte> buffer, bool end_allowed) override {
    return source_.read_exact(buffer, end_allowed);
  }
  [[noreturn]] void fail(const std::string& what) override { source_.fail(what); }
  void finish() override { source_.finish(); }

 private:
  MemoryFrameSource source_;
};

using ChildSource = ChildFrameSource;

struct FrameHeader {
  Frame type;
  std::uint32_t length;
};

// The next frame's type and payload length, checked against the type's maximum.
std::optional<FrameHeader> next_header(FrameSource& source, bool end_allowed = false) {
  const std::optional<RawFrameHeader> header = read_frame_header(source, end_allowed);
  if (!header) return std::nullopt;
  const auto type = static_cast<Frame>(header->type);
  const std::uint32_t limit = type == Frame::Bytes         ? kMaxBytesPayload
                              : type == Frame::ModelConfig ? kMaxModelConfigBytes + 1
                                                           : kMaxMetaPayload;
  if (header->length > limit)
    source.fail("a frame of " + std::to_string(header->length) + " bytes, more than " +
                std::to_string(limit));
  return FrameHeader{type, header->length};
}

std::vector<std::byte> payload(FrameSource& source, const FrameHeader& header) {
  std::vector<std::byte> bytes(header.length);
  source.read_exact(bytes, false);
  return bytes;
}

void expect_hello(FrameSource& source) {
  std::array<std::byte, 5 + kHello.size()> hello{};
  source.read_exact(hello, false);
  const std::string expected = std::string(1, static_cast<char>(Frame::Hello)) +
                               std::string({static_cast<char>(kHello.size()), 0, 0, 0}) + std::string(kHello);
  if (std::memcmp(hello.data(), expected.data(), hello.size()) != 0)
    source.fail("it does not start with the greeting of this dtlint's helper");
}

// The DType, and how the file spells its type (NumPy's way, byte order first).
struct TypeNames {
  DType dtype;
  std::string_view code;  // without the byte order
};

TypeNames type_names(ElementType type) {
  switch (type) {
    case ElementType::Bool: return {DType::Bool, "b1"};
    case ElementType::Int8: return {DType::Int8, "i1"};
    case ElementType::UInt8: return {DType::UInt8, "u1"};
    case ElementType::Int16: return {DType::Int16, "i2"};
    case ElementType::UInt16: return {DType::UInt16, "u2"};
    case ElementType::Int32: return {DType::Int32, "i4"};
    case ElementType::UInt32: return {DType::UInt32, "u4"};
    case ElementType::Int64: return {DType::Int64, "i8"};
    case ElementType::UInt64: return {DType::UInt64, "u8"};
    case ElementType::Float16: return {DType::Float16, "f2"};
    case ElementType::BFloat16: return {DType::BFloat16, "bf16"};
    case ElementType::Float32: return {DType::Float32, "f4"};
    case ElementType::Float64: return {DType::Float64, "f8"};
  }
  return {DType::Float64, "?"};
}

// One Dataset frame, checked field by field.
struct Record {
  std::string name;
  DatasetKind kind = DatasetKind::Array;
  std::string reason;  // Skipped, Unreadable
  ElementType type = ElementType::Float64;
  bool big_endian = false;
  bool data_follows = false;
  std::vector<std::uint64_t> shape;
  std::optional<std::uint64_t> elements, bytes;  // nullopt when they overflow 64 bits

  bool same_array(const Record& other) const {
    return kind == other.kind && type == other.type && big_endian == other.big_endian && shape == other.shape;
  }
};

Record parse_record(std::span<const std::byte> bytes, FrameSource& source) {
  PayloadReader reader(bytes, source, kMaxTextBytes);
  Record record;
  record.name = reader.text("a dataset's name");
  if (record.name.empty()) source.fail("a dataset without a name");
  const std::uint8_t kind = reader.u8("a dataset's kind");
  if (kind > static_cast<std::uint8_t>(DatasetKind::Unreadable)) source.fail("a dataset of an unknown kind");
  record.kind = static_cast<DatasetKind>(kind);
  if (record.kind != DatasetKind::Array) {
    record.reason = reader.text("a dataset's reason");
    reader.end("a dataset frame");
    return record;
  }
  const std::uint8_t type = reader.u8("a dataset's type");
  if (type < 1 || type > kLastElementType) source.fail("a dataset of an unknown element type");
  record.type = static_cast<ElementType>(type);
  const std::uint8_t big_endian = reader.u8("a dataset's byte order");
  const std::uint8_t data_follows = reader.u8("a dataset's data flag");
  if (big_endian > 1 || data_follows > 1) source.fail("a dataset flag that is neither 0 nor 1");
  record.big_endian = big_endian == 1;
  record.data_follows = data_follows == 1;
  const std::uint64_t rank = reader.number(4, "a dataset's rank");
  if (rank > kMaxRank) source.fail("a dataset of more than " + std::to_string(kMaxRank) + " dimensions");
  std::uint64_t elements = 1;
  bool overflow = false;
  for (std::uint64_t d = 0; d < rank; ++d) {
    record.shape.push_back(reader.number(8, "a dataset's dimension"));
    overflow = overflow || __builtin_mul_overflow(elements, record.shape.back(), &elements);
  }
  reader.end("a dataset frame");
  std::uint64_t bytes_total = 0;
  if (!overflow && !__builtin_mul_overflow(elements, element_size(record.type), &bytes_total)) {
    record.elements = elements;
    record.bytes = bytes_total;
  }
  return record;
}

// A dataset in the listing that is an array.
struct Entry {
  Record record;
  std::optional<std::uint64_t> inline_offset;  // into the inline bytes; nullopt: streamed
};

// Serving children of one file that finished a stream, kept for its next
// streams: a file's streamed datasets then cost one process per stream read
// at the same time, not one each. Bounded across all files, and a child is
// retired once it has sent kRetireBytes (its CPU limit counts all its work).
class ServerPool {
 public:
  static constexpr std::size_t kMaxIdleServers = 8;
  static constexpr std::uint64_t kRetireBytes = std::uint64_t{4} << 30;

  ~ServerPool() { idle_count_ -= idle_.size(); }

  std::unique_ptr<HelperProcess> take() {
    const std::lock_guard lock(mutex_);
    if (idle_.empty()) return nullptr;
    std::unique_ptr<HelperProcess> child = std::move(idle_.back());
    idle_.pop_back();
    --idle_count_;
    return child;
  }

  // Keeps `child` for the next stream, or stops it when the pools are full.
  void give(std::unique_ptr<HelperProcess> child) {
    if (child->bytes_read() > kRetireBytes || idle_count_.fetch_add(1) >= kMaxIdleServers) {
      if (child->bytes_read() <= kRetireBytes) --idle_count_;
      return;  // the child is stopped here
    }
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(child));
  }

 private:
  static inline std::atomic<std::size_t> idle_count_{0};  // in every file's pool
  std::mutex mutex_;
  std::vector<std::unique_ptr<HelperProcess>> idle_;
};

// What a file's listing gives its views: the inline bytes, the file for
// streams, the pool of serving children, the input's owner.
struct Shared {
  std::string path;
  std::vector<Entry> entries;
  std::vector<std::byte> inline_bytes;
  std::shared_ptr<Descriptor> file;  // nullptr for parsed answers (the fuzzer): streams fail
  std::shared_ptr<ServerPool> servers = std::make_shared<ServerPool>();
  std::shared_ptr<const void> input_owner;
};

// The payload of a Bytes frame, appended to `out`, up to `expected` bytes in all.
void read_bytes_frames(FrameSource& source, const Record& record, std::vector<std::byte>& out,
                       std::optional<std::string>& failure) {
  const std::uint64_t expected = *record.bytes;
  std::uint64_t received = 0;
  for (;;) {
    const FrameHeader header = *next_header(source);
    if (header.type == Frame::Bytes) {
      if (header.length == 0 || header.length > expected - received)
        source.fail("more data than dataset " + name_text(record.name) + " declares");
      const std::size_t at = out.size();
      out.resize(at + header.length);
      source.read_exact(std::span<std::byte>(out).subspan(at), false);
      received += header.length;
      continue;
    }
    const std::vector<std::byte> bytes = payload(source, header);
    if (header.type == Frame::Done) {
      if (!bytes.empty()) source.fail("a done frame with a payload");
      if (received != expected) source.fail("less data than dataset " + name_text(record.name) + " declares");
      return;
    }
    if (header.type == Frame::Failed) {
      PayloadReader reader(bytes, source, kMaxTextBytes);
      failure = reader.text("a failure's reason");
      reader.end("a failure frame");
      return;
    }
    source.fail("an unexpected frame inside dataset " + name_text(record.name) + "'s data");
  }
}

std::uint64_t inline_budget(std::uint64_t file_bytes) {
  return std::min(kInlineTotalBytes, file_bytes + kInlineSlackBytes);
}

// The root's model_config attribute as the helper sent it.
struct ModelConfig {
  std::string text;
  std::optional<std::string> problem;  // why it was not sent
};

ModelConfig parse_model_config(std::span<const std::byte> bytes, FrameSource& source, std::uint64_t limit) {
  PayloadReader reader(bytes, source, kMaxTextBytes);
  const std::uint8_t status = reader.u8("the model config's status");
  if (status > static_cast<std::uint8_t>(ModelConfigStatus::Unreadable))
    source.fail("a model config of an unknown status");
  ModelConfig config;
  switch (static_cast<ModelConfigStatus>(status)) {
    case ModelConfigStatus::Text:
      if (bytes.size() - 1 > limit) source.fail("a model config longer than asked for");
      config.text.assign(reinterpret_cast<const char*>(bytes.data()) + 1, bytes.size() - 1);
      return config;
    case ModelConfigStatus::TooLong: {
      const std::uint64_t length = reader.number(8, "the model config's length");
      reader.end("a model config frame");
      config.problem = "the model config holds " + std::to_string(length) + " bytes, more than the " +
                       byte_size_text(limit) + " dtlint reads; its dtype policies are not checked";
      return config;
    }
    case ModelConfigStatus::Unreadable:
      config.problem =
          "the model config cannot be read: " + helper_text(reader.text("the model config's reason"));
      reader.end("a model config frame");
      return config;
  }
  return config;
}

// Reads a whole list answer into `shared` and `contents` (issues), and the
// model config into `config` when the helper sent one.
void parse_listing(FrameSource& source, Shared& shared, ContainerContents& contents, std::uint64_t file_bytes,
                   std::optional<ModelConfig>& config, std::uint64_t config_limit) {
  expect_hello(source);
  const std::uint64_t budget = inline_budget(file_bytes);
  std::uint64_t expansion_limit = 0;
  if (__builtin_mul_overflow(file_bytes, kMaxExpansion, &expansion_limit)) expansion_limit = UINT64_MAX;
  expansion_limit = std::max(expansion_limit, kExpansionSlackBytes);
  // Reserved, not touched: growing (and copying) the inline bytes would double their peak.
  shared.inline_bytes.reserve(static_cast<std::size_t>(budget) + (std::size_t{64} << 10));
  std::uint64_t datasets = 0, inlined = 0, listing_bytes = 0;
  for (;;) {
    const FrameHeader header = *next_header(source);
    const std::vector<std::byte> bytes = payload(source, header);
    listing_bytes += bytes.size();  // a frame is at most kMaxMetaPayload: cannot overflow first
    if (listing_bytes > kMaxListingBytes) {
      throw InputError(shared.path, "the list of its datasets is longer than " +
                                        std::to_string(kMaxListingBytes >> 20) + " MiB; not read");
    }
    if (header.type == Frame::Fatal) {
      PayloadReader reader(bytes, source, kMaxTextBytes);
      const std::string reason = reader.text("the reason");
      reader.end("a fatal frame");
      throw InputError(shared.path, helper_text(reason));
    }
    if (header.type == Frame::End) {
      PayloadReader reader(bytes, source, kMaxTextBytes);
      if (reader.number(8, "the dataset count") != datasets)
        source.fail("a dataset count that disagrees with its datasets");
      reader.end("the end frame");
      source.finish();
      return;
    }
    if (header.type == Frame::ModelConfig) {
      if (config || datasets > 0) source.fail("a model config after the first dataset, or twice");
      config = parse_model_config(bytes, source, config_limit);
      continue;
    }
    if (header.type != Frame::Dataset) source.fail("an unexpected frame between datasets");
    if (++datasets > kMaxDatasets) {
      throw InputError(shared.path, "more than " + std::to_string(kMaxDatasets) + " datasets; not read");
    }
    Record record = parse_record(bytes, source);
    const Location location(shared.path, record.name);
    if (record.kind == DatasetKind::Skipped) {
      contents.skipped.push_back({location, helper_text(record.reason)});
      continue;
    }
    if (record.kind == DatasetKind::Unreadable) {
      contents.unreadable.push_back({location, dataset_prefix(record.name) + helper_text(record.reason)});
      continue;
    }
    if (record.data_follows) {
      if (!record.bytes || *record.bytes > kInlineDatasetBytes || *record.bytes > budget - inlined)
        source.fail("dataset " + name_text(record.name) + " sent inline past the inline budget");
      std::optional<std::string> failure;
      const std::size_t start = shared.inline_bytes.size();
      read_bytes_frames(source, record, shared.inline_bytes, failure);
      if (failure) {
        shared.inline_bytes.resize(start);
        contents.unreadable.push_back({location, dataset_prefix(record.name) + helper_text(*failure)});
        continue;
      }
      inlined += *record.bytes;
      // The next dataset's bytes start 16-byte aligned, as views of mapped files mostly are.
      shared.inline_bytes.resize((shared.inline_bytes.size() + 15) / 16 * 16);
      shared.entries.push_back({std::move(record), start});
      continue;
    }
    if (!record.bytes) {
      contents.unreadable.push_back(
          {location, dataset_prefix(record.name) + "declares more than 2^64 bytes of data"});
      continue;
    }
    if (*record.bytes > expansion_limit) {
      contents.unreadable.push_back(
          {location,
           dataset_prefix(record.name) + "declares " + std::to_string(*record.elements) + " elements (" +
               std::to_string(*record.bytes) + " bytes), more than " + std::to_string(kMaxExpansion) +
               " times the file's " + std::to_string(file_bytes) +
               " bytes: its data cannot all be stored (unwritten chunks, or forged dimensions); not read"});
      continue;
    }
    shared.entries.push_back({std::move(record), std::nullopt});
  }
}

// A streamed dataset's elements, from a child of its own started on the first read.
class HelperStream final : public ElementStream {
 public:
  HelperStream(std::shared_ptr<const Shared> shared, std::size_t index)
      : shared_(std::move(shared)), index_(index) {}

  std::size_t read(std::span<std::byte> buffer) override {
    if (error_) throw InputError(shared_->path, *error_);
    try {
      return read_some(buffer);
    } catch (const InputError& error) {
      error_ = dataset_prefix(record().name) + error.reason();
      child_.reset();
      throw InputError(shared_->path, *error_);
    }
  }

 private:
  const Record& record() const { return shared_->entries[index_].record; }

  std::size_t read_some(std::span<std::byte> buffer) {
    if (finished_) return 0;
    if (!child_) start();
    std::size_t filled = 0;
    while (filled < buffer.size()) {
      if (frame_left_ == 0) {
        const FrameHeader header = *next_header(*source_);
        if (header.type == Frame::Bytes) {
          if (header.length == 0 || header.length > *record().bytes - received_)
            source_->fail("more data than the dataset declares");
          frame_left_ = header.length;
          received_ += header.length;
          continue;
        }
        const std::vector<std::byte> bytes = payload(*source_, header);
        if (header.type == Frame::Failed) {
          PayloadReader reader(bytes, *source_, kMaxTextBytes);
          const std::string reason = reader.text("a failure's reason");
          throw InputError(shared_->path, helper_text(reason));
        }
        if (header.type != Frame::Done || !bytes.empty())
          source_->fail("an unexpected frame inside the data");
        if (received_ != *record().bytes) source_->fail("less data than the dataset declares");
        expect_end();
        return filled;
      }
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, buffer.size() - filled));
      source_->read_exact(buffer.subspan(filled, n), false);
      filled += n;
      frame_left_ -= n;
    }
    return filled;
  }

  // A serving child (an idle one of the file's pool, else a new one) asked for this dataset.
  void start() {
    if (!shared_->file) throw InputError(shared_->path, "no file to stream from");
    child_ = shared_->servers->take();
    if (!child_ || !child_->request(record().name)) {
      child_ = std::make_unique<Hdf5Helper>(std::vector<std::string>{"serve"}, shared_->file->get(),
                                            shared_->path, true);
      source_ = std::make_unique<ChildSource>(*child_);
      expect_hello(*source_);
      // A child that cannot take the request may have said why first (a Fatal
      // for the file, then exited): its answer is read either way.
      child_->request(record().name);
    } else {
      source_ = std::make_unique<ChildSource>(*child_);
    }
    const FrameHeader header = *next_header(*source_);
    if (header.type == Frame::Fatal || header.type != Frame::Dataset) {
      const std::vector<std::byte> bytes = payload(*source_, header);
      if (header.type != Frame::Fatal) source_->fail("no dataset frame");
      PayloadReader reader(bytes, *source_, kMaxTextBytes);
      throw InputError(shared_->path, helper_text(reader.text("the reason")));
    }
    const Record streamed = parse_record(payload(*source_, header), *source_);
    if (streamed.name != record().name) source_->fail("another dataset than the one asked for");
    if (streamed.kind == DatasetKind::Unreadable)
      throw InputError(shared_->path, helper_text(streamed.reason));
    if (!streamed.same_array(record()) || !streamed.data_follows)
      source_->fail("a description of the dataset that differs from its listing");
    if (*record().bytes == 0) {
      const FrameHeader done = *next_header(*source_);
      if (done.type != Frame::Done || done.length != 0) source_->fail("data in an empty dataset");
      expect_end();
    }
  }

  void expect_end() {
    const FrameHeader header = *next_header(*source_);
    const std::vector<std::byte> bytes = payload(*source_, header);
    PayloadReader reader(bytes, *source_, kMaxTextBytes);
    if (header.type != Frame::End || reader.number(8, "the dataset count") != 1)
      source_->fail("no end after the dataset");
    reader.end("the end frame");
    finished_ = true;
    source_.reset();
    shared_->servers->give(std::move(child_));
  }

  std::shared_ptr<const Shared> shared_;
  std::size_t index_;
  std::unique_ptr<HelperProcess> child_;
  std::unique_ptr<ChildSource> source_;
  std::uint64_t received_ = 0, frame_left_ = 0;
  bool finished_ = false;
  std::optional<std::string> error_;
};

class Hdf5Source final : public ArraySource {
 public:
  explicit Hdf5Source(std::shared_ptr<const Shared> shared) : shared_(std::move(shared)) {}
  std::size_t size() const override { return shared_->entries.size(); }
  ArrayView view(std::size_t index) const override {
    const Entry& entry = shared_->entries[index];
    const Record& record = entry.record;
    const TypeNames names = type_names(record.type);
    ArrayView view;
    view.location = Location(shared_->path, record.name);
    view.dtype = names.dtype;
    view.stored_dtype = (element_size(record.type) == 1 ? "|"
                         : record.big_endian            ? ">"
                                                        : "<") +
                        std::string(names.code);
    // The helper sends every element little-endian (libhdf5 converts).
    view.byte_swapped = std::endian::native != std::endian::little;
    view.shape = record.shape;
    view.elements = *record.elements;
    if (entry.inline_offset) {
      view.data = std::span<const std::byte>(shared_->inline_bytes)
                      .subspan(static_cast<std::size_t>(*entry.inline_offset),
                               static_cast<std::size_t>(*record.bytes));
      view.owner = shared_;
    } else {
      view.owner = shared_;
      view.stream = std::make_shared<HelperStream>(shared_, index);
    }
    return view;
  }

 private:
  std::shared_ptr<const Shared> shared_;
};

// A sealed in-memory file holding `bytes`, for the child to read as its file.
std::shared_ptr<Descriptor> memory_file(const std::string& path) {
  auto file =
      std::make_shared<Descriptor>(::memfd_create("dtlint-hdf5-input", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (file->get() < 0)
    throw InputError(path, std::string("cannot hand the file to the HDF5 helper: ") + std::strerror(errno));
  return file;
}

void write_to(const Descriptor& file, std::span<const std::byte> bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(file.get(), bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0)
      throw InputError(path, std::string("cannot hand the file to the HDF5 helper: ") + std::strerror(errno));
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

void seal(const Descriptor& file) {
  ::fcntl(file.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
}

// The file as a descriptor for the child: the input reopened by its path when
// that is a regular file of the same size (nothing is copied), else a sealed
// copy of the bytes (inputs held in memory, a file replaced meanwhile).
std::shared_ptr<Descriptor> file_for_child(const InputBytes& input, const std::string& path) {
  {
    try {
      const InputFile reopened = InputFile::open(path, path);
      if (reopened.size() == input.bytes.size()) {
        auto file = std::make_shared<Descriptor>(::fcntl(reopened.descriptor(), F_DUPFD_CLOEXEC, 0));
        if (file->get() >= 0) return file;
      }
    } catch (const InputError&) {
      // Not reachable by this path any more: the copy below is what was mapped.
    }
  }
  std::shared_ptr<Descriptor> file = memory_file(path);
  write_to(*file, input.bytes, path);
  seal(*file);
  return file;
}

// The names of the arrays a listing gave, in order.
std::vector<std::string> array_names(const Shared& shared) {
  std::vector<std::string> names;
  names.reserve(shared.entries.size());
  for (const Entry& entry : shared.entries) names.push_back(entry.record.name);
  return names;
}

// Binds the dtype policies of a Keras model config held in the file
// (`member`: config.json, model_config) to its arrays, or says why not: one
// unreadable member, the arrays still scanned.
void declare_keras_policies(const ModelConfig& config, const std::string& member, keras::WeightsLayout layout,
                            const Shared& shared, ContainerContents& contents) {
  const Location location(shared.path, member);
  if (config.problem) {
    contents.unreadable.push_back({location, *config.problem});
    return;
  }
  try {
    contents.declared =
        keras::declared_in_file(config.text, shared.path, member, layout, array_names(shared));
  } catch (const InputError& error) {
    contents.unreadable.push_back({location, error.reason()});
  }
}

ContainerContents list_file(std::shared_ptr<Descriptor> file, std::uint64_t file_bytes,
                            const std::string& path, std::shared_ptr<const void> owner,
                            ContainerContents contents = {}, const ModelConfig* keras_config = nullptr) {
  auto shared = std::make_shared<Shared>();
  shared->path = path;
  shared->file = std::move(file);
  shared->input_owner = std::move(owner);
  std::optional<ModelConfig> model_config;
  {
    const std::uint64_t config_limit =
        std::min<std::uint64_t>(limits().model_config_bytes, kMaxModelConfigBytes);
    Hdf5Helper child({"list", std::to_string(kInlineDatasetBytes), std::to_string(inline_budget(file_bytes)),
                      std::to_string(config_limit)},
                     shared->file->get(), path);
    ChildSource source(child);
    parse_listing(source, *shared, contents, file_bytes, model_config, config_limit);
  }
  // A .keras archive's config.json describes the weights; else a Keras 2 model's model_config.
  if (keras_config) {
    declare_keras_policies(*keras_config, "config.json", keras::WeightsLayout::Keras3, *shared, contents);
  } else if (model_config) {
    declare_keras_policies(*model_config, "model_config", keras::WeightsLayout::Keras2Model, *shared,
                           contents);
  }
  contents.source = std::make_shared<Hdf5Source>(std::move(shared));
  return contents;
}

std::optional<std::string> hdf5_instead_of_zip(std::span<const std::byte> bytes) {
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89HDF\r\n\x1a\n", 8) == 0)
    return "not a zip archive: this is an HDF5 file (Keras 2 saves .h5; a .keras file is a zip archive)";
  return std::nullopt;
}

constexpr zip::ArchiveKind kKerasArchive{".keras", "Keras", &hdf5_instead_of_zip};

// A .keras archive's config.json (the model's JSON), read whole within
// keras::kMaxConfigBytes, its CRC checked; or why it cannot be.
ModelConfig read_keras_config(const zip::Archive& archive, std::span<const zip::Entry* const> configs) {
  ModelConfig config;
  if (configs.size() > 1) {
    config.problem = zip::Archive::namesakes_reason(configs);
    return config;
  }
  const zip::Entry& entry = *configs.front();
  if (auto problem = archive.problem(entry)) {
    config.problem = *problem;
    return config;
  }
  if (entry.uncompressed_size > keras::kMaxConfigBytes) {
    config.problem = "the model config holds " + std::to_string(entry.uncompressed_size) +
                     " bytes, more than the " + byte_size_text(keras::kMaxConfigBytes) +
                     " dtlint reads; its dtype policies are not checked";
    return config;
  }
  try {
    config.text.resize(static_cast<std::size_t>(entry.uncompressed_size));
    const std::shared_ptr<ElementStream> stream = archive.stream(entry);
    std::size_t filled = 0;
    auto* text = reinterpret_cast<std::byte*>(config.text.data());
    for (std::size_t got; filled < config.text.size() &&
                          (got = stream->read(std::span(text + filled, config.text.size() - filled))) != 0;)
      filled += got;
    std::byte past;
    // The stream checks the CRC at its end: read on to it.
    if (filled != config.text.size() || stream->read(std::span(&past, 1)) != 0)
      config.problem = "its inflated size differs from what its zip entry declares";
  } catch (const InputError& error) {
    config.problem = error.reason();
  }
  return config;
}

ContainerContents read_keras(const InputBytes& input, const std::string& path) {
  const zip::Archive archive = zip::Archive::open(input, path, kKerasArchive);
  std::vector<const zip::Entry*> weights, configs;
  ContainerContents contents;
  for (const zip::Entry& entry : archive.entries()) {
    if (entry.name == kKerasWeights) {
      weights.push_back(&entry);
    } else if (entry.name == "config.json") {
      configs.push_back(&entry);
    } else if (entry.name != "metadata.json") {
      // The model's description is not arrays; anything else is said.
      contents.skipped.push_back(
          {Location(path, entry.name),
           "not the weights (a .keras file's weights are in " + std::string(kKerasWeights) + ")"});
    }
  }
  if (weights.empty())
    throw InputError(path, "no " + std::string(kKerasWeights) +
                               " member (a .keras file is a zip archive holding " +
                               std::string(kKerasWeights) + ", config.json and metadata.json)");
  if (weights.size() > 1) throw InputError(path, zip::Archive::namesakes_reason(weights));
  const zip::Entry& entry = *weights.front();
  if (auto problem = archive.problem(entry)) throw InputError(path, *problem);

  // The member, inflated (its CRC checked at the end of the stream) into a sealed memory file.
  std::shared_ptr<Descriptor> file = memory_file(path);
  const std::shared_ptr<ElementStream> stream = archive.stream(entry);
  std::vector<std::byte> buffer(std::size_t{1} << 20);
  for (std::size_t got; (got = stream->read(buffer)) != 0;)
    write_to(*file, std::span(buffer).first(got), path);
  seal(*file);
  // No config.json: weights alone, nothing declared (as in a *.weights.h5).
  if (configs.empty())
    return list_file(std::move(file), entry.uncompressed_size, path, input.owner, std::move(contents));
  const ModelConfig config = read_keras_config(archive, configs);
  return list_file(std::move(file), entry.uncompressed_size, path, input.owner, std::move(contents), &config);
}

}  // namespace

ContainerContents read_hdf5(const InputBytes& input, const std::string& path) {
  if (input.bytes.empty()) throw InputError(path, "empty file (expected an HDF5 file or a .keras archive)");
  if (input.bytes.size() >= 4 && std::memcmp(input.bytes.data(), "PK", 2) == 0)
    return read_keras(input, path);
  return list_file(file_for_child(input, path), input.bytes.size(), path, input.owner);
}

std::vector<fs::path> hdf5_helper_locations() {
  return helper_locations(kHelperName, fs::path(DTLINT_HDF5_HELPER_INSTALLED));
}

ContainerContents parse_hdf5_listing(std::span<const std::byte> answer, const std::string& path,
                                     std::uint64_t file_bytes) {
  MemorySource source(answer, path);
  auto shared = std::make_shared<Shared>();
  shared->path = path;
  ContainerContents contents;
  std::optional<ModelConfig> model_config;
  parse_listing(source, *shared, contents, file_bytes, model_config, kMaxModelConfigBytes);
  // The fuzzer reaches the Keras config walk through an answer's model config too.
  if (model_config)
    declare_keras_policies(*model_config, "model_config", keras::WeightsLayout::Keras2Model, *shared,
                           contents);
  contents.source = std::make_shared<Hdf5Source>(std::move(shared));
  return contents;
}

namespace test_hooks {
void set_hdf5_helper(const fs::path& helper) {
  const std::lock_guard lock(hooks_mutex);
  hooked_helper = helper;
}
void set_hdf5_limits(const Hdf5HelperLimits& new_limits) {
  const std::lock_guard lock(hooks_mutex);
  current_limits = new_limits;
}
}  // namespace test_hooks

}  // namespace dtlint
