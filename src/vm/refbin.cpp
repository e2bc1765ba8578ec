// Off-heap binary blocks (vm/refbin.h).
#include "vm/refbin.h"

#include <malloc.h>

#include <cstdlib>
#include <mutex>

namespace lzr {

namespace {

// Freed large blocks, kept for the next large binary. A block from the
// system is fresh pages, and faulting them in costs more than writing the
// bytes (a 10 MiB binary: 2,560 page faults); a program that makes and
// drops large binaries in a loop would pay that for every one. So up to
// kCachedBlocks blocks of kCacheMinBytes or more (kCacheMaxBytes in all,
// the oldest freed first to make room) are kept when released, and a new
// block takes one whose capacity is within twice what it needs. Shared by every heap (a mutex: blocks are
// released by whichever thread drops the last reference).
constexpr size_t kCacheMinBytes = size_t{256} << 10;
constexpr size_t kCacheMaxBytes = size_t{32} << 20;
constexpr size_t kCachedBlocks = 4;

class BlockCache {
 public:
  ~BlockCache() {
    for (size_t i = 0; i < n_; ++i) std::free(blocks_[i].p);
  }
  // A cached block of at least `bytes` (and at most twice that), or nullptr.
  void* take(size_t bytes) {
    std::lock_guard<std::mutex> lock(m_);
    for (size_t i = 0; i < n_; ++i) {
      if (blocks_[i].capacity >= bytes && blocks_[i].capacity / 2 <= bytes) {
        void* p = blocks_[i].p;
        total_ -= blocks_[i].capacity;
        for (size_t j = i + 1; j < n_; ++j) blocks_[j - 1] = blocks_[j];
        --n_;
        return p;
      }
    }
    return nullptr;
  }
  // Keeps `p` (capacity `capacity`), making room by freeing the oldest
  // cached blocks; false (the caller frees it) if it alone is too large.
  bool keep(void* p, size_t capacity) {
    if (capacity > kCacheMaxBytes) return false;
    void* evicted[kCachedBlocks];
    size_t num_evicted = 0;
    {
      std::lock_guard<std::mutex> lock(m_);
      while (n_ == kCachedBlocks || total_ + capacity > kCacheMaxBytes) {
        evicted[num_evicted++] = blocks_[0].p;
        total_ -= blocks_[0].capacity;
        for (size_t i = 1; i < n_; ++i) blocks_[i - 1] = blocks_[i];
        --n_;
      }
      blocks_[n_++] = Entry{p, capacity};
      total_ += capacity;
    }
    for (size_t i = 0; i < num_evicted; ++i) std::free(evicted[i]);  // outside the lock: may unmap
    return true;
  }

 private:
  struct Entry {
    void* p;
    size_t capacity;
  };
  std::mutex m_;
  Entry blocks_[kCachedBlocks] = {};
  size_t n_ = 0;
  size_t total_ = 0;
};

BlockCache& cache() {
  static BlockCache c;
  return c;
}

}  // namespace

RefBlock* refblock_new(uint64_t size) {
  if (size > kMaxBinaryBytes) return nullptr;
  const size_t bytes = sizeof(RefBlock) + size;
  void* p = bytes >= kCacheMinBytes ? cache().take(bytes) : nullptr;
  if (!p) p = std::malloc(bytes);
  if (!p) return nullptr;
  auto* b = static_cast<RefBlock*>(p);
  b->refs.store(1, std::memory_order_relaxed);
  b->size = size;
  return b;
}

void refblock_release(RefBlock* b) {
  // acq_rel: the thread that frees the bytes sees every other holder's last
  // use of them (issue 17's schedulers run holders on several threads).
  if (b->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  const size_t capacity = malloc_usable_size(b);
  if (capacity >= kCacheMinBytes && cache().keep(b, capacity)) return;
  std::free(b);
}

Term init_refbin(Term* holder, Term* view, RefBlock* block) {
  holder[0] = make_header(BoxKind::RefBin, kRefBinWords - 1);
  holder[1] = reinterpret_cast<Term>(block);
  view[0] = make_header(BoxKind::SubBinary, kSubBinaryWords - 1);
  view[1] = make_boxed(holder);
  view[2] = make_int(0);
  view[3] = make_int(static_cast<int64_t>(block->size));
  return make_boxed(view);
}

void release_fragment_refbins(const Term* block, size_t words) {
  for (const Term* scan = block; scan < block + words;) {
    const Term w = *scan;
    if (!is_header(w)) {
      scan += 2;  // a cons cell
      continue;
    }
    if (header_kind(w) == BoxKind::RefBin) refblock_release(refbin_block(scan));
    scan += 1 + header_words(w);
  }
}

}  // namespace lzr
