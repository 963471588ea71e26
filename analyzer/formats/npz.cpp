#include "analyzer/formats/npz.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analyzer/formats/npy.h"
#include "analyzer/formats/zip/archive.h"
#include "analyzer/input_error.h"

namespace dtlint {
namespace {

constexpr std::string_view kNpySuffix = ".npy";

// Room for the longest .npy preamble: magic, version and a 4-byte header length.
constexpr std::size_t kNpyPreambleBytes = 12;

bool is_npy(const zip::Entry& entry) {
  return entry.name.ends_with(kNpySuffix);
}

std::optional<std::string> npy_instead_of_zip(std::span<const std::byte> bytes) {
  if (bytes.size() >= 6 && std::memcmp(bytes.data(), "\x93NUMPY", 6) == 0) {
    return "not a zip archive: this is a .npy file (a .npz file is a zip archive of .npy files)";
  }
  return std::nullopt;
}

constexpr zip::ArchiveKind kNpzArchive{".npz", "NumPy", &npy_instead_of_zip};

ArrayView stored_view(const zip::Archive& archive, const zip::Entry& entry) {
  // The CRC is checked before the header, so that a damaged header is reported as damage.
  const std::span<const std::byte> bytes = archive.stored_bytes(entry);
  ArrayView view = npy_from_bytes(bytes, archive.input().owner, archive.path());
  view.mapped = archive.input().mapped;
  return view;
}

// Inflates just the member's .npy header (at most the preamble and kNpyMaxHeaderBytes).
std::vector<std::byte> inflate_header(const zip::Archive& archive, const zip::Entry& entry) {
  std::vector<std::byte> head = archive.read_head(entry, kNpyPreambleBytes);
  // Only to know how much more to inflate; parse_npy_header does the checking.
  const bool magic = head.size() >= 8 && std::memcmp(head.data(), "\x93NUMPY", 6) == 0;
  const unsigned major = magic ? std::to_integer<unsigned>(head[6]) : 0;
  if (major >= 1 && major <= 3) {
    const std::size_t length_bytes = major == 1 ? 2 : 4;
    if (head.size() >= 8 + length_bytes) {
      std::uint64_t header_length = 0;
      for (std::size_t i = 0; i < length_bytes; ++i) {
        header_length |= std::uint64_t{std::to_integer<unsigned>(head[8 + i])} << (8 * i);
      }
      const std::size_t need = 8 + length_bytes + static_cast<std::size_t>(header_length);
      if (header_length <= kNpyMaxHeaderBytes && need > head.size()) {
        return archive.read_head(entry, need);  // the preamble once more: a few bytes
      }
    }
  }
  return head;
}

ArrayView deflated_view(const zip::Archive& archive, const zip::Entry& entry) {
  const std::string& path = archive.path();
  const NpyHeader header = parse_npy_header(inflate_header(archive, entry), path);
  ArrayView view = view_from_header(header, path);
  view.owner = archive.input().owner;
  view.mapped = false;
  // Object arrays hold pickles, which are never read: no size check, no stream.
  if (header.dtype == DType::Object) return view;

  // Cannot overflow: parse_npy_header checked the product against size_t.
  const std::uint64_t data_bytes = header.elements * info(header.dtype).size;
  std::uint64_t total = 0;
  if (__builtin_add_overflow(std::uint64_t{header.data_offset}, data_bytes, &total) ||
      total != entry.uncompressed_size) {
    throw InputError(path, zip::member_prefix(entry.name) + "the entry declares " +
                               std::to_string(entry.uncompressed_size) +
                               " uncompressed bytes, but its .npy header declares " +
                               std::to_string(header.data_offset) + " header bytes + " +
                               std::to_string(data_bytes) + " data bytes");
  }
  view.stream = archive.stream(entry, {header.data_offset, ".npy header"});
  return view;
}

}  // namespace

ContainerContents read_npz(const InputBytes& input, const std::string& path) {
  if (input.bytes.empty())
    throw InputError(path, "empty file (expected a .npz archive, which is a zip file)");
  const zip::Archive archive = zip::Archive::open(input, path, kNpzArchive);

  // Entry names that occur more than once among the .npy entries: which one a
  // reader gets differs between tools, so none of them is analysed. Found by
  // sorting pointers (8 bytes a member, where a map of names took some 100);
  // the stable sort keeps each name's entries in central-directory order.
  std::vector<const zip::Entry*> by_name;
  for (const zip::Entry& entry : archive.entries()) {
    if (is_npy(entry)) by_name.push_back(&entry);
  }
  std::stable_sort(by_name.begin(), by_name.end(),
                   [](const zip::Entry* a, const zip::Entry* b) { return a->name < b->name; });
  std::map<const zip::Entry*, std::vector<const zip::Entry*>> namesakes_of_first;
  std::unordered_set<const zip::Entry*> later_namesakes;
  for (auto group = by_name.begin(); group != by_name.end();) {
    const auto group_end = std::find_if(
        group, by_name.end(), [&](const zip::Entry* other) { return other->name != (*group)->name; });
    if (group_end - group > 1) {
      namesakes_of_first.emplace(*group, std::vector<const zip::Entry*>(group, group_end));
      later_namesakes.insert(group + 1, group_end);
    }
    group = group_end;
  }
  by_name = {};

  ContainerContents contents;
  for (const zip::Entry& entry : archive.entries()) {
    if (!is_npy(entry)) {
      contents.skipped.push_back({Location(path, entry.name), entry.is_directory()
                                                                  ? "not an .npy member (a directory)"
                                                                  : "not an .npy member"});
      continue;
    }
    std::string member = entry.name.substr(0, entry.name.size() - kNpySuffix.size());
    if (later_namesakes.contains(&entry)) continue;  // reported once, at the first
    if (const auto namesakes = namesakes_of_first.find(&entry); namesakes != namesakes_of_first.end()) {
      contents.unreadable.push_back(
          {Location(path, std::move(member)), zip::Archive::namesakes_reason(namesakes->second)});
      continue;
    }
    if (auto problem = archive.problem(entry)) {
      contents.unreadable.push_back({Location(path, std::move(member)), std::move(*problem)});
      continue;
    }
    try {
      ArrayView view =
          entry.method == zip::kStored ? stored_view(archive, entry) : deflated_view(archive, entry);
      view.location.member = std::move(member);
      contents.arrays.push_back(std::move(view));
    } catch (const InputError& error) {
      std::string reason = error.reason();
      // The .npy reader's messages do not know the member; the prefix names it.
      const std::string prefix = zip::member_prefix(entry.name);
      if (!reason.starts_with(prefix)) reason = prefix + reason;
      contents.unreadable.push_back({Location(path, std::move(member)), std::move(reason)});
    }
  }
  return contents;
}

}  // namespace dtlint
