#include "vm/vm.h"

#include <cstdio>
#include <cstdlib>

#include "proc/lock_if.h"
#include "proc/node.h"
#include "vm/process.h"

namespace lzr {

VM::VM(VmOptions opts) : options(opts), registers(std::make_unique<RegisterFile>()) {
  for (Term& r : registers->x) r = kNil;
}
VM::~VM() = default;

bool VM::concurrent() const { return node && node->concurrent(); }

std::unique_lock<std::mutex> VM::lock_loading() { return lock_if(load_mutex_, concurrent()); }

std::shared_lock<std::shared_mutex> VM::shared_module_lock() const {
  return shared_lock_if(modules_mutex_, concurrent());
}

Module* VM::find_module(Term name_atom) const {
  auto lock = shared_module_lock();
  auto it = modules_.find(name_atom);
  return it == modules_.end() ? nullptr : it->second.get();
}

Module* VM::add_module(std::unique_ptr<Module> m) {
  Module* raw = m.get();
  auto lock = lock_if(modules_mutex_, concurrent());
  std::unique_ptr<Module>& slot = modules_[m->name_atom];
  if (slot) retired_.push_back(std::move(slot));  // replaced: its code may still run
  slot = std::move(m);
  return raw;
}

// Out of the table, under its exclusive lock; a library module leaves the
// built-in module it extended in its place.
std::unique_ptr<Module> VM::unlink_module(Term name_atom) {
  auto it = modules_.find(name_atom);
  if (it == modules_.end()) return nullptr;
  std::unique_ptr<Module> out = std::move(it->second);
  if (out->base) {
    it->second = std::move(out->base);
  } else {
    modules_.erase(it);
  }
  return out;
}

void VM::remove_module(Term name_atom) {
  auto lock = lock_if(modules_mutex_, concurrent());
  if (std::unique_ptr<Module> m = unlink_module(name_atom)) retired_.push_back(std::move(m));
}

void VM::discard_module(Term name_atom) {
  std::unique_ptr<Module> m;
  {
    auto lock = lock_if(modules_mutex_, concurrent());
    m = unlink_module(name_atom);
  }
  // Freed outside the lock (a native module's dlclose may take a while).
}

std::unique_ptr<Module> VM::take_module(Term name_atom) {
  auto lock = lock_if(modules_mutex_, concurrent());
  auto it = modules_.find(name_atom);
  if (it == modules_.end()) return nullptr;
  std::unique_ptr<Module> m = std::move(it->second);
  modules_.erase(it);
  return m;
}

void VM::free_retired_modules() {
  std::vector<std::unique_ptr<Module>> freed;
  {
    auto lock = lock_if(modules_mutex_, concurrent());
    freed.swap(retired_);
    // Before the modules go: a raise that cached one of them (Process::
    // raise_module) looks it up again.
    if (!freed.empty()) modules_freed_.fetch_add(1, std::memory_order_acq_rel);
  }
}

size_t VM::retired_modules() const {
  auto lock = shared_module_lock();
  return retired_.size();
}

// The module owning `pc`, under the caller's lock if one is needed.
const Module* VM::owner_of(const void* pc) const {
  const auto* insn = static_cast<const Insn*>(pc);
  for (auto& [name, m] : modules_)
    if (m->owns_code(insn)) return m.get();
  for (auto& m : retired_)  // a process may still run a removed module's code
    if (m->owns_code(insn)) return m.get();
  return nullptr;
}

// Out of line, so the one-scheduler path of module_of keeps no lock object.
[[gnu::noinline]] const Module* VM::owner_of_locked(const void* pc) const {
  std::shared_lock lock(modules_mutex_);
  return owner_of(pc);
}

const Module* VM::module_of(const void* pc) const {
  // Every raise looks its module up: with one scheduler, one test more.
  if (concurrent()) [[unlikely]] return owner_of_locked(pc);
  return owner_of(pc);
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
