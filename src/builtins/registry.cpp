#include "builtins/builtins.h"

#include <memory>

namespace lzr {

void add_builtin_module(VM& vm, const char* name, std::span<const BuiltinFn> fns) {
  auto m = std::make_unique<Module>();
  m->name = name;
  m->name_atom = vm.atom(name);
  for (const BuiltinFn& b : fns) {
    FunctionInfo& fi = m->functions.emplace_back();
    fi.module_atom = m->name_atom;
    fi.name_atom = vm.atom(b.name);
    fi.arity = static_cast<uint8_t>(b.arity);
    fi.module = m.get();
    fi.native = b.fn;
  }
  vm.add_module(std::move(m));
}

void register_builtins(VM& vm) {
  register_io(vm);
  register_kernel(vm);
  register_binary(vm);
  register_collections(vm);
  register_numbers(vm);
  register_process(vm);
}

}  // namespace lzr
