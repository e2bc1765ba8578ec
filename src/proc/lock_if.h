// Locks taken only while several scheduler threads share the node
// (Node::concurrent()): with one scheduler a single thread touches it all,
// and the locked instructions a mutex costs would be pure overhead on
// every spawn, exit and name lookup. The standard lock types, constructed
// with std::defer_lock and locked only when `take` is true; they unlock on
// destruction only what they locked.
#pragma once

#include <mutex>
#include <shared_mutex>

namespace lzr {

template <typename Mutex> [[nodiscard]] std::unique_lock<Mutex> lock_if(Mutex& m, bool take) {
  std::unique_lock<Mutex> lock(m, std::defer_lock);
  if (take) lock.lock();
  return lock;
}

template <typename Mutex> [[nodiscard]] std::shared_lock<Mutex> shared_lock_if(Mutex& m, bool take) {
  std::shared_lock<Mutex> lock(m, std::defer_lock);
  if (take) lock.lock();
  return lock;
}

}  // namespace lzr
