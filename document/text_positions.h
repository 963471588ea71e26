// Line and column of byte offsets in a text, for the front ends (internal to
// document/). Columns count code points, so a byte offset must be turned into
// one; checkpoints every kStride bytes keep each lookup short whatever order
// the offsets come in (YAML aliases revisit earlier nodes), so a megabyte on
// one line costs no more than many short lines.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "document/document.h"

namespace dtlint::document {

class TextPositions {
 public:
  // Lines end at '\n'. A leading UTF-8 byte order mark is not a column.
  explicit TextPositions(std::string_view text);

  // The position of the byte at `offset` (clamped to the text's end).
  Position at_offset(std::size_t offset) const;
  // The position of byte `byte_column` (0-based) of line `line` (0-based),
  // as yaml-cpp marks count them; clamped to that line.
  Position at_line_byte(std::size_t line, std::size_t byte_column) const;
  // Where line `line` (0-based) starts, as a byte offset.
  std::size_t line_start(std::size_t line) const;

 private:
  static constexpr std::size_t kStride = 256;
  std::string_view text_;
  std::vector<std::size_t> line_starts_;  // byte offsets; the first skips a BOM
  std::vector<int> checkpoint_columns_;   // 0-based column of byte k·kStride within its line
};

}  // namespace dtlint::document
