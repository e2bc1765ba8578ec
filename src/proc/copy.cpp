#include "proc/copy.h"

#include <cstring>

#include "vm/work_stack.h"

namespace lzr {

namespace {

bool scans_payload(Term header) {
  return static_cast<uint8_t>(header_kind(header)) < static_cast<uint8_t>(kFirstRawKind);
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

Term copy_term(Term t, Term* dst) {
  Term* top = dst;
  // Copies one object (not what it points to) to the end of the copy.
  auto shallow = [&top](Term x) -> Term {
    if (is_cons(x)) {
      Term* n = top;
      top += 2;
      n[0] = cons_head(x);
      n[1] = cons_tail(x);
      return make_cons(n);
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
      if (scans_payload(w))
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

Term relocate_block(Term t, const Term* from, Term* to, size_t words) {
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
