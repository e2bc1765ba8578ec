// Off-heap binary blocks (vm/refbin.h).
#include "vm/refbin.h"

#include <cstdlib>

namespace lzr {

RefBlock* refblock_new(uint64_t size) {
  if (size > kMaxBinaryBytes) return nullptr;
  void* p = std::malloc(sizeof(RefBlock) + size);
  if (!p) return nullptr;
  auto* b = static_cast<RefBlock*>(p);
  b->refs.store(1, std::memory_order_relaxed);
  b->size = size;
  return b;
}

void refblock_release(RefBlock* b) {
  // acq_rel: the thread that frees the bytes sees every other holder's last
  // use of them (issue 17's schedulers run holders on several threads).
  if (b->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) std::free(b);
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
