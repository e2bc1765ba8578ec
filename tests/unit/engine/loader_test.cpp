// Loading, linking and executing modules through the engine API.
#include <gtest/gtest.h>

#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/insn.h"
#include "engine/loader.h"
#include "format/builtin_calls.h"
#include "vm/printer.h"
#include "vm/raise.h"
#include "vm/vm.h"

namespace lzr {
namespace {

namespace fs = std::filesystem;

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lzr_loader_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    register_builtins(vm_);
    vm_.search_path.push_back(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  // Assembles `text` and writes it as NAME.lzr.
  std::string write_lzr(const std::string& name, const std::string& text) {
    std::string error;
    auto m = assemble(text, name + ".lzs", error);
    EXPECT_TRUE(m) << error;
    auto bytes = write_module(*m);
    fs::path p = dir_ / (name + ".lzr");
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                             static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }
  size_t module_count() {
    size_t n = 0;
    vm_.for_each_module([&](const Module&) { ++n; });
    return n;
  }
  // Runs name/arity of `m` on `engine` and prints the result (or "error: T").
  std::string run(Module* m, const char* name, std::vector<Term> args, EngineKind engine = EngineKind::Portable) {
    const FunctionInfo* fn = m->find(vm_.atom(name), static_cast<unsigned>(args.size()));
    if (!fn) return "no such function";
    Process p(vm_, 1 << 16);
    Term r = execute(p, fn, args, engine);
    std::string out = r == kRaised ? "error: " + term_to_string(p.error, vm_.atoms) : term_to_string(r, vm_.atoms);
    last_trace_.clear();
    if (r == kRaised)
      for (const TraceEntry& e : stack_trace(p)) last_trace_.push_back(format_trace_entry(p, e));
    p.reset_stack();
    return out;
  }

  fs::path dir_;
  VM vm_;
  std::vector<std::string> last_trace_;
};

TEST_F(LoaderTest, LinksCallsIntoAnotherModuleFoundOnTheSearchPath) {
  write("helper.lzs", "module helper\nfunc twice/1\n  add x0, x0, x0\n  ret x0\n");
  std::string main = write("app.lzs", "module app\nfunc go/1\n  call x0, helper.twice/1\n  ret x0\n");
  LoadError err;
  Module* m = load_module_file(vm_, main, err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(run(m, "go", {make_int(21)}), "42");
  EXPECT_TRUE(vm_.find_module(vm_.atom("helper")));
}

TEST_F(LoaderTest, PrefersLzrOverLzsInTheSameFolder) {
  write_lzr("dep", "module dep\nfunc v/0\n  loadi x0, 1\n  ret x0\n");
  write("dep.lzs", "module dep\nfunc v/0\n  loadi x0, 2\n  ret x0\n");
  std::string main = write("app.lzs", "module app\nfunc go/0\n  call x0, dep.v/0\n  ret x0\n");
  LoadError err;
  Module* m = load_module_file(vm_, main, err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(run(m, "go", {}), "1");
}

TEST_F(LoaderTest, MissingModuleIsALoadErrorAndLeavesNothingLoaded) {
  size_t before = module_count();
  std::string main = write("app.lzs", "module app\nfunc go/0\n  call x0, nowhere.f/0\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, main, err));
  EXPECT_EQ(err.message, main + ": word 0: call to nowhere.f/0: module nowhere not found (searched " +
                             dir_.string() + ")");
  EXPECT_EQ(module_count(), before);
}

TEST_F(LoaderTest, UndefinedFunctionInAnotherModuleIsALoadError) {
  write("helper.lzs", "module helper\nfunc twice/1\n  ret x0\n");
  std::string main = write("app.lzs", "module app\nfunc go/0\n  loadi x0, 1\n  loadi x1, 2\n  call x0, helper.twice/2\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, main, err));
  EXPECT_EQ(err.message, main + ": word 2: call to undefined function helper.twice/2");
}

TEST_F(LoaderTest, FailedLoadRollsBackEveryModuleItAdded) {
  // a -> b (fine) -> c (missing): neither a nor b may stay loaded.
  write("b.lzs", "module b\nfunc f/0\n  call x0, c.g/0\n  ret x0\n");
  std::string a = write("a.lzs", "module a\nfunc f/0\n  call x0, b.f/0\n  ret x0\n");
  size_t before = module_count();
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, a, err));
  EXPECT_EQ(module_count(), before);
  EXPECT_FALSE(vm_.find_module(vm_.atom("a")));
  EXPECT_FALSE(vm_.find_module(vm_.atom("b")));
  // Once c exists the same load succeeds.
  write("c.lzs", "module c\nfunc g/0\n  loadi x0, 7\n  ret x0\n");
  Module* m = load_module_file(vm_, a, err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(run(m, "f", {}), "7");
}

TEST_F(LoaderTest, MutuallyRecursiveModulesLink) {
  write("odd.lzs",
        "module odd\nfunc is/1\n  loadi x1, 0\n  eq x0, x1, no\n  loadi x1, 1\n  sub x0, x0, x1\n"
        "  tcall even.is/1\nno:\n  loadc x0, false\n  ret x0\n");
  std::string even = write("even.lzs",
                           "module even\nfunc is/1\n  loadi x1, 0\n  eq x0, x1, yes\n  loadi x1, 1\n"
                           "  sub x0, x0, x1\n  tcall odd.is/1\nyes:\n  loadc x0, true\n  ret x0\n");
  LoadError err;
  Module* m = load_module_file(vm_, even, err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(run(m, "is", {make_int(10)}), "true");
  EXPECT_EQ(run(m, "is", {make_int(7)}), "false");
}

// Found by the fuzzer: names come from the module and may hold any byte.
TEST_F(LoaderTest, LinkErrorsEscapeNamesAndStayOneLine) {
  std::string main = write("app.lzs", "module app\nfunc go/0\n  call x0, :\"binary.pa\\n/0\"\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, main, err));
  EXPECT_EQ(err.message, main + ": word 0: call to undefined function binary.pa\\n/0");
}

// Loading recursed once per module (load, link, load the callee, ...), about
// 1.8 KB of C++ stack each: a chain of 5,000 modules that call the next
// overflowed an 8 MiB stack. The load now runs in a thread with 1 MiB.
TEST_F(LoaderTest, LongChainOfModulesLoadsWithoutDeepCxxRecursion) {
  constexpr int kModules = 3000;
  for (int i = 0; i < kModules; ++i) {
    const std::string name = "m" + std::to_string(i);
    write(name + ".lzs", i + 1 < kModules
                             ? "module " + name + "\nfunc f/0\n  call x0, m" + std::to_string(i + 1) + ".f/0\n  ret x0\n"
                             : "module " + name + "\nfunc f/0\n  loadi x0, 7\n  ret x0\n");
  }
  Module* m = nullptr;
  LoadError err;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, size_t{1} << 20);
  struct Job {
    VM& vm;
    std::string path;
    Module*& m;
    LoadError& err;
  } job{vm_, (dir_ / "m0.lzs").string(), m, err};
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    j->m = load_module_file(j->vm, j->path, j->err);
    return nullptr;
  }, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(run(m, "f", {}), "7");
  EXPECT_TRUE(vm_.find_module(vm_.atom("m2999")));
}

TEST_F(LoaderTest, ErrorAtTheEndOfALongChainNamesItsEnds) {
  constexpr int kModules = 40;
  for (int i = 0; i < kModules; ++i)
    write("c" + std::to_string(i) + ".lzs",
          "module c" + std::to_string(i) + "\nfunc f/0\n  call x0, c" + std::to_string(i + 1) + ".f/0\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, (dir_ / "c0.lzs").string(), err));
  std::string want;
  auto site = [&](int i) {
    return (dir_ / ("c" + std::to_string(i) + ".lzs")).string() + ": word 0: call to c" + std::to_string(i + 1) + ".f/0: ";
  };
  for (int i = 0; i < 8; ++i) want += site(i);
  want += "... 23 more calls ...: ";
  for (int i = 31; i < kModules; ++i) want += site(i);
  want += "module c40 not found (searched " + dir_.string() + ")";
  EXPECT_EQ(err.message, want);
}

// A module name is a file name on the search path: one that names a path
// (absolute, or climbing out with ..) would load a file from any folder.
TEST_F(LoaderTest, ModuleNamesThatNamePathsAreLoadErrors) {
  const fs::path other = dir_ / "other";
  fs::create_directories(other);
  const std::string abs = (other / "y").string();
  write("other/y.lzs", "module :\"" + abs + "\"\nfunc f/0\n  loadi x0, 1\n  ret x0\n");
  write("other/z.lzs", "module :\"../other/z\"\nfunc f/0\n  loadi x0, 1\n  ret x0\n");
  for (const std::string& name : {abs, std::string("../other/z")}) {
    std::string main = write("app.lzs", "module app\nfunc go/0\n  call x0, :\"" + name + ".f/0\"\n  ret x0\n");
    LoadError err;
    EXPECT_FALSE(load_module_file(vm_, main, err)) << name;
    EXPECT_EQ(err.message, main + ": word 0: call to " + name + ".f/0: module name " + name +
                               " contains '/', so no module file can have it");
  }
  // Hosts name modules too (lzr_vm_call). Names are escaped in the message.
  const std::pair<const char*, const char*> named[] = {
      {"..", "module name .. contains '..'"}, {"a..b", "module name a..b contains '..'"},
      {"a\\b", "module name a\\\\b contains '\\'"}, {"/etc/passwd", "module name /etc/passwd contains '/'"}};
  for (auto [name, want] : named) {
    LoadError err;
    EXPECT_FALSE(load_module_named(vm_, name, err)) << name;
    EXPECT_EQ(err.message, std::string(want) + ", so no module file can have it");
  }
}

TEST_F(LoaderTest, FileDefiningAnotherModuleNameIsRejected) {
  write("dep.lzs", "module other\nfunc f/0\n  ret y0\n");
  std::string main = write("app.lzs", "module app\nfunc go/0\n  call x0, dep.f/0\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, main, err));
  EXPECT_NE(err.message.find("defines module other, expected dep"), std::string::npos) << err.message;
}

TEST_F(LoaderTest, LoadingTheSameModuleTwiceIsAnError) {
  std::string main = write("app.lzs", "module app\nfunc go/0\n  ret y0\n");
  LoadError err;
  ASSERT_TRUE(load_module_file(vm_, main, err)) << err.message;
  EXPECT_FALSE(load_module_file(vm_, main, err));
  EXPECT_EQ(err.message, main + ": module app is already loaded");
}

TEST_F(LoaderTest, CorruptModuleFileReportsTheReaderError) {
  fs::path p = dir_ / "bad.lzr";
  std::ofstream(p, std::ios::binary) << "LZQ\x01";
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, p.string(), err));
  EXPECT_EQ(err.message.rfind(p.string() + ": byte ", 0), 0u) << err.message;
}

TEST_F(LoaderTest, UnreadableFileIsReported) {
  LoadError err;
  std::string missing = (dir_ / "missing.lzr").string();
  EXPECT_FALSE(load_module_file(vm_, missing, err));
  EXPECT_EQ(err.message, missing + ": cannot read: No such file or directory");
}

TEST_F(LoaderTest, RuntimeErrorKeepsTheCallStackForTheTrace) {
  std::string main = write("app.lzs",
                           "module app\nfunc go/0\n  loadi x0, 1\n  call x0, inner/1\n  ret x0\n"
                           "func inner/1\n  loadi x1, 0\n  div x0, x0, x1\n  ret x0\n");
  LoadError err;
  Module* m = load_module_file(vm_, main, err);
  ASSERT_TRUE(m) << err.message;
  for (EngineKind e : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(e)) continue;
    EXPECT_EQ(run(m, "go", {}, e), "error: :badarith") << engine_name(e);
    EXPECT_EQ(last_trace_, (std::vector<std::string>{"app.inner/1 (app.lzs:8)", "app.go/0 (app.lzs:4)"})) << engine_name(e);
  }
}

TEST_F(LoaderTest, DeepRecursionRaisesStackOverflowInsteadOfCrashing) {
  std::string main = write("app.lzs",
                           "module app\nfunc down/1 frame=1\n  mov y0, x0\n  loadi x1, 1\n  add x0, x0, x1\n"
                           "  call x0, down/1\n  ret x0\n");
  LoadError err;
  Module* m = load_module_file(vm_, main, err);
  ASSERT_TRUE(m) << err.message;
  for (EngineKind e : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(e)) continue;
    EXPECT_EQ(run(m, "down", {make_int(0)}, e), "error: :stack_overflow") << engine_name(e);
  }
}

TEST_F(LoaderTest, NativeFunctionsCanBeExecutedDirectly) {
  Module* io = vm_.find_module(vm_.atom("kernel"));
  ASSERT_TRUE(io);
  EXPECT_EQ(run(io, "max", {make_int(3), make_int(9)}), "9");
  EXPECT_EQ(run(io, "error", {vm_.atom("boom")}), "error: :boom");
}

TEST_F(LoaderTest, PicksFusedFormsForCountingLoops) {
  // Names of the internal forms of name/arity's first `count` instructions.
  auto forms = [this](Module* m, const char* name, unsigned arity, size_t count) {
    const FunctionInfo* fn = m->find(vm_.atom(name), arity);
    std::string out;
    for (size_t k = 0; fn && k < count; ++k) out += std::string(k ? " " : "") + iop_name(fn->code[k].op);
    return out;
  };
  LoadError err;
  Module* m = load_module_file(vm_, write("loops.lzs",
      "module loops\n"
      // The stepped register on the left of the head compare, the constant dead.
      "func up/3\n  gte x0, x1, done\n  loadi x3, 7\n  mod x3, x0, x3\n  add x2, x2, x3\n"
      "  loadi x3, 1\n  add x0, x0, x3\n  tcall up/3\ndone:\n  ret x2\n"
      // On the right: the compare is swapped (x1 > x0 is x0 < x1).
      "func down/2\n  gt x1, x0, done\n  loadi x2, 2\n  sub x0, x0, x2\n  tcall down/2\ndone:\n  ret x0\n"
      // The constant is an argument of the tail call: no step form.
      "func arg/3\n  gte x0, x1, done\n  loadi x2, 1\n  add x0, x0, x2\n  tcall arg/3\ndone:\n  ret x0\n"
      // The stepped register is not compared: no step form.
      "func other/3\n  gte x0, x1, done\n  loadi x3, 1\n  add x2, x2, x3\n  tcall other/3\ndone:\n  ret x0\n"
      // Division by 1 is not fused (no reciprocal fits 64 bits).
      "func one/1\n  loadi x1, 1\n  div x0, x0, x1\n  loadi x1, 3\n  div x0, x0, x1\n  ret x0\n"
      // Constant indexes (not negative ones).
      // (A get into and from X registers: the X form.)
      "func at/1 frame=1\n  loadi x1, 0\n  get y0, x0, x1\n  loadi x1, 1\n  drop x0, x0, x1\n"
      "  loadi x1, 2\n  get x2, x0, x1\n  loadi x1, -1\n  get x0, x0, x1\n  ret x0\n"
      // Moves pair up, left to right, one kind at a time.
      "func moves/3 frame=3\n  mov y0, x0\n  mov y1, x1\n  mov y2, x2\n  mov x1, y0\n  mov x2, y1\n"
      "  mov x0, x2\n  mov x1, x0\n  ret x1\n"
      // A loop closed by a backward jmp to its head compare (the jmp's form
      // is loop_lt), in a function with Y slots; the forward jmp and the
      // backward one to a non-compare stay jmp.
      "func jloop/2 frame=1\n  loadi y0, 1\n  loadi x2, 0\nhead:\n  lt x0, x1, done\n  mov x3, y0\n"
      "  add x2, x2, x1\n  add x1, x1, x3\n  jmp head\ndone:\n  jmp out\nout:\n  mov x0, x2\n  ret x0\n"
      "func jplain/1\nagain:\n  loadi x1, 1\n  sub x0, x0, x1\n  loadi x1, 0\n  eq x0, x1, out\n  jmp again\n"
      "out:\n  ret x0\n"),
      err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(forms(m, "up", 3, 7), "gte_xx load_mod mod_xxx add_xxx step_gte add_xxx loop_gte");
  EXPECT_EQ(forms(m, "down", 2, 4), "gt_xx step_lt sub_xxx loop_gt");
  EXPECT_EQ(m->find(vm_.atom("down"), 2)->code[1].b, 1);  // the other compared register
  EXPECT_EQ(forms(m, "arg", 3, 4), "gte_xx load_add add_xxx loop_gte");
  EXPECT_EQ(forms(m, "other", 3, 4), "gte_xx load_add add_xxx loop_gte");
  EXPECT_EQ(forms(m, "one", 1, 4), "load_x div_xxx load_div div_xxx");
  EXPECT_EQ(forms(m, "at", 1, 8), "load_get get_yxx load_drop drop_xxx load_get_x get_xxx load_x get_xxx");
  EXPECT_EQ(forms(m, "moves", 3, 8), "mov2_xy mov_xy mov_xy mov2_yx mov_yx mov2_xx mov_xx ret_x");
  EXPECT_EQ(run(m, "up", {make_int(0), make_int(20), make_int(0)}), "57");
  EXPECT_EQ(run(m, "up", {make_int(0), make_int(20), make_int(0)}, EngineKind::Asm), "57");
  EXPECT_EQ(run(m, "down", {make_int(9), make_int(0)}, EngineKind::Asm), "-1");
  EXPECT_EQ(run(m, "one", {make_int(-7)}, EngineKind::Asm), "-3");
  EXPECT_EQ(forms(m, "jloop", 2, 10), "load load_x lt_xx mov_yx add_xxx add_xk loop_lt jmp mov_xx ret_x");
  EXPECT_EQ(m->find(vm_.atom("jloop"), 2)->code[6].b, 0);  // no Y slot cleared at the back edge
  EXPECT_EQ(forms(m, "jplain", 1, 6), "load_sub sub_xxx load_eq eq_xx jmp ret_x");
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    EXPECT_EQ(run(m, "jloop", {make_int(10), make_int(0)}, engine), "55");  // y0 kept across iterations
    EXPECT_EQ(run(m, "jloop", {make_float(2.5), make_int(0)}, engine), "3");  // the head compares a float
    EXPECT_EQ(run(m, "jplain", {make_int(5)}, engine), "0");
  }
}

// Names of the internal forms of the instructions of name/arity in `m`.
std::string forms_of(VM& vm, Module* m, const char* name, unsigned arity, size_t count) {
  const FunctionInfo* fn = m->find(vm.atom(name), arity);
  std::string out;
  for (size_t k = 0; fn && k < count; ++k) out += std::string(k ? " " : "") + iop_name(fn->code[k].op);
  return out;
}

// A load of an atom or [] right before an eq/ne that reads it on one side
// (a call's result tested against :ok, a list in a Y slot against []):
// one dispatch, whatever the kinds of the other operand; and a constant
// loaded right before the ret of its register. The compare or ret stays
// in place for a jump straight to it.
TEST_F(LoaderTest, FusesAtomLoadsWithTheEqualityThatReadsThem) {
  LoadError err;
  Module* m = load_module_file(vm_, write("atoms.lzs",
      "module atoms\n"
      // A list walked in a Y slot, the nil test at the loop head; a count
      // compared with :done on the left.
      "func len/1 frame=1\n  mov y0, x0\n  loadi x2, 0\n  loadi x3, 1\nhead:\n  loadc x1, []\n"
      "  eq y0, x1, out\n  add x2, x2, x3\n  drop y0, y0, x3\n  jmp head\nout:\n  mov x0, x2\n  ret x0\n"
      // ne with the constant on the left.
      "func is_ok/1\n  loadc x1, :ok\n  ne x1, x0, no\n  loadc x0, true\n  ret x0\nno:\n"
      "  loadc x0, false\n  ret x0\n"
      // Not fused: an order compare; an integer with a Y operand; both
      // sides read the constant. A jump straight to a fused compare runs
      // it alone.
      "func others/1 frame=1\n  mov y0, x0\n  loadc x1, :a\n  lt x0, x1, one\n  loadi x1, 3\n"
      "  eq y0, x1, one\n  loadc x1, :b\n  jmp cmp\n  loadc x1, :c\ncmp:\n  eq x0, x1, one\n"
      "  loadc x1, :q\n  eq x1, x1, same\n  loadc x0, :none\n  ret x0\nsame:\n  loadc x0, :same\n  ret x0\n"
      "one:\n  loadc x0, :one\n  ret x0\n"
      // A constant returned, and a jump straight to the ret of one.
      "func pick/1\n  loadi x1, 2\n  lt x0, x1, small\n  mov x1, x0\n  jmp out\nsmall:\n  loadc x1, :small\n"
      "out:\n  ret x1\n"
      "func long/1\n  loadc x1, []\n  loadi x2, 1\nmore:\n  cons x1, x0, x1\n  sub x0, x0, x2\n"
      "  loadi x3, 0\n  gt x0, x3, more\n  mov x0, x1\n  tcall len/1\n"),
      err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(forms_of(vm_, m, "len", 1, 6), "mov_xy load_x load_x load_eqa eq_yx add_xk");
  const FunctionInfo* len = m->find(vm_.atom("len"), 1);
  EXPECT_EQ(len->code[3].b, operand(kOperandY, 0));
  EXPECT_EQ(len->code[3].u.term, kNil);
  EXPECT_EQ(forms_of(vm_, m, "is_ok", 1, 6), "load_nea ne_xx load_ret ret_x load_ret ret_x");
  EXPECT_EQ(m->find(vm_.atom("is_ok"), 1)->code[0].b, operand(kOperandX, 0));
  EXPECT_EQ(forms_of(vm_, m, "pick", 1, 6), "load_lt lt_xx mov_xx jmp load_ret ret_x");
  EXPECT_EQ(forms_of(vm_, m, "others", 1, 12),
            "mov_xy load_x lt_xx load_x eq_yx load_x jmp load_eqa eq_xx load_x eq_atom_xx load_ret");
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    EXPECT_EQ(run(m, "long", {make_int(5000)}, engine), "5000");  // past a slice: the back edge yields
    EXPECT_EQ(run(m, "len", {kNil}, engine), "0");
    EXPECT_EQ(run(m, "others", {vm_.atom("b")}, engine), ":one");  // the compare run alone, from the jump
    EXPECT_EQ(run(m, "others", {vm_.atom("z")}, engine), ":same");
    EXPECT_EQ(run(m, "others", {make_int(3)}, engine), ":one");  // a number orders before an atom
    EXPECT_EQ(run(m, "pick", {make_int(1)}, engine), ":small");
    EXPECT_EQ(run(m, "pick", {make_int(7)}, engine), "7");  // the ret run alone, from the jump
    EXPECT_EQ(run(m, "is_ok", {vm_.atom("ok")}, engine), "true");
    EXPECT_EQ(run(m, "is_ok", {vm_.atom("error")}, engine), "false");
    EXPECT_EQ(run(m, "is_ok", {make_int(1)}, engine), "false");
  }
}

// Registers known to hold a constant on every path (known_operands.cpp):
// compares with an atom or nil and divisions by small integers get their
// forms; anything that may change the register (a call, a safe point whose
// mask leaves it out, a different constant on another path, a write in a
// loop) keeps the generic instruction.
TEST_F(LoaderTest, PicksFormsForOperandsKnownToHoldConstants) {
  LoadError err;
  Module* m = load_module_file(vm_, write("known.lzs",
      "module known\n"
      // Constants in Y slots across calls, and nil in every Y slot at entry.
      "func ys/1 frame=3\n  loadc y0, :stop\n  loadi x1, 7\n  mov y1, x1\n"
      "loop:\n  eq x0, y0, done\n  call x0, id/1\n  div x0, x0, y1\n  eq y2, x0, done\n  lt x0, y1, done\n"
      "  jmp loop\n"
      "done:\n  ret x0\n"
      // X registers: the swap-move moves what is known (x3 and x4 are
      // arguments: the swap reads both); after a call only its result is
      // defined (the verifier), and what is copied from it is not known.
      "func xs/5\n  loadi x1, 3\n  loadc x2, :a\n  mov x3, x2, x4\n  mod x5, x0, x1\n  eq x3, x0, out\n"
      "  eq x0, x4, out\n  call x0, id/1\n  mov x1, x0\n  mod x0, x0, x1\n  eq x0, x1, out\nout:\n  ret x0\n"
      // Paths that agree, paths that do not.
      "func join/2\n  eq x0, x1, other\n  loadi x2, 5\n  loadi x3, 6\n  jmp both\nother:\n  loadi x2, 5\n"
      "  loadi x3, 9\nboth:\n  div x4, x0, x2\n  div x5, x0, x3\n  ret x4\n"
      // A register written in the loop is not known at its head.
      "func loop/2\n  loadi x2, 4\n  loadi x3, 1\nhead:\n  div x4, x0, x2\n  eq x0, x3, out\n"
      "  loadi x2, 8\n  sub x0, x0, x3\n  jmp head\nout:\n  ret x4\n"
      // Safe points: registers in the mask keep what is known (one outside
      // it may become [], and the verifier refuses to let it be read).
      "func gc/1\n  loadi x1, 3\n  loadi x2, 5\n  tuple x3, {x0} live=0x7\n  div x4, x0, x1\n  div x5, x0, x2\n"
      "  ret x5\n"
      // Truncating division and remainder by a known divisor.
      "func trunc/1 frame=1\n  loadi x1, 3\n  mov y0, x1\n  idiv x2, x0, x1\n  rem x3, x0, y0\n  loadi x1, 1\n"
      "  rem x4, x0, x1\n  add x0, x2, x3\n  ret x0\n"
      // Divisors out of the forms' range (1, negative); one past 2^17 (the
      // shifted reciprocal's form); the fused load keeps its form.
      "func range/1\n  loadi x1, 1\n  load x2, 200000\n  loadi x3, -3\n  div x4, x0, x1\n  div x4, x0, x2\n"
      "  div x4, x0, x3\n  loadi x1, 5\n  div x4, x0, x1\n  ret x4\n"
      "func big/1\n  load x1, 2147483647\n  mod x2, x0, x1\n  rem x3, x0, x1\n  idiv x4, x0, x1\n"
      "  div x0, x0, x1\n  add x0, x0, x2\n  add x0, x0, x3\n  add x0, x0, x4\n  ret x0\n"
      // List heads and tails, constants added, subtracted, multiplied.
      "func walk/2 frame=1\n  loadi x7, 0\n  loadi x8, 1\n  loadi y0, 3\nloop:\n  get x2, x0, x7\n"
      "  drop x0, x0, x8\n  add x1, x1, x2\n  sub x1, x1, x8\n  mul x1, x1, x8\n  drop x3, x0, x7\n"
      "  get x4, x0, x8\n  mul x1, x1, y0\n  ne x0, x7, loop\n  ret x1\n"
      // Steps compared, on either side; a compare of two other registers.
      "func count/2\n  loadi x2, 1\n  mov x3, x2\nloop:\n  add x0, x0, x2\n  lt x0, x1, loop\n  sub x0, x0, x2\n"
      "  gte x1, x0, loop\n  add x0, x0, x2\n  lt x1, x2, loop\n  ret x0\n"
      "func id/1\n  ret x0\n"),
      err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(forms_of(vm_, m, "count", 2, 9), "load_x mov_xx addk_lt lt_xx subk_lte gte_xx add_xk lt_xx ret_x");
  EXPECT_EQ(m->find(vm_.atom("count"), 2)->code[2].d, 1);  // compared with x1
  EXPECT_EQ(forms_of(vm_, m, "walk", 2, 13),
            "load_x load_x load hdtl_xx tl_xxx add_xxx sub_xk mul_xk drop_xxx get_xxx mul_xxy ne_xx ret_x");
  EXPECT_EQ(forms_of(vm_, m, "ys", 1, 10), "load load_x mov_xy eq_atom_xy call div_k eq_atom_xy lt_xy jmp ret_x");
  EXPECT_EQ(forms_of(vm_, m, "xs", 5, 11), "load_x load_x swap mod_k eq_atom_xx eq_xx call mov_xx mod_xxx eq_xx ret_x");
  EXPECT_EQ(m->find(vm_.atom("xs"), 5)->code[4].a, 0);  // eq x0, x3: the atom moved to the right
  EXPECT_EQ(forms_of(vm_, m, "join", 2, 9), "eq_xx load_x load_x jmp load_x load_x div_k div_xxx ret_x");
  EXPECT_EQ(forms_of(vm_, m, "loop", 2, 8), "load_x load_x div_xxx eq_xx load_x sub_xk jmp ret_x");
  EXPECT_EQ(forms_of(vm_, m, "gc", 1, 6), "load_x load_x tuple div_k div_k ret_x");
  EXPECT_EQ(forms_of(vm_, m, "trunc", 1, 8), "load_x mov_xy idiv_k rem_k load_x rem add_xxx ret_x");
  EXPECT_EQ(forms_of(vm_, m, "range", 1, 9), "load_x load_x load_x div_xxx div_kl div_xxx load_div div_xxx ret_x");
  EXPECT_EQ(forms_of(vm_, m, "big", 1, 6), "load_x mod_kl rem_kl idiv_kl div_kl add_xxx");
  EXPECT_EQ(m->find(vm_.atom("range"), 1)->code[4].d, 1);  // 200000 has 18 bits: shifted by 1
  EXPECT_EQ(m->find(vm_.atom("big"), 1)->code[1].d, 14);   // 2^31 - 1 has 31 bits
  // The forms compute what the generic instructions do, on both engines.
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    EXPECT_EQ(run(m, "ys", {make_int(700)}, engine), "2") << engine_name(engine);
    // -10^12 mod, rem, idiv and div (floored: one less than idiv) 2^31 - 1, summed
    EXPECT_EQ(run(m, "big", {make_int(-1000000000000)}, engine), "-692725574") << engine_name(engine);
    EXPECT_EQ(run(m, "ys", {make_int(-7)}, engine), "-1") << engine_name(engine);
    EXPECT_EQ(run(m, "xs", {make_int(-10), make_int(0), make_int(0), make_int(0), make_int(0)}, engine), "0") << engine_name(engine);
    EXPECT_EQ(run(m, "join", {make_int(60), make_int(60)}, engine), "12") << engine_name(engine);
    EXPECT_EQ(run(m, "join", {make_int(-61), make_int(0)}, engine), "-13") << engine_name(engine);
    EXPECT_EQ(run(m, "loop", {make_int(3), make_int(0)}, engine), "0") << engine_name(engine);
    EXPECT_EQ(run(m, "gc", {make_int(11)}, engine), "2") << engine_name(engine);
    EXPECT_EQ(run(m, "trunc", {make_int(-7)}, engine), "-3") << engine_name(engine);  // -2 + -1
  }
}

// A tuple of 2 .. 8 elements, all X registers, gets the form of its arity
// (any destination); a Y slot among them, or another arity, keeps the
// generic tuple.
TEST_F(LoaderTest, SmallTuplesOfXRegistersGetTheFormOfTheirArity) {
  LoadError err;
  Module* m = load_module_file(vm_, write("tuples.lzs",
      "module tuples\n"
      "func xs/8 frame=1\n  tuple x8, {x0, x1}\n  tuple y0, {x2, x1, x0}\n  tuple x8, {x0, x1, x2, x3, x4, x5, x6, x7}\n"
      "  tuple x8, {x0, x1, x2, x3, x4, x5, x6, x7, x0}\n  tuple x8, {x0}\n  tuple x8, {}\n  tuple x8, {x0, y0}\n"
      "  tuple x0, {x7, x7, x7, x7}\n  ret x0\n"),
      err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(forms_of(vm_, m, "xs", 8, 9), "tuple2_x tuple3_x tuple8_x tuple tuple tuple tuple tuple4_x ret_x");
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    std::vector<Term> args;
    for (int i = 0; i < 8; ++i) args.push_back(make_int(i));
    EXPECT_EQ(run(m, "xs", args, engine), "{7, 7, 7, 7}") << engine_name(engine);
  }
}

// Generic instructions whose register operands are all X registers or Y
// slots get the variant naming their kinds; an upvalue keeps the generic
// form.
TEST_F(LoaderTest, PicksOperandKindVariants) {
  LoadError err;
  Module* m = load_module_file(vm_, write("kinds.lzs",
      "module kinds\n"
      "func main/1 frame=3\n  mov y0, x0\n  add y1, y0, x0\n  sub x1, x0, y1\n  mul y2, y1, y0\n"
      "  cons y2, x1, y2\n  get x2, y2, x1\n  drop y2, y2, x1\n  lt y0, x2, out\n  ne y1, y0, out\n"
      "  and x3, x1, x2\n  fn x4, f/1, [x3]\n  mov x0, y2\n  apply x0, x4\nout:\n  ret x0\n"
      "func f/1 upvals=1\n  add x0, x0, u0\n  or x0, x0, x0\n  ret x0\n"),
      err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(forms_of(vm_, m, "main", 1, 15),
            "mov_xy add_yyx sub_xxy mul_yyy cons_yxy get_xyx drop_yyx lt_yx ne_yy and_xxx fn mov_yx apply ret_x "
            "add");
  EXPECT_EQ(forms_of(vm_, m, "f", 1, 3), "add or_xxx ret_x");  // u0: the generic add
}

// stdlib (issue 15, point 4): a built-in module extended by its library
// file (docs/builtins.md, "Where a call goes").
TEST_F(LoaderTest, LibraryFileExtendsABuiltinModuleOnTheFirstCallNoNativeAnswers) {
  // An earlier load binds a call to the native tuple.to_list/1.
  std::string first = write("first.lzs", "module first\nfunc go/0\n  loadc x0, {1, 2}\n  call x0, tuple.to_list/1\n  ret x0\n");
  LoadError err;
  Module* f = load_module_file(vm_, first, err);
  ASSERT_TRUE(f) << err.message;
  EXPECT_FALSE(vm_.find_module(vm_.atom("tuple"))->base);  // no library needed yet
  write("tuple.lzs", "module tuple\nfunc first/1\n  loadi x1, 0\n  get x0, x0, x1\n  ret x0\n"
                     "func both/1 frame=2\n  mov y0, x0\n  call y1, first/1\n  mov x0, y0\n"
                     "  call x1, native.tuple.to_list/1\n  tuple x0, {y1, x1}\n  ret x0\n");
  std::string app = write("app.lzs", "module app\nfunc go/0\n  loadc x0, {1, 2}\n  call x0, tuple.both/1\n  ret x0\n"
                                     "func size/0\n  loadc x0, {1, 2}\n  call x0, tuple.to_list/1\n  ret x0\n");
  Module* m = load_module_file(vm_, app, err);
  ASSERT_TRUE(m) << err.message;
  Module* extended = vm_.find_module(vm_.atom("tuple"));
  ASSERT_TRUE(extended->base);
  EXPECT_TRUE(extended->base->builtin);
  EXPECT_TRUE(extended->find(vm_.atom("first"), 1));
  EXPECT_TRUE(extended->find(vm_.atom("from_list"), 1));  // the natives are listed too
  EXPECT_EQ(run(m, "go", {}), "{1, [1, 2]}");
  EXPECT_EQ(run(m, "size", {}), "[1, 2]");
  EXPECT_EQ(run(f, "go", {}), "[1, 2]");  // bound before the extension, still valid
}

TEST_F(LoaderTest, FailedLoadOfALibraryFilePutsTheBuiltinModuleBack) {
  write("tuple.lzs", "module tuple\nfunc bad/0\n  call x0, nowhere.f/0\n  ret x0\n");
  std::string app = write("app.lzs", "module app\nfunc go/0\n  call x0, tuple.bad/0\n  ret x0\n");
  const Module* builtin = vm_.find_module(vm_.atom("tuple"));
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, app, err));
  EXPECT_NE(err.message.find("module nowhere not found"), std::string::npos) << err.message;
  EXPECT_EQ(vm_.find_module(vm_.atom("tuple")), builtin);
  EXPECT_TRUE(builtin->builtin);
  EXPECT_FALSE(builtin->find(vm_.atom("bad"), 0));
}

TEST_F(LoaderTest, LibraryFileRedefiningANativeIsALoadError) {
  write("tuple.lzs", "module tuple\nfunc extra/0\n  loadi x0, 1\n  ret x0\nfunc to_list/1\n  ret x0\n");
  std::string app = write("app.lzs", "module app\nfunc go/0\n  call x0, tuple.extra/0\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, app, err));
  EXPECT_EQ(err.message, app + ": word 0: call to tuple.extra/0: " + (dir_ / "tuple.lzs").string() +
                             ": module tuple defines to_list/1, which is a built-in function of that module");
  EXPECT_TRUE(vm_.find_module(vm_.atom("tuple"))->builtin);
}

TEST_F(LoaderTest, BuiltinModuleWithoutALibraryFileLacksTheFunction) {
  std::string app = write("app.lzs", "module app\nfunc go/0\n  call x0, tuple.nope/0\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, app, err));
  EXPECT_EQ(err.message, app + ": word 0: call to undefined function tuple.nope/0");
}

TEST_F(LoaderTest, NativePrefixNamesOnlyBuiltinModules) {
  write("helper.lzs", "module helper\nfunc f/0\n  loadi x0, 1\n  ret x0\n");
  std::string app = write("app.lzs", "module app\nfunc go/0\n  call x0, native.helper.f/0\n  ret x0\n");
  LoadError err;
  EXPECT_FALSE(load_module_file(vm_, app, err));
  EXPECT_EQ(err.message, app + ": word 0: call to native.helper.f/0: module native.helper not found "
                               "(helper is not a built-in module)");
  std::string ok = write("ok.lzs", "module ok\nfunc go/0\n  loadc x0, {7}\n  call x0, native.tuple.to_list/1\n  ret x0\n");
  Module* m = load_module_file(vm_, ok, err);
  ASSERT_TRUE(m) << err.message;
  EXPECT_EQ(run(m, "go", {}), "[7]");
}

}  // namespace
}  // namespace lzr

// bif-calls: the verifier's table of built-ins that keep registers names
// functions that exist, and bif / gcbif bind to them when linked.
namespace lzr {
namespace {

TEST_F(LoaderTest, EveryBuiltinCallNamesARegisteredBuiltin) {
  for (unsigned k = 0; k < kNumBuiltinCalls; ++k) {
    const BuiltinCallInfo& b = builtin_call_info(static_cast<BuiltinCall>(k));
    const Module* m = vm_.find_module(vm_.atom(std::string(b.module)));
    ASSERT_NE(m, nullptr) << b.module;
    const FunctionInfo* fn = m->find(vm_.atom(std::string(b.name)), b.arity);
    ASSERT_NE(fn, nullptr) << b.module << "." << b.name << "/" << unsigned{b.arity};
    EXPECT_NE(fn->native, nullptr) << b.name;
  }
}

TEST_F(LoaderTest, BuiltinCallsBindToTheBuiltinAndTheHotOnesGetTheirOwnForm) {
  std::string main = write("app.lzs",
                           "module app\nfunc go/2\n"
                           "  bif x2, map.get/3, [x0, x1, x1]\n"
                           "  bif x3, map.has_key/2, [x0, x1]\n"
                           "  bif x4, kernel.compare/2, [x0, x1]\n"
                           "  gcbif x5, list.reverse/1, [x0] live=0x7\n"
                           "  ret x2\n");
  LoadError err;
  Module* m = load_module_file(vm_, main, err);
  ASSERT_TRUE(m) << err.message;
  const Insn* code = m->find(vm_.atom("go"), 2)->code;
  const Module* maps = vm_.find_module(vm_.atom("map"));
  EXPECT_EQ(code[0].op, IOp::bif_map_get);
  EXPECT_EQ(code[0].u.fn, maps->find(vm_.atom("get"), 3));
  EXPECT_EQ(code[0].a, operand(kOperandX, 2));
  EXPECT_EQ(code[0].c, operand(kOperandX, 1));
  EXPECT_EQ(code[1].op, IOp::bif_map_has_key);
  EXPECT_EQ(code[2].op, IOp::bif);
  EXPECT_EQ(code[2].u.fn, vm_.find_module(vm_.atom("kernel"))->find(vm_.atom("compare"), 2));
  EXPECT_EQ(code[3].op, IOp::gcbif);
  EXPECT_EQ(code[3].u.ctor->mask, 0x7u);
  EXPECT_EQ(code[3].u.ctor->fn, vm_.find_module(vm_.atom("list"))->find(vm_.atom("reverse"), 1));
  EXPECT_EQ(run(m, "go", {make_int(1), make_int(2)}), "error: :badarg");
}

TEST_F(LoaderTest, SqrtRunsInLineWhetherCalledOrUsedAsABif) {
  std::string main = write("app.lzs",
                           "module app\nfunc go/2 frame=1\n"
                           "  bif x2, math.sqrt/1, [x1]\n"
                           "  call y0, math.sqrt/1\n"
                           "  mov x0, y0\n"
                           "  call x0, native.math.sqrt/1\n"
                           "  call x0, math.sin/1\n"
                           "  tcall math.sqrt/1\n");
  LoadError err;
  Module* m = load_module_file(vm_, main, err);
  ASSERT_TRUE(m) << err.message;
  const Insn* code = m->find(vm_.atom("go"), 2)->code;
  const FunctionInfo* sqrt = vm_.find_module(vm_.atom("math"))->find(vm_.atom("sqrt"), 1);
  EXPECT_EQ(code[0].op, IOp::bif_sqrt);
  EXPECT_EQ(code[0].b, operand(kOperandX, 1));
  EXPECT_EQ(code[0].u.fn, sqrt);
  EXPECT_EQ(code[1].op, IOp::bif_sqrt);  // the call's argument is x0, its destination stays
  EXPECT_EQ(code[1].a, operand(kOperandY, 0));
  EXPECT_EQ(code[1].b, operand(kOperandX, 0));
  EXPECT_EQ(code[1].u.fn, sqrt);
  EXPECT_EQ(code[3].op, IOp::call_native);  // the native by its own name: a call as written
  EXPECT_EQ(code[4].op, IOp::call_native);  // another built-in: a call as before
  EXPECT_EQ(code[5].op, IOp::tcall_native);
  EXPECT_EQ(run(m, "go", {make_int(16), make_int(81)}), "0.9535708819095106");  // sqrt(sin(sqrt(sqrt(16))))
}

}  // namespace
}  // namespace lzr
