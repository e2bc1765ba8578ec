// The virtual machine: atoms, loaded modules, the module search path, the
// native-library path and run-time options. Loading and running live in src/engine.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vm/atoms.h"
#include "vm/module.h"
#include "vm/open_files.h"

namespace lzr {

class Node;  // proc/node.h: the VM's processes
struct RegisterFile;  // vm/process.h

struct VmOptions {
  bool gc_stress = false;             // collect at every allocation (LZR_GC_STRESS=1)
  size_t stack_words = size_t{1} << 27;  // reserved per process (1 GiB of address space)
  size_t max_heap_words = 0;          // per process heap limit (Heap::set_max_words); 0: none
  size_t min_heap_words = 0;          // per process nursery minimum and initial size (Heap's constructor); 0: the default
};

class VM {
 public:
  explicit VM(VmOptions options = {});
  ~VM();

  AtomTable atoms;
  VmOptions options;
  std::vector<std::string> search_path;
  // Folders native libraries may come from besides the module's own folder
  // (engine/native_library.h).
  std::vector<std::string> native_path;
  // What system.args/0 returns (lzr run: the arguments after the file).
  std::vector<std::string> program_args;
  // Files opened by file.open/2.
  OpenFiles open_files;

  Module* find_module(Term name_atom) const;
  Module* add_module(std::unique_ptr<Module> m);
  // Removes a module; a library module that extended a built-in one leaves
  // that built-in module in its place.
  void remove_module(Term name_atom);
  // Takes a module out of the table (a built-in module a library extends).
  std::unique_ptr<Module> take_module(Term name_atom);
  // Every loaded module, in no particular order.
  template <typename F> void for_each_module(F&& f) const {
    for (auto& [name, m] : modules_) f(*m);
  }
  // The module whose internal code contains `pc`, if any.
  const Module* module_of(const void* pc) const;
  Module* module_of(const void* pc) { return const_cast<Module*>(std::as_const(*this).module_of(pc)); }

  Term atom(std::string_view text);  // interns; aborts only if the table is full

  // The processes (proc/node.h, made on first use by node_of()).
  std::shared_ptr<Node> node;
  // The running process's X registers (vm/process.h): one scheduler today.
  std::unique_ptr<RegisterFile> registers;

 private:
  std::unordered_map<Term, std::unique_ptr<Module>> modules_;
};

}  // namespace lzr
