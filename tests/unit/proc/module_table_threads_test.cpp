// The VM's loaded modules used from several threads at once, as schedulers
// on every core will (docs/processes.md, "Schedulers on every core"): the
// module table under its reader-writer lock, a removed module retired (not
// freed) while another thread may still resolve its code, the stack-trace
// entry cache, and loads from several threads at the same time. Run under
// the tsan preset, these check the synchronisation itself.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/insn.h"
#include "engine/loader.h"
#include "format/module_file.h"
#include "proc/node.h"
#include "vm/module.h"
#include "vm/vm.h"

namespace lzr {
namespace {

constexpr int kThreads = 4;

// A module with `code_size` instructions of code and one function over all
// of it, enough for module_of and trace_entry.
std::unique_ptr<Module> make_module(VM& vm, const std::string& name, size_t code_size) {
  auto m = std::make_unique<Module>();
  m->name = name;
  m->name_atom = vm.atom(name);
  m->code = std::make_unique<Insn[]>(code_size);
  m->code_size = code_size;
  for (size_t i = 0; i < code_size; ++i) m->file_offsets.push_back(static_cast<uint32_t>(10 + i));
  FunctionInfo& f = m->functions.emplace_back();
  f.module_atom = m->name_atom;
  f.name_atom = vm.atom("f");
  f.module = m.get();
  f.code = m->code.get();
  m->by_code.push_back(&f);
  return m;
}

// Four threads add modules, look each up by name and by code address, and
// remove every other one, while two more read the table the whole time: a
// lookup never returns another module, a removed module's code still
// resolves to it (retired, not freed) and the counts add up.
TEST(ModuleTableThreads, AddFindRemoveWhileOthersRead) {
  VM vm;
  node_of(vm).set_concurrent(true);
  ASSERT_TRUE(vm.concurrent());
  constexpr size_t kPer = 150;
  std::vector<std::atomic<const Module*>> published(kThreads * kPer);
  for (auto& p : published) p.store(nullptr);
  // Names are interned up front: the test is about the module table.
  std::vector<Term> names;
  for (size_t i = 0; i < published.size(); ++i) names.push_back(vm.atom("m" + std::to_string(i)));
  std::atomic<bool> done{false};
  std::atomic<size_t> wrong{0}, resolved{0};
  std::vector<std::thread> readers;
  // A reader may not be scheduled until the writers are done (a loaded
  // machine): each makes one pass after that too, so that it resolves
  // every module published.
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      bool last = false;
      while (!last) {
        last = done.load();
        for (size_t i = 0; i < published.size(); i += 3) {
          const Module* m = published[i].load(std::memory_order_acquire);
          if (!m) continue;
          // Once published, its code resolves to it whether it is still
          // loaded or retired since.
          if (vm.module_of(m->code.get() + 2) != m) wrong.fetch_add(1);
          if (m->name_atom != names[i]) wrong.fetch_add(1);
          const Module* by_name = vm.find_module(names[i]);
          if (by_name && by_name != m) wrong.fetch_add(1);
          resolved.fetch_add(1);
        }
        size_t n = 0;
        vm.for_each_module([&](const Module& m) { n += m.code_size > 0; });
        if (n > published.size()) wrong.fetch_add(1);
      }
    });
  std::vector<std::thread> writers;
  for (int w = 0; w < kThreads; ++w)
    writers.emplace_back([&, w] {
      for (size_t k = 0; k < kPer; ++k) {
        const size_t i = w * kPer + k;
        Module* m = vm.add_module(make_module(vm, "m" + std::to_string(i), 8));
        published[i].store(m, std::memory_order_release);
        if (vm.find_module(names[i]) != m || vm.module_of(m->code.get() + 7) != m) wrong.fetch_add(1);
        if (k % 2 == 0) {
          vm.remove_module(names[i]);
          if (vm.find_module(names[i]) != nullptr || vm.module_of(m->code.get()) != m) wrong.fetch_add(1);
        }
      }
    });
  for (auto& t : writers) t.join();
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GT(resolved.load(), 0u);
  size_t loaded = 0;
  vm.for_each_module([&](const Module&) { ++loaded; });
  EXPECT_EQ(loaded, kThreads * kPer / 2);
  EXPECT_EQ(vm.retired_modules(), kThreads * kPer / 2);
  vm.free_retired_modules();  // the threads are joined: nothing can be in them
  EXPECT_EQ(vm.retired_modules(), 0u);
  const Module* kept = published[1].load();  // k = 1: never removed
  EXPECT_EQ(vm.module_of(kept->code.get() + 3), kept);
}

// A module replaced by one of the same name, or removed, is retired: its
// code still resolves to it until free_retired_modules().
TEST(ModuleTable, ReplacedOrRemovedModuleIsRetiredNotFreed) {
  VM vm;
  Module* first = vm.add_module(make_module(vm, "dup", 4));
  Module* second = vm.add_module(make_module(vm, "dup", 4));
  EXPECT_EQ(vm.find_module(vm.atom("dup")), second);
  EXPECT_EQ(vm.retired_modules(), 1u);
  EXPECT_EQ(vm.module_of(first->code.get() + 1), first);
  vm.remove_module(vm.atom("dup"));
  EXPECT_EQ(vm.find_module(vm.atom("dup")), nullptr);
  EXPECT_EQ(vm.retired_modules(), 2u);
  EXPECT_EQ(vm.module_of(second->code.get()), second);
  vm.free_retired_modules();
  EXPECT_EQ(vm.retired_modules(), 0u);
  // A failed load's module is freed at once, never retired.
  vm.add_module(make_module(vm, "failed", 4));
  vm.discard_module(vm.atom("failed"));
  EXPECT_EQ(vm.find_module(vm.atom("failed")), nullptr);
  EXPECT_EQ(vm.retired_modules(), 0u);
}

// Four threads build the stack-trace entries of one module's instructions
// at once, in different orders: each instruction's entry is built once and
// every thread gets that same immortal term.
TEST(ModuleTableThreads, TraceEntriesBuiltOnceFromManyThreads) {
  VM vm;
  constexpr size_t kCode = 200;
  std::unique_ptr<Module> m = make_module(vm, "traced", kCode);
  std::vector<std::vector<Term>> got(kThreads, std::vector<Term>(kCode, kNil));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (size_t k = 0; k < kCode; ++k) {
        const size_t i = t % 2 ? kCode - 1 - k : (k * 7 + t) % kCode;  // different orders
        got[t][i] = m->trace_entry(m->code.get() + i, true);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(m->trace_entries.size(), kCode);
  for (size_t i = 0; i < kCode; ++i) {
    for (int t = 1; t < kThreads; ++t) ASSERT_EQ(got[t][i], got[0][i]) << "instruction " << i;
    ASSERT_TRUE(is_tuple(got[0][i]));
    const Term* e = tuple_elems(got[0][i]);
    EXPECT_EQ(e[0], vm.atom("traced"));
    EXPECT_EQ(e[1], vm.atom("f"));
    EXPECT_EQ(e[2], make_int(0));
  }
}

class ModuleLoadThreads : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lzr_load_threads_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    register_builtins(vm_);
    vm_.search_path.push_back(dir_.string());
    node_of(vm_).set_concurrent(true);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::vector<uint8_t> image(const std::string& text, const std::string& label) {
    std::string why;
    auto f = assemble(text, label, why);
    EXPECT_TRUE(f) << why;
    return f ? write_module(*f) : std::vector<uint8_t>{};
  }
  static std::string_view view(const std::vector<uint8_t>& b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

  VM vm_;
  std::filesystem::path dir_;
};

// Four threads load their own module at once; each calls the same helper
// module on the search path (found missing by all four), and a fifth keeps
// loading a module whose link fails (rolled back each time). The helper is
// loaded once and every caller is bound to it; the failing module never
// stays; afterwards every loaded main returns the right value.
TEST_F(ModuleLoadThreads, SameModuleLoadedOnceWhenManyLoadAtOnce) {
  write("helper.lzs", "module helper\nfunc f/0\n  loadi x0, 40\n  ret x0\n");
  std::vector<std::vector<uint8_t>> tops;
  for (int t = 0; t < kThreads; ++t) {
    const std::string name = "top" + std::to_string(t);
    tops.push_back(image("module " + name + "\nfunc main/0\n  call x0, helper.f/0\n  loadi x1, " +
                             std::to_string(t) + "\n  add x0, x0, x1\n  ret x0\n",
                         name + ".lzs"));
  }
  const std::vector<uint8_t> bad = image("module bad\nfunc main/0\n  call x0, nowhere.f/0\n  ret x0\n", "bad.lzs");
  std::atomic<bool> done{false};
  std::atomic<size_t> failures{0}, bad_loaded{0};
  std::vector<Module*> loaded(kThreads, nullptr);
  std::thread failing([&] {
    while (!done.load()) {
      LoadError err;
      if (load_module_bytes(vm_, view(bad), "bad.lzr", err)) bad_loaded.fetch_add(1);
      if (err.message.find("nowhere") == std::string::npos) failures.fetch_add(1);
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      LoadError err;
      loaded[t] = load_module_bytes(vm_, view(tops[t]), "top" + std::to_string(t) + ".lzr", err);
      if (!loaded[t]) failures.fetch_add(1);
      for (int k = 0; k < 20; ++k) {  // and look the helper up by name, loading it if it is missing
        LoadError e;
        if (!load_module_named(vm_, "helper", e)) failures.fetch_add(1);
      }
    });
  for (auto& t : threads) t.join();
  done.store(true);
  failing.join();
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_EQ(bad_loaded.load(), 0u);
  EXPECT_FALSE(vm_.find_module(vm_.atom("bad")));
  const Module* helper = vm_.find_module(vm_.atom("helper"));
  ASSERT_TRUE(helper);
  size_t helpers = 0;
  vm_.for_each_module([&](const Module& m) { helpers += m.name == "helper"; });
  EXPECT_EQ(helpers, 1u);
  EXPECT_EQ(vm_.retired_modules(), 0u);  // failed loads are freed at once, never retired
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(loaded[t]);
    const FunctionInfo* main0 = loaded[t]->find(vm_.atom("main"), 0);
    ASSERT_TRUE(main0);
    Process p(vm_, vm_.options.stack_words);
    EXPECT_EQ(execute(p, main0, {}, EngineKind::Portable), make_int(40 + t));
    p.reset_stack();
  }
}

}  // namespace
}  // namespace lzr
