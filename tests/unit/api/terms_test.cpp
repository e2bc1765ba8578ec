// Every term function of the C API, through the env of an embedded VM (the
// same functions a native calls).
#include <pthread.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "api_test_util.h"

namespace lzr_test {
namespace {

struct Terms : VmFixture {
  // What building `t` raised: lzr_vm_call names the error of an argument
  // that is LZR_RAISED.
  std::string raised(lzr_term t) {
    EXPECT_EQ(t, LZR_RAISED);
    lzr_term r = 0;
    EXPECT_EQ(lzr_vm_call(vm, "kernel", "is_integer", &t, 1, &r), LZR_BAD_CALL);
    const std::string m = lzr_vm_message(vm);
    const std::string mark = "(building it failed: ";
    const size_t at = m.find(mark);
    return at == std::string::npos ? "(not raised: " + m + ")" : m.substr(at + mark.size(), m.size() - at - mark.size() - 1);
  }
};

TEST_F(Terms, TypeOfEveryKind) {
  load_source("module f\nfunc id/1\n  ret x0\nfunc make/0\n  fn x0, id/1\n  ret x0\n");
  lzr_term fun = call_ok("f", "make");
  EXPECT_EQ(lzr_type_of(env, lzr_int(env, 1)), LZR_TYPE_INTEGER);
  EXPECT_EQ(lzr_type_of(env, lzr_float(env, 1.5)), LZR_TYPE_FLOAT);
  EXPECT_EQ(lzr_type_of(env, lzr_atom(env, "ok")), LZR_TYPE_ATOM);
  EXPECT_EQ(lzr_type_of(env, fun), LZR_TYPE_FUNCTION);
  EXPECT_EQ(lzr_type_of(env, lzr_tuple(env, nullptr, 0)), LZR_TYPE_TUPLE);
  EXPECT_EQ(lzr_type_of(env, lzr_map_new(env)), LZR_TYPE_MAP);
  EXPECT_EQ(lzr_type_of(env, lzr_nil(env)), LZR_TYPE_LIST);
  EXPECT_EQ(lzr_type_of(env, lzr_cons(env, lzr_nil(env), lzr_nil(env))), LZR_TYPE_LIST);
  EXPECT_EQ(lzr_type_of(env, lzr_string(env, "x")), LZR_TYPE_BINARY);
  EXPECT_EQ(lzr_type_of(env, LZR_RAISED), LZR_TYPE_NONE);
  EXPECT_EQ(text(fun), "#Function<f.id/1>");
}

TEST_F(Terms, Predicates) {
  lzr_term i = lzr_int(env, 3), f = lzr_float(env, 2.5), a = lzr_atom(env, "a"), nil = lzr_nil(env);
  lzr_term cell = lzr_cons(env, i, nil), t = lzr_tuple2(env, i, f), m = lzr_map_new(env), b = lzr_string(env, "b");
  struct Case {
    int (*pred)(lzr_env*, lzr_term);
    std::vector<lzr_term> yes;
  };
  const std::vector<lzr_term> all = {i, f, a, nil, cell, t, m, b, LZR_RAISED};
  const Case cases[] = {{lzr_is_integer, {i}}, {lzr_is_float, {f}},   {lzr_is_number, {i, f}},
                        {lzr_is_atom, {a}},    {lzr_is_list, {nil, cell}}, {lzr_is_nil, {nil}},
                        {lzr_is_cons, {cell}}, {lzr_is_tuple, {t}},   {lzr_is_map, {m}},
                        {lzr_is_binary, {b}},  {lzr_is_function, {}}};
  for (const Case& c : cases) {
    for (lzr_term x : all) {
      bool expected = std::find(c.yes.begin(), c.yes.end(), x) != c.yes.end();
      EXPECT_EQ(c.pred(env, x), expected ? 1 : 0) << text(x);
    }
  }
}

TEST_F(Terms, Integers) {
  int64_t v = 0;
  lzr_term max = lzr_int(env, LZR_INT_MAX), min = lzr_int(env, LZR_INT_MIN);
  ASSERT_TRUE(lzr_get_int64(env, max, &v));
  EXPECT_EQ(v, LZR_INT_MAX);
  ASSERT_TRUE(lzr_get_int64(env, min, &v));
  EXPECT_EQ(v, LZR_INT_MIN);
  EXPECT_EQ(text(lzr_int(env, -7)), "-7");
  // Beyond the small range lzr_int makes big integers; every int64 reads back.
  for (int64_t big : {LZR_INT_MAX + 1, LZR_INT_MIN - 1, INT64_MAX, INT64_MIN}) {
    const lzr_term t = lzr_int(env, big);
    ASSERT_NE(t, LZR_RAISED);
    EXPECT_TRUE(lzr_is_integer(env, t));
    EXPECT_TRUE(lzr_is_number(env, t));
    EXPECT_EQ(lzr_type_of(env, t), LZR_TYPE_INTEGER);
    ASSERT_TRUE(lzr_get_int64(env, t, &v));
    EXPECT_EQ(v, big);
    EXPECT_EQ(text(t), std::to_string(big));
  }
  EXPECT_EQ(lzr_compare(env, lzr_int(env, INT64_MAX), lzr_int(env, INT64_MAX)), 0);
  EXPECT_EQ(lzr_compare(env, lzr_int(env, INT64_MIN), lzr_int(env, LZR_INT_MIN)), -1);
  EXPECT_FALSE(lzr_get_int64(env, lzr_float(env, 1.0), &v));
  EXPECT_FALSE(lzr_get_int64(env, LZR_RAISED, &v));

  int small = 0;
  ASSERT_TRUE(lzr_get_int(env, lzr_int(env, -2147483648LL), &small));
  EXPECT_EQ(small, -2147483647 - 1);
  small = 5;
  EXPECT_FALSE(lzr_get_int(env, lzr_int(env, 2147483648LL), &small)) << "does not fit an int";
  EXPECT_EQ(small, 5) << "left untouched";
  EXPECT_FALSE(lzr_get_int(env, lzr_atom(env, "x"), &small));
  EXPECT_FALSE(lzr_get_int(env, lzr_int(env, INT64_MAX), &small));
}

TEST_F(Terms, IntegersOfAnySize) {
  // 2^64 and -(2^128 - 1): beyond int64, so lzr_get_int64 says no.
  const char* two64 = "18446744073709551616";
  lzr_term big = lzr_int_from_decimal(env, two64, std::strlen(two64));
  EXPECT_EQ(text(big), two64);
  int64_t v = 7;
  EXPECT_FALSE(lzr_get_int64(env, big, &v));
  EXPECT_EQ(v, 7) << "left untouched";
  EXPECT_TRUE(lzr_is_integer(env, big));
  double d = 0;
  ASSERT_TRUE(lzr_get_number(env, big, &d));
  EXPECT_EQ(d, 18446744073709551616.0);

  // Bytes: the magnitude, least significant first.
  int negative = -1;
  size_t len = 0;
  unsigned char buf[32] = {};
  ASSERT_TRUE(lzr_get_int_bytes(env, big, &negative, buf, sizeof buf, &len));
  EXPECT_EQ(negative, 0);
  ASSERT_EQ(len, 9u);
  EXPECT_EQ(buf[8], 1);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(buf[i], 0) << i;
  EXPECT_FALSE(lzr_get_int_bytes(env, big, nullptr, buf, 8, &len)) << "8 bytes cannot hold 2^64";
  EXPECT_EQ(len, 9u) << "the length needed is still reported";
  ASSERT_TRUE(lzr_get_int_bytes(env, big, nullptr, nullptr, 0, &len));
  EXPECT_EQ(len, 9u);

  unsigned char ones[16];
  std::memset(ones, 0xFF, sizeof ones);
  lzr_term m = lzr_int_from_bytes(env, 1, ones, sizeof ones);
  EXPECT_EQ(text(m), "-340282366920938463463374607431768211455");
  ASSERT_TRUE(lzr_get_int_bytes(env, m, &negative, buf, sizeof buf, &len));
  EXPECT_EQ(negative, 1);
  EXPECT_EQ(len, 16u);
  // Canonical: small values come back small, high zero bytes are ignored.
  const unsigned char five[] = {5, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  lzr_term f = lzr_int_from_bytes(env, 1, five, sizeof five);
  ASSERT_TRUE(lzr_get_int64(env, f, &v));
  EXPECT_EQ(v, -5);
  EXPECT_EQ(f, lzr_int(env, -5)) << "a small integer, word for word";
  EXPECT_EQ(lzr_int_from_bytes(env, 0, nullptr, 0), lzr_int(env, 0));
  ASSERT_TRUE(lzr_get_int_bytes(env, lzr_int(env, 0), &negative, buf, 0, &len));
  EXPECT_EQ(len, 0u);
  EXPECT_EQ(lzr_compare(env, lzr_int_from_decimal(env, "-18446744073709551616", 21), lzr_int(env, INT64_MIN)), -1);

  // Decimal text back, snprintf-style.
  char out[64];
  ASSERT_TRUE(lzr_get_int_decimal(env, m, nullptr, 0, &len));
  EXPECT_EQ(len, 40u);
  EXPECT_FALSE(lzr_get_int_decimal(env, m, out, 40, &len)) << "no room for the NUL";
  ASSERT_TRUE(lzr_get_int_decimal(env, m, out, 41, &len));
  EXPECT_STREQ(out, "-340282366920938463463374607431768211455");
  ASSERT_TRUE(lzr_get_int_decimal(env, lzr_int(env, -42), out, sizeof out, nullptr));
  EXPECT_STREQ(out, "-42");
  EXPECT_FALSE(lzr_get_int_decimal(env, lzr_float(env, 1.0), out, sizeof out, &len));
  EXPECT_FALSE(lzr_get_int_bytes(env, lzr_atom(env, "x"), &negative, buf, sizeof buf, &len));

  // Text: an optional sign and digits, nothing else.
  EXPECT_EQ(text(lzr_int_from_decimal(env, "+0012", 5)), "12");
  EXPECT_EQ(lzr_int_from_decimal(env, "12a", 3), LZR_RAISED);  // badarg (natives_test checks the terms)
  EXPECT_EQ(lzr_int_from_decimal(env, "-", 1), LZR_RAISED);
  EXPECT_EQ(lzr_int_from_decimal(env, "", 0), LZR_RAISED);
  EXPECT_EQ(lzr_int_from_decimal(env, nullptr, 3), LZR_RAISED);
  EXPECT_EQ(lzr_int_from_bytes(env, 0, nullptr, 3), LZR_RAISED);
  // The size limit: 2^26 bits.
  std::vector<unsigned char> huge((size_t{1} << 23) + 1, 0);
  huge.back() = 1;
  EXPECT_EQ(lzr_int_from_bytes(env, 0, huge.data(), huge.size()), LZR_RAISED);  // system_limit
  huge.pop_back();
  huge.back() = 0x80;  // exactly 2^26 bits: allowed
  lzr_term largest = lzr_int_from_bytes(env, 0, huge.data(), huge.size());
  ASSERT_NE(largest, LZR_RAISED);
  ASSERT_TRUE(lzr_get_int_bytes(env, largest, nullptr, nullptr, 0, &len));
  EXPECT_EQ(len, size_t{1} << 23);
}

TEST_F(Terms, Floats) {
  double d = 0;
  ASSERT_TRUE(lzr_get_float(env, lzr_float(env, -0.25), &d));
  EXPECT_EQ(d, -0.25);
  EXPECT_FALSE(lzr_get_float(env, lzr_int(env, 3), &d));
  EXPECT_EQ(lzr_float(env, NAN), LZR_RAISED);
  EXPECT_EQ(lzr_float(env, INFINITY), LZR_RAISED);
  EXPECT_EQ(lzr_float(env, -INFINITY), LZR_RAISED);
  ASSERT_TRUE(lzr_get_number(env, lzr_int(env, 3), &d));
  EXPECT_EQ(d, 3.0);
  ASSERT_TRUE(lzr_get_number(env, lzr_float(env, 1.5), &d));
  EXPECT_EQ(d, 1.5);
  EXPECT_FALSE(lzr_get_number(env, lzr_atom(env, "x"), &d));
  EXPECT_EQ(text(lzr_float(env, 1e20)), "1.0e20");
}

TEST_F(Terms, Atoms) {
  lzr_term ok = lzr_atom(env, "ok");
  EXPECT_EQ(ok, lzr_atom_n(env, "okay", 2)) << "interned once";
  const char* s = nullptr;
  size_t len = 0;
  ASSERT_TRUE(lzr_get_atom(env, ok, &s, &len));
  EXPECT_EQ(std::string(s, len), "ok");
  EXPECT_TRUE(lzr_atom_is(env, ok, "ok"));
  EXPECT_FALSE(lzr_atom_is(env, ok, "o"));
  EXPECT_FALSE(lzr_atom_is(env, lzr_string(env, "ok"), "ok"));
  EXPECT_FALSE(lzr_get_atom(env, lzr_int(env, 1), &s, &len));
  EXPECT_EQ(text(lzr_atom(env, "two words")), ":\"two words\"");
  EXPECT_NE(lzr_atom(env, std::string(255, 'a').c_str()), LZR_RAISED);
  EXPECT_EQ(lzr_atom(env, std::string(256, 'a').c_str()), LZR_RAISED);
  EXPECT_EQ(lzr_atom(env, nullptr), LZR_RAISED);

  int b = -1;
  EXPECT_EQ(lzr_bool(env, 7), lzr_atom(env, "true"));
  EXPECT_EQ(lzr_bool(env, 0), lzr_atom(env, "false"));
  ASSERT_TRUE(lzr_get_bool(env, lzr_atom(env, "true"), &b));
  EXPECT_EQ(b, 1);
  ASSERT_TRUE(lzr_get_bool(env, lzr_atom(env, "false"), &b));
  EXPECT_EQ(b, 0);
  EXPECT_FALSE(lzr_get_bool(env, lzr_atom(env, "nil"), &b));
}

TEST_F(Terms, Binaries) {
  const unsigned char* data = nullptr;
  size_t len = 99;
  lzr_term b = lzr_binary(env, "a\0b", 3);
  ASSERT_TRUE(lzr_get_binary(env, b, &data, &len));
  ASSERT_EQ(len, 3u);
  EXPECT_EQ(std::memcmp(data, "a\0b", 3), 0);
  EXPECT_EQ(text(b), "<<97, 0, 98>>");
  EXPECT_EQ(text(lzr_string(env, "text")), "\"text\"");
  EXPECT_EQ(text(lzr_binary(env, nullptr, 0)), "\"\"");
  EXPECT_EQ(lzr_binary(env, nullptr, 3), LZR_RAISED);
  EXPECT_EQ(lzr_string(env, nullptr), LZR_RAISED);

  unsigned char* out = nullptr;
  lzr_term filled = lzr_binary_alloc(env, 5, &out);
  std::memcpy(out, "hello", 5);
  EXPECT_EQ(text(filled), "\"hello\"");
  EXPECT_FALSE(lzr_get_binary(env, lzr_atom(env, "hello"), &data, &len));
}

// A slice made by binary.part/3 is a view onto the same bytes (issue 15):
// the accessors, type, equality and order see a binary like any other.
TEST_F(Terms, BinaryViews) {
  std::string bytes(100, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + i % 26);
  const lzr_term whole = lzr_binary(env, bytes.data(), bytes.size());
  const lzr_term args[3] = {whole, lzr_int(env, 30), lzr_int(env, 40)};
  lzr_term view = 0;
  ASSERT_EQ(lzr_vm_call(vm, "binary", "part", args, 3, &view), LZR_OK) << lzr_vm_message(vm);
  const unsigned char* data = nullptr;
  size_t len = 0;
  ASSERT_TRUE(lzr_get_binary(env, view, &data, &len));
  ASSERT_EQ(len, 40u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(data), len), bytes.substr(30, 40));
  EXPECT_TRUE(lzr_is_binary(env, view));
  EXPECT_EQ(lzr_type_of(env, view), LZR_TYPE_BINARY);
  const lzr_term plain = lzr_binary(env, bytes.data() + 30, 40);
  EXPECT_TRUE(lzr_exact_equal(env, view, plain));
  EXPECT_EQ(lzr_compare(env, view, plain), 0);
  EXPECT_EQ(text(view), "\"" + bytes.substr(30, 40) + "\"");
}

// Atoms made at run time follow the loader's rules (valid UTF-8, no NUL,
// at most 255 bytes), so every atom prints as text that reads back.
TEST_F(Terms, AtomTextFollowsTheLoaderRules) {
  for (const std::string& bad : {std::string("a\0b", 3), std::string("\xFF\xFE"), std::string("\xED\xA0\x80"),
                                std::string("\xC0\x80"), std::string("ok\xE2\x82")}) {
    EXPECT_EQ(raised(lzr_atom_n(env, bad.data(), bad.size())), ":badarg") << text(lzr_binary(env, bad.data(), bad.size()));
  }
  EXPECT_EQ(raised(lzr_atom(env, std::string(256, 'a').c_str())), ":system_limit");
  EXPECT_EQ(raised(lzr_atom(env, (std::string(255, 'a') + "\xFF").c_str())), ":system_limit") << "length first";
  EXPECT_EQ(text(lzr_atom(env, "h\xC3\xA9llo")), ":\"h\xC3\xA9llo\"");
}

TEST_F(Terms, BinaryToAtomFollowsTheLoaderRules) {
  lzr_term r = 0;
  for (const std::string& bad : {std::string(1, '\0'), std::string("\xFF\xFE"), std::string("\xED\xB0\x80")}) {
    lzr_term arg = lzr_binary(env, bad.data(), bad.size());
    ASSERT_EQ(lzr_vm_call(vm, "binary", "to_atom", &arg, 1, &r), LZR_ERROR);
    EXPECT_EQ(text(r), ":badarg");
  }
  lzr_term long_text = lzr_string(env, std::string(256, 'x').c_str());
  ASSERT_EQ(lzr_vm_call(vm, "binary", "to_atom", &long_text, 1, &r), LZR_ERROR);
  EXPECT_EQ(text(r), ":system_limit");
  lzr_term fine = lzr_string(env, "caf\xC3\xA9");
  ASSERT_EQ(lzr_vm_call(vm, "binary", "to_atom", &fine, 1, &r), LZR_OK);
  EXPECT_EQ(r, lzr_atom(env, "caf\xC3\xA9"));
}

// Every length and pointer the documentation promises to check.
TEST_F(Terms, LengthsAndPointersAreChecked) {
  unsigned char* out = nullptr;
  EXPECT_EQ(raised(lzr_binary_alloc(env, SIZE_MAX, &out)), ":system_limit");
  EXPECT_EQ(raised(lzr_binary_alloc(env, SIZE_MAX - 8, &out)), ":system_limit");
  EXPECT_EQ(raised(lzr_binary_alloc(env, size_t{1} << 43, &out)), ":system_limit") << "past a header's 40-bit count";
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(raised(lzr_binary_alloc(env, 5, nullptr)), ":badarg");
  EXPECT_EQ(raised(lzr_binary(env, "x", SIZE_MAX)), ":system_limit");
  const lzr_term items[2] = {lzr_int(env, 1), lzr_int(env, 2)};
  // The count is checked before any element is read.
  EXPECT_EQ(raised(lzr_tuple(env, items, SIZE_MAX)), ":system_limit");
  EXPECT_EQ(raised(lzr_list(env, items, SIZE_MAX / 2 + 1)), ":system_limit");
  EXPECT_EQ(raised(lzr_map_from_pairs(env, items, SIZE_MAX / 2 + 1)), ":system_limit");
  EXPECT_EQ(raised(lzr_raise_badarity(env, nullptr, 2)), ":badarg");
  EXPECT_EQ(raised(lzr_raise_atom(env, nullptr)), ":badarg");
  EXPECT_EQ(raised(lzr_raise_tagged(env, nullptr, items[0])), ":badarg");
  // A NULL text buffer only measures.
  EXPECT_EQ(lzr_to_text(env, items[0], nullptr, 16), 1u);
}

TEST_F(Terms, Lists) {
  lzr_term items[] = {lzr_int(env, 1), lzr_int(env, 2), lzr_int(env, 3)};
  lzr_term list = lzr_list(env, items, 3);
  EXPECT_EQ(text(list), "[1, 2, 3]");
  EXPECT_EQ(lzr_list(env, nullptr, 0), lzr_nil(env));
  EXPECT_EQ(text(lzr_cons(env, items[0], items[1])), "[1 | 2]");
  size_t len = 0;
  ASSERT_TRUE(lzr_get_list_length(env, list, &len));
  EXPECT_EQ(len, 3u);
  ASSERT_TRUE(lzr_get_list_length(env, lzr_nil(env), &len));
  EXPECT_EQ(len, 0u);
  EXPECT_FALSE(lzr_get_list_length(env, lzr_cons(env, items[0], items[1]), &len)) << "improper";
  EXPECT_FALSE(lzr_get_list_length(env, items[0], &len));

  lzr_term head = 0, tail = 0;
  ASSERT_TRUE(lzr_get_list_cell(env, list, &head, &tail));
  EXPECT_EQ(head, items[0]);
  EXPECT_EQ(text(tail), "[2, 3]");
  EXPECT_FALSE(lzr_get_list_cell(env, lzr_nil(env), &head, &tail));
  EXPECT_FALSE(lzr_get_list_cell(env, items[0], &head, &tail));
}

TEST_F(Terms, Tuples) {
  lzr_term a = lzr_atom(env, "a"), one = lzr_int(env, 1);
  lzr_term t3 = lzr_tuple3(env, a, one, lzr_nil(env));
  EXPECT_EQ(text(t3), "{:a, 1, []}");
  EXPECT_EQ(text(lzr_tuple2(env, one, a)), "{1, :a}");
  EXPECT_EQ(text(lzr_tuple(env, nullptr, 0)), "{}");
  const lzr_term* elems = nullptr;
  size_t n = 0;
  ASSERT_TRUE(lzr_get_tuple(env, t3, &elems, &n));
  ASSERT_EQ(n, 3u);
  EXPECT_EQ(elems[0], a);
  EXPECT_EQ(elems[1], one);
  EXPECT_FALSE(lzr_get_tuple(env, lzr_nil(env), &elems, &n));
  EXPECT_EQ(lzr_tuple(env, nullptr, 2), LZR_RAISED);
}

struct Visited {
  std::vector<std::string> keys;
  size_t stop_after = SIZE_MAX;
  lzr_env* env;
};
int visit(lzr_env* env, lzr_term key, lzr_term value, void* data) {
  auto* v = static_cast<Visited*>(data);
  char buf[64];
  lzr_to_text(env, key, buf, sizeof buf);
  v->keys.push_back(buf);
  lzr_cons(env, key, value);  // visitors may allocate
  return v->keys.size() >= v->stop_after;
}

TEST_F(Terms, Maps) {
  lzr_term a = lzr_atom(env, "a"), b = lzr_atom(env, "b");
  lzr_term m = lzr_map_put(env, lzr_map_new(env), b, lzr_int(env, 2));
  m = lzr_map_put(env, m, a, lzr_int(env, 1));
  EXPECT_EQ(text(m), "%{a: 1, b: 2}");
  size_t size = 0;
  ASSERT_TRUE(lzr_get_map_size(env, m, &size));
  EXPECT_EQ(size, 2u);
  lzr_term v = 0;
  ASSERT_TRUE(lzr_map_get(env, m, a, &v));
  EXPECT_EQ(text(v), "1");
  EXPECT_FALSE(lzr_map_get(env, m, lzr_atom(env, "c"), &v));
  EXPECT_FALSE(lzr_map_get(env, lzr_nil(env), a, &v));
  EXPECT_EQ(text(lzr_map_remove(env, m, a)), "%{b: 2}");
  EXPECT_EQ(text(lzr_map_remove(env, m, lzr_atom(env, "zz"))), "%{a: 1, b: 2}");
  EXPECT_FALSE(lzr_get_map_size(env, lzr_nil(env), &size));

  // Exact keys: 1 and 1.0 are two keys; the later duplicate wins.
  lzr_term kv[] = {lzr_int(env, 1), a, lzr_float(env, 1.0), b, lzr_int(env, 1), lzr_atom(env, "c")};
  EXPECT_EQ(text(lzr_map_from_pairs(env, kv, 3)), "%{1 => :c, 1.0 => :b}");
  EXPECT_EQ(lzr_map_put(env, lzr_nil(env), a, b), LZR_RAISED);
}

TEST_F(Terms, MapIterationIsInKeyOrderAndStops) {
  // 40 entries: a HAMT, not a flat map, inserted in scrambled order.
  lzr_term m = lzr_map_new(env);
  for (int i = 0; i < 40; ++i) m = lzr_map_put(env, m, lzr_int(env, (i * 17) % 40), lzr_int(env, i));
  Visited all{{}, SIZE_MAX, env};
  ASSERT_TRUE(lzr_map_iterate(env, m, visit, &all));
  ASSERT_EQ(all.keys.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(all.keys[i], std::to_string(i));
  Visited some{{}, 3, env};
  ASSERT_TRUE(lzr_map_iterate(env, m, visit, &some));
  EXPECT_EQ(some.keys, (std::vector<std::string>{"0", "1", "2"}));
  Visited none{{}, SIZE_MAX, env};
  EXPECT_FALSE(lzr_map_iterate(env, lzr_int(env, 1), visit, &none));
  EXPECT_TRUE(none.keys.empty());
}

TEST_F(Terms, RaisedInputsStayRaised) {
  lzr_term x = lzr_int(env, 1), r = LZR_RAISED;
  EXPECT_EQ(lzr_cons(env, r, x), LZR_RAISED);
  EXPECT_EQ(lzr_cons(env, x, r), LZR_RAISED);
  lzr_term items[] = {x, r};
  EXPECT_EQ(lzr_list(env, items, 2), LZR_RAISED);
  EXPECT_EQ(lzr_tuple(env, items, 2), LZR_RAISED);
  EXPECT_EQ(lzr_tuple2(env, r, x), LZR_RAISED);
  EXPECT_EQ(lzr_tuple3(env, x, x, r), LZR_RAISED);
  EXPECT_EQ(lzr_map_from_pairs(env, items, 1), LZR_RAISED);
  EXPECT_EQ(lzr_map_put(env, lzr_map_new(env), x, r), LZR_RAISED);
  EXPECT_EQ(lzr_map_put(env, r, x, x), LZR_RAISED);
  EXPECT_EQ(lzr_map_remove(env, lzr_map_new(env), r), LZR_RAISED);
  lzr_term v = 0;
  EXPECT_FALSE(lzr_map_get(env, lzr_map_new(env), r, &v));
  EXPECT_TRUE(lzr_is_raised(lzr_tuple2(env, lzr_int_from_decimal(env, "x", 1), x)));
}

TEST_F(Terms, Comparison) {
  lzr_term one = lzr_int(env, 1), onef = lzr_float(env, 1.0), two = lzr_int(env, 2);
  lzr_term atom = lzr_atom(env, "a"), tuple = lzr_tuple(env, nullptr, 0), map = lzr_map_new(env);
  lzr_term nil = lzr_nil(env), list = lzr_cons(env, one, nil), bin = lzr_string(env, "");
  EXPECT_EQ(lzr_compare(env, one, onef), 0);
  EXPECT_TRUE(lzr_equal(env, one, onef));
  EXPECT_FALSE(lzr_exact_equal(env, one, onef));
  EXPECT_TRUE(lzr_exact_equal(env, lzr_string(env, "ab"), lzr_binary(env, "ab", 2)));
  EXPECT_EQ(lzr_compare(env, one, two), -1);
  EXPECT_EQ(lzr_compare(env, two, onef), 1);
  // number < atom < tuple < map < nil < list < binary
  const lzr_term order[] = {two, atom, tuple, map, nil, list, bin};
  for (size_t i = 0; i + 1 < std::size(order); ++i) {
    EXPECT_EQ(lzr_compare(env, order[i], order[i + 1]), -1) << text(order[i]);
    EXPECT_EQ(lzr_compare(env, order[i + 1], order[i]), 1) << text(order[i]);
  }
  EXPECT_EQ(lzr_compare(env, LZR_RAISED, one), -1);
  EXPECT_EQ(lzr_compare(env, LZR_RAISED, LZR_RAISED), 0);
  EXPECT_FALSE(lzr_exact_equal(env, LZR_RAISED, one));
}

// Runs `body` on a thread with a `stack_bytes` C stack.
void with_small_stack(size_t stack_bytes, const std::function<void()>& body) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, stack_bytes), 0);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, const_cast<std::function<void()>*>(&body)), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
}

// Maps of more than 16 entries nested as keys of such maps, 900 deep:
// ordering one level's keys orders the level below (two tries of equal
// size), yet compare, put, iteration and text take bounded C stack.
TEST_F(Terms, DeeplyNestedMapKeys) {
  auto ints = [&](int from, int n) {
    lzr_term m = lzr_map_new(env);
    for (int i = from; i < from + n; ++i) m = lzr_map_put(env, m, lzr_int(env, i), lzr_int(env, i));
    return m;
  };
  const lzr_term q = ints(200, 18);
  auto nest = [&](int depth, int seed) {
    lzr_term acc = ints(seed, 18);
    for (int level = 1; level <= depth; ++level) {
      lzr_term m = ints(0, 16);
      m = lzr_map_put(env, m, acc, lzr_int(env, level));
      acc = lzr_map_put(env, m, q, lzr_int(env, 0));
    }
    return acc;
  };
  const lzr_term x = nest(900, 100), y = nest(900, 100), w = nest(900, 101);
  int cmp_xy = 9, cmp_xw = 9, eq_xy = 0, eq_xw = 1, iterated = 0;
  lzr_term both = 0;
  size_t size = 0, text_len = 0, text_len_y = 1;
  Visited keys{{}, SIZE_MAX, env};
  char start[17] = {};
  with_small_stack(512 * 1024, [&] {
    cmp_xy = lzr_compare(env, x, y);
    cmp_xw = lzr_compare(env, x, w);
    eq_xy = lzr_exact_equal(env, x, y);
    eq_xw = lzr_equal(env, x, w);
    both = lzr_map_put(env, lzr_map_put(env, lzr_map_new(env), w, lzr_int(env, 2)), x, lzr_int(env, 1));
    lzr_get_map_size(env, both, &size);
    iterated = lzr_map_iterate(env, x, visit, &keys);
    text_len = lzr_to_text(env, x, start, sizeof start);
    text_len_y = lzr_to_text(env, y, nullptr, 0);
  });
  EXPECT_EQ(cmp_xy, 0);
  EXPECT_EQ(cmp_xw, -1);
  EXPECT_TRUE(eq_xy);
  EXPECT_FALSE(eq_xw);
  EXPECT_EQ(size, 2u);
  lzr_term v = 0;
  ASSERT_TRUE(lzr_map_get(env, both, y, &v));  // found through an equal key built apart
  EXPECT_EQ(text(v), "1");
  ASSERT_TRUE(iterated);
  ASSERT_EQ(keys.keys.size(), 18u);
  EXPECT_EQ(keys.keys[15], "15");
  EXPECT_EQ(keys.keys[16].substr(0, 16), "%{0 => 0, 1 => 1");  // the level below, before q
  EXPECT_EQ(keys.keys[17].substr(0, 12), "%{200 => 200");
  EXPECT_EQ(std::string(start), "%{0 => 0, 1 => 1");
  EXPECT_GT(text_len, 1500u * 100);
  EXPECT_EQ(text_len, text_len_y);
}

TEST_F(Terms, TextIsSnprintfLike) {
  lzr_term t = lzr_tuple2(env, lzr_atom(env, "ok"), lzr_int(env, 12345));
  const std::string full = "{:ok, 12345}";
  char buf[8];
  std::memset(buf, 'x', sizeof buf);
  EXPECT_EQ(lzr_to_text(env, t, buf, sizeof buf), full.size());
  EXPECT_EQ(std::string(buf), full.substr(0, 7)) << "cut, NUL-terminated";
  char untouched = 'q';
  EXPECT_EQ(lzr_to_text(env, t, &untouched, 0), full.size());
  EXPECT_EQ(untouched, 'q');
  char one[1] = {'z'};
  EXPECT_EQ(lzr_to_text(env, t, one, 1), full.size());
  EXPECT_EQ(one[0], '\0');
  EXPECT_EQ(text(LZR_RAISED), "#Raised<>");
}

}  // namespace
}  // namespace lzr_test
