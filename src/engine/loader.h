// Loading modules into a VM: read, verify, translate to internal code
// (insn.h), register, and link calls to other modules — which are loaded
// from the search path on demand, iteratively (a chain of any length of
// modules calling the next needs no C++ stack per module). A failed load
// leaves the VM as it was. Only regular files are read; a module name that
// could name a path (`/`, `\`, `..`, NUL) is never looked up; a native
// module's library must pass engine/native_library.h's rules.
#pragma once

#include <string>
#include <string_view>

#include "format/module_file.h"
#include "vm/vm.h"

namespace lzr {

// From a file: `.lzr` is read as bytes, `.lzs` is assembled in memory.
Module* load_module_file(VM& vm, const std::string& path, LoadError& err);
// From a module image in memory; `label` names it in messages and its folder
// (if any) anchors a native module's relative library path.
Module* load_module_bytes(VM& vm, std::string_view bytes, const std::string& label, LoadError& err);
// Finds `name` on the search path (NAME.lzr, then NAME.lzs in each folder)
// unless it is loaded already. A name with '/', '\\', ".." or a NUL byte is
// a load error.
Module* load_module_named(VM& vm, std::string_view name, LoadError& err);
// The library file of the built-in module `builtin` (docs/builtins.md,
// "Where a call goes"), found on the search path and loaded once: the
// module that now has `builtin`'s name. nullptr when there is none (err
// empty) or when it does not load (err set).
Module* load_library_of(VM& vm, Module& builtin, LoadError& err);

}  // namespace lzr
