#include "builtins/builtins.h"

#include <memory>

namespace lzr {

void add_builtin_module(VM& vm, const char* name, std::span<const BuiltinFn> fns) {
  // A second table for the same module adds to it (the library natives,
  // src/builtins/lib_*.cpp, join list, map, tuple and float).
  if (Module* existing = vm.find_module(vm.atom(name)); existing && existing->builtin) {
    for (const BuiltinFn& b : fns) {
      FunctionInfo& fi = existing->functions.emplace_back();
      fi.module_atom = existing->name_atom;
      fi.name_atom = vm.atom(b.name);
      fi.arity = static_cast<uint8_t>(b.arity);
      fi.module = existing;
      fi.native = b.fn;
    }
    return;
  }
  auto m = std::make_unique<Module>();
  m->name = name;
  m->name_atom = vm.atom(name);
  m->builtin = true;
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
  // The standard library's natives (docs/builtins.md, "The library").
  register_lib_list(vm);
  register_lib_map(vm);
  register_lib_text(vm);
  register_lib_numbers(vm);
  register_lib_tuple(vm);
  // io-heap (issue 15)
  register_file(vm);
  register_system(vm);
  // processes (issue 16)
  register_process(vm);
}

}  // namespace lzr
