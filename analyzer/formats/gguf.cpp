#include "analyzer/formats/gguf.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"

namespace dtlint {
namespace {

constexpr std::string_view kMagic = "GGUF";
constexpr std::uint64_t kDefaultAlignment = 32;
constexpr std::string_view kAlignmentKey = "general.alignment";

// The spec caps keys at 2^16 - 1 bytes; tensor names are far shorter in
// practice (GGML_MAX_NAME is 64), but a longer one is still readable.
constexpr std::uint64_t kMaxKeyBytes = 65535;
constexpr std::uint64_t kMaxTensorNameBytes = 65535;

// Real models hold thousands of tensors; a record is kept in some 80 bytes,
// so the cap bounds what a hostile count can make dtlint allocate.
constexpr std::uint64_t kMaxTensors = std::uint64_t{1} << 20;

// gguf_metadata_value_type.
enum class ValueType : std::uint32_t {
  UInt8 = 0,
  Int8 = 1,
  UInt16 = 2,
  Int16 = 3,
  UInt32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  UInt64 = 10,
  Int64 = 11,
  Float64 = 12,
};
constexpr std::uint32_t kValueTypeCount = 13;

// Bytes of a scalar value of each type; 0 for strings and arrays.
constexpr std::array<unsigned, kValueTypeCount> kScalarBytes{1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

// The fewest bytes a value of the type takes: a string is at least its length
// field, an array its element type and count.
std::uint64_t min_value_bytes(std::uint32_t type) {
  if (type == static_cast<std::uint32_t>(ValueType::String)) return 8;
  if (type == static_cast<std::uint32_t>(ValueType::Array)) return 12;
  return kScalarBytes[type];
}

// ggml_type: every type a GGUF file can declare, with its block layout
// (elements and bytes per block; 1 element per block for the plain types).
struct GgmlType {
  std::uint32_t code;
  std::string_view name;
  std::optional<DType> dtype;  // set for the types dtlint analyses
  std::uint32_t block_elements;
  std::uint32_t block_bytes;
};
constexpr std::array<GgmlType, 32> kGgmlTypes{{
    {0, "F32", DType::Float32, 1, 4},       {1, "F16", DType::Float16, 1, 2},
    {2, "Q4_0", std::nullopt, 32, 18},      {3, "Q4_1", std::nullopt, 32, 20},
    {6, "Q5_0", std::nullopt, 32, 22},      {7, "Q5_1", std::nullopt, 32, 24},
    {8, "Q8_0", std::nullopt, 32, 34},      {9, "Q8_1", std::nullopt, 32, 36},
    {10, "Q2_K", std::nullopt, 256, 84},    {11, "Q3_K", std::nullopt, 256, 110},
    {12, "Q4_K", std::nullopt, 256, 144},   {13, "Q5_K", std::nullopt, 256, 176},
    {14, "Q6_K", std::nullopt, 256, 210},   {15, "Q8_K", std::nullopt, 256, 292},
    {16, "IQ2_XXS", std::nullopt, 256, 66}, {17, "IQ2_XS", std::nullopt, 256, 74},
    {18, "IQ3_XXS", std::nullopt, 256, 98}, {19, "IQ1_S", std::nullopt, 256, 50},
    {20, "IQ4_NL", std::nullopt, 32, 18},   {21, "IQ3_S", std::nullopt, 256, 110},
    {22, "IQ2_S", std::nullopt, 256, 82},   {23, "IQ4_XS", std::nullopt, 256, 136},
    {24, "I8", DType::Int8, 1, 1},          {25, "I16", DType::Int16, 1, 2},
    {26, "I32", DType::Int32, 1, 4},        {27, "I64", DType::Int64, 1, 8},
    {28, "F64", DType::Float64, 1, 8},      {29, "IQ1_M", std::nullopt, 256, 56},
    {30, "BF16", DType::BFloat16, 1, 2},    {34, "TQ1_0", std::nullopt, 256, 54},
    {35, "TQ2_0", std::nullopt, 256, 66},   {39, "MXFP4", std::nullopt, 32, 17},
}};

// Codes GGML has assigned and since withdrawn (Q4_2, Q4_3; the repacked
// Q4_0_4_4, Q4_0_4_8, Q4_0_8_8 and IQ4_NL_4_4, _4_8, _8_8): all quantized.
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 8> kWithdrawnGgmlTypes{{
    {4, "Q4_2"},
    {5, "Q4_3"},
    {31, "Q4_0_4_4"},
    {32, "Q4_0_4_8"},
    {33, "Q4_0_8_8"},
    {36, "IQ4_NL_4_4"},
    {37, "IQ4_NL_4_8"},
    {38, "IQ4_NL_8_8"},
}};

const GgmlType* ggml_type(std::uint32_t code) {
  for (const GgmlType& type : kGgmlTypes) {
    if (type.code == code) return &type;
  }
  return nullptr;
}

std::optional<std::string_view> withdrawn_ggml_type(std::uint32_t code) {
  for (const auto& [withdrawn, name] : kWithdrawnGgmlTypes) {
    if (withdrawn == code) return name;
  }
  return std::nullopt;
}

std::string byte_count(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

// Reads the header's fields in the file's byte order, every read checked
// against what is left; a failure names what was being read and where.
class Cursor {
 public:
  Cursor(std::span<const std::byte> bytes, const std::string& path) : bytes_(bytes), path_(path) {}

  void set_big_endian(bool big) { big_endian_ = big; }
  bool big_endian() const { return big_endian_; }
  std::uint64_t position() const { return position_; }
  std::uint64_t remaining() const { return bytes_.size() - position_; }

  std::uint32_t u32(const char* what) { return static_cast<std::uint32_t>(integer(4, what)); }
  std::uint64_t u64(const char* what) { return integer(8, what); }

  // A gguf_string: a u64 length, then that many bytes (UTF-8 by the spec).
  std::string_view string(const char* what, std::uint64_t max_bytes) {
    const std::uint64_t at = position_;
    const std::uint64_t length = u64(what);
    if (length > max_bytes) {
      fail(std::string(what) + " at byte " + std::to_string(at) + " declares " + byte_count(length) +
           ", more than the " + std::to_string(max_bytes) + " the format allows");
    }
    need(length, what, at);
    const std::string_view text(reinterpret_cast<const char*>(bytes_.data()) + position_,
                                static_cast<std::size_t>(length));
    position_ += length;
    return text;
  }

  void skip(std::uint64_t count, const std::string& what) {
    need(count, what.c_str(), position_);
    position_ += count;
  }

  [[noreturn]] void fail(const std::string& reason) const { throw InputError(path_, reason); }

 private:
  void need(std::uint64_t count, const char* what, std::uint64_t at) const {
    if (count > remaining()) {
      fail("truncated: " + std::string(what) + " at byte " + std::to_string(at) + " needs " +
           byte_count(count) + ", the file has " + byte_count(bytes_.size() - at) + " from there");
    }
  }

  std::uint64_t integer(unsigned size, const char* what) {
    need(size, what, position_);
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
      const unsigned shift = 8 * (big_endian_ ? size - 1 - i : i);
      value |= std::uint64_t{std::to_integer<unsigned>(bytes_[static_cast<std::size_t>(position_) + i])}
               << shift;
    }
    position_ += size;
    return value;
  }

  std::span<const std::byte> bytes_;
  const std::string& path_;
  std::uint64_t position_ = 0;
  bool big_endian_ = false;
};

// Reads past one metadata value of `type` (array elements recursively),
// checking every length against the bytes left: a count can never make the
// loop run longer than the file is long, since each element takes a byte or more.
void skip_value(Cursor& in, std::uint32_t type, unsigned depth, std::string_view key) {
  const auto where = [&] { return "metadata value of " + quote_tensor_name(key); };
  if (type >= kValueTypeCount) {
    in.fail(where() + " has unknown value type " + std::to_string(type) + " (the format defines 0 to 12)");
  }
  if (type == static_cast<std::uint32_t>(ValueType::String)) {
    in.string("metadata string", UINT64_MAX);
    return;
  }
  if (type != static_cast<std::uint32_t>(ValueType::Array)) {
    in.skip(kScalarBytes[type], where());
    return;
  }
  if (depth >= kGgufMaxArrayDepth) {
    in.fail(where() + " nests arrays more than " + std::to_string(kGgufMaxArrayDepth) + " deep");
  }
  const std::uint64_t at = in.position();
  const std::uint32_t element_type = in.u32("metadata array type");
  const std::uint64_t count = in.u64("metadata array length");
  if (element_type >= kValueTypeCount) {
    in.fail(where() + " is an array of unknown value type " + std::to_string(element_type) +
            " (the format defines 0 to 12)");
  }
  const std::uint64_t each = min_value_bytes(element_type);
  if (count > in.remaining() / each) {
    in.fail("truncated: the metadata array of " + quote_tensor_name(key) + " at byte " + std::to_string(at) +
            " declares " + std::to_string(count) + " elements, more than the " + byte_count(in.remaining()) +
            " left can hold");
  }
  if (kScalarBytes[element_type] != 0) {
    in.skip(count * each, where());
    return;
  }
  for (std::uint64_t i = 0; i < count; ++i) skip_value(in, element_type, depth + 1, key);
}

// One tensor record as declared, checked later; its name stays in the input.
struct TensorRecord {
  std::uint64_t name_at = 0;
  std::uint32_t name_bytes = 0;
  std::uint32_t type = 0;
  std::uint32_t rank = 0;                                // as declared, may exceed kGgufMaxDimensions
  std::array<std::uint64_t, kGgufMaxDimensions> dims{};  // GGUF order: fastest-varying first
  std::uint64_t offset = 0;                              // from the start of the data section
  std::uint64_t bytes = 0;                               // set once the record is checked
  const GgmlType* ggml = nullptr;
};

// The analysed tensors of a checked file, made into views one at a time in
// the order of their data offsets.
class GgufArrays final : public ArraySource {
 public:
  GgufArrays(std::vector<TensorRecord> records, const InputBytes& input, std::string path,
             std::uint64_t data_start, bool big_endian)
      : records_(std::move(records)),
        input_(input),
        path_(std::move(path)),
        data_start_(data_start),
        big_endian_(big_endian) {}

  std::size_t size() const override { return records_.size(); }

  ArrayView view(std::size_t index) const override {
    const TensorRecord& record = records_[index];
    ArrayView out;
    out.location = Location(path_, std::string(name_of(record)));
    out.dtype = *record.ggml->dtype;
    out.stored_dtype = std::string(record.ggml->name);
    out.byte_swapped = big_endian_ != (std::endian::native == std::endian::big) && info(out.dtype).size > 1;
    out.elements = 1;
    for (std::uint32_t d = record.rank; d-- > 0;) {
      out.shape.push_back(record.dims[d]);
      out.elements *= record.dims[d];  // checked against overflow with the record
    }
    out.data = input_.bytes.subspan(static_cast<std::size_t>(data_start_ + record.offset),
                                    static_cast<std::size_t>(record.bytes));
    out.owner = input_.owner;
    out.mapped = input_.mapped;
    return out;
  }

 private:
  std::string_view name_of(const TensorRecord& record) const {
    return {reinterpret_cast<const char*>(input_.bytes.data()) + record.name_at, record.name_bytes};
  }

  std::vector<TensorRecord> records_;
  InputBytes input_;
  std::string path_;
  std::uint64_t data_start_;
  bool big_endian_;
};

// Reads the version and decides the byte order: a big-endian file's version
// reads as 0x02000000 or 0x03000000 in little-endian order.
void read_version(Cursor& in) {
  const std::uint32_t version = in.u32("version");
  const std::uint32_t swapped = __builtin_bswap32(version);
  const std::uint32_t known = (version >= 1 && version <= 3) ? version : swapped;
  if (known == 1) {
    in.fail(
        "GGUF version 1 (the first release, with 32-bit counts) is not read; dtlint reads versions 2 "
        "and 3: convert the model again with a current llama.cpp");
  }
  if (known != 2 && known != 3) {
    in.fail("unsupported GGUF version " + std::to_string(std::min(version, swapped)) +
            " (dtlint reads versions 2 and 3)");
  }
  in.set_big_endian(known == swapped);
}

// Reads the metadata, keeping only what locating the tensors needs: the alignment.
std::uint64_t read_metadata(Cursor& in, std::uint64_t count) {
  std::optional<std::uint64_t> alignment;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string_view key = in.string("metadata key", kMaxKeyBytes);
    const std::uint32_t type = in.u32("metadata value type");
    if (key != kAlignmentKey) {
      skip_value(in, type, 0, key);
      continue;
    }
    if (alignment) in.fail("the metadata declares " + std::string(kAlignmentKey) + " twice");
    if (type != static_cast<std::uint32_t>(ValueType::UInt32)) {
      in.fail(std::string(kAlignmentKey) + " has value type " + std::to_string(type) +
              "; the format requires a uint32 (type 4)");
    }
    const std::uint32_t value = in.u32("general.alignment");
    if (value == 0 || !std::has_single_bit(value)) {
      in.fail(std::string(kAlignmentKey) + " is " + std::to_string(value) + "; it must be a power of two");
    }
    alignment = value;
  }
  return alignment.value_or(kDefaultAlignment);
}

// The byte size of a record's data; sets a reason when the record is unusable.
std::optional<std::uint64_t> data_bytes(const TensorRecord& record, std::string& reason) {
  if (record.rank > kGgufMaxDimensions) {
    reason = "declares " + std::to_string(record.rank) + " dimensions; GGML tensors have at most " +
             std::to_string(kGgufMaxDimensions);
    return std::nullopt;
  }
  std::uint64_t elements = 1;
  for (std::uint32_t d = 0; d < record.rank; ++d) {
    if (__builtin_mul_overflow(elements, record.dims[d], &elements)) {
      reason = "the product of its dimensions overflows 64 bits";
      return std::nullopt;
    }
  }
  const GgmlType& type = *record.ggml;
  if (type.block_elements > 1 && record.rank > 0 && record.dims[0] % type.block_elements != 0) {
    reason = "its first (fastest-varying) dimension, " + std::to_string(record.dims[0]) +
             ", is not a multiple of " + std::string(type.name) + "'s block of " +
             std::to_string(type.block_elements) + " elements";
    return std::nullopt;
  }
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(elements / type.block_elements, std::uint64_t{type.block_bytes}, &bytes)) {
    reason = "its data size overflows 64 bits";
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

ContainerContents read_gguf(const InputBytes& input, const std::string& path) {
  const std::span<const std::byte> bytes = input.bytes;
  if (bytes.empty()) throw InputError(path, "empty file (expected a GGUF file)");
  if (bytes.size() < kMagic.size() || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    throw InputError(path, "does not start with the GGUF magic (\"GGUF\")");
  }
  Cursor in(bytes, path);
  in.skip(kMagic.size(), "magic");
  read_version(in);
  const std::uint64_t tensor_count = in.u64("tensor count");
  const std::uint64_t metadata_count = in.u64("metadata count");
  // Each record takes some bytes, so a count the file cannot hold is refused
  // before anything is allocated for it.
  if (metadata_count > in.remaining() / 12) {
    in.fail("the header declares " + std::to_string(metadata_count) + " metadata entries, more than the " +
            byte_count(in.remaining()) + " after it can hold (12 bytes or more each)");
  }
  if (tensor_count > in.remaining() / 24) {
    in.fail("the header declares " + std::to_string(tensor_count) + " tensors, more than the " +
            byte_count(in.remaining()) + " after it can hold (24 bytes or more each)");
  }
  if (tensor_count > kMaxTensors) {
    in.fail("the header declares " + std::to_string(tensor_count) + " tensors, more than dtlint's limit of " +
            std::to_string(kMaxTensors));
  }
  const std::uint64_t alignment = read_metadata(in, metadata_count);

  std::vector<TensorRecord> records;
  records.reserve(static_cast<std::size_t>(tensor_count));
  for (std::uint64_t i = 0; i < tensor_count; ++i) {
    TensorRecord record;
    const std::string_view name = in.string("tensor name", kMaxTensorNameBytes);
    record.name_at = in.position() - name.size();
    record.name_bytes = static_cast<std::uint32_t>(name.size());
    record.rank = in.u32("tensor dimension count");
    if (record.rank > in.remaining() / 8) {
      in.fail("truncated: tensor " + quote_tensor_name(name) + " declares " + std::to_string(record.rank) +
              (record.rank == 1 ? " dimension" : " dimensions") + ", more than the " +
              byte_count(in.remaining()) + " left can hold");
    }
    for (std::uint32_t d = 0; d < record.rank; ++d) {
      const std::uint64_t dim = in.u64("tensor dimension");
      if (d < kGgufMaxDimensions) record.dims[d] = dim;
    }
    record.type = in.u32("tensor type");
    record.offset = in.u64("tensor offset");
    records.push_back(record);
  }
  // The data section starts at the next multiple of the alignment.
  const std::uint64_t data_start = (in.position() + alignment - 1) / alignment * alignment;
  const std::uint64_t file_size = bytes.size();

  ContainerContents contents;
  const auto name_of = [&](const TensorRecord& record) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()) + record.name_at, record.name_bytes);
  };
  const auto member_of = [&](const TensorRecord& record) {
    const std::string_view name = name_of(record);
    // A name that is not UTF-8 cannot stand in a report as it is.
    return invalid_utf8_at(name) ? escape_untrusted(name, 200) : std::string(name);
  };
  const auto unreadable = [&](const TensorRecord& record, std::string reason) {
    contents.unreadable.push_back(
        {Location(path, member_of(record)),
         "tensor " + quote_tensor_name(name_of(record)) + ": " + std::move(reason)});
  };

  // Names used more than once: which tensor a loader gets is not defined
  // (llama.cpp refuses the file), so none of them is read.
  std::vector<std::uint32_t> by_name(records.size());
  for (std::size_t i = 0; i < by_name.size(); ++i) by_name[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(by_name.begin(), by_name.end(), [&](std::uint32_t a, std::uint32_t b) {
    return name_of(records[a]) < name_of(records[b]);
  });
  std::vector<bool> refused(records.size(), false);
  for (std::size_t i = 0; i < by_name.size();) {
    std::size_t end = i + 1;
    while (end < by_name.size() && name_of(records[by_name[end]]) == name_of(records[by_name[i]])) ++end;
    if (end - i > 1) {
      unreadable(records[by_name[i]], "the name is used by " + std::to_string(end - i) +
                                          " tensors; which one a loader gets is not defined");
      for (std::size_t k = i; k < end; ++k) refused[by_name[k]] = true;
    }
    i = end;
  }

  std::vector<TensorRecord> checked;  // readable records, analysed and quantized alike
  for (std::size_t i = 0; i < records.size(); ++i) {
    TensorRecord& record = records[i];
    if (refused[i]) continue;
    if (const auto bad = invalid_utf8_at(name_of(record))) {
      unreadable(record, "the name is not valid UTF-8 (at byte " + std::to_string(*bad) + " of the name)");
      continue;
    }
    record.ggml = ggml_type(record.type);
    if (record.ggml == nullptr) {
      if (const auto withdrawn = withdrawn_ggml_type(record.type)) {
        contents.skipped.push_back(
            {Location(path, member_of(record)),
             "quantized (" + std::string(*withdrawn) + ", a type GGML has withdrawn); not a cast source"});
      } else {
        unreadable(record, "unknown GGML type " + std::to_string(record.type));
      }
      continue;
    }
    std::string reason;
    const std::optional<std::uint64_t> size = data_bytes(record, reason);
    if (!size) {
      unreadable(record, std::move(reason));
      continue;
    }
    record.bytes = *size;
    if (record.offset % alignment != 0) {
      unreadable(record, "its offset " + std::to_string(record.offset) +
                             " is not a multiple of the alignment, " + std::to_string(alignment));
      continue;
    }
    std::uint64_t end = 0;
    if (__builtin_add_overflow(data_start, record.offset, &end) ||
        __builtin_add_overflow(end, record.bytes, &end) || end > file_size) {
      unreadable(record, "its data (" + byte_count(record.bytes) + " of " + std::string(record.ggml->name) +
                             " at offset " + std::to_string(record.offset) +
                             " of the data section, which starts at byte " + std::to_string(data_start) +
                             ") extends past the end of the file (" + byte_count(file_size) + ")");
      continue;
    }
    checked.push_back(record);
  }

  // In the order of the data; a tensor whose bytes overlap an earlier one's is
  // refused (two names for the same bytes, as a hostile file might declare).
  std::stable_sort(checked.begin(), checked.end(),
                   [](const TensorRecord& a, const TensorRecord& b) { return a.offset < b.offset; });
  std::vector<TensorRecord> analysed;
  std::uint64_t covered = 0;
  const TensorRecord* previous = nullptr;
  for (const TensorRecord& record : checked) {
    if (record.bytes > 0 && previous != nullptr && record.offset < covered) {
      unreadable(record, "its data (offset " + std::to_string(record.offset) + ", " +
                             byte_count(record.bytes) + ") overlaps that of tensor " +
                             quote_tensor_name(name_of(*previous)));
      continue;
    }
    if (record.bytes > 0) {
      covered = record.offset + record.bytes;
      previous = &record;
    }
    if (record.ggml->dtype) {
      analysed.push_back(record);
    } else {
      contents.skipped.push_back({Location(path, member_of(record)),
                                  "quantized (" + std::string(record.ggml->name) + "); not a cast source"});
    }
  }
  contents.source =
      std::make_shared<const GgufArrays>(std::move(analysed), input, path, data_start, in.big_endian());
  return contents;
}

}  // namespace dtlint
