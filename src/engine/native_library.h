// Native libraries: which shared library a native module (.lzr type 0) may
// open, and binding its functions. A native library is trusted code —
// opening it runs its initialisers, and its functions can do anything the
// process can — so a module file alone never decides what gets loaded: the
// library must be a regular file inside the module's own folder (a relative
// path without `..`) or inside a folder the user named (the VM's
// native_path: `--native-path`, LZR_NATIVE_PATH, lzr_vm_add_native_path).
// docs/security.md has the whole trust model.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/module_file.h"
#include "vm/vm.h"

namespace lzr {

struct NativeLibraryChoice {
  std::string path;     // what dlopen() gets (always contains a '/')
  std::string problem;  // empty: allowed; otherwise why not (one line, escaped)
};

// The library that native module `f`, loaded as `label` (whose folder is the
// module's folder), would open, and whether the rules allow it. Opens
// nothing (a FIFO or a device is refused by stat alone).
NativeLibraryChoice choose_native_library(const ModuleFile& f, const std::string& label,
                                          const std::vector<std::string>& native_path);

// The folder that anchors relative paths of a module loaded as `label`.
std::string module_folder(const std::string& label);

// Opens native module `f`'s library (where the rules above allow it) and
// binds its functions by symbol: a module ready to register, or nullptr
// with `err` set. Only symbols the library itself defines are taken.
std::unique_ptr<Module> open_native_module(VM& vm, const ModuleFile& f, const std::string& label, LoadError& err);

}  // namespace lzr
