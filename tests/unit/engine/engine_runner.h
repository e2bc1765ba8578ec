// Runs a text-assembly program's main/0 on one engine and records what it
// did: the engine tests' common harness (asm_engine_test.cpp,
// differential_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/loader.h"
#include "format/module_file.h"
#include "vm/printer.h"
#include "vm/vm.h"

namespace lzr::testing_support {

struct Outcome {
  std::string value;           // result text, or "error: <term>"
  std::vector<std::string> trace;
  uint64_t collections = 0;
};

// Assembles `source` (as t.lzs: module t) and loads it into `vm`; on
// failure nullptr, and `why` says "assembly failed: ..." or "load failed: ...".
inline Module* load_source(VM& vm, const std::string& source, std::string& why) {
  auto file = assemble(source, "t.lzs", why);
  if (!file) {
    why = "assembly failed: " + why;
    return nullptr;
  }
  std::vector<uint8_t> bytes = write_module(*file);
  LoadError err;
  Module* m = load_module_bytes(vm, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                                "t.lzr", err);
  if (!m) why = "load failed: " + err.message;
  return m;
}

// Assembles `source`, loads it into a fresh VM and runs main/0.
inline Outcome run(const std::string& source, EngineKind engine, bool stress, size_t stack_words) {
  Outcome out;
  VmOptions options;
  options.gc_stress = stress;
  options.stack_words = stack_words;
  VM vm(options);
  register_builtins(vm);
  Module* m = load_source(vm, source, out.value);
  if (!m) return out;
  const FunctionInfo* main0 = m->find(vm.atom("main"), 0);
  if (!main0) {
    out.value = "no main/0";
    return out;
  }
  Process p(vm, stack_words);
  Term r = execute(p, main0, {}, engine);
  if (r == kRaised) {
    out.value = "error: " + term_to_string(p.error, vm.atoms);
    for (const TraceEntry& e : stack_trace(p))
      out.trace.push_back(format_trace_entry(p, e) + " x" + std::to_string(e.count));
  } else {
    out.value = term_to_string(r, vm.atoms);
  }
  out.collections = p.heap.stats().collections;
  p.reset_stack();
  return out;
}

// Runs `source` on both engines, normally and under GC stress, and checks
// (gtest expectations) that all four outcomes equal the portable engine's
// normal one, which it returns.
inline Outcome run_everywhere(const std::string& source, size_t stack_words = size_t{1} << 20) {
  Outcome ref = run(source, EngineKind::Portable, false, stack_words);
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    for (bool stress : {false, true}) {
      Outcome o = run(source, engine, stress, stack_words);
      EXPECT_EQ(o.value, ref.value) << engine_name(engine) << (stress ? " with GC stress" : "") << "\n" << source;
      EXPECT_EQ(o.trace, ref.trace) << engine_name(engine) << (stress ? " with GC stress" : "") << "\n" << source;
    }
  }
  return ref;
}

}  // namespace lzr::testing_support
