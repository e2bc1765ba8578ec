// Freeing what another scheduler may still be reading (docs/processes.md,
// "Schedulers on every core", process lifetime): a finished process, a
// process-table slot array a doubling replaced. With several schedulers a
// Process* that find() or whereis() returned may be in use on another
// thread until that thread's next quiescent point (between two slices, or
// asleep), so such memory is *retired* here and freed once every scheduler
// has passed a quiescent point since: epoch-based reclamation.
//
// A retirement is tagged with the current epoch; a scheduler that retired
// something in a slice advances the epoch at its next quiescent point; each
// scheduler records the epoch it saw at its last quiescent point (a
// sleeping one counts as past every epoch); what is tagged below the least
// recorded epoch is freed. The epoch and the recorded epochs are
// sequentially consistent, as are the table's erase and find
// (proc/table.h): a scheduler waking from sleep records an epoch that may
// predate a retirement made meanwhile, and only the single order of those
// operations guarantees that it then no longer finds what was retired, or
// that the retirement waits for it. (On x86-64 a sequentially consistent
// load is a plain load.)
//
// Nothing here takes a lock on a scheduler's path. Each scheduler keeps
// what it retired in a list of its own (an object carries its RetireHook,
// so retiring allocates nothing), and an object may name a *home*
// scheduler, the one that allocated it: it is then handed to the home's
// incoming list (one compare-and-swap) and freed there, so the memory goes
// back to the allocator's cache of the thread that allocates again (a
// spawning scheduler's processes, run and ended by another, would
// otherwise be freed on the wrong thread every time, and glibc's arenas
// then lock against each other). A quiescent point with nothing retired is
// two plain loads and, when the epoch moved, one store.
#pragma once

#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "proc/retire_hook.h"

namespace lzr {

class Reclaimer {
 public:
  static constexpr unsigned kNoHome = UINT_MAX;
  Reclaimer() = default;
  ~Reclaimer();
  Reclaimer(const Reclaimer&) = delete;
  Reclaimer& operator=(const Reclaimer&) = delete;

  // `n` schedulers take part, numbered 0..n-1; each starts quiescent. Only
  // while none runs.
  void set_participants(unsigned n);
  // The calling thread is participant `who` from now on (kNoHome: none).
  void enter(unsigned who);
  // `free(object)` runs once every participant has passed a quiescent
  // point after this call: on participant `home`'s thread when `home`
  // names one that is not asleep, else on the caller's (a thread that is
  // no participant: whichever participant comes by next). `hook` lives in
  // the object and is not touched by the caller again.
  void retire(RetireHook& hook, void* object, FreeFn free, unsigned home = kNoHome);
  // Participant `who` holds no pointer it found before this call; frees
  // what is its to free that every participant is now past.
  void quiescent(unsigned who) {
    // Most slices retire nothing and find nothing handed over: then only
    // the epoch seen is recorded.
    Participant& me = parts_[who];
    if (!me.own.head && !me.incoming.load(std::memory_order_relaxed) &&
        !stray_pending_.load(std::memory_order_relaxed)) {
      note_seen(me, epoch_.load());
      return;
    }
    quiescent_slow(me);
  }
  // Participant `who` goes to sleep: quiescent until its next quiescent().
  void idle(unsigned who) { parts_[who].seen.store(kIdle); }
  // No participant runs (their threads joined): frees everything retired.
  void free_all();

 private:
  static constexpr uint64_t kIdle = UINT64_MAX;
  struct List {
    RetireHook* head = nullptr;
    RetireHook* tail = nullptr;
    void append(RetireHook* h);  // tags never decrease along the list
  };
  struct alignas(64) Participant {
    std::atomic<uint64_t> seen{kIdle};
    std::atomic<RetireHook*> incoming{nullptr};  // from the others, for this one to free
    List own;                                      // this one's thread only
  };
  // Unlinks the head of `list` tagged below `least`.
  static RetireHook* take_ready(List& list, uint64_t least);
  void quiescent_slow(Participant& me);
  // Records that `me` has seen epoch `now` (stored only when it moved: a
  // locked instruction otherwise).
  static void note_seen(Participant& me, uint64_t now) {
    if (me.seen.load(std::memory_order_relaxed) != now) me.seen.store(now);
  }
  // Moves the epoch on if `list`'s newest entry carries the current one;
  // returns the epoch now.
  uint64_t advance_past(const List& list);
  uint64_t least_seen() const;
  static void free_list(RetireHook* h);

  std::atomic<uint64_t> epoch_{1};
  std::unique_ptr<Participant[]> parts_;
  unsigned participants_ = 0;
  // Retired by a thread that is no participant (rare: a host thread's
  // spawn that grew the table while schedulers run).
  std::mutex stray_mutex_;
  List stray_;
  std::atomic<bool> stray_pending_{false};
};

}  // namespace lzr
