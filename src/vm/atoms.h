// The atom table: every atom text interned once, identified by index.
// Safe for schedulers on every core (docs/processes.md): text() and
// contains() read without a lock; intern() and find() take a mutex.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <memory>
#include <unordered_map>
#include <vector>

#include "vm/atoms.def"
#include "vm/term.h"

namespace lzr {

enum FixedAtom : uint32_t {
#define LZR_ATOM_ENUM(id, text) kAtomIndex_##id,
  LZR_FIXED_ATOMS(LZR_ATOM_ENUM)
#undef LZR_ATOM_ENUM
  kNumFixedAtoms
};

#define LZR_ATOM_CONST(id, text) constexpr Term kAtom_##id = make_atom(kAtomIndex_##id);
LZR_FIXED_ATOMS(LZR_ATOM_CONST)
#undef LZR_ATOM_CONST

constexpr Term kTrue = kAtom_true;
constexpr Term kFalse = kAtom_false;
constexpr uint32_t kMaxAtoms = 1u << 20;  // 1M, as Lazer planned
constexpr size_t kMaxAtomLength = 255;    // a ByteTerm atom's length is 8 bits

// The newest living AtomTable is the one term order uses to compare atoms by
// text (term_ops.h: set_term_order_atoms overrides).
class AtomTable {
 public:
  AtomTable();
  ~AtomTable();
  AtomTable(const AtomTable&) = delete;  // names_ and index_ view into text_chunks_
  AtomTable& operator=(const AtomTable&) = delete;
  // Interns `text`; nullopt when the table is full or the text is too long.
  // For texts the loader or the VM itself vouches for.
  std::optional<Term> intern(std::string_view text);
  // Interns text made at run time (binary.to_atom, lzr_atom_n): it must
  // follow the loader's atom rules (format/literal.h: valid UTF-8, no NUL).
  // nullopt and `reason` = :system_limit for over 255 bytes or a full
  // table, :badarg for text that breaks the rules.
  std::optional<Term> intern_checked(std::string_view text, Term& reason);
  std::optional<Term> find(std::string_view text) const;
  // `atom` must come from this table (contains() checks). No lock: an
  // entry is written before the count that makes it visible is published,
  // and never moves or changes after.
  std::string_view text(Term atom) const { return entry(atom).text; }
  // Term order compares atoms by text. The first 8 bytes of the text, big
  // endian and zero-padded, as one integer: where two atoms' keys differ
  // they order as their texts do (a shorter text pads with zeros, which
  // sort below any byte), so most compares need not read the texts.
  struct Entry {
    std::string_view text;
    uint64_t order_key;
  };
  const Entry& entry(Term atom) const {
    // The first segment holds the fixed atoms and most programs' all.
    if (atom_index(atom) < kFirstSegmentAtoms) return segments_[0].load(std::memory_order_acquire)[atom_index(atom)];
    const uint32_t i = atom_index(atom) + kFirstSegmentAtoms;
    const unsigned seg = static_cast<unsigned>(std::bit_width(i)) - kFirstSegmentBits - 1;
    return segments_[seg].load(std::memory_order_acquire)[i - (uint32_t{1} << (seg + kFirstSegmentBits))];
  }
  bool contains(Term atom) const { return is_atom(atom) && atom_index(atom) < size(); }
  size_t size() const { return count_.load(std::memory_order_acquire); }

 private:
  // Entries live in segments that never move: segment k holds
  // 2^(k + kFirstSegmentBits) atoms (index + kFirstSegmentAtoms picks the
  // segment by its top bit), so a small program's table stays small and a
  // full one needs 12.
  static constexpr unsigned kFirstSegmentBits = 9;
  static constexpr uint32_t kFirstSegmentAtoms = uint32_t{1} << kFirstSegmentBits;
  static constexpr unsigned kSegments = 12;  // 2^9 * (2^12 - 1) >= kMaxAtoms
  static_assert((kFirstSegmentAtoms << kSegments) - kFirstSegmentAtoms >= kMaxAtoms);

  std::optional<Term> find_locked(std::string_view text) const;
  std::string_view store(std::string_view text);

  mutable std::mutex mutex_;  // guards everything below but the reads text() makes
  std::atomic<Entry*> segments_[kSegments] = {};
  std::atomic<uint32_t> count_{0};
  std::vector<std::unique_ptr<char[]>> text_chunks_;  // the texts, back to back; never move
  size_t chunk_used_ = 0;
  std::unordered_map<std::string_view, uint32_t> index_;  // text -> index
};

}  // namespace lzr
