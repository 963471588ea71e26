#include "reports/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace dtlint {
namespace {

std::runtime_error spool_error(const std::string& what) {
  return std::runtime_error("the report's temporary file: " + what + ": " + std::strerror(errno));
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw spool_error("cannot write");
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::spill() {
  const char* folder = std::getenv("TMPDIR");
  std::string name = std::string(folder && *folder ? folder : "/tmp") + "/dtlint-report-XXXXXX";
  std::vector<char> path(name.begin(), name.end());
  path.push_back('\0');
  fd_ = ::mkstemp(path.data());
  if (fd_ < 0) throw spool_error("cannot create one in " + name.substr(0, name.size() - 21));
  ::unlink(path.data());  // nameless: gone when closed, whatever happens
  write_all(fd_, memory_);
  memory_.clear();
  memory_.shrink_to_fit();
}

void Spool::append(std::string_view text) {
  size_ += text.size();
  if (fd_ < 0 && memory_.size() + text.size() <= memory_limit_) {
    memory_ += text;
    return;
  }
  if (fd_ < 0) spill();
  write_all(fd_, text);
}

void Spool::copy_to(std::ostream& out, std::size_t bytes) {
  bytes = std::min(bytes, size_);
  if (fd_ < 0) {
    out.write(memory_.data(), static_cast<std::streamsize>(bytes));
    return;
  }
  std::vector<char> buffer(std::size_t{1} << 20);
  for (std::size_t at = 0; at < bytes;) {
    const ssize_t n =
        ::pread(fd_, buffer.data(), std::min(buffer.size(), bytes - at), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw spool_error("cannot read");
    if (n == 0) throw spool_error("cannot read (the file is shorter than what was written)");
    out.write(buffer.data(), n);
    at += static_cast<std::size_t>(n);
  }
}

}  // namespace dtlint
