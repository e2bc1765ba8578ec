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

AtomTable::~AtomTable() { unregister_atom_table(this); }

std::optional<Term> AtomTable::find(std::string_view text) const {
  auto it = index_.find(text);
  if (it == index_.end()) return std::nullopt;
  return make_atom(it->second);
}

std::optional<Term> AtomTable::intern(std::string_view text) {
  if (auto found = find(text)) return found;
  if (text.size() > kMaxAtomLength || names_.size() >= kMaxAtoms) return std::nullopt;
  const auto index = static_cast<uint32_t>(names_.size());
  const std::string_view stored = store(text);
  names_.push_back(stored);
  index_.emplace(stored, index);
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
