// Processes on several scheduler threads (docs/processes.md, "Schedulers on
// every core"): the process programs print what they print with one
// scheduler, on 2 and 4 threads, on both engines, normally and under GC
// stress; independent processes really run on two threads; an idle VM
// sleeps; a deadlock is found with every scheduler asleep; main finishing
// stops and joins the others. The suite's name (…Threads) puts it in the
// tsan test preset.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/loader.h"
#include "engine/scheduler.h"
#include "format/module_file.h"
#include "proc/node.h"
#include "text_file.h"
#include "vm/atoms.h"
#include "vm/printer.h"
#include "vm/vm.h"

namespace lzr {
namespace {

using lzr_test::read_text;

// probe.threads/0: how many distinct threads have called it so far (a
// native runs on the thread of the scheduler running its process).
std::mutex g_probe_mutex;
std::set<std::thread::id> g_probe_threads;

Term probe_threads(lzr_env*, const Term*, unsigned) {
  std::lock_guard<std::mutex> hold(g_probe_mutex);
  g_probe_threads.insert(std::this_thread::get_id());
  return make_int(static_cast<int64_t>(g_probe_threads.size()));
}

constexpr BuiltinFn kProbe[] = {{"threads", 0, probe_threads}};

// A VM with `source` loaded, its scheduler count set, and a process to run
// main/0 in.
struct Program {
  VM vm;
  Module* module = nullptr;
  std::unique_ptr<Process> main;
  std::string error;

  Program(const std::string& source, unsigned schedulers, bool stress) : vm(options(stress)) {
    register_builtins(vm);
    add_builtin_module(vm, "probe", kProbe);
    node_of(vm).set_schedulers(schedulers);
    std::string why;
    auto file = assemble(source, "t.lzs", why);
    if (!file) {
      error = "assembly failed: " + why;
      return;
    }
    std::vector<uint8_t> bytes = write_module(*file);
    LoadError err;
    module = load_module_bytes(vm, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                               "t.lzr", err);
    if (!module) error = "load failed: " + err.message;
    main = std::make_unique<Process>(vm, vm.options.stack_words);
  }
  ~Program() {
    if (main) main->reset_stack();
  }
  static VmOptions options(bool stress) {
    VmOptions o;
    o.gc_stress = stress;
    return o;
  }
  // Calls `name`/0; returns its result as text, or "raised: <error>".
  std::string call(const char* name, EngineKind engine) {
    if (!error.empty()) return error;
    const FunctionInfo* fn = module->find(vm.atom(name), 0);
    if (!fn) return std::string("no ") + name + "/0";
    const Term r = execute(*main, fn, {}, engine);
    std::string out = r == kRaised ? "raised: " + term_to_string(main->error, vm.atoms) : term_to_string(r, vm.atoms);
    main->reset_stack();
    return out;
  }
};

std::vector<EngineKind> engines() {
  std::vector<EngineKind> out;
  for (EngineKind e : {EngineKind::Portable, EngineKind::Asm})
    if (engine_available(e)) out.push_back(e);
  return out;
}

// Runs main/0 and returns what it printed (and "raised" if it raised).
std::string printed(const std::string& source, EngineKind engine, bool stress, unsigned schedulers) {
  Program prog(source, schedulers, stress);
  std::fflush(stdout);
  testing::internal::CaptureStdout();
  const std::string r = prog.call("main", engine);
  std::fflush(stdout);
  std::string out = testing::internal::GetCapturedStdout();
  if (r.rfind("raised", 0) == 0 || r.rfind("no ", 0) == 0 || r.find("failed") != std::string::npos) out += r + "\n";
  return out;
}

void expect_same_output(const char* name, unsigned n) {
  const std::string base = std::string(LZR_SOURCE_DIR) + "/tests/programs/processes/" + name;
  const std::string source = read_text(base + ".lzs");
  const std::string expected = read_text(base + ".expected");
  ASSERT_FALSE(source.empty()) << base;
  ASSERT_FALSE(expected.empty()) << base;
  for (EngineKind engine : engines())
    for (bool stress : {false, true})
      EXPECT_EQ(printed(source, engine, stress, n), expected)
          << name << " on " << n << " schedulers, " << engine_name(engine) << (stress ? ", GC stress" : "");
}

// (names_timers is not among them: it expects a process told to stop to
// have ended after its own sleep(0), which holds only with one scheduler.)
#define SAME_ON_2_AND_4(test, program)                                     \
  TEST(SchedulerThreads, test##On2) { expect_same_output(program, 2); } \
  TEST(SchedulerThreads, test##On4) { expect_same_output(program, 4); }
SAME_ON_2_AND_4(LinksMonitorsAndExitsPrintTheSame, "links")
SAME_ON_2_AND_4(SpawnAndSendPrintTheSame, "spawn_send")
SAME_ON_2_AND_4(SelectiveReceivePrintsTheSame, "selective")
SAME_ON_2_AND_4(SharedBinariesPrintTheSame, "shared_binaries")
SAME_ON_2_AND_4(RegistersPrintTheSame, "registers")
SAME_ON_2_AND_4(StarvationPrintsTheSame, "starvation")

// The end of main (frame=1): like the busy/0 processes it defines, calls
// probe.threads/0 until it has seen two threads (or 20M times), and
// returns the count it saw last.
constexpr const char* kProbeUntilTwoThreads = R"(  loadi x0, 0
  mov y0, x0
again:
  call x0, probe.threads/0
  eq x0, 2, done
  add x0, y0, 1
  mov y0, x0
  load x1, 20000000
  lt x0, x1, again
done:
  ret x0

func busy/0
again:
  call x0, probe.threads/0
  jmp again
)";

// main spawns `busy` processes that never wait, then probes with them
// (kProbeUntilTwoThreads).
std::string busy_program(int busy) {
  std::string s = "func main/0 frame=1\n";
  for (int i = 0; i < busy; ++i) s += "  fn x0, busy/0\n  call x0, process.spawn/1\n";
  return s + kProbeUntilTwoThreads;
}

// What a busy_program run on 2 schedulers saw: main's result, the threads
// that called probe.threads/0, the steals counted.
struct BusyRun {
  std::string result;
  size_t threads = 0;
  uint64_t steals = 0;
};

BusyRun run_busy(int busy, EngineKind engine) {
  {
    std::lock_guard<std::mutex> hold(g_probe_mutex);
    g_probe_threads.clear();
  }
  Program prog(busy_program(busy), 2, false);
  BusyRun run;
  run.result = prog.call("main", engine);
  Node& node = node_of(prog.vm);
  EXPECT_EQ(node.slot_count(), 2u);
  EXPECT_LE(node.threads_started(), 1u);  // the second scheduler's, once
  for (unsigned i = 0; i < node.slot_count(); ++i) run.steals += node.slot(i).steals.load();
  std::lock_guard<std::mutex> hold(g_probe_mutex);
  run.threads = g_probe_threads.size();
  return run;
}

// Four busy processes and main: on two schedulers the idle one steals
// (there is always work to steal), so main ends with the count 2, and a
// steal counted.
TEST(SchedulerThreads, IndependentProcessesRunOnTwoThreads) {
  for (EngineKind engine : engines()) {
    const BusyRun run = run_busy(4, engine);
    EXPECT_EQ(run.result, "2") << engine_name(engine);
    EXPECT_GE(run.steals, 1u) << engine_name(engine);
    EXPECT_EQ(run.threads, 2u) << engine_name(engine);
  }
}

// A run that never has two processes to run at once starts no scheduler
// thread (they start on demand): main runs 50 slices' worth of a loop,
// sleeps, then spawns a child and waits for its reply; the child reports
// how many threads called probe.threads/0 (main did, before it spawned).
const char* kNeverTwoRunnable = R"(
func main/0
  load x0, 200000
again:
  sub x0, x0, 1
  gt x0, 0, again
  loadi x0, 2
  call x0, process.sleep/1
  call x0, probe.threads/0
  call x0, process.self/0
  fn x0, child/0, [x0]
  call x0, process.spawn/1
wait:
  recv x0, none
  accept
  ret x0
none:
  wait :infinity, wait
  ret x0

func child/0 upvals=1
  call x0, probe.threads/0
  mov x1, x0
  mov x0, u0
  tcall process.send/2
)";

// Such a run stays in the one-scheduler loop: nothing is shared. Taken
// through the shared loop from the start (LZR_SCHEDULERS_EAGER), it still
// starts no thread.
TEST(SchedulerThreads, ARunThatNeverHasTwoToRunStartsNoThread) {
  for (EngineKind engine : engines()) {
    for (bool eager : {false, true}) {
      {
        std::lock_guard<std::mutex> hold(g_probe_mutex);
        g_probe_threads.clear();
      }
      Program prog(kNeverTwoRunnable, 4, false);
      Node& node = node_of(prog.vm);
      node.set_share_from_start(eager);
      EXPECT_EQ(prog.call("main", engine), "1") << engine_name(engine);
      EXPECT_EQ(prog.call("main", engine), "1") << engine_name(engine);  // a host's second call too
      EXPECT_EQ(node.concurrent(), eager) << engine_name(engine);
      EXPECT_EQ(node.threads_started(), 0u) << engine_name(engine);
    }
  }
}

// One busy process and main, busy too: the spawned one sits alone on
// main's queue, which no push ever makes two long; an idle scheduler still
// takes it (after its looks in a row at a queue holding one, or when
// main's slice ends and main is queued behind it), so both threads run.
TEST(SchedulerThreads, ALoneBusyProcessIsTakenByTheIdleScheduler) {
  for (EngineKind engine : engines()) {
    const BusyRun run = run_busy(1, engine);
    EXPECT_EQ(run.result, "2") << engine_name(engine);
    EXPECT_EQ(run.threads, 2u) << engine_name(engine);
  }
}

// 10,000 round trips between main and an echo process on 2 schedulers:
// the process a message wakes runs on the scheduler of the process that
// sent it, once that one waits, so the pair stays on one thread and the
// other scheduler sleeps through it. Waking the sleeping scheduler for each
// message (as before) cost a futex call per message for nothing: it found
// the process already taken. Here a wake-up or a steal is rare (when a
// thread is preempted at the wrong moment), far under one in ten.
const char* kRoundTrips = R"(
func main/0 frame=2
  fn x0, echo/0
  call x0, process.spawn/1
  mov y0, x0
  load x0, 10000
  mov y1, x0
again:
  eq y1, 0, done
  call x0, process.self/0
  mov x1, x0
  mov x0, y0
  call x0, process.send/2
wait:
  recv x0, none
  accept
  sub x0, y1, 1
  mov y1, x0
  jmp again
none:
  wait :infinity, wait
  jmp wait
done:
  mov x0, y0
  loadc x1, :stop
  call x0, process.send/2
  loadc x0, :ok
  ret x0

func echo/0
loop:
  recv x0, none
  accept
  is x0, pid, stop
  loadc x1, :pong
  call x0, process.send/2
  jmp loop
none:
  wait :infinity, loop
  jmp loop
stop:
  loadc x0, :ok
  ret x0
)";

// At 2 schedulers a round trip never has two processes to run, so it
// runs in the one-scheduler loop; in the shared loop from the start it
// still stays on one scheduler (few steals, few wake-ups).
TEST(SchedulerThreads, AMessageRoundTripStaysOnOneScheduler) {
  for (EngineKind engine : engines()) {
    for (bool eager : {false, true}) {
      Program prog(kRoundTrips, 2, false);
      Node& node = node_of(prog.vm);
      node.set_share_from_start(eager);
      EXPECT_EQ(prog.call("main", engine), ":ok") << engine_name(engine);
      EXPECT_EQ(node.concurrent(), eager) << engine_name(engine);
      if (!eager) continue;
      ASSERT_EQ(node.slot_count(), 2u);
      EXPECT_LT(node.slot(0).steals.load() + node.slot(1).steals.load(), 1000u) << engine_name(engine);
      EXPECT_LT(node.wake_ups(), 1000u) << engine_name(engine);
    }
  }
}

// main spawns 20,000 children that each send it one message and end (a
// few reductions each), collects the replies, then, when `busy` is set,
// spawns one busy process and calls probe.threads/0 along with it until
// it has seen two threads (or 20M times), returning the count it saw.
std::string spawner_program(bool busy) {
  std::string s = R"(
func main/0 frame=1
  load x0, 20000
  mov y0, x0
  call x1, process.self/0
  mov x0, y0
  call x0, spawn_all/2
  mov x0, y0
  call x0, collect/1
)";
  s += busy ? std::string("  fn x0, busy/0\n  call x0, process.spawn/1\n") + kProbeUntilTwoThreads
              : "  loadc x0, :ok\n  ret x0\n";
  return s + R"(
func spawn_all/2 frame=2
loop:
  eq x0, 0, done
  mov y0, x0
  mov y1, x1
  fn x0, child/0, [x1]
  call x0, process.spawn/1
  sub x0, y0, 1
  mov x1, y1
  jmp loop
done:
  ret x0

func child/0 upvals=1
  mov x0, u0
  loadc x1, :done
  tcall process.send/2

func collect/1
loop:
  eq x0, 0, done
wait_one:
  recv x1, none
  accept
  sub x0, x0, 1
  jmp loop
none:
  wait :infinity, wait_one
  ret x0
done:
  ret x0
)";
}

// The children of a spawner that each live a few reductions cost more to
// move to another core (a steal, a kilobyte of memory each, their exits
// handed back) than to run where they were made: after a steal whose
// processes ran that briefly, the idle scheduler rests instead of
// stealing again (Node::steal_paid), for up to 2 ms. So it steals about
// once per rest: fewer than one steal per millisecond of the run, however
// slow the build (a sanitizer's) makes it. Stealing each batch it could
// (as before) took about 140 steals in 40 ms for 20,000 children.
TEST(SchedulerThreads, ShortLivedChildrenStayWithTheirSpawner) {
  for (EngineKind engine : engines()) {
    Program prog(spawner_program(false), 2, false);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(prog.call("main", engine), ":ok") << engine_name(engine);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    Node& node = node_of(prog.vm);
    ASSERT_EQ(node.slot_count(), 2u);
    // (The first few rests are short: 64 us, doubling.)
    EXPECT_LT(node.slot(0).steals.load() + node.slot(1).steals.load(), 8 + static_cast<uint64_t>(ms.count()))
        << engine_name(engine) << ", " << ms.count() << " ms";
  }
}

// After those short-lived children made the idle scheduler rest, a
// process that runs long is still shared out (a rest ends within 2 ms, and
// a steal that pays ends the rests): both threads run.
TEST(SchedulerThreads, AfterShortLivedChildrenALongRunningProcessIsStillShared) {
  for (EngineKind engine : engines()) {
    {
      std::lock_guard<std::mutex> hold(g_probe_mutex);
      g_probe_threads.clear();
    }
    Program prog(spawner_program(true), 2, false);
    EXPECT_EQ(prog.call("main", engine), "2") << engine_name(engine);
  }
}

// Processes waiting in a receive with a timeout, main too: for 200 ms
// nothing can run, and the schedulers sleep (until the timer) instead of
// spinning: the CPU time the run takes stays far below its wall time.
const char* kIdle = R"(
func main/0
  fn x0, waiter/0
  call x0, process.spawn/1
  fn x0, waiter/0
  call x0, process.spawn/1
  fn x0, waiter/0
  call x0, process.spawn/1
loop:
  recv x0, none
  accept
  ret x0
none:
  loadi x1, 200
  wait x1, loop
  loadc x0, :timeout
  ret x0

func waiter/0
loop:
  recv x0, none
  accept
  ret x0
none:
  loadi x1, 150
  wait x1, loop
  loadc x0, :done
  ret x0
)";

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

TEST(SchedulerThreads, AnIdleVmSleepsInsteadOfSpinning) {
  Program prog(kIdle, 4, false);
  const double cpu0 = cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  EXPECT_EQ(prog.call("main", default_engine()), ":timeout");
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double cpu = cpu_seconds() - cpu0;
  EXPECT_GE(wall, 0.19);  // the 200 ms timer counts whole milliseconds of the node's clock
  // Four spinning schedulers would take about 4 x wall; sleeping ones take
  // the start-up, three short bounded spins and a few wake-ups.
  EXPECT_LT(cpu, wall / 4) << "cpu " << cpu << " s for " << wall << " s of wall time";
}

// Every process waits and no timer is pending: found with 2 and 4
// schedulers, all asleep, with the same report as with one.
TEST(SchedulerThreads, DeadlockIsFoundWithEverySchedulerAsleep) {
  const std::string base = std::string(LZR_SOURCE_DIR) + "/tests/programs/processes/deadlock";
  const std::string source = read_text(base + ".lzs");
  std::string want = read_text(base + ".expected_err");
  const std::string prefix = "lzr: deadlock: ";
  ASSERT_EQ(want.rfind(prefix, 0), 0u);
  want = want.substr(prefix.size());
  if (!want.empty() && want.back() == '\n') want.pop_back();
  // The module is loaded as t.lzs here.
  for (size_t at; (at = want.find("deadlock.")) != std::string::npos;) want.replace(at, 9, "t.");
  for (unsigned n : {2u, 4u})
    for (EngineKind engine : engines()) {
      Program prog(source, n, false);
      std::fflush(stdout);
      testing::internal::CaptureStdout();
      const std::string r = prog.call("main", engine);
      testing::internal::GetCapturedStdout();
      EXPECT_EQ(r, "raised: :deadlock") << n << " " << engine_name(engine);
      EXPECT_EQ(deadlock_report(*prog.main), want) << n << " " << engine_name(engine);
    }
}

size_t threads_of_this_process() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// The count once joined threads have left /proc/self/task: a thread that
// pthread_join has returned for can still be listed for a moment on a
// loaded machine (the kernel reaps it after it clears its tid). Waits up
// to a second for the count to fall to `expected`, then returns it.
size_t threads_settled_at(size_t expected) {
  size_t n = threads_of_this_process();
  for (int i = 0; i < 100 && n > expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    n = threads_of_this_process();
  }
  return n;
}

// spin/0, which the programs below spawn: a process that never waits.
const char* kSpin = R"(
func spin/0
  loadi x0, 0
again:
  loadi x1, 1
  add x0, x0, x1
  jmp again
)";

// main returns while four processes spin on the other schedulers: the call
// returns main's result, the scheduler threads are gone (joined), the
// spinners are still there, queued, and run again during a later call.
const std::string kMainEnds = R"(
func main/0
  fn x0, spin/0
  call x0, process.spawn/1
  fn x0, spin/0
  call x0, process.spawn/1
  fn x0, spin/0
  call x0, process.spawn/1
  fn x0, spin/0
  call x0, process.spawn/1
  loadi x0, 20
  call x0, process.sleep/1
  loadi x0, 42
  ret x0

func again/0
  loadi x0, 5
  call x0, process.sleep/1
  loadi x0, 7
  ret x0

)" + std::string(kSpin);

// (ThreadSanitizer starts a thread of its own with the first thread a test
// makes: the count is compared from the end of a first run on. Threads
// left unjoined would add three per run with four schedulers.)
TEST(SchedulerThreads, MainReturningStopsAndJoinsTheOthers) {
  for (EngineKind engine : engines()) {
    const size_t threads_before = threads_of_this_process();
    Program prog(kMainEnds, 4, false);
    EXPECT_EQ(prog.call("main", engine), "42") << engine_name(engine);
    const size_t threads_after = threads_settled_at(threads_before + 1);
    EXPECT_LE(threads_after, threads_before + 1) << engine_name(engine);
    EXPECT_EQ(node_of(prog.vm).count(), 5u) << engine_name(engine);
    EXPECT_EQ(prog.call("again", engine), "7") << engine_name(engine);
    EXPECT_EQ(threads_settled_at(threads_after), threads_after) << engine_name(engine);
    EXPECT_EQ(node_of(prog.vm).count(), 5u) << engine_name(engine);
  }
}

// Processes still runnable when a host's call ends stay queued, possibly on
// the queue of a scheduler whose thread was joined; the next call starts
// that thread on demand only, so it takes them onto the calling thread's
// queue first. Two spinning workers, registered by the first call and left
// on the last scheduler's queue, each answer the second call (which gives
// up after 2 s).
const char* kLeftQueued = R"(
func main/0
  loadc x0, :a
  call x0, start/1
  loadc x0, :b
  call x0, start/1
  loadi x0, 20
  call x0, process.sleep/1
  loadi x0, 42
  ret x0

func start/1 frame=1
  mov y0, x0
  fn x0, worker/0
  call x0, process.spawn/1
  mov x1, x0
  mov x0, y0
  tcall process.register/2

func worker/0
again:
  recv x0, none
  accept
  loadc x1, :pong
  tcall process.send/2
none:
  jmp again

func again/0 frame=1
  loadc x0, :a
  call x0, ask/1
  loadc x0, :b
  call x0, ask/1
  loadi x0, 0
  mov y0, x0
collect:
  recv x0, none
  accept
  add x0, y0, 1
  mov y0, x0
  lt x0, 2, collect
  ret x0
none:
  load x1, 2000
  wait x1, collect
  loadc x0, :timeout
  ret x0

func ask/1 frame=1
  call x0, process.whereis/1
  mov y0, x0
  call x0, process.self/0
  mov x1, x0
  mov x0, y0
  tcall process.send/2
)";

TEST(SchedulerThreads, ProcessesLeftQueuedByOneCallRunInTheNext) {
  for (EngineKind engine : engines())
    for (unsigned n : {2u, 4u}) {
      Program prog(kLeftQueued, n, false);
      EXPECT_EQ(prog.call("main", engine), "42") << n << " " << engine_name(engine);
      // Where the workers were left depends on the threads' timing: they
      // are moved to the last scheduler's queue, as a stop can leave them.
      Node& node = node_of(prog.vm);
      SchedulerSlot& last = node.slot(node.slot_count() - 1);
      for (unsigned i = 0; i + 1 < node.slot_count(); ++i)
        while (Process* p = node.slot(i).queue.pop(true)) last.queue.push(*p, true);
      EXPECT_EQ(last.queue.size(), 2u);
      EXPECT_EQ(prog.call("again", engine), "2") << n << " " << engine_name(engine);
    }
}

// main raising ends the run as its returning does.
const std::string kMainFails = R"(
func main/0
  fn x0, spin/0
  call x0, process.spawn/1
  fn x0, spin/0
  call x0, process.spawn/1
  loadi x0, 1
  call x0, process.sleep/1
  loadi x0, 1
  loadi x1, 0
  div x0, x0, x1
  ret x0

)" + std::string(kSpin);

TEST(SchedulerThreads, MainRaisingStopsTheOthers) {
  for (EngineKind engine : engines()) {
    const size_t threads_before = threads_of_this_process();
    Program prog(kMainFails, 4, false);
    EXPECT_EQ(prog.call("main", engine), "raised: :badarith") << engine_name(engine);
    const size_t threads_after = threads_settled_at(threads_before + 1);
    EXPECT_LE(threads_after, threads_before + 1) << engine_name(engine);
    EXPECT_EQ(prog.call("main", engine), "raised: :badarith") << engine_name(engine);
    EXPECT_EQ(threads_settled_at(threads_after), threads_after) << engine_name(engine);
  }
}

// A process asleep in process.sleep/1 is woken by an exit signal (its
// mailbox's asleep mark, as in a receive), not only by its timer; info/1
// and alive? on processes other schedulers run.
const std::string kSleepKilled = R"(
func main/0 frame=3
  fn x0, sleeper/0
  call x0, process.spawn/1
  mov y0, x0
  call x0, process.monitor/1
  fn x0, spin/0
  call x0, process.spawn/1
  mov y1, x0
  loadi x0, 0
  mov y2, x0
probe:
  mov x0, y1
  call x0, process.info/1
  mov x0, y1
  call x0, process.alive?/1
  mov x0, y0
  call x0, process.info/1
  loadi x1, 1
  add x0, y2, x1
  mov y2, x0
  loadi x1, 200
  lt x0, x1, probe
  mov x0, y0
  loadc x1, :kill
  call x0, process.exit/2
loop:
  recv x0, none
  accept
  ret x0
none:
  loadi x1, 5000
  wait x1, loop
  loadc x0, :timeout
  ret x0

func sleeper/0
  load x0, 100000
  call x0, process.sleep/1
  ret x0

)" + std::string(kSpin);

TEST(SchedulerThreads, AnExitSignalWakesASleepAndInfoReadsOthers) {
  for (unsigned n : {2u, 4u})
    for (EngineKind engine : engines())
      for (bool stress : {false, true}) {
        Program prog(kSleepKilled, n, stress);
        const std::string r = prog.call("main", engine);
        EXPECT_EQ(r.rfind("{:DOWN, #Reference<", 0), 0u) << r << " on " << n << " " << engine_name(engine);
        EXPECT_NE(r.find(":process, #PID<0.1.0>, :killed}"), std::string::npos) << r;
      }
}

// The one-scheduler loop switches to the shared one at a slice boundary
// with two processes queued, while a third sleeps in `sleep`: its timer
// must still wake it (it then waits with the asleep mark, for the timer's
// signal), and info/1 on it must show its heap (the figures the shared
// loop publishes are set at the switch). main returns :woke once the
// sleeper's reply came and its heap read above 0.
constexpr const char* kSwitchWithASleeper = R"(
func main/0 frame=1
  call x0, process.self/0
  fn x0, sleeper/0, [x0]
  call x0, process.spawn/1
  mov y0, x0
going:
  recv x0, none
  accept
  fn x0, busy/0
  call x0, process.spawn/1
  fn x0, busy/0
  call x0, process.spawn/1
  loadi x0, 0
  call x0, process.sleep/1
  mov x0, y0
  call x0, process.info/1
  loadc x1, :heap_words
  loadi x2, 0
  call x0, map.get/3
  loadi x1, 0
  lt x1, x0, woke
  loadc x0, :no_figures
  ret x0
woke:
  recv x0, late
  accept
  ret x0
none:
  loadc x1, :infinity
  wait x1, going
  ret x1
late:
  loadi x1, 5000
  wait x1, woke
  loadc x0, :hung
  ret x0

func sleeper/0 upvals=1
  mov x0, u0
  loadc x1, :going
  call x0, process.send/2
  loadi x0, 50
  call x0, process.sleep/1
  mov x0, u0
  loadc x1, :woke
  tcall process.send/2

func busy/0
  load x0, 100000
loop:
  eq x0, 0, done
  sub x0, x0, 1
  jmp loop
done:
  ret x0
)";

TEST(SchedulerThreads, TheSwitchToTheSharedLoopKeepsASleeperAndItsFigures) {
  for (EngineKind engine : engines())
    for (bool stress : {false, true}) {
      Program prog(kSwitchWithASleeper, 2, stress);
      Node& node = node_of(prog.vm);
      EXPECT_EQ(prog.call("main", engine), ":woke") << engine_name(engine) << (stress ? " gc-stress" : "");
      EXPECT_TRUE(node.concurrent()) << engine_name(engine);  // it switched
      EXPECT_EQ(node.slot_count(), 2u);
    }
}

}  // namespace
}  // namespace lzr
