// A lock for critical sections of a few pointer moves (a run queue's push,
// pop or steal), where a futex-based mutex costs more than the work: one
// locked exchange to take it, a plain store to release it. A thread that
// finds it taken waits with the CPU's pause hint and, past a short bound,
// yields (the holder may have been preempted). Meets BasicLockable, for
// std::lock_guard.
#pragma once

#include <atomic>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace lzr {

class SpinLock {
 public:
  void lock() {
    while (taken_.exchange(true, std::memory_order_acquire)) {
      unsigned spins = 0;
      while (taken_.load(std::memory_order_relaxed)) {
        if (++spins < 64) pause();
        else std::this_thread::yield();
      }
    }
  }
  void unlock() { taken_.store(false, std::memory_order_release); }

 private:
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
  }
  std::atomic<bool> taken_{false};
};

}  // namespace lzr
