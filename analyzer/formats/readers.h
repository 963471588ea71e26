// The one table of the formats dtlint reads: name, extensions, sniffing by
// bytes and the read function, all readers with one signature. Discovery
// recognises inputs with it, the scan reads them with it, and the CLI help,
// the pre-commit hook's file pattern (.pre-commit-hooks.yaml) and the fuzz
// targets (tests/fuzz/CMakeLists.txt, scripts/fuzz.sh: fuzz_<name> or
// fuzz_<name>_<part> for every reader) follow it; tests/reader_table_test.cpp
// holds those files to it. A new format is one entry here plus its reader,
// its fuzz target and the hook's extension list.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// Sniffing sees at most this many first bytes of a file: enough for a zip
// archive's first entry name (a PyTorch checkpoint's <archive>/data.pkl), and
// still one page read.
inline constexpr std::size_t kSniffBytes = 512;

// Whether a file's first bytes (kSniffBytes, fewer for a shorter file) show
// that it is in this format. `path` is there for magic numbers that other
// formats share: a zip archive is an .npz only by name (.docx and .whl are zips).
using SniffFunction = bool (*)(std::span<const std::byte> prefix, std::string_view path);

// Reads a whole input: its arrays, with location path = `path`, its unreadable
// and skipped members. Throws InputError(path, reason) when the input as a
// whole cannot be read.
using ReadFunction = ContainerContents (*)(const InputBytes& input, const std::string& path);

struct Reader {
  std::string_view name;                         // "npz", lower case; the fuzz target is fuzz_<name>
  std::span<const std::string_view> extensions;  // ".npz", lower case; names match them in any case
  SniffFunction sniff;
  ReadFunction read;
  // Names read only when the content says so (".bin": pytorch_model.bin is a
  // checkpoint, most .bin files are not); the pre-commit hook passes them too.
  std::span<const std::string_view> content_extensions;
};

// In the order recognition tries them.
std::span<const Reader> readers();

// The reader a file's name calls for (one of its extensions, any case, after
// at least one other character of the name), or nullptr.
const Reader* reader_by_name(std::string_view path);

// The reader whose content_extensions the name has, or nullptr: a file that a
// scan was given by name but whose content is not that format's is skipped.
const Reader* reader_by_content_extension(std::string_view path);

// The reader for a file, from its first bytes (every reader's sniff, in table
// order), else from its name; nullptr when neither says. Content first: an
// array named .bin is still read.
const Reader* reader_for(std::span<const std::byte> prefix, std::string_view path);

// Maps (or reads) `file` once, as the scan does, and reads it with `read`:
// for tests and tools that name the format themselves. Throws InputError(path, reason).
ContainerContents read_path(ReadFunction read, const std::filesystem::path& file, const std::string& path);

// Data formats dtlint recognises but does not read. A file in one of them is a
// DT204 skipped input with the reason, not a file a scan passes over in
// silence: a folder of Parquet tables or pickles would otherwise report
// "No findings." with nothing checked.
struct UnreadFormat {
  std::string_view name;                         // "parquet"
  std::span<const std::string_view> extensions;  // lower case; names match them in any case
  SniffFunction sniff;                           // nullptr: recognised by name only
  std::string_view reason;                       // the DT204 note: what it is, why it is not read, what to do
};

std::span<const UnreadFormat> unread_formats();

// The format a file that no reader takes is in, from its first bytes (each
// sniff, in table order) or else its name; nullptr when neither says.
const UnreadFormat* unread_format_for(std::span<const std::byte> prefix, std::string_view path);

// Every reader's extensions (content_extensions too) in table order, as help and messages list them:
// ".npy, .npz and .safetensors" for conjunction "and".
std::string reader_extensions_text(std::string_view conjunction);

}  // namespace dtlint
