// lzr run: load a module (and what it calls), run main/0 or main/1.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "cli/commands.h"
#include "cli/module_input.h"
#include "engine/engine.h"
#include "engine/loader.h"
#include "engine/scheduler.h"
#include "format/message_text.h"
#include "proc/node.h"
#include "vm/builders.h"
#include "vm/printer.h"
#include "vm/vm.h"

namespace lzr::cli {
namespace {

// --stats, several schedulers: how the run moved work between them.
void print_scheduler_stats(Node& node) {
  if (!node.concurrent()) {
    // Several wanted, and the run never had two processes to run at once:
    // the one-scheduler loop ran it all (engine/scheduler.cpp).
    const unsigned wanted = node.schedulers() == Node::kPerCore ? online_cores() : node.schedulers();
    if (wanted > 1)
      std::fprintf(stderr, "lzr: schedulers: %u (threads started: 0), never two processes to run at once\n",
                   wanted);
    else std::fprintf(stderr, "lzr: schedulers: 1\n");
    return;
  }
  uint64_t steals = 0;
  for (unsigned i = 0; i < node.slot_count(); ++i) steals += node.slot(i).steals.load(std::memory_order_relaxed);
  std::fprintf(stderr,
               "lzr: schedulers: %u (threads started: %llu), %llu steals, %llu wake-ups of a sleeping scheduler, "
               "ran alone %llu times\n",
               node.slot_count(), static_cast<unsigned long long>(node.threads_started()),
               static_cast<unsigned long long>(steals),
               static_cast<unsigned long long>(node.wake_ups()), static_cast<unsigned long long>(node.solo_runs()));
}

struct RunOptions {
  std::string file;
  std::vector<std::string> args;
  std::string engine;
  bool stats = false;
  bool gc_stress = false;
  size_t stack_mib = 1024;
  std::string max_heap;  // SIZE text; empty: no limit
  std::string heap_min;  // SIZE text; empty: the default nursery
  std::vector<std::string> native_path;
  std::string schedulers;  // N text; empty: LZR_SCHEDULERS, else the online cores
};


[[noreturn]] void fail(int code, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", message.c_str());
  throw CLI::RuntimeError(code);
}

// At most kMaxTraceLines entries print; a stack overflow's trace is mostly
// one entry repeated (stack_trace counts those).
void append_trace(std::string& msg, const Process& p) {
  constexpr size_t kMaxTraceLines = 40;
  std::vector<TraceLine> trace = exception_trace(p);
  for (size_t i = 0; i < trace.size(); ++i) {
    if (i == kMaxTraceLines) {
      uint64_t frames = 0;
      for (size_t k = i; k < trace.size(); ++k) frames += trace[k].count;
      msg += "\n  ... " + std::to_string(frames) + " more frames";
      break;
    }
    msg += "\n  in " + trace[i].where;
    if (trace[i].count > 1) msg += " (" + std::to_string(trace[i].count) + " times)";
  }
}

// --max-heap SIZE: a whole number with an optional unit K, M or G (KiB,
// MiB, GiB; a trailing "iB" or "B" is allowed); a bare number is MiB, like
// --stack-size. Returns the size in words, or 0 for text that is not a size.
size_t parse_heap_size(const std::string& text) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (n > (uint64_t{1} << 40)) return 0;
    n = n * 10 + static_cast<uint64_t>(text[i++] - '0');
  }
  if (i == 0) return 0;
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && (unit.substr(1) == "IB" || unit.substr(1) == "B")) unit.resize(1);
  unsigned shift;
  if (unit.empty() || unit == "M") {
    shift = 20;
  } else if (unit == "K") {
    shift = 10;
  } else if (unit == "G") {
    shift = 30;
  } else {
    return 0;
  }
  if (n > (uint64_t{1} << (60 - shift))) return 0;
  return static_cast<size_t>((n << shift) / sizeof(Term));
}

// The standard library's folder (docs/builtins.md, "The library"): the
// first of <dir of lzr>/../lib/lazer (an installed lzr in <prefix>/bin) and
// <dir of lzr>/lib/lazer (a build tree) that is a folder.
std::optional<std::string> default_library_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return std::nullopt;
  for (const auto& dir : {exe.parent_path().parent_path() / "lib" / "lazer", exe.parent_path() / "lib" / "lazer"}) {
    if (std::filesystem::is_directory(dir, ec)) return dir.lexically_normal().string();
  }
  return std::nullopt;
}

// --schedulers, else LZR_SCHEDULERS, else one per online core
// (Node::kPerCore: counted when a second scheduler is first needed).
unsigned scheduler_count(const RunOptions& o) {
  const char* env = std::getenv("LZR_SCHEDULERS");
  const bool from_flag = !o.schedulers.empty();
  if (!from_flag && !env) return Node::kPerCore;
  const std::string text = from_flag ? o.schedulers : env;
  auto n = parse_scheduler_count(text);
  if (!n) {
    const std::string what = from_flag ? "--schedulers '" + printable(text) + "'" : "LZR_SCHEDULERS='" + printable(text) + "'";
    fail(2, "lzr run: " + what + " is not a whole number from 1 to " + std::to_string(kMaxSchedulers));
  }
  return *n;
}

void run(const RunOptions& o) {
  EngineKind engine = default_engine();
  if (!o.engine.empty()) {
    auto e = parse_engine(o.engine);
    if (!e) fail(2, "lzr run: unknown engine '" + o.engine + "' (use asm or portable)");
    if (!engine_available(*e)) fail(2, std::string("lzr run: the ") + engine_name(*e) + " engine is not built on this machine");
    engine = *e;
  }
  VmOptions vo;
  const char* stress = std::getenv("LZR_GC_STRESS");
  vo.gc_stress = o.gc_stress || (stress && std::string(stress) == "1");
  vo.stack_words = o.stack_mib * (size_t{1} << 20) / sizeof(Term);
  if (!o.max_heap.empty()) {
    vo.max_heap_words = parse_heap_size(o.max_heap);
    constexpr size_t kLeastMaxHeapWords = (size_t{1} << 20) / sizeof(Term);
    if (vo.max_heap_words < kLeastMaxHeapWords) {
      fail(2, "lzr run: --max-heap '" + o.max_heap + "' is not a size of at least 1 MiB (examples: 64, 512M, 2G)");
    }
  }
  if (!o.heap_min.empty()) {
    vo.min_heap_words = parse_heap_size(o.heap_min);
    constexpr size_t kLeastWords = 1024 / sizeof(Term), kMostWords = (size_t{1} << 30) / sizeof(Term);
    if (vo.min_heap_words < kLeastWords || vo.min_heap_words > kMostWords) {
      fail(2, "lzr run: --heap-min '" + o.heap_min + "' is not a size from 1K to 1G (examples: 256K, 4M)");
    }
  }
  const unsigned schedulers = scheduler_count(o);
  VM vm(vo);
  if (schedulers == Node::kPerCore) node_of(vm).set_schedulers_per_core();
  else node_of(vm).set_schedulers(schedulers);
  vm.program_args = o.args;
  register_builtins(vm);
  std::filesystem::path file(o.file);
  vm.search_path.push_back(file.has_parent_path() ? file.parent_path().string() : ".");
  for (auto& dir : path_list(std::getenv("LZR_PATH"))) vm.search_path.push_back(dir);
  if (auto lib = default_library_dir()) vm.search_path.push_back(*lib);
  vm.native_path = native_path(o.native_path);

  auto t0 = std::chrono::steady_clock::now();
  LoadError err;
  Module* m = load_module_file(vm, o.file, err);
  if (!m) fail(1, err.message);
  auto t1 = std::chrono::steady_clock::now();

  const FunctionInfo* main1 = m->find(vm.atom("main"), 1);
  const FunctionInfo* main0 = m->find(vm.atom("main"), 0);
  const FunctionInfo* entry = (!o.args.empty() || !main0) ? main1 : main0;
  if (!entry) {
    if (main0) {
      const size_t n = o.args.size();
      fail(1, printable_path(o.file) + ": main/0 takes no arguments, but " + std::to_string(n) + (n == 1 ? " was" : " were") + " given");
    }
    fail(1, printable_path(o.file) + ": module " + printable(m->name) + " has no main/0 or main/1");
  }
  if (entry->upvals > 0) fail(1, printable_path(o.file) + ": main/" + std::to_string(entry->arity) + " needs a closure (upvals > 0)");

  Process p(vm, vo.stack_words);
  std::vector<Term> argv;
  if (entry->arity == 1) {
    std::vector<Term> items;
    for (const std::string& a : o.args) items.push_back(make_binary(p.heap, a));
    argv.push_back(make_list(p.heap, items));
  }
  Term result = execute(p, entry, argv, engine);
  auto t2 = std::chrono::steady_clock::now();
  flush_stdout();
  if (o.stats) {
    auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    const HeapStats& hs = p.heap.stats();
    const double run_ms = ms(t2 - t1), gc_ms = static_cast<double>(hs.gc_ns) / 1e6;
    std::fprintf(stderr, "lzr: engine %s, load %.2f ms, run %.2f ms, %llu collections, %llu words copied, peak heap %.1f MiB\n",
                 engine_name(engine), ms(t1 - t0), run_ms, static_cast<unsigned long long>(hs.collections),
                 static_cast<unsigned long long>(hs.words_copied), hs.peak_words * 8.0 / (1 << 20));
    std::fprintf(stderr, "lzr: gc: %llu minor, %llu major, %.2f ms (%.1f%% of run), nursery %.0f KiB, heap blocks mapped %llu, unmapped %llu, pages released %llu\n",
                 static_cast<unsigned long long>(hs.collections - hs.major_collections),
                 static_cast<unsigned long long>(hs.major_collections), gc_ms, run_ms > 0 ? 100.0 * gc_ms / run_ms : 0.0,
                 p.heap.nursery_words() * 8.0 / 1024, static_cast<unsigned long long>(hs.blocks_mapped),
                 static_cast<unsigned long long>(hs.blocks_unmapped), static_cast<unsigned long long>(hs.pages_released));
    print_scheduler_stats(node_of(vm));
  }
  if (result == kRaised && p.error == kAtom_deadlock && !deadlock_report(p).empty()) {
    p.reset_stack();
    fail(1, "lzr: deadlock: " + deadlock_report(p));
  }
  if (result == kRaised) {
    std::string msg = "lzr: " + exception_class_name(p) + ": " + term_to_string(p.error, vm.atoms);
    append_trace(msg, p);
    p.reset_stack();
    fail(1, msg);
  }
  p.reset_stack();
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a module's main/0, or main/1 with the arguments as a list of binaries");
  cmd->add_option("file", opts->file, "Module to run (.lzr, or .lzs assembled in memory)")->required();
  cmd->add_option("--engine", opts->engine, "Engine: asm (default on x86-64) or portable");
  cmd->add_flag("--stats", opts->stats, "Print load/run time, GC and scheduler statistics to stderr");
  cmd->add_option("--native-path", opts->native_path,
                  "A folder native libraries may be loaded from, besides each native module's own folder "
                  "(repeatable; LZR_NATIVE_PATH adds more)")
      ->allow_extra_args(false);
  cmd->add_option("--max-heap", opts->max_heap,
                  "Largest heap in MiB (or with a unit: 512K, 64M, 2G); a collection that finds more live data "
                  "ends the run with out_of_memory (status 1), and a larger single object raises system_limit")
      ->type_name("SIZE");
  cmd->add_option("--heap-min", opts->heap_min,
                  "Smallest (and first) nursery in MiB (or with a unit: 256K, 4M; default 16K): collections start "
                  "that far apart; the nursery still grows with the data (docs/terms.md, Sizing policy)")
      ->type_name("SIZE");
  cmd->add_option("--schedulers", opts->schedulers,
                  "Scheduler threads running processes in parallel, 1 to 1024 (default: LZR_SCHEDULERS, else one "
                  "per online core). A run starts as with 1, on the calling thread alone, and shares out its "
                  "processes once two wait to run; each thread past the first starts once there is work for it")
      ->type_name("N");
  cmd->add_flag("--gc-stress", opts->gc_stress, "Collect at every allocation (same as LZR_GC_STRESS=1)");
  cmd->add_option("--stack-size", opts->stack_mib,
                  "Largest stack per process in MiB (stacks start small and grow); deeper recursion raises "
                  "stack_overflow")
      ->default_val(1024)
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  // Everything after FILE belongs to the program: lzr run prog.lzs --x 1 passes "--x", "1".
  cmd->prefix_command();
  cmd->footer("Arguments after FILE are passed to main/1 as a list of binaries.\n"
              "Modules are searched for (NAME.lzr, then NAME.lzs) in FILE's folder, then in each LZR_PATH folder,\n"
              "then in the standard library folder: the first of <dir of lzr>/../lib/lazer and <dir of lzr>/lib/lazer\n"
              "that exists. A call to a built-in module's function that no native provides (list.sort/2) loads\n"
              "that module's library file from the same path, so a folder earlier in it overrides the library.\n"
              "Environment: LZR_PATH (extra module folders, ':'-separated), LZR_NATIVE_PATH (folders native\n"
              "libraries may come from, ':'-separated), LZR_GC_STRESS=1, LZR_SCHEDULERS=N (when --schedulers\n"
              "is not given), LZR_SCHEDULERS_EAGER=1 (tests: with several schedulers, share from the first slice).");
  cmd->callback([opts, cmd] {
    opts->args = cmd->remaining();
    run(*opts);
  });
}

}  // namespace lzr::cli
