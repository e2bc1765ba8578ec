// The run loop of one scheduler (docs/processes.md, "Scheduler"): takes
// runnable processes from the node's queue, runs each for a slice of
// reductions on the chosen engine, and handles what the slice ended with
// (a yield, a wait, a return, an uncaught exception), the timers, crash
// reports and deadlocks.
#pragma once

#include <string>

#include "engine/engine.h"
#include "vm/process.h"

namespace lzr {

// Runs every process until `main` (set up to resume at main.resume_pc)
// finishes. Returns its result, or kRaised: an uncaught exception (p.error
// etc. set, frames left for stack_trace()), an exit signal that killed it
// (class :exit), or a deadlock (error `deadlock`; deadlock_report() says
// which processes wait).
Term run_until_finished(Process& main, EngineKind engine);

// The last deadlock's report ("... waiting: #PID<0.1.0> in m.f/0 (x.lzs:4),
// ..."), empty if none.
const std::string& deadlock_report(const Process& main);

}  // namespace lzr
