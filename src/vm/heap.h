// A process heap: bump allocation in the current block, and a precise
// copying (Cheney) collector.
//
// Allocation never collects. When the current block is full, alloc() moves to
// a fresh overflow block and sets gc_requested; the engine collects at its
// next safe point (right after the allocating instruction, or after a native
// returns), when it knows the roots exactly. So every C++ routine that builds
// terms (maps, built-ins, natives) may hold raw Terms in locals safely.
//
// Objects outside the heap's blocks (module literals, which are immortal) are
// never moved or scanned by the collector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vm/term.h"

namespace lzr {

struct HeapStats {
  uint64_t collections = 0;
  uint64_t words_copied = 0;   // total over all collections
  size_t peak_words = 0;       // largest heap capacity held at once (words)
};

// Where the collector finds live terms.
struct GcRoots {
  Term* x = nullptr;          // the 32 X registers
  uint32_t x_live = 0;        // bit i: X[i] is live; dead X registers become nil
  std::span<Term> stack;      // every word is a term (raw pointers read as floats)
  std::span<Term*> extra;     // further single roots (e.g. the running closure)
};

class Heap {
 public:
  explicit Heap(size_t initial_words = 2048);
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // Returns `words` uninitialised words; never fails (aborts only if the OS
  // refuses memory) and never collects.
  Term* alloc(size_t words) {
    if (static_cast<size_t>(end_ - top_) >= words) {
      Term* p = top_;
      top_ += words;
      if (stress_) gc_requested_ = true;
      return p;
    }
    return alloc_slow(words);
  }

  bool gc_requested() const { return gc_requested_; }
  void collect(const GcRoots& roots);

  // True if `p` points into this heap's blocks (i.e. it may move on GC).
  bool owns(const Term* p) const;

  void set_stress(bool on) { stress_ = on; }
  bool stress() const { return stress_; }
  const HeapStats& stats() const { return stats_; }
  size_t used_words() const;

  // Addresses the assembler engine reads and writes directly.
  static constexpr size_t top_offset();
  static constexpr size_t end_offset();
  static constexpr size_t gc_requested_offset();

 private:
  struct Block {
    Term* start;
    Term* end;
  };
  Term* alloc_slow(size_t words);
  Block new_block(size_t words);
  void free_block(Block b);

  Term* top_ = nullptr;   // next free word of the current block
  Term* end_ = nullptr;   // end of the current block
  bool gc_requested_ = false;
  bool stress_ = false;
  std::vector<Block> blocks_;  // blocks_.back() is the current block
  size_t next_block_words_;    // growth policy: capacity of the next main block
  HeapStats stats_;
};

}  // namespace lzr
