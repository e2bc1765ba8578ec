// The `process` module: spawning, messages, links, monitors, names, timers
// (docs/processes.md, "Built-ins"). The receive itself is instructions
// (recv, recvnext, accept, wait); everything else is here, on top of the
// node (proc/node.h).
#include "builtins/builtins.h"
#include "proc/node.h"
#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/function_info.h"
#include "vm/maps.h"

namespace lzr {
namespace {

Term boolean(bool b) { return b ? kTrue : kFalse; }
Node& node(lzr_env* env) { return node_of(*proc(env).vm); }
Term badarg(lzr_env* env, Term t) { return raise_tagged(proc(env), kAtom_badarg, t); }

bool spawnable(Term f) {
  return is_closure(f) && reinterpret_cast<const FunctionInfo*>(boxed_ptr(f)[1])->arity == 0;
}

// Suspends the calling process inside this built-in's call: the engine
// leaves, and the call returns `result` when the process runs again (at
// once, unless a timer is armed: sleep). Returns what the native returns.
Term suspend_call(Process& p, Term result) {
  p.suspend = Suspend::Native;
  p.native_result = result;
  return kRaised;
}

// A number of milliseconds: a non-negative integer (else badarg).
bool milliseconds(Term t, uint64_t& ms) {
  if (!is_int(t) || int_value(t) < 0) return false;
  ms = static_cast<uint64_t>(int_value(t));
  return true;
}

Process* spawn_checked(lzr_env* env, Term f) {
  if (!spawnable(f)) {
    badarg(env, f);
    return nullptr;
  }
  Process* child = node(env).spawn(f);
  if (!child) fail(env, kAtom_system_limit);
  return child;
}

Term p_spawn(lzr_env* env, const Term* a, unsigned) {
  Process* child = spawn_checked(env, a[0]);
  return child ? child->self : kRaised;
}

Term p_spawn_link(lzr_env* env, const Term* a, unsigned) {
  Process* child = spawn_checked(env, a[0]);
  if (!child) return kRaised;
  node(env).link(proc(env), *child);
  return child->self;
}

Term p_spawn_monitor(lzr_env* env, const Term* a, unsigned) {
  Process* child = spawn_checked(env, a[0]);
  if (!child) return kRaised;
  const Term ref = node(env).monitor(proc(env), child->self);
  Term t[2] = {child->self, ref};
  return make_tuple(proc(env).heap, t);
}

Term p_self(lzr_env* env, const Term*, unsigned) { return proc(env).self; }

Term p_send(lzr_env* env, const Term* a, unsigned) {
  Node& n = node(env);
  Process* to;
  if (is_pid(a[0])) {
    to = n.find(a[0]);
    if (!to) return a[1];  // to a process that is gone: dropped, as in Erlang
  } else if (is_atom(a[0])) {
    to = n.whereis(a[0]);
    if (!to) return badarg(env, a[0]);
  } else {
    return badarg(env, a[0]);
  }
  n.send(*to, a[1]);
  return a[1];
}

Term p_link(lzr_env* env, const Term* a, unsigned) {
  if (!is_pid(a[0])) return badarg(env, a[0]);
  Process* other = node(env).find(a[0]);
  // (With several schedulers another's state is its own: a finished one
  // refuses the link signal instead.)
  if (!other || (!node(env).concurrent() && other->state == RunState::Exiting)) return fail(env, kAtom_noproc);
  if (!node(env).link(proc(env), *other)) return fail(env, kAtom_noproc);
  return kTrue;
}

Term p_unlink(lzr_env* env, const Term* a, unsigned) {
  if (!is_pid(a[0])) return badarg(env, a[0]);
  node(env).unlink(proc(env), a[0]);
  return kTrue;
}

Term p_monitor(lzr_env* env, const Term* a, unsigned) {
  if (!is_pid(a[0]) && !is_atom(a[0])) return badarg(env, a[0]);
  return node(env).monitor(proc(env), a[0]);
}

Term p_demonitor(lzr_env* env, const Term* a, unsigned) {
  if (!is_ref(a[0])) return badarg(env, a[0]);
  return boolean(node(env).demonitor(proc(env), a[0]));
}

// exit(pid, reason): sends an exit signal. To the caller itself it takes
// effect before the call returns: the process stops there.
Term p_exit(lzr_env* env, const Term* a, unsigned) {
  if (!is_pid(a[0])) return badarg(env, a[0]);
  Process& self = proc(env);
  Node& n = node(env);
  Process* to = n.find(a[0]);
  if (!to) return kTrue;
  n.exit_signal(self.self, *to, a[1], false);
  if (self.state == RunState::Exiting) return suspend_call(self, kTrue);
  return kTrue;
}

Term p_flag(lzr_env* env, const Term* a, unsigned) {
  if (a[0] != kAtom_trap_exit) return badarg(env, a[0]);
  if (a[1] != kTrue && a[1] != kFalse) return badarg(env, a[1]);
  Process& p = proc(env);
  const Term old = boolean(p.trap_exit);
  p.trap_exit = a[1] == kTrue;
  return old;
}

Term p_register(lzr_env* env, const Term* a, unsigned) {
  if (!is_atom(a[0]) || a[0] == kAtom_undefined || a[0] == kAtom_nil) return badarg(env, a[0]);
  if (!is_pid(a[1])) return badarg(env, a[1]);
  Process* p = node(env).find(a[1]);
  if (!p || !node(env).register_name(a[0], *p)) return badarg(env, a[0]);
  return kTrue;
}

Term p_unregister(lzr_env* env, const Term* a, unsigned) {
  if (!is_atom(a[0]) || !node(env).unregister_name(a[0])) return badarg(env, a[0]);
  return kTrue;
}

Term p_whereis(lzr_env* env, const Term* a, unsigned) {
  if (!is_atom(a[0])) return badarg(env, a[0]);
  Process* p = node(env).whereis(a[0]);
  return p ? p->self : kAtom_nil;
}

// (With several schedulers `state` is read with a relaxed atomic load: its
// owner's latest, or one just before.)
Term p_alive(lzr_env* env, const Term* a, unsigned) {
  if (!is_pid(a[0])) return badarg(env, a[0]);
  Process* p = node(env).find(a[0]);
  return boolean(p && p->state != RunState::Exiting);
}

// sleep(ms): suspends for `ms` milliseconds; messages do not wake it.
Term p_sleep(lzr_env* env, const Term* a, unsigned) {
  uint64_t ms;
  if (a[0] == kAtom_infinity) ms = UINT64_MAX / 4;
  else if (!milliseconds(a[0], ms)) return badarg(env, a[0]);
  Process& p = proc(env);
  Node& n = node(env);
  if (ms > 0) {
    n.arm_timer(p, n.now_ms() + ms);
    p.timer_pc = nullptr;
  }
  return suspend_call(p, kAtom_ok);  // sleep(0) only lets the others run
}

Term p_send_after(lzr_env* env, const Term* a, unsigned) {
  uint64_t ms;
  if (!milliseconds(a[0], ms)) return badarg(env, a[0]);
  if (!is_pid(a[1]) && !is_atom(a[1])) return badarg(env, a[1]);
  Node& n = node(env);
  return n.send_after(a[1], Node::make_message(a[2]), n.now_ms() + ms);
}

Term p_cancel_timer(lzr_env* env, const Term* a, unsigned) {
  if (!is_ref(a[0])) return badarg(env, a[0]);
  const int64_t left = node(env).cancel_timer(a[0]);
  return left < 0 ? kFalse : make_int(left);
}

Term p_make_ref(lzr_env* env, const Term*, unsigned) { return node(env).make_ref(); }

// info(pid): a map of the process's figures, or nil when it is gone.
Term p_info(lzr_env* env, const Term* a, unsigned) {
  if (!is_pid(a[0])) return badarg(env, a[0]);
  Process* p = node(env).find(a[0]);
  if (!p) return kAtom_nil;
  const bool own = p == &proc(env);
  if (own) node(env).take_inbox(*p);  // its own count includes what was posted
  const RunState state = p->state;
  const Term status = state == RunState::Running   ? kAtom_running
                      : state == RunState::Waiting ? kAtom_waiting
                      : state == RunState::Exiting ? kAtom_exiting
                                                   : kAtom_runnable;
  const Term registered = node(env).name_of(*p);
  const Term name = registered != kNil ? registered : kAtom_nil;
  // Another process's live figures are its owner's: with several
  // schedulers, the ones it published at the end of its last slice.
  const bool published = !own && node(env).concurrent();
  const uint64_t heap_words = published ? uint64_t{p->shown_heap_words} : p->heap.used_words();
  const uint64_t stack_words = published ? uint64_t{p->shown_stack_words} : static_cast<uint64_t>(p->sp - p->stack_base);
  const uint64_t message_count = published ? uint64_t{p->shown_message_count} : p->mailbox.count;
  const Term kv[] = {
      kAtom_heap_words,      make_int(static_cast<int64_t>(heap_words)),
      kAtom_stack_words,     make_int(static_cast<int64_t>(stack_words)),
      kAtom_message_count,   make_int(static_cast<int64_t>(message_count)),
      kAtom_reductions,      make_int(static_cast<int64_t>(uint64_t{p->reductions})),
      kAtom_status,          status,
      kAtom_registered_name, name,
  };
  return map_from_pairs(proc(env).heap, kv, 6);
}

constexpr BuiltinFn kProcess[] = {
    {"spawn", 1, guarded<p_spawn>},
    {"spawn_link", 1, guarded<p_spawn_link>},
    {"spawn_monitor", 1, guarded<p_spawn_monitor>},
    {"self", 0, guarded<p_self>},
    {"send", 2, guarded<p_send>},
    {"link", 1, guarded<p_link>},
    {"unlink", 1, guarded<p_unlink>},
    {"monitor", 1, guarded<p_monitor>},
    {"demonitor", 1, guarded<p_demonitor>},
    {"exit", 2, guarded<p_exit>},
    {"flag", 2, guarded<p_flag>},
    {"register", 2, guarded<p_register>},
    {"unregister", 1, guarded<p_unregister>},
    {"whereis", 1, guarded<p_whereis>},
    {"alive?", 1, guarded<p_alive>},
    {"sleep", 1, guarded<p_sleep>},
    {"send_after", 3, guarded<p_send_after>},
    {"cancel_timer", 1, guarded<p_cancel_timer>},
    {"make_ref", 0, guarded<p_make_ref>},
    {"info", 1, guarded<p_info>},
};

}  // namespace

void register_process(VM& vm) { add_builtin_module(vm, "process", kProcess); }

}  // namespace lzr
