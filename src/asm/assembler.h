// Text assembly (.lzs) -> module, and module -> text (docs/assembly.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "format/module_file.h"

namespace lzr {

struct AssembleOptions {
  // Write the line table (docs/assembly.md, "Line table"); `lzr asm --strip`
  // turns it off. `.nolines` in the source turns it off too.
  bool line_table = true;
};

// Assembles `source`; `file` names it in error messages ("file:line:col: msg"),
// its stem is the default module name and its name without folders the
// line table's default file name. On failure returns nullopt and sets
// `error` to one line describing the first problem found. The result has
// passed verify_module.
std::optional<ModuleFile> assemble(std::string_view source, std::string_view file, std::string& error,
                                   const AssembleOptions& options = {});

// Text that assemble() turns back into exactly the same module (same bytes
// from write_module). The module must be a script that verify_module
// accepts; otherwise returns false with a one-line `error` (which names
// `file`).
bool disassemble(const ModuleFile& module, std::string_view file, std::string& text, std::string& error);

// Convenience form for modules known to be valid; for an invalid module the
// text is a single comment line giving the reason.
std::string disassemble(const ModuleFile& module);

}  // namespace lzr
