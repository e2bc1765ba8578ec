// Heap term constructors (layouts: src/vm/term.h, docs/terms.md).
#include "vm/builders.h"

#include <cstring>
#include <string>

#include "vm/refbin.h"

namespace lzr {

namespace {
// The empty tuple is one immortal object: no allocation, never moved by GC.
alignas(8) Term g_empty_tuple[1] = {make_header(BoxKind::Tuple, 0)};
}  // namespace

Term make_tuple(Heap& heap, std::span<const Term> elems) {
  if (elems.empty()) return make_boxed(g_empty_tuple);
  Term* p = heap.alloc(1 + elems.size());
  p[0] = make_header(BoxKind::Tuple, elems.size());
  std::memcpy(p + 1, elems.data(), elems.size() * sizeof(Term));
  return make_boxed(p);
}

Term make_list(Heap& heap, std::span<const Term> elems, Term tail) {
  const size_t n = elems.size();
  if (n == 0) return tail;
  Term* cells = heap.alloc(2 * n);
  for (size_t i = 0; i < n; ++i) {
    cells[2 * i] = elems[i];
    cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : tail;
  }
  return make_cons(cells);
}

Term make_cons_cell(Heap& heap, Term head, Term tail) {
  Term* cell = heap.alloc(2);
  cell[0] = head;
  cell[1] = tail;
  return make_cons(cell);
}

size_t binary_alloc_words(size_t size) { return size >= kRefBinMinBytes ? kRefBinWords + kSubBinaryWords : 1 + binary_words(size); }

namespace {

Term init_inline_binary(Term* p, size_t size, uint8_t*& data) {
  const uint64_t payload = binary_words(size);
  p[0] = make_header(BoxKind::Binary, payload);
  p[1] = size;
  if (payload > 1) p[payload] = 0;  // zero padding keeps the bytes past `size` deterministic
  data = reinterpret_cast<uint8_t*>(p + 2);
  return make_boxed(p);
}

// An off-heap binary in `p` (binary_alloc_words(block's size) words),
// registered with `heap`.
Term init_offheap_binary(Heap& heap, Term* p, RefBlock* block, uint8_t*& data) {
  data = block->bytes();
  const Term view = init_refbin(p, p + kRefBinWords, block);
  heap.add_refbin(p);
  return view;
}

}  // namespace

Term alloc_binary(Heap& heap, size_t size, uint8_t*& data) {
  if (size < kRefBinMinBytes) return init_inline_binary(heap.alloc(binary_alloc_words(size)), size, data);
  RefBlock* block = refblock_new(size);
  if (!block) heap_exhausted("the system refused " + std::to_string(size) + " bytes for a binary");
  return init_offheap_binary(heap, heap.alloc(binary_alloc_words(size)), block, data);
}

Term try_alloc_binary(Heap& heap, size_t size, uint8_t*& data) {
  if (size < kRefBinMinBytes) {
    Term* p = heap.try_alloc(binary_alloc_words(size));
    return p ? init_inline_binary(p, size, data) : kNil;
  }
  // The same refusals as for a heap object of that size (Heap::try_alloc):
  // an off-heap binary is still the process's data.
  const size_t words = binary_words(size) + 1;
  if (size > kMaxBinaryBytes || (heap.max_words() && words > heap.max_words()) || words > physical_memory_words()) return kNil;
  RefBlock* block = refblock_new(size);
  if (!block) return kNil;
  return init_offheap_binary(heap, heap.alloc(binary_alloc_words(size)), block, data);
}

Term make_binary(Heap& heap, std::string_view bytes) {
  uint8_t* data;
  const Term t = alloc_binary(heap, bytes.size(), data);
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  return t;
}

}  // namespace lzr
