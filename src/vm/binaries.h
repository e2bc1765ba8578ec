// Binaries beyond the plain object: views (sub-binaries), writable buffers
// that grow by append, and reading values out of bytes without allocating.
// Layouts and the rules for when a view copies and when an append copies:
// docs/terms.md, "Binaries"; the instructions: docs/bytecode.md, "Binaries".
#pragma once

#include <cstdint>
#include <optional>

#include "vm/heap.h"
#include "vm/term.h"

namespace lzr {

// Slices up to this many bytes are copied, not viewed: the copy is no larger
// than a view (kSubBinaryWords).
constexpr uint64_t kSliceCopyMaxBytes = 16;
// The first writable buffer's capacity, in bytes.
constexpr uint64_t kMinBufferBytes = 64;

// The object holding a binary's bytes: itself for a plain binary, else the
// view's Binary, BinBuf or RefBin (holder_bytes in term.h reads any).
inline const Term* binary_holder(Term bin) {
  const Term* o = boxed_ptr(bin);
  return header_kind(o[0]) == BoxKind::Binary ? o : boxed_ptr(o[1]);
}

// A slice of `len` bytes of binary `bin` from byte `offset` (the caller
// checked offset + len <= binary_size(bin)): `bin` itself when the slice is
// all of it, a copy of at most kSliceCopyMaxBytes bytes, else an O(1) view
// of the same bytes (a view of a view refers to the holder directly).
Term binary_slice(Heap& heap, Term bin, uint64_t offset, uint64_t len);

// `bin` followed by the bytes of `piece` (a binary, or an integer 0..255 for
// one byte), in amortised O(1) per byte appended: in place when `bin` ends
// where its writable buffer's used bytes end and the buffer has room, else
// copied into a new buffer with room for as much again.
enum class AppendError : uint8_t { None, BadPiece, TooLarge };
Term binary_append(Heap& heap, Term bin, Term piece, AppendError& error);

// Reading at a bit position (docs/bytecode.md, "Binaries"). The caller
// checked pos + bits <= 8 * size. `bits` is 1..64; little-endian needs a
// multiple of 8.
uint64_t read_bits(const uint8_t* bytes, uint64_t pos, unsigned bits, bool little);
// The UTF-8 sequence at byte `at` of `n`: the code point and its length in
// bytes, or length 0 when the bytes there are not a valid (shortest-form,
// non-surrogate, at most U+10FFFF) sequence.
struct CodePoint {
  uint32_t value;
  unsigned length;
};
CodePoint read_utf8(const uint8_t* bytes, uint64_t at, uint64_t n);

}  // namespace lzr
