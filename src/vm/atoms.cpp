// The atom table (docs/terms.md, "Atoms").
#include "vm/atoms.h"

#include <cstring>

#include "format/literal.h"
#include "vm/term_ops.h"

namespace lzr {

namespace {
constexpr size_t kTextChunkBytes = 16 * 1024;  // > kMaxAtomLength, so any text fits a fresh chunk
}  // namespace

AtomTable::AtomTable() {
  static constexpr std::string_view kFixed[] = {
#define LZR_ATOM_TEXT(id, text) text,
      LZR_FIXED_ATOMS(LZR_ATOM_TEXT)
#undef LZR_ATOM_TEXT
  };
  index_.reserve(1024);
  for (std::string_view text : kFixed) intern(text);
  register_atom_table(this);
}

AtomTable::~AtomTable() {
  unregister_atom_table(this);
  for (auto& seg : segments_) delete[] seg.load(std::memory_order_relaxed);
}

std::optional<Term> AtomTable::find(std::string_view text) const {
  std::lock_guard lock(mutex_);
  return find_locked(text);
}

std::optional<Term> AtomTable::find_locked(std::string_view text) const {
  auto it = index_.find(text);
  if (it == index_.end()) return std::nullopt;
  return make_atom(it->second);
}

std::optional<Term> AtomTable::intern(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (auto found = find_locked(text)) return found;
  const uint32_t index = count_.load(std::memory_order_relaxed);
  if (text.size() > kMaxAtomLength || index >= kMaxAtoms) return std::nullopt;
  const uint32_t i = index + kFirstSegmentAtoms;
  const unsigned seg = static_cast<unsigned>(std::bit_width(i)) - kFirstSegmentBits - 1;
  Entry* entries = segments_[seg].load(std::memory_order_relaxed);
  if (!entries) {
    entries = new Entry[size_t{1} << (seg + kFirstSegmentBits)];
    segments_[seg].store(entries, std::memory_order_release);
  }
  const std::string_view stored = store(text);
  uint64_t key = 0;
  for (size_t k = 0; k < 8; ++k) key = key << 8 | (k < stored.size() ? static_cast<uint8_t>(stored[k]) : 0);
  entries[i - (uint32_t{1} << (seg + kFirstSegmentBits))] = Entry{stored, key};
  index_.emplace(stored, index);
  count_.store(index + 1, std::memory_order_release);  // publishes the entry to lock-free readers
  return make_atom(index);
}

std::optional<Term> AtomTable::intern_checked(std::string_view text, Term& reason) {
  reason = kAtom_system_limit;
  if (text.size() > kMaxAtomLength) return std::nullopt;
  if (atom_text_problem(text)) {
    reason = kAtom_badarg;
    return std::nullopt;
  }
  return intern(text);
}

std::string_view AtomTable::store(std::string_view text) {
  if (text_chunks_.empty() || kTextChunkBytes - chunk_used_ < text.size()) {
    text_chunks_.push_back(std::make_unique_for_overwrite<char[]>(kTextChunkBytes));
    chunk_used_ = 0;
  }
  char* p = text_chunks_.back().get() + chunk_used_;
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  chunk_used_ += text.size();
  return std::string_view(p, text.size());
}

}  // namespace lzr
