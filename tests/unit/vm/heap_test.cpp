#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "vm/function_info.h"
#include "vm/literals.h"
#include "vm/term_ops.h"
#include "vm_test_support.h"

namespace lzr {
namespace {

using test::I;
using test::list_length;
using test::Terms;

GcRoots x_roots(Term* x, uint32_t live) {
  GcRoots r;
  r.x = x;
  r.x_live = live;
  return r;
}

// [0, 1, ..., n-1] built cell by cell, as an engine would.
Term count_list(Heap& heap, int64_t n) {
  Term list = kNil;
  for (int64_t i = n - 1; i >= 0; --i) list = make_cons_cell(heap, I(i), list);
  return list;
}

TEST(Heap, BumpAllocatesUntilFullThenRequestsGc) {
  Heap heap(1024);
  heap.set_stress(false);
  EXPECT_FALSE(heap.gc_requested());
  Term* a = heap.alloc(10);
  Term* b = heap.alloc(6);
  EXPECT_EQ(b, a + 10);
  EXPECT_TRUE(heap.owns(a));
  EXPECT_EQ(heap.used_words(), 16u);
  while (!heap.gc_requested()) heap.alloc(8);
  EXPECT_GE(heap.used_words(), 1024u);
  Term* c = heap.alloc(100000);  // far beyond the capacity: still served
  c[99999] = 7;
  EXPECT_TRUE(heap.owns(c + 99999));
  int local = 0;
  EXPECT_FALSE(heap.owns(reinterpret_cast<Term*>(&local)));
}

// A request whose size in bytes does not fit 64 bits was once served by a
// one-page block (the byte count wrapped around): 2^61 + 1 words is 8 bytes
// after the wrap. Past the largest object (Heap::kMaxAllocWords) a request
// is out of memory, whatever the OS would say: alloc() ends the process
// with the out_of_memory line, try_alloc() returns nullptr.
TEST(HeapDeathTest, RequestsPastTheLargestObjectAreRefused) {
  for (size_t words : {(size_t{1} << 61) + 1, SIZE_MAX - 8, Heap::kMaxAllocWords + 1}) {
    auto alloc_too_much = [words] {
      Heap heap(1024);
      Term* p = heap.alloc(words);
      p[words - 1] = 0;  // what a binary's padding store would do
    };
    EXPECT_EXIT(alloc_too_much(), ::testing::ExitedWithCode(1),
                "^lzr: out_of_memory: an object of [0-9]+ MiB exceeds the largest object size\n$")
        << words;
    Heap heap(1024);
    EXPECT_EQ(heap.try_alloc(words), nullptr) << words;
    EXPECT_EQ(heap.used_words(), 0u) << "nothing allocated";
  }
}

TEST(Heap, TryAllocRefusesMoreThanTheMaximumHeap) {
  Heap heap(1024);
  heap.set_stress(false);
  heap.set_max_words(size_t{1} << 17);
  EXPECT_EQ(heap.max_words(), size_t{1} << 17);
  EXPECT_EQ(heap.try_alloc((size_t{1} << 17) + 1), nullptr);
  EXPECT_EQ(heap.used_words(), 0u);
  Term* p = heap.try_alloc(size_t{1} << 17);  // the whole limit: allowed, the next collection decides
  ASSERT_NE(p, nullptr);
  p[(size_t{1} << 17) - 1] = kNil;
  EXPECT_TRUE(heap.owns(p));
  Term* q = heap.try_alloc(10);
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(heap.gc_requested());
  // The nursery stays within a quarter of the limit.
  EXPECT_LE(heap.nursery_words(), (size_t{1} << 17) / 4);
}

TEST(Heap, MaximumHeapKeepsTheNurseryAQuarterOfIt) {
  Heap heap(1024);
  heap.set_stress(false);
  heap.set_max_words(size_t{1} << 16);  // 512 KiB
  Term x[32] = {};
  for (int round = 0; round < 40; ++round) {
    // 8000 live cells (16000 words) plus garbage each round.
    x[0] = count_list(heap, 8000);
    count_list(heap, 20000);
    heap.collect(x_roots(x, 1));
    EXPECT_LE(heap.nursery_words(), size_t{1} << 14) << round;
  }
  EXPECT_EQ(list_length(x[0]), 8000);
}

TEST(HeapDeathTest, LiveDataPastTheMaximumHeapEndsTheProcess) {
  auto keep_growing = [] {
    Heap heap(1024);
    heap.set_max_words(size_t{1} << 17);  // 1 MiB
    Term x[32] = {};
    x[0] = kNil;
    for (;;) {
      x[0] = make_cons_cell(heap, count_list(heap, 1000), x[0]);  // 2002 more live words a round
      if (heap.gc_requested()) heap.collect(x_roots(x, 1));
    }
  };
  EXPECT_EXIT(keep_growing(), ::testing::ExitedWithCode(1),
              "^lzr: out_of_memory: the live heap exceeds the maximum heap size \\(1 MiB\\)\n$");
}

TEST(Heap, HotFieldOffsetsMatchTheObject) {
  Heap heap(1024);
  heap.set_stress(false);
  Term* p = heap.alloc(3);
  auto* base = reinterpret_cast<char*>(&heap);
  Term* top;
  std::memcpy(&top, base + Heap::top_offset(), sizeof top);
  EXPECT_EQ(top, p + 3);
  Term* end;
  std::memcpy(&end, base + Heap::end_offset(), sizeof end);
  EXPECT_GT(end, top);
  bool requested;
  std::memcpy(&requested, base + Heap::gc_requested_offset(), sizeof requested);
  EXPECT_FALSE(requested);
  while (!heap.gc_requested()) heap.alloc(64);
  std::memcpy(&requested, base + Heap::gc_requested_offset(), sizeof requested);
  EXPECT_TRUE(requested);
}

TEST(Heap, CollectKeepsLiveTermsAndNilsDeadRegisters) {
  Terms t;
  Term x[32];
  for (Term& r : x) r = I(99);
  const Term ok = t.atom("ok");
  x[0] = count_list(t.heap, 1000);
  x[1] = t.tuple({t.bin("hello, binary world"), ok, make_float(3.5)});
  x[2] = t.map({ok, I(1), I(2), t.list({I(3)})});
  x[3] = t.tuple({I(1)});  // dead: not in the mask
  x[5] = x[0];             // shared with x0
  const Term before0 = x[0];
  t.heap.alloc(5000);      // garbage
  t.heap.collect(x_roots(x, 0b100111));

  EXPECT_NE(x[0], before0);  // moved
  EXPECT_TRUE(t.heap.owns(cons_ptr(x[0])));
  EXPECT_EQ(list_length(x[0]), 1000);
  int64_t sum = 0;
  for (Term l = x[0]; is_cons(l); l = cons_tail(l)) sum += int_value(cons_head(l));
  EXPECT_EQ(sum, 999 * 1000 / 2);
  EXPECT_EQ(x[5], x[0]);  // sharing kept: copied once
  EXPECT_EQ(t.str(x[1]), "{\"hello, binary world\", :ok, 3.5}");
  EXPECT_EQ(t.str(x[2]), "%{2 => [3], :ok => 1}");
  EXPECT_EQ(x[3], kNil);
  EXPECT_EQ(x[4], kNil);
  EXPECT_EQ(x[31], kNil);
  EXPECT_LT(t.heap.used_words(), 3000u);
  EXPECT_EQ(t.heap.stats().collections, 1u);
  EXPECT_EQ(t.heap.stats().words_copied, t.heap.used_words());
  EXPECT_FALSE(t.heap.gc_requested());
}

TEST(Heap, StackAndExtraRootsAreUpdated) {
  Terms t;
  // A raw pointer on the stack (a frame link) reads as a float and must stay.
  int frame_marker = 0;
  const Term raw = reinterpret_cast<Term>(&frame_marker);
  std::vector<Term> stack = {t.tuple({I(1), I(2)}), I(7), make_float(2.5), t.list({I(4)}), raw};
  Term closure_like = t.tuple({I(42)});
  Term* extra[] = {&closure_like};
  GcRoots roots;
  roots.stack = stack;
  roots.extra = extra;
  t.heap.collect(roots);
  EXPECT_EQ(t.str(stack[0]), "{1, 2}");
  EXPECT_EQ(stack[1], I(7));
  EXPECT_EQ(t.str(stack[3]), "[4]");
  EXPECT_EQ(stack[4], raw);
  EXPECT_EQ(t.str(closure_like), "{42}");
  EXPECT_TRUE(t.heap.owns(boxed_ptr(closure_like)));
}

TEST(Heap, LiteralsAreNeitherMovedNorScanned) {
  Terms t;
  LiteralArena arena;
  std::string err;
  Literal lit;
  lit.kind = Literal::Kind::Tuple;
  lit.items.resize(2);
  lit.items[0].kind = Literal::Kind::Atom;
  lit.items[0].text = "lit";
  lit.items[1].kind = Literal::Kind::Int;
  lit.items[1].i = 5;
  const Term literal = *arena.materialize(lit, t.atoms, err);
  Term x[32] = {};
  x[0] = t.tuple({literal, literal, I(1)});
  x[1] = literal;
  t.heap.collect(x_roots(x, 0b11));
  EXPECT_EQ(x[1], literal);
  EXPECT_EQ(tuple_elems(x[0])[0], literal);
  EXPECT_EQ(t.str(x[0]), "{{:lit, 5}, {:lit, 5}, 1}");
  EXPECT_EQ(t.heap.stats().words_copied, 4u);  // only the heap tuple
}

TEST(Heap, RawObjectsAreCopiedButNotScanned) {
  Terms t;
  // Bytes that look like a cons pointer into nowhere must be left alone.
  Term fake = kTagCons | 0x10;
  std::string bytes(reinterpret_cast<const char*>(&fake), sizeof fake);
  bytes += "tail";
  FunctionInfo info;
  info.module_atom = t.atom("m");
  info.name_atom = t.atom("f");
  info.arity = 1;
  Term* closure = t.heap.alloc(3);
  closure[0] = make_header(BoxKind::Closure, 2);
  closure[1] = reinterpret_cast<Term>(&info);
  closure[2] = t.list({I(8)});
  Term x[32] = {};
  x[0] = t.bin(bytes);
  x[1] = make_boxed(closure);
  t.heap.collect(x_roots(x, 0b11));
  ASSERT_TRUE(is_binary(x[0]));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(binary_bytes(x[0])), binary_size(x[0])), bytes);
  EXPECT_EQ(boxed_ptr(x[1])[1], reinterpret_cast<Term>(&info));
  EXPECT_EQ(t.str(boxed_ptr(x[1])[2]), "[8]");
  EXPECT_EQ(t.str(x[1]), "#Function<m.f/1>");
}

TEST(Heap, RepeatedCollectionsKeepDataAndFollowTheSizingPolicy) {
  Heap heap(1024);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = kNil;
  // Grow: keep everything alive.
  for (int round = 0; round < 200; ++round) {
    x[0] = make_cons_cell(heap, I(round), x[0]);
    x[1] = make_list(heap, std::vector<Term>(50, I(round)));
    if (heap.gc_requested()) heap.collect(x_roots(x, 0b11));
  }
  EXPECT_GT(heap.stats().collections, 0u);
  EXPECT_EQ(list_length(x[0]), 200);
  EXPECT_EQ(int_value(cons_head(x[0])), 199);

  // A collection that keeps most of a full nursery doubles it.
  const size_t nursery = heap.nursery_words();
  x[1] = count_list(heap, static_cast<int64_t>(nursery));  // 2 words a cell: fills it twice over
  heap.collect(x_roots(x, 0b11));
  EXPECT_EQ(list_length(x[1]), static_cast<int64_t>(nursery));
  EXPECT_GE(heap.nursery_words(), 2 * nursery);

  // Shrink: collections that keep nothing young halve the nursery, down to the initial size.
  for (int i = 0; i < 40; ++i) heap.collect(x_roots(x, 0b11));
  EXPECT_EQ(heap.nursery_words(), 1024u);
  EXPECT_EQ(list_length(x[1]), static_cast<int64_t>(nursery));
  x[0] = x[1] = kNil;
  heap.collect_major(x_roots(x, 0));
  EXPECT_EQ(heap.used_words(), 0u);
  EXPECT_GE(heap.stats().peak_words, 2 * nursery);
}

TEST(Heap, AFullNurseryOverflowsInItsOwnBlock) {
  Heap heap(4096);
  heap.set_stress(false);
  Term x[32] = {};
  heap.collect(x_roots(x, 0));  // the nursery block as every collection leaves it
  Term* first = heap.alloc(4096 - 8);
  EXPECT_FALSE(heap.gc_requested());
  Term* next = heap.alloc(100);  // past the nursery: a collection is requested...
  EXPECT_TRUE(heap.gc_requested());
  EXPECT_EQ(next, first + 4096 - 8) << "...and the nursery block takes the overflow: no new block";
}

// Survivors that die right after their promotion (big integers replaced at
// every step, as in pidigits): the old generation has room for a few
// nurseries' promotions, so major collections stay rare.
TEST(Heap, ShortLivedSurvivorsDoNotMakeEveryCollectionMajor) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  // Three live numbers of 16K words (beyond the old generation's 64K-word
  // minimum together), one replaced per step. (Big integers: on the heap,
  // unlike binaries of that size.)
  const size_t limbs = 16 * 1024;
  for (int round = 0; round < 1000; ++round) {
    Term* big = heap.alloc(1 + limbs);
    big[0] = make_header(BoxKind::BigPos, limbs);
    std::memset(big + 1, round | 1, limbs * sizeof(Term));
    x[round % 3] = make_boxed(big);
    if (heap.gc_requested()) heap.collect(x_roots(x, 0b111));
  }
  const HeapStats& st = heap.stats();
  EXPECT_GT(st.collections, 20u);
  EXPECT_LT(st.major_collections * 4, st.collections) << st.major_collections << " of " << st.collections;
  EXPECT_GE(heap.old_limit_words(), 2 * heap.nursery_words());
  for (int k = 0; k < 3; ++k) EXPECT_EQ(bigint_limb_count(x[k]), limbs);
}

TEST(Heap, MinorCollectionsPromoteSurvivorsAndLeaveOldObjectsInPlace) {
  Heap heap(1024);
  Term x[32] = {};
  x[0] = count_list(heap, 100);
  heap.collect(x_roots(x, 1));  // first collection: major (no old generation yet)
  EXPECT_EQ(heap.stats().major_collections, 1u);
  const Term old_list = x[0];
  EXPECT_EQ(heap.old_words(), 200u);

  // Young data pointing to old data: the old list must not move or be copied again.
  x[1] = make_cons_cell(heap, I(-1), old_list);
  heap.alloc(700);  // garbage
  heap.collect(x_roots(x, 0b11));
  EXPECT_EQ(heap.stats().major_collections, 1u);  // a minor one
  EXPECT_EQ(x[0], old_list);
  EXPECT_EQ(cons_tail(x[1]), old_list);
  EXPECT_EQ(heap.old_words(), 202u);  // only the new cell was promoted
  EXPECT_EQ(list_length(x[1]), 101);
  EXPECT_EQ(heap.used_words(), 202u);
}

TEST(Heap, MajorCollectionRunsWhenTheOldGenerationDoubles) {
  Heap heap(1024);
  Term x[32] = {};
  heap.collect(x_roots(x, 0));
  const size_t limit = heap.old_limit_words();
  // Promote garbage: each round's list survives one minor collection, then dies.
  uint64_t majors = heap.stats().major_collections;
  for (size_t promoted = 0; promoted <= limit + 4096; promoted += 2000) {
    x[0] = count_list(heap, 1000);
    heap.collect(x_roots(x, 1));
  }
  EXPECT_GT(heap.stats().major_collections, majors);
  EXPECT_LE(heap.old_words(), heap.old_limit_words());
  EXPECT_EQ(list_length(x[0]), 1000);
}

// A major collection is due when the old generation would pass its limit
// with what the minor collection is expected to promote (the last one's
// survival rate), not with the whole young generation: a nursery full of
// short-lived data (path-copied map nodes, say) promotes almost nothing.
TEST(Heap, ShortLivedYoungDataDoesNotForceAMajorCollection) {
  Heap heap(1024);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 20000);  // 40K live words
  heap.collect_major(x_roots(x, 1));
  const size_t limit = heap.old_limit_words();
  ASSERT_EQ(limit, 80000u);
  heap.alloc(30000);  // garbage: teaches the heap that young data dies
  heap.collect(x_roots(x, 1));
  const uint64_t majors = heap.stats().major_collections;
  heap.alloc(60000);  // old 40K + young 60K passes the limit, but none of it survives
  heap.collect(x_roots(x, 1));
  EXPECT_EQ(heap.stats().major_collections, majors);
  EXPECT_EQ(heap.old_words(), 40000u);
  EXPECT_EQ(list_length(x[0]), 20000);
  // Young data that does survive brings the major collection back.
  x[1] = count_list(heap, 30000);
  heap.collect(x_roots(x, 0b11));
  x[2] = count_list(heap, 30000);
  heap.collect(x_roots(x, 0b111));
  EXPECT_GT(heap.stats().major_collections, majors);
  EXPECT_EQ(list_length(x[2]), 30000);
}

// A due major collection first promotes the young survivors, then gives the
// nursery's pages back to the OS before it copies the old generation: the
// copy's peak is the old generation and the live data, without a nursery.
// Right after it, the (reused) nursery block has no resident page, though
// every collection before filled it.
TEST(Heap, MajorCollectionReleasesTheNurseryPagesBeforeItCopies) {
  Heap heap(16 * 1024);  // a nursery block large enough to be mmap'd
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 20000);  // 40K live words
  heap.collect_major(x_roots(x, 1));
  const uint64_t majors = heap.stats().major_collections;
  const uint64_t collections = heap.stats().collections;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  int rounds = 0;
  while (heap.stats().major_collections == majors) {
    ASSERT_LT(++rounds, 100) << "no major collection came";
    count_list(heap, 5000);          // 10K words of garbage, written
    x[1] = count_list(heap, 400);    // 800 words promoted (under 1/16: the nursery keeps its size), dead the round after
    const size_t nursery = heap.nursery_words();
    heap.collect(x_roots(x, 0b11));
    ASSERT_EQ(heap.nursery_words(), nursery) << "the test needs the nursery block to be reused";
  }
  EXPECT_EQ(heap.stats().collections, collections + rounds) << "promotion and copy count as one collection";
  EXPECT_EQ(heap.old_words(), 40000u + 800u);
  EXPECT_EQ(list_length(x[0]), 20000);
  EXPECT_EQ(list_length(x[1]), 400);
  // The next allocation starts the nursery block; nothing has written it.
  auto* start = reinterpret_cast<unsigned char*>(heap.alloc(1));
  ASSERT_EQ(reinterpret_cast<uintptr_t>(start) % page, 0u);
  const size_t pages = heap.nursery_words() * sizeof(Term) / page;
  std::vector<unsigned char> resident(pages);
  ASSERT_EQ(mincore(start, pages * page, resident.data()), 0);
  for (size_t i = 0; i < pages; ++i) EXPECT_EQ(resident[i] & 1, 0) << "page " << i << " of the nursery is resident";
}

TEST(Heap, MajorCollectionKeepsTheNurserySize) {
  Heap heap(1024);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 5000);
  heap.collect(x_roots(x, 1));
  x[1] = count_list(heap, 5000);
  heap.collect(x_roots(x, 0b11));
  const size_t nursery = heap.nursery_words();
  ASSERT_GT(nursery, 1024u);
  heap.collect_major(x_roots(x, 0b11));
  EXPECT_EQ(heap.nursery_words(), nursery);
  EXPECT_EQ(list_length(x[1]), 5000);
}

// The growth policy (docs/terms.md, "Sizing policy"): a steady working set
// of survivors (a map's freshly path-copied nodes) grows the nursery until
// survivors are at most 1/16 of it, so most of what is allocated dies
// before it is copied; the nursery then stays put (no flapping).
TEST(Heap, ASteadyWorkingSetGrowsTheNurseryUntilCopyingIsASixteenth) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  std::vector<size_t> sizes;
  for (int round = 0; round < 400; ++round) {
    x[0] = count_list(heap, 150);  // 300 words live at the next collection, dead at the one after
    heap.alloc(heap.nursery_words());  // garbage: fills the nursery
    ASSERT_TRUE(heap.gc_requested());
    heap.collect(x_roots(x, 1));
    sizes.push_back(heap.nursery_words());
  }
  EXPECT_GE(heap.nursery_words(), 16u * 300u);
  EXPECT_LE(heap.nursery_words(), 2u * 16u * 300u + 2048u) << "grown past what the working set needs";
  for (size_t i = 100; i < sizes.size(); ++i) ASSERT_EQ(sizes[i], sizes.back()) << "the nursery changed size at round " << i;
  EXPECT_EQ(list_length(x[0]), 150);
}

// Survivors below 1/128 of the nursery shrink it back, down to the minimum.
TEST(Heap, AVanishingWorkingSetShrinksTheNurseryToItsMinimum) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 100000);  // 200K words survive: the nursery grows
  heap.collect(x_roots(x, 1));
  heap.collect(x_roots(x, 1));
  x[0] = count_list(heap, 50000);
  heap.collect(x_roots(x, 1));
  ASSERT_GT(heap.nursery_words(), 2048u);
  x[0] = kNil;
  for (int i = 0; i < 40; ++i) {
    heap.alloc(100);
    heap.collect(x_roots(x, 0));
  }
  EXPECT_EQ(heap.nursery_words(), 2048u);
}

// A program whose old generation stays about the same size maps no block
// per major collection: the previous from-space is the next to-space.
TEST(Heap, MajorCollectionsReuseTheLastFromSpace) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 30000);
  for (int i = 0; i < 5; ++i) {  // the sizes settle (the limit follows the live data)
    x[1] = count_list(heap, 1000);
    heap.collect_major(x_roots(x, 0b11));
  }
  const uint64_t mapped = heap.stats().blocks_mapped, unmapped = heap.stats().blocks_unmapped;
  for (int i = 0; i < 50; ++i) {
    x[1] = count_list(heap, 1000);  // some churn between them
    heap.collect_major(x_roots(x, 0b11));
  }
  EXPECT_EQ(heap.stats().blocks_mapped, mapped);
  EXPECT_EQ(heap.stats().blocks_unmapped, unmapped);
  EXPECT_EQ(heap.stats().major_collections, 55u);
  EXPECT_EQ(list_length(x[0]), 30000);
  EXPECT_EQ(list_length(x[1]), 1000);
  EXPECT_GT(heap.stats().gc_ns, 0u);
}

// Data that survives one minor collection and dies soon after (the state a
// loop replaces at every step: nbody's bodies, a record rebuilt) fills the
// old generation with garbage until its limit. With little live data that
// limit is 16K words (128 KiB), so such a program holds a few hundred KiB,
// not the megabyte a 64K-word limit cost it (old generation plus the kept
// from-space).
TEST(Heap, ShortLivedSurvivorsKeepTheOldGenerationSmall) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  for (int round = 0; round < 200000; ++round) {
    x[round % 4] = count_list(heap, 10);  // each list lives four rounds
    if (heap.gc_requested()) heap.collect(x_roots(x, 0b1111));
  }
  EXPECT_EQ(heap.nursery_words(), 2048u) << "the survivors are few: the nursery keeps its size";
  EXPECT_GT(heap.stats().major_collections, 5u);
  EXPECT_LT(heap.stats().peak_words, size_t{24} * 1024) << "the old generation grew past its limit";
  for (int i = 0; i < 4; ++i) EXPECT_EQ(list_length(x[i]), 10);
}

// The from-space kept for the next major collection is used only if its
// reservation holds that one's request (at least 4 x the heap's words):
// once minor collections have grown the old generation past that, it is
// freed at once, not held resident until the next major collection.
TEST(Heap, AKeptFromSpaceTheHeapOutgrewIsFreed) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 1000);
  heap.collect_major(x_roots(x, 1));
  heap.collect_major(x_roots(x, 1));  // the first one's old generation is kept: few pages touched
  const size_t kept = heap.kept_from_space_words();
  ASSERT_GT(kept, 0u);
  x[1] = kNil;
  while (heap.kept_from_space_words() != 0 && heap.used_words() < kept) {
    x[1] = make_cons_cell(heap, count_list(heap, 1000), x[1]);  // everything survives
    if (heap.gc_requested()) heap.collect(x_roots(x, 0b11));
  }
  EXPECT_EQ(heap.kept_from_space_words(), 0u) << "still kept with " << heap.used_words() << " words used";
  EXPECT_LE(4 * heap.used_words(), kept + 4 * 2 * heap.nursery_words()) << "freed before the heap outgrew it";
  EXPECT_EQ(list_length(x[0]), 1000);
}

// The kept from-space is touched memory. It costs nothing while the old
// generation and it hold no more than the last major collection's old
// from-space and copy did, so minor collections that promote nothing keep
// it. It goes before a minor collection that is expected (at the last
// survival rate) to grow the old generation past that: keeping it would
// raise the peak. (One of at most 32K words stays in any case.)
TEST(Heap, AKeptFromSpaceNeverRaisesThePeak) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 20000);  // 40,000 words: more than a small heap keeps in any case
  heap.collect_major(x_roots(x, 1));
  const auto collect_garbage = [&](int minors) {
    const uint64_t target = heap.stats().collections + minors;
    while (heap.stats().collections < target) {
      x[1] = count_list(heap, 100);  // garbage at once
      if (heap.gc_requested()) heap.collect(x_roots(x, 0b1));
    }
  };
  collect_garbage(1);  // the survival rate is now 0
  heap.collect_major(x_roots(x, 1));
  const size_t kept = heap.kept_from_space_words();
  ASSERT_GT(kept, 0u);
  const size_t old_words = heap.old_words();
  collect_garbage(5);
  EXPECT_EQ(heap.old_words(), old_words) << "nothing was promoted";
  EXPECT_EQ(heap.kept_from_space_words(), kept) << "freed though the old generation did not grow";
  // Everything survives from now on: the first minor collection still
  // expects none to (and keeps it), the second expects all to.
  x[2] = kNil;
  const uint64_t growing = heap.stats().collections;
  while (heap.stats().collections < growing + 2) {
    x[2] = make_cons_cell(heap, count_list(heap, 100), x[2]);
    if (heap.gc_requested()) heap.collect(x_roots(x, 0b111));
  }
  EXPECT_EQ(heap.stats().major_collections, 2u);
  EXPECT_EQ(heap.kept_from_space_words(), 0u) << "still kept with " << heap.old_words() << " words in the old generation";
  EXPECT_EQ(list_length(x[0]), 20000);
}

// A large dead old generation (past 8 MiB touched) is unmapped, not kept.
TEST(Heap, ALargeDeadOldGenerationIsUnmapped) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 1 << 20);  // 2M words = 16 MiB
  heap.collect_major(x_roots(x, 1));
  const uint64_t unmapped = heap.stats().blocks_unmapped;
  x[0] = kNil;
  heap.collect_major(x_roots(x, 0));  // its from-space touched 16 MiB: unmapped
  EXPECT_GT(heap.stats().blocks_unmapped, unmapped);
  EXPECT_EQ(heap.used_words(), 0u);
}

// A spawned process's heap (16 words) that takes a few words at a time, as
// a worker receiving small messages does, keeps its old generation in
// malloc'd memory: no mmap (and no munmap when it ends) at any collection.
TEST(Heap, ASmallHeapMapsNoBlock) {
  Heap heap(16);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = count_list(heap, 3);
  for (int i = 0; i < 2000; ++i) {
    x[1] = count_list(heap, 2);  // garbage by the next round
    if (heap.gc_requested()) heap.collect(x_roots(x, 0b11));
  }
  EXPECT_GT(heap.stats().major_collections, 0u);
  EXPECT_GT(heap.stats().collections, 100u);
  EXPECT_EQ(heap.stats().blocks_mapped, 0u);
  EXPECT_EQ(list_length(x[0]), 3);
  EXPECT_EQ(list_length(x[1]), 2);
}

// The same heap growing: its old generation's room quadruples at each
// major collection until it is large enough to be mapped, so the live data
// is copied a bounded number of times.
TEST(Heap, ASmallHeapThatGrowsMovesToAMappedOldGeneration) {
  Heap heap(16);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = kNil;
  for (int64_t i = 0; i < 50000; ++i) {
    x[0] = make_cons_cell(heap, I(i), x[0]);
    if (heap.gc_requested()) heap.collect(x_roots(x, 1));
  }
  heap.collect(x_roots(x, 1));
  EXPECT_EQ(list_length(x[0]), 50000);
  EXPECT_GT(heap.stats().blocks_mapped, 0u);
  EXPECT_LE(heap.stats().major_collections, 12u);
  EXPECT_LE(heap.stats().words_copied, 8u * 100000u) << heap.stats().collections << " collections";
}

// The map- and binary-heavy shape of issue 15 (a k-mer counter): a map
// updated a million times, keyed by fresh binaries, takes at most a few
// dozen mmap calls in all.
TEST(Heap, AMapHeavyWorkloadMapsFewBlocks) {
  Heap heap(2048);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = kNil;  // a ring of 2000 live entries, each a small tuple holding a binary
  for (int64_t i = 0; i < 1000000; ++i) {
    uint8_t* data;
    const Term bin = alloc_binary(heap, 12, data);
    std::memset(data, static_cast<int>(i), 12);
    Term* t = heap.alloc(3);
    t[0] = make_header(BoxKind::Tuple, 2);
    t[1] = bin;
    t[2] = I(i);
    x[0] = make_cons_cell(heap, make_boxed(t), i % 2000 == 0 ? kNil : x[0]);
    if (heap.gc_requested()) heap.collect(x_roots(x, 1));
  }
  EXPECT_LE(heap.stats().blocks_mapped, 30u) << heap.stats().collections << " collections";
  EXPECT_GT(heap.stats().collections, 10u);
}

TEST(Heap, MinorCollectionKeepsADeepStackAsRoots) {
  Heap heap(1024);
  std::vector<Term> stack(10000);
  for (size_t i = 0; i < stack.size(); ++i) stack[i] = make_cons_cell(heap, I(static_cast<int64_t>(i)), kNil);
  Term x[32] = {};
  GcRoots roots = x_roots(x, 0);
  roots.stack = stack;
  heap.collect(roots);  // major
  for (size_t i = 0; i < stack.size(); ++i) stack[i] = make_cons_cell(heap, I(static_cast<int64_t>(i)), stack[i]);
  heap.collect(roots);  // minor
  EXPECT_EQ(heap.stats().major_collections, 1u);
  for (size_t i = 0; i < stack.size(); ++i) ASSERT_EQ(list_length(stack[i]), 2);
  EXPECT_GE(heap.nursery_words(), stack.size() / 2);  // the stack bounds the nursery from below
}

TEST(Heap, StressModeRequestsACollectionOnEveryAllocation) {
  Heap heap(1024);
  heap.set_stress(true);
  Term x[32] = {};
  x[0] = make_cons_cell(heap, I(1), kNil);
  EXPECT_TRUE(heap.gc_requested());
  heap.collect(x_roots(x, 1));
  EXPECT_TRUE(heap.gc_requested());  // stays set in stress mode
  for (int i = 2; i <= 300; ++i) {
    x[0] = make_cons_cell(heap, I(i), x[0]);
    ASSERT_TRUE(heap.gc_requested());
    heap.collect(x_roots(x, 1));
  }
  EXPECT_EQ(heap.stats().collections, 300u);
  EXPECT_EQ(list_length(x[0]), 300);
  // An inline fast path (top + n <= end) always fails in stress mode.
  Term *top, *end;
  std::memcpy(&top, reinterpret_cast<char*>(&heap) + Heap::top_offset(), sizeof top);
  std::memcpy(&end, reinterpret_cast<char*>(&heap) + Heap::end_offset(), sizeof end);
  EXPECT_EQ(top, end);
  EXPECT_EQ(int_value(cons_head(x[0])), 300);
  heap.set_stress(false);
  heap.collect(x_roots(x, 1));
  EXPECT_FALSE(heap.gc_requested());
}

TEST(Heap, LargeObjectsGetTheirOwnBlock) {
  Heap heap(1024);
  heap.set_stress(false);
  Term* small = heap.alloc(4);
  small[0] = make_header(BoxKind::Tuple, 3);
  small[1] = small[2] = small[3] = I(3);
  const size_t n = 1 << 20;
  Term* big = heap.alloc(n + 1);
  big[0] = make_header(BoxKind::Tuple, n);
  for (size_t i = 1; i <= n; ++i) big[i] = I(static_cast<int64_t>(i));
  Term* after = heap.alloc(4);  // small objects keep filling the first block
  EXPECT_EQ(after, small + 4);
  Term x[32] = {};
  x[0] = make_boxed(big);
  x[1] = make_boxed(small);
  heap.collect(x_roots(x, 0b11));
  ASSERT_EQ(tuple_arity(x[0]), n);
  EXPECT_EQ(tuple_elems(x[0])[n - 1], I(static_cast<int64_t>(n)));
  EXPECT_EQ(tuple_arity(x[1]), 3u);
}

// used_words() comes from top_ and a base the heap keeps as its blocks
// change (it is read after every slice, for info/1): it must agree with the
// count from the block list through overflow blocks, a block of its own
// for a big object, minor and major collections, and a give-back.
TEST(Heap, UsedWordsFollowsEveryChangeOfTheBlocks) {
  Heap heap(256);
  heap.set_stress(false);
  auto agree = [&heap](const char* when) { EXPECT_EQ(heap.used_words(), heap.counted_words()) << when; };
  agree("new");
  Term x[32] = {};
  x[0] = count_list(heap, 1000);  // past the nursery: overflow blocks
  agree("overflowed");
  Term* big = heap.alloc(20001);
  big[0] = make_header(BoxKind::Tuple, 20000);
  for (size_t i = 1; i <= 20000; ++i) big[i] = I(1);
  x[1] = make_boxed(big);
  agree("a big object below the current block");
  const size_t before = heap.used_words();
  Term* tail = heap.alloc(10);
  EXPECT_EQ(heap.used_words(), before + 10);
  heap.shrink_last(tail, 10, 3);
  EXPECT_EQ(heap.used_words(), before + 3);
  for (int round = 0; round < 6; ++round) {
    x[2] = count_list(heap, 300);  // dies at the next round
    heap.collect(x_roots(x, 0b111));
    agree("after a collection");
    EXPECT_EQ(list_length(x[0]), 1000);
  }
  EXPECT_GE(heap.stats().collections, 6u);
  heap.collect_major(x_roots(x, 0b11));
  agree("after a major collection");
  EXPECT_GE(heap.stats().major_collections, 1u);
  EXPECT_GE(heap.used_words(), 2000u + 20001u);
}

TEST(Heap, TenMillionCellListIsCopiedWithoutRecursion) {
  Heap heap(4096);
  heap.set_stress(false);
  constexpr int64_t kCells = 10'000'000;
  // Built front to back, so the collector meets the cells in order.
  Term* first = nullptr;
  Term* prev = nullptr;
  for (int64_t i = 0; i < kCells; ++i) {
    Term* cell = heap.alloc(2);
    cell[0] = I(i);
    cell[1] = kNil;
    if (prev) prev[1] = make_cons(cell); else first = cell;
    prev = cell;
  }
  Term x[32] = {};
  x[0] = make_cons(first);
  heap.collect(x_roots(x, 1));
  EXPECT_EQ(heap.used_words(), static_cast<size_t>(2 * kCells));
  int64_t n = 0;
  bool in_order = true;
  for (Term l = x[0]; is_cons(l); l = cons_tail(l), ++n) in_order &= int_value(cons_head(l)) == n;
  EXPECT_EQ(n, kCells);
  EXPECT_TRUE(in_order);
}

TEST(Heap, DeeplyNestedListIsCopiedWithoutRecursion) {
  Heap heap(4096);
  heap.set_stress(false);
  Term x[32] = {};
  x[0] = kNil;
  for (int i = 0; i < 1'000'000; ++i) x[0] = make_cons_cell(heap, x[0], kNil);  // [[[...]]]
  heap.collect(x_roots(x, 1));
  int depth = 0;
  for (Term t = x[0]; is_cons(t); t = cons_head(t)) ++depth;
  EXPECT_EQ(depth, 1'000'000);
}

}  // namespace
}  // namespace lzr
