#include "engine/scheduler.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "engine/insn.h"
#include "proc/node.h"
#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/module.h"
#include "vm/printer.h"
#include "vm/raise.h"
#include "vm/vm.h"

namespace lzr {

#ifdef LZR_HAVE_ASM_ENGINE
Term run_asm(Process& p, const Insn* entry);  // asm_engine.cpp
#endif

namespace {

// Where a process whose built-in suspended in a tail call goes on: `ret x0`.
const Insn kRetX0 = {IOp::ret_x, operand(kOperandX, 0), 0, 0, 0, 0, {0}};

// The instruction to resume `p` at. A built-in that suspended (sleep, an
// exit signal to itself) completes its call with native_result.
const Insn* resume_point(Process& p) {
  const Insn* pc = p.resume_pc;
  // Woken in a receive with a message under its cursor (what was posted
  // is in the queue by now): the `wait` would only jump back to the
  // receive (op_wait looks at the cursor first; its timeout was checked
  // when it suspended), so the process goes there at once.
  if (p.suspend == Suspend::Wait) return *p.mailbox.cursor ? pc->u.target : pc;
  if (p.suspend != Suspend::Native) return pc;
  const Term v = p.native_result;
  p.native_result = kNil;
  p.timed_out = false;
  if (pc->op == IOp::tcall_native) {
    p.x[0] = v;
    return &kRetX0;
  }
  if (operand_kind(pc->a) == kOperandX) p.x[operand_index(pc->a)] = v;
  else p.fp[operand_index(pc->a)] = v;
  return pc + 1;
}

// The X registers a process that left the engine needs when it resumes:
// at a `wait`, the ones defined there (the loader recorded them); after a
// built-in call that suspended, none (a call keeps only its result, which
// resume_point writes); after a yield, all of them (the instruction it
// runs again may read any).
uint32_t registers_kept(const Process& p) {
  switch (p.suspend) {
    case Suspend::Wait: return wait_keeps(*p.resume_pc);
    case Suspend::Native:
      return p.resume_pc->op == IOp::call_native || p.resume_pc->op == IOp::tcall_native ? 0 : kAllX;
    default: return kAllX;
  }
}

// The exit reason of a process that raised: an exit's reason as it is, an
// error's term, {:nocatch, value} for a throw nothing caught.
Term exit_reason_of(Process& p) {
  if (p.error_class == kAtom_throw) {
    Term t[2] = {kAtom_nocatch, p.error};
    return make_tuple(p.heap, t);
  }
  return p.error;
}

// "in m.f/1 (x.lzs:3)" for where a waiting process waits.
std::string where_waiting(const Process& p) {
  const Insn* pc = p.resume_pc;
  const Module* m = pc ? p.vm->module_of(pc) : nullptr;
  const FunctionInfo* fn = m ? m->function_at(pc) : nullptr;
  if (!fn) return "";
  return " in " + format_trace_entry(p, TraceEntry{fn, m->file_offset(pc)});
}

// One line on stderr for a process that crashed with nobody linked to it
// or monitoring it: its pid, the reason and the innermost frames.
void report_crash(const Process& p, Term reason) {
  const AtomTable& atoms = p.vm->atoms;
  std::string line = "lzr: process " + term_to_string(p.self, atoms) + " exited: " + exception_class_name(p) + ": " +
                     term_to_string(reason, atoms);
  const std::vector<TraceLine> trace = exception_trace(p);
  for (size_t i = 0; i < trace.size() && i < 3; ++i) line += (i == 0 ? " in " : " <- ") + trace[i].where;
  if (trace.size() > 3) line += " <- ...";
  std::fflush(stdout);  // what the program printed comes first
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

std::string deadlock_text(Node& node) {
  std::string waiting;
  size_t shown = 0;
  node.for_each([&](const Process& p) {
    if (p.state != RunState::Waiting) return;
    if (shown++ == 8) waiting += ", ...";
    if (shown > 8) return;
    waiting += (waiting.empty() ? "" : ", ") + term_to_string(p.self, p.vm->atoms) + where_waiting(p);
  });
  return "every process waits for a message and no timer is pending (" + std::to_string(node.count()) +
         (node.count() == 1 ? " process" : " processes") + "; waiting: " + waiting + ")";
}

// What the schedulers of one run share.
struct Run {
  Node& node;
  Process& main;
  EngineKind engine;
  // Several schedulers: set (release) once `main` has finished or a
  // deadlock was found, after `result` and `deadlock`; each scheduler
  // stops at its next slice boundary.
  std::atomic<bool> stop{false};
  std::atomic<bool> deadlock{false};
  Term result = kRaised;
};

// `main` was killed by an exit signal while it was away.
Term main_killed(Process& main) {
  main.error = main.exit_reason;
  main.error_class = kAtom_exit;
  main.error_trace = kNil;
  main.error_pc = main.resume_pc;
  main.suspend = Suspend::None;
  main.state = RunState::Waiting;
  main.drop_parked();
  return kRaised;
}

// `main` waits and nothing can ever wake it: the run ends with `deadlock`.
Term main_deadlocked(Node& node, Process& main) {
  node.deadlock_report = deadlock_text(node);
  main.error = kAtom_deadlock;
  main.error_class = kAtom_error;
  main.error_trace = kNil;
  main.error_pc = main.resume_pc;
  main.state = RunState::Waiting;
  main.suspend = Suspend::None;
  main.mailbox.wake(node.concurrent());  // not asleep in its receive any more: the host's next call queues it
  main.drop_parked();
  return kRaised;
}

// Runs `p` (just taken from a run queue) for one slice and handles how the
// slice ended. Returns true when `main` has finished (run.result set).
// kShared: several schedulers (`slot` is this thread's); the single
// scheduler's path is the same code with those steps compiled out.
template <bool kShared>
bool run_slice(Run& run, SchedulerSlot& slot, Process* p) {
  Node& node = run.node;
  Process& main = run.main;
  // Several schedulers: signals posted while it was away (an exit may
  // stop it here). With one, they were applied when sent.
  // Alone, nobody else touches the queues and inboxes (Node::alone).
  const bool shared = kShared && !node.alone(slot);
  if (kShared) node.take_inbox(*p, shared);
  if (p->state == RunState::Exiting) {  // killed by an exit signal while away
    if (p == &main) {
      run.result = main_killed(main);
      return true;
    }
    node.finish(*p, p->exit_reason);
    return false;
  }
  if (kShared && p->suspend == Suspend::Native && p->timer_armed) {
    // Asleep in `sleep` and woken by a message or a signal, not its
    // timer: back to sleep (a post meanwhile queues it again at once).
    p->state = RunState::Waiting;
    if (!p->mailbox.sleep(shared)) node.make_runnable(*p);
    return false;
  }

  if (kShared) p->x = slot.registers->x;  // this scheduler's registers (and dispatch table)
  p->unpark_registers();
  const Insn* pc = resume_point(*p);
  p->suspend = Suspend::None;
  p->state = RunState::Running;
  p->reds = kSliceReductions;
  if (kShared) slot.current = p;
  else node.current = p;
#ifdef LZR_HAVE_ASM_ENGINE
  const Term r = run.engine == EngineKind::Asm ? run_asm(*p, pc) : run_portable(*p, pc);
#else
  const Term r = run_portable(*p, pc);
#endif
  if (kShared) slot.current = nullptr;
  else node.current = nullptr;
  const auto used = static_cast<uint64_t>(kSliceReductions - std::max(p->reds, 0));
  p->reductions += used;
  if (kShared) {  // what info/1 on it shows to the others
    slot.reductions_run += used;
    p->shown_heap_words = p->heap.used_words();
    p->shown_stack_words = static_cast<uint64_t>(p->sp - p->stack_base);
    p->shown_message_count = p->mailbox.count;
  }

  if (r != kRaised) {  // the bottom frame returned
    if (p == &main) {
      main.state = RunState::Waiting;
      run.result = r;
      return true;
    }
    node.finish(*p, p->state == RunState::Exiting ? p->exit_reason : kAtom_normal);
    return false;
  }
  if (p->suspend != Suspend::None) {
    if (p->state == RunState::Exiting) {  // an exit signal it sent itself: finishes on its next turn
      node.make_runnable(*p);
      return false;
    }
    p->park_registers(registers_kept(*p));
    // (Re-read: the slice may have queued a second process and so ended
    // running alone.)
    const bool shared_after = kShared && !node.alone(slot);
    if (p->suspend == Suspend::Yield) {
      node.make_runnable(*p);
    } else {
      // (Several schedulers: once asleep, `p` is whoever wakes it's; it is
      // not read again here.)
      p->state = RunState::Waiting;
      if (p->suspend == Suspend::Wait) node.sleep_in_receive(*p, shared_after);
      // A sleep whose timer already fired, or a built-in that suspended
      // only to let others run (timed_out set by it), goes on at once.
      else if (!p->timer_armed) node.make_runnable(*p);
      // Several schedulers: a sleep waits with the asleep mark, so that its
      // Timeout signal (or an exit signal) wakes it.
      else if (kShared && !p->mailbox.sleep(shared_after)) node.make_runnable(*p);
    }
    return false;
  }
  // An exception nothing caught.
  if (p == &main) {
    main.state = RunState::Waiting;
    run.result = kRaised;
    return true;
  }
  const Term reason = exit_reason_of(*p);
  if (kShared) node.close_inbox(*p);  // a link or monitor posted during its slice counts
  const bool watched = p->links && (!p->links->links.empty() || !p->links->watchers.empty());
  if (reason != kAtom_normal && !watched) report_crash(*p, reason);
  node.finish(*p, reason);
  return false;
}

// How often an idle scheduler looks again for work before it sleeps: a
// short bound (a few microseconds), so that a process woken just after it
// found nothing is picked up without a sleep and a wake-up, and an idle VM
// uses no CPU.
constexpr unsigned kIdleSpins = 64;

// One of several schedulers: its own queue first, then a batch stolen from
// the fullest other, then a short spin, then sleep. Returns when the run
// stops (main finished, a deadlock, or another scheduler saw either).
void run_shared(Run& run, SchedulerSlot& me) {
  Node& node = run.node;
  Node::enter(&me);
  unsigned spins = 0;
  for (;;) {
    node.quiescent(me);  // between slices: holds no Process* found before
    if (run.stop.load(std::memory_order_acquire)) break;
    if (node.alone(me)) {
      if (node.solo_off_wanted()) node.end_solo(me);  // a sleeper woke
    } else if (node.others_asleep()) {
      node.try_go_solo(me);
    }
    // Only when one is due: the timers' lock is shared by every scheduler.
    if (node.timers_pending() && node.next_timer_at() <= node.now_ms()) node.fire_timers(node.now_ms());
    const bool alone = node.alone(me);
    Process* p = me.queue.pop(!alone);
    if (!p && me.stolen_watched != 0 && !node.steal_paid(me) && !alone) {
      // What it stole ran too briefly to pay for the move: the work
      // queued elsewhere is short-lived, and stays where it is for a while.
      spins = 0;
      node.rest(me, run.stop);
      continue;
    }
    if (!p && !alone) p = node.steal(me);  // alone, every other queue is empty
    if (!p && me.rest_level != 0 && !alone && node.others_have_work(me)) {
      // Its steals have not paid lately, and what is queued elsewhere it
      // may not take yet: it rests again rather than spin, so that the
      // other scheduler may run alone meanwhile (looks between rests would
      // stop it each time).
      spins = 0;
      node.rest(me, run.stop);
      continue;
    }
    if (!p) {
      if (++spins < kIdleSpins) {
        std::this_thread::yield();
        continue;
      }
      spins = 0;
      if (node.alone(me)) node.end_solo(me);  // a sleeper is no one running alone
      if (node.sleep_idle(me, run.stop) == Node::Idle::Deadlock) {
        run.deadlock.store(true, std::memory_order_relaxed);
        run.stop.store(true, std::memory_order_release);
        node.wake_all();
        break;
      }
      continue;
    }
    spins = 0;
    if (run_slice<true>(run, me, p)) {
      if (node.alone(me)) node.end_solo(me);
      run.stop.store(true, std::memory_order_release);
      node.wake_all();
      break;
    }
  }
  if (node.alone(me)) node.end_solo(me);
  node.quiescent(me);
  Node::enter(nullptr);
}

// Several schedulers: slot 0 on this thread, the others on threads of
// their own, started when there is work for them (Node::start_on_demand)
// and joined before this returns.
Term run_parallel(Run& run, unsigned n) {
  Node& node = run.node;
  // A thread the system refuses (an address-space or thread limit) leaves
  // the run with the schedulers it has, down to this thread's alone.
  std::mutex threads_mutex;
  bool closed = false;  // the run is over: no more threads
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  node.start_on_demand([&](unsigned i) {
    std::lock_guard<std::mutex> hold(threads_mutex);
    if (closed) return false;
    try {
      threads.emplace_back([&run, &node, i] {
        node.started(run.stop);
        run_shared(run, node.slot(i));
      });
    } catch (const std::system_error&) {
      return false;
    }
    return true;
  });
  run_shared(run, node.slot(0));
  {
    std::lock_guard<std::mutex> hold(threads_mutex);
    closed = true;
  }
  for (std::thread& t : threads) t.join();
  node.end_on_demand();
  node.reclaim_all();  // every scheduler has stopped: nothing is in use
  Process& main = run.main;
  main.x = node.slot(0).registers->x;  // the host's registers again
  if (run.deadlock.load(std::memory_order_relaxed)) return main_deadlocked(node, main);
  return run.result;
}

// The node's scheduler count, one per online core counted now if so set.
unsigned scheduler_count(Node& node) {
  if (node.schedulers() == Node::kPerCore) node.set_schedulers(online_cores());
  return node.schedulers();
}

// The single scheduler's loop, on the calling thread, with no lock. With
// several wanted it runs a program all the same until, at a slice
// boundary, two processes wait to run: work for a second scheduler. Then
// it switches the node to the shared loop (once: concurrent() stays on)
// and threads start on demand from there. A program that never has two
// processes to run at once (a script, a message round trip, a host's
// short call) runs as on one scheduler, paying nothing for the others.
Term run_single(Run& run) {
  Node& node = run.node;
  bool may_share = node.schedulers() != 1;
  for (;;) {
    if (node.timers_pending()) node.fire_timers(node.now_ms());
    Process* p = node.next_runnable();
    if (!p) {
      node.quiescent();  // the only scheduler, between slices: no find() is running
      if (node.timers_pending()) {
        const uint64_t now = node.now_ms(), at = node.next_timer_at();
        if (at > now) std::this_thread::sleep_for(std::chrono::milliseconds(at - now));
        continue;
      }
      return main_deadlocked(node, run.main);
    }
    if (run_slice<false>(run, node.slot(0), p)) return run.result;
    if (may_share && node.two_runnable()) [[unlikely]] {
      const unsigned n = scheduler_count(node);
      if (n > 1) {
        node.prepare_schedulers(n);
        return run_parallel(run, n);
      }
      may_share = false;  // one core
    }
  }
}

}  // namespace

std::optional<unsigned> parse_scheduler_count(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (n < 1 || n > kMaxSchedulers) return std::nullopt;
  return n;
}

unsigned online_cores() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > static_cast<long>(kMaxSchedulers) ? kMaxSchedulers : static_cast<unsigned>(n);
}

const std::string& deadlock_report(const Process& main) { return node_of(*main.vm).deadlock_report; }

Term run_until_finished(Process& main, EngineKind engine) {
  Node& node = node_of(*main.vm);
  if (main.self == kNil) node.add(main);
  node.main = &main;
  node.deadlock_report.clear();
  // The node's synchronisation switched on before (a test's, or an
  // earlier run's with several: signals may wait in inboxes), or asked
  // for from the start: the shared loop, one thread per scheduler.
  // Otherwise the single loop, which switches to it when there is work
  // for a second scheduler.
  const bool shared = node.concurrent() || (node.share_from_start() && scheduler_count(node) > 1);
  const unsigned n = shared ? scheduler_count(node) : 1;
  if (shared) node.prepare_schedulers(n);
  main.state = RunState::Waiting;
  // The caller put main's arguments in the registers; other processes may
  // run first.
  main.park_registers(kAllX);
  node.make_runnable(main);
  Run run{node, main, engine};
  return shared ? run_parallel(run, n) : run_single(run);
}

}  // namespace lzr
