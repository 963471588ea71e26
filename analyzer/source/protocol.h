// The wire format between the Clang helper (dtlint-clang, the only program
// that links Clang and LLVM) and the scanner. One run of the helper parses one
// translation unit; the scanner runs up to --threads of them at once, and a
// helper that crashes, hangs or runs out of memory on a hostile source is an
// E901 for that unit while the scan goes on. The scanner treats every byte
// the helper writes as untrusted (source_scan.cpp checks each field and every
// length before using it).
//
// Command line:
//   dtlint-clang --file PATH --directory DIR [--root DIR ...] [--memory-mb N]
//                [--seconds N] -- COMPILER ARGUMENT...
//   --file       the unit's main file (absolute)
//   --directory  the compile command's working directory (absolute)
//   --root       report only casts in files under these folders (absolute,
//                lexically normal); system headers are never reported
//   --memory-mb  the address-space limit the helper sets on itself (0: none)
//   --seconds    the CPU-time limit the helper sets on itself (0: none)
//   after --     the compile command as the database gives it (argv[0] the
//                compiler), or the scanner's defaults for a file outside the
//                database; the helper makes it a syntax-only run: no output
//                file, no warnings, Clang's own resource directory.
//
// A frame is a one-byte type, a four-byte little-endian payload length (at
// most kMaxPayload) and the payload. Integers are little-endian; a text is a
// u32 length and the bytes (not NUL-terminated). A run writes:
//
//   Hello   text kHello
//   Site    per cast site found, in the order the matchers found them:
//             text file     the file holding the location (absolute, as Clang names it)
//             u32 line, u32 column, u32 end_line, u32 end_column (1-based; 0: unknown)
//             text macro    the macro whose expansion holds the cast ("" none)
//             u8  kind      CastSiteKind
//             text source spelling, u8 source dtype (DType, or kNoDType)
//             text target spelling, u8 target dtype (DType, or kNoDType)
//             u8  semantics (Semantics)
//             u8  constant  ConstantKind, then for Float: u64 significand and
//                           u16 sign-and-exponent of the value as an x87
//                           80-bit long double; Signed: i64; Unsigned: u64;
//                           then text operand spelling (at most 80 bytes)
//   Unit    u32 compiler errors, text the first error's message ("" none;
//           at most 300 bytes), u32 count and that many texts: the files
//           under the roots the unit read (its main file and headers)
//   End     u64 number of Site frames sent
// or, when the unit cannot be parsed at all, Fatal (text reason) instead of
// whatever would have come next.
#pragma once

#include <cstdint>
#include <string_view>

namespace dtlint::clang_protocol {

inline constexpr std::string_view kHelperName = "dtlint-clang";
inline constexpr std::string_view kHello = "dtlint-clang 1";
inline constexpr std::uint32_t kMaxPayload = 1u << 20;
inline constexpr std::uint8_t kNoDType = 0xff;
inline constexpr std::size_t kMaxOperandSpelling = 80;
inline constexpr std::size_t kMaxErrorMessage = 300;

enum class Frame : std::uint8_t {
  Hello = 'H',
  Site = 'S',
  Unit = 'U',
  End = 'Z',
  Fatal = 'X',
};

enum class ConstantKind : std::uint8_t { None = 0, Float = 1, Signed = 2, Unsigned = 3 };

}  // namespace dtlint::clang_protocol
