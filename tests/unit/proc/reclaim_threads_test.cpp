// The Reclaimer (proc/reclaim.h): an object retired is freed only after
// every participant that is awake has passed a quiescent point, on its home
// participant's thread when that one is awake, never twice; and a reader
// that drops its pointers at each quiescent point never sees one freed.
// (Named *Threads so that the TSan preset runs them.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "proc/reclaim.h"

namespace lzr {
namespace {

struct Object {
  RetireHook hook;
  std::atomic<uint64_t> magic{kLive};
  std::atomic<int>* frees = nullptr;
  std::thread::id freed_on;
  static constexpr uint64_t kLive = 0x11feULL, kDead = 0xdeadULL;
};

// Records where and how often it ran, and leaves the object for the test
// to inspect (the tests own the objects).
void mark_freed(void* p) {
  auto* o = static_cast<Object*>(p);
  o->freed_on = std::this_thread::get_id();
  o->magic.store(Object::kDead, std::memory_order_relaxed);
  o->frees->fetch_add(1, std::memory_order_relaxed);
}

void retire(Reclaimer& r, Object& o, std::atomic<int>& frees, unsigned home = Reclaimer::kNoHome) {
  o.frees = &frees;
  r.retire(o.hook, &o, mark_freed, home);
}

TEST(ReclaimerThreads, AnObjectWaitsUntilEveryAwakeParticipantPassedAQuiescentPoint) {
  Reclaimer r;
  r.set_participants(2);
  std::atomic<int> frees{0};
  Object o;
  r.enter(1);
  r.quiescent(1);  // participant 1 is awake, at the epoch before the retirement
  r.enter(0);
  r.quiescent(0);
  retire(r, o, frees);
  r.quiescent(0);
  EXPECT_EQ(frees.load(), 0) << "participant 1 has not passed a quiescent point since";
  r.enter(1);
  r.quiescent(1);
  EXPECT_EQ(frees.load(), 0) << "freed by its retirer only";
  r.enter(0);
  r.quiescent(0);
  EXPECT_EQ(frees.load(), 1);
  r.quiescent(0);
  EXPECT_EQ(frees.load(), 1) << "freed once";
  r.enter(Reclaimer::kNoHome);
}

TEST(ReclaimerThreads, ASleepingParticipantIsNotWaitedFor) {
  Reclaimer r;
  r.set_participants(2);
  std::atomic<int> frees{0};
  Object o;
  r.enter(1);
  r.quiescent(1);
  r.idle(1);  // asleep: holds nothing
  r.enter(0);
  retire(r, o, frees);
  r.quiescent(0);
  EXPECT_EQ(frees.load(), 1);
  r.enter(Reclaimer::kNoHome);
}

TEST(ReclaimerThreads, AnObjectIsFreedOnItsHomeParticipantsThread) {
  Reclaimer r;
  r.set_participants(2);
  std::atomic<int> frees{0};
  std::vector<Object> objects(100);
  std::atomic<bool> started{false}, done{false};
  std::thread home([&] {
    r.enter(0);
    r.quiescent(0);
    started.store(true);
    while (!done.load()) r.quiescent(0);
    r.quiescent(0);
    r.enter(Reclaimer::kNoHome);
  });
  std::thread other([&] {
    r.enter(1);
    r.quiescent(1);
    while (!started.load()) std::this_thread::yield();  // awake: what is homed there is freed there
    for (Object& o : objects) retire(r, o, frees, 0);
    while (frees.load() < static_cast<int>(objects.size())) r.quiescent(1);
    r.enter(Reclaimer::kNoHome);
  });
  other.join();
  done.store(true);
  const std::thread::id home_id = home.get_id();
  home.join();
  EXPECT_EQ(frees.load(), 100);
  for (const Object& o : objects) EXPECT_EQ(o.freed_on, home_id);
}

TEST(ReclaimerThreads, WhatASleepingHomeWouldHoldIsFreedByItsRetirer) {
  Reclaimer r;
  r.set_participants(2);
  std::atomic<int> frees{0};
  Object o;
  r.enter(1);
  retire(r, o, frees, 0);  // participant 0 has not started: asleep
  r.quiescent(1);
  EXPECT_EQ(frees.load(), 1);
  EXPECT_EQ(o.freed_on, std::this_thread::get_id());
  r.enter(Reclaimer::kNoHome);
}

TEST(ReclaimerThreads, WhatANonParticipantRetiresIsFreedByAParticipant) {
  Reclaimer r;
  r.set_participants(1);
  std::atomic<int> frees{0};
  Object o;
  retire(r, o, frees, 0);  // this thread is no participant
  EXPECT_EQ(frees.load(), 0);
  std::thread t([&] {
    r.enter(0);
    r.quiescent(0);
    r.quiescent(0);
    r.enter(Reclaimer::kNoHome);
  });
  t.join();
  EXPECT_EQ(frees.load(), 1);
}

TEST(ReclaimerThreads, FreeAllFreesEverythingWaiting) {
  Reclaimer r;
  r.set_participants(2);
  std::atomic<int> frees{0};
  std::vector<Object> objects(10);
  r.enter(0);
  r.quiescent(0);
  r.enter(1);
  r.quiescent(1);
  for (size_t i = 0; i < objects.size(); ++i) retire(r, objects[i], frees, i % 2 ? 0 : 1);
  r.enter(Reclaimer::kNoHome);
  Object stray;
  retire(r, stray, frees);
  EXPECT_EQ(frees.load(), 0);
  r.free_all();
  EXPECT_EQ(frees.load(), 11);
}

// Two writers swap fresh objects into shared slots and retire the old ones
// (homed at random); two readers read through the slots and check that what
// they read was not freed, dropping their pointers only at quiescent
// points. A free before a reader passed one would show as kDead here (and as
// a use after free under the sanitizers, had the objects been deleted).
TEST(ReclaimerThreads, ReadersNeverSeeAFreedObject) {
  constexpr unsigned kWriters = 2, kReaders = 2, kSlots = 8, kSwaps = 20000;
  Reclaimer r;
  r.set_participants(kWriters + kReaders);
  std::atomic<int> frees{0};
  std::vector<Object> pool(kSlots + kWriters * kSwaps);
  std::atomic<Object*> slots[kSlots];
  for (unsigned i = 0; i < kSlots; ++i) slots[i].store(&pool[i]);
  std::atomic<unsigned> writers_left{kWriters};
  std::atomic<uint64_t> bad{0}, reads{0};
  std::atomic<unsigned> readers_ready{0};
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      r.enter(w);
      r.quiescent(w);
      while (readers_ready.load() != kReaders) std::this_thread::yield();
      std::mt19937 rng(w);
      for (unsigned i = 0; i < kSwaps; ++i) {
        Object* fresh = &pool[kSlots + w * kSwaps + i];
        Object* old = slots[rng() % kSlots].exchange(fresh);
        retire(r, *old, frees, rng() % (kWriters + kReaders));
        if (i % 16 == 0) r.quiescent(w);
      }
      writers_left.fetch_sub(1);
      // Awake until the other writer ends too, freeing what is homed here.
      while (writers_left.load() != 0) r.quiescent(w);
      r.quiescent(w);
      r.enter(Reclaimer::kNoHome);
    });
  for (unsigned k = 0; k < kReaders; ++k)
    threads.emplace_back([&, k] {
      const unsigned me = kWriters + k;
      r.enter(me);
      r.quiescent(me);
      readers_ready.fetch_add(1);
      std::mt19937 rng(100 + k);
      while (writers_left.load() != 0) {
        r.quiescent(me);
        // A "slice": several objects found and read, none kept past it.
        Object* seen[4];
        for (Object*& s : seen) s = slots[rng() % kSlots].load();
        for (Object* s : seen)
          if (s->magic.load(std::memory_order_relaxed) != Object::kLive) bad.fetch_add(1);
        reads.fetch_add(1, std::memory_order_relaxed);
      }
      r.quiescent(me);
      r.enter(Reclaimer::kNoHome);
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GT(reads.load(), 0u);
  r.free_all();
  EXPECT_EQ(frees.load(), static_cast<int>(kWriters * kSwaps)) << "every retired object freed exactly once";
  for (unsigned i = 0; i < kSlots; ++i) EXPECT_EQ(slots[i].load()->magic.load(), Object::kLive);
}

}  // namespace
}  // namespace lzr
