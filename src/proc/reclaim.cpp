#include "proc/reclaim.h"

#include <algorithm>

namespace lzr {

void Reclaimer::set_participants(unsigned n) {
  free_all();
  seen_ = std::make_unique<std::atomic<uint64_t>[]>(n);
  for (unsigned i = 0; i < n; ++i) seen_[i].store(kIdle, std::memory_order_relaxed);
  participants_ = n;
}

void Reclaimer::retire(void* object, FreeFn free) {
  std::lock_guard<std::mutex> hold(mutex_);
  // The tag is the epoch before the advance: a participant that reads the
  // epoch after it (at a quiescent point) has seen a value above the tag,
  // and the object was unreachable (erased from the table) before then.
  const uint64_t tag = epoch_.fetch_add(1);
  retired_.push_back({tag, object, free});
  pending_.store(retired_.size(), std::memory_order_relaxed);
}

void Reclaimer::quiescent(unsigned who) {
  // Most slices retire nothing: the epoch is the one already recorded, and
  // storing it again (a locked instruction) would change nothing.
  const uint64_t now = epoch_.load();
  if (seen_[who].load(std::memory_order_relaxed) != now) seen_[who].store(now);
  if (pending_.load(std::memory_order_relaxed) == 0) return;
  std::vector<Retired> ready;
  {
    std::unique_lock<std::mutex> hold(mutex_, std::try_to_lock);
    if (!hold.owns_lock()) return;  // another scheduler is at it
    uint64_t least = kIdle;
    for (unsigned i = 0; i < participants_; ++i) least = std::min(least, seen_[i].load());
    size_t n = 0;
    while (n < retired_.size() && retired_[n].tag < least) ++n;
    if (n == 0) return;
    ready.assign(retired_.begin(), retired_.begin() + static_cast<ptrdiff_t>(n));
    retired_.erase(retired_.begin(), retired_.begin() + static_cast<ptrdiff_t>(n));
    pending_.store(retired_.size(), std::memory_order_relaxed);
  }
  for (const Retired& r : ready) r.free(r.object);  // outside the lock: freeing a process takes others
}

void Reclaimer::free_all() {
  std::vector<Retired> all;
  {
    std::lock_guard<std::mutex> hold(mutex_);
    all.swap(retired_);
    pending_.store(0, std::memory_order_relaxed);
  }
  for (const Retired& r : all) r.free(r.object);
}

}  // namespace lzr
