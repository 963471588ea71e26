// dtlint-hdf5: the one program that links libhdf5. The scanner starts it
// (posix_spawn) for one HDF5 file, given as descriptor 3, and reads its answer
// from a pipe (protocol.h). libhdf5 is not hardened against hostile files, so
// this process limits itself before it touches the file: address space, CPU
// time, no core dumps, no file it could write; the scanner kills it when it
// goes quiet. A crash here costs one file an E901, never the scan.
//
//   dtlint-hdf5 MEMORY_MIB CPU_SECONDS list INLINE_DATASET_BYTES INLINE_TOTAL_BYTES MODEL_CONFIG_BYTES
//   dtlint-hdf5 MEMORY_MIB CPU_SECONDS serve
//
// list: the root's model_config attribute (a Keras 2 model's JSON, when it is
// at most MODEL_CONFIG_BYTES), then every dataset in name order, the data of
// those small enough inline.
// serve: the data of each dataset requested on standard input (a u32 length
// and a name, as list named it), one after another, until that input ends.
// The file's Fatal, if any, comes instead of the first answer.
#include <hdf5.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/formats/hdf5/protocol.h"

namespace {

using namespace dtlint::hdf5_protocol;

// Slabs read at once: memory stays bounded whatever the dataset's size.
constexpr std::uint64_t kSlabBytes = std::uint64_t{4} << 20;
// Larger chunks are refused before libhdf5 allocates one (it reads chunks whole).
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{128} << 20;
// The chunk cache of a dataset being read: the chunks that later slabs come
// back to (chunked_cache_bytes), so that none is decompressed twice, within
// these bounds (the address-space limit is 1 GiB by default).
constexpr std::uint64_t kMinChunkCacheBytes = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxChunkCacheBytes = std::uint64_t{256} << 20;

void write_all(const void* data, std::size_t size) {
  const char* at = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(STDOUT_FILENO, at, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) ::_exit(1);  // the scanner has gone away
    at += written;
    size -= static_cast<std::size_t>(written);
  }
}

class Payload {
 public:
  void u8(std::uint8_t value) { bytes_.push_back(static_cast<char>(value)); }
  void u32(std::uint32_t value) { little_endian(value, 4); }
  void u64(std::uint64_t value) { little_endian(value, 8); }
  void text(std::string_view value) {
    value = value.substr(0, kMaxTextBytes);
    u32(static_cast<std::uint32_t>(value.size()));
    bytes_.append(value);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  void little_endian(std::uint64_t value, int count) {
    for (int i = 0; i < count; ++i) bytes_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
  std::string bytes_;
};

void send(Frame type, const void* payload, std::size_t size) {
  unsigned char header[5] = {static_cast<unsigned char>(type)};
  for (int i = 0; i < 4; ++i) header[1 + i] = static_cast<unsigned char>((size >> (8 * i)) & 0xff);
  write_all(header, sizeof header);
  write_all(payload, size);
}

void send(Frame type, const Payload& payload) {
  send(type, payload.bytes().data(), payload.bytes().size());
}

void send_text(Frame type, std::string_view text) {
  Payload payload;
  payload.text(text);
  send(type, payload);
}

// What libhdf5's error stack says: the outermost and the innermost description.
std::string hdf5_error(std::string_view fallback) {
  struct Walk {
    std::string first, last;
  } walk;
  const hid_t stack = H5Eget_current_stack();  // taken before another call clears it
  H5Ewalk2(
      stack, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
        auto& w = *static_cast<Walk*>(data);
        const std::string desc = error->desc ? error->desc : "";
        if (w.first.empty()) w.first = desc;
        w.last = desc;
        return 0;
      },
      &walk);
  H5Eclose_stack(stack);
  if (walk.first.empty()) return std::string(fallback);
  if (walk.first == walk.last) return "libhdf5: " + walk.first;
  return "libhdf5: " + walk.first + ": " + walk.last;
}

// Closes an HDF5 identifier when it goes out of scope.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

struct Classified {
  std::optional<ElementType> type;
  bool big_endian = false;
  std::string skip_reason;  // when there is no type
};

Classified skip(std::string reason) {
  return {std::nullopt, false, std::move(reason)};
}

std::string bits(std::size_t size) {
  return std::to_string(size * 8) + "-bit";
}

Classified classify(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: {
      if (H5Tget_precision(type) != size * 8 || H5Tget_offset(type) != 0)
        return skip("integers with padding bits; not analysed");
      const H5T_order_t order = H5Tget_order(type);
      if (size > 1 && order != H5T_ORDER_LE && order != H5T_ORDER_BE)
        return skip("integers in an unusual byte order; not analysed");
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      const bool big = size > 1 && order == H5T_ORDER_BE;
      switch (size) {
        case 1: return {is_signed ? ElementType::Int8 : ElementType::UInt8, false, {}};
        case 2: return {is_signed ? ElementType::Int16 : ElementType::UInt16, big, {}};
        case 4: return {is_signed ? ElementType::Int32 : ElementType::UInt32, big, {}};
        case 8: return {is_signed ? ElementType::Int64 : ElementType::UInt64, big, {}};
        default: return skip(bits(size) + " integers; not analysed");
      }
    }
    case H5T_FLOAT: {
      std::size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
      if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) < 0 ||
          H5Tget_precision(type) != size * 8 || H5Tget_offset(type) != 0 ||
          H5Tget_norm(type) != H5T_NORM_IMPLIED)
        return skip("a floating-point layout dtlint does not read (not IEEE 754)");
      const H5T_order_t order = H5Tget_order(type);
      if (order != H5T_ORDER_LE && order != H5T_ORDER_BE)
        return skip("floating-point numbers in an unusual byte order; not analysed");
      const std::size_t bias = H5Tget_ebias(type);
      const bool big = order == H5T_ORDER_BE;
      struct Layout {
        std::size_t size, spos, epos, esize, msize, bias;
        ElementType type;
      };
      static constexpr Layout kLayouts[] = {
          {2, 15, 10, 5, 10, 15, ElementType::Float16},
          {2, 15, 7, 8, 7, 127, ElementType::BFloat16},
          {4, 31, 23, 8, 23, 127, ElementType::Float32},
          {8, 63, 52, 11, 52, 1023, ElementType::Float64},
      };
      for (const Layout& layout : kLayouts) {
        if (size == layout.size && spos == layout.spos && epos == layout.epos && esize == layout.esize &&
            mpos == 0 && msize == layout.msize && bias == layout.bias)
          return {layout.type, big, {}};
      }
      return skip(bits(size) + " floating-point numbers of a layout dtlint does not read");
    }
    case H5T_ENUM: {
      // h5py stores NumPy bools as an enum {FALSE = 0, TRUE = 1} over int8.
      const Id base(H5Tget_super(type), H5Tclose);
      signed char false_value = -1, true_value = -1;
      if (base.ok() && H5Tget_nmembers(type) == 2 && size == 1 && H5Tget_class(base.get()) == H5T_INTEGER &&
          H5Tenum_valueof(type, "FALSE", &false_value) >= 0 &&
          H5Tenum_valueof(type, "TRUE", &true_value) >= 0 && false_value == 0 && true_value == 1)
        return {ElementType::Bool, false, {}};
      H5Eclear2(H5E_DEFAULT);
      return skip("enumerated values (only h5py's bool enum is read); not analysed");
    }
    case H5T_COMPOUND:
      return skip("compound elements (records of fields, e.g. complex numbers); not analysed");
    case H5T_STRING: return skip("strings; not analysed");
    case H5T_VLEN: return skip("variable-length sequences; not analysed");
    case H5T_REFERENCE: return skip("object or region references; not analysed");
    case H5T_OPAQUE: return skip("opaque bytes; not analysed");
    case H5T_BITFIELD: return skip("bit fields; not analysed");
    case H5T_ARRAY: return skip("array-typed elements; not analysed");
    case H5T_TIME: return skip("time values; not analysed");
    default: return skip("an element type dtlint does not read");
  }
}

// A little-endian copy of `type` for reading: libhdf5 swaps big-endian data.
hid_t memory_type(hid_t type, ElementType element) {
  const hid_t copy = H5Tcopy(type);
  if (copy >= 0 && element_size(element) > 1 && H5Tset_order(copy, H5T_ORDER_LE) < 0) {
    H5Tclose(copy);
    return -1;
  }
  return copy;
}

struct Options {
  bool list = true;
  std::uint64_t inline_dataset_bytes = 0;
  std::uint64_t inline_total_bytes = 0;
  std::uint64_t model_config_bytes = 0;
};

void send_model_config_issue(ModelConfigStatus status, std::uint64_t length, std::string_view reason) {
  Payload payload;
  payload.u8(static_cast<std::uint8_t>(status));
  if (status == ModelConfigStatus::TooLong) payload.u64(length);
  if (status == ModelConfigStatus::Unreadable) payload.text(reason);
  send(Frame::ModelConfig, payload);
}

// The root's `model_config` attribute (Keras 2 writes the model's JSON there,
// as a fixed-length string through h5py; a str makes a variable-length one),
// sent when there is one. Its length is checked before a fixed-length string
// is read; a variable-length one is as long as libhdf5 finds it.
void send_model_config(hid_t file, std::uint64_t limit) {
  limit = std::min<std::uint64_t>(limit, kMaxModelConfigBytes);
  const htri_t exists = H5Aexists(file, "model_config");
  if (exists == 0) return;
  if (exists < 0) {
    H5Eclear2(H5E_DEFAULT);
    return send_model_config_issue(ModelConfigStatus::Unreadable, 0, hdf5_error("cannot look for it"));
  }
  const Id attribute(H5Aopen(file, "model_config", H5P_DEFAULT), H5Aclose);
  if (!attribute.ok())
    return send_model_config_issue(ModelConfigStatus::Unreadable, 0, hdf5_error("cannot open it"));
  const Id type(H5Aget_type(attribute.get()), H5Tclose);
  const Id space(H5Aget_space(attribute.get()), H5Sclose);
  if (!type.ok() || !space.ok())
    return send_model_config_issue(ModelConfigStatus::Unreadable, 0, hdf5_error("cannot read its type"));
  if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1)
    return send_model_config_issue(ModelConfigStatus::Unreadable, 0, "not one string");
  std::string text;
  if (H5Tis_variable_str(type.get()) > 0) {
    const Id memory(H5Tcopy(H5T_C_S1), H5Tclose);
    char* value = nullptr;
    if (!memory.ok() || H5Tset_size(memory.get(), H5T_VARIABLE) < 0 ||
        H5Tset_cset(memory.get(), H5Tget_cset(type.get())) < 0 ||
        H5Aread(attribute.get(), memory.get(), &value) < 0 || value == nullptr)
      return send_model_config_issue(ModelConfigStatus::Unreadable, 0, hdf5_error("cannot read it"));
    const std::size_t length = std::strlen(value);
    if (length <= limit) text.assign(value, length);
    H5free_memory(value);
    if (length > limit) return send_model_config_issue(ModelConfigStatus::TooLong, length, {});
  } else {
    const std::size_t size = H5Tget_size(type.get());
    if (size > limit) return send_model_config_issue(ModelConfigStatus::TooLong, size, {});
    text.assign(size, '\0');
    if (size > 0 && H5Aread(attribute.get(), type.get(), text.data()) < 0)
      return send_model_config_issue(ModelConfigStatus::Unreadable, 0, hdf5_error("cannot read it"));
    text.resize(strnlen(text.data(), text.size()));  // NUL-padded (or NUL-terminated)
  }
  std::string payload(1, static_cast<char>(ModelConfigStatus::Text));
  payload += text;
  send(Frame::ModelConfig, payload.data(), payload.size());
}

struct Listing {
  const Options* options;
  std::uint64_t inlined = 0;  // bytes sent inline so far
  std::uint64_t datasets = 0;
};

void send_issue(const std::string& name, DatasetKind kind, const std::string& reason) {
  Payload payload;
  payload.text(name);
  payload.u8(static_cast<std::uint8_t>(kind));
  payload.text(reason);
  send(Frame::Dataset, payload);
}

// Reads the dataset in C order, a slab of at most kSlabBytes at a time (whole
// rows of the trailing dimensions, blocks of the one before), and sends it as
// Bytes frames. Returns the error, or nullopt.
std::optional<std::string> send_elements(hid_t dataset, hid_t type, const std::vector<hsize_t>& dims,
                                         std::size_t element_bytes, const std::vector<hsize_t>& chunk) {
  const std::size_t rank = dims.size();
  const std::uint64_t budget = std::max<std::uint64_t>(1, kSlabBytes / element_bytes);
  // Dimensions [k, rank) are read whole; dimension k - 1 in blocks of `block`.
  std::size_t k = rank;
  std::uint64_t inner = 1;
  std::uint64_t wider = 0;
  while (k > 0 && !__builtin_mul_overflow(inner, dims[k - 1], &wider) && wider <= budget) {
    inner = wider;
    --k;
  }
  std::uint64_t block = 1;
  if (k > 0) {
    block = std::max<std::uint64_t>(1, budget / inner);
    if (!chunk.empty() && block >= chunk[k - 1]) block -= block % chunk[k - 1];  // whole chunks
  }
  std::vector<std::byte> buffer(static_cast<std::size_t>(block * inner * element_bytes));
  const Id file_space(H5Dget_space(dataset), H5Sclose);
  if (!file_space.ok()) return hdf5_error("cannot read the dataspace");
  std::vector<hsize_t> start(rank, 0), count(dims);
  for (std::size_t i = 0; i + 1 < k; ++i) count[i] = 1;
  for (;;) {
    std::uint64_t n = inner;
    if (k > 0) {
      count[k - 1] = std::min<hsize_t>(block, dims[k - 1] - start[k - 1]);
      n = count[k - 1] * inner;
    }
    const hsize_t memory_elements = n;
    const Id memory_space(H5Screate_simple(1, &memory_elements, nullptr), H5Sclose);
    if (rank > 0 && H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                        nullptr) < 0)
      return hdf5_error("cannot select a slab");
    if (!memory_space.ok() || H5Dread(dataset, type, rank > 0 ? memory_space.get() : H5S_ALL,
                                      rank > 0 ? file_space.get() : H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
      return hdf5_error("cannot read the data");
    const std::size_t bytes = static_cast<std::size_t>(n * element_bytes);
    for (std::size_t at = 0; at < bytes; at += kMaxBytesPayload)
      send(Frame::Bytes, buffer.data() + at, std::min<std::size_t>(kMaxBytesPayload, bytes - at));
    // The next slab: dimension k - 1 advances, then the odometer over [0, k - 1).
    if (k == 0) return std::nullopt;
    start[k - 1] += count[k - 1];
    if (start[k - 1] < dims[k - 1]) continue;
    start[k - 1] = 0;
    std::size_t d = k - 1;
    while (d > 0) {
      if (++start[d - 1] < dims[d - 1]) break;
      start[d - 1] = 0;
      --d;
    }
    if (d == 0) return std::nullopt;
  }
}

hid_t dataset_access(std::uint64_t chunk_cache_bytes);

// Slabs run through the dataset in C order, so a chunk is read again until
// its row of chunks along the first dimension is done: the cache holds one
// such row (every chunk of the trailing dimensions).
std::uint64_t chunked_cache_bytes(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk,
                                  std::uint64_t chunk_bytes) {
  std::uint64_t bytes = chunk_bytes;
  for (std::size_t d = 1; d < dims.size(); ++d) {
    const std::uint64_t across = dims[d] / chunk[d] + (dims[d] % chunk[d] != 0);
    if (__builtin_mul_overflow(bytes, across, &bytes)) return kMaxChunkCacheBytes;
  }
  return std::clamp(bytes, kMinChunkCacheBytes, kMaxChunkCacheBytes);
}

// Describes one dataset (opened from `root` by `name`) and, when it is to be
// sent (serve mode, or small enough in list mode), sends its elements.
void handle_dataset(hid_t root, hid_t dataset, const std::string& name, Listing& listing) {
  ++listing.datasets;
  const Id type(H5Dget_type(dataset), H5Tclose);
  const Id space(H5Dget_space(dataset), H5Sclose);
  const Id create(H5Dget_create_plist(dataset), H5Pclose);
  if (!type.ok() || !space.ok() || !create.ok())
    return send_issue(name, DatasetKind::Unreadable, hdf5_error("cannot read the dataset's header"));
  const Classified classified = classify(type.get());
  if (!classified.type) return send_issue(name, DatasetKind::Skipped, classified.skip_reason);
  const H5S_class_t space_class = H5Sget_simple_extent_type(space.get());
  if (space_class == H5S_NULL) return send_issue(name, DatasetKind::Skipped, "no value (a null dataspace)");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (space_class == H5S_NO_CLASS || rank < 0 || rank > static_cast<int>(kMaxRank))
    return send_issue(name, DatasetKind::Unreadable, hdf5_error("cannot read the dataspace"));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0)
    return send_issue(name, DatasetKind::Unreadable, hdf5_error("cannot read the dimensions"));

  const int external = H5Pget_external_count(create.get());
  if (external > 0)
    return send_issue(
        name, DatasetKind::Skipped,
        "its data is in " + std::to_string(external) + " external file(s), which dtlint does not open");
  const H5D_layout_t layout = H5Pget_layout(create.get());
  if (layout == H5D_VIRTUAL)
    return send_issue(
        name, DatasetKind::Skipped,
        "a virtual dataset (mapped from other datasets or files), which dtlint does not follow");
  const std::size_t element_bytes = element_size(*classified.type);
  std::vector<hsize_t> chunk;
  std::uint64_t cache_bytes = kMinChunkCacheBytes;
  if (layout == H5D_CHUNKED) {
    chunk.resize(dims.size());
    if (rank > 0 && H5Pget_chunk(create.get(), rank, chunk.data()) != rank)
      return send_issue(name, DatasetKind::Unreadable, hdf5_error("cannot read the chunk dimensions"));
    std::uint64_t chunk_bytes = element_bytes;
    for (hsize_t extent : chunk) {
      if (extent == 0 || __builtin_mul_overflow(chunk_bytes, extent, &chunk_bytes)) {
        chunk_bytes = UINT64_MAX;
        break;
      }
    }
    if (chunk_bytes > kMaxChunkBytes)
      return send_issue(
          name, DatasetKind::Unreadable,
          "chunks of " +
              (chunk_bytes == UINT64_MAX ? std::string("more than 2^64") : std::to_string(chunk_bytes)) +
              " bytes, more than the " + std::to_string(kMaxChunkBytes >> 20) +
              " MiB a chunk may have for dtlint");
    cache_bytes = chunked_cache_bytes(dims, chunk, chunk_bytes);
  }
  const int filters = H5Pget_nfilters(create.get());
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t values = 0;
    char filter_name[64] = {};
    const H5Z_filter_t filter = H5Pget_filter2(create.get(), static_cast<unsigned>(i), &flags, &values,
                                               nullptr, sizeof filter_name, filter_name, &config);
    if (filter < 0)
      return send_issue(name, DatasetKind::Unreadable, hdf5_error("cannot read the filter pipeline"));
    if (H5Zfilter_avail(filter) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return send_issue(name, DatasetKind::Unreadable,
                        "compressed with HDF5 filter " + std::to_string(filter) + " ('" +
                            std::string(filter_name, strnlen(filter_name, sizeof filter_name)) +
                            "'), which this libhdf5 cannot decode");
    }
  }

  std::uint64_t elements = 1, bytes = 0;
  for (hsize_t extent : dims) {
    if (__builtin_mul_overflow(elements, extent, &elements))
      return send_issue(name, DatasetKind::Unreadable, "declares more than 2^64 elements");
  }
  if (__builtin_mul_overflow(elements, element_bytes, &bytes))
    return send_issue(name, DatasetKind::Unreadable, "declares more than 2^64 bytes of data");

  const Options& options = *listing.options;
  const bool data_follows = !options.list || (bytes <= options.inline_dataset_bytes &&
                                              bytes <= options.inline_total_bytes - listing.inlined);
  Payload payload;
  payload.text(name);
  payload.u8(static_cast<std::uint8_t>(DatasetKind::Array));
  payload.u8(static_cast<std::uint8_t>(*classified.type));
  payload.u8(classified.big_endian ? 1 : 0);
  payload.u8(data_follows ? 1 : 0);
  payload.u32(static_cast<std::uint32_t>(rank));
  for (hsize_t extent : dims) payload.u64(extent);
  send(Frame::Dataset, payload);
  if (!data_follows) return;
  if (options.list) listing.inlined += bytes;
  if (elements == 0) return send(Frame::Done, nullptr, 0);

  // Opened again for reading, with a chunk cache to fit (the cache is fixed at opening).
  const Id access(dataset_access(cache_bytes), H5Pclose);
  const Id reading(cache_bytes > kMinChunkCacheBytes ? H5Dopen2(root, name.c_str(), access.get()) : -1,
                   H5Dclose);
  if (reading.ok()) dataset = reading.get();
  H5Eclear2(H5E_DEFAULT);
  const Id read_type(memory_type(type.get(), *classified.type), H5Tclose);
  if (!read_type.ok()) return send_text(Frame::Failed, hdf5_error("cannot convert the element type"));
  const std::optional<std::string> error =
      send_elements(dataset, read_type.get(), dims, element_bytes, chunk);
  if (error) return send_text(Frame::Failed, *error);
  send(Frame::Done, nullptr, 0);
}

// Dataset access (a kind of link access): no soft or external link is
// followed, since the names list mode gives are paths of hard links.
hid_t dataset_access(std::uint64_t chunk_cache_bytes) {
  const hid_t access = H5Pcreate(H5P_DATASET_ACCESS);
  if (access >= 0) {
    // Hash slots: a prime, some ten per chunk the cache may hold.
    H5Pset_chunk_cache(access, chunk_cache_bytes > (std::uint64_t{16} << 20) ? 100003 : 12421,
                       static_cast<std::size_t>(chunk_cache_bytes), 1.0);
    H5Pset_nlinks(access, 0);
  }
  return access;
}

herr_t visit(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  auto& listing = *static_cast<Listing*>(data);
  const Id access(dataset_access(kMinChunkCacheBytes), H5Pclose);
  const Id dataset(H5Dopen2(root, name, access.get()), H5Dclose);
  if (!dataset.ok()) {
    ++listing.datasets;
    send_issue(name, DatasetKind::Unreadable, hdf5_error("cannot open the dataset"));
    return 0;
  }
  handle_dataset(root, dataset.get(), name, listing);
  return 0;
}

void send_end(std::uint64_t datasets) {
  Payload end;
  end.u64(datasets);
  send(Frame::End, end);
}

bool read_all(void* data, std::size_t size) {
  char* at = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = ::read(STDIN_FILENO, at, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    at += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

// The next request: a u32 length and a dataset name. False at the end of the
// requests (the scanner is done with this file); a malformed one ends them too.
bool read_request(std::string& name) {
  unsigned char length_bytes[4];
  if (!read_all(length_bytes, sizeof length_bytes)) return false;
  std::uint32_t length = 0;
  for (int i = 3; i >= 0; --i) length = (length << 8) | length_bytes[i];
  if (length == 0 || length > kMaxTextBytes) return false;
  name.assign(length, '\0');
  return read_all(name.data(), length) && name.find('\0') == std::string::npos;
}

bool parse_number(const char* text, std::uint64_t& value) {
  char* end = nullptr;
  errno = 0;
  value = std::strtoull(text, &end, 10);
  return errno == 0 && end != text && *end == '\0';
}

void limit(int resource, rlim_t value) {
  const rlimit limits{value, value};
  ::setrlimit(resource, &limits);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t memory_mib = 0, cpu_seconds = 0;
  Options options;
  if (argc < 4 || !parse_number(argv[1], memory_mib) || !parse_number(argv[2], cpu_seconds))
    return kExitUsage;
  const std::string_view mode = argv[3];
  if (mode == "list" && argc == 7) {
    if (!parse_number(argv[4], options.inline_dataset_bytes) ||
        !parse_number(argv[5], options.inline_total_bytes) ||
        !parse_number(argv[6], options.model_config_bytes))
      return kExitUsage;
  } else if (mode == "serve" && argc == 4) {
    options.list = false;
  } else {
    return kExitUsage;
  }
  // Limits first, before libhdf5 sees a byte of the file. A soft CPU limit
  // raises SIGXCPU, which the scanner explains; the file-size limit of 0 means
  // this process can write no file at all (its pipe is not a file).
  // The death signal comes when the *thread* that started this process ends,
  // not the scanner: only a listing, read to its end by that thread, asks for
  // it. A serving child outlives its thread in the file's pool; it exits when
  // the scanner closes its request socket, or cannot write to its pipe.
  if (options.list) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  limit(RLIMIT_CORE, 0);
  limit(RLIMIT_FSIZE, 0);
  limit(RLIMIT_AS, static_cast<rlim_t>(memory_mib) << 20);
  const rlimit cpu{static_cast<rlim_t>(cpu_seconds), static_cast<rlim_t>(cpu_seconds) + 1};
  ::setrlimit(RLIMIT_CPU, &cpu);
  std::set_new_handler([] { ::_exit(kExitOutOfMemory); });

  send(Frame::Hello, kHello.data(), kHello.size());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are sent, never printed
  const Id file_access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // No lock: dtlint never changes how other programs may use an input. The
  // default (sec2) driver resolves /proc/self/fd/3 to a real path, which a
  // memory file (a .keras member) has not: those are read with the stdio
  // driver (whose callbacks clear libhdf5's error stack, so its messages say less).
  char* real_path = ::realpath("/proc/self/fd/3", nullptr);
  const bool named_file = real_path != nullptr;
  std::free(real_path);
  if (!file_access.ok() || H5Pset_file_locking(file_access.get(), false, true) < 0 ||
      (!named_file && H5Pset_fapl_stdio(file_access.get()) < 0)) {
    send_text(Frame::Fatal, hdf5_error("cannot set up libhdf5"));
    return 0;
  }
  const Id file(H5Fopen("/proc/self/fd/3", H5F_ACC_RDONLY, file_access.get()), H5Fclose);
  if (!file.ok()) {
    send_text(Frame::Fatal, "not a readable HDF5 file (" + hdf5_error("libhdf5 cannot open it") + ")");
    return 0;
  }
  if (options.list) {
    send_model_config(file.get(), options.model_config_bytes);
    Listing listing{&options};
    if (H5Ovisit2(file.get(), H5_INDEX_NAME, H5_ITER_INC, &visit, &listing, H5O_INFO_BASIC) < 0) {
      send_text(Frame::Fatal, "cannot list the file's datasets (" + hdf5_error("damaged groups") + ")");
      return 0;
    }
    send_end(listing.datasets);
    return 0;
  }
  for (std::string name; read_request(name);) {
    Listing listing{&options};
    const Id access(dataset_access(kMinChunkCacheBytes), H5Pclose);
    const Id dataset(H5Dopen2(file.get(), name.c_str(), access.get()), H5Dclose);
    if (!dataset.ok()) {
      ++listing.datasets;
      send_issue(name, DatasetKind::Unreadable, hdf5_error("cannot open the dataset"));
    } else {
      handle_dataset(file.get(), dataset.get(), name, listing);
    }
    send_end(listing.datasets);
  }
  return 0;
}
