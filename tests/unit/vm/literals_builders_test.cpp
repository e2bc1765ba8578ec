#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "vm/literals.h"
#include "vm/term_ops.h"
#include "vm_test_support.h"

namespace lzr {
namespace {

using test::I;
using test::list_length;
using test::Terms;

Literal lit_int(int64_t v) {
  Literal l;
  l.kind = Literal::Kind::Int;
  l.i = v;
  return l;
}
Literal lit_float(double d) {
  Literal l;
  l.kind = Literal::Kind::Float;
  l.f = d;
  return l;
}
Literal lit_text(Literal::Kind kind, std::string s) {
  Literal l;
  l.kind = kind;
  l.text = std::move(s);
  return l;
}
Literal lit_items(Literal::Kind kind, std::vector<Literal> items) {
  Literal l;
  l.kind = kind;
  l.items = std::move(items);
  return l;
}

TEST(Builders, Shapes) {
  Terms t;
  const Term l = make_list(t.heap, std::vector<Term>{I(1), I(2), I(3)}, I(4));
  EXPECT_EQ(t.str(l), "[1, 2, 3 | 4]");
  EXPECT_EQ(make_list(t.heap, {}, I(9)), I(9));
  EXPECT_EQ(make_list(t.heap, {}), kNil);
  const Term e1 = make_tuple(t.heap, {});
  EXPECT_TRUE(is_tuple(e1));
  EXPECT_EQ(tuple_arity(e1), 0u);
  EXPECT_FALSE(t.heap.owns(boxed_ptr(e1)));  // the shared immortal empty tuple
  const Term c = make_cons_cell(t.heap, I(1), kNil);
  EXPECT_EQ(t.str(c), "[1]");
  const Term b = make_binary(t.heap, "abcdefghij");
  EXPECT_EQ(binary_size(b), 10u);
  EXPECT_EQ(header_words(boxed_ptr(b)[0]), binary_words(10));
  EXPECT_EQ(binary_bytes(b)[9], 'j');
  EXPECT_EQ(binary_bytes(b)[10], 0);  // padding is zeroed
  uint8_t* data = nullptr;
  const Term raw = alloc_binary(t.heap, 3, data);
  data[0] = 'x', data[1] = 'y', data[2] = 'z';
  EXPECT_EQ(t.str(raw), "\"xyz\"");
  EXPECT_EQ(t.str(make_binary(t.heap, "")), "\"\"");
  EXPECT_EQ(header_words(boxed_ptr(make_binary(t.heap, ""))[0]), 1u);
}

TEST(Literals, MaterializeNestedTerms) {
  Terms t;
  LiteralArena arena;
  std::string err;
  std::vector<Literal> kv;
  for (int i = 0; i < 20; ++i) {
    kv.push_back(lit_text(Literal::Kind::Atom, "key" + std::to_string(i)));
    kv.push_back(lit_int(i));
  }
  const Literal lit = lit_items(
      Literal::Kind::Tuple,
      {lit_int(-3), lit_float(2.5), lit_text(Literal::Kind::Atom, "ok"), lit_text(Literal::Kind::Binary, "bytes"),
       lit_items(Literal::Kind::List, {lit_int(1), lit_items(Literal::Kind::List, {})}),
       lit_items(Literal::Kind::Map, {lit_text(Literal::Kind::Atom, "b"), lit_int(2),
                                      lit_text(Literal::Kind::Atom, "a"), lit_int(1)}),
       lit_items(Literal::Kind::Map, kv), lit_items(Literal::Kind::Tuple, {})});
  const auto term = arena.materialize(lit, t.atoms, err);
  ASSERT_TRUE(term.has_value()) << err;
  EXPECT_GT(arena.words(), 0u);
  EXPECT_FALSE(t.heap.owns(boxed_ptr(*term)));
  const std::string s = t.str(*term);
  EXPECT_EQ(s.rfind("{-3, 2.5, :ok, \"bytes\", [1, []], %{a: 1, b: 2}, %{key0: 0, key1: 1, key10: 10,", 0), 0u) << s;
  EXPECT_TRUE(s.ends_with(", key8: 8, key9: 9}, {}}")) << s;

  // The literal equals the same term built on the heap.
  std::vector<Term> heap_kv;
  for (int i = 0; i < 20; ++i) heap_kv.insert(heap_kv.end(), {t.atom("key" + std::to_string(i)), I(i)});
  const Term on_heap = t.tuple({I(-3), make_float(2.5), t.atom("ok"), t.bin("bytes"), t.list({I(1), kNil}),
                                t.map({t.atom("a"), I(1), t.atom("b"), I(2)}), t.map(heap_kv), t.tuple({})});
  EXPECT_TRUE(exact_equal(*term, on_heap));
  EXPECT_EQ(hash_term(*term), hash_term(on_heap));
  EXPECT_EQ(*map_find(tuple_elems(*term)[6], t.atom("key17")), I(17));
}

TEST(Literals, HeapMapsBuiltOnLiteralMapsSurviveCollections) {
  Terms t;
  LiteralArena arena;
  std::string err;
  std::vector<Literal> kv;
  for (int i = 0; i < 100; ++i) {
    kv.push_back(lit_int(i));
    kv.push_back(lit_text(Literal::Kind::Binary, "v" + std::to_string(i)));
  }
  const Term literal = *arena.materialize(lit_items(Literal::Kind::Map, kv), t.atoms, err);
  Term x[32] = {};
  x[0] = literal;
  for (int i = 0; i < 100; i += 3) x[0] = map_put(t.heap, x[0], I(i), I(-i));  // shares literal nodes
  x[1] = map_remove(t.heap, literal, I(50));
  GcRoots roots;
  roots.x = x;
  roots.x_live = 0b11;
  t.heap.collect(roots);
  for (int i = 0; i < 100; ++i) {
    const Term* v = map_find(x[0], I(i));
    ASSERT_NE(v, nullptr);
    if (i % 3 == 0) {
      EXPECT_EQ(*v, I(-i));
    } else {
      EXPECT_EQ(t.str(*v), "\"v" + std::to_string(i) + "\"");
    }
  }
  EXPECT_EQ(map_size(x[1]), 99u);
  EXPECT_EQ(map_find(x[1], I(50)), nullptr);
  EXPECT_EQ(map_size(literal), 100u);  // the literal itself is untouched
  EXPECT_EQ(t.str(*map_find(literal, I(0))), "\"v0\"");
}

TEST(Literals, DeepLiteralListDoesNotRecurse) {
  Terms t;
  LiteralArena arena;
  std::string err;
  std::vector<Literal> items;
  for (int i = 0; i < 100000; ++i) items.push_back(lit_int(i % 7));
  const auto term = arena.materialize(lit_items(Literal::Kind::List, std::move(items)), t.atoms, err);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(list_length(*term), 100000);
  EXPECT_GE(arena.words(), 200000u);
}

TEST(Literals, RejectsWhatTheVmCannotHold) {
  Terms t;
  LiteralArena arena;
  std::string err;
  EXPECT_FALSE(arena.materialize(lit_int(int64_t{1} << 47), t.atoms, err).has_value());
  EXPECT_EQ(err, "integer 140737488355328 does not fit a small integer");
  EXPECT_TRUE(arena.materialize(lit_int(-(int64_t{1} << 47)), t.atoms, err).has_value());
  EXPECT_FALSE(arena.materialize(lit_float(INFINITY), t.atoms, err).has_value());
  EXPECT_EQ(err, "float literal is not finite");
  const Literal long_atom = lit_text(Literal::Kind::Atom, std::string(256, 'a'));
  EXPECT_FALSE(arena.materialize(lit_items(Literal::Kind::List, {lit_int(1), long_atom}), t.atoms, err).has_value());
  EXPECT_EQ(err, "atom longer than 255 bytes");
  EXPECT_FALSE(arena.materialize(lit_items(Literal::Kind::Map, {lit_int(1)}), t.atoms, err).has_value());
  EXPECT_EQ(err, "map literal has an odd number of items");
}

}  // namespace
}  // namespace lzr
