// Dispatch cost per engine: a tail-recursive countdown executes four
// instructions per iteration (compare-jump, sub, tcall's jump, a load).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/loader.h"
#include "format/module_file.h"
#include "vm/vm.h"

namespace lzr {
namespace {

constexpr const char* kCountdown = R"(
module countdown
func loop/1
  loadi x1, 0
  eq x0, x1, done
  loadi x1, 1
  sub x0, x0, x1
  tcall loop/1
done:
  ret x0
)";

void run_countdown(benchmark::State& state, EngineKind engine) {
  if (!engine_available(engine)) {
    state.SkipWithError("engine not built");
    return;
  }
  VM vm;
  register_builtins(vm);
  std::string error;
  auto file = assemble(kCountdown, "countdown.lzs", error);
  if (!file) {
    state.SkipWithError(error.c_str());
    return;
  }
  auto bytes = write_module(*file);
  LoadError err;
  Module* m = load_module_bytes(vm, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                                "countdown.lzr", err);
  if (!m) {
    state.SkipWithError(err.message.c_str());
    return;
  }
  const FunctionInfo* loop = m->find(vm.atom("loop"), 1);
  Process p(vm, 1 << 16);
  const int64_t n = state.range(0);
  for (auto _ : state) {
    Term arg = make_int(n);
    Term r = execute(p, loop, std::span<const Term>(&arg, 1), engine);
    p.reset_stack();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * n);  // iterations of the loop
}

void BM_DispatchPortable(benchmark::State& s) { run_countdown(s, EngineKind::Portable); }
void BM_DispatchAsm(benchmark::State& s) { run_countdown(s, EngineKind::Asm); }
BENCHMARK(BM_DispatchPortable)->Arg(1000000);
BENCHMARK(BM_DispatchAsm)->Arg(1000000);

}  // namespace
}  // namespace lzr
