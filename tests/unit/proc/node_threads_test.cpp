// The node's shared structures used from several threads at once, as
// schedulers on every core will (docs/processes.md, "Schedulers on every
// core"): the process table, the registry, timers and references, and
// links, monitors and exit signals sent as signals through the inbox. Run
// under the tsan preset, these check the synchronisation itself.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "proc/node.h"
#include "proc/table.h"
#include "vm/atoms.h"
#include "vm/vm.h"

namespace lzr {
namespace {

constexpr int kThreads = 4;

std::vector<std::unique_ptr<Process>> make_processes(VM& vm, size_t n) {
  std::vector<std::unique_ptr<Process>> ps;
  for (size_t i = 0; i < n; ++i) {
    ps.push_back(std::make_unique<Process>(vm, 64, 16));
    ps.back()->state = RunState::Waiting;
  }
  return ps;
}

// Threads insert and erase processes (growing the table many times) while
// a reader looks pids up without a lock: every pid is given once, a
// process is found by its pid from its insert until its erase, and a
// lookup never returns another process.
TEST(ProcessTable, InsertEraseAndFindFromManyThreads) {
  VM vm;
  constexpr size_t kPer = 3000;
  auto ps = make_processes(vm, kThreads * kPer);
  ProcessTable table;
  table.concurrent = true;
  std::atomic<bool> done{false};
  std::atomic<size_t> wrong{0}, found{0};
  std::vector<std::atomic<Term>> pids(ps.size());
  for (auto& p : pids) p.store(kNil);
  std::thread reader([&] {
    while (!done.load()) {
      for (size_t i = 0; i < pids.size(); i += 7) {
        const Term pid = pids[i].load(std::memory_order_acquire);
        if (pid == kNil) continue;
        Process* p = table.find(pid);
        if (p && p != ps[i].get()) wrong.fetch_add(1);
        if (p) found.fetch_add(1);
      }
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kThreads; ++w)
    writers.emplace_back([&, w] {
      for (size_t k = 0; k < kPer; ++k) {
        const size_t i = w * kPer + k;
        table.insert(*ps[i]);
        pids[i].store(ps[i]->self, std::memory_order_release);
        if (table.find(ps[i]->self) != ps[i].get()) wrong.fetch_add(1);
        if (k % 3 == 0) {  // a third end again at once
          table.erase(*ps[i]);
          if (table.find(ps[i]->self) != nullptr) wrong.fetch_add(1);
        }
      }
    });
  for (auto& t : writers) t.join();
  done.store(true);
  reader.join();
  EXPECT_EQ(wrong.load(), 0u);
  std::set<Term> distinct;
  for (auto& p : ps) distinct.insert(p->self);
  EXPECT_EQ(distinct.size(), ps.size());
  EXPECT_EQ(table.count(), ps.size() - kThreads * ((kPer + 2) / 3));
  size_t visited = 0;
  table.for_each([&](Process&) { ++visited; });
  EXPECT_EQ(visited, table.count());
  table.free_retired();
  for (size_t i = 0; i < ps.size(); ++i) EXPECT_EQ(table.find(ps[i]->self) != nullptr, (i % kPer) % 3 != 0) << i;
}

// Every thread registers its own names and all race for one: exactly one
// wins it; whereis, running alongside, only ever sees a registered process.
TEST(NodeRegistry, RegisterWhereisAndUnregisterFromManyThreads) {
  VM vm;
  Node node(vm);
  node.set_concurrent(true);
  auto ps = make_processes(vm, kThreads * 2);
  for (auto& p : ps) node.add(*p);
  const Term contested = vm.atom("contested");
  std::atomic<int> winners{0};
  std::atomic<bool> done{false};
  std::atomic<size_t> wrong{0};
  std::vector<Term> own(kThreads);
  for (int w = 0; w < kThreads; ++w) own[w] = vm.atom("own" + std::to_string(w));
  std::thread reader([&] {
    while (!done.load()) {
      if (Process* p = node.whereis(contested); p && node.name_of(*p) != contested) wrong.fetch_add(1);
      for (int w = 0; w < kThreads; ++w)
        if (Process* p = node.whereis(own[w]); p && p != ps[2 * w].get()) wrong.fetch_add(1);
    }
  });
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w)
    threads.emplace_back([&, w] {
      if (node.register_name(contested, *ps[2 * w + 1])) winners.fetch_add(1);
      for (int k = 0; k < 500; ++k) {
        if (!node.register_name(own[w], *ps[2 * w])) wrong.fetch_add(1);
        if (!node.unregister_name(own[w])) wrong.fetch_add(1);
      }
      if (!node.register_name(own[w], *ps[2 * w])) wrong.fetch_add(1);
    });
  for (auto& t : threads) t.join();
  done.store(true);
  reader.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(wrong.load(), 0u);
  for (int w = 0; w < kThreads; ++w) EXPECT_EQ(node.whereis(own[w]), ps[2 * w].get());
  for (auto& p : ps) {
    node.finish(*p, kAtom_normal);  // frees it
    p.release();
  }
}

// A process finishes while another thread registers a name for it: the
// name is either refused or dropped with the process, never left behind
// (finish takes the registry's lock only when some name is taken, and a
// fence on each side decides which of the two sees the other).
TEST(NodeRegistry, ANameTakenOnOtherThreadsAsItsProcessFinishesIsRefusedOrDropped) {
  VM vm;
  Node node(vm);
  node.set_concurrent(true);
  const Term name = vm.atom("racer");
  constexpr int kRounds = 3000;
  int taken = 0;
  for (int r = 0; r < kRounds; ++r) {
    Process* p = make_processes(vm, 1)[0].release();
    node.add(*p);
    std::atomic<bool> go{false};
    bool registered = false;
    std::thread registrar([&] {
      while (!go.load()) {
      }
      registered = node.register_name(name, *p);
    });
    go.store(true);
    node.finish(*p, kAtom_normal);  // retired: freed when the node is
    registrar.join();
    ASSERT_EQ(node.whereis(name), nullptr) << "round " << r << (registered ? ", registered" : ", refused");
    taken += registered;
  }
  // Both outcomes happen (the race is real), whichever the machine favours.
  RecordProperty("registered_before_finish", taken);
}

// Threads arm send_after timers and cancel some while another fires the
// due ones: each message is delivered (posted to its receiver's inbox) or
// cancelled, exactly once; references are unique across threads.
TEST(NodeTimers, SendAfterCancelAndFireFromManyThreads) {
  VM vm;
  Node node(vm);
  node.set_concurrent(true);
  auto ps = make_processes(vm, 1);
  Process& to = *ps[0];
  node.add(to);
  constexpr int kPer = 2000;
  std::atomic<int> cancelled{0};
  std::atomic<bool> done{false};
  std::vector<std::vector<Term>> refs(kThreads);
  std::thread firer([&] {
    while (!done.load()) node.fire_timers(node.now_ms() + 1000);  // everything armed is due
  });
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w)
    threads.emplace_back([&, w] {
      for (int k = 0; k < kPer; ++k) {
        const Term ref = node.send_after(to.self, Node::make_message(make_int(w * kPer + k)), node.now_ms());
        refs[w].push_back(ref);
        if (k % 2 == 0 && node.cancel_timer(ref) >= 0) cancelled.fetch_add(1);
      }
    });
  for (auto& t : threads) t.join();
  while (node.timers_pending()) node.fire_timers(node.now_ms() + 1000);
  done.store(true);
  firer.join();
  to.mailbox.take_inbox(true);
  std::set<int64_t> got;
  for (Message* m = to.mailbox.head; m; m = m->next) got.insert(int_value(m->term));
  EXPECT_EQ(got.size(), to.mailbox.count);  // none twice
  EXPECT_EQ(static_cast<int>(got.size()) + cancelled.load(), kThreads * kPer);
  std::set<Term> distinct;
  for (auto& r : refs) distinct.insert(r.begin(), r.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads * kPer));
  for (auto& r : refs)
    for (Term ref : r) EXPECT_EQ(node.cancel_timer(ref), -1);  // fired or cancelled already
  node.finish(to, kAtom_normal);
  ps[0].release();
}

// The owner's side of a process in these tests: takes its inbox (applying
// the signals in it) and counts what reached its queue.
bool is_tuple_tagged(Term t, Term tag) { return is_boxed(t) && boxed_ptr(t)[1] == tag; }

// Threads, each owning one process, link to and unlink from one target,
// monitor and demonitor it, and send it messages and trapped exit signals,
// while the target's owner takes its inbox: the target ends with exactly
// the links and monitors whose last signal was a link (a monitor), and
// from each sender its messages and EXITs arrive in the order sent. Then
// the target finishes while the senders take their inboxes: each still
// linked gets one EXIT, each still monitoring one DOWN per monitor, and
// those that unlinked or demonitored get none.
TEST(NodeSignals, LinksMonitorsAndExitsFromManyThreadsKeepPerSenderOrder) {
  VM vm;
  Node node(vm);
  node.set_concurrent(true);
  auto ps = make_processes(vm, kThreads + 1);
  for (auto& p : ps) {
    node.add(*p);
    p->state = RunState::Running;  // each owned by one thread, never asleep
    p->trap_exit = true;
  }
  Process& target = *ps[kThreads];
  constexpr int kRounds = 300;
  std::atomic<bool> done{false};
  std::vector<std::vector<Term>> kept_refs(kThreads);
  std::thread owner([&] {
    while (!done.load()) node.take_inbox(target);
  });
  std::vector<std::thread> senders;
  for (int w = 0; w < kThreads; ++w)
    senders.emplace_back([&, w] {
      Process& self = *ps[w];
      for (int k = 0; k < kRounds; ++k) {
        EXPECT_TRUE(node.link(self, target));
        node.send(target, make_int(int64_t{w} << 32 | (2 * k)));
        node.exit_signal(self.self, target, make_int(int64_t{w} << 32 | (2 * k + 1)), false);
        const Term ref = node.monitor(self, target.self);
        if (k % 3 == 0) kept_refs[w].push_back(ref);
        else EXPECT_TRUE(node.demonitor(self, ref));
        if (k + 1 < kRounds || w % 2 == 0) node.unlink(self, target.self);  // odd senders stay linked
      }
    });
  for (auto& t : senders) t.join();
  done.store(true);
  owner.join();
  node.take_inbox(target);

  // Per sender: message 2k, then {:EXIT, sender, 2k+1}, in order.
  std::vector<int64_t> next(kThreads, 0);
  size_t got = 0;
  bool in_order = true;
  for (Message* m = target.mailbox.head; m; m = m->next, ++got) {
    Term v = m->term;
    if (is_tuple_tagged(v, kAtom_EXIT)) {
      const Term from = boxed_ptr(v)[2];
      v = boxed_ptr(v)[3];
      if (from != ps[static_cast<size_t>(int_value(v) >> 32)]->self) in_order = false;
    }
    const int64_t n = int_value(v);
    const auto w = static_cast<size_t>(n >> 32);
    if (w >= kThreads || (n & 0xffffffff) != next[w]) in_order = false;
    else ++next[w];
  }
  EXPECT_TRUE(in_order);
  EXPECT_EQ(got, size_t{2} * kThreads * kRounds);
  ASSERT_NE(target.links, nullptr);
  std::set<Term> linked;
  for (const auto& l : target.links->links) linked.insert(l.key);
  std::set<Term> watcher_refs;
  for (const auto& m : target.links->watchers) watcher_refs.insert(m.key);
  for (int w = 0; w < kThreads; ++w) {
    EXPECT_EQ(linked.count(ps[w]->self), w % 2 ? 1u : 0u) << w;
    EXPECT_EQ(ps[w]->links->links.size(), w % 2 ? 1u : 0u) << w;
    EXPECT_EQ(ps[w]->links->watching.size(), kept_refs[w].size()) << w;
    for (Term ref : kept_refs[w]) EXPECT_EQ(watcher_refs.count(ref), 1u) << w;
  }
  EXPECT_EQ(target.links->links.size(), size_t{kThreads / 2});
  EXPECT_EQ(target.links->watchers.size(), watcher_refs.size());

  // The target finishes while the others take their inboxes.
  const Term reason = vm.atom("boom");
  const Term target_pid = target.self;
  std::atomic<bool> finished{false};
  std::vector<std::thread> watchers;
  for (int w = 0; w < kThreads; ++w)
    watchers.emplace_back([&, w] {
      while (!finished.load()) node.take_inbox(*ps[w]);
      node.take_inbox(*ps[w]);
    });
  node.finish(target, reason);
  ps[kThreads].release();
  finished.store(true);
  for (auto& t : watchers) t.join();
  for (int w = 0; w < kThreads; ++w) {
    size_t exits = 0, downs = 0;
    std::set<Term> down_refs;
    for (Message* m = ps[w]->mailbox.head; m; m = m->next) {
      if (is_tuple_tagged(m->term, kAtom_EXIT)) {
        ++exits;
        EXPECT_EQ(boxed_ptr(m->term)[2], target_pid);
        EXPECT_EQ(boxed_ptr(m->term)[3], reason);
      } else if (is_tuple_tagged(m->term, kAtom_DOWN)) {
        ++downs;
        down_refs.insert(boxed_ptr(m->term)[2]);
        EXPECT_EQ(boxed_ptr(m->term)[5], reason);
      }
    }
    EXPECT_EQ(exits, w % 2 ? 1u : 0u) << w;
    EXPECT_EQ(downs, kept_refs[w].size()) << w;
    EXPECT_EQ(down_refs, std::set<Term>(kept_refs[w].begin(), kept_refs[w].end())) << w;
    EXPECT_TRUE(ps[w]->links->links.empty()) << w;     // the link is gone with the EXIT
    EXPECT_TRUE(ps[w]->links->watching.empty()) << w;  // each monitor with its DOWN
  }
  for (int w = 0; w < kThreads; ++w) {
    node.finish(*ps[w], kAtom_normal);
    ps[w].release();
  }
}

// Untrapped exit signals from several threads: the target's owner stops it
// with the first non-normal reason it takes (a later one changes nothing);
// :normal ones pass it by, and :kill ends it as :killed.
TEST(NodeSignals, ExitSignalsFromManyThreadsStopTheTargetOnce) {
  VM vm;
  Node node(vm);
  node.set_concurrent(true);
  auto ps = make_processes(vm, 2);
  for (auto& p : ps) {
    node.add(*p);
    p->state = RunState::Running;
  }
  Process& normal_only = *ps[0];
  Process& killed = *ps[1];
  std::atomic<bool> done{false};
  std::thread owner([&] {
    while (!done.load()) {
      node.take_inbox(normal_only);
      node.take_inbox(killed);
    }
  });
  std::vector<std::thread> senders;
  for (int w = 0; w < kThreads; ++w)
    senders.emplace_back([&, w] {
      for (int k = 0; k < 500; ++k) {
        node.exit_signal(make_pid(1000 + w), normal_only, kAtom_normal, false);
        node.exit_signal(make_pid(1000 + w), killed, k == 250 ? kAtom_kill : kAtom_normal, false);
      }
    });
  for (auto& t : senders) t.join();
  done.store(true);
  owner.join();
  node.take_inbox(normal_only);
  node.take_inbox(killed);
  EXPECT_EQ(normal_only.state, RunState::Running);
  EXPECT_EQ(normal_only.mailbox.count, 0u);
  EXPECT_EQ(killed.state, RunState::Exiting);
  EXPECT_EQ(killed.exit_reason, kAtom_killed);
  for (auto& p : ps) {
    node.finish(*p, kAtom_normal);
    p.release();
  }
}

}  // namespace
}  // namespace lzr

namespace lzr {
namespace {

// One scheduler runs alone while the other sleeps (Node::try_go_solo): its
// queue is then unlocked, so a sleeper that wakes must not return before
// the one alone has stopped (at its next slice boundary, end_solo), and
// what it queued alone is then seen whole. Queuing a second process ends
// running alone by itself and wakes the sleeper.
TEST(SoloThreads, ASleeperThatWakesWaitsUntilTheOneAloneStops) {
  VM vm;
  Node& node = node_of(vm);
  node.prepare_schedulers(2);
  auto ps = make_processes(vm, 3);
  std::atomic<bool> stop{false}, ended{false}, taken{false};
  std::atomic<int> returns{0};
  std::atomic<size_t> seen_queued{0};
  std::thread sleeper([&] {
    SchedulerSlot& me = node.slot(1);
    Node::enter(&me);
    for (int round = 0; round < 2; ++round) {
      node.quiescent(me);
      EXPECT_EQ(node.sleep_idle(me, stop), Node::Idle::Woken);
      if (round == 0) {
        EXPECT_TRUE(ended.load()) << "returned while the other still ran alone";
        seen_queued.store(node.slot(0).queue.size());
        returns.fetch_add(1);
        // Not to sleep again (below) while that process is queued: it would be work.
        while (!taken.load()) std::this_thread::yield();
        continue;
      }
      returns.fetch_add(1);
    }
    Node::enter(nullptr);
  });
  SchedulerSlot& me = node.slot(0);
  Node::enter(&me);
  auto go_solo = [&] {
    while (!node.alone(me)) {
      while (!node.others_asleep()) std::this_thread::yield();
      node.try_go_solo(me);
    }
  };
  go_solo();
  EXPECT_EQ(node.solo_runs(), 1u);
  node.make_runnable(*ps[0]);  // one queued: still alone
  EXPECT_TRUE(node.alone(me));
  node.wake_all();             // the sleeper wakes, asks, and waits
  while (!node.solo_off_wanted()) std::this_thread::yield();
  EXPECT_EQ(returns.load(), 0);
  ended.store(true);
  node.end_solo(me);
  while (returns.load() < 1) std::this_thread::yield();
  EXPECT_EQ(seen_queued.load(), 1u);
  EXPECT_EQ(me.queue.pop(true), ps[0].get());
  taken.store(true);

  go_solo();  // the sleeper sleeps again
  node.make_runnable(*ps[1]);
  EXPECT_TRUE(node.alone(me));
  node.make_runnable(*ps[2]);  // two queued: work for the other, which is woken
  EXPECT_FALSE(node.alone(me));
  sleeper.join();
  EXPECT_EQ(returns.load(), 2);
  EXPECT_EQ(me.queue.size(), 2u);
  EXPECT_EQ(me.queue.pop(true), ps[1].get());
  EXPECT_EQ(me.queue.pop(true), ps[2].get());
  Node::enter(nullptr);
}

// Running alone, a message to a process with nothing posted goes straight
// into its queue, as with one scheduler (its receive takes no inbox), and
// wakes it if it slept; to one with posts pending it is posted after them,
// so the order sent is kept.
TEST(SoloThreads, AMessageSentAloneGoesStraightToAReceiverWithNothingPosted) {
  VM vm;
  Node& node = node_of(vm);
  node.prepare_schedulers(2);
  auto ps = make_processes(vm, 2);
  for (auto& p : ps) node.add(*p);
  std::atomic<bool> stop{false};
  std::thread sleeper([&] {
    SchedulerSlot& me = node.slot(1);
    Node::enter(&me);
    node.quiescent(me);
    EXPECT_EQ(node.sleep_idle(me, stop), Node::Idle::Woken);
    Node::enter(nullptr);
  });
  SchedulerSlot& me = node.slot(0);
  Node::enter(&me);
  while (!node.alone(me)) {
    while (!node.others_asleep()) std::this_thread::yield();
    node.try_go_solo(me);
  }
  Process& asleep = *ps[0];
  ASSERT_TRUE(asleep.mailbox.sleep(false));
  node.send(asleep, make_int(1));
  EXPECT_EQ(asleep.mailbox.inbox.load(), nullptr) << "posted, not queued";
  EXPECT_EQ(asleep.mailbox.count, 1u);
  EXPECT_EQ(me.queue.size(), 1u) << "woken and queued";
  EXPECT_TRUE(node.alone(me));

  Process& posted_to = *ps[1];
  ASSERT_FALSE(posted_to.mailbox.post(Node::make_message(make_int(10)), false));
  node.send(posted_to, make_int(11));
  EXPECT_EQ(posted_to.mailbox.count, 0u) << "went around what was posted before";
  EXPECT_TRUE(node.take_inbox(posted_to, false));
  ASSERT_EQ(posted_to.mailbox.count, 2u);
  EXPECT_EQ(posted_to.mailbox.head->term, make_int(10));
  EXPECT_EQ(posted_to.mailbox.head->next->term, make_int(11));

  EXPECT_EQ(me.queue.pop(false), &asleep);
  node.end_solo(me);
  stop.store(true);
  node.wake_all();
  sleeper.join();
  for (auto& p : ps) {
    node.finish(*p, kAtom_normal);
    p.release();
  }
  Node::enter(nullptr);
}

// Node::steal_paid, on the thief's own fields: a steal paid when the
// processes it took ran at least kStealPaysReductions each, on average,
// before the thief's queue ran dry. One that did not raises the thief's
// rest level, up to its cap; one that paid sets it back to none.
TEST(StealThreads, AStealPaysWhenWhatItTookRanLongEnough) {
  VM vm;
  Node& node = node_of(vm);
  node.prepare_schedulers(2);
  SchedulerSlot& me = node.slot(1);
  auto steal_and_run = [&](size_t taken, uint64_t reductions) {
    me.stolen_watched = taken;
    me.reductions_at_steal = me.reductions_run;
    me.reductions_run += reductions;
    return node.steal_paid(me);
  };
  EXPECT_TRUE(steal_and_run(4, 4 * Node::kStealPaysReductions));
  EXPECT_EQ(me.rest_level, 0u);
  EXPECT_EQ(me.stolen_watched, 0u) << "judged once";
  EXPECT_FALSE(steal_and_run(4, 4 * Node::kStealPaysReductions - 1));
  EXPECT_EQ(me.rest_level, 1u);
  EXPECT_FALSE(steal_and_run(64, 64 * 3));  // a spawner's children: a few reductions each
  EXPECT_EQ(me.rest_level, 2u);
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(steal_and_run(1, 0));
  EXPECT_EQ(me.rest_level, Node::kMaxRestLevel);
  EXPECT_TRUE(steal_and_run(1, kSliceReductions));  // one that ran a whole slice
  EXPECT_EQ(me.rest_level, 0u);
}

// A short queue is stolen from only after several looks in a row found it
// so (its owner most likely runs it at once); a rest stands for those
// looks: the first look after one takes it.
TEST(StealThreads, AfterARestTheFirstLookTakesEvenAShortQueue) {
  VM vm;
  Node& node = node_of(vm);
  node.prepare_schedulers(2);
  auto ps = make_processes(vm, 1);
  node.slot(0).queue.push(*ps[0], true);
  SchedulerSlot& me = node.slot(1);
  Node::enter(&me);
  node.quiescent(me);
  EXPECT_EQ(node.steal(me), nullptr) << "one look at a queue of one";
  std::atomic<bool> stop{false};
  me.rest_level = 1;
  node.rest(me, stop);
  EXPECT_EQ(node.steal(me), ps[0].get());
  EXPECT_EQ(me.stolen_watched, 1u);
  EXPECT_EQ(node.slot(0).queue.size(), 0u);
  Node::enter(nullptr);
}

// A resting scheduler (Node::rest) counts as asleep, so the other may run
// alone and finds the deadlock when it has nothing to run either, but no
// push wakes it: a spawner's second queued process is left to it, and one
// running alone stays alone. A rest ends by itself after its time, and at
// once when the run stops.
TEST(StealThreads, ARestingSchedulerIsAsleepToTheOthersButNoPushWakesIt) {
  VM vm;
  Node& node = node_of(vm);
  node.prepare_schedulers(2);
  auto ps = make_processes(vm, 2);
  std::atomic<bool> stop{false};
  std::atomic<int> rests_done{0};
  std::atomic<bool> rest_again{false};
  std::thread rester([&] {
    SchedulerSlot& me = node.slot(1);
    Node::enter(&me);
    node.quiescent(me);
    me.rest_level = 1;  // the shortest rest: it ends by itself
    node.rest(me, stop);
    rests_done.fetch_add(1);
    while (!rest_again.load()) std::this_thread::yield();
    me.rest_level = Node::kMaxRestLevel;
    while (!stop.load()) node.rest(me, stop);  // until the stop
    rests_done.fetch_add(1);
    Node::enter(nullptr);
  });
  SchedulerSlot& me = node.slot(0);
  Node::enter(&me);
  const auto start = std::chrono::steady_clock::now();
  while (rests_done.load() < 1) std::this_thread::yield();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  rest_again.store(true);
  while (!node.others_asleep()) std::this_thread::yield();
  const uint64_t wakes = node.wake_ups();
  node.make_runnable(*ps[0]);
  node.make_runnable(*ps[1]);  // two queued: work for another, which rests
  EXPECT_EQ(node.wake_ups(), wakes);
  EXPECT_EQ(me.queue.pop(true), ps[0].get());
  EXPECT_EQ(me.queue.pop(true), ps[1].get());
  // Alone while the other rests, a second queued process has no one to
  // wake: it stays alone (a sleeper would be woken, and it would stop).
  while (!node.alone(me)) {
    while (!node.others_asleep()) std::this_thread::yield();
    node.try_go_solo(me);
  }
  node.make_runnable(*ps[0]);
  node.make_runnable(*ps[1]);
  EXPECT_TRUE(node.alone(me));
  EXPECT_EQ(node.wake_ups(), wakes);
  EXPECT_EQ(me.queue.pop(false), ps[0].get());
  EXPECT_EQ(me.queue.pop(false), ps[1].get());
  node.end_solo(me);
  // Nothing queued, no timer, the other resting: nothing can ever run.
  // (Should the rester be between two rests as this one counts, this one
  // sleeps until the nudger wakes it, and looks again.)
  std::atomic<bool> not_stopped{false}, found{false};
  std::thread nudger([&] {
    while (!found.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      node.wake_all();
    }
  });
  Node::Idle idle = Node::Idle::Woken;
  for (int i = 0; i < 1000 && idle != Node::Idle::Deadlock; ++i) {
    while (!node.others_asleep()) std::this_thread::yield();
    idle = node.sleep_idle(me, not_stopped);
  }
  found.store(true);
  nudger.join();
  EXPECT_EQ(idle, Node::Idle::Deadlock);
  stop.store(true);
  node.wake_all();
  rester.join();
  EXPECT_EQ(rests_done.load(), 2);
  Node::enter(nullptr);
}

// Scheduler threads started on demand (Node::start_on_demand): what the
// others had queued moves to the first; the ones with no thread count as
// asleep (so the first runs alone at once); work queued for another starts
// the next, once each; one the system refused stays asleep and is not
// asked again; end_on_demand leaves none counted.
TEST(SchedulerThreadsOnDemand, WorkStartsTheNextAndARefusedOneIsAskedOnce) {
  VM vm;
  Node& node = node_of(vm);
  node.prepare_schedulers(3);
  auto ps = make_processes(vm, 5);
  node.slot(2).queue.push(*ps[4], true);  // left there by an earlier run
  std::vector<unsigned> asked;
  bool refuse = true;
  node.start_on_demand([&](unsigned i) {
    asked.push_back(i);
    return !refuse;
  });
  EXPECT_EQ(node.slot(2).queue.size(), 0u);  // moved to the first
  EXPECT_EQ(node.slot(0).queue.size(), 1u);
  EXPECT_TRUE(node.others_asleep());
  // From a thread that is no scheduler, every push is work for one.
  node.make_runnable(*ps[0]);
  EXPECT_EQ(asked, std::vector<unsigned>({1}));
  EXPECT_EQ(node.threads_started(), 0u);
  EXPECT_TRUE(node.others_asleep());  // refused: still asleep
  refuse = false;
  node.make_runnable(*ps[1]);
  EXPECT_EQ(asked, std::vector<unsigned>({1, 2}));
  EXPECT_EQ(node.threads_started(), 1u);
  EXPECT_TRUE(node.others_asleep());  // started, not yet running
  std::atomic<bool> stop{false};
  std::thread([&] { node.started(stop); }).join();
  EXPECT_FALSE(node.others_asleep());  // scheduler 2 runs
  node.make_runnable(*ps[2]);  // none left to start: a notify
  EXPECT_EQ(asked.size(), 2u);
  node.end_on_demand();
  node.make_runnable(*ps[3]);
  EXPECT_EQ(asked.size(), 2u);
  while (node.slot(0).queue.pop(true)) {
  }
}

}  // namespace
}  // namespace lzr
