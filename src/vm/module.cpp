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
  // Functions are laid out in entry order; the last one starting at or before pc.
  const FunctionInfo* best = nullptr;
  for (const FunctionInfo& f : functions)
    if (f.code && f.code <= pc && (!best || f.code > best->code)) best = &f;
  return best;
}

uint32_t Module::file_offset(const Insn* pc) const {
  return owns_code(pc) ? file_offsets[static_cast<size_t>(pc - code.get())] : 0;
}

}  // namespace lzr
