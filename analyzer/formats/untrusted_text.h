// Text from an input file is untrusted: before it appears in a message it is
// escaped and cut short, so that a hostile file can neither flood nor garble a
// report; and where a format demands UTF-8, it is checked strictly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dtlint {

// "0x7f".
std::string hex_byte(unsigned value);

// Printable ASCII as is; control bytes, non-ASCII bytes and backslashes as \xNN;
// "..." after the first `max_shown` bytes.
std::string escape_untrusted(std::string_view text, std::size_t max_shown);

// escape_untrusted in single quotes.
std::string quote_untrusted(std::string_view text, std::size_t max_shown = 40);

// A tensor's name in a message: quote_untrusted, showing more of it (tensor
// names may be long and still meaningful).
std::string quote_tensor_name(std::string_view name);

// Dimensions (or any numbers from a file) as messages list them: "[2, 3]".
std::string list_text(std::span<const std::uint64_t> numbers);

// The length of the well-formed UTF-8 sequence that starts `text` (1 to 4), or
// 0 when it starts with none (overlong forms, surrogates, code points past
// U+10FFFF and cut-short sequences are not well formed).
std::size_t utf8_sequence_length(std::string_view text);

// Offset of the first byte that breaks UTF-8 (overlong forms, surrogates and
// code points past U+10FFFF included), or nullopt when `text` is valid.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

}  // namespace dtlint
