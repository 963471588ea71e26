#include "analyzer/io/shrink_guard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>

namespace dtlint {

// One watched mapping. The signal handler reads these fields at any moment on
// any thread, so they are lock-free atomics, and a range is live only while
// `begin` is nonzero (stored last when claimed, first when released).
struct GuardedRange {
  std::atomic<bool> claimed{false};
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};  // rounded up to whole pages, as the kernel maps them
  std::atomic<bool> faulted{false};
};

namespace {

static_assert(std::atomic<std::uintptr_t>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "the SIGBUS handler may only touch lock-free atomics");

// Ranges live in blocks that are never freed (the handler may be walking one),
// chained as more mappings are open at once than the blocks so far hold.
struct RangeBlock {
  std::array<GuardedRange, 256> ranges;
  std::atomic<RangeBlock*> next{nullptr};
};

RangeBlock first_block;
std::uintptr_t page_size = 4096;  // set once, before the handler is installed
struct sigaction previous_action {};

bool is_default_or_ignore(const struct sigaction& action) {
  return !(action.sa_flags & SA_SIGINFO) && (action.sa_handler == SIG_DFL || action.sa_handler == SIG_IGN);
}

void on_sigbus(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (RangeBlock* block = &first_block; block != nullptr;
       block = block->next.load(std::memory_order_acquire)) {
    for (GuardedRange& range : block->ranges) {
      const std::uintptr_t begin = range.begin.load(std::memory_order_acquire);
      if (begin == 0 || address < begin) continue;
      const std::uintptr_t end = range.end.load(std::memory_order_acquire);
      if (address >= end) continue;
      // Zeros from the faulting page to the end: one fault per shrunk file, not
      // one per page. MAP_FIXED replaces those pages of the file mapping in place.
      // Marked before the zeros appear: whoever reads a zero page of this range
      // afterwards (another thread included) finds the mark set.
      range.faulted.store(true, std::memory_order_release);
      const std::uintptr_t page = address & ~(page_size - 1);
      void* zeros = ::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      if (zeros == MAP_FAILED) break;  // cannot recover: behave as if unguarded
      errno = saved_errno;
      return;  // the faulting read runs again, over zeros
    }
  }
  // Not a guarded mapping: what would have happened without this handler.
  if (previous_action.sa_flags & SA_SIGINFO) {
    errno = saved_errno;
    previous_action.sa_sigaction(signal, info, context);
    return;
  }
  if (is_default_or_ignore(previous_action)) {
    // The default action (the process dies with SIGBUS), raised again on return.
    ::sigaction(SIGBUS, &previous_action, nullptr);
    ::raise(SIGBUS);
    return;
  }
  errno = saved_errno;
  previous_action.sa_handler(signal);
}

void install_handler() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = &on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &previous_action);
  });
}

GuardedRange& claim_range() {
  for (RangeBlock* block = &first_block;;) {
    for (GuardedRange& range : block->ranges) {
      bool expected = false;
      if (range.claimed.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) return range;
    }
    RangeBlock* next = block->next.load(std::memory_order_acquire);
    if (next == nullptr) {
      auto fresh = std::make_unique<RangeBlock>();
      if (block->next.compare_exchange_strong(next, fresh.get(), std::memory_order_acq_rel)) {
        next = fresh.release();  // owned by the chain from now on, for the life of the process
      }
    }
    block = next;
  }
}

}  // namespace

ShrinkGuard::ShrinkGuard(const void* address, std::size_t length) : range_(&claim_range()) {
  install_handler();
  const auto begin = reinterpret_cast<std::uintptr_t>(address);
  range_->faulted.store(false, std::memory_order_relaxed);
  range_->end.store(begin + (length + page_size - 1) / page_size * page_size, std::memory_order_release);
  range_->begin.store(begin, std::memory_order_release);
}

ShrinkGuard::~ShrinkGuard() {
  range_->begin.store(0, std::memory_order_release);
  range_->end.store(0, std::memory_order_release);
  range_->claimed.store(false, std::memory_order_release);
}

bool ShrinkGuard::shrank() const {
  return range_->faulted.load(std::memory_order_acquire);
}

}  // namespace dtlint
