// Reader for NumPy's .npz archives: zip files of .npy members, stored or
// deflated, with or without ZIP64 records (np.savez and np.savez_compressed).
// The zip structure and its checks are the zip layer's (formats/zip/), the .npy
// header of each member the .npy reader's. Stored members become views into the
// input; deflated members are inflated a buffer at a time by an ElementStream,
// never whole, straight from the input (each stream independent of the others).
#pragma once

#include <string>

#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// Lists the archive's members. Each .npy entry becomes an ArrayView whose
// member is the entry name without ".npy" (the key np.load(...)[key] takes);
// other entries and directories are `skipped`; entries that cannot be read
// (encrypted, unsupported compression, broken npy header, sizes that disagree,
// forged compression ratio, bad CRC of a stored member, overlapping or
// duplicate entries) are `unreadable`, and the other members are still read.
// Stored members have their CRC-32 checked here (one pass over their bytes);
// deflated members have theirs checked by their stream when it reaches the end.
// Throws InputError(path, reason) when the archive as a whole is unusable: not
// a zip archive, a damaged or truncated central directory, or local headers
// that disagree with it.
ContainerContents read_npz(const InputBytes& input, const std::string& path);

}  // namespace dtlint
