#include "analyzer/formats/torch/pickle.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>

#include "analyzer/formats/untrusted_text.h"

namespace dtlint::pickle {

namespace {

// What an allowed global does when the pickle applies it (REDUCE, NEWOBJ).
enum class Role : std::uint8_t {
  Plain,        // a dtype, a tensor or storage class: applied, it is recorded as a Call
  Rebuild,      // torch._utils._rebuild_*: recorded as a Call that the checkpoint reader interprets
  Identity,     // gives its first argument back: torch.Size, Parameter, _rebuild_parameter, TorchScript list
                // builders
  OrderedDict,  // collections.OrderedDict: a dict
  Storage,      // a storage class, named by persistent ids
  Class,        // a TorchScript class: NEWOBJ makes an Object
};

constexpr std::array<std::string_view, 13> kStorageNames{
    "Double", "Float", "Half", "BFloat16",     "Long",          "Int",  "Short",
    "Char",   "Byte",  "Bool", "ComplexFloat", "ComplexDouble", "QInt8"};
constexpr std::array<std::string_view, 4> kMoreStorageNames{"QUInt8", "QInt32", "QUInt4x2", "QUInt2x4"};

bool is_storage_class(std::string_view global) {
  if (global == "torch.storage.UntypedStorage" || global == "torch.storage.TypedStorage" ||
      global == "torch.UntypedStorage" || global == "torch.TypedStorage")
    return true;
  std::string_view rest;
  if (global.starts_with("torch.cuda.")) {
    rest = global.substr(11);
  } else if (global.starts_with("torch.")) {
    rest = global.substr(6);
  } else {
    return false;
  }
  if (!rest.ends_with("Storage")) return false;
  rest.remove_suffix(7);
  return std::find(kStorageNames.begin(), kStorageNames.end(), rest) != kStorageNames.end() ||
         std::find(kMoreStorageNames.begin(), kMoreStorageNames.end(), rest) != kMoreStorageNames.end();
}

bool is_tensor_class(std::string_view global) {
  constexpr std::array<std::string_view, 4> kPrefixes{"torch.cuda.sparse.", "torch.cuda.", "torch.sparse.",
                                                      "torch."};
  constexpr std::array<std::string_view, 10> kKinds{"Double", "Float", "Half", "BFloat16", "Long",
                                                    "Int",    "Short", "Char", "Byte",     "Bool"};
  for (std::string_view prefix : kPrefixes) {
    if (!global.starts_with(prefix)) continue;
    std::string_view rest = global.substr(prefix.size());
    if (!rest.ends_with("Tensor")) return false;
    rest.remove_suffix(6);
    return std::find(kKinds.begin(), kKinds.end(), rest) != kKinds.end();
  }
  return false;
}

// torch/_weights_only_unpickler.py's _get_allowed_globals (torch 1.13), and
// for TorchScript archives the names torch.jit.load resolves itself.
std::optional<Role> allowed_role(std::string_view global, bool torchscript) {
  if (global == "collections.OrderedDict") return Role::OrderedDict;
  if (global == "torch.Size" || global == "torch.nn.parameter.Parameter" ||
      global == "torch._utils._rebuild_parameter")
    return Role::Identity;
  if (global == "torch._utils._rebuild_tensor" || global == "torch._utils._rebuild_tensor_v2" ||
      global == "torch._utils._rebuild_sparse_tensor" ||
      global == "torch._utils._rebuild_sparse_csr_tensor" ||
      global == "torch._utils._rebuild_meta_tensor_no_storage" || global == "torch.serialization._get_layout")
    return Role::Rebuild;
  if (global == "torch.Tensor") return Role::Plain;
  constexpr std::array<std::string_view, 10> kDTypes{
      "torch.complex32", "torch.complex64", "torch.complex128", "torch.float16", "torch.float32",
      "torch.float64",   "torch.int8",      "torch.int16",      "torch.int32",   "torch.int64"};
  if (std::find(kDTypes.begin(), kDTypes.end(), global) != kDTypes.end()) return Role::Plain;
  if (is_storage_class(global)) return Role::Storage;
  if (is_tensor_class(global)) return Role::Plain;
  if (torchscript) {
    if (global.starts_with("__torch__.")) return Role::Class;
    if (global == "torch.jit._pickle.restore_type_tag" || global == "torch.jit._pickle.build_intlist" ||
        global == "torch.jit._pickle.build_tensorlist" || global == "torch.jit._pickle.build_doublelist" ||
        global == "torch.jit._pickle.build_boollist")
      return Role::Identity;
    if (global.starts_with("torch.jit._pickle.")) return Role::Plain;
  }
  return std::nullopt;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "a bool";
    case Kind::Int: return "an int";
    case Kind::BigInt: return "an int of more than 64 bits";
    case Kind::Float: return "a float";
    case Kind::String: return "a str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "a tuple";
    case Kind::List: return "a list";
    case Kind::Dict: return "a dict";
    case Kind::Set: return "a set";
    case Kind::Global: return "the global";
    case Kind::Storage: return "a storage";
    case Kind::Call: return "the result of";
    case Kind::Object: return "an instance of";
    case Kind::Refused: return "the refused global";
  }
  return "a value";
}

}  // namespace

std::string describe(const Pickle& pickle, const Value& value) {
  switch (value.kind) {
    case Kind::Global:
    case Kind::Call:
    case Kind::Object:
    case Kind::Refused:
      return std::string(kind_name(value.kind)) + " " + quote_untrusted(pickle.name(value), 60);
    default: return kind_name(value.kind);
  }
}

// The interpreter's state while it runs; it fills a Pickle.
class Interpreter {
 public:
  Interpreter(std::span<const std::byte> bytes, const Options& options, Pickle& out)
      : bytes_(bytes), options_(options), out_(out) {}

  void run() {
    while (true) {
      if (at_ >= bytes_.size()) fail(at_, "the pickle ends without STOP");
      op_ = at_;
      const auto opcode = static_cast<unsigned char>(bytes_[at_++]);
      if (opcode == '.') {  // STOP
        out_.root_ = pop();
        if (!marks_.empty()) fail(op_, "STOP with a MARK still open");
        return;
      }
      step(opcode);
    }
  }

 private:
  [[noreturn]] void fail(std::uint64_t position, const std::string& reason) const {
    throw PickleError(position, reason);
  }

  // --- reading operands -------------------------------------------------
  std::span<const std::byte> take(std::uint64_t count, const char* what) {
    if (count > bytes_.size() - at_) {
      fail(op_, std::string(what) + " declares " + std::to_string(count) + " bytes, but only " +
                    std::to_string(bytes_.size() - at_) + " remain in the pickle");
    }
    const auto part = bytes_.subspan(at_, static_cast<std::size_t>(count));
    at_ += static_cast<std::size_t>(count);
    return part;
  }
  std::uint64_t unsigned_le(std::size_t size, const char* what) {
    const auto part = take(size, what);
    std::uint64_t result = 0;
    for (std::size_t i = size; i-- > 0;) result = (result << 8) | std::to_integer<std::uint64_t>(part[i]);
    return result;
  }
  std::string_view text(std::span<const std::byte> part) const {
    return {reinterpret_cast<const char*>(part.data()), part.size()};
  }
  std::string_view line(const char* what) {
    const auto* begin = reinterpret_cast<const char*>(bytes_.data()) + at_;
    const void* end = std::memchr(begin, '\n', bytes_.size() - at_);
    if (end == nullptr) fail(op_, std::string(what) + " has no end of line");
    const std::string_view result(begin, static_cast<std::size_t>(static_cast<const char*>(end) - begin));
    at_ += result.size() + 1;
    return result;
  }
  std::string_view utf8(std::span<const std::byte> part, const char* what) {
    const std::string_view result = text(part);
    if (const auto bad = invalid_utf8_at(result)) {
      fail(op_, std::string(what) + " is not valid UTF-8 (byte " + std::to_string(*bad) + " of it)");
    }
    return result;
  }

  // --- values, containers and the stack -----------------------------------
  void spend(std::uint64_t bytes) {
    graph_bytes_ += bytes;
    if (graph_bytes_ > kMaxGraphBytes) {
      fail(op_, "the pickle's values take more than " + std::to_string(kMaxGraphBytes >> 20) +
                    " MiB (dtlint's limit: some 700 bytes a tensor, 180,000 tensors)");
    }
  }
  ValueId make(Value value) {
    spend(sizeof(Value));
    out_.values_.push_back(value);
    return static_cast<ValueId>(out_.values_.size() - 1);
  }
  ValueId make_container(Kind kind, std::vector<ValueId> items, std::uint32_t name = 0) {
    spend(sizeof(std::vector<ValueId>) + items.size() * sizeof(ValueId));
    out_.containers_.push_back(std::move(items));
    Value value;
    value.kind = kind;
    value.name = name;
    value.container = static_cast<std::uint32_t>(out_.containers_.size() - 1);
    return make(value);
  }
  std::vector<ValueId>& items_of(ValueId id) { return out_.containers_[out_.values_[id].container]; }
  void add_items(ValueId id, std::span<const ValueId> items) {
    spend(items.size() * sizeof(ValueId));
    std::vector<ValueId>& target = items_of(id);
    target.insert(target.end(), items.begin(), items.end());
  }
  const Value& at(ValueId id) const { return out_.values_[id]; }

  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(ValueId id) {
    if (stack_.size() >= kMaxStack) fail(op_, "the pickle's stack grows past " + std::to_string(kMaxStack));
    stack_.push_back(id);
  }
  ValueId pop() {
    if (stack_.size() <= floor()) fail(op_, "the opcode takes a value from an empty stack");
    const ValueId id = stack_.back();
    stack_.pop_back();
    return id;
  }
  ValueId top() {
    if (stack_.size() <= floor()) fail(op_, "the opcode needs a value on an empty stack");
    return stack_.back();
  }
  std::vector<ValueId> pop_mark() {
    if (marks_.empty()) fail(op_, "the opcode needs a MARK, and none is open");
    std::vector<ValueId> items(stack_.begin() + static_cast<std::ptrdiff_t>(marks_.back()), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }

  void memo_put(std::uint64_t index) {
    if (index >= kMaxMemoIndex) {
      fail(op_, "memo index " + std::to_string(index) + " is beyond dtlint's limit of " +
                    std::to_string(kMaxMemoIndex - 1));
    }
    const ValueId id = top();
    if (index >= memo_.size()) {
      spend((index + 1 - memo_.size()) * sizeof(ValueId));
      memo_.resize(static_cast<std::size_t>(index) + 1, kUnset);
    }
    memo_[static_cast<std::size_t>(index)] = id;
  }
  void memo_get(std::uint64_t index) {
    if (index >= memo_.size() || memo_[static_cast<std::size_t>(index)] == kUnset) {
      fail(op_, "memo index " + std::to_string(index) + " was never stored");
    }
    push(memo_[static_cast<std::size_t>(index)]);
  }

  // --- globals and calls ---------------------------------------------------
  std::uint32_t intern(std::string name) {
    const auto found = name_index_.find(name);
    if (found != name_index_.end()) return found->second;
    spend(2 * (sizeof(std::string) + name.size()));  // the name and its index entry
    out_.names_.push_back(name);
    const auto index = static_cast<std::uint32_t>(out_.names_.size() - 1);
    name_index_.emplace(std::move(name), index);
    return index;
  }
  void refuse(const std::string& global, bool called) {
    const auto found = refusal_index_.find(global);
    if (found != refusal_index_.end()) {
      out_.refusals_[found->second].called |= called;
      return;
    }
    refusal_index_.emplace(global, out_.refusals_.size());
    out_.refusals_.push_back({global, called, op_});
  }
  void global(std::string_view module, std::string_view name) {
    std::string full = std::string(module) + "." + std::string(name);
    const std::optional<Role> role = allowed_role(full, options_.torchscript);
    Value value;
    value.kind = role ? Kind::Global : Kind::Refused;
    if (!role) refuse(full, false);
    value.name = intern(std::move(full));
    if (!role) {
      push(make_container(Kind::Refused, {}, value.name));
      return;
    }
    push(make(value));
  }
  // A placeholder for what calling a refused global would give; it keeps the
  // arguments, so that the tensors among them are still read.
  ValueId refused_result(std::uint32_t name, std::span<const ValueId> given) {
    refuse(out_.names_[name], true);
    return make_container(Kind::Refused, {given.begin(), given.end()}, name);
  }
  std::vector<ValueId> tuple_items(ValueId id, const char* what) {
    const Value& value = at(id);
    if (value.kind != Kind::Tuple)
      fail(op_, std::string(what) + " are " + describe(out_, value) + ", not a tuple");
    return out_.containers_[value.container];
  }
  // REDUCE, NEWOBJ and NEWOBJ_EX: `callee` applied to `args`.
  ValueId apply(ValueId callee, std::vector<ValueId> args, bool newobj) {
    const Value& value = at(callee);
    if (value.kind == Kind::Refused) return refused_result(value.name, args);
    if (value.kind != Kind::Global) {
      fail(op_, std::string(newobj ? "NEWOBJ" : "REDUCE") + " applies " + describe(out_, value) +
                    ", which is not a global");
    }
    const std::string& name = out_.names_[value.name];
    const Role role = *allowed_role(name, options_.torchscript);
    if (role == Role::Class) return make_container(Kind::Object, {}, value.name);
    // torch.load(weights_only=True) instantiates nothing but Parameter.
    if (newobj && role != Role::Identity) return refused_result(value.name, args);
    switch (role) {
      case Role::Identity:
        if (args.empty()) fail(op_, quote_untrusted(name, 60) + " is applied to no arguments");
        return args[0];
      case Role::OrderedDict: return ordered_dict(args);
      default: return make_container(Kind::Call, std::move(args), value.name);
    }
  }
  // OrderedDict() or OrderedDict([(key, value), ...]).
  ValueId ordered_dict(std::span<const ValueId> args) {
    std::vector<ValueId> items;
    if (!args.empty()) {
      const Value& pairs = at(args[0]);
      if (pairs.kind != Kind::List && pairs.kind != Kind::Tuple)
        fail(op_, "OrderedDict is given " + describe(out_, pairs) + ", not a list of pairs");
      for (ValueId pair : out_.containers_[pairs.container]) {
        const Value& entry = at(pair);
        if (entry.kind != Kind::Tuple || out_.containers_[entry.container].size() != 2)
          fail(op_, "OrderedDict is given an item that is not a (key, value) pair");
        items.insert(items.end(), out_.containers_[entry.container].begin(),
                     out_.containers_[entry.container].end());
      }
    }
    return make_container(Kind::Dict, std::move(items));
  }
  void build() {
    const ValueId state = pop();
    const ValueId target = top();
    switch (at(target).kind) {
      case Kind::Object:
      case Kind::Refused: add_items(target, std::span<const ValueId>(&state, 1)); return;
      // An OrderedDict's attributes (a state_dict's _metadata), a Parameter's
      // or a tensor's state: nothing dtlint reads.
      case Kind::Dict:
      case Kind::Call: return;
      default: fail(op_, "BUILD sets the state of " + describe(out_, at(target)));
    }
  }
  void set_items(std::span<const ValueId> pairs) {
    if (pairs.size() % 2 != 0) fail(op_, "SETITEMS has a key without a value");
    const ValueId target = top();
    const Kind kind = at(target).kind;
    if (kind == Kind::Refused) {  // a dict subclass outside the allow-list: its items are still read
      const ValueId items = make_container(Kind::Dict, {pairs.begin(), pairs.end()});
      add_items(target, std::span<const ValueId>(&items, 1));
      return;
    }
    if (kind != Kind::Dict)
      fail(op_, "SETITEM(S) stores into " + describe(out_, at(target)) + ", not a dict");
    add_items(target, pairs);
  }
  void append_items(std::span<const ValueId> items) {
    const ValueId target = top();
    const Kind kind = at(target).kind;
    if (kind == Kind::Refused) {
      const ValueId list = make_container(Kind::List, {items.begin(), items.end()});
      add_items(target, std::span<const ValueId>(&list, 1));
      return;
    }
    if (kind != Kind::List) fail(op_, "APPEND(S) adds to " + describe(out_, at(target)) + ", not a list");
    add_items(target, items);
  }
  void add_to_set(std::span<const ValueId> items) {
    const ValueId target = top();
    if (at(target).kind != Kind::Set)
      fail(op_, "ADDITEMS adds to " + describe(out_, at(target)) + ", not a set");
    add_items(target, items);
  }
  // BINPERSID: torch's ('storage', storage class, key, location, numel).
  void persistent_id() {
    const ValueId id = pop();
    const Value& pid = at(id);
    if (pid.kind != Kind::Tuple) {
      fail(op_, "persistent id is " + describe(out_, pid) + ", not a ('storage', ...) tuple");
    }
    const std::vector<ValueId>& fields = out_.containers_[pid.container];
    const auto field = [&](std::size_t i) -> const Value& { return at(fields[i]); };
    if (fields.empty() || field(0).kind != Kind::String || out_.text(field(0)) != "storage") {
      fail(op_, "persistent id is not a storage: torch.load accepts only ('storage', ...) persistent ids");
    }
    if (fields.size() != 5) {
      fail(op_, "storage persistent id has " + std::to_string(fields.size()) +
                    " fields, expected 5 ('storage', storage class, key, location, numel)");
    }
    if (field(1).kind != Kind::Global || !is_storage_class(out_.names_[field(1).name])) {
      fail(op_,
           "storage persistent id names " + describe(out_, field(1)) + " as its type, not a storage class");
    }
    if (field(2).kind != Kind::String)
      fail(op_, "storage key is " + describe(out_, field(2)) + ", not a str");
    if (field(3).kind != Kind::String)
      fail(op_, "storage location is " + describe(out_, field(3)) + ", not a str");
    if (field(4).kind != Kind::Int || field(4).integer < 0)
      fail(op_, "storage size is " + describe(out_, field(4)) + ", not a count of elements");
    out_.storages_.push_back(
        {out_.names_[field(1).name], out_.text(field(2)), out_.text(field(3)), field(4).integer, op_});
    Value value;
    value.kind = Kind::Storage;
    value.integer = static_cast<std::int64_t>(out_.storages_.size() - 1);
    push(make(value));
  }

  void push_int(std::int64_t integer) {
    Value value;
    value.kind = Kind::Int;
    value.integer = integer;
    push(make(value));
  }
  void push_simple(Kind kind) {
    Value value;
    value.kind = kind;
    push(make(value));
  }
  void push_text(Kind kind, std::string_view content) {  // content lies in bytes_
    Value value;
    value.kind = kind;
    value.text.offset =
        static_cast<std::uint32_t>(content.data() - reinterpret_cast<const char*>(bytes_.data()));
    value.text.size = static_cast<std::uint32_t>(content.size());
    push(make(value));
  }
  // LONG1 / LONG4: little-endian two's complement.
  void push_long(std::uint64_t size) {
    const auto part = take(size, "LONG");
    if (size > 8) {
      push_simple(Kind::BigInt);
      return;
    }
    std::uint64_t raw = 0;
    for (std::size_t i = part.size(); i-- > 0;) raw = (raw << 8) | std::to_integer<std::uint64_t>(part[i]);
    if (size > 0 && size < 8 && (std::to_integer<unsigned>(part[part.size() - 1]) & 0x80u) != 0)
      raw |= ~std::uint64_t{0} << (8 * size);  // sign-extend
    push_int(static_cast<std::int64_t>(raw));
  }

  void step(unsigned opcode) {
    switch (opcode) {
      case 0x80: {  // PROTO
        const auto version = unsigned_le(1, "PROTO");
        if (version < 2 || version > 5) {
          fail(op_, "pickle protocol " + std::to_string(version) + " (dtlint reads protocols 2 to 5)");
        }
        return;
      }
      case 0x95: take(8, "FRAME"); return;  // framing only groups the opcodes that follow
      case '(':
        if (marks_.size() >= kMaxMarks) fail(op_, "MARKs nested deeper than " + std::to_string(kMaxMarks));
        marks_.push_back(stack_.size());
        return;
      case '0': pop(); return;        // POP
      case '1': pop_mark(); return;   // POP_MARK
      case '2': push(top()); return;  // DUP
      case 'N': push_simple(Kind::None); return;
      case 0x88:
      case 0x89: {  // NEWTRUE, NEWFALSE
        Value value;
        value.kind = Kind::Bool;
        value.integer = opcode == 0x88 ? 1 : 0;
        push(make(value));
        return;
      }
      case 'J':
        push_int(static_cast<std::int32_t>(static_cast<std::uint32_t>(unsigned_le(4, "BININT"))));
        return;
      case 'K': push_int(static_cast<std::int64_t>(unsigned_le(1, "BININT1"))); return;
      case 'M': push_int(static_cast<std::int64_t>(unsigned_le(2, "BININT2"))); return;
      case 0x8a: push_long(unsigned_le(1, "LONG1")); return;
      case 0x8b: push_long(unsigned_le(4, "LONG4")); return;
      case 'G': {  // BINFLOAT: big-endian IEEE double
        const auto part = take(8, "BINFLOAT");
        std::uint64_t raw = 0;
        for (std::byte b : part) raw = (raw << 8) | std::to_integer<std::uint64_t>(b);
        Value value;
        value.kind = Kind::Float;
        value.number = std::bit_cast<double>(raw);
        push(make(value));
        return;
      }
      case 'X':
        push_text(Kind::String, utf8(take(unsigned_le(4, "BINUNICODE"), "BINUNICODE"), "a str"));
        return;
      case 0x8c:
        push_text(Kind::String, utf8(take(unsigned_le(1, "SHORT_BINUNICODE"), "SHORT_BINUNICODE"), "a str"));
        return;
      case 0x8d:
        push_text(Kind::String, utf8(take(unsigned_le(8, "BINUNICODE8"), "BINUNICODE8"), "a str"));
        return;
      // Python 2 str; torch.load decodes them as ASCII, dtlint keeps the bytes.
      case 'U':
        push_text(Kind::Bytes, text(take(unsigned_le(1, "SHORT_BINSTRING"), "SHORT_BINSTRING")));
        return;
      case 'T': push_text(Kind::Bytes, text(take(unsigned_le(4, "BINSTRING"), "BINSTRING"))); return;
      case 'C':
        push_text(Kind::Bytes, text(take(unsigned_le(1, "SHORT_BINBYTES"), "SHORT_BINBYTES")));
        return;
      case 'B': push_text(Kind::Bytes, text(take(unsigned_le(4, "BINBYTES"), "BINBYTES"))); return;
      case 0x8e: push_text(Kind::Bytes, text(take(unsigned_le(8, "BINBYTES8"), "BINBYTES8"))); return;
      case 0x96: push_text(Kind::Bytes, text(take(unsigned_le(8, "BYTEARRAY8"), "BYTEARRAY8"))); return;
      case ')': push(make_container(Kind::Tuple, {})); return;
      case ']': push(make_container(Kind::List, {})); return;
      case '}': push(make_container(Kind::Dict, {})); return;
      case 0x8f: push(make_container(Kind::Set, {})); return;
      case 't': push(make_container(Kind::Tuple, pop_mark())); return;
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        const std::size_t count = opcode - 0x84u;
        if (stack_.size() < floor() + count)
          fail(op_, "TUPLE" + std::to_string(count) + " on a shorter stack");
        std::vector<ValueId> items(stack_.end() - static_cast<std::ptrdiff_t>(count), stack_.end());
        stack_.resize(stack_.size() - count);
        push(make_container(Kind::Tuple, std::move(items)));
        return;
      }
      case 0x91: push(make_container(Kind::Set, pop_mark())); return;  // FROZENSET
      case 'a': {                                                      // APPEND
        const ValueId item = pop();
        append_items(std::span<const ValueId>(&item, 1));
        return;
      }
      case 'e': append_items(pop_mark()); return;  // APPENDS
      case 's': {                                  // SETITEM
        const ValueId value = pop();
        const ValueId key = pop();
        const std::array<ValueId, 2> pair{key, value};
        set_items(pair);
        return;
      }
      case 'u': set_items(pop_mark()); return;    // SETITEMS
      case 0x90: add_to_set(pop_mark()); return;  // ADDITEMS
      case 'q': memo_put(unsigned_le(1, "BINPUT")); return;
      case 'r': memo_put(unsigned_le(4, "LONG_BINPUT")); return;
      case 0x94: memo_put(memo_.size()); return;  // MEMOIZE
      case 'h': memo_get(unsigned_le(1, "BINGET")); return;
      case 'j': memo_get(unsigned_le(4, "LONG_BINGET")); return;
      case 'c': {  // GLOBAL
        const std::string_view module = line("GLOBAL's module");
        const std::string_view name = line("GLOBAL's name");
        global(utf8({reinterpret_cast<const std::byte*>(module.data()), module.size()}, "GLOBAL's module"),
               utf8({reinterpret_cast<const std::byte*>(name.data()), name.size()}, "GLOBAL's name"));
        return;
      }
      case 0x93: {  // STACK_GLOBAL
        const ValueId name = pop();
        const ValueId module = pop();
        if (at(module).kind != Kind::String || at(name).kind != Kind::String)
          fail(op_, "STACK_GLOBAL's module and name are not both str");
        global(out_.text(at(module)), out_.text(at(name)));
        return;
      }
      case 'R': {  // REDUCE
        const ValueId args = pop();
        const ValueId callee = pop();
        push(apply(callee, tuple_items(args, "REDUCE's arguments"), false));
        return;
      }
      case 0x81: {  // NEWOBJ
        const ValueId args = pop();
        const ValueId cls = pop();
        push(apply(cls, tuple_items(args, "NEWOBJ's arguments"), true));
        return;
      }
      case 0x92: {  // NEWOBJ_EX: cls, args, kwargs
        const ValueId kwargs = pop();
        const ValueId args = pop();
        const ValueId cls = pop();
        std::vector<ValueId> given = tuple_items(args, "NEWOBJ_EX's arguments");
        given.push_back(kwargs);
        push(apply(cls, std::move(given), true));
        return;
      }
      case 'b': build(); return;
      case 'Q': persistent_id(); return;
      case 'i': {  // INST: module and name lines, arguments from the MARK
        const std::string module(line("INST's module"));
        const std::string name(line("INST's name"));
        const std::vector<ValueId> args = pop_mark();
        push(refused_result(intern(module + "." + name), args));
        return;
      }
      case 'o': {  // OBJ: the class and its arguments from the MARK
        std::vector<ValueId> items = pop_mark();
        if (items.empty()) fail(op_, "OBJ without a class");
        const Value& cls = at(items[0]);
        const std::uint32_t name = cls.kind == Kind::Global || cls.kind == Kind::Refused
                                       ? cls.name
                                       : intern("<" + describe(out_, cls) + ">");
        push(refused_result(name, std::span<const ValueId>(items).subspan(1)));
        return;
      }
      case 0x82:
      case 0x83:
      case 0x84: {  // EXT1, EXT2, EXT4: a global from copyreg's extension registry
        const std::size_t size = opcode == 0x82 ? 1 : opcode == 0x83 ? 2 : 4;
        const std::uint64_t code = unsigned_le(size, "EXT");
        const std::string name = "copyreg extension " + std::to_string(code);
        refuse(name, false);
        push(make_container(Kind::Refused, {}, intern(name)));
        return;
      }
      default: break;
    }
    const char* name = nullptr;
    switch (opcode) {
      case 'I': name = "INT"; break;
      case 'L': name = "LONG"; break;
      case 'F': name = "FLOAT"; break;
      case 'S': name = "STRING"; break;
      case 'V': name = "UNICODE"; break;
      case 'g': name = "GET"; break;
      case 'p': name = "PUT"; break;
      case 'l': name = "LIST"; break;
      case 'd': name = "DICT"; break;
      case 'P': name = "PERSID"; break;
      case 0x97: name = "NEXT_BUFFER"; break;
      case 0x98: name = "READONLY_BUFFER"; break;
      default: break;
    }
    if (name != nullptr) {
      fail(op_, std::string("opcode ") + name + " (" + hex_byte(opcode) +
                    ") is not one torch.load(weights_only=True) accepts");
    }
    fail(op_, "unknown pickle opcode " + hex_byte(opcode));
  }

  static constexpr ValueId kUnset = ~ValueId{0};

  std::span<const std::byte> bytes_;
  const Options& options_;
  Pickle& out_;
  std::size_t at_ = 0;
  std::size_t op_ = 0;  // the current opcode's position
  std::uint64_t graph_bytes_ = 0;
  std::vector<ValueId> stack_;
  std::vector<std::size_t> marks_;  // stack sizes at each open MARK
  std::vector<ValueId> memo_;
  std::unordered_map<std::string, std::uint32_t> name_index_;
  std::unordered_map<std::string, std::size_t> refusal_index_;
};

Pickle Pickle::parse(std::span<const std::byte> bytes, const Options& options) {
  Pickle pickle;
  if (bytes.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw PickleError(0, "a pickle of more than 4 GiB");
  }
  pickle.bytes_ = bytes;
  Interpreter(bytes, options, pickle).run();
  return pickle;
}

}  // namespace dtlint::pickle
