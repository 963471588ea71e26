#include "analyzer/formats/torch/torch.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/torch/pickle.h"
#include "analyzer/formats/untrusted_text.h"
#include "analyzer/formats/zip/archive.h"
#include "analyzer/input_error.h"

namespace dtlint {
namespace {

using pickle::Kind;
using pickle::Pickle;
using pickle::Value;
using pickle::ValueId;

// torch.save's legacy format (before 1.6) starts with a protocol-2 pickle of
// its magic number 0x1950a86a20f9469cfc6c (a LONG1 of 10 bytes).
constexpr std::string_view kLegacyMagic{"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 14};

// A data.pkl larger than this is not a checkpoint's (200,000 tensors take some 60 MiB;
// the value graph's limit, pickle::kMaxGraphBytes, comes first).
constexpr std::uint64_t kMaxPickleBytes = std::uint64_t{256} << 20;
// Containers nested deeper than this are not walked (Python's own recursion limit is 1000).
constexpr unsigned kMaxDepth = 512;
// torch tensors have at most 64 dimensions... in practice far fewer; NumPy's limit is 64.
constexpr std::size_t kMaxDims = 64;
// One name's parts are cut at this many bytes, a whole name at kMaxNameBytes, so
// that a hostile key repeated along a path cannot make names of gigabytes.
constexpr std::size_t kMaxKeyBytes = 200;
constexpr std::size_t kMaxNameBytes = 1000;
constexpr unsigned kMaxKeyDepth = 4;  // tuple keys within tuple keys, as names show them
// A storage may be viewed by several tensors (tied weights); views reading more
// than this many times the checkpoint's storage bytes (plus a margin) are not
// read, so that one storage cannot pose as a million tensors.
constexpr std::uint64_t kMaxViewRatio = 8;
constexpr std::uint64_t kViewMarginBytes = std::uint64_t{64} << 20;
constexpr const char* kOverBudget =
    "its views read more than 8 times the checkpoint's storage bytes (plus 64 MiB); dtlint reads no more "
    "of them (one storage posing as many tensors)";
// Other tensors named as sharing a storage, at most.
constexpr std::size_t kMaxSharersListed = 8;

bool is_zip(std::span<const std::byte> bytes) {
  return bytes.size() >= 4 &&
         (std::memcmp(bytes.data(), "PK\x03\x04", 4) == 0 || std::memcmp(bytes.data(), "PK\x05\x06", 4) == 0);
}

bool starts_with(std::span<const std::byte> bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

// The record names torch writes first: data.pkl (torch.save), a storage or
// constants.pkl (TorchScript, which writes its tensors first).
bool is_first_torch_record(std::string_view name) {
  const std::size_t slash = name.find('/');
  if (slash == 0 || slash == std::string_view::npos) return false;
  const std::string_view record = name.substr(slash + 1);
  if (record == "data.pkl" || record == "constants.pkl") return true;
  for (std::string_view folder : {std::string_view("data/"), std::string_view("constants/")}) {
    if (record.starts_with(folder) && record.size() > folder.size() &&
        std::all_of(record.begin() + static_cast<std::ptrdiff_t>(folder.size()), record.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))
      return true;
  }
  return false;
}

struct StorageDType {
  std::string_view name;  // without "torch." / "torch.cuda." and "Storage"
  std::optional<DType> dtype;
};
constexpr std::array<StorageDType, 18> kStorageDTypes{{
    {"Double", DType::Float64},
    {"Float", DType::Float32},
    {"Half", DType::Float16},
    {"BFloat16", DType::BFloat16},
    {"Long", DType::Int64},
    {"Int", DType::Int32},
    {"Short", DType::Int16},
    {"Char", DType::Int8},
    {"Byte", DType::UInt8},
    {"Bool", DType::Bool},
    {"ComplexFloat", DType::Complex64},
    {"ComplexDouble", DType::Complex128},
    {"Untyped", DType::UInt8},  // torch.UntypedStorage: bytes
    {"QInt8", std::nullopt},
    {"QUInt8", std::nullopt},
    {"QInt32", std::nullopt},
    {"QUInt4x2", std::nullopt},
    {"QUInt2x4", std::nullopt},
}};

// The storage class's element type; nullopt for quantized storages and
// TypedStorage (whose dtype the pickle does not say).
std::optional<DType> storage_dtype(std::string_view storage_class) {
  const std::size_t dot = storage_class.rfind('.');
  std::string_view base = storage_class.substr(dot == std::string_view::npos ? 0 : dot + 1);
  if (!base.ends_with("Storage")) return std::nullopt;
  base.remove_suffix(7);
  for (const StorageDType& entry : kStorageDTypes) {
    if (entry.name == base) return entry.dtype;
  }
  return std::nullopt;
}

// One storage of the checkpoint, as its tensors' views need it.
struct StorageInfo {
  std::string entry_name;  // "archive/data/0"
  std::string record;      // "data/0", as reports name it
  std::string storage_class;
  DType dtype = DType::UInt8;
  std::uint64_t numel = 0;
  const zip::Entry* entry = nullptr;
  std::span<const std::byte> bytes;    // a stored entry's bytes
  std::optional<std::string> problem;  // why no view of it can be read
  std::optional<std::string> skip;     // why its views are skipped (quantized)
  std::vector<std::uint32_t> tensors;  // the readable views of it, in file order
};

struct TensorRecord {
  std::string name;
  std::uint32_t storage = 0;
  std::uint64_t offset = 0;  // elements
  std::vector<std::uint64_t> shape, strides;
  std::uint64_t elements = 1;
  bool contiguous = true;
};

bool is_contiguous(std::span<const std::uint64_t> shape, std::span<const std::uint64_t> strides) {
  std::uint64_t expected = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    if (shape[i] == 0) return true;
    if (shape[i] != 1 && strides[i] != expected) return false;
    expected *= shape[i];  // cannot overflow: the element count was checked
  }
  return true;
}

// A strided view's elements in row-major order, gathered from the storage a
// caller's buffer at a time.
class StridedStream final : public ElementStream {
 public:
  StridedStream(std::span<const std::byte> storage, std::shared_ptr<const void> owner, std::size_t item,
                const TensorRecord& tensor)
      : storage_(storage),
        owner_(std::move(owner)),
        item_(item),
        offset_(tensor.offset),
        shape_(tensor.shape),
        strides_(tensor.strides),
        index_(tensor.shape.size(), 0),
        remaining_(tensor.elements) {}

  std::size_t read(std::span<std::byte> buffer) override {
    std::size_t written = 0;
    while (remaining_ > 0 && written + item_ <= buffer.size()) {
      std::uint64_t element = offset_;
      for (std::size_t d = 0; d < shape_.size(); ++d) element += index_[d] * strides_[d];
      std::memcpy(buffer.data() + written, storage_.data() + element * item_, item_);
      written += item_;
      --remaining_;
      for (std::size_t d = shape_.size(); d-- > 0;) {  // the next multi-index, last dimension fastest
        if (++index_[d] < shape_[d]) break;
        index_[d] = 0;
      }
    }
    return written;
  }

 private:
  std::span<const std::byte> storage_;
  std::shared_ptr<const void> owner_;
  std::size_t item_;
  std::uint64_t offset_;
  std::vector<std::uint64_t> shape_, strides_, index_;
  std::uint64_t remaining_;
};

// The checkpoint's readable tensors, made into views when the scan comes to them.
class TorchArraySource final : public ArraySource {
 public:
  TorchArraySource(zip::Archive archive, std::vector<StorageInfo> storages, std::vector<TensorRecord> tensors,
                   bool byte_swapped)
      : archive_(std::move(archive)),
        storages_(std::move(storages)),
        tensors_(std::move(tensors)),
        byte_swapped_(byte_swapped) {}

  std::size_t size() const override { return tensors_.size(); }

  ArrayView view(std::size_t index) const override {
    const TensorRecord& tensor = tensors_[index];
    const StorageInfo& storage = storages_[tensor.storage];
    const std::size_t item = info(storage.dtype).size;
    ArrayView view;
    view.location = Location(archive_.path(), tensor.name);
    view.dtype = storage.dtype;
    view.stored_dtype = storage.storage_class;
    view.byte_swapped = byte_swapped_;
    view.shape = tensor.shape;
    view.elements = tensor.elements;
    view.owner = archive_.input().owner;
    if (storage.entry->method != zip::kStored) {
      view.stream = archive_.stream(*storage.entry);  // the whole storage (checked when read)
    } else if (tensor.contiguous) {
      view.data = storage.bytes.subspan(static_cast<std::size_t>(tensor.offset) * item,
                                        static_cast<std::size_t>(tensor.elements) * item);
      view.mapped = archive_.input().mapped;
    } else {
      view.stream = std::make_shared<StridedStream>(storage.bytes, archive_.input().owner, item, tensor);
    }
    if (storage.tensors.size() > 1) {
      SharedStorage shared;
      shared.storage = storage.record;
      shared.views = storage.tensors.size();
      for (std::uint32_t other : storage.tensors) {
        if (other == index) continue;
        if (shared.with.size() == kMaxSharersListed) break;
        shared.with.push_back(tensors_[other].name);
      }
      view.shared_storage = std::move(shared);
    }
    return view;
  }

 private:
  zip::Archive archive_;
  std::vector<StorageInfo> storages_;
  std::vector<TensorRecord> tensors_;
  bool byte_swapped_;
};

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = 0;
  while (end < text.size()) {
    const std::size_t length = std::max<std::size_t>(1, utf8_sequence_length(text.substr(end)));
    if (end + length > limit) break;
    end += length;
  }
  return std::string(text.substr(0, end)) + "...";
}

std::string number_text(double number) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  return std::string(buffer.data(), result.ptr);
}

// Reads one archive: its storages and the tensors its pickles reach.
class CheckpointReader {
 public:
  CheckpointReader(const zip::Archive& archive, std::string prefix, ContainerContents& out)
      : archive_(archive),
        path_(archive.path()),
        prefix_(std::move(prefix)),
        out_(out),
        view_budget_(view_budget(archive)) {
    for (const zip::Entry& entry : archive_.entries()) by_name_[entry.name].push_back(&entry);
  }

  const zip::Entry* entry(const std::string& name) const {
    const auto found = by_name_.find(name);
    return found == by_name_.end() ? nullptr : found->second.front();
  }
  std::size_t namesakes(const std::string& name) const {
    const auto found = by_name_.find(name);
    return found == by_name_.end() ? 0 : found->second.size();
  }
  const std::string& prefix() const { return prefix_; }

  // The bytes of a pickle record (CRC-checked when stored), into `buffer` when deflated.
  std::span<const std::byte> pickle_bytes(const zip::Entry& record, std::vector<std::byte>& buffer) const {
    if (namesakes(record.name) > 1) {
      throw InputError(path_, zip::Archive::namesakes_reason(by_name_.at(record.name)));
    }
    if (auto problem = archive_.problem(record)) throw InputError(path_, *problem);
    if (record.uncompressed_size > kMaxPickleBytes) {
      throw InputError(path_, zip::member_prefix(record.name) + std::to_string(record.uncompressed_size) +
                                  " bytes, more than a checkpoint's pickle holds (dtlint reads up to " +
                                  std::to_string(kMaxPickleBytes) + ")");
    }
    if (record.method == zip::kStored) return archive_.stored_bytes(record);
    buffer = archive_.read_head(record, static_cast<std::size_t>(record.uncompressed_size));
    return buffer;
  }

  // Interprets one pickle record (data.pkl, constants.pkl) and collects its tensors.
  void read_pickle(std::string_view record, std::string_view storage_folder, std::string name_prefix,
                   bool torchscript) {
    const std::string record_name = prefix_ + "/" + std::string(record);
    const zip::Entry* found = entry(record_name);
    if (found == nullptr) {
      throw InputError(path_, "no " + zip::quote_name(record_name) +
                                  " entry (a PyTorch checkpoint is a zip archive whose pickle is "
                                  "<archive>/data.pkl; this archive's first entry names the folder '" +
                                  escape_untrusted(prefix_, 60) + "')");
    }
    std::vector<std::byte> buffer;
    const std::span<const std::byte> bytes = pickle_bytes(*found, buffer);
    try {
      pickle_ = Pickle::parse(bytes, {.torchscript = torchscript});
    } catch (const pickle::PickleError& error) {
      throw InputError(
          path_, std::string(record) + ": byte " + std::to_string(error.position()) + ": " + error.what());
    }
    for (const pickle::Refusal& refusal : pickle_.refusals()) {
      const std::string global = quote_untrusted(refusal.global, 80);
      out_.code_refused.push_back(
          {Location(path_, std::string(record)),
           refusal.called
               ? "pickle calls " + global + " (byte " + std::to_string(refusal.position) +
                     "); dtlint never runs it: torch.load(weights_only=True) refuses it"
               : "pickle imports " + global + " (byte " + std::to_string(refusal.position) +
                     "), outside torch.load(weights_only=True)'s allow-list; dtlint never imports it"});
    }
    storage_folder_ = storage_folder;
    record_ = record;
    visited_.assign(pickle_.value_count(), false);
    walk(pickle_.root(), std::move(name_prefix), 0);
  }

  std::vector<StorageInfo> take_storages() { return std::move(storages_); }
  std::vector<TensorRecord> take_tensors() { return std::move(tensors_); }

 private:
  std::string join(const std::string& name, const std::string& part) const {
    std::string joined = name.empty() ? part : name + "." + part;
    return joined.size() > kMaxNameBytes ? cut(joined, kMaxNameBytes) : joined;
  }

  // A dict key as a name part: str as is, int as digits, other scalars as Python prints them.
  std::string key_text(ValueId id, unsigned depth = 0) const {
    const Value& key = pickle_.value(id);
    switch (key.kind) {
      case Kind::String: return cut(pickle_.text(key), kMaxKeyBytes);
      case Kind::Int: return std::to_string(key.integer);
      case Kind::Bool: return key.integer ? "True" : "False";
      case Kind::None: return "None";
      case Kind::Float: return number_text(key.number);
      case Kind::Bytes: return "b'" + escape_untrusted(pickle_.text(key), kMaxKeyBytes) + "'";
      case Kind::Tuple: {
        if (depth >= kMaxKeyDepth) return "(...)";  // tuples nested 100,000 deep are a pickle's business
        std::string text = "(";
        for (ValueId item : pickle_.items(key)) {
          if (text.size() > kMaxKeyBytes) break;
          if (text.size() > 1) text += ",";
          text += key_text(item, depth + 1);
        }
        return cut(text + ")", kMaxKeyBytes);
      }
      default: return "<" + pickle::describe(pickle_, key) + ">";
    }
  }

  void walk(ValueId id, const std::string& name, unsigned depth) {
    const Value& value = pickle_.value(id);
    const bool container = value.kind == Kind::Tuple || value.kind == Kind::List ||
                           value.kind == Kind::Dict || value.kind == Kind::Set || value.kind == Kind::Call ||
                           value.kind == Kind::Object || value.kind == Kind::Refused ||
                           value.kind == Kind::Storage;
    if (!container) return;
    // Each container is walked once: a structure that contains itself (through
    // the memo) ends, and one reached along many paths costs its size, not the
    // paths'. A tensor is read under every name that holds it (one object under
    // two keys, as torch.load gives it); the view budget bounds how often.
    if (value.kind != Kind::Call) {
      if (visited_[id]) return;
      visited_[id] = true;
    }
    if (depth > kMaxDepth) {
      throw InputError(path_, std::string(record_) + ": containers nested deeper than " +
                                  std::to_string(kMaxDepth) + " levels (at " + quote_untrusted(name, 80) +
                                  ")");
    }
    const auto items = value.kind == Kind::Storage ? std::span<const ValueId>() : pickle_.items(value);
    switch (value.kind) {
      case Kind::Dict:
        for (std::size_t i = 0; i + 1 < items.size(); i += 2)
          walk(items[i + 1], join(name, key_text(items[i])), depth + 1);
        return;
      case Kind::Tuple:
      case Kind::List:
      case Kind::Set:
        for (std::size_t i = 0; i < items.size(); ++i)
          walk(items[i], join(name, std::to_string(i)), depth + 1);
        return;
      case Kind::Object:
        // A TorchScript object's attributes are its BUILD state's keys.
        for (ValueId state : items) {
          const Value& attributes = pickle_.value(state);
          if (attributes.kind == Kind::Dict && !visited_[state]) {
            visited_[state] = true;
            const auto pairs = pickle_.items(attributes);
            for (std::size_t i = 0; i + 1 < pairs.size(); i += 2)
              walk(pairs[i + 1], join(name, key_text(pairs[i])), depth + 1);
          } else {
            walk(state, name, depth + 1);
          }
        }
        return;
      case Kind::Refused:
        // Never called; but the tensors it was given are still read.
        for (std::size_t i = 0; i < items.size(); ++i) walk(items[i], name, depth + 1);
        return;
      case Kind::Storage: {  // a storage saved by itself: one 1-D tensor over all of it
        const pickle::StorageRef& ref = pickle_.storage(value);
        TensorRecord tensor;
        tensor.shape = {static_cast<std::uint64_t>(ref.numel)};
        tensor.strides = {1};
        add_tensor(static_cast<std::uint32_t>(value.integer), 0, std::move(tensor), name);
        return;
      }
      case Kind::Call: rebuild(value, items, name); return;
      default: return;
    }
  }

  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  // and _rebuild_tensor(storage, storage_offset, size, stride).
  void rebuild(const Value& call, std::span<const ValueId> args, const std::string& name) {
    const std::string& callee = pickle_.name(call);
    if (callee != "torch._utils._rebuild_tensor_v2" && callee != "torch._utils._rebuild_tensor") {
      if (callee.starts_with("torch._utils._rebuild_"))
        out_.skipped.push_back({Location(path_, unique(name)),
                                "not a dense tensor (" + callee + "): sparse and meta tensors are not read"});
      return;
    }
    const std::string shown = unique(name);
    const auto unreadable = [&](const std::string& reason) { add_unreadable(shown, reason); };
    if (args.size() < 4) {
      unreadable(callee + " is given " + std::to_string(args.size()) + " arguments, expected at least 4");
      return;
    }
    const Value& storage = pickle_.value(args[0]);
    if (storage.kind != Kind::Storage) {
      unreadable("its storage is " + pickle::describe(pickle_, storage) + ", not a persistent storage id");
      return;
    }
    const Value& offset = pickle_.value(args[1]);
    if (offset.kind != Kind::Int || offset.integer < 0) {
      unreadable(
          "storage offset is " +
          (offset.kind == Kind::Int ? std::to_string(offset.integer) : pickle::describe(pickle_, offset)) +
          ", expected a count of elements >= 0");
      return;
    }
    TensorRecord tensor;
    for (int which = 0; which < 2; ++which) {
      const Value& list = pickle_.value(args[static_cast<std::size_t>(2 + which)]);
      const char* what = which == 0 ? "size" : "stride";
      if (list.kind != Kind::Tuple && list.kind != Kind::List) {
        unreadable(std::string(what) + " is " + pickle::describe(pickle_, list) + ", not a tuple");
        return;
      }
      const auto values = pickle_.items(list);
      if (values.size() > kMaxDims) {
        unreadable(std::string(what) + " has " + std::to_string(values.size()) + " dimensions, more than " +
                   std::to_string(kMaxDims));
        return;
      }
      std::vector<std::uint64_t>& target = which == 0 ? tensor.shape : tensor.strides;
      for (ValueId item : values) {
        const Value& v = pickle_.value(item);
        if (v.kind != Kind::Int || v.integer < 0) {
          unreadable(std::string(what) + " holds " +
                     (v.kind == Kind::Int ? std::to_string(v.integer) : pickle::describe(pickle_, v)) +
                     ", expected counts >= 0");
          return;
        }
        target.push_back(static_cast<std::uint64_t>(v.integer));
      }
    }
    if (tensor.shape.size() != tensor.strides.size()) {
      unreadable("size has " + std::to_string(tensor.shape.size()) + " dimensions, stride " +
                 std::to_string(tensor.strides.size()));
      return;
    }
    const std::uint32_t index = storage_index(pickle_.storage(storage));
    if (const std::string& failure = check_view(index, static_cast<std::uint64_t>(offset.integer), tensor);
        !failure.empty()) {
      unreadable(failure);
      return;
    }
    add_tensor(index, static_cast<std::uint64_t>(offset.integer), std::move(tensor), shown, true);
  }

  // Checks a view against its storage, with overflow-checked arithmetic: every
  // element it reaches lies inside. Returns the reason it cannot be read, or "".
  std::string check_view(std::uint32_t index, std::uint64_t offset, TensorRecord& tensor) {
    StorageInfo& storage = storages_[index];
    if (storage.problem) return *storage.problem;
    std::uint64_t elements = 1;
    for (std::uint64_t size : tensor.shape) {
      if (__builtin_mul_overflow(elements, size, &elements))
        return "size " + list_text(tensor.shape) + " has more than 2^64 elements";
    }
    tensor.elements = elements;
    std::uint64_t last = offset;
    bool overflow = false;
    if (elements > 0) {
      for (std::size_t d = 0; d < tensor.shape.size(); ++d) {
        std::uint64_t step = 0;
        overflow |= __builtin_mul_overflow(tensor.shape[d] - 1, tensor.strides[d], &step);
        overflow |= __builtin_add_overflow(last, step, &last);
      }
    }
    const std::string where = "size " + list_text(tensor.shape) + ", stride " + list_text(tensor.strides) +
                              " from offset " + std::to_string(offset);
    if (overflow || (elements > 0 ? last >= storage.numel : offset > storage.numel)) {
      return where + " reaches " + (overflow ? std::string("past 2^64") : "element " + std::to_string(last)) +
             ", outside its storage " + quote_untrusted(storage.record, 60) + " of " +
             std::to_string(storage.numel) + " elements";
    }
    tensor.contiguous = is_contiguous(tensor.shape, tensor.strides);
    if (storage.entry->method != zip::kStored &&
        (offset != 0 || elements != storage.numel || !tensor.contiguous)) {
      return "a view (" + where + ") of the deflated storage " + quote_untrusted(storage.record, 60) +
             ": dtlint reads views of stored storages, as torch.save writes them, and deflated "
             "storages only whole";
    }
    // elements * item <= numel * item or one byte per view is bounded by the budget below.
    const std::uint64_t item = info(storage.dtype).size;
    const std::uint64_t bytes = std::min<std::uint64_t>(elements, std::uint64_t{1} << 60) * item;
    if (__builtin_add_overflow(viewed_bytes_, bytes, &viewed_bytes_) || viewed_bytes_ > view_budget_) {
      return kOverBudget;
    }
    return {};
  }

  static std::uint64_t view_budget(const zip::Archive& archive) {
    std::uint64_t stored = 0;
    for (const zip::Entry& entry : archive.entries())
      stored +=
          std::min(entry.uncompressed_size, std::uint64_t{1} << 40);  // at most 2^20 entries: no overflow
    return stored * kMaxViewRatio + kViewMarginBytes;
  }

  // A tensor that cannot be read. Past the view budget only the first one is
  // reported, with the count of the others, so that a million views of one
  // storage are one E901, not a million.
  void add_unreadable(const std::string& shown, const std::string& reason) {
    if (reason == kOverBudget) {
      if (over_budget_issue_) {
        ++over_budget_others_;
        out_.unreadable[*over_budget_issue_].reason =
            std::string(kOverBudget) + " (and " + std::to_string(over_budget_others_) +
            (over_budget_others_ == 1 ? " later tensor)" : " later tensors)");
        return;
      }
      over_budget_issue_ = out_.unreadable.size();
    }
    out_.unreadable.push_back({Location(path_, shown), reason});
  }

  void add_tensor(std::uint32_t index, std::uint64_t offset, TensorRecord tensor, const std::string& name,
                  bool checked = false) {
    StorageInfo& storage = storages_[index];
    const std::string shown = checked ? name : unique(name);
    if (!checked) {
      if (storage.problem) {
        add_unreadable(shown, *storage.problem);
        return;
      }
      if (const std::string failure = check_view(index, offset, tensor); !failure.empty()) {
        add_unreadable(shown, failure);
        return;
      }
    }
    if (storage.skip) {
      out_.skipped.push_back({Location(path_, shown), *storage.skip});
      return;
    }
    tensor.name = shown;
    tensor.offset = offset;
    tensor.storage = index;
    storage.tensors.push_back(static_cast<std::uint32_t>(tensors_.size()));
    tensors_.push_back(std::move(tensor));
  }

  // A name not given before: duplicates (a dict key that looks like a path) get "#2", "#3".
  std::string unique(const std::string& name) {
    std::string candidate = name.empty() ? std::string("tensor") : name;
    for (unsigned n = 2; !names_.insert(candidate).second; ++n) {
      candidate = (name.empty() ? std::string("tensor") : name) + "#" + std::to_string(n);
    }
    return candidate;
  }

  // The storage a persistent id names, its entry located and checked once.
  std::uint32_t storage_index(const pickle::StorageRef& ref) {
    const std::string record = std::string(storage_folder_) + "/" + std::string(ref.key);
    const auto known = storage_by_record_.find(record);
    if (known != storage_by_record_.end()) {
      StorageInfo& storage = storages_[known->second];
      if (!storage.problem && (storage.storage_class != ref.storage_class ||
                               storage.numel != static_cast<std::uint64_t>(ref.numel))) {
        // torch.save refuses to save one storage with two dtypes; a file that does is forged.
        return add_storage(record, ref,
                           "storage " + quote_untrusted(record, 60) + " is declared twice, as " +
                               std::string(storage.storage_class) + " of " + std::to_string(storage.numel) +
                               " elements and as " + std::string(ref.storage_class) + " of " +
                               std::to_string(ref.numel));
      }
      return known->second;
    }
    const std::uint32_t index = add_storage(record, ref, std::nullopt);
    storage_by_record_.emplace(record, index);
    return index;
  }

  std::uint32_t add_storage(const std::string& record, const pickle::StorageRef& ref,
                            std::optional<std::string> problem) {
    StorageInfo storage;
    storage.record = record;
    storage.entry_name = prefix_ + "/" + record;
    storage.storage_class = ref.storage_class;
    storage.numel = static_cast<std::uint64_t>(ref.numel);
    storage.problem = std::move(problem);
    const std::string shown = quote_untrusted(record, 60);
    const std::optional<DType> dtype = storage_dtype(ref.storage_class);
    if (!dtype && !storage.problem) {
      storage.skip = "its storage " + shown + " is " + quote_untrusted(ref.storage_class, 60) +
                     (ref.storage_class.find(".Q") != std::string_view::npos
                          ? ", a quantized storage: not a cast source"
                          : ", whose element type the checkpoint does not say");
    }
    storage.dtype = dtype.value_or(DType::UInt8);
    storage.entry = entry(storage.entry_name);
    if (!storage.problem && storage.entry == nullptr) {
      storage.problem = "its storage " + shown + " has no entry " + zip::quote_name(storage.entry_name);
    } else if (!storage.problem && namesakes(storage.entry_name) > 1) {
      storage.problem = zip::Archive::namesakes_reason(by_name_.at(storage.entry_name));
    } else if (!storage.problem) {
      storage.problem = archive_.problem(*storage.entry);
    }
    if (!storage.problem && !storage.skip) {
      std::uint64_t bytes = 0;
      if (__builtin_mul_overflow(storage.numel, std::uint64_t{info(storage.dtype).size}, &bytes) ||
          bytes != storage.entry->uncompressed_size) {
        storage.problem = "its storage " + shown + " declares " + std::to_string(storage.numel) + " " +
                          std::string(name(storage.dtype)) + " elements, but its entry holds " +
                          std::to_string(storage.entry->uncompressed_size) + " bytes";
      } else if (storage.entry->method == zip::kStored) {
        // Not CRC-checked, as torch.load does not check it either (pickles are).
        storage.bytes = archive_.stored_bytes_unverified(*storage.entry);
      }
    }
    storages_.push_back(std::move(storage));
    return static_cast<std::uint32_t>(storages_.size() - 1);
  }

  const zip::Archive& archive_;
  const std::string& path_;
  std::string prefix_;
  ContainerContents& out_;
  std::unordered_map<std::string, std::vector<const zip::Entry*>> by_name_;
  Pickle pickle_;
  std::string_view storage_folder_;
  std::string_view record_;  // the pickle being walked: "data.pkl", "constants.pkl" (literals)
  std::vector<bool> visited_;
  std::vector<StorageInfo> storages_;
  std::unordered_map<std::string, std::uint32_t> storage_by_record_;
  std::vector<TensorRecord> tensors_;
  std::unordered_set<std::string> names_;
  std::uint64_t view_budget_;
  std::uint64_t viewed_bytes_ = 0;
  std::optional<std::size_t> over_budget_issue_;
  std::uint64_t over_budget_others_ = 0;
};

std::optional<std::string> not_a_torch_zip(std::span<const std::byte>) {
  return std::nullopt;
}

constexpr zip::ArchiveKind kTorchArchive{".pt", "PyTorch", &not_a_torch_zip};

}  // namespace

bool looks_like_torch(std::span<const std::byte> prefix) {
  if (starts_with(prefix, kLegacyMagic)) return true;
  // A zip local file header: the name's length at offset 26, the name at 30.
  if (prefix.size() < 30 || std::memcmp(prefix.data(), "PK\x03\x04", 4) != 0) return false;
  const std::size_t name_length =
      std::to_integer<std::size_t>(prefix[26]) | (std::to_integer<std::size_t>(prefix[27]) << 8);
  if (prefix.size() < 30 + name_length) return false;
  return is_first_torch_record({reinterpret_cast<const char*>(prefix.data()) + 30, name_length});
}

ContainerContents read_torch(const InputBytes& input, const std::string& path) {
  if (input.bytes.empty())
    throw InputError(path, "empty file (expected a PyTorch checkpoint, a zip archive)");
  ContainerContents contents;
  if (starts_with(input.bytes, kLegacyMagic)) {
    contents.skipped.push_back({Location(path),
                                "legacy PyTorch format (before 1.6); re-save with torch.save(obj, path) from "
                                "PyTorch >= 1.6 to let dtlint read it"});
    return contents;
  }
  if (!is_zip(input.bytes)) {
    if (std::to_integer<unsigned>(input.bytes[0]) == 0x80) {
      contents.skipped.push_back({Location(path),
                                  "a plain Python pickle, not a torch.save zip archive; dtlint "
                                  "never unpickles it"});
      return contents;
    }
    throw InputError(path, "not a PyTorch checkpoint: torch.save writes a zip archive (since PyTorch 1.6)");
  }
  zip::Archive archive = zip::Archive::open(input, path, kTorchArchive);
  if (archive.entries().empty()) throw InputError(path, "an empty zip archive (expected <archive>/data.pkl)");
  // torch names every record <archive>/...: the first entry's folder.
  const std::string& first = archive.entries().front().name;
  const std::size_t slash = first.find('/');
  if (slash == 0 || slash == std::string::npos) {
    throw InputError(path, "not a PyTorch checkpoint: its first entry " + zip::quote_name(first) +
                               " is not in a folder (torch.save writes <archive>/data.pkl)");
  }
  CheckpointReader reader(archive, first.substr(0, slash), contents);
  const std::string& prefix = reader.prefix();

  bool byte_swapped = false;
  if (const zip::Entry* order = reader.entry(prefix + "/byteorder")) {
    if (auto problem = archive.problem(*order)) throw InputError(path, *problem);
    const std::vector<std::byte> head = archive.read_head(*order, 16);
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    if (text == "big") {
      byte_swapped = std::endian::native == std::endian::little;
    } else if (text == "little") {
      byte_swapped = std::endian::native == std::endian::big;
    } else {
      throw InputError(path, zip::member_prefix(order->name) + "byte order " + quote_untrusted(text) +
                                 ", expected 'little' or 'big'");
    }
  }

  const bool torchscript = reader.entry(prefix + "/constants.pkl") != nullptr;
  reader.read_pickle("data.pkl", "data", "", torchscript);
  if (torchscript) reader.read_pickle("constants.pkl", "constants", "constants", true);
  contents.source = std::make_shared<TorchArraySource>(std::move(archive), reader.take_storages(),
                                                       reader.take_tensors(), byte_swapped);
  return contents;
}

}  // namespace dtlint
