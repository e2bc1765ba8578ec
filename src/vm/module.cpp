#include "vm/module.h"

#include <dlfcn.h>

#include <algorithm>

#include "engine/insn.h"

namespace lzr {

Module::Module() = default;

Module::~Module() {
  if (native_library) dlclose(native_library);
}

const FunctionInfo* Module::find(Term name, unsigned arity) const {
  for (const FunctionInfo& f : functions)
    if (f.name_atom == name && f.arity == arity) return &f;
  return nullptr;
}

bool Module::owns_code(const Insn* pc) const { return code && pc >= code.get() && pc < code.get() + code_size; }

const FunctionInfo* Module::function_at(const Insn* pc) const {
  if (!owns_code(pc)) return nullptr;
  // A module with code has bytecode functions only, laid out in entry
  // order: the last one starting at or before pc.
  auto after = std::upper_bound(functions.begin(), functions.end(), pc,
                                [](const Insn* p, const FunctionInfo& f) { return p < f.code; });
  return after == functions.begin() ? nullptr : &*(after - 1);
}

uint32_t Module::file_offset(const Insn* pc) const {
  return owns_code(pc) ? file_offsets[static_cast<size_t>(pc - code.get())] : 0;
}

const Insn* Module::handler_at(const Insn* pc, uint8_t& slot) const {
  if (catches.empty() || !owns_code(pc)) return nullptr;
  const auto index = static_cast<uint32_t>(pc - code.get());
  auto after = std::upper_bound(catches.begin(), catches.end(), index,
                                [](uint32_t i, const CatchRun& r) { return i < r.first; });
  if (after == catches.begin() || (after - 1)->handler < 0) return nullptr;
  slot = (after - 1)->slot;
  return &code[static_cast<size_t>((after - 1)->handler)];
}

uint32_t Module::line_of(uint32_t word) const {
  auto after = std::upper_bound(lines.begin(), lines.end(), word,
                                [](uint32_t w, const LineRun& r) { return w < r.word; });
  return after == lines.begin() ? 0 : (after - 1)->line;
}

Term Module::file_name() const { return is_tuple(file_location) ? tuple_elems(file_location)[1] : kNil; }

}  // namespace lzr
