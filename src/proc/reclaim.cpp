#include "proc/reclaim.h"

#include <algorithm>

namespace lzr {

namespace {
// The participant the calling thread is, in which reclaimer.
struct Member {
  const Reclaimer* reclaimer = nullptr;
  unsigned who = Reclaimer::kNoHome;
};
thread_local Member t_member;
}  // namespace

void Reclaimer::List::append(RetireHook* h) {
  // Freed later than its tag says is always safe: an object handed over
  // from another list takes the tail's tag when that is higher, so each
  // list stays ordered and is freed from its head.
  if (tail && h->tag < tail->tag) h->tag = tail->tag;
  h->next = nullptr;
  if (tail) tail->next = h;
  else head = h;
  tail = h;
}

Reclaimer::~Reclaimer() {
  free_all();
  if (t_member.reclaimer == this) t_member = {};
}

void Reclaimer::set_participants(unsigned n) {
  free_all();
  parts_ = std::make_unique<Participant[]>(n);
  participants_ = n;
}

void Reclaimer::enter(unsigned who) {
  t_member = who == kNoHome ? Member{} : Member{this, who};
}

void Reclaimer::retire(RetireHook& hook, void* object, FreeFn free, unsigned home) {
  hook.object = object;
  hook.free = free;
  hook.tag = epoch_.load();
  // (`who` is checked too: a thread left bound to a reclaimer since freed
  // could meet a new one at the same address.)
  if (t_member.reclaimer == this && t_member.who < participants_) {
    const unsigned who = t_member.who;
    // A sleeping home would hold the object until it wakes: freed here then.
    if (home < participants_ && home != who && parts_[home].seen.load(std::memory_order_relaxed) != kIdle) {
      std::atomic<RetireHook*>& in = parts_[home].incoming;
      RetireHook* old = in.load(std::memory_order_relaxed);
      do hook.next = old;
      while (!in.compare_exchange_weak(old, &hook, std::memory_order_release, std::memory_order_relaxed));
      return;
    }
    parts_[who].own.append(&hook);
    return;
  }
  std::lock_guard<std::mutex> hold(stray_mutex_);
  stray_.append(&hook);
  stray_pending_.store(true, std::memory_order_relaxed);
}

uint64_t Reclaimer::least_seen() const {
  uint64_t least = kIdle;
  for (unsigned i = 0; i < participants_; ++i) least = std::min(least, parts_[i].seen.load());
  return least;
}

RetireHook* Reclaimer::take_ready(List& list, uint64_t least) {
  // Unlinked first, freed by the caller after: freeing a process runs
  // destructors that must not see a half-updated list (or hold its lock).
  RetireHook* ready = nullptr;
  RetireHook** end = &ready;
  while (list.head && list.head->tag < least) {
    *end = list.head;
    end = &list.head->next;
    list.head = list.head->next;
  }
  *end = nullptr;
  if (!list.head) list.tail = nullptr;
  return ready;
}

uint64_t Reclaimer::advance_past(const List& list) {
  const uint64_t now = epoch_.load();
  return list.tail && list.tail->tag == now ? epoch_.fetch_add(1) + 1 : now;
}

void Reclaimer::free_list(RetireHook* h) {
  while (h) {
    RetireHook* next = h->next;
    h->free(h->object);
    h = next;
  }
}

void Reclaimer::quiescent_slow(Participant& me) {
  if (me.incoming.load(std::memory_order_relaxed)) {
    RetireHook* h = me.incoming.exchange(nullptr, std::memory_order_acquire);
    while (h) {
      RetireHook* next = h->next;
      me.own.append(h);
      h = next;
    }
  }
  // A slice that retired something moves the epoch on, once, so that the
  // others' next quiescent points pass what it retired.
  note_seen(me, advance_past(me.own));
  if (me.own.head) free_list(take_ready(me.own, least_seen()));
  if (stray_pending_.load(std::memory_order_relaxed)) {
    std::unique_lock<std::mutex> hold(stray_mutex_, std::try_to_lock);
    if (!hold.owns_lock()) return;  // another scheduler is at it
    advance_past(stray_);
    RetireHook* ready = take_ready(stray_, least_seen());
    stray_pending_.store(stray_.head != nullptr, std::memory_order_relaxed);
    hold.unlock();
    free_list(ready);  // outside the lock: freeing a process takes others
  }
}

void Reclaimer::free_all() {
  for (unsigned i = 0; i < participants_; ++i) {
    Participant& p = parts_[i];
    free_list(p.incoming.exchange(nullptr));
    free_list(p.own.head);
    p.own = {};
  }
  RetireHook* stray;
  {
    std::lock_guard<std::mutex> hold(stray_mutex_);
    stray = stray_.head;
    stray_ = {};
    stray_pending_.store(false, std::memory_order_relaxed);
  }
  free_list(stray);
}

}  // namespace lzr
