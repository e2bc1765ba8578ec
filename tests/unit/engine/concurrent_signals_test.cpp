// The process programs run with the node's several-scheduler
// synchronisation switched on (Node::set_concurrent) on the one scheduler
// thread there is today: links, monitors and exit signals then travel as
// signals through the inbox and are applied by their receiver's owner
// (docs/processes.md, "Schedulers on every core"). Each program must print
// exactly what it prints with one scheduler (its .expected file), on both
// engines, normally and under GC stress.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/loader.h"
#include "format/module_file.h"
#include "proc/node.h"
#include "text_file.h"
#include "vm/vm.h"

namespace lzr {
namespace {

using lzr_test::read_text;

// Runs the program's main/0 and returns what it printed.
std::string run_concurrent(const std::string& source, EngineKind engine, bool stress) {
  VmOptions options;
  options.gc_stress = stress;
  VM vm(options);
  register_builtins(vm);
  node_of(vm).set_concurrent(true);
  std::string why;
  auto file = assemble(source, "t.lzs", why);
  if (!file) return "assembly failed: " + why;
  std::vector<uint8_t> bytes = write_module(*file);
  LoadError err;
  Module* m = load_module_bytes(vm, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                                "t.lzr", err);
  if (!m) return "load failed: " + err.message;
  const FunctionInfo* main0 = m->find(vm.atom("main"), 0);
  if (!main0) return "no main/0";
  Process p(vm, vm.options.stack_words);
  std::fflush(stdout);
  testing::internal::CaptureStdout();
  const Term r = execute(p, main0, {}, engine);
  std::fflush(stdout);
  std::string out = testing::internal::GetCapturedStdout();
  if (r == kRaised) out += "raised\n";
  p.reset_stack();
  return out;
}

void expect_same_output(const char* name) {
  const std::string base = std::string(LZR_SOURCE_DIR) + "/tests/programs/processes/" + name;
  const std::string source = read_text(base + ".lzs");
  const std::string expected = read_text(base + ".expected");
  ASSERT_FALSE(source.empty()) << base;
  ASSERT_FALSE(expected.empty()) << base;
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    for (bool stress : {false, true})
      EXPECT_EQ(run_concurrent(source, engine, stress), expected)
          << name << " on " << engine_name(engine) << (stress ? " with GC stress" : "");
  }
}

TEST(ConcurrentSignals, LinksMonitorsAndExitsPrintTheSame) { expect_same_output("links"); }
TEST(ConcurrentSignals, SpawnAndSendPrintTheSame) { expect_same_output("spawn_send"); }
TEST(ConcurrentSignals, SelectiveReceivePrintsTheSame) { expect_same_output("selective"); }
TEST(ConcurrentSignals, SharedBinariesPrintTheSame) { expect_same_output("shared_binaries"); }

}  // namespace
}  // namespace lzr
