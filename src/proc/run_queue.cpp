#include "proc/run_queue.h"

#include <algorithm>

namespace lzr {

Process* RunQueue::steal_half(size_t& taken) {
  taken = 0;
  if (size_.load(std::memory_order_relaxed) == 0) return nullptr;
  std::lock_guard<SpinLock> hold(lock_);
  const size_t n = size_.load(std::memory_order_relaxed);
  if (n == 0 || !head_) return nullptr;
  // At most kMaxSteal: the walk to the cut is under the lock, through
  // processes whose memory is the victim's, and it holds the victim up.
  const size_t want = std::min((n + 1) / 2, kMaxSteal);
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

void RunQueue::push_list(Process* first, Process* last, size_t n) {
  std::lock_guard<SpinLock> hold(lock_);
  if (tail_) tail_->next_runnable = first;
  else head_ = first;
  tail_ = last;
  last->next_runnable = nullptr;
  size_.store(size_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

}  // namespace lzr
