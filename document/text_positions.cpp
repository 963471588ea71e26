#include "document/text_positions.h"

#include <algorithm>
#include <climits>

namespace dtlint::document {
namespace {

// Every byte but a UTF-8 continuation byte starts a character.
bool starts_character(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

int clamp_int(std::size_t value) {
  return value > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(value);
}

}  // namespace

TextPositions::TextPositions(std::string_view text) : text_(text) {
  const std::size_t bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  line_starts_.push_back(bom);
  checkpoint_columns_.reserve(text.size() / kStride + 1);
  int column = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % kStride == 0) checkpoint_columns_.push_back(column);
    if (i < bom) continue;
    if (text[i] == '\n') {
      line_starts_.push_back(i + 1);
      column = 0;
    } else if (starts_character(text[i]) && column < INT_MAX) {
      ++column;
    }
  }
}

std::size_t TextPositions::line_start(std::size_t line) const {
  return line < line_starts_.size() ? line_starts_[line] : text_.size();
}

Position TextPositions::at_offset(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::size_t>(after - line_starts_.begin());  // 1-based
  const std::size_t start = line == 0 ? 0 : line_starts_[line - 1];
  // Count from the nearest checkpoint at or after the line's start.
  std::size_t from = offset / kStride * kStride;
  int column = 0;
  if (from <= start || from / kStride >= checkpoint_columns_.size()) {
    from = start;
  } else {
    column = checkpoint_columns_[from / kStride];
  }
  for (std::size_t i = from; i < offset; ++i) {
    if (starts_character(text_[i]) && column < INT_MAX) ++column;
  }
  return {clamp_int(std::max<std::size_t>(line, 1)), column + 1};
}

Position TextPositions::at_line_byte(std::size_t line, std::size_t byte_column) const {
  const std::size_t start = line_start(line);
  const std::size_t end = line + 1 < line_starts_.size() ? line_starts_[line + 1] - 1 : text_.size();
  const std::size_t offset = start + std::min(byte_column, end - start);
  Position position = at_offset(offset);
  position.line = clamp_int(line + 1);
  return position;
}

}  // namespace dtlint::document
