// libFuzzer target for running untrusted modules: mutated module files that
// read and verify are run, main/0 (else the first function of arity 0), on
// both engines, normally and under GC stress, and must agree.
//
//   LZR_FUZZ_WRITE_SEEDS=DIR lzr_fuzz_run   writes the seed modules and exits
//   lzr_fuzz_run [libFuzzer flags] CORPUS   fuzzes (tests/fuzz/run.sh does both)
//
// A mutant may loop forever, recurse or allocate without end, so each run
// happens in a forked child that the parent stops after kRunSeconds or
// once its resident memory passes kRunMemoryBytes (the VM has no
// instruction budget and no heap limit yet, and RLIMIT_AS cannot coexist
// with ASan's shadow memory); such inputs are skipped, not failures. The
// child aborts when the four runs disagree (value, or the error's class,
// reason and stack trace); the parent turns any abnormal end of the child
// (a crash, a sanitizer report, that abort) into its own abort, so
// libFuzzer keeps the input. Reading and verifying happen in the parent,
// where their coverage guides the mutations; the engines' coverage stays in
// the child and does not.
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/exceptions.h"
#include "engine/loader.h"
#include "format/module_file.h"
#include "format/verifier.h"
#include "seed_modules.h"
#include "vm/printer.h"
#include "vm/vm.h"

namespace lzr::fuzz {

namespace {

constexpr std::string_view kFile = "fuzz.lzr";
constexpr double kRunSeconds = 0.5;
constexpr long kRunMemoryBytes = 1024L << 20;
constexpr size_t kStackWords = size_t{1} << 16;

// Printed at exit: how many inputs got as far as running.
unsigned long g_ran = 0, g_stopped = 0;
void print_counts() {
  std::fprintf(stderr, "run fuzzer: %lu inputs verified and ran on every engine, %lu stopped at the time or memory bound\n",
               g_ran, g_stopped);
}

struct Outcome {
  std::string value;  // the result, or the error's class and reason
  std::vector<std::string> trace;
  bool operator==(const Outcome&) const = default;
};

std::string describe(const Outcome& o) {
  std::string s = o.value;
  for (const std::string& e : o.trace) s += "\n  " + e;
  return s;
}

// Loads the module into a fresh VM and runs its entry on one engine.
Outcome run_once(std::string_view bytes, EngineKind engine, bool stress) {
  Outcome out;
  VmOptions options;
  options.gc_stress = stress;
  options.stack_words = kStackWords;
  VM vm(options);
  register_builtins(vm);
  LoadError err;
  Module* m = load_module_bytes(vm, bytes, std::string(kFile), err);
  if (!m) {
    out.value = "load failed: " + err.message;  // linking: the same on every run
    return out;
  }
  const FunctionInfo* entry = m->find(vm.atom("main"), 0);
  for (size_t k = 0; !entry && k < m->functions.size(); ++k)
    if (m->functions[k].arity == 0) entry = &m->functions[k];
  if (!entry) return out;
  Process p(vm, kStackWords);
  Term r = execute(p, entry, {}, engine);
  if (r == kRaised) {
    out.value = "error " + term_to_string(p.error_class, vm.atoms) + ": " + term_to_string(p.error, vm.atoms);
    for (const TraceEntry& e : stack_trace(p))
      out.trace.push_back(format_trace_entry(p, e) + " x" + std::to_string(e.count));
  } else {
    out.value = term_to_string(r, vm.atoms);
  }
  p.reset_stack();
  return out;
}

// In the child: the four runs, compared with the first.
[[noreturn]] void run_everywhere(std::string_view bytes) {
  const int null = open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, STDOUT_FILENO);  // what programs print is not compared
  const Outcome ref = run_once(bytes, EngineKind::Portable, false);
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    for (bool stress : {false, true}) {
      if (engine == EngineKind::Portable && !stress) continue;
      const Outcome o = run_once(bytes, engine, stress);
      if (o == ref) continue;
      std::fprintf(stderr, "fuzz invariant violated: the engines agree\nportable: %s\n%s%s: %s\n",
                   describe(ref).c_str(), engine_name(engine), stress ? " with GC stress" : "", describe(o).c_str());
      std::abort();
    }
  }
  _exit(0);
}

long resident_bytes(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid));
  FILE* f = std::fopen(path, "r");
  if (!f) return 0;
  long pages = 0, resident = 0;
  const int got = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return got == 2 ? resident * sysconf(_SC_PAGESIZE) : 0;
}

double now() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Runs the child and waits for it, stopping it past the time or memory
// bound. Aborts when it ended any other way than a clean exit.
void run_bounded(std::string_view bytes) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::abort();
  }
  if (pid == 0) run_everywhere(bytes);
  const double start = now();
  long pause_ns = 20'000;  // polls quickly at first: most runs take well under a millisecond
  bool stopped = false;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (!stopped && (now() - start > kRunSeconds || resident_bytes(pid) > kRunMemoryBytes)) {
      kill(pid, SIGKILL);
      stopped = true;
    }
    timespec pause{0, pause_ns};
    nanosleep(&pause, nullptr);
    if (pause_ns < 5'000'000) pause_ns *= 2;
  }
  if (stopped) {  // looped or grew without end: not a failure
    ++g_stopped;
    return;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    ++g_ran;
    return;
  }
  if (WIFSIGNALED(status))
    std::fprintf(stderr, "fuzz: the run ended by signal %d (%s)\n", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else
    std::fprintf(stderr, "fuzz: the run exited with status %d (a sanitizer report?)\n", WEXITSTATUS(status));
  std::abort();
}

}  // namespace

void run_input(std::string_view bytes) {
  LoadError err;
  std::optional<ModuleFile> m = read_module(bytes, kFile, err);
  if (!m || !verify_module(*m, kFile, err) || m->type != ModuleType::Script) return;
  // A mutant that can reach the file system (file.*: it could write or
  // delete anything the fuzzer's user can) or end the process on purpose
  // with a status of its choosing (system.halt/1) is not run: the first is
  // unsafe on the machine running the fuzzer, the second reads as a failure.
  for (const Literal& lit : m->literals)
    if (lit.kind == Literal::Kind::Atom && (lit.text.starts_with("file.") || lit.text.starts_with("system.halt")))
      return;
  bool has_entry = false;
  for (const FunctionEntry& f : m->functions) has_entry = has_entry || f.arity == 0;
  if (has_entry) run_bounded(bytes);
}

}  // namespace lzr::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("LZR_FUZZ_WRITE_SEEDS")) lzr::fuzz::write_seed_modules_and_exit(dir);
  std::atexit(lzr::fuzz::print_counts);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lzr::fuzz::run_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
