// Embedding: creating VMs, loading modules every way, calling, and every
// failure status with its message.
#include <cstring>
#include <string>

#include "api_test_util.h"
#include "asm/assembler.h"
#include "format/module_file.h"

namespace lzr_test {
namespace {

const char* kAdder =
    "module adder\n"
    "func add/2\n  add x0, x0, x1\n  ret x0\n"
    "func pair/2\n  tuple x0, {x0, x1}\n  ret x0\n";

std::string assembled_image(const char* source) {
  std::string why;
  auto m = lzr::assemble(source, "adder.lzs", why);
  if (!m) throw std::runtime_error(why);
  std::vector<uint8_t> bytes = lzr::write_module(*m);
  return std::string(bytes.begin(), bytes.end());
}

using Embed = VmFixture;

TEST_F(Embed, RoundTripFromSource) {
  load_source(kAdder, "adder.lzs");
  lzr_term args[] = {lzr_int(env, 40), lzr_int(env, 2)};
  lzr_term r = 0;
  ASSERT_EQ(lzr_vm_call(vm, "adder", "add", args, 2, &r), LZR_OK) << lzr_vm_message(vm);
  int64_t v = 0;
  ASSERT_TRUE(lzr_get_int64(env, r, &v));
  EXPECT_EQ(v, 42);
  EXPECT_STREQ(lzr_vm_message(vm), "");
}

TEST_F(Embed, LoadFromFilesAndImages) {
  TempDir dir;
  write_text(dir.file("adder.lzs"), kAdder);
  ASSERT_EQ(lzr_vm_load_file(vm, dir.file("adder.lzs").c_str()), LZR_OK) << lzr_vm_message(vm);

  lzr_vm* other = lzr_vm_new();
  const std::string image = assembled_image(kAdder);
  write_text(dir.file("adder.lzr"), image);
  ASSERT_EQ(lzr_vm_load_file(other, dir.file("adder.lzr").c_str()), LZR_OK) << lzr_vm_message(other);
  lzr_vm_free(other);

  other = lzr_vm_new();
  ASSERT_EQ(lzr_vm_load_image(other, image.data(), image.size(), "mem/adder.lzr"), LZR_OK) << lzr_vm_message(other);
  lzr_term args[] = {lzr_int(lzr_vm_env(other), 1), lzr_int(lzr_vm_env(other), 2)};
  lzr_term r = 0;
  ASSERT_EQ(lzr_vm_call(other, "adder", "pair", args, 2, &r), LZR_OK);
  char buf[32];
  lzr_to_text(lzr_vm_env(other), r, buf, sizeof buf);
  EXPECT_STREQ(buf, "{1, 2}");
  lzr_vm_free(other);
}

TEST_F(Embed, LoadsOnDemandFromTheSearchPath) {
  TempDir empty, dir;
  write_text(dir.file("adder.lzs"), kAdder);
  lzr_vm_add_path(vm, empty.path.c_str());
  lzr_vm_add_path(vm, dir.path.c_str());
  lzr_term args[] = {lzr_int(env, 1), lzr_int(env, 2)};
  EXPECT_EQ(text(call_ok("adder", "add", {args[0], args[1]})), "3");
  lzr_term r = 0;
  ASSERT_EQ(lzr_vm_call(vm, "nosuch", "f", nullptr, 0, &r), LZR_LOAD_ERROR);
  EXPECT_EQ(std::string(lzr_vm_message(vm)),
            "module nosuch not found (searched " + empty.path.string() + ":" + dir.path.string() + ")");
}

TEST_F(Embed, LoadErrorsAreOneLine) {
  const char bad_image[] = "LZR\x07";
  ASSERT_EQ(lzr_vm_load_image(vm, bad_image, 4, "bad.lzr"), LZR_LOAD_ERROR);
  std::string bad = lzr_vm_message(vm);
  EXPECT_EQ(bad.rfind("bad.lzr: byte 3: ", 0), 0u) << bad;
  EXPECT_EQ(bad.find('\n'), std::string::npos) << bad;
  const std::string src = "module m\nfunc f/0\n  bogus x0\n";
  ASSERT_EQ(lzr_vm_load_source(vm, src.data(), src.size(), "m.lzs"), LZR_LOAD_ERROR);
  std::string msg = lzr_vm_message(vm);
  EXPECT_EQ(msg.rfind("m.lzs:3:", 0), 0u) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  ASSERT_EQ(lzr_vm_load_file(vm, "/no/such/file.lzr"), LZR_LOAD_ERROR);
  EXPECT_STREQ(lzr_vm_message(vm), "/no/such/file.lzr: cannot read: No such file or directory");
  ASSERT_EQ(lzr_vm_load_image(vm, nullptr, 0, nullptr), LZR_LOAD_ERROR);
  EXPECT_EQ(std::string(lzr_vm_message(vm)).rfind("<memory>: byte 0: ", 0), 0u) << lzr_vm_message(vm);
}

TEST_F(Embed, ErrorsWithTermTextAndTrace) {
  load_source("module m\nfunc f/1\n  call x0, g/1\n  ret x0\nfunc g/1\n  loadi x1, 0\n  div x0, x0, x1\n  ret x0\n");
  lzr_term arg = lzr_int(env, 1), r = 0;
  ASSERT_EQ(lzr_vm_call(vm, "m", "f", &arg, 1, &r), LZR_ERROR);
  EXPECT_EQ(text(r), ":badarith");
  EXPECT_STREQ(lzr_vm_message(vm), ":badarith");
  EXPECT_STREQ(lzr_vm_stack_trace(vm), "m.g/1 (test.lzs:7)\nm.f/1 (test.lzs:3)\n");
  EXPECT_STREQ(lzr_vm_error_class(vm), "error");
  // The VM stays usable after an error.
  lzr_term two = lzr_int(env, 2);
  ASSERT_EQ(lzr_vm_call(vm, "m", "f", &two, 1, &r), LZR_ERROR);
  load_source(kAdder);
  EXPECT_EQ(text(call_ok("adder", "add", {two, two})), "4");
}

TEST_F(Embed, ThrowsAndExitsSayTheirClass) {
  load_source("module c\nfunc t/1\n  call x0, kernel.throw/1\n  ret x0\nfunc e/1\n  call x0, kernel.exit/1\n  ret x0\n"
              "func caught/1 frame=1\n  try y0, h\n  call x0, kernel.exit/1\n  tryend y0\n  ret x0\nh:\n  ret x1\n");
  lzr_term arg = lzr_atom(env, "ball"), r = 0;
  ASSERT_EQ(lzr_vm_call(vm, "c", "t", &arg, 1, &r), LZR_ERROR);
  EXPECT_EQ(text(r), ":ball");
  EXPECT_STREQ(lzr_vm_message(vm), "throw: :ball");
  EXPECT_STREQ(lzr_vm_error_class(vm), "throw");
  EXPECT_STREQ(lzr_vm_stack_trace(vm), "c.t/1 (test.lzs:3)\n");
  ASSERT_EQ(lzr_vm_call(vm, "c", "e", &arg, 1, &r), LZR_ERROR);
  EXPECT_STREQ(lzr_vm_message(vm), "exit: :ball");
  EXPECT_STREQ(lzr_vm_error_class(vm), "exit");
  // Caught inside the call: a plain success.
  ASSERT_EQ(lzr_vm_call(vm, "c", "caught", &arg, 1, &r), LZR_OK);
  EXPECT_EQ(text(r), ":ball");
  EXPECT_STREQ(lzr_vm_error_class(vm), "");
  EXPECT_STREQ(lzr_vm_error_class(nullptr), "");
}

TEST_F(Embed, UndefinedAndBadCalls) {
  load_source(kAdder);
  lzr_term x = lzr_int(env, 1), r = 12345;
  EXPECT_EQ(lzr_vm_call(vm, "adder", "add", &x, 1, &r), LZR_UNDEFINED);
  EXPECT_STREQ(lzr_vm_message(vm), "undefined function adder.add/1");
  EXPECT_EQ(lzr_vm_call(vm, "adder", "never_interned_name", &x, 1, &r), LZR_UNDEFINED);
  EXPECT_EQ(lzr_vm_call(vm, nullptr, "add", &x, 1, &r), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_call(vm, "adder", nullptr, &x, 1, &r), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_call(vm, "adder", "add", nullptr, 2, &r), LZR_BAD_CALL);
  lzr_term many[33] = {};
  EXPECT_EQ(lzr_vm_call(vm, "adder", "add", many, 33, &r), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_call adder.add/33: more than 32 arguments");
  lzr_term raised[] = {x, lzr_int_from_decimal(env, "--1", 3)};
  EXPECT_EQ(lzr_vm_call(vm, "adder", "add", raised, 2, &r), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm),
               "lzr_vm_call adder.add/2: argument 2 is LZR_RAISED (building it failed: :badarg)");
  EXPECT_EQ(r, 12345u) << "untouched by failures other than LZR_ERROR";
  EXPECT_EQ(lzr_vm_call(nullptr, "adder", "add", &x, 1, &r), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_env(nullptr), nullptr);
  EXPECT_STREQ(lzr_vm_message(nullptr), "");
  lzr_vm_free(nullptr);  // allowed, like free(NULL)
}

TEST_F(Embed, ClosuresNeedApplyNotCall) {
  load_source("module c\nfunc adder/1 upvals=1\n  add x0, x0, u0\n  ret x0\nfunc mk/0\n  ret y0\n");
  lzr_term x = lzr_int(env, 1), r = 0;
  EXPECT_EQ(lzr_vm_call(vm, "c", "adder", &x, 1, &r), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_call c.adder/1: the function needs a closure (upvals > 0)");
}

// A host native that tries to call back into the VM that runs it.
lzr_vm* g_reentrant_vm = nullptr;
lzr_term reenter(lzr_env* env, const lzr_term*, unsigned) {
  lzr_term r = 0;
  return lzr_int(env, lzr_vm_call(g_reentrant_vm, "h", "reenter", nullptr, 0, &r));
}

TEST_F(Embed, NativesCannotReenterTheirVm) {
  const lzr_native_def defs[] = {{"reenter", 0, reenter}};
  ASSERT_EQ(lzr_vm_define_module(vm, "h", defs, 1), LZR_OK);
  g_reentrant_vm = vm;
  EXPECT_EQ(text(call_ok("h", "reenter")), std::to_string(LZR_BAD_CALL));
}

TEST_F(Embed, DefineModuleChecksItsInput) {
  auto fn = [](lzr_env* env, const lzr_term*, unsigned) { return lzr_nil(env); };
  const lzr_native_def ok[] = {{"f", 0, fn}, {"f", 1, fn}};
  ASSERT_EQ(lzr_vm_define_module(vm, "host", ok, 2), LZR_OK) << lzr_vm_message(vm);
  EXPECT_EQ(lzr_vm_define_module(vm, "host", ok, 2), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_define_module host: a module with this name is already loaded");
  EXPECT_EQ(lzr_vm_define_module(vm, "io", ok, 2), LZR_BAD_CALL) << "built-ins are modules too";
  const lzr_native_def dup[] = {{"f", 0, fn}, {"f", 0, fn}};
  EXPECT_EQ(lzr_vm_define_module(vm, "h2", dup, 2), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_define_module h2: function 1: f/0 is defined twice");
  const lzr_native_def dotted[] = {{"a.b", 0, fn}};
  EXPECT_EQ(lzr_vm_define_module(vm, "h2", dotted, 1), LZR_BAD_CALL);
  const lzr_native_def wide[] = {{"f", 33, fn}};
  EXPECT_EQ(lzr_vm_define_module(vm, "h2", wide, 1), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_define_module h2: function 0 (f): arity 33 is above 32");
  const lzr_native_def null_fn[] = {{"f", 0, nullptr}};
  EXPECT_EQ(lzr_vm_define_module(vm, "h2", null_fn, 1), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_define_module(vm, "", ok, 2), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_define_module(vm, "h2", nullptr, 1), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_define_module(vm, "h2", nullptr, 0), LZR_OK) << "an empty module is fine";
}

// Names become atoms, so they follow the loader's atom rules; messages
// escape them.
TEST_F(Embed, DefineModuleNamesFollowTheAtomRules) {
  auto fn = [](lzr_env* env, const lzr_term*, unsigned) { return lzr_nil(env); };
  const lzr_native_def ok[] = {{"f", 0, fn}};
  EXPECT_EQ(lzr_vm_define_module(vm, "bad\xFF", ok, 1), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_define_module bad\\xFF: the name is not valid UTF-8");
  EXPECT_EQ(lzr_vm_define_module(vm, std::string(256, 'm').c_str(), ok, 1), LZR_BAD_CALL);
  const lzr_native_def surrogate[] = {{"\xED\xA0\x80", 0, fn}};
  EXPECT_EQ(lzr_vm_define_module(vm, "h", surrogate, 1), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_define_module h: function 0 (\\xED\\xA0\\x80): the name is not valid UTF-8");
  const lzr_native_def twice[] = {{"a\nlzr: error: forged", 0, fn}, {"a\nlzr: error: forged", 0, fn}};
  EXPECT_EQ(lzr_vm_define_module(vm, "h\nx", twice, 2), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_define_module h\\nx: function 1: a\\nlzr: error: forged/0 is defined twice");
  EXPECT_EQ(lzr_vm_define_module(vm, "caf\xC3\xA9", ok, 1), LZR_OK) << lzr_vm_message(vm);
}

TEST_F(Embed, Engines) {
  load_source(kAdder);
  for (const std::string& e : engines()) {
    ASSERT_EQ(lzr_vm_set_engine(vm, e.c_str()), LZR_OK);
    lzr_term one = lzr_int(env, 1);
    EXPECT_EQ(text(call_ok("adder", "add", {one, one})), "2") << e;
  }
  EXPECT_EQ(lzr_vm_set_engine(vm, "c"), LZR_OK) << "c is the portable engine's other name";
  EXPECT_EQ(lzr_vm_set_engine(vm, "bogus"), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "unknown engine 'bogus' (use asm or portable)");
  EXPECT_EQ(lzr_vm_set_engine(vm, nullptr), LZR_BAD_CALL);
}

TEST_F(Embed, ResultsPassedBackAsArgumentsSurviveCollections) {
  load_source(kAdder);
  lzr_vm_set_gc_stress(vm, 1);
  lzr_term acc = lzr_nil(env);
  for (int i = 0; i < 200; ++i) {
    lzr_term args[] = {lzr_string(env, std::to_string(i).c_str()), acc};
    acc = call_ok("adder", "pair", {args[0], args[1]});
  }
  std::string t = text(acc);
  EXPECT_EQ(t.substr(0, 12), "{\"199\", {\"19") << t.substr(0, 40);
  int depth = 0;
  const lzr_term* elems;
  size_t n;
  for (lzr_term cur = acc; lzr_get_tuple(env, cur, &elems, &n); cur = elems[1]) ++depth;
  EXPECT_EQ(depth, 200);
}

TEST_F(Embed, ManyVmsAreIndependent) {
  lzr_vm* a = lzr_vm_new();
  lzr_vm* b = lzr_vm_new();
  const std::string src = kAdder;
  ASSERT_EQ(lzr_vm_load_source(a, src.data(), src.size(), "adder.lzs"), LZR_OK);
  lzr_term x = lzr_int(lzr_vm_env(b), 1), r = 0;
  lzr_term args[] = {x, x};
  EXPECT_EQ(lzr_vm_call(b, "adder", "add", args, 2, &r), LZR_LOAD_ERROR) << "b never loaded adder";
  EXPECT_EQ(lzr_vm_call(a, "adder", "add", args, 2, &r), LZR_OK);
  lzr_vm_free(b);
  lzr_vm_free(a);
}

// stdlib (issue 15, point 4): lzr_vm_call of a built-in module's function
// that no native has loads the module's library file from the search path,
// as a call in a module does (docs/builtins.md, "Where a call goes").
TEST_F(Embed, CallsABuiltinModulesLibraryFunctionFromTheSearchPath) {
  lzr_term r = 0;
  ASSERT_EQ(lzr_vm_call(vm, "tuple", "answer", nullptr, 0, &r), LZR_UNDEFINED);
  EXPECT_STREQ(lzr_vm_message(vm), "undefined function tuple.answer/0");
  TempDir dir;
  write_text(dir.file("tuple.lzs"), "module tuple\nfunc answer/0\n  loadi x0, 42\n  ret x0\n");
  lzr_vm_add_path(vm, dir.path.c_str());
  EXPECT_EQ(text(call_ok("tuple", "answer", {})), "42");
  const lzr_term list = call_ok("list", "seq", {lzr_int(env, 1), lzr_int(env, 2)});
  EXPECT_EQ(text(call_ok("tuple", "from_list", {list})), "{1, 2}");  // the natives stay
}

// Processes through the C API: a native sends to the running process with
// lzr_self/lzr_send, the Lazer code receives it; pids through lzr_type_of.
TEST_F(Embed, NativesSendMessages) {
  auto tell = [](lzr_env* env, const lzr_term* argv, unsigned) {
    const lzr_term self = lzr_self(env);
    if (!lzr_is_pid(env, self) || lzr_type_of(env, self) != LZR_TYPE_PID) return lzr_raise_atom(env, "not_a_pid");
    return lzr_send(env, self, argv[0]);
  };
  auto send_to = [](lzr_env* env, const lzr_term* argv, unsigned) { return lzr_send(env, argv[0], argv[1]); };
  const lzr_native_def defs[] = {{"tell", 1, tell}, {"send_to", 2, send_to}};
  ASSERT_EQ(lzr_vm_define_module(vm, "host", defs, 2), LZR_OK) << lzr_vm_message(vm);
  load_source(R"(module mailer
func roundtrip/1
  call x0, host.tell/1
loop:
  recv x0, none
  accept
  ret x0
none:
  loadi x1, 0
  wait x1, loop
  loadc x0, :nothing
  ret x0
)");
  for (const std::string& e : engines()) {
    ASSERT_EQ(lzr_vm_set_engine(vm, e.c_str()), LZR_OK);
    const lzr_term msg = lzr_tuple2(env, lzr_atom(env, "hi"), lzr_int(env, 7));
    EXPECT_EQ(text(call_ok("mailer", "roundtrip", {msg})), "{:hi, 7}") << e;
  }
  // A name nobody registered raises {:badarg, name}; a term that is no pid
  // or atom too.
  const lzr_term to_name[] = {lzr_atom(env, "nobody"), lzr_int(env, 1)};
  EXPECT_EQ(lzr_vm_call(vm, "host", "send_to", to_name, 2, nullptr), LZR_ERROR);
  EXPECT_STREQ(lzr_vm_message(vm), "{:badarg, :nobody}");
  const lzr_term to_int[] = {lzr_int(env, 3), lzr_int(env, 1)};
  EXPECT_EQ(lzr_vm_call(vm, "host", "send_to", to_int, 2, nullptr), LZR_ERROR);
  EXPECT_STREQ(lzr_vm_message(vm), "{:badarg, 3}");
}

}  // namespace
}  // namespace lzr_test
