// Text assembly (.lzs) -> module, and module -> text (docs/assembly.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "format/module_file.h"

namespace lzr {

// Assembles `source`; `file` names it in error messages ("file:line:col: msg")
// and its stem is the default module name. On failure returns nullopt and
// sets `error` (one line per problem).
std::optional<ModuleFile> assemble(std::string_view source, std::string_view file, std::string& error);

// Text that assemble() turns back into exactly the same module.
std::string disassemble(const ModuleFile& module);

}  // namespace lzr
