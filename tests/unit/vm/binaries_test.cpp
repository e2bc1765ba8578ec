// Binary views, writable buffers and bit reading (src/vm/binaries.*), and
// how the collector treats views (docs/terms.md, "Binaries").
#include <gtest/gtest.h>

#include <string>

#include "vm/binaries.h"
#include "vm/term_ops.h"
#include "vm_test_support.h"

namespace lzr {
namespace {

using test::Terms;

std::string text(Term b) { return std::string(reinterpret_cast<const char*>(binary_bytes(b)), binary_size(b)); }

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

GcRoots x_roots(Term* x, uint32_t live) {
  GcRoots r;
  r.x = x;
  r.x_live = live;
  return r;
}

TEST(BinarySlice, ViewsCopiesAndTheWholeBinary) {
  Terms t;
  const Term b = t.bin(pattern(100));
  EXPECT_EQ(binary_slice(t.heap, b, 0, 100), b);  // all of it: the binary itself
  const Term small = binary_slice(t.heap, b, 3, kSliceCopyMaxBytes);
  EXPECT_EQ(box_kind(small), BoxKind::Binary);  // no larger than a view: a copy
  EXPECT_EQ(text(small), pattern(100).substr(3, kSliceCopyMaxBytes));
  const Term v = binary_slice(t.heap, b, 10, 80);
  ASSERT_EQ(box_kind(v), BoxKind::SubBinary);
  EXPECT_TRUE(is_binary(v));
  EXPECT_EQ(binary_bytes(v), binary_bytes(b) + 10);  // the same bytes, not a copy
  EXPECT_EQ(text(v), pattern(100).substr(10, 80));
  const Term vv = binary_slice(t.heap, v, 5, 40);  // a view of a view names the holder
  ASSERT_EQ(box_kind(vv), BoxKind::SubBinary);
  EXPECT_EQ(boxed_ptr(vv)[1], make_boxed(binary_holder(b)));  // b's holder (100 bytes: off-heap)
  EXPECT_EQ(int_value(boxed_ptr(vv)[2]), 15);
  EXPECT_EQ(text(vv), pattern(100).substr(15, 40));
}

TEST(BinarySlice, AViewEqualsHashesAndOrdersAsThePlainBinary) {
  Terms t;
  const Term b = t.bin(pattern(60));
  const Term v = binary_slice(t.heap, b, 7, 40);
  const Term plain = t.bin(pattern(60).substr(7, 40));
  EXPECT_TRUE(exact_equal(v, plain));
  EXPECT_TRUE(equal(v, plain));
  EXPECT_EQ(compare(v, plain), 0);
  EXPECT_EQ(hash_term(v), hash_term(plain));
  EXPECT_EQ(hash_term(t.tuple({v, v})), hash_term(t.tuple({plain, plain})));
  EXPECT_FALSE(exact_equal(v, t.bin(pattern(60).substr(7, 39))));
  EXPECT_LT(compare(binary_slice(t.heap, b, 7, 39), v), 0);  // a prefix first
  const Term m = t.map({plain, test::I(1)});
  ASSERT_NE(map_find(m, v), nullptr);
  EXPECT_EQ(t.str(v), "\"" + pattern(60).substr(7, 40) + "\"");
}

// The collector: a view keeps its holder when the holder is live anyway or
// the views together cover a quarter of it; otherwise each view's bytes
// are copied out and the holder is freed.
TEST(BinaryViewsInGc, ASmallViewDoesNotPinItsBinary) {
  for (bool major : {true, false}) {
    Heap heap(2048);
    heap.set_stress(false);
    Term x[32] = {};
    x[0] = make_binary(heap, pattern(100000));
    x[1] = binary_slice(heap, x[0], 500, 100);
    x[0] = kNil;
    if (major) {
      heap.collect_major(x_roots(x, 0b10));
    } else {
      heap.collect(x_roots(x, 0b10));
    }
    EXPECT_EQ(text(x[1]), pattern(100000).substr(500, 100));
    EXPECT_LT(heap.used_words(), 100u) << (major ? "major" : "minor");  // the view and 100 bytes
    EXPECT_EQ(box_kind(x[1]), BoxKind::SubBinary);
    EXPECT_EQ(int_value(boxed_ptr(x[1])[2]), 0);  // now a view of its own copy
  }
}

TEST(BinaryViewsInGc, ALargeViewKeepsItsBinary) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = make_binary(heap, pattern(100000));
  x[1] = binary_slice(heap, x[0], 1000, 30000);
  x[0] = kNil;
  heap.collect_major(x_roots(x, 0b10));
  EXPECT_EQ(text(x[1]), pattern(100000).substr(1000, 30000));
  EXPECT_EQ(heap.offheap_bytes(), 100000u);  // the whole binary, off-heap
  EXPECT_EQ(int_value(boxed_ptr(x[1])[2]), 1000);
}

// The same rules for a holder with its bytes inline (a writable buffer).
TEST(BinaryViewsInGc, ALargeViewKeepsItsInlineBuffer) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  AppendError err;
  x[0] = binary_append(heap, make_binary(heap, ""), make_binary(heap, pattern(50000)), err);
  x[1] = binary_slice(heap, x[0], 1000, 30000);
  x[0] = kNil;
  heap.collect_major(x_roots(x, 0b10));
  EXPECT_EQ(text(x[1]), pattern(50000).substr(1000, 30000));
  EXPECT_GE(heap.used_words(), 100000u / 8);  // the buffer's capacity: twice the bytes
  EXPECT_EQ(int_value(boxed_ptr(x[1])[2]), 1000);
}

TEST(BinaryViewsInGc, AViewAndItsLiveBinaryShareTheBytes) {
  for (bool major : {true, false}) {
    Heap heap(2048);
    heap.set_stress(false);
    Term x[32] = {};
    x[0] = binary_slice(heap, make_binary(heap, pattern(50000)), 10, 20);  // the view first in the roots
    x[1] = boxed_ptr(x[0])[1];
    if (major) {
      heap.collect_major(x_roots(x, 0b11));
    } else {
      heap.collect(x_roots(x, 0b11));
    }
    EXPECT_EQ(boxed_ptr(x[0])[1], x[1]);
    EXPECT_EQ(binary_bytes(x[0]), binary_bytes(x[1]) + 10);
    EXPECT_LT(heap.used_words(), 50000u / 8 + 20);  // copied once
  }
}

// Small views that together cover a quarter of their binary keep it
// (shared), and views that cover less get their bytes moved: from an
// off-heap binary into one new block for them all, from an inline buffer
// each into a plain binary of its own.
TEST(BinaryViewsInGc, SmallViewsTogetherCoveringAQuarterKeepTheirBinary) {
  for (size_t len : {40, 30}) {  // 30 views: 1200 bytes of 4000 kept, 900 moved
    Heap heap(2048);
    heap.set_stress(false);
    Term x[32] = {};
    x[0] = make_binary(heap, pattern(4000));
    for (int i = 1; i < 31; ++i) x[i] = binary_slice(heap, x[0], 100 * i, len);
    const Term* old_holder = boxed_ptr(x[0]);
    x[0] = kNil;
    heap.collect_major(x_roots(x, 0x7FFFFFFEu));
    for (int i = 1; i < 31; ++i) {
      EXPECT_EQ(text(x[i]), pattern(4000).substr(100 * i, len));
      EXPECT_EQ(boxed_ptr(x[i])[1], boxed_ptr(x[1])[1]);
      EXPECT_NE(boxed_ptr(boxed_ptr(x[i])[1]), old_holder);
    }
    EXPECT_EQ(heap.offheap_bytes(), len == 40 ? 4000u : 900u);
    EXPECT_EQ(heap.refbin_count(), 1u);
  }
}

TEST(BinaryViewsInGc, SmallViewsOfAnInlineBufferAreCopiedOutEachOnItsOwn) {
  for (size_t len : {70, 30}) {  // a buffer of 8000 bytes' capacity: 2100 kept, 900 copied out
    Heap heap(2048);
    heap.set_stress(false);
    Term x[32] = {};
    AppendError err;
    x[0] = binary_append(heap, make_binary(heap, ""), make_binary(heap, pattern(4000)), err);
    for (int i = 1; i < 31; ++i) x[i] = binary_slice(heap, x[0], 100 * i, len);
    const Term* old_holder = binary_holder(x[0]);
    x[0] = kNil;
    heap.collect_major(x_roots(x, 0x7FFFFFFEu));
    for (int i = 1; i < 31; ++i) {
      EXPECT_EQ(text(x[i]), pattern(4000).substr(100 * i, len));
      if (len == 70) EXPECT_EQ(boxed_ptr(x[i])[1], boxed_ptr(x[1])[1]);
      if (len == 30) EXPECT_EQ(int_value(boxed_ptr(x[i])[2]), 0);
      EXPECT_NE(binary_holder(x[i]), old_holder);
    }
    if (len == 30) EXPECT_LE(heap.used_words(), 30u * (4 + 6));  // views and their copies
    EXPECT_EQ(heap.offheap_bytes(), 0u);
  }
}

TEST(BinaryAppend, GrowsInPlaceWhileTheBinaryIsTheNewest) {
  Terms t;
  AppendError err;
  const Term a = binary_append(t.heap, t.bin("hello"), t.bin(" world"), err);
  ASSERT_EQ(err, AppendError::None);
  const Term b = binary_append(t.heap, a, make_int('!'), err);
  EXPECT_EQ(boxed_ptr(a)[1], boxed_ptr(b)[1]);  // the same buffer
  const Term c = binary_append(t.heap, a, make_int('?'), err);  // a is no longer the newest
  EXPECT_NE(boxed_ptr(a)[1], boxed_ptr(c)[1]);
  EXPECT_EQ(text(a), "hello world");
  EXPECT_EQ(text(b), "hello world!");
  EXPECT_EQ(text(c), "hello world?");
  binary_append(t.heap, a, make_int(256), err);
  EXPECT_EQ(err, AppendError::BadPiece);
  binary_append(t.heap, a, t.atom("x"), err);
  EXPECT_EQ(err, AppendError::BadPiece);
}

// 2^20 one-byte pieces: each append allocates a 4-word view and the
// buffers double, so the words allocated grow linearly (copying the whole
// binary at every step would allocate 2^36 words).
TEST(BinaryAppend, AMillionPiecesTakeLinearSpace) {
  size_t used[2];
  for (int k = 0; k < 2; ++k) {
    const size_t n = size_t{1} << (19 + k);
    Heap heap(2048);
    heap.set_stress(false);
    AppendError err;
    Term b = make_binary(heap, "");
    for (size_t i = 0; i < n; ++i) b = binary_append(heap, b, make_int(static_cast<int64_t>(i & 255)), err);
    ASSERT_EQ(binary_size(b), n);
    EXPECT_EQ(binary_bytes(b)[n - 1], (n - 1) & 255);
    used[k] = heap.used_words();
    EXPECT_LT(used[k], 4 * n + n / 2 + 64);  // the views, plus buffers summing to < 4n bytes
  }
  EXPECT_LT(used[1], 2 * used[0] + 64);
}

TEST(BinaryRead, BitsAtAnyPosition) {
  const uint8_t b[] = {0x81, 0x02, 0xF3, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA};
  EXPECT_EQ(read_bits(b, 0, 1, false), 1u);
  EXPECT_EQ(read_bits(b, 0, 8, false), 0x81u);
  EXPECT_EQ(read_bits(b, 4, 8, false), 0x10u);
  EXPECT_EQ(read_bits(b, 0, 16, true), 0x0281u);
  EXPECT_EQ(read_bits(b, 0, 64, false), 0x8102F34455667788u);
  EXPECT_EQ(read_bits(b, 8, 64, true), 0x998877665544F302u);
  EXPECT_EQ(read_bits(b, 7, 64, false), 0x8179A22AB33BC44Cu);
}

TEST(BinaryRead, Utf8) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  EXPECT_EQ(read_utf8(p, 0, s.size()).value, 'a');
  EXPECT_EQ(read_utf8(p, 1, s.size()).value, 0xE9u);
  EXPECT_EQ(read_utf8(p, 1, s.size()).length, 2u);
  EXPECT_EQ(read_utf8(p, 3, s.size()).value, 0x20ACu);
  EXPECT_EQ(read_utf8(p, 6, s.size()).value, 0x1F600u);
  EXPECT_EQ(read_utf8(p, 2, s.size()).length, 0u);  // a continuation byte
  EXPECT_EQ(read_utf8(p, 6, 8).length, 0u);         // truncated
}

}  // namespace
}  // namespace lzr
