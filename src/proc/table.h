// The process table: pid number -> process (docs/processes.md, "Schedulers
// on every core"). find() reads without a lock, since it runs on every send
// to a pid; insert() and erase() (spawn, exit) take a mutex.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "proc/lock_if.h"
#include "proc/reclaim.h"
#include "proc/spin_lock.h"
#include "vm/process.h"

namespace lzr {

class ProcessTable {
 public:
  ProcessTable();
  ~ProcessTable();
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Gives `p` the next free pid (p.self) and makes it findable.
  void insert(Process& p);
  // Makes `p` unfindable (it is ending). Its pid is never handed out again
  // while the slot array could still be read by a find() begun before.
  void erase(Process& p);
  // The live process with pid `pid`, or nullptr. Lock-free. The process
  // stays valid while the caller's scheduler runs its slice: a process is
  // freed only once no scheduler can hold a pointer found before its erase
  // (one scheduler: between slices; several: proc/reclaim.h). The slot's
  // load is sequentially consistent (a plain load on x86-64), as is
  // erase's store, for the reclaimer's reasoning.
  Process* find(Term pid) const {
    if (!is_pid(pid)) return nullptr;
    const Slots* s = slots_.load(std::memory_order_acquire);
    Process* p = s->slot[id_number(pid) & s->mask].load(std::memory_order_seq_cst);
    return p && p->self == pid && p->state != RunState::Free ? p : nullptr;
  }
  size_t count() const { return live_.load(std::memory_order_relaxed); }
  // Calls f(Process&) for every process in the table, under its lock.
  template <typename F> void for_each(F&& f) const {
    auto lock = lock_if(mutex_, concurrent);
    const Slots* s = slots_.load(std::memory_order_relaxed);
    for (size_t i = 0; i <= s->mask; ++i)
      if (Process* p = s->slot[i].load(std::memory_order_relaxed)) f(*p);
  }
  // Frees slot arrays that a grown table replaced. Only where no find()
  // can be running on another thread (the run loop between slices while
  // one scheduler runs; the threads joined in tests).
  void free_retired();
  // Several threads use the table (set before they start): insert, erase
  // and for_each lock. With one, they need not.
  bool concurrent = false;
  // Where a replaced slot array goes while several threads use the table
  // (the node's: freed after every scheduler's next quiescent point);
  // without one it waits for free_retired().
  Reclaimer* reclaimer = nullptr;

 private:
  struct Slots {
    size_t mask;  // slots - 1; slots a power of two, at most half full
    std::atomic<Process*>* slot;
    RetireHook retired;  // while a find() may still read it (proc/reclaim.h)
  };
  static Slots* make_slots(size_t n);
  static void free_slots(Slots* s);
  void grow();

  // Read by every find() (every send to a pid) on every scheduler: a cache
  // line of its own, away from the lock and counts that every spawn and
  // exit writes.
  alignas(64) std::atomic<Slots*> slots_;
  // insert, erase, grow, for_each, free_retired: a few stores each, so a
  // spin lock (a futex mutex costs a system call whenever two meet)
  alignas(64) mutable SpinLock mutex_;
  std::atomic<size_t> live_{0};
  uint64_t next_pid_ = 0;
  std::vector<Slots*> retired_;  // replaced arrays a concurrent find() may still read
};

}  // namespace lzr
