// The atom table (docs/terms.md, "Atoms").
#include "vm/atoms.h"

#include "vm/term_ops.h"

namespace lzr {

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
  const std::string& stored = names_.emplace_back(text);
  index_.emplace(std::string_view(stored), index);
  return make_atom(index);
}

}  // namespace lzr
