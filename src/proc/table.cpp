#include "proc/table.h"

#include <new>

namespace lzr {

namespace {
constexpr size_t kFirstSlots = 16;
}  // namespace

ProcessTable::Slots* ProcessTable::make_slots(size_t n) {
  auto* s = new Slots{n - 1, new std::atomic<Process*>[n], {}};
  for (size_t i = 0; i < n; ++i) s->slot[i].store(nullptr, std::memory_order_relaxed);
  return s;
}

void ProcessTable::free_slots(Slots* s) {
  delete[] s->slot;
  delete s;
}

ProcessTable::ProcessTable() : slots_(make_slots(kFirstSlots)) {}

ProcessTable::~ProcessTable() {
  free_retired();
  free_slots(slots_.load(std::memory_order_relaxed));
}

// A pid's number picks its slot (number & mask). New numbers skip taken
// slots, so doubling the table never makes two live pids meet. The bigger
// array is filled before it is published; a find() still reading the old
// one sees every process that was in it.
void ProcessTable::grow() {
  Slots* old = slots_.load(std::memory_order_relaxed);
  Slots* bigger = make_slots(2 * (old->mask + 1));
  for (size_t i = 0; i <= old->mask; ++i)
    if (Process* p = old->slot[i].load(std::memory_order_relaxed))
      bigger->slot[id_number(p->self) & bigger->mask].store(p, std::memory_order_relaxed);
  slots_.store(bigger, std::memory_order_release);
  if (concurrent && reclaimer) reclaimer->retire(old->retired, old, [](void* s) { free_slots(static_cast<Slots*>(s)); });
  else retired_.push_back(old);
}

void ProcessTable::insert(Process& p) {
  auto lock = lock_if(mutex_, concurrent);
  const size_t live = live_.load(std::memory_order_relaxed);
  if (2 * (live + 1) > slots_.load(std::memory_order_relaxed)->mask + 1) grow();
  Slots* s = slots_.load(std::memory_order_relaxed);
  while (s->slot[next_pid_ & s->mask].load(std::memory_order_relaxed)) ++next_pid_;
  p.self = make_pid(next_pid_);
  s->slot[next_pid_ & s->mask].store(&p, std::memory_order_release);  // after p.self: find() reads it
  ++next_pid_;
  live_.store(live + 1, std::memory_order_relaxed);
}

void ProcessTable::erase(Process& p) {
  auto lock = lock_if(mutex_, concurrent);
  Slots* s = slots_.load(std::memory_order_relaxed);
  std::atomic<Process*>& slot = s->slot[id_number(p.self) & s->mask];
  if (slot.load(std::memory_order_relaxed) != &p) return;
  slot.store(nullptr, std::memory_order_seq_cst);
  live_.store(live_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

void ProcessTable::free_retired() {
  auto lock = lock_if(mutex_, concurrent);
  for (Slots* s : retired_) free_slots(s);
  retired_.clear();
}

}  // namespace lzr
