// C API: embedding a VM in a host program.
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "api/api_env.h"
#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/engine.h"
#include "engine/loader.h"
#include "engine/scheduler.h"
#include "format/literal.h"
#include "format/message_text.h"
#include "format/verifier.h"
#include "proc/node.h"
#include "vm/atoms.h"
#include "vm/printer.h"

using namespace lzr;

struct lzr_vm {
  VM vm;
  std::unique_ptr<Process> process;
  lzr_env env{nullptr};
  EngineKind engine = default_engine();
  bool running = false;  // inside lzr_vm_call: a native must not re-enter
  std::string message;
  std::string trace;
  std::string error_class;  // after LZR_ERROR: "error", "throw" or "exit"

  lzr_vm() {
    register_builtins(vm);
    process = std::make_unique<Process>(vm, vm.options.stack_words);
    env.proc = process.get();
  }

  lzr_status fail(lzr_status status, std::string text) {
    message = std::move(text);
    trace.clear();
    error_class.clear();
    return status;
  }
  lzr_status succeed() {
    message.clear();
    trace.clear();
    error_class.clear();
    return LZR_OK;
  }
};

namespace {

// No C++ exception may cross into C: out of memory becomes a status.
template <typename F>
lzr_status guarded(lzr_vm* vm, F&& body) {
  if (!vm) return LZR_BAD_CALL;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return vm->fail(LZR_BAD_CALL, "out of memory");
  }
}

lzr_status loaded(lzr_vm* vm, Module* m, const LoadError& err) {
  return m ? vm->succeed() : vm->fail(LZR_LOAD_ERROR, err.message);
}

}  // namespace

extern "C" {

lzr_vm* lzr_vm_new(void) {
  try {
    return new lzr_vm();
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void lzr_vm_free(lzr_vm* vm) { delete vm; }

void lzr_vm_add_path(lzr_vm* vm, const char* dir) {
  if (vm && dir && *dir) vm->vm.search_path.emplace_back(dir);
}

void lzr_vm_add_native_path(lzr_vm* vm, const char* dir) {
  if (vm && dir && *dir) vm->vm.native_path.emplace_back(dir);
}

lzr_status lzr_vm_set_engine(lzr_vm* vm, const char* engine) {
  return guarded(vm, [&] {
    auto kind = engine ? parse_engine(engine) : std::nullopt;
    if (!kind) return vm->fail(LZR_BAD_CALL, std::string("unknown engine '") + (engine ? engine : "") + "' (use asm or portable)");
    if (!engine_available(*kind)) return vm->fail(LZR_BAD_CALL, std::string("the ") + engine_name(*kind) + " engine is not built on this machine");
    vm->engine = *kind;
    return vm->succeed();
  });
}

void lzr_vm_set_gc_stress(lzr_vm* vm, int on) {
  if (!vm) return;
  vm->vm.options.gc_stress = on != 0;
  vm->process->heap.set_stress(on != 0);
}

lzr_status lzr_vm_set_max_heap(lzr_vm* vm, size_t bytes) {
  if (!vm) return LZR_BAD_CALL;
  if (bytes != 0 && bytes < (size_t{1} << 20)) return vm->fail(LZR_BAD_CALL, "lzr_vm_set_max_heap: less than 1 MiB");
  vm->vm.options.max_heap_words = bytes / sizeof(Term);
  vm->process->heap.set_max_words(vm->vm.options.max_heap_words);
  return vm->succeed();
}

lzr_status lzr_vm_set_schedulers(lzr_vm* vm, int n) {
  return guarded(vm, [&] {
    if (vm->running) return vm->fail(LZR_BAD_CALL, "lzr_vm_set_schedulers: the VM is running (called from a native?)");
    if (n < 1 || n > static_cast<int>(kMaxSchedulers))
      return vm->fail(LZR_BAD_CALL, "lzr_vm_set_schedulers: " + std::to_string(n) + " is not a count from 1 to " +
                                        std::to_string(kMaxSchedulers));
    node_of(vm->vm).set_schedulers(static_cast<unsigned>(n));
    return vm->succeed();
  });
}

lzr_status lzr_vm_load_file(lzr_vm* vm, const char* path) {
  return guarded(vm, [&] {
    if (!path) return vm->fail(LZR_BAD_CALL, "lzr_vm_load_file: no path");
    LoadError err;
    return loaded(vm, load_module_file(vm->vm, path, err), err);
  });
}

lzr_status lzr_vm_load_image(lzr_vm* vm, const void* bytes, size_t size, const char* label) {
  return guarded(vm, [&] {
    if (!bytes && size > 0) return vm->fail(LZR_BAD_CALL, "lzr_vm_load_image: no bytes");
    LoadError err;
    std::string_view image(static_cast<const char*>(bytes), size);
    return loaded(vm, load_module_bytes(vm->vm, image, label ? label : "<memory>", err), err);
  });
}

lzr_status lzr_vm_load_source(lzr_vm* vm, const char* text, size_t len, const char* label) {
  return guarded(vm, [&] {
    if (!text && len > 0) return vm->fail(LZR_BAD_CALL, "lzr_vm_load_source: no text");
    const std::string name = label ? label : "<memory>.lzs";
    std::string why;
    auto file = assemble(std::string_view(text, len), name, why);
    if (!file) return vm->fail(LZR_LOAD_ERROR, why);
    // Through the image path, so the loader verifies what the assembler made.
    std::vector<uint8_t> image = write_module(*file);
    LoadError err;
    std::string_view bytes(reinterpret_cast<const char*>(image.data()), image.size());
    return loaded(vm, load_module_bytes(vm->vm, bytes, name, err), err);
  });
}

lzr_status lzr_vm_define_module(lzr_vm* vm, const char* name, const lzr_native_def* fns, size_t n) {
  return guarded(vm, [&] {
    // Names become atoms: they follow the loader's atom rules, and are
    // escaped in messages.
    auto bad = [&](const std::string& what) {
      return vm->fail(LZR_BAD_CALL, "lzr_vm_define_module " + (name ? printable(name) : std::string("(null)")) + ": " + what);
    };
    if (!name || !*name) return bad("the name must have 1 to 255 bytes");
    if (auto problem = atom_text_problem(name)) return bad("the name " + *problem);
    if (n > 0 && !fns) return bad("no functions");
    if (vm->vm.atoms.find(name) && vm->vm.find_module(*vm->vm.atoms.find(name)))
      return bad("a module with this name is already loaded");
    std::vector<BuiltinFn> defs;
    for (size_t i = 0; i < n; ++i) {
      const lzr_native_def& d = fns[i];
      const std::string label = "function " + std::to_string(i);
      if (!d.name || !*d.name) return bad(label + ": the name must have 1 to 255 bytes");
      const std::string shown = label + " (" + printable(d.name) + ")";
      if (auto problem = atom_text_problem(d.name)) return bad(shown + ": the name " + *problem);
      if (std::strchr(d.name, '.') || std::strchr(d.name, '/')) return bad(shown + ": a name cannot contain '.' or '/'");
      if (d.arity > kMaxArity) return bad(shown + ": arity " + std::to_string(d.arity) + " is above 32");
      if (!d.fn) return bad(shown + ": no C function");
      for (const BuiltinFn& e : defs)
        if (e.arity == d.arity && std::strcmp(e.name, d.name) == 0)
          return bad(label + ": " + printable(d.name) + "/" + std::to_string(d.arity) + " is defined twice");
      defs.push_back({d.name, d.arity, d.fn});
    }
    add_builtin_module(vm->vm, name, defs);
    return vm->succeed();
  });
}

lzr_env* lzr_vm_env(lzr_vm* vm) { return vm ? &vm->env : nullptr; }

lzr_status lzr_vm_call(lzr_vm* vm, const char* module, const char* function, const lzr_term* args,
                       unsigned nargs, lzr_term* result) {
  return guarded(vm, [&]() -> lzr_status {
    if (vm->running) return vm->fail(LZR_BAD_CALL, "lzr_vm_call: the VM is already running (called from a native?)");
    if (!module || !function) return vm->fail(LZR_BAD_CALL, "lzr_vm_call: no module or function name");
    const std::string name = std::string(module) + "." + function + "/" + std::to_string(nargs);
    if (nargs > kMaxArity) return vm->fail(LZR_BAD_CALL, "lzr_vm_call " + name + ": more than 32 arguments");
    if (nargs > 0 && !args) return vm->fail(LZR_BAD_CALL, "lzr_vm_call " + name + ": no arguments array");
    for (unsigned i = 0; i < nargs; ++i)
      if (args[i] == kRaised)
        return vm->fail(LZR_BAD_CALL, "lzr_vm_call " + name + ": argument " + std::to_string(i + 1) +
                                          " is LZR_RAISED (building it failed: " +
                                          term_to_string(vm->process->error, vm->vm.atoms) + ")");

    LoadError err;
    Module* m = load_module_named(vm->vm, module, err);
    if (!m) return vm->fail(LZR_LOAD_ERROR, err.message);
    auto atom = vm->vm.atoms.find(function);
    const FunctionInfo* fn = atom ? m->find(*atom, nargs) : nullptr;
    if (!fn && m->builtin) {  // as a call in a module: the built-in module's library (docs/builtins.md)
      if (Module* library = load_library_of(vm->vm, *m, err)) {
        atom = vm->vm.atoms.find(function);  // the library may be the first to name it
        fn = atom ? library->find(*atom, nargs) : nullptr;
      } else if (!err.message.empty()) {
        return vm->fail(LZR_LOAD_ERROR, err.message);
      }
    }
    if (!fn) return vm->fail(LZR_UNDEFINED, "undefined function " + name);
    if (fn->upvals > 0) return vm->fail(LZR_BAD_CALL, "lzr_vm_call " + name + ": the function needs a closure (upvals > 0)");

    Process& p = *vm->process;
    p.error = kNil;
    struct Running {  // cleared however execute() leaves
      bool& flag;
      explicit Running(bool& f) : flag(f) { flag = true; }
      ~Running() { flag = false; }
    };
    Term value;
    {
      Running running(vm->running);
      value = execute(p, fn, std::span<const Term>(args, nargs), vm->engine);
    }
    if (value != kRaised) {
      p.reset_stack();
      if (result) *result = value;
      return vm->succeed();
    }
    std::string trace;
    for (const TraceLine& line : exception_trace(p))
      trace += line.where + (line.count > 1 ? " (" + std::to_string(line.count) + " times)\n" : "\n");
    p.reset_stack();
    if (result) *result = p.error;
    const std::string cls = exception_class_name(p);
    std::string text = (cls == "error" ? "" : cls + ": ") + term_to_string(p.error, vm->vm.atoms);
    if (p.error == kAtom_deadlock && !deadlock_report(p).empty()) text += ": " + deadlock_report(p);
    lzr_status status = vm->fail(LZR_ERROR, text);
    vm->error_class = cls;
    vm->trace = std::move(trace);
    return status;
  });
}

const char* lzr_vm_message(const lzr_vm* vm) { return vm ? vm->message.c_str() : ""; }

const char* lzr_vm_stack_trace(const lzr_vm* vm) { return vm ? vm->trace.c_str() : ""; }

const char* lzr_vm_error_class(const lzr_vm* vm) { return vm ? vm->error_class.c_str() : ""; }

}  // extern "C"
