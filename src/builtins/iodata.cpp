#include "builtins/iodata.h"

#include <cstring>
#include <vector>

namespace lzr {
namespace {

// Calls chunk(bytes, n) for each run of bytes of `t`, in order; false as
// soon as something in it is not iodata. The tails still to visit wait on
// an explicit stack (allocated only when a list nests in a list).
template <typename Chunk>
bool walk_iodata(Term t, Chunk&& chunk) {
  std::vector<Term> pending;
  for (;;) {
    if (is_cons(t)) {
      const Term head = cons_head(t);
      if (is_int(head)) {
        const int64_t v = int_value(head);
        if (v < 0 || v > 255) return false;
        const uint8_t byte = static_cast<uint8_t>(v);
        chunk(&byte, size_t{1});
      } else if (is_binary(head)) {
        chunk(binary_bytes(head), static_cast<size_t>(binary_size(head)));
      } else if (is_cons(head)) {
        pending.push_back(cons_tail(t));
        t = head;
        continue;
      } else if (!is_nil(head)) {
        return false;
      }
      t = cons_tail(t);
      continue;
    }
    if (is_binary(t)) {
      chunk(binary_bytes(t), static_cast<size_t>(binary_size(t)));
    } else if (!is_nil(t)) {
      return false;  // a byte or anything else as a tail, or as the whole
    }
    if (pending.empty()) return true;
    t = pending.back();
    pending.pop_back();
  }
}

}  // namespace

bool append_iodata(std::string& out, Term t) {
  if (is_binary(t)) {  // the common case, without the walk
    out.append(reinterpret_cast<const char*>(binary_bytes(t)), static_cast<size_t>(binary_size(t)));
    return true;
  }
  return walk_iodata(t, [&](const uint8_t* p, size_t n) {
    if (n == 1) {
      out.push_back(static_cast<char>(*p));
    } else {
      out.append(reinterpret_cast<const char*>(p), n);
    }
  });
}

bool iodata_size(Term t, size_t& size) {
  size = 0;
  return walk_iodata(t, [&](const uint8_t*, size_t n) { size += n; });
}

void copy_iodata(Term t, uint8_t* dst) {
  walk_iodata(t, [&](const uint8_t* p, size_t n) {
    if (n) std::memcpy(dst, p, n);
    dst += n;
  });
}

}  // namespace lzr
