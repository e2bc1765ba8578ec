// A scheduler's run queue (docs/processes.md, "Scheduler"): a FIFO of
// runnable processes, intrusive through Process::next_runnable so that
// queuing allocates nothing.
//
// With one scheduler only its thread touches the queue and push/pop are a
// few pointer moves (`shared` false). With several (Node::concurrent()),
// another scheduler pushes a process it woke onto its own queue, and an
// idle one steals half of a busy one's: `shared` true takes a spin lock,
// held for a few pointer moves. size() is readable without it, so an idle
// scheduler picks a victim, and decides it may sleep, without locking
// every queue.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>

#include "proc/spin_lock.h"
#include "vm/process.h"

namespace lzr {

class RunQueue {
 public:
  // Returns the number queued after it. Unshared (one scheduler, or one
  // running alone: Node::go_solo) the count is kept all the same, with
  // plain stores, so that the queue can be shared again as it is.
  size_t push(Process& p, bool shared) {
    p.next_runnable = nullptr;
    if (!shared) return add_last(p);
    std::lock_guard<SpinLock> hold(lock_);
    return add_last(p);
  }
  Process* pop(bool shared) {
    if (size_.load(std::memory_order_relaxed) == 0) return nullptr;
    if (!shared) return take_first();
    std::lock_guard<SpinLock> hold(lock_);
    return take_first();
  }
  // Several schedulers: takes the older half (rounded up, at most
  // kMaxSteal) of this queue and returns it as a list through
  // next_runnable, oldest first; `taken` is its length. nullptr when the
  // queue is empty.
  static constexpr size_t kMaxSteal = 64;
  Process* steal_half(size_t& taken);
  // Several schedulers: appends the list first..last (through
  // next_runnable, `n` long) under one lock.
  void push_list(Process* first, Process* last, size_t n);
  // Processes queued.
  size_t size() const { return size_.load(std::memory_order_relaxed); }
  // The same under the lock: ordered with every push (Node::sleep_idle).
  size_t size_locked() {
    std::lock_guard<SpinLock> hold(lock_);
    return size_.load(std::memory_order_relaxed);
  }
  bool empty_unshared() const { return head_ == nullptr; }

 private:
  size_t add_last(Process& p) {
    link_last(p);
    const size_t n = size_.load(std::memory_order_relaxed) + 1;
    size_.store(n, std::memory_order_relaxed);
    return n;
  }
  void link_last(Process& p) {
    if (tail_) tail_->next_runnable = &p;
    else head_ = &p;
    tail_ = &p;
  }
  Process* take_first() {
    Process* p = unlink_first();
    if (p) size_.store(size_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    return p;
  }
  Process* unlink_first() {
    Process* p = head_;
    if (!p) return nullptr;
    head_ = p->next_runnable;
    if (!head_) tail_ = nullptr;
    p->next_runnable = nullptr;
    return p;
  }

  Process* head_ = nullptr;
  Process* tail_ = nullptr;
  std::atomic<size_t> size_{0};  // shared: written under lock_; read without it
  SpinLock lock_;
};

}  // namespace lzr
