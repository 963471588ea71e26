// The one error type that crosses module boundaries for bad inputs: it carries
// the path and the reason, and the scan turns it into an E901 finding.
#pragma once

#include <stdexcept>
#include <string>

namespace dtlint {

class InputError : public std::runtime_error {
 public:
  InputError(std::string path, const std::string& reason)
      : std::runtime_error(reason), path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  std::string reason() const { return what(); }

 private:
  std::string path_;
};

}  // namespace dtlint
