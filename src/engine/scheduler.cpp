#include "engine/scheduler.h"

#include <algorithm>
#include <cstdio>
#include <thread>

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

}  // namespace

const std::string& deadlock_report(const Process& main) { return node_of(*main.vm).deadlock_report; }

Term run_until_finished(Process& main, EngineKind engine) {
  Node& node = node_of(*main.vm);
  if (main.self == kNil) node.add(main);
  node.main = &main;
  node.deadlock_report.clear();
  main.state = RunState::Waiting;
  // The caller put main's arguments in the registers; other processes may
  // run first.
  main.park_registers(kAllX);
  node.make_runnable(main);
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
    // Several schedulers: signals posted while it was away (an exit may
    // stop it here). With one, they were applied when sent.
    if (node.concurrent()) node.take_inbox(*p);
    if (p->state == RunState::Exiting) {  // killed by an exit signal while away
      const Term reason = p->exit_reason;
      if (p == &main) {
        main.error = reason;
        main.error_class = kAtom_exit;
        main.error_trace = kNil;
        main.error_pc = main.resume_pc;
        main.suspend = Suspend::None;
        main.state = RunState::Waiting;
        main.drop_parked();
        return kRaised;
      }
      node.finish(*p, reason);
      continue;
    }

    p->unpark_registers();
    const Insn* pc = resume_point(*p);
    p->suspend = Suspend::None;
    p->state = RunState::Running;
    p->reds = kSliceReductions;
    node.current = p;
#ifdef LZR_HAVE_ASM_ENGINE
    const Term r = engine == EngineKind::Asm ? run_asm(*p, pc) : run_portable(*p, pc);
#else
    const Term r = run_portable(*p, pc);
#endif
    node.current = nullptr;
    p->reductions += static_cast<uint64_t>(kSliceReductions - std::max(p->reds, 0));

    if (r != kRaised) {  // the bottom frame returned
      if (p == &main) {
        main.state = RunState::Waiting;
        return r;
      }
      node.finish(*p, p->state == RunState::Exiting ? p->exit_reason : kAtom_normal);
      continue;
    }
    if (p->suspend != Suspend::None) {
      if (p->state == RunState::Exiting) {  // an exit signal it sent itself: finishes on its next turn
        node.make_runnable(*p);
        continue;
      }
      p->park_registers(registers_kept(*p));
      if (p->suspend == Suspend::Yield) {
        node.make_runnable(*p);
      } else {
        p->state = RunState::Waiting;
        if (p->suspend == Suspend::Wait) node.sleep_in_receive(*p);
        // A sleep whose timer already fired, or a built-in that suspended
        // only to let others run (timed_out set by it), goes on at once.
        if (p->suspend == Suspend::Native && !p->timer_armed) node.make_runnable(*p);
      }
      continue;
    }
    // An exception nothing caught.
    if (p == &main) {
      main.state = RunState::Waiting;
      return kRaised;
    }
    const Term reason = exit_reason_of(*p);
    if (node.concurrent()) node.close_inbox(*p);  // a link or monitor posted during its slice counts
    const bool watched = p->links && (!p->links->links.empty() || !p->links->watchers.empty());
    if (reason != kAtom_normal && !watched) report_crash(*p, reason);
    node.finish(*p, reason);
  }
}

}  // namespace lzr
