// The run loop of one scheduler (docs/processes.md, "Scheduler"): takes
// runnable processes from the node's queue, runs each for a slice of
// reductions on the chosen engine, and handles what the slice ended with
// (a yield, a wait, a return, an uncaught exception), the timers, crash
// reports and deadlocks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "vm/process.h"

namespace lzr {

// Scheduler threads (docs/processes.md, "Schedulers on every core"): the
// count is the node's (Node::set_schedulers; lzr run --schedulers, env
// LZR_SCHEDULERS, lzr_vm_set_schedulers). At most kMaxSchedulers.
constexpr unsigned kMaxSchedulers = 1024;
// "N" with 1 <= N <= kMaxSchedulers (decimal digits only), else nullopt.
std::optional<unsigned> parse_scheduler_count(std::string_view text);
// The processors online now (at least 1, at most kMaxSchedulers): lzr
// run's default.
unsigned online_cores();

// Runs every process until `main` (set up to resume at main.resume_pc)
// finishes, on the node's scheduler count: one runs on the calling thread
// alone; several run one thread each (the calling thread is the first),
// all stopped at their next slice boundary and joined before this returns
// (the processes still running stay queued for a later call). Returns its result, or kRaised: an uncaught exception (p.error
// etc. set, frames left for stack_trace()), an exit signal that killed it
// (class :exit), or a deadlock (error `deadlock`; deadlock_report() says
// which processes wait).
Term run_until_finished(Process& main, EngineKind engine);

// The last deadlock's report ("... waiting: #PID<0.1.0> in m.f/0 (x.lzs:4),
// ..."), empty if none.
const std::string& deadlock_report(const Process& main);

}  // namespace lzr
