#include "analyzer/formats/readers.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <vector>

#include "analyzer/formats/npy.h"
#include "analyzer/formats/npz.h"
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

constexpr std::array<std::string_view, 1> kNpyExtensions{".npy"};
constexpr std::array<std::string_view, 1> kSafetensorsExtensions{".safetensors"};

constexpr std::array<std::string_view, 3> kTorchExtensions{".pt", ".pth", ".ckpt"};
constexpr std::array<std::string_view, 1> kTorchContentExtensions{".bin"};

bool sniff_torch(std::span<const std::byte> prefix, std::string_view) {
  return looks_like_torch(prefix);
}

constexpr std::array<Reader, 4> kReaders{{
    {"npy", kNpyExtensions, &sniff_npy, &read_npy, {}},
    {"npz", kNpzExtensions, &sniff_npz, &read_npz, {}},
    {"safetensors", kSafetensorsExtensions, &sniff_safetensors, &read_safetensors_on_demand, {}},
    {"torch", kTorchExtensions, &sniff_torch, &read_torch, kTorchContentExtensions},
}};

}  // namespace

std::span<const Reader> readers() {
  return kReaders;
}

const Reader* reader_by_name(std::string_view path) {
  for (const Reader& reader : kReaders) {
    for (std::string_view extension : reader.extensions) {
      if (has_extension(path, extension)) return &reader;
    }
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
