#include "vm/vm.h"

#include <cstdio>
#include <cstdlib>

#include "vm/process.h"

namespace lzr {

VM::VM(VmOptions opts) : options(opts), registers(std::make_unique<RegisterFile>()) {
  for (Term& r : registers->x) r = kNil;
}
VM::~VM() = default;

Module* VM::find_module(Term name_atom) const {
  auto it = modules_.find(name_atom);
  return it == modules_.end() ? nullptr : it->second.get();
}

Module* VM::add_module(std::unique_ptr<Module> m) {
  Module* raw = m.get();
  modules_[m->name_atom] = std::move(m);
  return raw;
}

void VM::remove_module(Term name_atom) {
  auto it = modules_.find(name_atom);
  if (it == modules_.end()) return;
  if (it->second->base) {
    it->second = std::move(it->second->base);
  } else {
    modules_.erase(it);
  }
}

std::unique_ptr<Module> VM::take_module(Term name_atom) {
  auto it = modules_.find(name_atom);
  if (it == modules_.end()) return nullptr;
  std::unique_ptr<Module> m = std::move(it->second);
  modules_.erase(it);
  return m;
}

const Module* VM::module_of(const void* pc) const {
  for (auto& [name, m] : modules_)
    if (m->owns_code(static_cast<const Insn*>(pc))) return m.get();
  return nullptr;
}

Term VM::atom(std::string_view text) {
  auto t = atoms.intern(text);
  if (!t) {
    std::fprintf(stderr, "lzr: atom table full (limit %u atoms)\n", kMaxAtoms);
    std::exit(1);
  }
  return *t;
}

}  // namespace lzr
