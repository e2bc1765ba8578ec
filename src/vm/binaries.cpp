// Binary views, writable buffers and bit reading (docs/terms.md, "Binaries").
#include "vm/binaries.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "vm/builders.h"

namespace lzr {

namespace {

Term make_view(Heap& heap, const Term* holder, uint64_t offset, uint64_t len) {
  Term* v = heap.alloc(kSubBinaryWords);
  v[0] = make_header(BoxKind::SubBinary, kSubBinaryWords - 1);
  v[1] = make_boxed(holder);
  v[2] = make_int(static_cast<int64_t>(offset));
  v[3] = make_int(static_cast<int64_t>(len));
  return make_boxed(v);
}

// Offset of a binary's first byte inside its holder.
uint64_t holder_offset(Term bin) {
  const Term* o = boxed_ptr(bin);
  return header_kind(o[0]) == BoxKind::Binary ? 0 : static_cast<uint64_t>(int_value(o[2]));
}

}  // namespace

Term binary_slice(Heap& heap, Term bin, uint64_t offset, uint64_t len) {
  if (offset == 0 && len == binary_size(bin)) return bin;
  if (len <= kSliceCopyMaxBytes) {
    uint8_t* data;
    const Term out = alloc_binary(heap, len, data);
    if (len) std::memcpy(data, binary_bytes(bin) + offset, len);
    return out;
  }
  return make_view(heap, binary_holder(bin), holder_offset(bin) + offset, len);
}

Term binary_append(Heap& heap, Term bin, Term piece, AppendError& error) {
  error = AppendError::None;
  uint8_t byte = 0;
  const uint8_t* piece_bytes;
  uint64_t n;
  if (is_int(piece) && static_cast<uint64_t>(int_value(piece)) <= 255) {
    byte = static_cast<uint8_t>(int_value(piece));
    piece_bytes = &byte;
    n = 1;
  } else if (is_binary(piece)) {
    piece_bytes = binary_bytes(piece);
    n = binary_size(piece);
  } else {
    error = AppendError::BadPiece;
    return kNil;
  }
  const Term* o = boxed_ptr(bin);
  if (header_kind(o[0]) == BoxKind::SubBinary) {
    Term* buf = boxed_ptr(o[1]);
    if (header_kind(buf[0]) == BoxKind::BinBuf) {
      // `bin` ends where the buffer's used bytes end: nothing that exists
      // can see the bytes past them, so they can be written. (A piece of
      // this same buffer lies below `used`: no overlap.) The accumulator of
      // a loop building a binary takes this path at every step but one in
      // two sizes, so it writes a single byte without a memcpy call.
      const uint64_t offset = static_cast<uint64_t>(int_value(o[2])), size = static_cast<uint64_t>(int_value(o[3]));
      const uint64_t used = buf[1], capacity = (header_words(buf[0]) - 1) * 8;
      if (offset + size == used && n <= capacity - used) {
        uint8_t* end = reinterpret_cast<uint8_t*>(buf + 2) + used;
        if (n == 1) {
          *end = *piece_bytes;
        } else {
          std::memcpy(end, piece_bytes, n);
        }
        buf[1] = used + n;
        return make_view(heap, buf, offset, size + n);
      }
    }
  }
  const uint64_t size = binary_size(bin);
  if (n > kMaxBinaryBytes - size) {
    error = AppendError::TooLarge;
    return kNil;
  }
  // A new buffer with room for as much again: each byte is copied O(1)
  // times on average however many pieces follow.
  const uint64_t total = size + n;
  const uint64_t capacity = std::min(kMaxBinaryBytes, std::max(kMinBufferBytes, 2 * total));
  const size_t words = 2 + (capacity + 7) / 8;
  Term* buf = heap.try_alloc(words);
  if (!buf) {
    error = AppendError::TooLarge;
    return kNil;
  }
  buf[0] = make_header(BoxKind::BinBuf, words - 1);
  buf[1] = total;
  buf[words - 1] = 0;  // keeps the padding deterministic
  auto* data = reinterpret_cast<uint8_t*>(buf + 2);
  // Both sources are still valid: allocation never collects.
  if (size) std::memcpy(data, binary_bytes(bin), size);
  std::memcpy(data + size, piece_bytes, n);
  return make_view(heap, buf, 0, total);
}

uint64_t read_bits(const uint8_t* bytes, uint64_t pos, unsigned bits, bool little) {
  const uint8_t* p = bytes + (pos >> 3);
  const unsigned shift = static_cast<unsigned>(pos & 7);
  const unsigned span = (shift + bits + 7) / 8;  // bytes touched, at most 9
  unsigned __int128 acc = 0;
  for (unsigned i = 0; i < span; ++i) acc = acc << 8 | p[i];
  acc >>= span * 8 - shift - bits;
  uint64_t v = static_cast<uint64_t>(acc);
  if (bits < 64) v &= (uint64_t{1} << bits) - 1;
  if (little && bits > 8) v = __builtin_bswap64(v) >> (64 - bits);  // bits % 8 == 0
  return v;
}

CodePoint read_utf8(const uint8_t* s, uint64_t at, uint64_t n) {
  const uint64_t left = n - at;
  const uint8_t b0 = s[at];
  if (b0 < 0x80) return {b0, 1};
  unsigned len;
  uint32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (left < len) return {0, 0};
  for (unsigned i = 1; i < len; ++i) {
    const uint8_t b = s[at + i];
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = cp << 6 | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

}  // namespace lzr
