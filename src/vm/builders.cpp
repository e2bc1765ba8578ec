// Heap term constructors (layouts: src/vm/term.h, docs/terms.md).
#include "vm/builders.h"

#include <cstring>

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

size_t binary_alloc_words(size_t size) { return 1 + binary_words(size); }

Term alloc_binary(Heap& heap, size_t size, uint8_t*& data) { return init_binary(heap.alloc(binary_alloc_words(size)), size, data); }

Term init_binary(Term* p, size_t size, uint8_t*& data) {
  const uint64_t payload = binary_words(size);
  p[0] = make_header(BoxKind::Binary, payload);
  p[1] = size;
  if (payload > 1) p[payload] = 0;  // zero padding keeps the bytes past `size` deterministic
  data = reinterpret_cast<uint8_t*>(p + 2);
  return make_boxed(p);
}

Term make_binary(Heap& heap, std::string_view bytes) {
  uint8_t* data;
  const Term t = alloc_binary(heap, bytes.size(), data);
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  return t;
}

}  // namespace lzr
