// A file that another process truncates while dtlint has it mapped raises
// SIGBUS on the first read of a page past the new end, and SIGBUS kills the
// process: every other file's results would be lost with it. A guarded mapping
// turns the fault into a fact instead. The first fault maps zero pages over the
// rest of the mapping and marks it as shrunk; the read that faulted resumes over
// zeros, and the scan reports the file as unreadable (E901) and discards
// whatever was read from it. Faults at any other address keep their usual effect.
#pragma once

#include <cstddef>

namespace dtlint {

struct GuardedRange;

// Watches one mapping from construction to destruction. Release it before the
// mapping is unmapped, so that no later mapping at the same address is taken for it.
class ShrinkGuard {
 public:
  ShrinkGuard(const void* address, std::size_t length);
  ~ShrinkGuard();
  ShrinkGuard(const ShrinkGuard&) = delete;
  ShrinkGuard& operator=(const ShrinkGuard&) = delete;

  // A read of the mapping faulted because the file had become shorter.
  bool shrank() const;

 private:
  GuardedRange* range_;
};

}  // namespace dtlint
