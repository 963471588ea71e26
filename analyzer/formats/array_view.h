// What a reader hands to the kernels: one array's type, layout and bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/location.h"

namespace dtlint {

// The element bytes of an array that is not in memory, e.g. a deflated .npz
// member, produced in order a buffer at a time. Never holds more than the caller's buffer.
class ElementStream {
 public:
  virtual ~ElementStream() = default;
  // Fills `buffer` with the next element bytes; returns how many were written,
  // which is buffer.size() except at the end (0 once everything was read). Throws
  // InputError (the member named in the message) when the data is corrupt,
  // shorter or longer than declared.
  virtual std::size_t read(std::span<std::byte> buffer) = 0;
  // A new stream of the same element bytes from their start, for a second
  // pass over the array (scaled casts); nullptr when this stream cannot.
  virtual std::shared_ptr<ElementStream> restarted() const { return nullptr; }
};

// A storage that several tensors of a checkpoint view (tied weights): each
// view is scanned, and the report says which storage they share.
struct SharedStorage {
  std::string storage;            // the storage's record in the container, e.g. "data/0"
  std::uint64_t views = 0;        // tensors that view it, this one included
  std::vector<std::string> with;  // the first few other tensors' names, in file order
};

struct ArrayView {
  Location location;  // the input file as the user named it; the member inside a container (none for .npy)
  DType dtype = DType::Float64;
  std::string stored_dtype;           // the dtype as the file spells it, e.g. "<f8", ">i4", "BF16"
  bool byte_swapped = false;          // stored in the opposite byte order to this machine's
  bool fortran_order = false;         // elements stored with the first index varying fastest
  std::vector<std::uint64_t> shape;   // empty for 0-d arrays
  std::uint64_t elements = 0;         // product of shape (1 for 0-d)
  std::span<const std::byte> data;    // elements * info(dtype).size bytes; empty for object arrays
  std::shared_ptr<const void> owner;  // keeps `data` alive (a file mapping or buffer)
  bool mapped = false;                // `data` is a read-only file mapping: its pages may be released
  // When set, `data` is empty and the elements.size bytes come from this stream instead.
  std::shared_ptr<ElementStream> stream;
  std::optional<SharedStorage> shared_storage;  // set when other arrays view the same bytes
};

}  // namespace dtlint
