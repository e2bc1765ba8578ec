// A spawned process's memory (Process::make, docs/processes.md "Memory
// layout of a process"): the object, its first stack and its first heap
// block are one allocation; a stack that grows and a heap that a
// collection moves leave that room without freeing it, and the process
// frees each block once. ASan (the asan preset runs this file) reports a
// free of the room or a leak of what replaced it.
#include <gtest/gtest.h>

#include <vector>

#include "vm/builders.h"
#include "vm/process.h"
#include "vm/vm.h"

namespace lzr {
namespace {

constexpr size_t kStackMax = size_t{1} << 20;

Term* room_of(Process* p) { return reinterpret_cast<Term*>(p + 1); }

TEST(ProcessMemory, ASpawnedProcessHoldsItsFirstStackAndHeapBlockInItsOwnAllocation) {
  VM vm;
  Process* p = Process::make(vm, kStackMax, 16);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->stack_in_place);
  EXPECT_EQ(p->stack_base, room_of(p));
  EXPECT_EQ(p->stack_words(), kInitialStackWords);
  const Term* heap_room = room_of(p) + kInitialStackWords;
  const Term* t = p->heap.alloc(4);
  EXPECT_GE(t, heap_room);
  EXPECT_LE(t + 4, heap_room + Heap::first_block_words(16));
  delete p;
}

TEST(ProcessMemory, AStackGrownOutOfTheRoomKeepsItsWordsInABlockOfItsOwn) {
  VM vm;
  Process* p = Process::make(vm, kStackMax, 16);
  for (size_t i = 0; i < kInitialStackWords; ++i) p->stack_base[i] = make_int(static_cast<int64_t>(i));
  p->sp = p->stack_base + kInitialStackWords;
  p->grow_stack(nullptr, p->stack_base + 100);  // no frames: nothing to relink
  EXPECT_FALSE(p->stack_in_place);
  EXPECT_NE(p->stack_base, room_of(p));
  EXPECT_GE(p->stack_words(), 100u);
  for (size_t i = 0; i < kInitialStackWords; ++i) EXPECT_EQ(p->stack_base[i], make_int(static_cast<int64_t>(i)));
  p->grow_stack(nullptr, p->stack_base + 1000);  // from a block of its own: realloc'd
  EXPECT_GE(p->stack_words(), 1000u);
  EXPECT_EQ(p->stack_base[kInitialStackWords - 1], make_int(static_cast<int64_t>(kInitialStackWords - 1)));
  delete p;
}

TEST(ProcessMemory, AHeapThatOutgrowsItsRoomIsCollectedWithoutFreeingIt) {
  VM vm;
  Process* p = Process::make(vm, kStackMax, 16);
  p->heap.set_stress(false);
  std::vector<Term> elems;
  for (int64_t i = 0; i < 2000; ++i) elems.push_back(make_int(i));
  p->stack_base[0] = make_list(p->heap, elems);  // far more than the room's 32 words
  p->sp = p->stack_base + 1;
  for (int round = 0; round < 3; ++round) {
    p->collect(0);
    Term l = p->stack_base[0];
    for (int64_t i = 0; i < 2000; ++i, l = cons_tail(l)) ASSERT_EQ(cons_head(l), make_int(i));
    EXPECT_EQ(l, kNil);
  }
  EXPECT_GE(p->heap.stats().collections, 3u);
  delete p;
}

TEST(ProcessMemory, FirstBlocksTooBigForOneAllocationAreMadeApart) {
  VmOptions options;
  options.min_heap_words = 4096;  // --heap-min
  VM vm(options);
  Process* p = Process::make(vm, kStackMax, 16);
  EXPECT_FALSE(p->stack_in_place);
  EXPECT_NE(p->stack_base, room_of(p));
  p->heap.alloc(4096);
  delete p;
}

}  // namespace
}  // namespace lzr
