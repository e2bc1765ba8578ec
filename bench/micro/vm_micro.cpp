// Micro-benchmarks of the VM data layer: allocation, tuple access, maps, GC.
#include <benchmark/benchmark.h>

#include <vector>

#include "engine/semantics.h"
#include "vm/builders.h"
#include "vm/maps.h"
#include "vm/process.h"
#include "vm/vm.h"

namespace lzr {
namespace {

void BM_Alloc3(benchmark::State& state) {
  Heap heap;
  for (auto _ : state) {
    Term* p = heap.alloc(3);
    benchmark::DoNotOptimize(p);
    if (heap.gc_requested()) {
      GcRoots roots;  // nothing live: measures the allocation path plus cheap collections
      Term x[32] = {};
      roots.x = x;
      heap.collect(roots);
    }
  }
}
BENCHMARK(BM_Alloc3);

void BM_SmallIntAdd(benchmark::State& state) {
  VM vm;
  Process p(vm, 1 << 12);
  Term a = make_int(12345), b = make_int(1);
  for (auto _ : state) {
    a = arith(p, ArithOp::Add, a, b);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_SmallIntAdd);

void BM_TupleGet(benchmark::State& state) {
  VM vm;
  Process p(vm, 1 << 12);
  Term elems[4] = {make_int(1), make_int(2), make_int(3), make_int(4)};
  Term t = make_tuple(p.heap, elems);
  int64_t i = 0;
  for (auto _ : state) {
    Term v = op_get(p, t, make_int(i & 3));
    benchmark::DoNotOptimize(v);
    ++i;
  }
}
BENCHMARK(BM_TupleGet);

Term build_map(Heap& heap, int64_t n) {
  Term m = map_empty(heap);
  for (int64_t k = 0; k < n; ++k) m = map_put(heap, m, make_int(k), make_int(2 * k));
  return m;
}

void BM_MapGet(benchmark::State& state) {
  Heap heap;
  const int64_t n = state.range(0);
  Term m = build_map(heap, n);
  int64_t k = 0;
  for (auto _ : state) {
    const Term* v = map_find(m, make_int(k));
    benchmark::DoNotOptimize(v);
    if (++k == n) k = 0;
  }
}
BENCHMARK(BM_MapGet)->Arg(8)->Arg(1000)->Arg(1000000);

void BM_MapPut(benchmark::State& state) {
  Heap heap;
  const int64_t n = state.range(0);
  Term base = build_map(heap, n);
  Term x[32] = {};
  int64_t k = 0;
  for (auto _ : state) {
    Term m = map_put(heap, base, make_int(k), make_int(k));
    benchmark::DoNotOptimize(m);
    if (++k == n) k = 0;
    if (heap.gc_requested()) {  // keep only the base map alive
      x[0] = base;
      GcRoots roots;
      roots.x = x;
      roots.x_live = 1;
      heap.collect(roots);
      base = x[0];
    }
  }
}
BENCHMARK(BM_MapPut)->Arg(8)->Arg(1000)->Arg(1000000);

// A major collection of a live list of N cells: the cost of copying a live heap.
void BM_GcMajorLiveList(benchmark::State& state) {
  Heap heap;
  const int64_t n = state.range(0);
  Term x[32] = {};
  Term list = kNil;
  for (int64_t i = 0; i < n; ++i) list = make_cons_cell(heap, make_int(i), list);
  x[0] = list;
  GcRoots roots;
  roots.x = x;
  roots.x_live = 1;
  for (auto _ : state) heap.collect_major(roots);
  state.SetItemsProcessed(state.iterations() * n);  // cells copied
}
BENCHMARK(BM_GcMajorLiveList)->Arg(1000)->Arg(1000000);

// A minor collection after filling the nursery with short-lived cells while
// a large old list stays live: its cost must not depend on the old data.
void BM_GcMinorWithOldData(benchmark::State& state) {
  Heap heap;
  Term x[32] = {};
  for (int64_t i = 0; i < state.range(0); ++i) x[0] = make_cons_cell(heap, make_int(i), x[0]);
  GcRoots roots;
  roots.x = x;
  roots.x_live = 1;
  heap.collect_major(roots);  // the list is old now
  for (auto _ : state) {
    Term garbage = kNil;
    while (!heap.gc_requested()) garbage = make_cons_cell(heap, make_int(1), garbage);
    benchmark::DoNotOptimize(garbage);
    heap.collect(roots);
  }
}
BENCHMARK(BM_GcMinorWithOldData)->Arg(1000)->Arg(1000000);

}  // namespace
}  // namespace lzr
