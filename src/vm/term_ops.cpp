// Term order, exact equality and hashing (docs/terms.md, "Comparison").
#include "vm/term_ops.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <mutex>
#include <vector>

#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/function_info.h"
#include "vm/maps.h"
#include "vm/work_stack.h"

namespace lzr {

// ---------------------------------------------------------------------------
// Which atom table orders atoms.

namespace {

std::mutex g_atom_tables_mutex;
const AtomTable* g_chosen_atoms = nullptr;
std::atomic<const AtomTable*> g_order_atoms{nullptr};

std::vector<const AtomTable*>& living_atom_tables() {
  static std::vector<const AtomTable*> tables;
  return tables;
}

void refresh_order_atoms() {
  auto& tables = living_atom_tables();
  const AtomTable* t = g_chosen_atoms ? g_chosen_atoms : (tables.empty() ? nullptr : tables.back());
  g_order_atoms.store(t, std::memory_order_relaxed);
}

}  // namespace

void set_term_order_atoms(const AtomTable* atoms) {
  std::lock_guard lock(g_atom_tables_mutex);
  g_chosen_atoms = atoms;
  refresh_order_atoms();
}

const AtomTable* term_order_atoms() { return g_order_atoms.load(std::memory_order_relaxed); }

void register_atom_table(const AtomTable* atoms) {
  std::lock_guard lock(g_atom_tables_mutex);
  living_atom_tables().push_back(atoms);
  refresh_order_atoms();
}

void unregister_atom_table(const AtomTable* atoms) {
  std::lock_guard lock(g_atom_tables_mutex);
  auto& tables = living_atom_tables();
  tables.erase(std::remove(tables.begin(), tables.end(), atoms), tables.end());
  if (g_chosen_atoms == atoms) g_chosen_atoms = nullptr;
  refresh_order_atoms();
}

// ---------------------------------------------------------------------------
// Ordering.

namespace {

// ---- bytes of binaries, a word at a time ----
//
// Map keys are mostly short binaries: these read them in 8-byte words
// instead of calling memcmp, whose call and set-up cost more than the
// comparison for a few bytes.

inline uint64_t load_word(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The n <= 8 bytes at p as a little-endian word, zero-extended, reading
// nothing past p + n (two overlapping loads instead of a byte loop).
inline uint64_t load_short(const uint8_t* p, size_t n) {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | (uint64_t{hi} << (8 * (n - 4)));
  }
  if (n == 0) return 0;
  return uint64_t{p[0]} | (uint64_t{p[n / 2]} << (8 * (n / 2))) | (uint64_t{p[n - 1]} << (8 * (n - 1)));
}

// Words as loaded, in byte-string order: the first byte most significant.
inline uint64_t string_order(uint64_t w) {
  if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
  return w;
}

constexpr size_t kInlineBytes = 32;  // beyond, memcmp's vector loop wins

// Bytewise order of the first n bytes: <0, 0, >0.
inline int compare_bytes(const uint8_t* a, const uint8_t* b, size_t n) {
  if (n > kInlineBytes) {
    const int c = std::memcmp(a, b, n);
    return (c > 0) - (c < 0);
  }
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t x = load_word(a + i), y = load_word(b + i);
    if (x != y) return string_order(x) < string_order(y) ? -1 : 1;
  }
  if (n - i < 4) {  // a byte or three: a loop beats assembling words
    for (; i < n; ++i) {
      if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
  }
  const uint64_t x = load_short(a + i, n - i), y = load_short(b + i, n - i);
  if (x == y) return 0;
  return string_order(x) < string_order(y) ? -1 : 1;
}

inline bool same_bytes(const uint8_t* a, const uint8_t* b, size_t n) {
  if (n > kInlineBytes) return std::memcmp(a, b, n) == 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (load_word(a + i) != load_word(b + i)) return false;
  }
  if (n - i < 4) {
    for (; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  return load_short(a + i, n - i) == load_short(b + i, n - i);
}

inline bool binaries_equal(Term a, Term b) {
  const uint64_t n = binary_size(a);
  return n == binary_size(b) && same_bytes(binary_bytes(a), binary_bytes(b), n);
}

enum Rank : uint8_t { kRankNumber, kRankAtom, kRankReference, kRankFunction, kRankPid, kRankTuple, kRankMap, kRankNil, kRankList, kRankBinary, kRankInternal };

Rank rank_of(Term t) {
  switch (tag_of(t)) {
    case kTagInt: return kRankNumber;
    case kTagAtom: return kRankAtom;
    case kTagSpecial: return t == kNil ? kRankNil : is_pid(t) ? kRankPid : is_ref(t) ? kRankReference : kRankInternal;
    case kTagCons: return kRankList;
    case kTagBoxed:
      switch (box_kind(t)) {
        case BoxKind::Tuple: return kRankTuple;
        case BoxKind::MapFlat:
        case BoxKind::MapHamt: return kRankMap;
        case BoxKind::Closure: return kRankFunction;
        case BoxKind::Binary:
        case BoxKind::SubBinary: return kRankBinary;
        case BoxKind::BigPos:
        case BoxKind::BigNeg: return kRankNumber;
        default: return kRankInternal;
      }
    default: return is_float(t) ? kRankNumber : kRankInternal;
  }
}

template <typename T>
int three_way(T x, T y) { return x < y ? -1 : (y < x ? 1 : 0); }

// A big integer against any number: integers by value, a float by exact
// value (Erlang's rule: the integer is never rounded to a float), and in
// map key order (exact) every integer before every float.
int compare_with_big(Term a, Term b, bool exact) {
  if (is_integer(a) && is_integer(b)) return compare_integers(a, b);
  const bool a_int = is_integer(a);
  if (exact) return a_int ? -1 : 1;
  return a_int ? compare_integer_float(a, float_value(b)) : -compare_integer_float(b, float_value(a));
}

// exact: map key order (Erlang's): every integer before every float, so an
// integer and a float never compare equal.
int compare_numbers(Term a, Term b, bool exact) {
  const bool a_int = is_int(a), b_int = is_int(b);
  if (a_int && b_int) return three_way(int_value(a), int_value(b));
  if (is_bigint(a) || is_bigint(b)) return compare_with_big(a, b, exact);
  if (exact && a_int != b_int) return a_int ? -1 : 1;
  // Small integers have 48 bits, so they convert to double exactly.
  const double x = a_int ? static_cast<double>(int_value(a)) : float_value(a);
  const double y = b_int ? static_cast<double>(int_value(b)) : float_value(b);
  const int c = three_way(x, y);
  if (c != 0 || !exact) return c;
  // Equal floats differ exactly only as -0.0 and 0.0.
  return three_way(!std::signbit(x), !std::signbit(y));
}

}  // namespace

int compare_atoms(Term a, Term b) {
  if (a == b) return 0;
  const AtomTable* atoms = term_order_atoms();
  if (atoms && atoms->contains(a) && atoms->contains(b)) {
    // Most atoms differ in their first 8 bytes: no text is read then.
    const AtomTable::Entry &ea = atoms->entry(a), &eb = atoms->entry(b);
    if (ea.order_key != eb.order_key) return ea.order_key < eb.order_key ? -1 : 1;
    return three_way(ea.text.compare(eb.text), 0);
  }
  return three_way(atom_index(a), atom_index(b));
}

namespace {

const FunctionInfo* closure_function(Term t) {
  return reinterpret_cast<const FunctionInfo*>(boxed_ptr(t)[1]);
}

int compare_functions(const FunctionInfo* fa, const FunctionInfo* fb) {
  if (fa == fb) return 0;
  if (int c = compare_atoms(fa->module_atom, fb->module_atom)) return c;
  if (int c = compare_atoms(fa->name_atom, fb->name_atom)) return c;
  return three_way(fa->arity, fb->arity);
}

int compare_binaries(Term a, Term b) {
  const uint64_t na = binary_size(a), nb = binary_size(b);
  const int c = compare_bytes(binary_bytes(a), binary_bytes(b), std::min(na, nb));
  return c != 0 ? c : three_way(na, nb);
}

struct PendingCompare {
  Term a, b;
  bool exact;  // in map key order (compare_exact, or inside a map key)
};
using CompareStack = WorkStack<PendingCompare>;

int compare_step(Term a, Term b, bool exact, CompareStack& todo);

// The rest of a walk that met two tries to order (they are on top of
// `todo`), holding a SortedEntriesMemo: each trie is then sorted once however
// often (at whatever depth) the walk meets it, and walks that meet no trie
// pay nothing for the memo. Returns the walk's answer with `todo` empty, or
// a non-zero answer.
[[gnu::noinline]] int finish_holding_memo(CompareStack& todo) {
  SortedEntriesMemo memo;
  int c = 0;
  while (c == 0 && !todo.empty()) {
    const PendingCompare p = todo.pop();
    c = compare_step(p.a, p.b, p.exact, todo);
  }
  return c;
}

// Maps: by size, then all keys in map key order (compared in that order:
// integers before floats at any depth), then the values in that key order.
// Flat maps store their keys in that order already.
int compare_maps(Term a, Term b, bool exact, CompareStack& todo) {
  const size_t n = map_size(a);
  if (int c = three_way(n, map_size(b))) return c;
  if (n > kMapFlatMax && !sorted_entries_memo_held()) [[unlikely]] {
    todo.push({a, b, exact});  // retried once the memo is held
    return finish_holding_memo(todo);
  }
  std::vector<Term> sorted_a, sorted_b;
  const Term* kva = boxed_ptr(a) + 1;
  const Term* kvb = boxed_ptr(b) + 1;
  if (box_kind(a) != BoxKind::MapFlat) {
    map_sorted_entries(a, sorted_a);
    kva = sorted_a.data();
  }
  if (box_kind(b) != BoxKind::MapFlat) {
    map_sorted_entries(b, sorted_b);
    kvb = sorted_b.data();
  }
  for (size_t i = n; i-- > 0;) todo.push({kva[2 * i + 1], kvb[2 * i + 1], exact});
  for (size_t i = n; i-- > 0;) todo.push({kva[2 * i], kvb[2 * i], true});
  return 0;
}

// Decides a and b at the top level, or (same kind and shape) pushes the
// element pairs that decide, first one on top, and returns 0.
int compare_step(Term a, Term b, bool exact, CompareStack& todo) {
  if (a == b) return 0;
  const Rank ra = rank_of(a), rb = rank_of(b);
  if (ra != rb) return three_way(ra, rb);
  switch (ra) {
    case kRankNumber: return compare_numbers(a, b, exact);
    case kRankAtom: return compare_atoms(a, b);
    case kRankNil: return 0;
    case kRankList:
      todo.push({cons_tail(a), cons_tail(b), exact});
      todo.push({cons_head(a), cons_head(b), exact});
      return 0;
    case kRankTuple: {
      const uint64_t n = tuple_arity(a);
      if (int c = three_way(n, tuple_arity(b))) return c;
      const Term* ea = tuple_elems(a);
      const Term* eb = tuple_elems(b);
      for (uint64_t i = n; i-- > 0;) todo.push({ea[i], eb[i], exact});
      return 0;
    }
    case kRankMap: return compare_maps(a, b, exact, todo);
    case kRankFunction: {
      if (int c = compare_functions(closure_function(a), closure_function(b))) return c;
      const uint64_t n = header_words(boxed_ptr(a)[0]) - 1;
      if (int c = three_way(n, header_words(boxed_ptr(b)[0]) - 1)) return c;
      const Term* ua = boxed_ptr(a) + 2;
      const Term* ub = boxed_ptr(b) + 2;
      for (uint64_t i = n; i-- > 0;) todo.push({ua[i], ub[i], exact});
      return 0;
    }
    case kRankBinary: return compare_binaries(a, b);
    case kRankPid:
    case kRankReference: return three_way(id_number(a), id_number(b));  // creation order
    default: return three_way(a, b);  // internal words: any fixed order
  }
}

int compare_terms(Term a, Term b, bool exact) {
  if (a == b) return 0;
  if (is_number(a) && is_number(b)) return compare_numbers(a, b, exact);
  if (is_atom(a) && is_atom(b)) return compare_atoms(a, b);
  if (is_binary(a) && is_binary(b)) return compare_binaries(a, b);
  CompareStack todo;
  int c = compare_step(a, b, exact, todo);
  while (c == 0 && !todo.empty()) {
    const PendingCompare p = todo.pop();
    c = compare_step(p.a, p.b, p.exact, todo);
  }
  return c;
}

}  // namespace

int compare(Term a, Term b) { return compare_terms(a, b, false); }
int compare_exact(Term a, Term b) { return compare_terms(a, b, true); }

namespace {

// Up to 8 bytes from p as a big-endian word, zero-padded on the right: the
// words order as the padded byte strings do.
inline uint64_t big_endian_word(const uint8_t* p, size_t n) {
  return string_order(n >= 8 ? load_word(p) : load_short(p, n));
}

// Floats in exact order (-0.0 before 0.0) as unsigned integers.
inline uint64_t float_order_bits(double d) {
  const uint64_t b = std::bit_cast<uint64_t>(d);
  return (b >> 63) ? ~b : b | (uint64_t{1} << 63);
}

}  // namespace

// The prefixes are monotone: a proper prefix of a binary pads with zero
// bytes, which are <= whatever the longer one holds there; integers of
// the small range (48 bits) map to distinct biased values between the
// big negatives (class 0) and the big positives (class 2), which are
// canonical, so never in the small range; every float (class 3) sorts
// after every integer in map key order.
KeyOrderPrefix key_order_prefix(Term key) {
  const Rank rank = rank_of(key);
  KeyOrderPrefix p{0, 0, static_cast<uint8_t>(rank)};
  switch (rank) {
    case kRankBinary: {
      const uint8_t* bytes = binary_bytes(key);
      const uint64_t n = binary_size(key);
      p.hi = big_endian_word(bytes, n);
      if (n > 8) p.lo = big_endian_word(bytes + 8, n - 8);
      break;
    }
    case kRankNumber:
      if (is_int(key)) {
        p.hi = 1;
        p.lo = static_cast<uint64_t>(int_value(key) - kSmallIntMin);
      } else if (is_float(key)) {
        p.hi = 3;
        p.lo = float_order_bits(float_value(key));
      } else {
        p.hi = box_kind(key) == BoxKind::BigNeg ? 0 : 2;
      }
      break;
    case kRankPid:
    case kRankReference: p.hi = id_number(key); break;
    case kRankTuple: p.hi = tuple_arity(key); break;
    default: break;
  }
  return p;
}

// ---------------------------------------------------------------------------
// Exact equality: structural, relying on every map having one canonical shape
// (docs/terms.md, "Maps"), so equal maps have equal words in equal places.

namespace {

constexpr bool is_pointer(Term t) { return tag_of(t) == kTagCons || tag_of(t) == kTagBoxed; }

bool same_function(const FunctionInfo* fa, const FunctionInfo* fb) {
  return fa == fb ||
         (fa->module_atom == fb->module_atom && fa->name_atom == fb->name_atom && fa->arity == fb->arity);
}

}  // namespace

namespace {

// One walk for both equalities. In value mode numbers compare by value;
// map keys are always compared exactly (Erlang: #{1 => a} /= #{1.0 => a}).
// Map shapes depend only on the exact key set, so equal maps line up word
// for word.
bool equal_walk(Term a, Term b, bool exact) {
  WorkStack<PendingCompare> todo;
  todo.push({a, b, exact});
  while (!todo.empty()) {
    const PendingCompare p = todo.pop();
    const Term x = p.a, y = p.b;
    if (x == y) continue;
    if (is_number(x) && is_number(y)) {
      if (p.exact || compare_numbers(x, y, false) != 0) return false;
      continue;
    }
    // A big integer equals a float of exactly its value (==, never =:=).
    // Big against big falls through to the raw-object compare below.
    if (!p.exact && is_numeric(x) && is_numeric(y) && (is_float(x) || is_float(y))) {
      if (compare_numbers(x, y, false) != 0) return false;
      continue;
    }
    if (!is_pointer(x) || tag_of(x) != tag_of(y)) return false;
    if (is_cons(x)) {
      if (cons_tail(x) != cons_tail(y)) todo.push({cons_tail(x), cons_tail(y), p.exact});
      if (cons_head(x) != cons_head(y)) todo.push({cons_head(x), cons_head(y), p.exact});
      continue;
    }
    if (is_binary(x) || is_binary(y)) {  // plain or view: by content
      if (!is_binary(x) || !is_binary(y) || !binaries_equal(x, y)) return false;
      continue;
    }
    const Term* ox = boxed_ptr(x);
    const Term* oy = boxed_ptr(y);
    if (ox[0] != oy[0]) return false;  // kind and size
    const uint64_t n = header_words(ox[0]);
    switch (header_kind(ox[0])) {
      case BoxKind::Closure:
        if (!same_function(closure_function(x), closure_function(y))) return false;
        for (uint64_t i = n; i-- > 1;) todo.push({ox[1 + i], oy[1 + i], p.exact});
        break;
      case BoxKind::MapFlat:
      case BoxKind::HamtCollision:  // k0, v0, k1, v1, ...
        for (uint64_t i = n; i-- > 0;) todo.push({ox[1 + i], oy[1 + i], p.exact || i % 2 == 0});
        break;
      case BoxKind::MapHamt:    // count, then the root node
      case BoxKind::HamtNode: {  // datamap, nodemap, (key, value) pairs, children
        const MapTrieNode nx = map_trie_node(ox), ny = map_trie_node(oy);
        for (const Term* w = ox + 1; w < nx.kv(); ++w) {  // count and bitmaps: equal bitmaps, equal layout
          if (*w != oy[w - ox]) return false;
        }
        for (size_t i = nx.children; i-- > 0;) todo.push({nx.kids()[i], ny.kids()[i], p.exact});
        for (size_t i = 2 * nx.pairs; i-- > 0;) todo.push({nx.kv()[i], ny.kv()[i], p.exact || i % 2 == 0});
        break;
      }
      default:
        if (static_cast<uint8_t>(header_kind(ox[0])) >= static_cast<uint8_t>(kFirstRawKind)) {
          if (std::memcmp(ox + 1, oy + 1, n * sizeof(Term)) != 0) return false;
          break;
        }
        // Identical words are equal in both modes: a record's fields are
        // mostly small integers and atoms, or objects both sides share.
        for (uint64_t i = n; i-- > 0;) {
          if (ox[1 + i] != oy[1 + i]) todo.push({ox[1 + i], oy[1 + i], p.exact});
        }
    }
  }
  return true;
}

}  // namespace

bool exact_equal(Term a, Term b) {
  if (a == b) return true;
  if (!is_pointer(a) || tag_of(a) != tag_of(b)) return false;
  if (is_binary(a) && is_binary(b)) return binaries_equal(a, b);  // the usual non-immediate map key
  return equal_walk(a, b, true);
}

bool equal_slow(Term a, Term b) {
  if (is_number(a) && is_number(b)) return compare_numbers(a, b, false) == 0;
  if (!is_pointer(a) || tag_of(a) != tag_of(b)) {
    // Only a big integer and a float differ in tag yet may be equal.
    return (is_float(a) || is_float(b)) && is_numeric(a) && is_numeric(b) && compare_numbers(a, b, false) == 0;
  }
  return equal_walk(a, b, false);
}

// ---------------------------------------------------------------------------
// Hashing: a pre-order walk folding one token per node into a 64-bit state.
// Map shapes are canonical, so walking them in storage order is consistent
// with exact_equal.

namespace {

constexpr uint64_t kHashSeed = 0x2545F4914F6CDD1Dull;
constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

inline uint64_t absorb(uint64_t h, uint64_t v) { return (std::rotl(h, 26) ^ v) * kGolden; }

inline uint32_t finish(uint64_t h) {
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 29;
  h *= kGolden;
  h ^= h >> 32;
  return static_cast<uint32_t>(h);
}

uint64_t absorb_bytes(uint64_t h, const uint8_t* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) h = absorb(h, load_word(p + i));
  if (i < n) h = absorb(h, load_short(p + i, n - i));
  return absorb(h, n);
}

// A view hashes as the plain binary of its bytes would (header included).
inline uint64_t absorb_binary(uint64_t h, Term bin) {
  const uint64_t size = binary_size(bin);
  h = absorb(h, make_header(BoxKind::Binary, binary_words(size)));
  return absorb_bytes(h, binary_bytes(bin), size);
}

}  // namespace

uint32_t hash_term(Term t) {
  if (!is_pointer(t)) return finish(absorb(kHashSeed, t));
  if (is_binary(t)) return finish(absorb_binary(kHashSeed, t));  // the usual non-immediate map key
  uint64_t h = kHashSeed;
  WorkStack<Term> todo;
  todo.push(t);
  while (!todo.empty()) {
    const Term x = todo.pop();
    if (is_cons(x)) {
      h = absorb(h, kTagCons);
      todo.push(cons_tail(x));
      todo.push(cons_head(x));
      continue;
    }
    if (!is_boxed(x)) {
      h = absorb(h, x);
      continue;
    }
    if (is_binary(x)) {
      h = absorb_binary(h, x);
      continue;
    }
    const Term* o = boxed_ptr(x);
    const uint64_t n = header_words(o[0]);
    h = absorb(h, o[0]);
    switch (header_kind(o[0])) {
      case BoxKind::Closure: {
        const FunctionInfo* f = closure_function(x);
        h = absorb(absorb(absorb(h, f->module_atom), f->name_atom), f->arity);
        for (uint64_t i = n; i-- > 1;) todo.push(o[1 + i]);
        break;
      }
      default:
        // Raw objects (big integers: the header holds sign and length, the
        // payload the canonical limbs) hash by their words.
        if (static_cast<uint8_t>(header_kind(o[0])) >= static_cast<uint8_t>(kFirstRawKind)) {
          h = absorb_bytes(h, reinterpret_cast<const uint8_t*>(o + 1), n * sizeof(Term));
          break;
        }
        for (uint64_t i = n; i-- > 0;) todo.push(o[1 + i]);
    }
  }
  return finish(h);
}

}  // namespace lzr
