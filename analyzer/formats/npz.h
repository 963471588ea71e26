// Reader for NumPy's .npz archives: zip files of .npy members, stored or
// deflated, with or without ZIP64 records (np.savez and np.savez_compressed).
// The zip structure is read by libzip, the .npy header of each member by the
// .npy reader. Stored members become views into the file mapping; deflated
// members are inflated by zlib a buffer at a time by an ElementStream, never
// whole, straight from the mapping (each stream independent of the others).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "analyzer/formats/container.h"

namespace dtlint {

// A deflate stream cannot expand its input more than 1032-fold (a 258-byte match
// costs at least two bits), so a member declaring more is forged. zlib reaches
// about 1029:1 on zeros, so a lower cap would reject real arrays of zeros.
inline constexpr std::uint64_t kNpzMaxDeflateRatio = 1032;

// Maps `file` and lists its members. Each .npy entry becomes an ArrayView whose
// member is the entry name without ".npy" (the key np.load(...)[key] takes);
// other entries and directories are `skipped`; entries that cannot be read
// (encrypted, unsupported compression, broken npy header, sizes that disagree,
// forged compression ratio, bad CRC of a stored member, overlapping or
// duplicate entries) are `unreadable`, and the other members are still read.
// Stored members have their CRC-32 checked here (one pass over their bytes);
// deflated members have theirs checked by their stream when it reaches the end.
// Throws InputError(display_path, reason) when the archive as a whole is
// unusable: not a zip archive, a damaged or truncated central directory, or
// local headers that disagree with it.
ContainerContents open_npz(const std::filesystem::path& file, const std::string& display_path);

}  // namespace dtlint
