#include "proc/copy.h"

#include <cstring>
#include <string>

#include "vm/heap.h"
#include "vm/refbin.h"
#include "vm/work_stack.h"

namespace lzr {

namespace {

bool scans_payload(Term header) {
  return static_cast<uint8_t>(header_kind(header)) < static_cast<uint8_t>(kFirstRawKind);
}

// How a binary is copied (docs/terms.md, "Binaries"): a view of an
// off-heap block shares it (a new holder and view, the block's count up
// one); other bytes from kRefBinMinBytes on are copied once into a new
// off-heap block (a large literal, a writable buffer's view), so that the
// receiver and every later copy share them; fewer bytes are copied inline.
bool shares_block(const Term* o) {
  return header_kind(o[0]) == BoxKind::SubBinary && header_kind(boxed_ptr(o[1])[0]) == BoxKind::RefBin;
}

size_t binary_copy_words(Term bin) {
  const uint64_t size = binary_size(bin);
  return shares_block(boxed_ptr(bin)) || size >= kRefBinMinBytes ? kRefBinWords + kSubBinaryWords : 1 + binary_words(size);
}

// Copies binary `bin` into `n` (binary_copy_words words); the holder it
// makes joins `owner`'s list, or belongs to the fragment when `owner` is
// null.
Term copy_binary(Term bin, Term* n, Heap* owner) {
  const Term* o = boxed_ptr(bin);
  const uint64_t size = binary_size(bin);
  if (shares_block(o)) {
    RefBlock* block = refbin_block(boxed_ptr(o[1]));
    refblock_retain(block);
    n[0] = make_header(BoxKind::RefBin, kRefBinWords - 1);
    n[1] = reinterpret_cast<Term>(block);
    Term* view = n + kRefBinWords;
    view[0] = o[0];
    view[1] = make_boxed(n);
    view[2] = o[2];
    view[3] = o[3];
    if (owner) owner->add_refbin(n);
    return make_boxed(view);
  }
  if (size >= kRefBinMinBytes) {
    RefBlock* block = refblock_new(size);
    if (!block) heap_exhausted("the system refused " + std::to_string(size) + " bytes for a binary's copy");
    std::memcpy(block->bytes(), binary_bytes(bin), size);
    const Term view = init_refbin(n, n + kRefBinWords, block);
    if (owner) owner->add_refbin(n);
    return view;
  }
  const uint64_t payload = binary_words(size);
  n[0] = make_header(BoxKind::Binary, payload);
  n[payload] = 0;  // padding (for size 0 this is the length word, set next)
  n[1] = size;
  if (size) std::memcpy(n + 2, binary_bytes(bin), size);
  return make_boxed(n);
}

}  // namespace

size_t copy_size(Term t) {
  size_t words = 0;
  WorkStack<Term> todo;
  todo.push(t);
  while (!todo.empty()) {
    const Term x = todo.pop();
    if (is_cons(x)) {
      words += 2;
      todo.push(cons_tail(x));
      todo.push(cons_head(x));
    } else if (is_binary(x)) {
      words += binary_copy_words(x);
    } else if (is_boxed(x)) {
      const Term* o = boxed_ptr(x);
      const uint64_t n = header_words(o[0]);
      words += 1 + n;
      if (scans_payload(o[0]))
        for (uint64_t i = 0; i < n; ++i)
          if (is_cons(o[1 + i]) || is_boxed(o[1 + i])) todo.push(o[1 + i]);
    }
  }
  return words;
}

Term copy_term(Term t, Term* dst, Heap* owner) {
  Term* top = dst;
  // Copies one object (not what it points to) to the end of the copy; a
  // binary is copied whole (it points to nothing left to copy).
  auto shallow = [&top, owner](Term x) -> Term {
    if (is_cons(x)) {
      Term* n = top;
      top += 2;
      n[0] = cons_head(x);
      n[1] = cons_tail(x);
      return make_cons(n);
    }
    if (is_binary(x)) {
      Term* n = top;
      top += binary_copy_words(x);
      return copy_binary(x, n, owner);
    }
    if (is_boxed(x)) {
      const Term* o = boxed_ptr(x);
      const size_t words = header_words(o[0]) + 1;
      Term* n = top;
      top += words;
      std::memcpy(n, o, words * sizeof(Term));
      return make_boxed(n);
    }
    return x;
  };
  const Term root = shallow(t);
  // Cheney scan: the copy holds objects back to back; a header word starts
  // a boxed object, anything else a cons cell. Pointers still lead into
  // the source until the scan passes them.
  for (Term* scan = dst; scan < top;) {
    const Term w = *scan;
    if (is_header(w)) {
      const size_t n = header_words(w);
      if (scans_payload(w) && header_kind(w) != BoxKind::SubBinary)  // a binary's copy is complete
        for (Term* q = scan + 1; q <= scan + n; ++q) *q = shallow(*q);
      scan += 1 + n;
    } else {
      scan[0] = shallow(scan[0]);
      scan[1] = shallow(scan[1]);
      scan += 2;
    }
  }
  return root;
}

Term relocate_block(Term t, const Term* from, Term* to, size_t words, Heap& owner) {
  const uint64_t lo = reinterpret_cast<uint64_t>(from);
  const uint64_t hi = lo + words * sizeof(Term);
  const uint64_t delta = reinterpret_cast<uint64_t>(to) - lo;
  auto moved = [&](Term x) -> Term {
    if (!is_cons(x) && !is_boxed(x)) return x;
    const uint64_t addr = x & kPayloadMask;
    return addr >= lo && addr < hi ? x + delta : x;
  };
  for (Term* scan = to; scan < to + words;) {
    const Term w = *scan;
    if (is_header(w)) {
      const size_t n = header_words(w);
      if (scans_payload(w))
        for (Term* q = scan + 1; q <= scan + n; ++q) *q = moved(*q);
      else if (header_kind(w) == BoxKind::RefBin)
        owner.add_refbin(scan);  // the fragment's reference is the heap's now
      scan += 1 + n;
    } else {
      scan[0] = moved(scan[0]);
      scan[1] = moved(scan[1]);
      scan += 2;
    }
  }
  return moved(t);
}

}  // namespace lzr
