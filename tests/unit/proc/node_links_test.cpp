// Links and monitors in bulk on one thread (src/proc/node.cpp, its lists
// are IdTables: proc/id_table.h), with signals applied directly (one
// scheduler) and through the inbox (several): one process linked to and
// monitoring thousands that end in random order gets one EXIT and one DOWN
// from each, with the right reference, and is left with no link and no
// monitor; and the DOWNs of several monitors on one process come in the
// order the monitors were made.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "proc/node.h"
#include "vm/atoms.h"
#include "vm/vm.h"

namespace lzr {
namespace {

std::vector<std::unique_ptr<Process>> make_processes(VM& vm, Node& node, size_t n) {
  std::vector<std::unique_ptr<Process>> ps;
  for (size_t i = 0; i < n; ++i) {
    ps.push_back(std::make_unique<Process>(vm, 64, 16));
    node.add(*ps.back());
    ps.back()->state = RunState::Running;  // never asleep: nothing queues it
  }
  return ps;
}

bool is_tuple_tagged(Term t, Term tag) { return is_boxed(t) && boxed_ptr(t)[1] == tag; }

void finish(Node& node, std::unique_ptr<Process>& p, Term reason) {
  node.finish(*p, reason);
  p.release();  // the node freed it (or retired it: freed with the node)
}

class NodeLinks : public ::testing::TestWithParam<bool> {};  // concurrent?

TEST_P(NodeLinks, OneProcessLinkedToAndMonitoringThousandsHearsFromEachOnce) {
  constexpr size_t kOthers = 3000;
  VM vm;
  Node node(vm);
  node.set_concurrent(GetParam());
  auto watcher_owner = make_processes(vm, node, 1);
  Process& w = *watcher_owner[0];
  w.trap_exit = true;
  auto others = make_processes(vm, node, kOthers);
  std::map<Term, Term> ref_of;  // pid -> the reference monitor/2 gave
  for (auto& p : others) {
    ASSERT_TRUE(node.link(w, *p));
    ref_of[p->self] = node.monitor(w, p->self);
    node.take_inbox(*p);  // several: the link and monitor signals reach it
    ASSERT_NE(p->links, nullptr);
    EXPECT_EQ(p->links->links.size(), 1u);
    EXPECT_EQ(p->links->watchers.size(), 1u);
  }
  EXPECT_EQ(w.links->links.size(), kOthers);
  EXPECT_EQ(w.links->watching.size(), kOthers);
  EXPECT_TRUE(w.links->links.indexed());
  EXPECT_TRUE(w.links->watching.indexed());

  // Every tenth is unlinked and every seventh demonitored first.
  std::map<Term, bool> expect_exit, expect_down;
  for (size_t i = 0; i < kOthers; ++i) {
    const Term pid = others[i]->self;
    expect_exit[pid] = i % 10 != 0;
    expect_down[pid] = i % 7 != 0;
    if (i % 10 == 0) node.unlink(w, pid);
    if (i % 7 == 0) EXPECT_TRUE(node.demonitor(w, ref_of[pid]));
    node.take_inbox(*others[i]);
  }

  std::mt19937 rng(17);
  std::vector<size_t> order(kOthers);
  for (size_t i = 0; i < kOthers; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const Term reason = vm.atom("bye");
  for (size_t i : order) {
    finish(node, others[i], reason);
    if (i % 3 == 0) node.take_inbox(w);  // several: some signals applied as they come
  }
  node.take_inbox(w);

  std::map<Term, int> exits, downs;
  for (Message* m = w.mailbox.head; m; m = m->next) {
    const Term* t = boxed_ptr(m->term);
    if (is_tuple_tagged(m->term, kAtom_EXIT)) {
      ++exits[t[2]];
      EXPECT_EQ(t[3], reason);
    } else {
      ASSERT_TRUE(is_tuple_tagged(m->term, kAtom_DOWN));
      ++downs[t[4]];
      EXPECT_EQ(t[2], ref_of[t[4]]);
      EXPECT_EQ(t[5], reason);
    }
  }
  size_t want_exits = 0, want_downs = 0;
  for (auto& [pid, want] : expect_exit) {
    EXPECT_EQ(exits[pid], want ? 1 : 0);
    want_exits += want;
  }
  for (auto& [pid, want] : expect_down) {
    EXPECT_EQ(downs[pid], want ? 1 : 0);
    want_downs += want;
  }
  EXPECT_EQ(w.mailbox.count, want_exits + want_downs);
  EXPECT_TRUE(w.links->links.empty());
  EXPECT_TRUE(w.links->watching.empty());
  EXPECT_FALSE(w.links->links.indexed());  // shrunk back as they went
  EXPECT_FALSE(w.links->watching.indexed());
  finish(node, watcher_owner[0], kAtom_normal);
}

TEST_P(NodeLinks, DownsOfSeveralMonitorsOnOneProcessComeInMonitorOrder) {
  VM vm;
  Node node(vm);
  node.set_concurrent(GetParam());
  auto ps = make_processes(vm, node, 2);
  Process& w = *ps[0];
  Process& target = *ps[1];
  std::vector<Term> kept;
  for (int i = 0; i < 40; ++i) {
    const Term ref = node.monitor(w, target.self);
    if (i % 3 == 1) EXPECT_TRUE(node.demonitor(w, ref));
    else kept.push_back(ref);
  }
  node.take_inbox(target);
  ASSERT_NE(target.links, nullptr);
  std::vector<Term> watcher_refs;
  for (const auto& m : target.links->watchers) {
    watcher_refs.push_back(m.key);
    EXPECT_EQ(m.value, w.self);
  }
  EXPECT_EQ(watcher_refs, kept);
  finish(node, ps[1], kAtom_normal);
  node.take_inbox(w);
  std::vector<Term> down_refs;
  for (Message* m = w.mailbox.head; m; m = m->next) {
    ASSERT_TRUE(is_tuple_tagged(m->term, kAtom_DOWN));
    down_refs.push_back(boxed_ptr(m->term)[2]);
  }
  EXPECT_EQ(down_refs, kept);
  EXPECT_TRUE(w.links->watching.empty());
  // A demonitor after the DOWN: false, nothing changes.
  EXPECT_FALSE(node.demonitor(w, kept.front()));
  finish(node, ps[0], kAtom_normal);
}

INSTANTIATE_TEST_SUITE_P(Schedulers, NodeLinks, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "Several" : "One"; });

}  // namespace
}  // namespace lzr
