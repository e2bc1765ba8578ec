// The virtual machine: atoms, loaded modules, the module search path, the
// native-library path and run-time options. Loading and running live in src/engine.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
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
  // The module search path and the native-library folders are read by the
  // loader (under the load lock) and set by the host before or between
  // runs; `program_args` is set before the run and only read during it.
  std::vector<std::string> search_path;
  // Folders native libraries may come from besides the module's own folder
  // (engine/native_library.h).
  std::vector<std::string> native_path;
  // What system.args/0 returns (lzr run: the arguments after the file).
  std::vector<std::string> program_args;
  // Files opened by file.open/2 (thread-safe: vm/open_files.h).
  OpenFiles open_files;

  // ---- loaded modules (docs/processes.md, "Schedulers on every core") ----
  // The table is read while processes run (stack traces, the C API) and
  // changed only by loading. While several schedulers share the node
  // (concurrent()) readers take the shared side of a reader-writer lock
  // and changes the exclusive side; with one scheduler no lock is taken.
  // A Module* stays valid after the lock is released: a module is never
  // freed while a process may run its code (remove_module retires it).
  Module* find_module(Term name_atom) const;
  // Adds a module; one it replaces (of the same name) is retired.
  Module* add_module(std::unique_ptr<Module> m);
  // Removes a module whose code may have run: a library module that
  // extended a built-in one leaves that built-in module in its place, and
  // the removed module is retired, not freed, until free_retired_modules().
  void remove_module(Term name_atom);
  // Removes and frees at once a module of a failed load (engine/loader.cpp):
  // its code never ran and no pointer to it left the load. A library module
  // leaves the built-in module it extended in its place.
  void discard_module(Term name_atom);
  // Takes a module out of the table (a built-in module a library extends).
  std::unique_ptr<Module> take_module(Term name_atom);
  // Frees the retired modules. Only where no process can be in their code
  // and no thread holds a pointer to one (the VM's end does it; a scheduler
  // point where every process has left them could).
  void free_retired_modules();
  size_t retired_modules() const;
  // How many times free_retired_modules() freed something: a Module*
  // found while this was the same is still a live module.
  uint64_t modules_freed() const { return modules_freed_.load(std::memory_order_acquire); }
  // Every loaded module, in no particular order, under the table's shared
  // lock: `f` must not load or remove modules.
  template <typename F> void for_each_module(F&& f) const {
    auto lock = shared_module_lock();
    for (auto& [name, m] : modules_) f(*m);
  }
  // The module whose internal code contains `pc`, if any.
  const Module* module_of(const void* pc) const;
  Module* module_of(const void* pc) { return const_cast<Module*>(std::as_const(*this).module_of(pc)); }

  // Held for a whole load (engine/loader.cpp): loads run one at a time, so
  // a module being linked is never seen half-done by another load, and two
  // loads of the same module cannot both add it. Only taken while the node
  // is concurrent.
  std::unique_lock<std::mutex> lock_loading();

  // Whether several scheduler threads share this VM's node
  // (Node::concurrent()): the module table and the load lock synchronise
  // only then.
  bool concurrent() const;

  Term atom(std::string_view text);  // interns; aborts only if the table is full

  // The processes (proc/node.h, made on first use by node_of()).
  std::shared_ptr<Node> node;
  // The running process's X registers (vm/process.h): one scheduler today.
  std::unique_ptr<RegisterFile> registers;

 private:
  std::shared_lock<std::shared_mutex> shared_module_lock() const;
  std::unique_ptr<Module> unlink_module(Term name_atom);
  const Module* owner_of(const void* pc) const;
  const Module* owner_of_locked(const void* pc) const;

  mutable std::shared_mutex modules_mutex_;  // modules_ and retired_
  std::unordered_map<Term, std::unique_ptr<Module>> modules_;
  std::vector<std::unique_ptr<Module>> retired_;
  std::atomic<uint64_t> modules_freed_{0};
  std::mutex load_mutex_;
};

}  // namespace lzr
