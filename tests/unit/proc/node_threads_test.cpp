// The node's shared structures used from several threads at once, as
// schedulers on every core will (docs/processes.md, "Schedulers on every
// core"): the process table, the registry, timers and references. Run
// under the tsan preset, these check the synchronisation itself.
#include <gtest/gtest.h>

#include <atomic>
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
      if (Process* p = node.whereis(contested); p && p->links->name != contested) wrong.fetch_add(1);
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

}  // namespace
}  // namespace lzr
