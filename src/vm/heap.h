// A process heap: bump allocation in a nursery, and a precise generational
// copying (Cheney) collector.
//
// Allocation never collects. When the nursery is full, alloc() moves to a
// fresh overflow block and sets gc_requested; the engine collects at its
// next safe point (right after the allocating instruction, or after a native
// returns), when it knows the roots exactly. So every C++ routine that builds
// terms (maps, built-ins, natives) may hold raw Terms in locals safely.
//
// Two generations. A minor collection copies what is live in the young
// blocks to the end of the old generation (promotion on first survival) and
// never looks inside old objects: terms are immutable and every object is
// built after the objects it points to, so an old object cannot point to a
// young one and no write barrier is needed. A major collection copies
// everything live, young and old, into a fresh old generation.
//
// Objects outside the heap's blocks (module literals, which are immortal) are
// never moved or scanned by the collector.
//
// Off-heap binaries (vm/refbin.h): the heap lists its RefBin holders, old
// ones first. After a collection each listed holder that was in from-space
// is re-pointed to its copy if it survived, or else releases its reference;
// the destructor releases them all. The bytes those holders keep alive count
// as pressure: once the holders added since the last collection hold more
// than offheap_budget() bytes, a collection is requested, and once the old
// generation's holders hold more than twice what the last major collection
// kept (at least kMinOffHeapBytes), the next collection is major.
//
// Sizing (docs/terms.md, "Heap and GC"): the nursery doubles when a minor
// collection keeps more than a quarter of it and halves when it keeps less
// than 1/32, between the initial size and kMaxNurseryWords; it is also never
// smaller than half the stack, so scanning the stack stays a fraction of the
// work. A major collection runs when the old generation would have doubled
// since the last one with what the minor collection is expected to promote
// (at the last one's survival rate), so each live word is copied O(1) times
// per word promoted.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <utility>

#include "vm/term.h"

namespace lzr {

struct HeapStats {
  uint64_t collections = 0;        // minor and major
  uint64_t major_collections = 0;
  uint64_t words_copied = 0;       // total over all collections
  size_t peak_words = 0;           // most words of young and old blocks held at once
  uint64_t gc_ns = 0;              // time spent in collections (steady clock)
  uint64_t blocks_mapped = 0;      // mmap calls for heap blocks (malloc'd small blocks not counted)
  uint64_t blocks_unmapped = 0;    // munmap calls
  uint64_t pages_released = 0;     // madvise(MADV_DONTNEED) calls on nursery blocks
};

// Memory the VM cannot get where a caller can still fail cleanly (the
// process stack, the first heap block, the assembler engine's code): lzr
// prints "lzr: error: out of memory (WHAT)" and lzr_vm_new returns NULL.
class OutOfMemory : public std::bad_alloc {
 public:
  explicit OutOfMemory(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

// Ends the process when the heap cannot go on (docs/security.md, "Out of
// memory and --max-heap"): flushes standard output, prints
// "lzr: out_of_memory: WHY" and exits with status 1. Used where no error can
// be raised: inside an allocation the caller cannot see fail, or a collection.
[[noreturn]] void heap_exhausted(const std::string& why);

// Words of the machine's physical memory: no single object, on the heap or
// off it, may be larger.
size_t physical_memory_words();

// Where the collector finds live terms.
struct GcRoots {
  Term* x = nullptr;          // the 32 X registers
  uint32_t x_live = 0;        // bit i: X[i] is live; dead X registers become nil
  std::span<Term> stack;      // every word is a term (raw pointers read as floats)
  std::span<Term*> extra;     // further single roots (e.g. the running closure)
};

// Heap is standard-layout (no std containers inside) so that the assembler
// engine may address top_, end_ and gc_requested_ by offsetof.
class Heap {
 public:
  // The nursery's initial and smallest size (16 KiB): the start-up floor.
  static constexpr size_t kDefaultMinWords = 2048;
  explicit Heap(size_t initial_words = kDefaultMinWords);
  // As above, with the first block at `room` (`room_words` long) when it
  // is long enough (first_block_words): memory the caller owns and frees
  // after the heap is gone (a spawned process's, Process::make). The heap
  // never frees it; a collection that moves out of it just leaves it.
  Heap(size_t initial_words, Term* room, size_t room_words);
  // The words the first block of Heap(initial_words) takes.
  static size_t first_block_words(size_t initial_words);
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // Returns `words` uninitialised words; never fails and never collects (if
  // the OS refuses memory, or for more than kMaxAllocWords or the maximum
  // heap, it ends the process: heap_exhausted). An inline fast path
  // elsewhere (the assembler engine) must do exactly this: bump top_ if end_
  // allows, else call the slow path.
  Term* alloc(size_t words) {
    if (static_cast<size_t>(end_ - top_) >= words) {
      Term* p = top_;
      top_ += words;
      return p;
    }
    return alloc_slow(words, false);
  }

  // For an object whose size the program chose (list.seq, binary.concat,
  // ...): nullptr, and nothing allocated, when the request alone exceeds
  // kMaxAllocWords, the maximum heap or the machine's physical memory, or
  // the OS refuses it; the caller raises system_limit. Whether it still fits
  // next to the live data is decided by the next collection.
  Term* try_alloc(size_t words);

  // The maximum heap (0: none): a collection that finds more live words
  // than this ends the process (heap_exhausted), and the nursery stays
  // within a quarter of it.
  void set_max_words(size_t words);
  size_t max_words() const { return max_words_; }

  // Gives back the tail of the latest allocation: `p` came from alloc(words)
  // and nothing was allocated since; the first `keep` words stay in use.
  // Otherwise the tail just stays as dead words, which no collection reads.
  void shrink_last(Term* p, size_t words, size_t keep) {
    if (p + words == top_) {
      top_ = p + keep;
      sync_end();
    }
  }

  bool gc_requested() const { return gc_requested_; }
  // A minor collection, or a major one when the old generation is due (see
  // Sizing). Updates the roots in place. Iterative: any depth works.
  void collect(const GcRoots& roots);
  // Copies everything reachable from `roots` into a fresh old generation.
  void collect_major(const GcRoots& roots);

  // True if `p` points into this heap's blocks (i.e. it may move on GC).
  bool owns(const Term* p) const;

  // Stress mode: every allocation requests a collection, and a collection
  // leaves the request set. The VM turns it on for LZR_GC_STRESS=1. It works
  // by keeping end_ == top_, so every allocation, inline ones included,
  // takes the slow path.
  void set_stress(bool on);
  bool stress() const { return stress_; }
  const HeapStats& stats() const { return stats_; }
  // Young and old. (In line, from the hot fields alone: a scheduler
  // publishes it after every slice for info/1, and the block list and the
  // old generation are lines a slice need not touch otherwise.)
  size_t used_words() const {
    const size_t words = (reinterpret_cast<uintptr_t>(top_) - used_base_) / sizeof(Term);
    assert(words == counted_words());
    return words;
  }
  // The same, counted from the block list and the old generation.
  size_t counted_words() const {
    const size_t current = static_cast<size_t>(top_ - blocks_[num_blocks_ - 1].start);
    return (num_blocks_ > 1 ? full_blocks_words() : 0) + current + old_words();
  }
  size_t old_words() const { return static_cast<size_t>(old_.top - old_.start); }
  // Words the nursery may fill before it requests a collection.
  size_t nursery_words() const { return nursery_words_; }
  // The reservation of the from-space kept for the next major collection (0: none).
  size_t kept_from_space_words() const { return old_spare_.start ? old_spare_.reserved : 0; }
  // Old-generation size at which the next collection is a major one.
  size_t old_limit_words() const { return old_limit_words_; }

  // Registers a RefBin holder just made in this heap (its reference is the
  // heap's from now on); may request a collection (see above).
  void add_refbin(Term* holder);
  // Bytes of off-heap binaries the listed holders keep alive (a block listed
  // twice counts twice), and how many holders there are.
  uint64_t offheap_bytes() const { return offheap_ ? offheap_->old_bytes + offheap_->young_bytes : 0; }
  size_t refbin_count() const { return offheap_ ? offheap_->count : 0; }
  // Off-heap bytes added since the last collection that request the next one.
  uint64_t offheap_budget() const;
  static constexpr uint64_t kMinOffHeapBytes = uint64_t{256} << 10;

  static constexpr size_t kMaxNurseryWords = size_t{1} << 20;  // 8 MiB
  // The largest object: a header and kMaxPayloadWords. Callers building
  // from untrusted sizes check against it first (raising system_limit); a
  // larger request could not even be sized in bytes without overflow.
  static constexpr size_t kMaxAllocWords = kMaxPayloadWords + 1;

  // Addresses the assembler engine reads and writes directly.
  static constexpr size_t top_offset();
  static constexpr size_t end_offset();
  static constexpr size_t gc_requested_offset();
  static constexpr size_t stress_offset();

 private:
  size_t full_blocks_words() const;  // the young blocks before the current one
  struct Block {
    Term* start;
    Term* top;        // first unused word (for the current block: see top_)
    Term* limit;      // end of the usable part (the current block's real end_); old_'s: end of the last major collection's copy
    size_t reserved;  // words mapped; the current block's limit may grow up to it
  };
  Term* alloc_slow(size_t words, bool may_fail);
  void collect_any(const GcRoots& roots);  // collect() and collect_major() without the timing
  void major(const GcRoots& roots);
  // A block, or {} (start == nullptr) when the OS refuses the memory.
  // `touch_words`: how much of it is expected to be touched soon (it
  // decides whether to ask for huge pages).
  Block new_block(size_t reserve_words, size_t usable_words, size_t touch_words = SIZE_MAX);
  size_t nursery_cap() const;
  Block take_to_space(size_t reserve_words);
  void keep_or_free(const Block& b);
  Block take_old_to_space(size_t reserve_words, size_t touch_words);
  void retire_old_generation();
  void reset_nursery();
  void release_nursery_pages();
  void size_nursery(size_t survivors, size_t stack_words);
  void free_block(const Block& b);
  void grow_block_list();
  void push_block(const Block& b);  // becomes the current block
  void note_used_base();            // after the blocks or the old generation changed (used_base_)
  void insert_block_below_current(const Block& b);
  size_t held_words() const;        // sum of the blocks' usable words
  void note_peak(size_t words);
  void sync_end() { end_ = stress_ ? top_ : blocks_[num_blocks_ - 1].limit; }
  // After a collection: holders from refbins_[first] on that were in
  // from-space (in_from) are re-pointed or released; `made` holders (views'
  // bytes moved into blocks of their own) join the list.
  template <class InFrom>
  void sweep_refbins(size_t first, InFrom in_from, const Term* const* made, size_t num_made);
  void push_refbin(Term* holder);

  // The off-heap list, malloc'd with the first holder: a heap that never
  // holds a large binary (most processes) pays one pointer for it.
  struct OffHeapList {
    Term** holders;      // [0, old_count) in the old generation, the rest young
    size_t count;
    size_t capacity;
    size_t old_count;
    uint64_t young_bytes;  // kept alive by the young holders
    uint64_t old_bytes;    // by the old ones
    uint64_t old_limit;    // past this the next collection is major
  };

  // Hot fields first: the assembler engine touches these.
  Term* top_ = nullptr;   // next free word of the current block
  Term* end_ = nullptr;   // end of the current block (== top_ in stress mode)
  bool gc_requested_ = false;
  bool stress_ = false;
  bool stress_major_ = false;  // stress mode alternates minor and major collections
  // The caller's first block (see the constructor) as its distance in bytes
  // from this object (it lies just after the process that holds the heap;
  // 0: none): never freed here. Two bytes, in what was padding.
  uint16_t room_offset_ = 0;
  // The current block's start, as an address, less the words before it
  // (full young blocks and the old generation): used_words() is top_ less
  // this. Set by note_used_base at every change of the blocks.
  uintptr_t used_base_ = 0;

  // The young generation; blocks_[num_blocks_ - 1] is the current block.
  // Most heaps (a waiting process's) never have more than two: those live
  // inline, and only a longer list is malloc'd.
  static constexpr uint32_t kInlineBlocks = 2;
  Block* blocks_ = inline_blocks_;
  Block old_ = {};           // the old generation: promoted objects, back to back
  Block spare_ = {};         // a freed block kept for the next to-space (see heap.cpp)
  Block old_spare_ = {};     // the last major collection's from-space, kept for the next one's to-space
  uint32_t num_blocks_ = 0;
  uint32_t blocks_capacity_ = kInlineBlocks;
  size_t min_words_;          // the nursery never shrinks below this
  size_t nursery_words_;      // see "Sizing" above
  size_t old_limit_words_;    // a collection with the old generation past this is major
  double survival_ = 1.0;     // fraction of the young words the last minor collection kept
  size_t next_block_words_;   // size of the next overflow block (doubles until a GC)
  size_t max_words_ = 0;      // see set_max_words; 0: no limit
  OffHeapList* offheap_ = nullptr;  // RefBin holders (see above); null: none yet
  HeapStats stats_;
  Block inline_blocks_[kInlineBlocks];
};

constexpr size_t Heap::top_offset() { return offsetof(Heap, top_); }
constexpr size_t Heap::end_offset() { return offsetof(Heap, end_); }
constexpr size_t Heap::gc_requested_offset() { return offsetof(Heap, gc_requested_); }
constexpr size_t Heap::stress_offset() { return offsetof(Heap, stress_); }

}  // namespace lzr
