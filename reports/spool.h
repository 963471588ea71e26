// Text held back for later: in memory while small, then in an unnamed
// temporary file (in $TMPDIR, else /tmp), so that a report whose layout puts
// a long list after a summary known only at the end does not hold the list.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace dtlint {

class Spool {
 public:
  explicit Spool(std::size_t memory_limit = std::size_t{4} << 20) : memory_limit_(memory_limit) {}
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Throws std::runtime_error when the temporary file cannot be made or written.
  void append(std::string_view text);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // Writes everything appended so far to `out`, in order.
  void copy_to(std::ostream& out) { copy_to(out, size_); }
  // Writes the first `bytes` appended (at most all of them).
  void copy_to(std::ostream& out, std::size_t bytes);

 private:
  void spill();

  std::size_t memory_limit_;
  std::string memory_;
  int fd_ = -1;  // the temporary file once spilled
  std::size_t size_ = 0;
};

}  // namespace dtlint
