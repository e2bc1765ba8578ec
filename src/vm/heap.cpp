// Process heap and Cheney collector (design and sizing: docs/terms.md).
#include "vm/heap.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "vm/refbin.h"

namespace lzr {

static_assert(std::is_standard_layout_v<Heap>, "the assembler engine uses offsetof(Heap, ...)");

namespace {

// Blocks from this size on come straight from mmap, so freeing them returns
// the memory to the OS and untouched reserved pages cost nothing.
constexpr size_t kMmapMinWords = 8 * 1024;  // 64 KiB
constexpr size_t kPageBytes = 4096;
// From this size on, ask for transparent huge pages: a fresh to-space is
// touched front to back, and 2 MiB pages cut the page-fault cost of that
// several hundred times.
constexpr size_t kHugePageMinWords = 512 * 1024;  // 4 MiB
constexpr size_t kMinHeapWords = 16;  // a spawned process starts this small (docs/processes.md)
// The first major collection waits until the old generation holds this much.
// A program with little live data whose survivors die soon after (a loop's
// state rebuilt at every step) holds about twice this (the old generation
// and the kept from-space): 64K words cost nbody-sized programs 1 MiB of
// their 4.5 MiB peak, while the extra major collections of so little live
// data cost nothing measurable.
constexpr size_t kMinOldLimitWords = 16 * 1024;  // 128 KiB
// The old main block is kept as the next collection's to-space (a semi-space
// pair): its pages are already mapped and touched, so steady-state
// collections make no system calls and take no page faults (zeroing fresh
// pages costs about as much as the copying itself). Peak memory does not
// grow, since from- and to-space coexist during a collection anyway. A spare
// more than 4x larger than needed (the heap shrank) is released, and so are
// blocks beyond this size.
constexpr size_t kSpareMaxWords = size_t{64} << 20;  // 512 MiB of address space

// The largest dead old generation kept for the next major collection's
// to-space (retire_old_generation): 8 MiB of touched pages at most.
constexpr size_t kOldSpareMaxTouchedWords = size_t{1} << 20;

size_t mapped_bytes(size_t words) { return (words * sizeof(Term) + kPageBytes - 1) & ~(kPageBytes - 1); }

// "12 MiB" (rounded up), or "N bytes" below 1 MiB. Counts words, so that
// requests past 2^61 words (which no byte count can hold) print right too.
std::string size_text(size_t words) {
  constexpr size_t kWordsPerMiB = (size_t{1} << 20) / sizeof(Term);
  if (words < kWordsPerMiB) return std::to_string(words * sizeof(Term)) + " bytes";
  return std::to_string(words / kWordsPerMiB + (words % kWordsPerMiB != 0)) + " MiB";
}

[[noreturn]] void no_block(size_t words) { heap_exhausted("the system refused a heap block of " + size_text(words)); }

// Words of physical memory: no single object may be larger.
size_t physical_words() {
  static const size_t words = [] {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? static_cast<size_t>(pages) / sizeof(Term) * static_cast<size_t>(page) : SIZE_MAX;
  }();
  return words;
}

// The old blocks' used ranges, sorted, for "does this pointer move?". A heap
// rarely has more than a few blocks, so they usually fit inline (no
// allocation per collection).
class FromSpace {
 public:
  explicit FromSpace(size_t blocks) {
    if (blocks > kInline) {
      try {
        spilled_.resize(blocks);
      } catch (const std::bad_alloc&) {  // inside a collection nothing can raise
        heap_exhausted("the system refused memory for a collection's block list");
      }
      ranges_ = spilled_.data();
    }
  }
  void add(const Term* start, const Term* end) {
    if (start != end) ranges_[n_++] = Range{start, end};
  }
  void seal() {
    std::sort(ranges_, ranges_ + n_, [](const Range& a, const Range& b) { return a.start < b.start; });
    if (n_ > 0) {
      lo_ = ranges_[0].start;
      hi_ = ranges_[n_ - 1].end;
    }
  }
  [[gnu::always_inline]] bool contains(const Term* p) const {
    if (p < lo_ || p >= hi_) return false;
    if (n_ == 1) return true;
    // Last range starting at or before p.
    const Range* it = std::upper_bound(ranges_, ranges_ + n_, p, [](const Term* q, const Range& r) { return q < r.start; });
    return it != ranges_ && p < (it - 1)->end;
  }

 private:
  struct Range {
    const Term* start;
    const Term* end;
  };
  static constexpr size_t kInline = 8;
  Range inline_[kInline];
  Range* ranges_ = inline_;
  size_t n_ = 0;
  std::vector<Range> spilled_;
  const Term* lo_ = nullptr;
  const Term* hi_ = nullptr;
};

// Moves objects from from-space to to-space, leaving a forwarding word in
// the old object's first word (a cons cell's head, a boxed object's header).
class Copier {
 public:
  Copier(const FromSpace& from, Term* to) : from_(from), top_(to) {}
  Term* top() const { return top_; }

  [[gnu::always_inline]] Term forward(Term t) {
    const uint64_t tag = tag_of(t);
    if (tag == kTagCons) {
      Term* p = cons_ptr(t);
      if (!from_.contains(p)) return t;
      const Term head = p[0];
      if (tag_of(head) == kTagForward) return kTagCons | (head & kPayloadMask);
      Term* n = top_;
      top_ += 2;
      n[0] = head;
      n[1] = p[1];
      p[0] = kTagForward | reinterpret_cast<uint64_t>(n);
      return make_cons(n);
    }
    if (tag == kTagBoxed) {
      Term* p = boxed_ptr(t);
      if (!from_.contains(p)) return t;
      const Term header = p[0];
      if (tag_of(header) == kTagForward) return kTagBoxed | (header & kPayloadMask);
      const size_t words = header_words(header) + 1;
      Term* n = top_;
      top_ += words;
      std::memcpy(n, p, words * sizeof(Term));
      p[0] = kTagForward | reinterpret_cast<uint64_t>(n);
      return make_boxed(n);
    }
    return t;
  }

  // Cheney scan: to-space holds only objects, back to back; a header word
  // starts a boxed object, anything else starts a 2-word cons cell. A
  // binary view's holder is left for settle_views: whether the view keeps
  // it depends on whether anything else does.
  void scan_from(Term* scan) {
    while (scan < top_) {
      const Term w = *scan;
      if (is_header(w)) {
        const size_t n = header_words(w);
        if (header_kind(w) == BoxKind::SubBinary) {
          if (from_.contains(boxed_ptr(scan[1]))) defer_view(scan);
        } else if (static_cast<uint8_t>(header_kind(w)) < static_cast<uint8_t>(kFirstRawKind)) {
          for (Term* p = scan + 1; p <= scan + n; ++p) *p = forward(*p);
        }
        scan += 1 + n;
      } else {
        scan[0] = forward(scan[0]);
        scan[1] = forward(scan[1]);
        scan += 2;
      }
    }
  }

  // After the scan, the copied views whose holder was in from-space
  // (docs/terms.md, "Binaries"), grouped by holder. A holder that survived
  // anyway (reached directly) is shared. Otherwise its views keep the whole
  // holder only if together they cover at least a quarter of its bytes;
  // else their bytes move, so small slices never pin a large binary. From
  // an inline holder (Binary, BinBuf) each view gets a plain binary of its
  // own, made only when the copies take no more words than the holder, so
  // to-space never needs more room than from-space held. From an off-heap
  // holder (RefBin) the views' bytes go, back to back, into one new
  // off-heap block whose holder takes the old holder's two words. Holders
  // are raw objects: nothing new needs scanning.
  void settle_views() {
    std::sort(views_.begin(), views_.end(), [](const Term* a, const Term* b) { return a[1] < b[1]; });
    for (size_t i = 0; i < views_.size();) {
      const Term holder_term = views_[i][1];
      size_t end = i;
      uint64_t bytes = 0, copy_words = 0;
      for (; end < views_.size() && views_[end][1] == holder_term; ++end) {
        const auto len = static_cast<uint64_t>(int_value(views_[end][3]));
        bytes += len;
        copy_words += 1 + binary_words(len);
      }
      Term* holder = boxed_ptr(holder_term);
      Term moved;
      if (tag_of(holder[0]) == kTagForward) {
        moved = kTagBoxed | (holder[0] & kPayloadMask);
      } else if (header_kind(holder[0]) == BoxKind::RefBin) {
        if (4 * bytes >= refbin_block(holder)->size || !compact_views(i, end, bytes, holder)) moved = forward(holder_term);
        else {
          i = end;
          continue;
        }
      } else {
        const uint64_t holder_words = header_words(holder[0]) + 1;
        const uint64_t held = (holder_words - 2) * 8;  // Binary or BinBuf: bytes from word 2
        if (4 * bytes >= held || copy_words > holder_words) {
          moved = forward(holder_term);
        } else {
          for (; i < end; ++i) copy_out(views_[i], holder);
          continue;
        }
      }
      for (; i < end; ++i) views_[i][1] = moved;
    }
    views_.clear();
  }

  // The RefBin holders settle_views made (the heap lists them).
  const std::vector<Term*>& made_refbins() const { return made_; }

 private:
  // View `v` gets its own plain binary of its bytes.
  void copy_out(Term* v, const Term* holder) {
    const auto len = static_cast<uint64_t>(int_value(v[3]));
    const uint64_t payload = binary_words(len);
    Term* copy = top_;
    top_ += 1 + payload;
    copy[0] = make_header(BoxKind::Binary, payload);
    copy[payload] = 0;  // padding (for len 0 this is the length word, set next)
    copy[1] = len;
    std::memcpy(copy + 2, holder_bytes(holder) + int_value(v[2]), len);
    v[1] = make_boxed(copy);
    v[2] = make_int(0);
  }

  // Views views_[i..end) of off-heap `holder` (together `bytes` bytes) get
  // a block of their own; false (nothing changed) when the system refuses
  // the memory: they then keep the whole block.
  bool compact_views(size_t i, size_t end, uint64_t bytes, const Term* holder) {
    RefBlock* block = refblock_new(bytes);
    if (!block) return false;
    try {
      made_.reserve(made_.size() + 1);
    } catch (const std::bad_alloc&) {
      refblock_release(block);
      return false;
    }
    const uint8_t* from = holder_bytes(holder);
    Term* fresh = top_;
    top_ += kRefBinWords;
    fresh[0] = make_header(BoxKind::RefBin, kRefBinWords - 1);
    fresh[1] = reinterpret_cast<Term>(block);
    made_.push_back(fresh);
    uint64_t at = 0;
    for (; i < end; ++i) {
      Term* v = views_[i];
      const auto len = static_cast<uint64_t>(int_value(v[3]));
      std::memcpy(block->bytes() + at, from + int_value(v[2]), len);
      v[1] = make_boxed(fresh);
      v[2] = make_int(static_cast<int64_t>(at));
      at += len;
    }
    return true;
  }

  void defer_view(Term* v) {
    try {
      views_.push_back(v);
    } catch (const std::bad_alloc&) {  // inside a collection nothing can raise
      heap_exhausted("the system refused memory for a collection's view list");
    }
  }

  const FromSpace& from_;
  Term* top_;
  std::vector<Term*> views_;  // copied views whose holder is in from-space
  std::vector<Term*> made_;   // RefBin holders made by compact_views
};

}  // namespace

size_t physical_memory_words() { return physical_words(); }

void heap_exhausted(const std::string& why) {
  std::fflush(stdout);  // what the program printed so far is not lost
  std::fprintf(stderr, "lzr: out_of_memory: %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

Heap::Heap(size_t initial_words) : Heap(initial_words, nullptr, 0) {}

// Twice the nursery: room to overflow in place (reset_nursery).
size_t Heap::first_block_words(size_t initial_words) { return 2 * std::max(initial_words, kMinHeapWords); }

Heap::Heap(size_t initial_words, Term* room, size_t room_words) {
  min_words_ = std::max(initial_words, kMinHeapWords);
  nursery_words_ = min_words_;
  old_limit_words_ = kMinOldLimitWords;
  next_block_words_ = min_words_;
  const size_t first_words = first_block_words(initial_words);
  Block first;
  const uintptr_t offset = reinterpret_cast<uintptr_t>(room) - reinterpret_cast<uintptr_t>(this);
  if (room && room_words >= first_words && reinterpret_cast<uintptr_t>(room) > reinterpret_cast<uintptr_t>(this) &&
      offset <= UINT16_MAX) {
    room_offset_ = static_cast<uint16_t>(offset);
    first = Block{room, room, room + min_words_, first_words};
  } else {
    first = new_block(first_words, min_words_);
  }
  if (!first.start) throw OutOfMemory("cannot get the first heap block");
  push_block(first);
  note_peak(held_words());
}

Heap::~Heap() {
  if (offheap_) {
    for (size_t i = 0; i < offheap_->count; ++i) refblock_release(refbin_block(offheap_->holders[i]));
    std::free(offheap_->holders);
    std::free(offheap_);
  }
  for (uint32_t i = 0; i < num_blocks_; ++i) free_block(blocks_[i]);
  if (spare_.start) free_block(spare_);
  if (old_spare_.start) free_block(old_spare_);
  if (old_.start) free_block(old_);
  if (blocks_ != inline_blocks_) std::free(blocks_);
}

Heap::Block Heap::new_block(size_t reserve_words, size_t usable_words, size_t touch_words) {
  Term* start;
  if (reserve_words >= kMmapMinWords) {
    void* p = ::mmap(nullptr, mapped_bytes(reserve_words), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return {};
    stats_.blocks_mapped++;
#ifdef MADV_HUGEPAGE
    // Decided by what will be touched, not by what is reserved: a huge page
    // is resident in full from its first touch, so a small process whose
    // old generation reserves room to grow would hold 2 MiB for a few KiB.
    if (std::min(touch_words, reserve_words) >= kHugePageMinWords) ::madvise(p, mapped_bytes(reserve_words), MADV_HUGEPAGE);
#endif
    start = static_cast<Term*>(p);
  } else {
    start = static_cast<Term*>(std::malloc(reserve_words * sizeof(Term)));
    if (!start) return {};
  }
  return Block{start, start, start + usable_words, reserve_words};
}

void Heap::free_block(const Block& b) {
  if (room_offset_ && reinterpret_cast<uintptr_t>(b.start) - reinterpret_cast<uintptr_t>(this) == room_offset_) return;  // the owner's (the constructor)
  if (b.reserved >= kMmapMinWords) {
    ::munmap(b.start, mapped_bytes(b.reserved));
    stats_.blocks_unmapped++;
  } else {
    std::free(b.start);
  }
}

Heap::Block Heap::take_to_space(size_t reserve_words) {
  if (spare_.start) {
    const Block b = spare_;
    spare_ = {};
    if (b.reserved >= reserve_words && b.reserved <= 4 * reserve_words) return Block{b.start, b.start, b.start + b.reserved, b.reserved};
    free_block(b);
  }
  const Block b = new_block(reserve_words, reserve_words);
  if (!b.start) no_block(reserve_words);
  return b;
}

void Heap::keep_or_free(const Block& b) {
  const bool keepable = b.reserved >= kMmapMinWords && b.reserved <= kSpareMaxWords;
  if (keepable && (!spare_.start || b.reserved > spare_.reserved)) {
    if (spare_.start) free_block(spare_);
    spare_ = b;
  } else {
    free_block(b);
  }
}

// A major collection's to-space: the previous from-space when its
// reservation fits (between the request and twice it), so that a program
// whose old generation stays about the same size makes no system call per
// major collection and refaults no page; otherwise a fresh mapping ({} if
// the OS refuses it).
Heap::Block Heap::take_old_to_space(size_t reserve_words, size_t touch_words) {
  if (old_spare_.start) {
    const Block b = old_spare_;
    old_spare_ = {};
    if (b.reserved >= reserve_words && b.reserved <= 2 * reserve_words) return Block{b.start, b.start, b.start + b.reserved, b.reserved};
    free_block(b);
  }
  return new_block(reserve_words, reserve_words, touch_words);
}

// The from-space of a major collection, now dead: kept for the next one
// when the pages it touched are few (kOldSpareMaxTouchedWords), freed
// otherwise. Keeping it does not raise the peak while the old generation
// stays about the size of the copy: from- and to-space were both resident
// during the collection (collect_any frees it once that no longer holds).
void Heap::retire_old_generation() {
  if (!old_.start) return;
  const size_t touched = static_cast<size_t>(old_.top - old_.start);
  if (old_.reserved >= kMmapMinWords && touched <= kOldSpareMaxTouchedWords) {
    if (old_spare_.start) free_block(old_spare_);
    old_spare_ = old_;
  } else {
    free_block(old_);
  }
  old_ = {};
}

void Heap::grow_block_list() {
  if (num_blocks_ < blocks_capacity_) return;
  blocks_capacity_ *= 2;
  const bool was_inline = blocks_ == inline_blocks_;
  auto* grown = static_cast<Block*>(std::realloc(was_inline ? nullptr : blocks_, blocks_capacity_ * sizeof(Block)));
  if (!grown) heap_exhausted("the system refused memory for the heap's block list");
  if (was_inline) std::memcpy(grown, inline_blocks_, num_blocks_ * sizeof(Block));
  blocks_ = grown;
}

void Heap::push_block(const Block& b) {
  grow_block_list();
  if (num_blocks_ > 0) blocks_[num_blocks_ - 1].top = top_;
  blocks_[num_blocks_++] = b;
  top_ = b.top;
  sync_end();
  note_used_base();
}

void Heap::insert_block_below_current(const Block& b) {
  grow_block_list();
  Block current = blocks_[num_blocks_ - 1];
  current.top = top_;
  blocks_[num_blocks_ - 1] = b;
  blocks_[num_blocks_++] = current;
  note_used_base();
}

// Every collection ends in push_block (reset_nursery), after its changes
// to the old generation; a big block goes in below the current one. So
// these two keep used_base_, and top_ moves within the current block
// between them.
void Heap::note_used_base() {
  const size_t before = (num_blocks_ > 1 ? full_blocks_words() : 0) + old_words();
  used_base_ = reinterpret_cast<uintptr_t>(blocks_[num_blocks_ - 1].start) - before * sizeof(Term);
}

size_t Heap::held_words() const {
  size_t words = static_cast<size_t>(old_.top - old_.start);
  for (uint32_t i = 0; i < num_blocks_; ++i) {
    const Block& b = blocks_[i];
    words += static_cast<size_t>(b.limit - b.start);
  }
  return words;
}

void Heap::note_peak(size_t words) { stats_.peak_words = std::max(stats_.peak_words, words); }

size_t Heap::full_blocks_words() const {
  size_t words = 0;
  for (uint32_t i = 0; i + 1 < num_blocks_; ++i) words += static_cast<size_t>(blocks_[i].top - blocks_[i].start);
  return words;
}

bool Heap::owns(const Term* p) const {
  if (p >= old_.start && p < old_.start + old_.reserved) return true;
  for (uint32_t i = 0; i < num_blocks_; ++i) {
    const Block& b = blocks_[i];
    if (p >= b.start && p < b.start + b.reserved) return true;
  }
  return false;
}

void Heap::set_max_words(size_t words) {
  max_words_ = words;
  nursery_words_ = std::min(nursery_words_, nursery_cap());
}

size_t Heap::nursery_cap() const {
  const size_t cap = max_words_ ? std::min(kMaxNurseryWords, max_words_ / 4) : kMaxNurseryWords;
  return std::max(min_words_, cap);
}

Term* Heap::try_alloc(size_t words) {
  if (words > kMaxAllocWords || (max_words_ && words > max_words_) || words > physical_words()) return nullptr;
  if (static_cast<size_t>(end_ - top_) >= words) {
    Term* p = top_;
    top_ += words;
    return p;
  }
  return alloc_slow(words, true);
}

void Heap::set_stress(bool on) {
  stress_ = on;
  sync_end();
}

Term* Heap::alloc_slow(size_t words, bool may_fail) {
  // Beyond kMaxAllocWords mapped_bytes(words) would wrap around; beyond the
  // maximum heap no collection can make room.
  if (words > kMaxAllocWords || (max_words_ && words > max_words_)) {
    if (may_fail) return nullptr;
    heap_exhausted("an object of " + size_text(words) + " exceeds " +
                   (max_words_ && words > max_words_ ? "the maximum heap size (" + size_text(max_words_) + ")" : "the largest object size"));
  }
  gc_requested_ = true;
  Block& current = blocks_[num_blocks_ - 1];
  Term* const reserve_end = current.start + current.reserved;

  if (static_cast<size_t>(current.limit - top_) >= words) {
    // Only in stress mode: the block has room, end_ just hid it.
  } else if (static_cast<size_t>(reserve_end - top_) >= words) {
    // The current block usually has reserved (untouched) room past its limit.
    current.limit = std::min(std::max(top_ + words, current.limit + next_block_words_), reserve_end);
    note_peak(held_words());
  } else if (words >= next_block_words_ / 2) {
    // A large object gets a block of its own; small ones keep filling the current block.
    Block big = new_block(words, words);
    if (!big.start) {
      if (may_fail) return nullptr;
      no_block(words);
    }
    big.top = big.limit;
    insert_block_below_current(big);
    note_peak(held_words());
    return big.start;
  } else {
    Block b = new_block(next_block_words_, next_block_words_);
    if (!b.start) b = new_block(words, words);  // the doubled size may be what the OS refuses
    if (!b.start) {
      if (may_fail) return nullptr;
      no_block(words);
    }
    push_block(b);
    next_block_words_ *= 2;  // keeps the block count logarithmic if no GC comes for a while
    note_peak(held_words());
  }
  Term* p = top_;
  top_ += words;
  sync_end();
  return p;
}

uint64_t Heap::offheap_budget() const { return std::max<uint64_t>(kMinOffHeapBytes, nursery_words_ * sizeof(Term)); }

void Heap::push_refbin(Term* holder) {
  if (!offheap_) {
    offheap_ = static_cast<OffHeapList*>(std::malloc(sizeof(OffHeapList)));
    if (!offheap_) heap_exhausted("the system refused memory for the heap's off-heap binary list");
    *offheap_ = OffHeapList{nullptr, 0, 0, 0, 0, 0, kMinOffHeapBytes};
  }
  OffHeapList& l = *offheap_;
  if (l.count == l.capacity) {
    const size_t capacity = std::max<size_t>(8, 2 * l.capacity);
    auto* grown = static_cast<Term**>(std::realloc(l.holders, capacity * sizeof(Term*)));
    if (!grown) heap_exhausted("the system refused memory for the heap's off-heap binary list");
    l.holders = grown;
    l.capacity = capacity;
  }
  l.holders[l.count++] = holder;
}

void Heap::add_refbin(Term* holder) {
  push_refbin(holder);
  offheap_->young_bytes += refbin_block(holder)->size;
  if (offheap_->young_bytes > offheap_budget()) gc_requested_ = true;
}

// Minor collections pass `first` = the old holders' count: only young
// holders were in from-space. Major ones pass 0.
template <class InFrom>
void Heap::sweep_refbins(size_t first, InFrom in_from, const Term* const* made, size_t num_made) {
  // No list, no holders in the heap: no view can have had one to settle.
  if (!offheap_) return;
  OffHeapList& l = *offheap_;
  size_t out = first;
  uint64_t kept = 0;
  for (size_t i = first; i < l.count; ++i) {
    Term* h = l.holders[i];
    if (!in_from(h)) {  // not in from-space: untouched (cannot happen for young holders)
      l.holders[out++] = h;
      kept += refbin_block(h)->size;
    } else if (tag_of(h[0]) == kTagForward) {
      Term* moved = reinterpret_cast<Term*>(h[0] & kPayloadMask);
      l.holders[out++] = moved;
      kept += refbin_block(moved)->size;
    } else {
      refblock_release(refbin_block(h));
    }
  }
  l.count = out;
  for (size_t i = 0; i < num_made; ++i) {
    push_refbin(const_cast<Term*>(made[i]));
    kept += refbin_block(made[i])->size;
  }
  // Every survivor is in the old generation now.
  l.old_bytes = (first == 0 ? 0 : l.old_bytes) + kept;
  l.old_count = l.count;
  l.young_bytes = 0;
}

namespace {

void copy_roots(Copier& copier, const GcRoots& roots) {
  if (roots.x) {
    for (unsigned i = 0; i < 32; ++i) roots.x[i] = (roots.x_live >> i) & 1 ? copier.forward(roots.x[i]) : kNil;
  }
  for (Term& t : roots.stack) t = copier.forward(t);
  for (Term* r : roots.extra) *r = copier.forward(*r);
}

}  // namespace

// The public entry points time the collection (--stats' GC time); the
// steady clock is a vDSO read, noise next to any collection.
namespace {
uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
}  // namespace

void Heap::collect(const GcRoots& roots) {
  const uint64_t t0 = now_ns();
  collect_any(roots);
  stats_.gc_ns += now_ns() - t0;
}

void Heap::collect_major(const GcRoots& roots) {
  const uint64_t t0 = now_ns();
  major(roots);
  stats_.gc_ns += now_ns() - t0;
}

void Heap::collect_any(const GcRoots& roots) {
  blocks_[num_blocks_ - 1].top = top_;
  const size_t young = used_words() - old_words();
  const bool fits = old_.start && old_.top + young <= old_.start + old_.reserved;
  // Due when the old generation would pass its limit with what this minor
  // collection is expected to promote (the last one's survival rate; a
  // nursery full of short-lived data promotes little of it).
  const size_t expected = static_cast<size_t>(static_cast<double>(young) * survival_);
  // With a maximum heap, a full collection decides whether the data fits.
  // Off-heap binaries count against the maximum heap too (in words).
  const bool due = old_words() + expected > old_limit_words_ ||
                   (max_words_ && old_words() + young + offheap_bytes() / sizeof(Term) > max_words_) ||
                   (offheap_ && offheap_->old_bytes > offheap_->old_limit);
  // A major collection holds its from-space and its copy at once. When the
  // old generation is large next to the nursery, the young survivors are
  // promoted first, so that the from-space is the old generation alone and
  // the emptied nursery's pages can go back to the OS during the copy: the
  // peak is then the old generation plus the live data, without a full
  // nursery (docs/terms.md, "Heap and GC"). With a small old generation
  // (frequent major collections of little data) the nursery's pages are
  // worth more than that: refaulting them each time would cost more than
  // the copy.
  const bool promote_first = due && old_words() >= 4 * nursery_words_;
  if (!fits || (due && !promote_first) || (stress_ && (stress_major_ = !stress_major_))) return major(roots);

  // The kept from-space is touched memory held for the next major
  // collection. During that collection, it and its copy were resident
  // together (the nursery is resident either way); once the old generation
  // grows past the copy (old_.limit), the two hold more, and keeping it
  // raises the peak. So it goes before this collection is expected, at the
  // last survival rate, to promote past the copy. One of at most twice the
  // smallest old generation stays: a program whose few survivors die soon
  // after makes a major collection every few hundred minor ones, and
  // mapping a fresh to-space for each took 2% of nbody's run to save
  // 128 KiB. It also goes once it could not be that collection's to-space
  // anyway: its reservation must hold the request, 4 x what the heap uses.
  const size_t spare_touched = static_cast<size_t>(old_spare_.top - old_spare_.start);
  if (old_spare_.start && ((spare_touched > 2 * kMinOldLimitWords && old_.top + expected > old_.limit) ||
                           old_spare_.reserved < 4 * (old_words() + expected))) {
    free_block(old_spare_);
    old_spare_ = {};
  }

  // Minor: young survivors are appended to the old generation, and only
  // that appended region is scanned (old objects point only to old ones).
  FromSpace from(num_blocks_);
  for (uint32_t i = 0; i < num_blocks_; ++i) from.add(blocks_[i].start, blocks_[i].top);
  from.seal();
  Term* const promoted = old_.top;
  Copier copier(from, promoted);
  copy_roots(copier, roots);
  copier.scan_from(promoted);
  copier.settle_views();
  old_.top = copier.top();
  sweep_refbins(offheap_ ? offheap_->old_count : 0, [&from](const Term* p) { return from.contains(p); }, copier.made_refbins().data(),
                copier.made_refbins().size());

  const size_t survivors = static_cast<size_t>(old_.top - promoted);
  stats_.words_copied += survivors;
  note_peak(held_words());
  if (promote_first) {
    // The nursery keeps its size and the survival rate its value, as for a
    // major collection of young and old together: the schedule is the same.
    reset_nursery();
    release_nursery_pages();
    return major(roots);
  }
  survival_ = young ? static_cast<double>(survivors) / static_cast<double>(young) : 1.0;
  size_nursery(survivors, roots.stack.size());
  reset_nursery();
  stats_.collections++;
  gc_requested_ = stress_;
}

// Only called on an empty young generation (right after reset_nursery):
// its one block's pages are dropped (they read as zeros when touched again)
// and so is the spare block, which is only a cache of touched pages.
void Heap::release_nursery_pages() {
  Block& nursery = blocks_[num_blocks_ - 1];
  if (nursery.reserved >= kMmapMinWords) {
    ::madvise(nursery.start, mapped_bytes(nursery.reserved), MADV_DONTNEED);
    stats_.pages_released++;
    nursery.limit = nursery.start;  // holds nothing until reset_nursery
    sync_end();
  }
  if (spare_.start) {
    free_block(spare_);
    spare_ = {};
  }
}

void Heap::major(const GcRoots& roots) {
  blocks_[num_blocks_ - 1].top = top_;
  const size_t used = used_words();
  const size_t held_before = held_words();

  FromSpace from(num_blocks_ + 1);
  for (uint32_t i = 0; i < num_blocks_; ++i) from.add(blocks_[i].start, blocks_[i].top);
  if (old_.start) from.add(old_.start, old_.top);
  from.seal();

  // The new old generation: room for everything now used (the most that can
  // survive) and for promotions until the next major collection; untouched
  // pages of an mmap'd block cost no memory.
  // The to-space is mapped before anything moves: a collection cannot fail
  // half way. If the OS refuses the generous size, the most that can
  // survive (`used`) will do; if it refuses that too, the run ends.
  // A small heap (a spawned process that has taken a few messages) gets an
  // old generation from malloc, four times what it uses: the generous
  // reservation would cost it an mmap, a fresh page-table page on its first
  // touch and, when it ends, an munmap with a TLB flush on every core that
  // ran it. When that room is full, the next collection is major again
  // (`fits`), so a growing heap quadruples its room up to kMmapMinWords.
  const size_t small = std::max(4 * used, 4 * nursery_words_);
  const size_t reserve = small < kMmapMinWords ? small : std::max({4 * used, 2 * old_limit_words_ + 2 * kMaxNurseryWords, kMmapMinWords});
  Block to = take_old_to_space(reserve, used);  // the copy touches at most `used` words
  if (!to.start) {
    const size_t least = std::max(used, kMmapMinWords);
    to = new_block(least, least);
    if (!to.start) heap_exhausted("the system refused " + size_text(least) + " for a collection's to-space");
  }
  Copier copier(from, to.start);
  copy_roots(copier, roots);
  copier.scan_from(to.start);
  copier.settle_views();
  to.top = copier.top();
  to.limit = to.top;  // the old generation's limit marks the copy's end: past it lies what minor collections promoted
  sweep_refbins(0, [&from](const Term* p) { return from.contains(p); }, copier.made_refbins().data(), copier.made_refbins().size());
  if (offheap_) offheap_->old_limit = std::max(kMinOffHeapBytes, 2 * offheap_->old_bytes);

  const size_t live = static_cast<size_t>(to.top - to.start);
  if (max_words_ && live + offheap_bytes() / sizeof(Term) > max_words_) {
    heap_exhausted("the live heap exceeds the maximum heap size (" + size_text(max_words_) + ")");
  }
  retire_old_generation();
  old_ = to;
  // At least two nurseries of room: when survivors die soon after their
  // promotion (big integers replaced at every step), the old generation
  // fills with them at one promotion per minor collection, and a limit of
  // twice the live data would make every other collection major.
  old_limit_words_ = std::max({kMinOldLimitWords, 2 * live, 2 * nursery_words_});
  note_peak(held_before + live);
  // A major collection says nothing about how long young data lives: the
  // nursery keeps its size (but still covers half the stack).
  nursery_words_ = std::clamp(std::max(nursery_words_, roots.stack.size() / 2), min_words_, nursery_cap());
  reset_nursery();
  stats_.collections++;
  stats_.major_collections++;
  stats_.words_copied += live;
  gc_requested_ = stress_;
}

void Heap::size_nursery(size_t survivors, size_t stack_words) {
  // Each minor collection copies its survivors, so survivors / nursery is
  // the copying cost per allocated word: the nursery doubles while that is
  // above 1/16, and halves only once it is below 1/128 (the gap keeps a
  // nursery whose survivors fall as it grows from flapping). A program
  // whose survivors are a steady working set (the nodes a map update just
  // path-copied, the two big integers of a loop) thus gets a nursery where
  // most of what it allocates dies before it is copied.
  size_t n = nursery_words_;
  if (survivors > n / 16) {
    n *= 2;
  } else if (survivors < n / 128) {
    n /= 2;
  }
  n = std::max(n, stack_words / 2);  // a minor collection scans the whole stack
  nursery_words_ = std::clamp(n, min_words_, nursery_cap());
}

// Empties the young generation: the biggest young block that can hold the
// nursery is reused (its pages are already touched), the others are freed.
// The nursery block reserves twice the nursery, so the allocations between
// "full" and the next safe point extend it in place: no block is mapped and
// unmapped per collection (an unmap costs a TLB shootdown), and the pages
// stay touched for the next round.
void Heap::reset_nursery() {
  Block keep = {};
  for (uint32_t i = 0; i < num_blocks_; ++i) {
    const Block& b = blocks_[i];
    if (!keep.start && b.reserved >= 2 * nursery_words_ && b.reserved <= 8 * nursery_words_) {
      keep = b;
    } else {
      keep_or_free(b);
    }
  }
  if (!keep.start) keep = take_to_space(2 * nursery_words_);
  keep.top = keep.start;
  keep.limit = keep.start + nursery_words_;
  num_blocks_ = 0;
  next_block_words_ = nursery_words_;
  push_block(keep);
}

}  // namespace lzr
