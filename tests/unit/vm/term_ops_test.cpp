#include <gtest/gtest.h>

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "vm/bigint.h"
#include "vm/binaries.h"
#include "vm/function_info.h"
#include "vm/literals.h"
#include "vm/term_ops.h"
#include "vm_test_support.h"

namespace lzr {
namespace {

using test::F;
using test::I;
using test::Terms;

Term make_closure(Heap& heap, const FunctionInfo& info, std::vector<Term> upvals) {
  Term* p = heap.alloc(2 + upvals.size());
  p[0] = make_header(BoxKind::Closure, 1 + upvals.size());
  p[1] = reinterpret_cast<Term>(&info);
  for (size_t i = 0; i < upvals.size(); ++i) p[2 + i] = upvals[i];
  return make_boxed(p);
}

int sign(int c) { return (c > 0) - (c < 0); }

// Runs `body` on a thread with a `stack_bytes` C stack: a walk that recursed
// once per level of nesting would overflow it (and crash the test).
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

class TermOps : public ::testing::Test, public Terms {
 protected:
  FunctionInfo fn_a{}, fn_b{};
  void SetUp() override {
    fn_a.module_atom = atom("m");
    fn_a.name_atom = atom("alpha");
    fn_a.arity = 1;
    fn_b.module_atom = atom("m");
    fn_b.name_atom = atom("beta");
    fn_b.arity = 0;
  }
};

TEST_F(TermOps, TypesFollowErlangTermOrder) {
  // number < atom < function < tuple < map < nil < list < binary
  const std::vector<Term> ascending = {
      I(-5), F(0.5), I(1000), atom("zzz"), make_closure(heap, fn_a, {}), tuple({}), tuple({I(1)}),
      map({}), map({I(1), I(2)}), kNil, list({I(1)}), bin(""), bin("a")};
  // Map key order is the same across types; only integers move before floats.
  std::vector<Term> ascending_keys = ascending;
  std::swap(ascending_keys[1], ascending_keys[2]);  // 1000 before 0.5
  for (size_t i = 0; i < ascending.size(); ++i) {
    for (size_t j = 0; j < ascending.size(); ++j) {
      EXPECT_EQ(sign(compare(ascending[i], ascending[j])), sign(static_cast<int>(i) - static_cast<int>(j)))
          << str(ascending[i]) << " vs " << str(ascending[j]);
      EXPECT_EQ(sign(compare_exact(ascending_keys[i], ascending_keys[j])), sign(static_cast<int>(i) - static_cast<int>(j)))
          << str(ascending_keys[i]) << " vs " << str(ascending_keys[j]);
    }
  }
}

TEST_F(TermOps, NumbersCompareByValueAcrossIntAndFloat) {
  EXPECT_EQ(compare(I(1), F(1.0)), 0);
  EXPECT_TRUE(equal(I(1), F(1.0)));
  EXPECT_FALSE(exact_equal(I(1), F(1.0)));
  EXPECT_LT(compare_exact(I(1), F(1.0)), 0);
  EXPECT_GT(compare_exact(F(1.0), I(1)), 0);
  EXPECT_LT(compare(I(1), F(1.5)), 0);
  EXPECT_GT(compare(I(2), F(1.5)), 0);
  // Map key order (Erlang's): every integer before every float.
  EXPECT_GT(compare_exact(F(0.5), I(1)), 0);
  EXPECT_GT(compare_exact(F(-1e300), I(kSmallIntMax)), 0);
  EXPECT_LT(compare_exact(I(2), F(1.0)), 0);
  EXPECT_LT(compare_exact(F(1.0), F(2.0)), 0);
  EXPECT_LT(compare_exact(I(-3), I(2)), 0);

  const int64_t max = kSmallIntMax;  // 2^47 - 1
  EXPECT_EQ(compare(I(max), F(static_cast<double>(max))), 0);
  EXPECT_LT(compare(I(max), F(140737488355328.0)), 0);  // 2^47
  EXPECT_GT(compare(I(max), F(140737488355326.5)), 0);
  EXPECT_EQ(compare(I(kSmallIntMin), F(-140737488355328.0)), 0);
  EXPECT_GT(compare(I(kSmallIntMin), F(-1e300)), 0);
  EXPECT_LT(compare(I(kSmallIntMax), F(1e300)), 0);

  EXPECT_EQ(compare(F(-0.0), F(0.0)), 0);
  EXPECT_TRUE(equal(F(-0.0), F(0.0)));
  EXPECT_FALSE(exact_equal(F(-0.0), F(0.0)));
  EXPECT_LT(compare_exact(F(-0.0), F(0.0)), 0);
  EXPECT_LT(compare_exact(I(0), F(-0.0)), 0);
}

TEST_F(TermOps, AtomsCompareByTextNotIndex) {
  const Term zebra = atom("zebra");
  const Term apple = atom("apple");  // interned later: larger index
  EXPECT_GT(atom_index(apple), atom_index(zebra));
  EXPECT_LT(compare(apple, zebra), 0);
  EXPECT_LT(compare(atom("ab"), atom("abc")), 0);
  EXPECT_LT(compare(atom("Z"), atom("a")), 0);  // bytewise
  EXPECT_EQ(compare(atom("same"), atom("same")), 0);
}

// Atoms compare by a key of their first 8 bytes first (AtomTable::Entry),
// then by the whole text: every case around the key's edges, both ways
// round, against std::string_view's order.
TEST_F(TermOps, AtomOrderAroundTheEightBytePrefix) {
  const std::vector<std::string> texts = {
      "",          "a",         "ab",        "abcdefg",   "abcdefgh",  "abcdefgh_",  "abcdefghi",
      "abcdefgz",  "abcdefgha", "abcdefghb", "abcdefghbb", "b",        "\xc3\xa9t\xc3\xa9",  // UTF-8 bytes above 0x7f
      "\xc3\xa9", "z",        "zzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzy", "A", "Z"};
  for (const std::string& x : texts) {
    for (const std::string& y : texts) {
      const int want = std::string_view(x).compare(y);
      const int got = compare(atom(x), atom(y));
      EXPECT_EQ((got > 0) - (got < 0), (want > 0) - (want < 0)) << "'" << x << "' against '" << y << "'";
    }
  }
}

TEST_F(TermOps, CompoundOrder) {
  EXPECT_LT(compare(tuple({I(9)}), tuple({I(1), I(1)})), 0);  // size first
  EXPECT_LT(compare(tuple({I(1), I(2)}), tuple({I(1), I(3)})), 0);
  EXPECT_EQ(compare(tuple({I(1), F(2.0)}), tuple({I(1), I(2)})), 0);
  EXPECT_LT(compare(list({I(1), I(2)}), list({I(1), I(3)})), 0);
  EXPECT_LT(compare(list({I(1)}), list({I(1), I(2)})), 0);
  EXPECT_GT(compare(list({I(1), I(2)}), list({I(1)}, I(2))), 0);  // tails [2] vs 2: number < list
  EXPECT_GT(compare(list({I(1)}), list({I(1)}, I(2))), 0);          // tails [] vs 2: number < nil

  EXPECT_LT(compare(bin("ab"), bin("b")), 0);
  EXPECT_LT(compare(bin("a"), bin("ab")), 0);
  EXPECT_LT(compare(bin(std::string("\x01", 1)), bin(std::string("\xff", 1))), 0);  // unsigned bytes
  // Maps: size, then keys, then values.
  EXPECT_LT(compare(map({I(5), I(5)}), map({I(1), I(1), I(2), I(2)})), 0);
  EXPECT_LT(compare(map({I(1), I(9)}), map({I(2), I(0)})), 0);
  EXPECT_LT(compare(map({I(1), I(1)}), map({I(1), I(2)})), 0);
  EXPECT_EQ(compare(map({I(1), I(1)}), map({I(1), F(1.0)})), 0);   // values by value
  EXPECT_NE(compare(map({I(1), I(1)}), map({F(1.0), I(1)})), 0);   // keys exactly
  EXPECT_FALSE(equal(map({I(1), I(1)}), map({F(1.0), I(1)})));
  // Closures: function (module, name, arity), then upvalues.
  EXPECT_LT(compare(make_closure(heap, fn_a, {I(9)}), make_closure(heap, fn_b, {})), 0);
  EXPECT_LT(compare(make_closure(heap, fn_a, {I(1)}), make_closure(heap, fn_a, {I(2)})), 0);
  EXPECT_EQ(compare(make_closure(heap, fn_a, {I(1)}), make_closure(heap, fn_a, {F(1.0)})), 0);
  EXPECT_TRUE(exact_equal(make_closure(heap, fn_a, {I(1)}), make_closure(heap, fn_a, {I(1)})));
  EXPECT_FALSE(exact_equal(make_closure(heap, fn_a, {I(1)}), make_closure(heap, fn_b, {I(1)})));
}

// Erlang: maps compare by size, then keys in map key order (integers before
// floats, at any depth), then values in that order; #{1.0 => a} < #{2 => a}
// is false because 2 sorts before 1.0 as a key.
TEST_F(TermOps, MapsCompareKeysInMapKeyOrder) {
  const Term a = atom("a"), x = atom("x");
  EXPECT_GT(compare(map({F(1.0), a}), map({I(2), a})), 0);
  EXPECT_LT(compare(map({I(3), a}), map({F(2.0), a})), 0);
  EXPECT_LT(compare(map({I(1), x}), map({F(1.0), x})), 0);
  EXPECT_GT(compare(map({tuple({F(1.0)}), a}), map({tuple({I(2)}), a})), 0);        // inside a tuple key
  EXPECT_GT(compare(map({list({F(1.0)}), a}), map({list({I(2)}), a})), 0);          // inside a list key
  EXPECT_GT(compare(map({map({F(1.0), x}), a}), map({map({I(2), x}), a})), 0);      // inside a map key
  EXPECT_GT(compare(map({tuple({I(1), F(2.0)}), x}), map({tuple({I(1), I(3)}), x})), 0);
  EXPECT_GT(compare(map({I(1), a, F(2.0), a}), map({I(1), a, I(3), a})), 0);
  EXPECT_GT(compare(map({atom("a"), I(1)}), map({F(1.0), I(1)})), 0);  // numbers before atoms still
  // Values compare by value in term order, and inside keys in map key order.
  EXPECT_LT(compare(map({I(1), F(1.0)}), map({I(1), I(2)})), 0);
  EXPECT_EQ(compare(map({I(1), I(2)}), map({I(1), F(2.0)})), 0);
  EXPECT_LT(compare(map({map({I(1), I(2)}), a}), map({map({I(1), F(1.0)}), a})), 0);
  // Large maps (tries) too.
  std::vector<Term> ints, floats;
  for (int i = 0; i < 40; ++i) {
    ints.insert(ints.end(), {I(i), a});
    floats.insert(floats.end(), {F(i), a});
  }
  EXPECT_LT(compare(map(ints), map(floats)), 0);
  floats[0] = I(-1);  // keys -1, 1.0 .. 39.0 against 0 .. 39: -1 < 0 decides
  EXPECT_GT(compare(map(ints), map(floats)), 0);
  floats[0] = I(1000);  // 1000, 1.0 .. 39.0: 0 < 1000 decides
  EXPECT_LT(compare(map(ints), map(floats)), 0);
}

TEST_F(TermOps, HamtMapsCompareInKeyOrder) {
  std::vector<Term> kv_a, kv_b;
  for (int i = 0; i < 40; ++i) {
    kv_a.insert(kv_a.end(), {I(i), I(i)});
    kv_b.insert(kv_b.end(), {I(i), I(i == 39 ? 100 : i)});
  }
  const Term a = map(kv_a), b = map(kv_b);
  EXPECT_LT(compare(a, b), 0);
  kv_b[2 * 39 + 1] = F(39.0);
  EXPECT_EQ(compare(a, map(kv_b)), 0);
  EXPECT_FALSE(exact_equal(a, map(kv_b)));
  kv_b[2 * 39] = I(1000);  // keys differ: 39 < 1000 decides before any value
  kv_b[1] = I(-1);
  EXPECT_LT(compare(a, map(kv_b)), 0);
}

TEST_F(TermOps, ExactEqualityAndHashAgreeAcrossCopies) {
  const Term t1 = tuple({list({I(1), bin("xy"), F(2.5)}), map({atom("k"), tuple({})}), atom("a")});
  const Term t2 = tuple({list({I(1), bin("xy"), F(2.5)}), map({atom("k"), tuple({})}), atom("a")});
  EXPECT_TRUE(exact_equal(t1, t2));
  EXPECT_EQ(hash_term(t1), hash_term(t2));
  EXPECT_EQ(compare_exact(t1, t2), 0);

  // A literal (immortal) copy hashes like the heap copy.
  Literal lit;
  lit.kind = Literal::Kind::List;
  lit.items.resize(3);
  lit.items[0].kind = Literal::Kind::Int;
  lit.items[0].i = 1;
  lit.items[1].kind = Literal::Kind::Binary;
  lit.items[1].text = "xy";
  lit.items[2].kind = Literal::Kind::Float;
  lit.items[2].f = 2.5;
  LiteralArena arena;
  std::string err;
  const Term literal = *arena.materialize(lit, atoms, err);
  EXPECT_TRUE(exact_equal(literal, tuple_elems(t1)[0]));
  EXPECT_EQ(hash_term(literal), hash_term(tuple_elems(t1)[0]));

  // Hash survives a GC move.
  const uint32_t h = hash_term(t1);
  Term x[32] = {};
  x[0] = t1;
  GcRoots roots;
  roots.x = x;
  roots.x_live = 1;
  heap.collect(roots);
  EXPECT_NE(x[0], t1);
  EXPECT_EQ(hash_term(x[0]), h);
}

TEST_F(TermOps, ExactEqualityDistinguishesWhatHashCanSeparate) {
  const std::vector<Term> distinct = {I(1), F(1.0), F(-0.0), F(0.0), I(0), atom("a"), atom("b"), kNil,
                                      list({I(1)}), list({F(1.0)}), list({I(1)}, I(2)), tuple({I(1)}),
                                      tuple({I(1), I(2)}), bin(""), bin("a"), bin("ab"), map({}),
                                      map({I(1), I(1)}), map({I(1), F(1.0)}), make_closure(heap, fn_a, {})};
  for (size_t i = 0; i < distinct.size(); ++i) {
    for (size_t j = 0; j < distinct.size(); ++j) {
      EXPECT_EQ(exact_equal(distinct[i], distinct[j]), i == j) << str(distinct[i]) << " vs " << str(distinct[j]);
      EXPECT_EQ(compare_exact(distinct[i], distinct[j]) == 0, i == j);
    }
  }
  // Hashes of these few distinct terms should all differ (a weak-mixing canary).
  std::vector<uint32_t> hashes;
  for (Term t : distinct) hashes.push_back(hash_term(t));
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::unique(hashes.begin(), hashes.end()), hashes.end());
}

TEST_F(TermOps, EqualAgreesWithCompare) {
  std::vector<Term> big_int, big_float, big_other_key;
  for (int i = 0; i < 30; ++i) {
    big_int.insert(big_int.end(), {I(i), I(i)});
    big_float.insert(big_float.end(), {I(i), F(i)});
    big_other_key.insert(big_other_key.end(), {i == 7 ? F(7.0) : I(i), I(i)});
  }
  const std::vector<Term> terms = {
      I(1), F(1.0), F(-0.0), F(0.0), I(0), atom("a"), atom("b"), kNil, list({I(1)}), list({F(1.0)}),
      list({I(1)}, I(2)), list({I(1)}, F(2.0)), tuple({I(1), atom("x")}), tuple({F(1.0), atom("x")}),
      tuple({I(1)}), bin("a"), bin("b"), map({I(1), I(1)}), map({I(1), F(1.0)}), map({F(1.0), I(1)}),
      map({atom("k"), list({I(2)})}), map({atom("k"), list({F(2.0)})}), map(big_int), map(big_float),
      map(big_other_key), make_closure(heap, fn_a, {I(1)}), make_closure(heap, fn_a, {F(1.0)}),
      make_closure(heap, fn_b, {I(1)})};
  int equal_pairs = 0;
  for (Term a : terms) {
    for (Term b : terms) {
      EXPECT_EQ(equal(a, b), compare(a, b) == 0) << str(a) << " vs " << str(b);
      equal_pairs += equal(a, b);
    }
  }
  // Equal-by-value groups: {1, 1.0}, {-0.0, 0.0, 0}, and pairs of lists, tuples,
  // maps and closures that differ only in int vs float values.
  EXPECT_EQ(equal_pairs, static_cast<int>(terms.size()) + 2 + 6 + 2 * 7);
}

TEST_F(TermOps, DeepNestingUsesNoCStack) {
  constexpr int kDepth = 1'000'000;
  Term a = I(1), b = I(1), c = I(2);
  for (int i = 0; i < kDepth; ++i) {
    a = make_cons_cell(heap, a, kNil);
    b = make_cons_cell(heap, b, kNil);
    c = make_cons_cell(heap, c, kNil);
  }
  EXPECT_EQ(compare(a, b), 0);
  EXPECT_TRUE(exact_equal(a, b));
  EXPECT_LT(compare(a, c), 0);
  EXPECT_FALSE(exact_equal(a, c));
  EXPECT_EQ(hash_term(a), hash_term(b));
  EXPECT_NE(hash_term(a), hash_term(c));

  // Deep tuples too.
  Term ta = I(0), tb = I(0);
  for (int i = 0; i < kDepth; ++i) {
    ta = tuple({ta, I(i)});
    tb = tuple({tb, I(i)});
  }
  EXPECT_TRUE(exact_equal(ta, tb));
  EXPECT_EQ(compare(ta, tb), 0);
}

// Tries nested as keys of tries: level L is the 16 keys 0..15 plus the
// level below and `q` (two tries of 18 entries), so ordering level L's keys
// orders level L-1's, down to the bottom: 18 keys from `seed`.
class NestedTries : public TermOps {
 protected:
  Term q = kNil;
  void SetUp() override {
    TermOps::SetUp();
    q = ints(200, 18);
  }
  Term ints(int from, int n) {
    std::vector<Term> kv;
    for (int i = from; i < from + n; ++i) kv.insert(kv.end(), {I(i), I(i)});
    return map(kv);
  }
  Term nest(int depth, int seed) {
    Term acc = ints(seed, 18);
    for (int level = 1; level <= depth; ++level) {
      std::vector<Term> kv;
      for (int i = 0; i < 16; ++i) kv.insert(kv.end(), {I(i), I(i)});
      kv.insert(kv.end(), {acc, I(level), q, I(0)});
      acc = map(kv);
    }
    return acc;
  }
};

TEST_F(NestedTries, OrderIsTheSameAtEveryDepth) {
  // Around the depth where nested sorts switch to the bottom-up sort.
  for (int depth : {0, 1, 2, 23, 24, 25, 26, 60}) {
    SCOPED_TRACE(depth);
    const Term x = nest(depth, 100), y = nest(depth, 100), w = nest(depth, 101);
    EXPECT_EQ(compare(x, y), 0);
    EXPECT_EQ(compare_exact(x, y), 0);
    EXPECT_LT(compare(x, w), 0);
    EXPECT_GT(compare_exact(w, x), 0);
    EXPECT_TRUE(exact_equal(x, y));
    EXPECT_FALSE(equal(x, w));
    EXPECT_EQ(hash_term(x), hash_term(y));
    // A small map and a trie holding both order them the same way.
    const Term small = map({w, atom("w"), x, atom("x")});
    ASSERT_EQ(box_kind(small), BoxKind::MapFlat);
    EXPECT_EQ(boxed_ptr(small)[1], x);
    std::vector<Term> kv = {w, atom("w"), x, atom("x")};
    for (int i = 0; i < 20; ++i) kv.insert(kv.end(), {I(1000 + i), I(i)});
    std::vector<Term> sorted;
    map_sorted_entries(map(kv), sorted);
    ASSERT_EQ(sorted.size(), 44u);
    EXPECT_EQ(sorted[40], x);
    EXPECT_EQ(sorted[42], w);
    EXPECT_EQ(str(x), str(y));
  }
}

TEST_F(NestedTries, DeepNestingUsesBoundedCStack) {
  constexpr int kDepth = 900;  // a recursive walk needs ~1 KiB a level
  const Term x = nest(kDepth, 100), y = nest(kDepth, 100), w = nest(kDepth, 101);
  Term put_result = kNil;
  std::string printed_x, printed_y;
  int cmp_xy = 9, cmp_xw = 9, cmp_wx = 9;
  bool eq_xy = false, eq_xw = true;
  uint32_t hx = 0, hy = 1;
  // 512 KiB: ample for bounded walks (also under ASan), far below the
  // ~1 KiB per level a recursive sort needs.
  with_small_stack(512 * 1024, [&] {
    cmp_xy = compare_exact(x, y);
    cmp_xw = compare(x, w);
    cmp_wx = compare(w, x);
    eq_xy = exact_equal(x, y);
    eq_xw = equal(x, w);
    hx = hash_term(x);
    hy = hash_term(y);
    // Putting W into a small map holding X orders W against X.
    put_result = map_put(heap, map({x, atom("x")}), w, atom("w"));
    printed_x = str(x);
    printed_y = str(y);
  });
  EXPECT_EQ(cmp_xy, 0);
  EXPECT_LT(cmp_xw, 0);
  EXPECT_GT(cmp_wx, 0);
  EXPECT_TRUE(eq_xy);
  EXPECT_FALSE(eq_xw);
  EXPECT_EQ(hx, hy);
  ASSERT_EQ(map_size(put_result), 2u);
  EXPECT_EQ(boxed_ptr(put_result)[1], x);
  EXPECT_EQ(boxed_ptr(put_result)[3], w);
  EXPECT_EQ(printed_x, printed_y);
  EXPECT_EQ(printed_x.substr(0, 16), "%{0 => 0, 1 => 1");
  // Every level prints its 16 small keys; the bottom prints 100 => 100.
  EXPECT_NE(printed_x.find("%{100 => 100, 101 => 101"), std::string::npos);
}

TEST_F(TermOps, LongListsCompareIteratively) {
  std::vector<Term> elems(2'000'000, I(7));
  const Term a = list(elems);
  elems.back() = I(8);
  const Term b = list(elems);
  EXPECT_LT(compare(a, b), 0);
  EXPECT_FALSE(exact_equal(a, b));
  EXPECT_NE(hash_term(a), hash_term(b));
}

// ---- binaries: order, equality, hashing by content; key_order_prefix ----

// Binaries whose bytes differ at every position around the 8-byte words a
// comparison reads, in plain and view form.
std::vector<std::string> binary_texts() {
  std::vector<std::string> texts = {"", std::string(1, '\0'), std::string(2, '\0'), std::string(9, '\0'), "\x7f", "\x80", "\xff"};
  const std::string base = "0123456789abcdefghijklmnopqrstuv";
  for (size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 24u, 31u}) {
    texts.push_back(base.substr(0, len));
    for (size_t at : {0u, 6u, 7u, 8u, 15u, 16u, 23u}) {
      if (at >= len) continue;
      for (char c : {'\0', '\x80', '\xff'}) {
        std::string t = base.substr(0, len);
        t[at] = c;
        texts.push_back(t);
      }
    }
    texts.push_back(base.substr(0, len) + std::string(1, '\0'));
  }
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  return texts;
}

TEST_F(TermOps, BinariesCompareEqualAndHashByTheirBytes) {
  const std::vector<std::string> texts = binary_texts();
  std::vector<Term> plain, views;
  for (const std::string& t : texts) {
    plain.push_back(bin(t));
    // The same bytes as a view into a longer binary (a slice of more than
    // kSliceCopyMaxBytes bytes is a view; shorter ones are copies).
    const Term holder = bin("<" + t + std::string(kSliceCopyMaxBytes + 1, '>'));
    views.push_back(binary_slice(heap, holder, 1, t.size() + kSliceCopyMaxBytes + 1));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(binary_size(views[i]), texts[i].size() + kSliceCopyMaxBytes + 1);
    for (size_t j = 0; j < texts.size(); ++j) {
      const int expected = sign(texts[i].compare(texts[j]));  // std::string compares bytes unsigned
      EXPECT_EQ(sign(compare(plain[i], plain[j])), expected) << i << " vs " << j;
      EXPECT_EQ(sign(compare_exact(plain[i], plain[j])), expected) << i << " vs " << j;
      EXPECT_EQ(exact_equal(plain[i], plain[j]), i == j) << i << " vs " << j;
      EXPECT_EQ(equal(plain[i], plain[j]), i == j) << i << " vs " << j;
      const int expected_views = sign((texts[i] + std::string(kSliceCopyMaxBytes + 1, '>')).compare(texts[j] + std::string(kSliceCopyMaxBytes + 1, '>')));
      EXPECT_EQ(sign(compare(views[i], views[j])), expected_views) << i << " vs " << j;
      EXPECT_EQ(exact_equal(views[i], views[j]), i == j) << i << " vs " << j;
    }
    const Term copy = bin(texts[i] + std::string(kSliceCopyMaxBytes + 1, '>'));
    EXPECT_EQ(box_kind(views[i]), BoxKind::SubBinary);
    EXPECT_TRUE(exact_equal(views[i], copy));
    EXPECT_EQ(compare(views[i], copy), 0);
    EXPECT_EQ(hash_term(views[i]), hash_term(copy));
    // Hashing inside a tuple agrees with hashing alone (the fast path for a
    // lone binary and the walk fold the same tokens).
    EXPECT_EQ(hash_term(tuple({views[i]})), hash_term(tuple({copy})));
  }
  EXPECT_NE(hash_term(bin("abcdefgh")), hash_term(bin("abcdefgh" + std::string(1, '\0'))));
  EXPECT_NE(hash_term(bin("")), hash_term(bin(std::string(1, '\0'))));
}

TEST_F(TermOps, KeyOrderPrefixNeverContradictsCompareExact) {
  std::vector<Term> keys;
  for (const std::string& t : binary_texts()) keys.push_back(bin(t));
  const Term holder = bin(std::string(40, 'q'));
  keys.push_back(binary_slice(heap, holder, 3, 20));
  for (Term t : {I(0), I(-1), I(1), I(kSmallIntMin), I(kSmallIntMax), F(0.0), F(-0.0), F(-1.5), F(1.5), F(-1e308), F(1e308),
                 kNil, make_pid(1), make_pid(7), make_ref(1), make_ref(7)})
    keys.push_back(t);
  for (__int128 v : {__int128{1} << 60, -(__int128{1} << 60), (__int128{1} << 100), -(__int128{1} << 100)})
    keys.push_back(make_integer(heap, v));
  keys.insert(keys.end(), {atom("a"), atom("b"), tuple({}), tuple({I(9)}), tuple({I(1), I(1)}), list({I(1)}), map({}),
                           map({I(1), I(1)}), make_closure(heap, fn_a, {}), make_closure(heap, fn_b, {I(1)})});
  auto triple = [](Term k) {
    const KeyOrderPrefix p = key_order_prefix(k);
    return std::tuple(p.rank, p.hi, p.lo);
  };
  for (Term a : keys) {
    for (Term b : keys) {
      if (compare_exact(a, b) < 0) {
        EXPECT_LE(triple(a), triple(b)) << str(a) << " < " << str(b);
      }
    }
  }
  // Distinct short binaries and small integers get distinct prefixes: no
  // tie for compare_exact to break.
  EXPECT_LT(triple(bin("abc")), triple(bin("abd")));
  // Trailing zero bytes pad alike: those ties go to compare_exact.
  EXPECT_EQ(triple(bin("abc")), triple(bin(std::string("abc") + '\0')));
  EXPECT_NE(triple(I(5)), triple(I(6)));
  EXPECT_NE(triple(bin("0123456789abcdef")), triple(bin("0123456789abcdeg")));
}

}  // namespace
}  // namespace lzr
