// The 64-bit term word (docs/terms.md has the full picture).
//
// NaN-boxing: a finite double is stored as its own bits. Everything else
// lives in the negative quiet-NaN space, selected by the top 16 bits:
//
//   0x0000..0xFFF8  float (finite doubles only; the VM never creates NaN/inf)
//   0xFFF9          small integer, 48-bit two's complement payload
//   0xFFFA          atom, payload = atom index
//   0xFFFB          special: nil ([]) = 0, catch = 2; pids and references
//                   (payload bits 46-47 = 1 and 2, bits 0-45 their number)
//   0xFFFC          cons pointer (2 words: head, tail)
//   0xFFFD          boxed pointer (header word, then payload)
//   0xFFFE          GC forwarding word (never a live term)
//   0xFFFF          object header (never a term; lets GC scan heaps linearly)
//
// Pointers are 48-bit user-space addresses, 8-byte aligned.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>

namespace lzr {

using Term = uint64_t;

constexpr unsigned kTagShift = 48;
constexpr uint64_t kPayloadMask = (uint64_t{1} << kTagShift) - 1;
constexpr uint64_t kTagInt = uint64_t{0xFFF9} << kTagShift;
constexpr uint64_t kTagAtom = uint64_t{0xFFFA} << kTagShift;
constexpr uint64_t kTagSpecial = uint64_t{0xFFFB} << kTagShift;
constexpr uint64_t kTagCons = uint64_t{0xFFFC} << kTagShift;
constexpr uint64_t kTagBoxed = uint64_t{0xFFFD} << kTagShift;
constexpr uint64_t kTagForward = uint64_t{0xFFFE} << kTagShift;
constexpr uint64_t kTagHeader = uint64_t{0xFFFF} << kTagShift;

constexpr Term kNil = kTagSpecial | 0;
// What `try yI` stores in its slot. It carries nothing: where an exception
// goes is decided by the loader's handler tables, and the verifier keeps an
// active catch's slot unreadable, so the value never reaches a program.
constexpr Term kCatchTag = kTagSpecial | 2;

// ---- pids and references (processes, docs/processes.md) ----
// Immediates: a pid or a reference is one word, equal exactly when its
// number is, so sending, comparing and hashing them touch no memory.
constexpr unsigned kIdBits = 46;
constexpr uint64_t kMaxIdNumber = (uint64_t{1} << kIdBits) - 1;
constexpr uint64_t kPidMark = kTagSpecial | uint64_t{1} << kIdBits;
constexpr uint64_t kRefMark = kTagSpecial | uint64_t{2} << kIdBits;
constexpr uint64_t kIdMarkMask = ~kMaxIdNumber;
constexpr bool is_pid(Term t) { return (t & kIdMarkMask) == kPidMark; }
constexpr bool is_ref(Term t) { return (t & kIdMarkMask) == kRefMark; }
constexpr Term make_pid(uint64_t number) { return kPidMark | (number & kMaxIdNumber); }
constexpr Term make_ref(uint64_t number) { return kRefMark | (number & kMaxIdNumber); }
constexpr uint64_t id_number(Term t) { return t & kMaxIdNumber; }

constexpr int64_t kSmallIntMin = -(int64_t{1} << 47);
constexpr int64_t kSmallIntMax = (int64_t{1} << 47) - 1;

constexpr uint64_t tag_of(Term t) { return t & ~kPayloadMask; }

// ---- floats ----
constexpr bool is_float(Term t) { return t < kTagInt; }
inline double float_value(Term t) { return std::bit_cast<double>(t); }
// Caller guarantees `d` is finite (arithmetic raises badarith otherwise).
inline Term make_float(double d) { return std::bit_cast<Term>(d); }

// ---- small integers ----
constexpr bool is_int(Term t) { return tag_of(t) == kTagInt; }
constexpr int64_t int_value(Term t) { return static_cast<int64_t>(t << 16) >> 16; }
constexpr bool fits_small(int64_t v) { return v >= kSmallIntMin && v <= kSmallIntMax; }
constexpr Term make_int(int64_t v) { return kTagInt | (static_cast<uint64_t>(v) & kPayloadMask); }
// A float or a small integer (is_numeric below also takes big integers).
constexpr bool is_number(Term t) { return is_float(t) || is_int(t); }

// ---- atoms ----
constexpr bool is_atom(Term t) { return tag_of(t) == kTagAtom; }
constexpr uint32_t atom_index(Term t) { return static_cast<uint32_t>(t); }
constexpr Term make_atom(uint32_t index) { return kTagAtom | index; }

// ---- nil / lists ----
constexpr bool is_nil(Term t) { return t == kNil; }
constexpr bool is_cons(Term t) { return tag_of(t) == kTagCons; }
constexpr bool is_list(Term t) { return is_nil(t) || is_cons(t); }
inline Term* cons_ptr(Term t) { return reinterpret_cast<Term*>(t & kPayloadMask); }
inline Term make_cons(const Term* cell) { return kTagCons | reinterpret_cast<uint64_t>(cell); }
inline Term cons_head(Term t) { return cons_ptr(t)[0]; }
inline Term cons_tail(Term t) { return cons_ptr(t)[1]; }

// ---- boxed objects ----
// Header word: 0xFFFF | words:40 | kind:8. `words` counts payload words after
// the header. Kinds below kFirstRawKind hold only terms in their payload (a
// raw machine pointer has top bits 0 and so reads as a float, which GC skips);
// kinds from kFirstRawKind on hold raw bytes that GC copies but never scans.
enum class BoxKind : uint8_t {
  Tuple = 0,          // payload: elements
  MapFlat = 1,        // payload: k0, v0, k1, v1, ... sorted by key (map key order)
  MapHamt = 2,        // payload: count (int term), then the root trie node's payload (as HamtNode)
  HamtNode = 3,       // payload: datamap, nodemap (int terms), key/value pairs, then child nodes (CHAMP)
  HamtCollision = 4,  // payload: k0, v0, k1, v1, ... (same 32-bit hash), sorted
  Closure = 5,        // payload: raw FunctionInfo*, then upvalues
  SubBinary = 6,      // a binary that is a view: payload = the object holding the
                      // bytes (boxed Binary, BinBuf or RefBin), byte offset, byte
                      // length (small ints); docs/terms.md, "Binaries"
  Binary = 16,        // payload: byte length (raw), then bytes
  BigPos = 17,        // big integer >= 2^47: payload = magnitude limbs, least
  BigNeg = 18,        // significant first, top limb non-zero (< -2^47: BigNeg)
  BinBuf = 19,        // a writable binary's buffer: bytes used (raw), then room for
                      // (words - 1) * 8 bytes; only ever reached through SubBinary views
  RefBin = 20,        // a process's reference to an off-heap, reference-counted
                      // block of bytes: payload = raw RefBlock*; only ever reached
                      // through SubBinary views (vm/refbin.h)
};
constexpr BoxKind kFirstRawKind = BoxKind::Binary;

constexpr bool is_boxed(Term t) { return tag_of(t) == kTagBoxed; }
inline Term* boxed_ptr(Term t) { return reinterpret_cast<Term*>(t & kPayloadMask); }
inline Term make_boxed(const Term* header) { return kTagBoxed | reinterpret_cast<uint64_t>(header); }
constexpr Term make_header(BoxKind kind, uint64_t words) { return kTagHeader | (words << 8) | static_cast<uint8_t>(kind); }
constexpr bool is_header(Term w) { return tag_of(w) == kTagHeader; }
constexpr BoxKind header_kind(Term h) { return static_cast<BoxKind>(h & 0xFF); }
constexpr uint64_t header_words(Term h) { return (h & kPayloadMask) >> 8; }
// The most payload words a header can count (40 bits): no object is larger,
// and a length or count that would need more is a `system_limit`.
constexpr uint64_t kMaxPayloadWords = (uint64_t{1} << 40) - 1;
inline BoxKind box_kind(Term t) { return header_kind(boxed_ptr(t)[0]); }
inline bool is_box_of(Term t, BoxKind k) { return is_boxed(t) && box_kind(t) == k; }

inline bool is_tuple(Term t) { return is_box_of(t, BoxKind::Tuple); }
// A binary is a plain Binary (bytes inline) or a SubBinary view into one.
constexpr bool is_binary_kind(BoxKind k) { return k == BoxKind::Binary || k == BoxKind::SubBinary; }
inline bool is_binary(Term t) { return is_boxed(t) && is_binary_kind(box_kind(t)); }
inline bool is_closure(Term t) { return is_box_of(t, BoxKind::Closure); }
inline bool is_map(Term t) {
  return is_boxed(t) && (box_kind(t) == BoxKind::MapFlat || box_kind(t) == BoxKind::MapHamt);
}

// ---- big integers (vm/bigint.h) ----
// An integer outside the small range, never inside it (one form per value).
inline bool is_bigint(Term t) {
  return is_boxed(t) && static_cast<uint8_t>(static_cast<uint8_t>(box_kind(t)) - static_cast<uint8_t>(BoxKind::BigPos)) <= 1;
}
inline bool bigint_negative(Term t) { return box_kind(t) == BoxKind::BigNeg; }
inline uint64_t bigint_limb_count(Term t) { return header_words(boxed_ptr(t)[0]); }
inline const uint64_t* bigint_limbs(Term t) { return boxed_ptr(t) + 1; }
// Any integer, small or big; any number (integer or float).
inline bool is_integer(Term t) { return is_int(t) || is_bigint(t); }
inline bool is_numeric(Term t) { return is_number(t) || is_bigint(t); }

inline uint64_t tuple_arity(Term t) { return header_words(boxed_ptr(t)[0]); }
inline Term* tuple_elems(Term t) { return boxed_ptr(t) + 1; }

// The bytes shared by reference (a RefBin holder points to one): a
// reference count (atomic: the processes sharing it may run on different
// threads), the byte length, then the bytes, at the same offset (16) as a
// Binary's or BinBuf's inline bytes from their header. vm/refbin.h makes and
// releases them.
struct RefBlock {
  std::atomic<uint64_t> refs;
  uint64_t size;
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this + 1); }
};
static_assert(sizeof(RefBlock) == 16, "RefBlock bytes sit at offset 16, like a holder's inline bytes");
constexpr uint64_t kRefBinWords = 2;  // header, RefBlock*
inline RefBlock* refbin_block(const Term* holder) { return reinterpret_cast<RefBlock*>(holder[1]); }

// A view's holder's first byte: inline from word 2 (Binary, BinBuf), or in
// the off-heap block (RefBin), which keeps them at the same offset 16.
inline const uint8_t* holder_bytes(const Term* holder) {
  const Term* base = header_kind(holder[0]) == BoxKind::RefBin ? reinterpret_cast<const Term*>(holder[1]) : holder;
  return reinterpret_cast<const uint8_t*>(base + 2);
}

// Size and bytes of any binary, plain or view.
inline uint64_t binary_size(Term t) {
  const Term* o = boxed_ptr(t);
  return header_kind(o[0]) == BoxKind::Binary ? o[1] : static_cast<uint64_t>(int_value(o[3]));
}
inline const uint8_t* binary_bytes(Term t) {
  const Term* o = boxed_ptr(t);
  if (header_kind(o[0]) == BoxKind::Binary) return reinterpret_cast<const uint8_t*>(o + 2);
  return holder_bytes(boxed_ptr(o[1])) + int_value(o[2]);
}
constexpr uint64_t kSubBinaryWords = 4;  // header, holder, offset, length
constexpr uint64_t binary_words(uint64_t bytes) { return 1 + (bytes + 7) / 8; }  // bytes <= kMaxBinaryBytes
constexpr uint64_t kMaxBinaryBytes = (kMaxPayloadWords - 1) * 8;
// Binaries of this many bytes and more are born off-heap (a RefBin holder
// and a view, 6 words in the heap): sending one shares the bytes instead of
// copying them (docs/terms.md, "Binaries").
constexpr uint64_t kRefBinMinBytes = 64;

}  // namespace lzr
