#include "proc/run_queue.h"

namespace lzr {

Process* RunQueue::steal_half(size_t& taken) {
  taken = 0;
  if (size_.load(std::memory_order_relaxed) == 0) return nullptr;
  std::lock_guard<SpinLock> hold(lock_);
  const size_t n = size_.load(std::memory_order_relaxed);
  if (n == 0 || !head_) return nullptr;
  const size_t want = (n + 1) / 2;
  Process* first = head_;
  Process* last = head_;
  for (size_t i = 1; i < want; ++i) last = last->next_runnable;
  head_ = last->next_runnable;
  if (!head_) tail_ = nullptr;
  last->next_runnable = nullptr;
  size_.store(n - want, std::memory_order_relaxed);
  taken = want;
  return first;
}

}  // namespace lzr
