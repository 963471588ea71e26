// A restricted pickle interpreter for PyTorch checkpoints: it accepts what
// torch.load(weights_only=True) accepts (torch/_weights_only_unpickler.py:
// its opcodes, plus the data-only opcodes of protocols 3 to 5, and its
// allow-list of globals) and builds a graph of plain values from it. It never
// imports or calls anything: an allowed call is recorded as a value
// (_rebuild_tensor_v2 and its arguments), a global outside the allow-list
// becomes a placeholder and a Refusal naming it, and the interpretation goes on,
// so that the tensors that can be read still are.
//
// Every count is bounded (values, container items, stack, marks, memo) and every
// length is checked against the bytes that remain; a malformed pickle throws
// PickleError with the byte position of the opcode at fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dtlint::pickle {

// The memory the value graph may take (values, containers, their items, the
// memo and the globals' names): a tensor takes some 700 bytes, so checkpoints
// of 180,000 tensors fit (a shard of a large model holds a few thousand), and a
// hostile pickle (16 MiB of EMPTY_LIST would make 16 million lists) stays within it.
inline constexpr std::uint64_t kMaxGraphBytes = std::uint64_t{128} << 20;
// Values on the stack at once (DUP and BINGET push without making values).
inline constexpr std::uint64_t kMaxStack = std::uint64_t{1} << 24;
// Python pickles memo indices from 0 upwards, one per memoized value.
inline constexpr std::uint64_t kMaxMemoIndex = std::uint64_t{1} << 24;
// MARKs open at once: real pickles nest a few levels deep per container level.
inline constexpr std::size_t kMaxMarks = 4096;

class PickleError : public std::runtime_error {
 public:
  PickleError(std::uint64_t position, const std::string& reason)
      : std::runtime_error(reason), position_(position) {}
  std::uint64_t position() const { return position_; }  // of the opcode at fault, from 0

 private:
  std::uint64_t position_;
};

enum class Kind : std::uint8_t {
  None,
  Bool,     // integer 0 or 1
  Int,      // integer
  BigInt,   // an integer beyond 64 bits (LONG1/LONG4), its value not kept
  Float,    // number
  String,   // text (UTF-8 checked)
  Bytes,    // text holds the bytes
  Tuple,    // items
  List,     // items
  Dict,     // items: key, value, key, value... (OrderedDict() too)
  Set,      // items (set and frozenset)
  Global,   // an allowed global, name(); never resolved to anything
  Storage,  // a persistent id ('storage', class, key, location, numel): storage()
  Call,     // an allowed callable applied to arguments: name(), items = the arguments
  Object,   // an instance of a TorchScript class (__torch__.*): name(), items = BUILD states
  Refused,  // a global outside the allow-list, or what calling it would give: name(), items = what it was
            // given
};

using ValueId = std::uint32_t;

// 24 bytes: a pickle makes millions of them.
struct Value {
  Kind kind = Kind::None;
  std::uint32_t name = 0;       // Global, Call, Object, Refused: index into Pickle::names()
  std::uint32_t container = 0;  // Tuple, List, Dict, Set, Call, Object, Refused: index of its items
  union {
    std::int64_t integer = 0;  // Bool, Int; Storage: index into Pickle::storages()
    double number;             // Float
    struct {
      std::uint32_t offset, size;
    } text;  // String, Bytes: where in the pickle's bytes (Pickle::text)
  };
};

struct StorageRef {
  std::string storage_class;   // "torch.FloatStorage", as the pickle names it
  std::string_view key;        // the data entry's name below data/ (or constants/); into the pickle's bytes
  std::string_view location;   // "cpu", "cuda:0"; into the pickle's bytes
  std::int64_t numel = 0;      // elements of the storage's dtype
  std::uint64_t position = 0;  // of its BINPERSID in the pickle
};

// A global that torch.load(weights_only=True) refuses, as dtlint met it.
struct Refusal {
  std::string global;      // "os.system", "builtins.eval"; "copyreg extension 7" for EXT opcodes
  bool called = false;     // called (REDUCE, NEWOBJ, INST, OBJ), not only named
  std::uint64_t position;  // of its first occurrence
};

struct Options {
  // A TorchScript archive (torch.jit.save): its classes (__torch__.*) are
  // objects whose attributes are read, and torch.jit._pickle's list builders
  // and type tags are allowed, as torch.jit.load resolves them without Python.
  bool torchscript = false;
};

class Pickle {
 public:
  // Interprets `bytes` (kept by the caller while the result is used: strings
  // point into it; at most 4 GiB). Throws PickleError.
  static Pickle parse(std::span<const std::byte> bytes, const Options& options);

  ValueId root() const { return root_; }
  const Value& value(ValueId id) const { return values_[id]; }
  std::span<const ValueId> items(const Value& value) const { return containers_[value.container]; }
  const std::string& name(const Value& value) const { return names_[value.name]; }
  std::string_view text(const Value& value) const {
    return {reinterpret_cast<const char*>(bytes_.data()) + value.text.offset, value.text.size};
  }
  const StorageRef& storage(const Value& value) const {
    return storages_[static_cast<std::size_t>(value.integer)];
  }
  const std::vector<StorageRef>& storages() const { return storages_; }
  const std::vector<Refusal>& refusals() const { return refusals_; }
  std::size_t value_count() const { return values_.size(); }

 private:
  friend class Interpreter;
  ValueId root_ = 0;
  std::span<const std::byte> bytes_;
  std::vector<Value> values_;
  std::vector<std::vector<ValueId>> containers_;
  std::vector<std::string> names_;
  std::vector<StorageRef> storages_;
  std::vector<Refusal> refusals_;
};

// What a value is, for messages: "a tuple", "the global os.system".
std::string describe(const Pickle& pickle, const Value& value);

}  // namespace dtlint::pickle
