#include "document/document.h"

#include <utility>

namespace dtlint::document {
namespace {

std::string error_message(const std::string& file, Position position, const std::string& key,
                          const std::string& reason) {
  std::string message = file;
  if (position.line > 0) {
    message += ":" + std::to_string(position.line);
    if (position.column > 0) message += ":" + std::to_string(position.column);
  }
  message += ": ";
  if (!key.empty()) message += key + ": ";
  return message + reason;
}

}  // namespace

DocumentError::DocumentError(std::string file, Position position, std::string key, std::string reason)
    : std::runtime_error(error_message(file, position, key, reason)),
      file_(std::move(file)),
      position_(position),
      key_(std::move(key)),
      reason_(std::move(reason)) {}

const Node* Node::find(std::string_view key) const {
  if (kind != Kind::Map) return nullptr;
  for (const Entry& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

std::string child_key(std::string_view parent, std::string_view name) {
  std::string key(parent);
  if (!key.empty()) key += '.';
  return key.append(name);
}

std::string index_key(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

}  // namespace dtlint::document
