#include "analyzer/formats/readers.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <vector>

#include "analyzer/formats/gguf.h"
#include "analyzer/formats/hdf5.h"
#include "analyzer/formats/npy.h"
#include "analyzer/formats/npz.h"
#include "analyzer/formats/onnx.h"
#include "analyzer/formats/safetensors.h"
#include "analyzer/formats/torch/torch.h"

namespace dtlint {
namespace {

bool starts_with(std::span<const std::byte> prefix, std::string_view magic) {
  return prefix.size() >= magic.size() && std::memcmp(prefix.data(), magic.data(), magic.size()) == 0;
}

// The file name ends in `extension` (lower case; compared in any case) after at
// least one other character, as std::filesystem::path::extension has it
// (".npy" alone is a dotfile, not an .npy file).
bool has_extension(std::string_view path, std::string_view extension) {
  if (path.size() <= extension.size() || path[path.size() - extension.size() - 1] == '/') return false;
  const std::string_view tail = path.substr(path.size() - extension.size());
  for (std::size_t i = 0; i < extension.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) != extension[i]) return false;
  }
  return true;
}

bool sniff_npy(std::span<const std::byte> prefix, std::string_view) {
  return starts_with(prefix, "\x93NUMPY");
}

constexpr std::array<std::string_view, 1> kNpzExtensions{".npz"};

bool sniff_npz(std::span<const std::byte> prefix, std::string_view path) {
  // A zip archive is an .npz only by name: .docx, .jar and .whl are zips too.
  return (starts_with(prefix, std::string_view("PK\x03\x04", 4)) ||
          starts_with(prefix, std::string_view("PK\x05\x06", 4))) &&
         has_extension(path, kNpzExtensions[0]);
}

bool sniff_safetensors(std::span<const std::byte> prefix, std::string_view) {
  // An 8-byte little-endian header length, then the JSON header's '{'.
  if (prefix.size() < 9 || prefix[8] != std::byte{'{'}) return false;
  std::uint64_t length = 0;
  for (std::size_t i = 8; i-- > 0;) length = (length << 8) | std::to_integer<std::uint64_t>(prefix[i]);
  return length >= 2 && length <= (std::uint64_t{100} << 20);
}

bool sniff_gguf(std::span<const std::byte> prefix, std::string_view) {
  return starts_with(prefix, "GGUF");
}

constexpr std::array<std::string_view, 3> kHdf5Extensions{".h5", ".hdf5", ".keras"};

bool sniff_hdf5(std::span<const std::byte> prefix, std::string_view path) {
  // The HDF5 signature at offset 0 (files with a user block have it later: by
  // name then); a .keras file is a zip archive, and one only by name.
  return starts_with(prefix, std::string_view("\x89HDF\r\n\x1a\n", 8)) ||
         ((starts_with(prefix, std::string_view("PK\x03\x04", 4)) ||
           starts_with(prefix, std::string_view("PK\x05\x06", 4))) &&
          has_extension(path, kHdf5Extensions[2]));
}

constexpr std::array<std::string_view, 1> kNpyExtensions{".npy"};
constexpr std::array<std::string_view, 1> kSafetensorsExtensions{".safetensors"};
constexpr std::array<std::string_view, 1> kGgufExtensions{".gguf"};

// An ONNX model by its first fields; a .pb file (one TensorProto) only by name:
// its first bytes are too common to tell it by, and TensorFlow writes .pb files too.
constexpr std::array<std::string_view, 2> kOnnxExtensions{".onnx", ".pb"};

bool sniff_onnx(std::span<const std::byte> prefix, std::string_view) {
  return looks_like_onnx_model(prefix.data(), prefix.size());
}

constexpr std::array<std::string_view, 3> kTorchExtensions{".pt", ".pth", ".ckpt"};
constexpr std::array<std::string_view, 1> kTorchContentExtensions{".bin"};

bool sniff_torch(std::span<const std::byte> prefix, std::string_view) {
  return looks_like_torch(prefix);
}

constexpr std::array<Reader, 7> kReaders{{
    {"npy", kNpyExtensions, &sniff_npy, &read_npy, {}},
    {"npz", kNpzExtensions, &sniff_npz, &read_npz, {}},
    {"safetensors", kSafetensorsExtensions, &sniff_safetensors, &read_safetensors_on_demand, {}},
    {"torch", kTorchExtensions, &sniff_torch, &read_torch, kTorchContentExtensions},
    {"gguf", kGgufExtensions, &sniff_gguf, &read_gguf, {}},
    {"hdf5", kHdf5Extensions, &sniff_hdf5, &read_hdf5, {}},
    {"onnx", kOnnxExtensions, &sniff_onnx, &read_onnx, {}},
}};

bool sniff_parquet(std::span<const std::byte> prefix, std::string_view) {
  return starts_with(prefix, "PAR1");
}

bool sniff_arrow(std::span<const std::byte> prefix, std::string_view) {
  return starts_with(prefix, std::string_view("ARROW1\0\0", 8));
}

bool sniff_tflite(std::span<const std::byte> prefix, std::string_view) {
  // A FlatBuffer's root offset, then the schema's file identifier.
  return prefix.size() >= 8 && std::memcmp(prefix.data() + 4, "TFL3", 4) == 0;
}

constexpr std::array<std::string_view, 2> kParquetExtensions{".parquet", ".pq"};
constexpr std::array<std::string_view, 3> kArrowExtensions{".arrow", ".feather", ".ipc"};
constexpr std::array<std::string_view, 2> kTfrecordExtensions{".tfrecord", ".tfrecords"};
constexpr std::array<std::string_view, 2> kPickleExtensions{".pkl", ".pickle"};
constexpr std::array<std::string_view, 1> kJoblibExtensions{".joblib"};
constexpr std::array<std::string_view, 1> kTfliteExtensions{".tflite"};
constexpr std::array<std::string_view, 1> kMsgpackExtensions{".msgpack"};
constexpr std::array<std::string_view, 1> kMatExtensions{".mat"};

constexpr std::array<UnreadFormat, 8> kUnreadFormats{{
    {"parquet", kParquetExtensions, &sniff_parquet,
     "an Apache Parquet table, which dtlint does not read: save the numeric columns that will be cast with "
     "np.save (df[column].to_numpy()) to check them"},
    {"arrow", kArrowExtensions, &sniff_arrow,
     "an Apache Arrow IPC (Feather) file, which dtlint does not read: save the numeric columns that will be "
     "cast with np.save to check them"},
    {"tfrecord", kTfrecordExtensions, nullptr,
     "a TFRecord file of serialized tf.train.Example records, which dtlint does not read: save the decoded "
     "feature arrays with np.save to check them"},
    {"pickle", kPickleExtensions, nullptr,
     "a Python pickle, which dtlint never loads (unpickling runs code chosen by whoever wrote the file): "
     "save the arrays with np.save or safetensors to check them"},
    {"joblib", kJoblibExtensions, nullptr,
     "a joblib file (pickle-based), which dtlint never loads (unpickling runs code chosen by whoever wrote "
     "the file): save the arrays with np.save to check them"},
    {"tflite", kTfliteExtensions, &sniff_tflite,
     "a TensorFlow Lite model, which dtlint does not read yet: check the weights in the model it was "
     "converted from (SavedModel variables, .h5, .onnx or a PyTorch checkpoint)"},
    {"msgpack", kMsgpackExtensions, nullptr,
     "a MessagePack file (as Flax serializes parameters), which dtlint does not read: save the parameters "
     "with safetensors (safetensors.flax.save_file) to check them"},
    {"mat", kMatExtensions, nullptr,
     "a MATLAB MAT-file, which dtlint does not read: save the arrays with scipy.io.loadmat and np.save to "
     "check them"},
}};

bool matches_name(std::span<const std::string_view> extensions, std::string_view path) {
  return std::any_of(extensions.begin(), extensions.end(),
                     [&](std::string_view extension) { return has_extension(path, extension); });
}

}  // namespace

std::span<const UnreadFormat> unread_formats() {
  return kUnreadFormats;
}

const UnreadFormat* unread_format_for(std::span<const std::byte> prefix, std::string_view path) {
  prefix = prefix.first(std::min(prefix.size(), kSniffBytes));
  for (const UnreadFormat& format : kUnreadFormats) {
    if (format.sniff != nullptr && format.sniff(prefix, path)) return &format;
  }
  for (const UnreadFormat& format : kUnreadFormats) {
    if (matches_name(format.extensions, path)) return &format;
  }
  return nullptr;
}

std::span<const Reader> readers() {
  return kReaders;
}

const Reader* reader_by_name(std::string_view path) {
  for (const Reader& reader : kReaders) {
    if (matches_name(reader.extensions, path)) return &reader;
  }
  return nullptr;
}

const Reader* reader_by_content_extension(std::string_view path) {
  for (const Reader& reader : kReaders) {
    for (std::string_view extension : reader.content_extensions) {
      if (has_extension(path, extension)) return &reader;
    }
  }
  return nullptr;
}

const Reader* reader_for(std::span<const std::byte> prefix, std::string_view path) {
  prefix = prefix.first(std::min(prefix.size(), kSniffBytes));
  for (const Reader& reader : kReaders) {
    if (reader.sniff(prefix, path)) return &reader;
  }
  return reader_by_name(path);
}

ContainerContents read_path(ReadFunction read, const std::filesystem::path& file, const std::string& path) {
  return read(input_bytes(MappedFile::open(file, path)), path);
}

std::string reader_extensions_text(std::string_view conjunction) {
  std::vector<std::string_view> all;
  for (const Reader& reader : kReaders) {
    all.insert(all.end(), reader.extensions.begin(), reader.extensions.end());
    all.insert(all.end(), reader.content_extensions.begin(), reader.content_extensions.end());
  }
  std::string text;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) text += i + 1 == all.size() ? " " + std::string(conjunction) + " " : ", ";
    text += all[i];
  }
  return text;
}

}  // namespace dtlint
