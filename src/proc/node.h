// The processes of one VM (docs/processes.md): the process table, the run
// queue, timers, the name registry, links and monitors, and message
// delivery. Built-ins change processes through this; the engine's run loop
// (engine/scheduler.cpp) takes runnable processes from it.
//
// Nothing here is touched by the engines' hot paths. With one scheduler a
// single thread touches it all and nothing locks. With several
// (concurrent(), engine/scheduler.cpp runs one thread each) delivery (the
// mailbox inbox), the table, the registry, timers and references are
// thread-safe; links, monitors, exit signals and timeouts travel as
// signals through the receiver's inbox (Signal, vm/process.h) so that a
// process's own fields are touched by its own scheduler only; each
// scheduler has its run queue (SchedulerSlot); and a finished process is
// retired, not freed, until every scheduler has passed a quiescent point
// (proc/reclaim.h), so a Process* from find() or whereis() stays valid
// until the finding scheduler's next one.
#pragma once

#include <chrono>
#include <cstdint>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <condition_variable>
#include <functional>

#include "proc/id_table.h"
#include "proc/reclaim.h"
#include "proc/run_queue.h"
#include "proc/table.h"
#include "vm/process.h"
#include "vm/vm.h"
#include "vm/term.h"

namespace lzr {

class VM;
class Node;

// Links and monitors: most processes have none, so they live outside
// Process, allocated on first use. Only the process's own scheduler touches
// them. (A registered name lives in the node's registry, both ways.) Each
// list is an IdTable (proc/id_table.h): one pointer while empty, a small
// block while small, hashed when big, so one process linked to or
// monitoring thousands adds and drops each in O(1); all keep the order
// entries were added in, which is the order finish() tells them.
struct ProcessLinks {
  using Monitors = IdTable<Term>;  // a monitor's reference -> the other pid
  using Monitor = Monitors::Entry;
  IdTable<> links;     // linked pids
  Monitors watching;   // monitors this process holds: ref -> the watched pid
  Monitors watchers;   // monitors on this process: ref -> the watcher
};

// One scheduler as the node sees it (engine/scheduler.cpp runs it, one
// thread each): its run queue, the X registers and asm dispatch table it
// runs processes with, and the process it runs now.
struct SchedulerSlot {
  Node* node = nullptr;
  unsigned index = 0;
  RunQueue queue;
  RegisterFile* registers = nullptr;           // slot 0: the VM's; the others: own_registers
  std::unique_ptr<RegisterFile> own_registers;
  Process* current = nullptr;                  // its own thread's to read and write
  std::atomic<uint64_t> steals{0};             // batches it took from another queue (tests, --stats)
  // Node::steal's looks at a queue holding few processes (kSmallQueue):
  // which queue, and how many looks in a row found it so.
  const SchedulerSlot* small_victim = nullptr;
  unsigned small_looks = 0;
  // Whether stealing pays here (Node::steal_paid): the reductions this
  // scheduler ran, and, from its last steal until its queue next runs dry,
  // how many processes it took and the reductions it had run before. A run
  // of steals that did not pay makes it rest longer (rest_level).
  uint64_t reductions_run = 0;
  size_t stolen_watched = 0;
  uint64_t reductions_at_steal = 0;
  unsigned rest_level = 0;
  bool rested = false;  // it has just rested: its next look steals even from a short queue
};

class Node {
 public:
  explicit Node(VM& vm);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  VM& vm;

  // ---- the table ----
  // Gives `p` its pid (p.self) and puts it in the table.
  void add(Process& p) { table_.insert(p); }
  Process* find(Term pid) const { return table_.find(pid); }  // lock-free
  size_t count() const { return table_.count(); }
  template <typename F> void for_each(F&& f) const { table_.for_each(f); }
  // One scheduler, where no other thread can be in find(): frees what a
  // grown table left. (Several: each scheduler's quiescent point, below.)
  void quiescent() { table_.free_retired(); }

  // A new process that will run `closure` (arity 0, already checked) from
  // its first instruction: the closure is copied into its heap. It is put
  // on the run queue. nullptr when memory runs out (the caller raises).
  // `link_with` (spawn_link) is linked to it, and `monitored_by`
  // (spawn_monitor) monitors it with a new reference in *monitor_ref,
  // before it is queued: with several schedulers another could otherwise
  // run it, and see it finish, before the link or monitor reached it.
  Process* spawn(Term closure, Process* link_with = nullptr, Process* monitored_by = nullptr,
                 Term* monitor_ref = nullptr);

  // ---- the run queue ----
  // Waiting -> Runnable, queued: on the calling scheduler's queue (a
  // thread that is none: the first's), waking a sleeping scheduler if one
  // sleeps. (In line: with one scheduler it is a few pointer moves on
  // every wake-up.)
  void make_runnable(Process& p) {
    if (!concurrent_) {
      if (p.state != RunState::Exiting) p.state = RunState::Runnable;
      first_.queue.push(p, false);
    } else {
      queue_shared(p, this_slot());
    }
  }
  // A timer or an exit signal wakes waiting `p` (queued once, whoever
  // else is waking it: Mailbox::wake).
  void wake(Process& p);
  // `p` (the running process) suspends in a receive: it sleeps until a
  // message, a timer or a signal wakes it, unless a message was posted
  // meanwhile (then it is queued again at once).
  void sleep_in_receive(Process& p) { sleep_in_receive(p, shares_now()); }
  // As above, from a scheduler that knows whether it shares now.
  void sleep_in_receive(Process& p, bool shared) {
    if (!p.mailbox.sleep(shared)) make_runnable(p);
  }
  // Whether the calling thread must synchronise with others now: several
  // schedulers, and it is not one running alone.
  bool shares_now() const { return concurrent_ && shares(this_slot()); }
  // The same for a caller that looked its slot up (`s`: this_slot()),
  // several schedulers assumed.
  bool shares(const SchedulerSlot* s) const { return !(s && alone(*s)); }
  // Whether several scheduler threads share this node: its structures
  // then synchronise (docs/processes.md, "Schedulers on every core"). Set
  // before the threads start; with one scheduler it stays false and
  // nothing takes a lock or a locked instruction.
  bool concurrent() const { return concurrent_; }
  void set_concurrent(bool on) {
    concurrent_ = on;
    table_.concurrent = on;
  }
  // One scheduler: the next process of its queue, nullptr when none.
  Process* next_runnable() { return first_.queue.pop(false); }
  bool has_runnable() const { return !first_.queue.empty_unshared(); }
  // One scheduler, between slices: whether two processes wait to run, work
  // for a second scheduler when several are wanted (engine/scheduler.cpp).
  bool two_runnable() const { return first_.queue.size() >= 2; }

  // ---- schedulers (engine/scheduler.cpp runs them) ----
  // How many scheduler threads a run may use; 1 (the default) is the
  // single-threaded loop, with concurrent() false. Between runs only.
  // With several, a run starts in that loop all the same, and switches to
  // the shared one (prepare_schedulers) at the first slice boundary where
  // two processes wait to run (engine/scheduler.cpp, run_single).
  void set_schedulers(unsigned n) { wanted_schedulers_ = n == 0 ? 1 : n; }
  // One per online core (lzr run's default), counted when first needed
  // (engine/scheduler.cpp: at the switch to the shared loop): a run that
  // never needs a second scheduler never reads the count from the system.
  void set_schedulers_per_core() { wanted_schedulers_ = kPerCore; }
  // The count set; kPerCore: one per core, not counted yet.
  unsigned schedulers() const { return wanted_schedulers_; }
  static constexpr unsigned kPerCore = 0;
  // Tests (LZR_SCHEDULERS_EAGER=1): with several schedulers, a run takes
  // the shared loop from its first slice, so that a program that never
  // has two processes to run still goes through it.
  void set_share_from_start(bool on) { share_from_start_ = on; }
  bool share_from_start() const { return share_from_start_; }
  // Before a run with several, or in one between two slices when no other
  // thread runs: makes slots 0..n-1 (slot 0 runs on the calling thread,
  // with the VM's registers), switches concurrent() on (it stays on:
  // signals may wait in inboxes) and readies the reclaimer.
  void prepare_schedulers(unsigned n);
  SchedulerSlot& slot(unsigned i) { return i == 0 ? first_ : *others_[i - 1]; }
  unsigned slot_count() const { return 1 + static_cast<unsigned>(others_.size()); }
  // Binds the calling thread to `s` (its make_runnable and current).
  static void enter(SchedulerSlot* s);
  // The calling thread's slot in this node, or nullptr. (In line: every
  // send and wake-up asks.)
  SchedulerSlot* this_slot() const {
    SchedulerSlot* s = t_slot;
    return s && s->node == this ? s : nullptr;
  }
  // The process running on the calling thread (nullptr between slices).
  Process* running() const {
    if (!concurrent_) return current;
    const SchedulerSlot* s = this_slot();
    return s ? s->current : nullptr;
  }
  // Several schedulers: takes a batch from the fullest other queue into
  // `me`'s and returns its first process, or nullptr.
  Process* steal(SchedulerSlot& me);
  // How many times work queued (or a stop) notified sleeping schedulers
  // (tests: a message round trip wakes none).
  uint64_t wake_ups() {
    std::lock_guard<std::mutex> hold(idle_mutex_);
    return wake_gen_;
  }
  // Whether any scheduler's queue holds a process, each size read under
  // its queue's lock (ordered with every push: notify_work_after_push).
  bool any_queued();
  // Whether another scheduler's queue holds a process now (sizes read
  // without their locks: a hint).
  bool others_have_work(const SchedulerSlot& me) {
    for (unsigned i = 0; i < slot_count(); ++i)
      if (&slot(i) != &me && slot(i).queue.size() != 0) return true;
    return false;
  }
  // Several schedulers, `me` found nothing to run: sleeps until work is
  // queued, the next timer is due, or `stop` is set. Returns Deadlock
  // instead when every other scheduler sleeps too, nothing is queued and
  // no timer is pending (then nothing can ever run again).
  enum class Idle : uint8_t { Woken, Deadlock };
  Idle sleep_idle(SchedulerSlot& me, const std::atomic<bool>& stop);
  // Wakes every sleeping scheduler (a run ends).
  void wake_all();

  // Several schedulers whose threads start on demand (run_parallel): all
  // but the calling thread's (slot 0) start with no thread and count as
  // asleep, so that a program that never has two processes to run starts
  // none. Work queued for another scheduler while no started one sleeps
  // starts the next with `start(index)`, which makes its thread (false:
  // the system refused; that one stays asleep and is not asked again).
  // The thread calls started(), then runs as a scheduler. Only while no
  // scheduler runs; what the others have queued moves to the first.
  void start_on_demand(std::function<bool(unsigned)> start);
  // A scheduler thread that start_on_demand's `start` made: it wakes as a
  // sleeper does (waiting, if another runs alone, until that one stops).
  void started(const std::atomic<bool>& stop);
  // Every started thread is joined: the ones never started stop counting
  // as asleep.
  void end_on_demand();
  // Scheduler threads started on demand so far (--stats, tests).
  uint64_t threads_started() const { return threads_started_.load(std::memory_order_relaxed); }
  // Reductions a stolen process must run, on average, for its move to have
  // paid: a quarter of a slice, some microseconds. A process is a kilobyte
  // or more of memory that was the victim's, and a steal hands locks and
  // lines across cores; a spawner's children that send one message and
  // end (a few reductions each) cost far more to move than to run where
  // they were made (spawn_exit at 2 schedulers, on two cores that share
  // little cache, ran 3 times as long as on one).
  static constexpr uint64_t kStealPaysReductions = kSliceReductions / 4;
  // A scheduler whose steal did not pay rests kFirstRest, then twice as
  // long after each further one in a row, up to level kMaxRestLevel
  // (2 ms): the longest a process that would run long waits behind short
  // ones before it is shared out. One steal that pays ends the rests.
  static constexpr std::chrono::microseconds kFirstRest{64};
  static constexpr unsigned kMaxRestLevel = 6;
  // Several schedulers, `me`'s queue ran dry after a steal: whether the
  // processes it stole ran long enough to pay for their move. False after
  // a run of steals that did not: `me` should rest() before it looks again.
  bool steal_paid(SchedulerSlot& me);
  // `me` sleeps through work queued elsewhere for a while (longer after
  // each steal in a row that did not pay), unless `stop` is set: while it
  // rests a scheduler with many short-lived processes keeps them, and runs
  // alone (no push wakes a resting scheduler).
  void rest(SchedulerSlot& me, const std::atomic<bool>& stop);
  // A scheduler between two slices: holds no Process* found before.
  void quiescent(SchedulerSlot& me) { reclaimer_.quiescent(me.index); }

  // ---- one scheduler running alone (docs/processes.md) ----
  // While every other scheduler sleeps, the one that runs touches its run
  // queue and its processes' inboxes with plain loads and stores, as a
  // single scheduler does: a message round trip then costs no locked
  // instruction. A sleeper that wakes (its timer) first asks it to stop
  // (solo_off_wanted) and waits; it stops at its next slice boundary, and
  // before it queues a second process (work for another) or sleeps.
  // Between slices, on `me`'s thread: runs alone from now on if every
  // other scheduler sleeps and none asked otherwise.
  void try_go_solo(SchedulerSlot& me);
  void end_solo(SchedulerSlot& me);
  bool others_asleep() const {
    return sleepers_.load(std::memory_order_relaxed) + resting_.load(std::memory_order_relaxed) + 1 == slot_count();
  }
  bool solo_off_wanted() const { return solo_off_.load(std::memory_order_relaxed); }
  // Whether `s` runs alone now: its queue and its processes' inboxes are
  // handled without locked instructions.
  bool alone(const SchedulerSlot& s) const { return solo_.load(std::memory_order_relaxed) == &s; }
  // How many times a scheduler began to run alone (tests, --stats).
  uint64_t solo_runs() const { return solo_runs_.load(std::memory_order_relaxed); }
  // After the threads are joined: frees every retired process and array.
  void reclaim_all() { reclaimer_.free_all(); }

  // ---- messages ----
  // Copies `msg` out of the sender's heap and appends it to `to`'s mailbox,
  // waking `to` if it waits for a message.
  void send(Process& to, Term msg);
  void deliver(Process& to, Message* m);
  // The owner of `p` (the scheduler running it): moves what was posted to
  // its queue and applies the signals among it, in posted order.
  bool take_inbox(Process& p) { return take_inbox(p, shares_now()); }
  // As above, from a scheduler that knows whether it shares now.
  bool take_inbox(Process& p, bool shared) {
    return p.mailbox.take_inbox(shared, concurrent_ ? &Node::apply_signal : nullptr, &p);
  }
  // A message made from `msg` (copied), not yet delivered.
  static Message* make_message(Term msg);

  // ---- time ----
  uint64_t now_ms() const;
  // Wakes `p` (a receive's timeout or a sleep) at `at` ms.
  void arm_timer(Process& p, uint64_t at);
  void disarm_timer(Process& p) { p.timer_armed = false; }
  // send_after: `m` goes to `dest` (a pid or a registered name) at `at`;
  // returns the timer's reference.
  Term send_after(Term dest, Message* m, uint64_t at);
  // Cancels a send_after timer: the milliseconds that were left, or -1 if
  // it had fired or was cancelled already.
  int64_t cancel_timer(Term ref);
  // Fires every timer due at `now`. Returns true if any remain pending.
  bool fire_timers(uint64_t now);
  // When the next timer is due (only meaningful when one is pending).
  uint64_t next_timer_at() const { return next_due_.load(std::memory_order_acquire); }
  bool timers_pending() const { return next_due_.load(std::memory_order_acquire) != kNoTimer; }

  Term make_ref() { return lzr::make_ref(next_ref_.fetch_add(1, std::memory_order_relaxed)); }

  // ---- names ----
  Process* whereis(Term name) const;
  bool register_name(Term name, Process& p);   // false: name taken, p named already, or p finished
  bool unregister_name(Term name);
  Term name_of(const Process& p) const;        // its registered name, or nil

  // ---- links, monitors, exit signals ----
  // `a`, `watcher`: the calling process (its scheduler owns it).
  ProcessLinks& links_of(Process& p);
  // False when `b` has finished (noproc).
  bool link(Process& a, Process& b);
  void unlink(Process& a, Term b);
  Term monitor(Process& watcher, Term target);  // a DOWN with noproc at once if target is gone
  bool demonitor(Process& watcher, Term ref);
  // The exit signal `reason` from `from` reaches `to` (exit/2 when !linked,
  // a linked process's death when linked).
  void exit_signal(Term from, Process& to, Term reason, bool linked);
  // `p` stops with `reason` on its next turn (it may be the running one).
  void kill(Process& p, Term reason);
  // Several schedulers, `p` (its owner) is finishing: closes its inbox and
  // applies the link and monitor signals posted before (finish() does it
  // too; done earlier, `p`'s links and monitors are final, e.g. to decide
  // whether its crash needs a report).
  void close_inbox(Process& p);
  // `p` has finished with `reason`: its links and monitors are told, its
  // name is dropped, and it is freed. Returns true if someone was told
  // (so a crash needs no report).
  bool finish(Process& p, Term reason);

  // One scheduler: the process that is running now (nullptr between
  // slices). With several each slot has its own: running().
  Process* current = nullptr;
  // The first process: when it finishes, the program ends.
  Process* main = nullptr;
  // Why the last run stopped with error `deadlock` (engine/scheduler.cpp).
  std::string deadlock_report;

 private:
  // The scheduler slot the calling thread runs (enter()), of whichever
  // node: this_slot() checks that it is this one.
  static inline thread_local SchedulerSlot* t_slot = nullptr;
  struct Timer {
    uint64_t at;
    uint64_t seq;     // ties broken by arming order
    Term pid;         // process timer: whose; send_after: nil
    Term ref;         // send_after: its reference
    bool operator>(const Timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  struct PendingSend {
    Term dest;
    Message* message;
    uint64_t at;
  };
  void push_timer(const Timer& t);  // timers_mutex_ held
  // A sleeper or a rester that woke, idle_mutex_ held by `lock`: waits
  // until no scheduler runs alone (or `stop`), having asked it to stop.
  void wait_out_solo(std::unique_lock<std::mutex>& lock, const std::atomic<bool>& stop);
  // Several schedulers: `m` (a signal) goes to `to`'s inbox; false (and
  // `m` freed) when `to` has finished.
  bool post_signal(Process& to, Message* m);
  static void apply_signal(void* process, Message* m);   // Mailbox::SignalFn
  void apply_exit(Process& to, Term from, Term reason, bool linked, Message* as_message);
  void publish_next_due();          // timers_mutex_ held
  void notify_work();               // several schedulers: after queuing, wake a sleeping one
  void notify_work_after_push();    // the same, right after a push under the queue's lock
  // Several schedulers: make_runnable's marking and queuing; `s` is
  // this_slot() (looked up once by a caller that needs it too).
  void queue_shared(Process& p, SchedulerSlot* s);
  [[gnu::noinline]] void push_locked(Process& p, SchedulerSlot* s);  // queue_shared, not alone
  [[gnu::noinline]] void share_out(SchedulerSlot& me);               // alone, and a second process queued
  static constexpr uint64_t kNoTimer = UINT64_MAX;

  ProcessTable table_;
  bool concurrent_ = false;
  bool share_from_start_ = false;
  std::atomic<uint64_t> next_ref_{1};
  // Timers: arming, cancelling and firing hold timers_mutex_; next_due_
  // (kNoTimer: none) lets a scheduler see when to wake without it.
  std::mutex timers_mutex_;
  std::atomic<uint64_t> next_due_{kNoTimer};
  uint64_t timer_seq_ = 0;
  SchedulerSlot first_;  // slot 0: the one scheduler, or the host thread's among several
  std::vector<std::unique_ptr<SchedulerSlot>> others_;
  unsigned wanted_schedulers_ = 1;
  Reclaimer reclaimer_;
  // Idle schedulers: sleepers_ counts those in sleep_idle; a queuing
  // thread that sees one bumps wake_gen_ (under idle_mutex_) and notifies.
  std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
  std::atomic<unsigned> sleepers_{0};
  std::atomic<unsigned> resting_{0};  // in rest(): asleep, and not to be woken by work (changed under idle_mutex_)
  uint64_t wake_gen_ = 0;  // also how many times a sleeping scheduler was notified (or started)
  // Started on demand: schedulers counted in sleepers_ with no thread in
  // sleep_idle (not started, being started, or refused a thread), the next
  // slot to start, and how (under idle_mutex_).
  unsigned unstarted_ = 0;
  unsigned next_start_ = 0;
  std::function<bool(unsigned)> start_scheduler_;
  std::atomic<uint64_t> threads_started_{0};
  // The scheduler that runs alone, or nullptr; a woken sleeper wants it
  // to stop. Changed under idle_mutex_; read without it by the one alone.
  std::atomic<const SchedulerSlot*> solo_{nullptr};
  std::atomic<bool> solo_off_{false};
  std::atomic<uint64_t> solo_runs_{0};
  std::vector<Timer> timers_;  // a binary min-heap on (at, seq)
  std::unordered_map<Term, PendingSend> sends_;  // send_after timers by reference
  mutable std::shared_mutex names_mutex_;  // whereis: shared; register, unregister, an exit: exclusive
  std::unordered_map<Term, Process*> names_;
  std::unordered_map<Term, Term> name_by_pid_;  // the same entries, pid -> name
  // How many names are registered (written under names_mutex_): a
  // finishing process takes the lock only when some name is (finish and
  // register_name, docs/processes.md "registry").
  std::atomic<size_t> names_taken_{0};
  std::chrono::steady_clock::time_point start_;
};

// The VM's node, made on first use (in line: receive's `wait` asks on
// every suspension).
Node& make_node(VM& vm);
inline Node& node_of(VM& vm) { return vm.node ? *vm.node : make_node(vm); }

// Words a process starts with (heap): small, grows with its needs.
constexpr size_t kSpawnHeapWords = 16;

}  // namespace lzr
