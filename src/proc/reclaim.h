// Freeing what another scheduler may still be reading (docs/processes.md,
// "Schedulers on every core", process lifetime): a finished process, a
// process-table slot array a doubling replaced. With several schedulers a
// Process* that find() or whereis() returned may be in use on another
// thread until that thread's next quiescent point (between two slices, or
// asleep), so such memory is *retired* here and freed once every scheduler
// has passed a quiescent point since: epoch-based reclamation.
//
// A retirement takes the current epoch as its tag and advances the epoch;
// each scheduler records the epoch it saw at its last quiescent point (a
// sleeping one counts as past every epoch); what is tagged below the least
// recorded epoch is freed. The quiescent point itself is one atomic load
// and one store; the lock is taken only when something waits to be freed.
// The epoch and the recorded epochs are sequentially consistent, as are
// the table's erase and find (proc/table.h): a scheduler waking from sleep
// records an epoch that may predate a retirement made meanwhile, and only
// the single order of those operations guarantees that it then no longer
// finds what was retired, or that the retirement waits for it. (On x86-64
// a sequentially consistent load is a plain load.)
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace lzr {

class Reclaimer {
 public:
  using FreeFn = void (*)(void*);
  Reclaimer() = default;
  ~Reclaimer() { free_all(); }
  Reclaimer(const Reclaimer&) = delete;
  Reclaimer& operator=(const Reclaimer&) = delete;

  // `n` schedulers take part, numbered 0..n-1; each starts quiescent. Only
  // while none runs.
  void set_participants(unsigned n);
  // Any participant (or a thread while none runs): `free(object)` runs once
  // every participant has passed a quiescent point after this call.
  void retire(void* object, FreeFn free);
  // Participant `who` holds no pointer it found before this call; frees
  // what every participant is now past.
  void quiescent(unsigned who);
  // Participant `who` goes to sleep: quiescent until its next quiescent().
  void idle(unsigned who) { seen_[who].store(kIdle); }
  // No participant runs (their threads joined): frees everything retired.
  void free_all();
  // Retired objects not yet freed.
  size_t pending() const { return pending_.load(std::memory_order_relaxed); }

 private:
  static constexpr uint64_t kIdle = UINT64_MAX;
  struct Retired {
    uint64_t tag;
    void* object;
    FreeFn free;
  };
  std::atomic<uint64_t> epoch_{1};
  std::unique_ptr<std::atomic<uint64_t>[]> seen_;
  unsigned participants_ = 0;
  std::atomic<size_t> pending_{0};
  std::mutex mutex_;
  std::vector<Retired> retired_;  // tags ascending
};

}  // namespace lzr
