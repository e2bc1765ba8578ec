// Natives as Lazer code calls them: results, raised errors (and the builders
// that raise), argc checks, and allocation-heavy natives under GC.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "api_test_util.h"

namespace lzr_test {
namespace {

// h.fail(:what): builds or raises according to `what`.
lzr_term fail_with(lzr_env* env, const lzr_term* argv, unsigned argc) {
  lzr_term what = argv[0];
  if (lzr_atom_is(env, what, "bad_decimal")) return lzr_int_from_decimal(env, "1e5", 3);
  if (lzr_atom_is(env, what, "huge_int")) {  // 2^(2^26): one bit past the limit
    std::vector<unsigned char> bytes((size_t{1} << 23) + 1, 0);
    bytes.back() = 1;
    return lzr_int_from_bytes(env, 0, bytes.data(), bytes.size());
  }
  if (lzr_atom_is(env, what, "nan")) return lzr_float(env, NAN);
  if (lzr_atom_is(env, what, "long_atom")) return lzr_atom(env, std::string(300, 'x').c_str());
  if (lzr_atom_is(env, what, "badmap")) return lzr_map_put(env, lzr_int(env, 7), what, what);
  if (lzr_atom_is(env, what, "nested")) {
    const lzr_term items[] = {what, lzr_tuple2(env, what, lzr_int_from_decimal(env, "0x10", 4))};
    return lzr_list(env, items, 2);
  }
  if (lzr_atom_is(env, what, "atom")) return lzr_raise_atom(env, "custom");
  if (lzr_atom_is(env, what, "term")) return lzr_raise(env, lzr_tuple2(env, what, lzr_string(env, "why")));
  if (lzr_atom_is(env, what, "tagged")) return lzr_raise_tagged(env, "badkey", lzr_int(env, 5));
  if (lzr_atom_is(env, what, "reraise")) return lzr_raise(env, lzr_raise_atom(env, "inner"));
  if (lzr_atom_is(env, what, "badarity")) return lzr_raise_badarity(env, argv, argc);
  return what;
}

// h.one(x) listed as one/1 and one/2: checks argc as natives should.
lzr_term one(lzr_env* env, const lzr_term* argv, unsigned argc) {
  if (argc != 1) return lzr_raise_badarity(env, argv, argc);
  return lzr_tuple2(env, lzr_atom(env, "one"), argv[0]);
}

// h.argc(...) listed as argc/0 and argc/3.
lzr_term count(lzr_env* env, const lzr_term*, unsigned argc) { return lzr_int(env, argc); }

// h.stats(map) -> {size, sum of integer values} via lzr_map_iterate.
int add_value(lzr_env* env, lzr_term, lzr_term value, void* data) {
  int64_t v = 0;
  if (lzr_get_int64(env, value, &v)) *static_cast<int64_t*>(data) += v;
  return 0;
}
lzr_term map_stats(lzr_env* env, const lzr_term* argv, unsigned) {
  size_t size = 0;
  int64_t sum = 0;
  if (!lzr_get_map_size(env, argv[0], &size)) return lzr_raise_tagged(env, "badmap", argv[0]);
  lzr_map_iterate(env, argv[0], add_value, &sum);
  return lzr_tuple2(env, lzr_int(env, static_cast<int64_t>(size)), lzr_int(env, sum));
}

// h.churn(n): allocates n cons cells of garbage while holding a first term,
// then returns {first, list of the last 3 cells}.
lzr_term churn(lzr_env* env, const lzr_term* argv, unsigned) {
  int64_t n = 0;
  lzr_get_int64(env, argv[0], &n);
  lzr_term first = lzr_string(env, "kept");
  lzr_term list = lzr_nil(env);
  for (int64_t i = 0; i < n; ++i) list = lzr_cons(env, lzr_int(env, i), i % 1000 == 0 ? lzr_nil(env) : list);
  return lzr_tuple2(env, first, list);
}

// h.churn_then_raise(n): allocates like churn (so a collection is due when
// it returns), then raises {:churned, the last cells}.
lzr_term churn_then_raise(lzr_env* env, const lzr_term* argv, unsigned argc) {
  lzr_term built = churn(env, argv, argc);
  return lzr_raise(env, lzr_tuple2(env, lzr_atom(env, "churned"), built));
}

const lzr_native_def kHostNatives[] = {
    {"fail", 1, fail_with}, {"one", 1, one},           {"one", 2, one},      {"argc", 0, count},
    {"argc", 3, count},     {"stats", 1, map_stats},   {"churn", 1, churn},  {"churn_then_raise", 1, churn_then_raise},
};

struct Natives : VmFixture {
  void SetUp() override {
    VmFixture::SetUp();
    ASSERT_EQ(lzr_vm_define_module(vm, "h", kHostNatives, std::size(kHostNatives)), LZR_OK) << lzr_vm_message(vm);
    load_source(
        "module s\n"
        "func fail/1\n  call x0, outer/1\n  ret x0\n"
        "func outer/1\n  call x0, inner/1\n  ret x0\n"
        "func inner/1\n  call x0, h.fail/1\n  ret x0\n"
        "func churn/1\n  call x0, h.churn/1\n  tuple x1, {x0, x0}\n  ret x1\n"
        // catching/1: h.churn_then_raise(n) two calls down, inside a try: {class, reason}
        "func catching/1 frame=1\n  try y0, h\n  call x0, inner_churn/1\n  tryend y0\n  ret x0\n"
        "h:\n  tuple x0, {x0, x1}\n  ret x0\n"
        "func inner_churn/1\n  call x0, h.churn_then_raise/1\n  ret x0\n");
  }
  std::string fail(const char* what) { return call_error("s", "fail", {lzr_atom(env, what)}); }
};

TEST_F(Natives, RaisesFromBuildersAndRaiseCalls) {
  EXPECT_EQ(fail("bad_decimal"), ":badarg");
  EXPECT_EQ(fail("huge_int"), ":system_limit");
  EXPECT_EQ(fail("nan"), ":badarith");
  EXPECT_EQ(fail("long_atom"), ":system_limit");
  EXPECT_EQ(fail("badmap"), "{:badmap, 7}");
  EXPECT_EQ(fail("nested"), ":badarg") << "a raised element travels through the builders";
  EXPECT_EQ(fail("atom"), ":custom");
  EXPECT_EQ(fail("term"), "{:term, \"why\"}");
  EXPECT_EQ(fail("tagged"), "{:badkey, 5}");
  EXPECT_EQ(fail("reraise"), ":inner") << "raising LZR_RAISED keeps the first error";
  EXPECT_EQ(fail("badarity"), "{:badarity, [:badarity]}");
  EXPECT_EQ(text(call_ok("s", "fail", {lzr_atom(env, "fine")})), ":fine");
}

TEST_F(Natives, ErrorCarriesTheBytecodeStack) {
  fail("atom");
  std::string trace = lzr_vm_stack_trace(vm);
  // Innermost first: the call site of the native, then the pending calls.
  EXPECT_EQ(trace.find("s.inner/1 ("), 0u) << trace;
  EXPECT_NE(trace.find("\ns.outer/1 ("), std::string::npos) << trace;
  EXPECT_NE(trace.find("\ns.fail/1 ("), std::string::npos) << trace;
  EXPECT_EQ(std::count(trace.begin(), trace.end(), '\n'), 3) << trace;
  call_ok("s", "fail", {lzr_atom(env, "fine")});
  EXPECT_STREQ(lzr_vm_stack_trace(vm), "") << "cleared by a success";
  EXPECT_STREQ(lzr_vm_message(vm), "");
}

TEST_F(Natives, ArityChecks) {
  EXPECT_EQ(text(call_ok("h", "one", {lzr_int(env, 1)})), "{:one, 1}");
  EXPECT_EQ(call_error("h", "one", {lzr_int(env, 1), lzr_int(env, 2)}), "{:badarity, [1, 2]}");
  EXPECT_EQ(text(call_ok("h", "argc")), "0");
  lzr_term x = lzr_nil(env);
  EXPECT_EQ(text(call_ok("h", "argc", {x, x, x})), "3");
  lzr_term r = 0;
  EXPECT_EQ(lzr_vm_call(vm, "h", "argc", &x, 1, &r), LZR_UNDEFINED);
  EXPECT_STREQ(lzr_vm_message(vm), "undefined function h.argc/1");
  // A script calling an arity the module does not list fails to load.
  const std::string src = "module bad\nfunc f/0\n  loadi x0, 1\n  loadi x1, 2\n  call x0, h.argc/2\n  ret x0\n";
  EXPECT_EQ(lzr_vm_load_source(vm, src.data(), src.size(), "bad.lzs"), LZR_LOAD_ERROR);
  EXPECT_STREQ(lzr_vm_message(vm), "bad.lzs: word 2: call to undefined function h.argc/2");
}

TEST_F(Natives, MapIterationInsideANative) {
  lzr_term m = lzr_map_new(env);
  for (int i = 1; i <= 100; ++i) m = lzr_map_put(env, m, lzr_int(env, i), lzr_int(env, i));
  EXPECT_EQ(text(call_ok("h", "stats", {m})), "{100, 5050}");
  EXPECT_EQ(call_error("h", "stats", {lzr_int(env, 3)}), "{:badmap, 3}");
}

TEST_F(Natives, ResultSurvivesCollectionsAfterTheNative) {
  for (int stress = 0; stress <= 1; ++stress) {
    lzr_vm_set_gc_stress(vm, stress);
    lzr_term r = call_ok("s", "churn", {lzr_int(env, 200000)});
    // {{"kept", list}, {"kept", list}}: the list is the last 1000 cells 199999..199000.
    EXPECT_EQ(text(r).substr(0, 22), "{{\"kept\", [199999, 199") << "stress " << stress;
    const lzr_term* outer;
    size_t n;
    ASSERT_TRUE(lzr_get_tuple(env, r, &outer, &n));
    const lzr_term* inner;
    ASSERT_TRUE(lzr_get_tuple(env, outer[0], &inner, &n));
    size_t len = 0;
    ASSERT_TRUE(lzr_get_list_length(env, inner[1], &len));
    EXPECT_EQ(len, 1000u);
    EXPECT_EQ(outer[0], outer[1]) << "sharing is kept by the copying collector";
  }
}

TEST_F(Natives, ErrorsRaisedByNativesAreCaught) {
  // The native allocated enough for a collection to be due when it raised:
  // the unwinder collects with class, reason and trace live, and the
  // reason arrives whole, normally and under GC stress.
  for (int stress = 0; stress <= 1; ++stress) {
    lzr_vm_set_gc_stress(vm, stress);
    lzr_term r = call_ok("s", "catching", {lzr_int(env, stress ? 20000 : 200000)});
    const std::string want = stress ? "{:error, {:churned, {\"kept\", [19999, 19998" : "{:error, {:churned, {\"kept\", [199999, 199998";
    EXPECT_EQ(text(r).substr(0, want.size()), want) << "stress " << stress;
  }
}

}  // namespace
}  // namespace lzr_test
