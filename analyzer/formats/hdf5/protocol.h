// The wire format between the HDF5 helper (dtlint-hdf5, the only program that
// links libhdf5) and the scanner. The helper writes frames to its standard
// output; the scanner treats every byte of them as untrusted (hdf5.cpp checks
// each field and every length before using it).
//
// A frame is a one-byte type, a four-byte little-endian payload length and the
// payload. Integers in payloads are little-endian; texts are a u32 length and
// the bytes (not NUL-terminated). A run of the helper writes:
//
//   Hello   "dtlint-hdf5 1"
//   ModelConfig (list mode, when the file's root has a `model_config`
//            attribute, as a Keras 2 model.save writes): u8 ModelConfigStatus;
//            Text: the attribute's bytes (the rest of the payload, at most
//            the list's model-config limit); TooLong: u64 its length;
//            Unreadable: text reason
//   then, per dataset in name order (list mode), or for each dataset requested
//   (serve mode: a u32 length and the name on the helper's standard input):
//     Dataset  text name, u8 kind (DatasetKind);
//              Array: u8 ElementType, u8 big-endian on disk, u8 data follows,
//                     u32 rank, u64 dims[rank];
//              Skipped, Unreadable: text reason
//     and when an Array's data follows: Bytes frames (the elements in C order,
//     little-endian, each payload at most kMaxBytesPayload), then Done, or
//     Failed (text reason) when reading stopped part way.
//   End     u64 number of Dataset frames sent (in serve mode after each answer: 1)
// or, when the file as a whole cannot be read, Fatal (text reason) instead of
// whatever would have come next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dtlint::hdf5_protocol {

inline constexpr std::string_view kHelperName = "dtlint-hdf5";
inline constexpr std::string_view kHello = "dtlint-hdf5 1";

enum class Frame : std::uint8_t {
  Hello = 'H',
  Dataset = 'D',
  Bytes = 'B',
  Done = 'O',
  Failed = 'F',
  End = 'Z',
  Fatal = 'X',
  ModelConfig = 'C',
};

enum class ModelConfigStatus : std::uint8_t { Text = 0, TooLong = 1, Unreadable = 2 };

enum class DatasetKind : std::uint8_t { Array = 0, Skipped = 1, Unreadable = 2 };

// The element types the scanner reads (its DType for each is in hdf5.cpp).
enum class ElementType : std::uint8_t {
  Bool = 1,  // h5py's enum {FALSE = 0, TRUE = 1} over int8
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Float16,
  BFloat16,
  Float32,
  Float64,
};
inline constexpr std::uint8_t kLastElementType = static_cast<std::uint8_t>(ElementType::Float64);

// Bytes per element of each ElementType.
inline constexpr unsigned element_size(ElementType type) {
  switch (type) {
    case ElementType::Bool:
    case ElementType::Int8:
    case ElementType::UInt8: return 1;
    case ElementType::Int16:
    case ElementType::UInt16:
    case ElementType::Float16:
    case ElementType::BFloat16: return 2;
    case ElementType::Int32:
    case ElementType::UInt32:
    case ElementType::Float32: return 4;
    case ElementType::Int64:
    case ElementType::UInt64:
    case ElementType::Float64: return 8;
  }
  return 0;
}

// HDF5 allows 32 dimensions (H5S_MAX_RANK).
inline constexpr std::uint32_t kMaxRank = 32;
// Longer names and reasons are refused by the scanner (and cut by the helper).
inline constexpr std::uint32_t kMaxTextBytes = 64 * 1024;
inline constexpr std::uint32_t kMaxBytesPayload = 1 << 20;
// No frame but Bytes comes near this: a Dataset frame is at most a name, a
// reason or 32 dimensions.
inline constexpr std::uint32_t kMaxMetaPayload = 2 * kMaxTextBytes + 512;

// A ModelConfig frame's text is at most this long (the scanner may ask for less).
inline constexpr std::uint32_t kMaxModelConfigBytes = std::uint32_t{16} << 20;

// Exit statuses of the helper that the scanner explains (signals aside).
inline constexpr int kExitUsage = 2;
inline constexpr int kExitOutOfMemory = 3;

}  // namespace dtlint::hdf5_protocol
