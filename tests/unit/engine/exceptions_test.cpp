// Exceptions on both engines (normally and under GC stress, which must all
// agree): what a handler starts with, catches in loops and around the
// loader's fused forms, the catch marker never leaking, the stack after an
// unwind, and the state left for the next exception.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "engine_runner.h"

namespace lzr {
namespace {

using testing_support::Outcome;
using testing_support::run_everywhere;

TEST(Exceptions, AHandlerStartsWithClassReasonAndTraceOnly) {
  // Every other X register is dead at a handler (the engines set them to
  // []), and the verifier rejects reading one there.
  const std::string program =
      "func main/0 frame=1\n"
      "  load x5, :stale\n  load x31, 7\n"
      "  try y0, h\n  load x3, :also_stale\n  load x0, :throw\n  load x1, :r\n  list x2, []\n  raise x0, x1, x2\n"
      "h:\n  tuple x0, {x0, x1, X}\n  ret x0\n";
  auto with = [&](const std::string& reg) {
    std::string s = program;
    return s.replace(s.find("X}"), 1, reg);
  };
  EXPECT_EQ(run_everywhere(with("x1")).value, "{:throw, :r, :r}");
  for (const char* dead : {"x3", "x5", "x31"})
    EXPECT_EQ(run_everywhere(with(dead)).value,
              std::string("assembly failed: t.lzs:11:3: push word 11: ") + dead +
                  " is read but not defined on every path here (defined: x0-x2)");
}

TEST(Exceptions, TheCatchMarkerNeverReachesTheProgram) {
  // After tryend and after an unwind the slot reads [] (while active the
  // verifier lets nothing read it).
  const Outcome o = run_everywhere(
      "func main/0 frame=3\n"
      "  try y0, h\n  tryend y0\n  mov y2, y0\n"
      "  try y1, h2\n  load x0, :x\n  call x0, kernel.throw/1\n  tryend y1\n  ret x0\n"
      "h:\n  ret x0\n"
      "h2:\n  mov x5, y1\n  tuple x0, {y2, x5}\n  ret x0\n");
  EXPECT_EQ(o.value, "{[], []}");
}

TEST(Exceptions, TryAndTryendInALoopLeaveNothingBehind) {
  // 100000 catches opened and ended, then one that catches.
  const Outcome o = run_everywhere(
      "func main/0 frame=2\n  load y1, 100000\nloop:\n  try y0, h\n  loadi x0, 1\n  sub y1, y1, x0\n  tryend y0\n"
      "  loadi x0, 0\n  lt x0, y1, loop\n  try y0, h\n  load x0, :done\n  call x0, kernel.throw/1\n  tryend y0\n"
      "  ret x0\nh:\n  tuple x0, {x1, y1}\n  ret x0\n");
  EXPECT_EQ(o.value, "{:done, 0}");
}

TEST(Exceptions, FusedFormsRaiseIntoTheCatch) {
  // A counting loop the loader fuses (loop_ and step_ forms, load_add) whose
  // step fails (the counter is an atom), called inside a try: the add
  // raises at its own line.
  const Outcome o = run_everywhere(
      "func main/0 frame=1\n"
      "  try y0, h\n  load x0, :a\n  load x1, 140737488355327\n  call x0, up/2\n  tryend y0\n  ret x0\n"
      "h:\n  tuple x0, {x0, x1, x2}\n  ret x0\n"
      "func up/2\n  eq x0, x1, done\n  loadi x2, 3\n  add x0, x0, x2\n  tcall up/2\ndone:\n  ret x0\n");
  EXPECT_EQ(o.value,
            "{:error, :badarith, [{:t, :up, 2, [{:file, \"t.lzs\"}, {:line, 14}]}, "
            "{:t, :main, 0, [{:file, \"t.lzs\"}, {:line, 5}]}]}");
  // A constant division by zero right after its load, inside the try frame.
  EXPECT_EQ(run_everywhere("func main/0 frame=1\n  try y0, h\n  load x0, 9\n  loadi x1, 0\n  div x0, x0, x1\n"
                           "  tryend y0\n  ret x0\nh:\n  ret x1\n")
                .value,
            ":badarith");
}

TEST(Exceptions, NothingLeftForTheNextException) {
  // A caught exception, then an uncaught one: its trace is its own, with
  // the frames left on the stack; the earlier catch's frames are gone.
  const Outcome o = run_everywhere(
      "func main/0 frame=1\n  try y0, h\n  call x0, deep/0\n  tryend y0\n  ret x0\n"
      "h:\n  load x0, :second\n  call x0, kernel.error/1\n  ret x0\n"
      "func deep/0\n  load x0, :first\n  call x0, kernel.throw/1\n  ret x0\n");
  EXPECT_EQ(o.value, "error: :second");
  EXPECT_EQ(o.trace, (std::vector<std::string>{"t.main/0 (t.lzs:8) x1"}));
}

TEST(Exceptions, ATraceWithoutALineTableNamesWords) {
  // A module assembled with .nolines: locations are code-word offsets.
  const Outcome o = run_everywhere(
      "module t\n.nolines\nfunc main/0 frame=1\n  try y0, h\n  loadi x0, 1\n  call x0, f/1\n  tryend y0\n  ret x0\n"
      "h:\n  ret x2\nfunc f/1\n  load x1, :a\n  add x0, x0, x1\n  ret x0\n");
  EXPECT_EQ(o.value, "[{:t, :f, 1, [{:offset, 7}]}, {:t, :main, 0, [{:offset, 2}]}]");
}

// Resident pages of [from, to).
size_t resident_bytes(const void* from, const void* to) {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(from) & ~(page - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(to);
  std::vector<unsigned char> vec((end - begin + page - 1) / page);
  if (mincore(reinterpret_cast<void*>(begin), end - begin, vec.data()) != 0) return SIZE_MAX;
  size_t n = 0;
  for (unsigned char v : vec) n += v & 1;
  return n * page;
}

TEST(Exceptions, ACaughtStackOverflowGivesTheStackBack) {
  // 64 MiB of stack filled by a runaway recursion, caught at the bottom: the
  // pages above the catching frame go back to the OS, so a program that
  // survives its overflow does not keep the whole stack resident.
  const std::string src =
      "func main/0 frame=1\n  try y0, h\n  loadi x0, 0\n  call x0, down/1\n  tryend y0\n  ret x0\n"
      "h:\n  ret x1\n"
      "func down/1 frame=32\n  loadi x1, 1\n  add x0, x0, x1\n  call x0, down/1\n  ret x0\n";
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    VmOptions options;
    options.stack_words = size_t{64} << 17;  // 64 MiB
    VM vm(options);
    register_builtins(vm);
    std::string why;
    Module* m = testing_support::load_source(vm, src, why);
    ASSERT_TRUE(m) << why;
    Process p(vm, options.stack_words);
    const Term r = execute(p, m->find(vm.atom("main"), 0), {}, engine);
    EXPECT_EQ(term_to_string(r, vm.atoms), ":stack_overflow") << engine_name(engine);
    EXPECT_LT(resident_bytes(p.stack_base, p.stack_limit), size_t{1} << 20) << engine_name(engine);
    p.reset_stack();
  }
}

// A raise remembers the module it unwound through (Process::raise_module),
// so the next one skips the module table. The module removed, freed and
// loaded again in between (maybe at the same address): the next raise
// finds the new one (with ASan, a stale pointer
// would be a use after free), with its own handler and trace lines.
TEST(Exceptions, ARaiseAfterItsModuleWasReplacedAndFreedFindsTheNewOne) {
  auto version = [](const char* tag) {
    return std::string("func main/0 frame=1\n  try y0, h\n  load x0, :") + tag +
           "\n  call x0, kernel.throw/1\n  tryend y0\n  ret x0\nh:\n  tuple x0, {x1, x2}\n  ret x0\n";
  };
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    VM vm;
    register_builtins(vm);
    Process p(vm, size_t{1} << 16);
    std::string why;
    Module* first = testing_support::load_source(vm, version("one"), why);
    ASSERT_TRUE(first) << why;
    Term r = execute(p, first->find(vm.atom("main"), 0), {}, engine);
    EXPECT_EQ(term_to_string(r, vm.atoms),
              "{:one, [{:t, :main, 0, [{:file, \"t.lzs\"}, {:line, 4}]}]}") << engine_name(engine);
    EXPECT_EQ(p.raise_module, first);
    vm.remove_module(vm.atom("t"));  // retired: freed below
    Module* second = testing_support::load_source(vm, "\n" + version("two"), why);  // module t again, a line lower
    ASSERT_TRUE(second) << why;
    EXPECT_EQ(vm.retired_modules(), 1u);
    vm.free_retired_modules();  // `first` is gone
    r = execute(p, second->find(vm.atom("main"), 0), {}, engine);
    EXPECT_EQ(term_to_string(r, vm.atoms),
              "{:two, [{:t, :main, 0, [{:file, \"t.lzs\"}, {:line, 5}]}]}") << engine_name(engine);
    EXPECT_EQ(p.raise_module, second);
    p.reset_stack();
  }
}

}  // namespace
}  // namespace lzr
