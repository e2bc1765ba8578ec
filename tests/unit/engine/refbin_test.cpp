// Reference-counted off-heap binaries (vm/refbin.h): born from
// kRefBinMinBytes on, shared by message copies, released by collections
// and heap deaths (docs/terms.md, "Binaries").
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "proc/copy.h"
#include "vm/binaries.h"
#include "vm/builders.h"
#include "vm/heap.h"
#include "vm/process.h"
#include "vm/refbin.h"

namespace lzr {
namespace {

GcRoots x_roots(Term* x, uint32_t live) {
  GcRoots r;
  r.x = x;
  r.x_live = live;
  return r;
}

// A heap's first collection is a major one (there is no old generation to
// promote into yet): tests of minor collections start after it.
std::unique_ptr<Heap> quiet_heap() {
  auto h = std::make_unique<Heap>();
  h->set_stress(false);
  Term x[32] = {};
  h->collect(x_roots(x, 0));
  return h;
}

// A binary of `n` bytes, byte i = (i * 7 + seed) mod 256.
Term patterned(Heap& heap, size_t n, unsigned seed = 0) {
  uint8_t* data;
  const Term t = alloc_binary(heap, n, data);
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 7 + seed);
  return t;
}

bool has_pattern(Term t, size_t from, size_t n, unsigned seed = 0) {
  if (!is_binary(t) || binary_size(t) != n) return false;
  const uint8_t* b = binary_bytes(t);
  for (size_t i = 0; i < n; ++i)
    if (b[i] != static_cast<uint8_t>((from + i) * 7 + seed)) return false;
  return true;
}

// The off-heap block behind a binary, or nullptr for inline bytes.
RefBlock* block_of(Term t) {
  const Term* o = boxed_ptr(t);
  if (header_kind(o[0]) != BoxKind::SubBinary) return nullptr;
  const Term* holder = boxed_ptr(o[1]);
  return header_kind(holder[0]) == BoxKind::RefBin ? refbin_block(holder) : nullptr;
}

// Watches a block: holds one reference of its own, so the count can be read
// after every other holder has gone; released at the end of the test.
struct Watch {
  RefBlock* b;
  explicit Watch(RefBlock* block) : b(block) { refblock_retain(b); }
  ~Watch() { refblock_release(b); }
  uint64_t others() const { return b->refs.load() - 1; }
};

TEST(RefBin, BinariesFromTheThresholdOnAreBornOffHeap) {
  auto heap = quiet_heap();
  const Term small = patterned(*heap, kRefBinMinBytes - 1);
  EXPECT_EQ(box_kind(small), BoxKind::Binary);
  EXPECT_EQ(heap->refbin_count(), 0u);
  for (size_t n : {kRefBinMinBytes, kRefBinMinBytes + 1}) {
    const size_t before = heap->used_words();
    const Term big = patterned(*heap, n);
    ASSERT_NE(block_of(big), nullptr) << n;
    EXPECT_EQ(heap->used_words() - before, kRefBinWords + kSubBinaryWords);
    EXPECT_TRUE(has_pattern(big, 0, n));
    EXPECT_EQ(block_of(big)->refs.load(), 1u);
  }
  EXPECT_EQ(heap->refbin_count(), 2u);
  EXPECT_EQ(heap->offheap_bytes(), 2 * kRefBinMinBytes + 1);
}

TEST(RefBin, ACopyIntoAnotherHeapSharesTheBytes) {
  constexpr size_t kTen = size_t{10} << 20;
  auto a = quiet_heap(), b = quiet_heap();
  uint8_t* data;
  const Term big = alloc_binary(*a, kTen, data);
  std::memset(data, 0xAB, kTen);
  const Term msg = lzr::make_tuple(*a, std::vector<Term>{big, big});
  const size_t words = copy_size(msg);
  EXPECT_EQ(words, 3 + 2 * (kRefBinWords + kSubBinaryWords)) << "holders and views only, no bytes";
  const Term copy = copy_term(msg, b->alloc(words), b.get());
  const Term c0 = tuple_elems(copy)[0];
  EXPECT_EQ(binary_bytes(c0), binary_bytes(big)) << "the same bytes, not a copy";
  Watch w(block_of(big));
  EXPECT_EQ(w.others(), 3u);  // a's holder and b's two (a copy does not preserve sharing)
  EXPECT_EQ(b->refbin_count(), 2u);
  a.reset();
  EXPECT_EQ(w.others(), 2u);
  EXPECT_EQ(binary_size(c0), kTen);
  EXPECT_EQ(binary_bytes(c0)[0], 0xAB);
  EXPECT_EQ(binary_bytes(c0)[kTen - 1], 0xAB);
  b.reset();
  EXPECT_EQ(w.others(), 0u);
}

TEST(RefBin, MinorCollectionsReleaseDeadYoungHoldersAndKeepOldOnes) {
  auto heap = quiet_heap();
  Term x[32] = {};
  x[0] = patterned(*heap, 1000, 1);
  const Term dead = patterned(*heap, 1000, 2);
  Watch live_w(block_of(x[0])), dead_w(block_of(dead));
  heap->collect(x_roots(x, 0b1));
  EXPECT_EQ(heap->stats().major_collections, 1u);  // quiet_heap's
  EXPECT_EQ(live_w.others(), 1u);
  EXPECT_EQ(dead_w.others(), 0u) << "a holder nothing reached gives its reference back";
  EXPECT_EQ(heap->refbin_count(), 1u);
  EXPECT_TRUE(has_pattern(x[0], 0, 1000, 1));
  EXPECT_EQ(block_of(x[0]), live_w.b) << "a surviving holder still points to its block";

  x[0] = kNil;  // dead now, but promoted: a minor collection does not look at it
  heap->collect(x_roots(x, 0b1));
  EXPECT_EQ(heap->stats().major_collections, 1u);
  EXPECT_EQ(live_w.others(), 1u);
  heap->collect_major(x_roots(x, 0b1));
  EXPECT_EQ(live_w.others(), 0u);
  EXPECT_EQ(heap->refbin_count(), 0u);
  EXPECT_EQ(heap->offheap_bytes(), 0u);
}

TEST(RefBin, AViewOutlivesItsParentBinary) {
  auto heap = quiet_heap();
  Term x[32] = {};
  x[1] = patterned(*heap, 1000);
  x[0] = binary_slice(*heap, x[1], 100, 400);  // 40%: keeps the block
  Watch w(block_of(x[1]));
  EXPECT_EQ(block_of(x[0]), w.b);
  x[1] = kNil;
  heap->collect(x_roots(x, 0b11));
  EXPECT_TRUE(has_pattern(x[0], 100, 400));
  EXPECT_EQ(block_of(x[0]), w.b);
  EXPECT_EQ(w.others(), 1u);
  heap->collect_major(x_roots(x, 0b11));
  EXPECT_TRUE(has_pattern(x[0], 100, 400));
  x[0] = kNil;
  heap->collect_major(x_roots(x, 0b1));
  EXPECT_EQ(w.others(), 0u);
}

TEST(RefBin, SmallSlicesDoNotPinAHugeBinary) {
  auto heap = quiet_heap();
  Term x[32] = {};
  x[2] = patterned(*heap, size_t{1} << 20);
  x[0] = binary_slice(*heap, x[2], 1000, 100);
  x[1] = binary_slice(*heap, x[2], 5000, 30);
  Watch w(block_of(x[2]));
  x[2] = kNil;
  heap->collect(x_roots(x, 0b11));
  EXPECT_EQ(w.others(), 0u) << "the slices' 130 bytes moved out; the megabyte is free";
  EXPECT_TRUE(has_pattern(x[0], 1000, 100));
  EXPECT_TRUE(has_pattern(x[1], 5000, 30));
  ASSERT_NE(block_of(x[0]), nullptr);
  EXPECT_EQ(block_of(x[0]), block_of(x[1])) << "one block for the views of one holder";
  EXPECT_EQ(block_of(x[0])->size, 130u);
  EXPECT_EQ(heap->refbin_count(), 1u);
  EXPECT_EQ(heap->offheap_bytes(), 130u);
  heap->collect_major(x_roots(x, 0b11));
  EXPECT_TRUE(has_pattern(x[0], 1000, 100));
  EXPECT_TRUE(has_pattern(x[1], 5000, 30));
}

TEST(RefBin, AMessageFragmentOwnsItsReferencesUntilAHeapTakesThem) {
  auto a = quiet_heap(), b = quiet_heap();
  const Term big = patterned(*a, 5000);
  const Term msg = lzr::make_list(*a, std::vector<Term>{big, make_binary(*a, "small")});
  Watch w(block_of(big));
  Message* dropped = Message::make(copy_size(msg));
  dropped->term = copy_term(msg, dropped->fragment(), nullptr);
  EXPECT_EQ(w.others(), 2u);
  Message::discard(dropped);  // e.g. a process that died with it unread
  EXPECT_EQ(w.others(), 1u);

  Message* m = Message::make(copy_size(msg));
  m->term = copy_term(msg, m->fragment(), nullptr);
  Term* dst = b->alloc(m->words);
  std::memcpy(dst, m->fragment(), m->words * sizeof(Term));
  const Term got = relocate_block(m->term, m->fragment(), dst, m->words, *b);
  m->words = 0;
  Message::discard(m);  // its term is in b's heap now: nothing to release
  EXPECT_EQ(w.others(), 2u);
  EXPECT_EQ(b->refbin_count(), 1u);
  EXPECT_TRUE(has_pattern(cons_head(got), 0, 5000));
  a.reset();
  EXPECT_TRUE(has_pattern(cons_head(got), 0, 5000));
  b.reset();
  EXPECT_EQ(w.others(), 0u);
}

TEST(RefBin, LargeInlineBytesAreMovedOffHeapOnceWhenCopied) {
  auto a = quiet_heap(), b = quiet_heap();
  // A writable buffer's view stays on the heap while it grows...
  AppendError err;
  Term buf = binary_append(*a, make_binary(*a, ""), make_binary(*a, std::string(100, 'q')), err);
  ASSERT_EQ(err, AppendError::None);
  EXPECT_EQ(block_of(buf), nullptr);
  // ...and its copy is an off-heap binary, shared from then on.
  const Term copy = copy_term(buf, b->alloc(copy_size(buf)), b.get());
  ASSERT_NE(block_of(copy), nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(binary_bytes(copy)), binary_size(copy)), std::string(100, 'q'));
  // A short view of a buffer is copied inline, just its bytes.
  const Term part = binary_slice(*a, buf, 10, 30);
  EXPECT_EQ(copy_size(part), 1 + binary_words(30));
}

TEST(RefBin, OffHeapBytesRequestCollections) {
  auto heap = quiet_heap();
  Term x[32] = {};
  size_t peak = 0;
  for (int i = 0; i < 200; ++i) {
    uint8_t* data;
    x[0] = alloc_binary(*heap, size_t{1} << 20, data);  // 200 MiB in all, one live at a time
    data[0] = 1;
    peak = std::max<size_t>(peak, heap->offheap_bytes());
    if (heap->gc_requested()) heap->collect(x_roots(x, 0b1));
  }
  EXPECT_GE(heap->stats().collections, 100u);
  // Promoted binaries that die wait for a major collection, which comes
  // when the old generation's off-heap bytes double: a few live at once.
  EXPECT_LE(peak, 4u << 20) << "bounded: 200 MiB were made";
  EXPECT_LE(heap->refbin_count(), 4u);
}

TEST(RefBin, PromotedBinariesThatDieMakeTheNextCollectionMajor) {
  auto heap = quiet_heap();
  Term x[32] = {};
  x[0] = kNil;
  for (int i = 0; i < 8; ++i) x[0] = make_cons_cell(*heap, patterned(*heap, 256 << 10), x[0]);
  heap->collect(x_roots(x, 0b1));  // a minor one: 2 MiB promoted
  EXPECT_EQ(heap->stats().major_collections, 1u);
  EXPECT_EQ(heap->offheap_bytes(), 8u * (256 << 10));
  x[0] = kNil;
  heap->collect(x_roots(x, 0b1));
  EXPECT_EQ(heap->stats().major_collections, 2u) << "the old generation's off-heap bytes passed their limit";
  EXPECT_EQ(heap->offheap_bytes(), 0u);
}

TEST(RefBin, StressCollectionsKeepEveryViewRight) {
  Heap heap;
  heap.set_stress(true);
  Term x[32] = {};
  for (int i = 0; i < 300; ++i) {
    const unsigned slot = i % 8;
    if (i % 3 == 0) {
      x[slot] = patterned(heap, 64 + i * 13, slot);
    } else if (is_binary(x[(slot + 5) % 8])) {
      const Term src = x[(slot + 5) % 8];
      const uint64_t n = binary_size(src);
      x[slot] = binary_slice(heap, src, n / 3, n / 2);
    }
    heap.collect(x_roots(x, 0xFF));
    // Every binary still reads as a run of the pattern from some offset.
    for (unsigned k = 0; k < 8; ++k) {
      if (!is_binary(x[k]) || binary_size(x[k]) < 2) continue;
      const uint8_t* b = binary_bytes(x[k]);
      for (uint64_t j = 1; j < binary_size(x[k]); ++j) ASSERT_EQ(static_cast<uint8_t>(b[j] - b[j - 1]), 7u);
    }
  }
  EXPECT_GT(heap.stats().major_collections, 0u);
}

}  // namespace
}  // namespace lzr
