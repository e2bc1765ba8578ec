// File helpers shared by the subcommands: read/write whole files and load a
// module from either form (.lzs is assembled, anything else is read as .lzr
// and verified). Errors are one line naming the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "format/module_file.h"

namespace lzr::cli {

bool read_file(const std::string& path, std::string& bytes, std::string& error);
bool write_file(const std::string& path, std::string_view bytes, std::string& error);

bool is_assembly_path(std::string_view path);  // ends in .lzs

// The module in `path`, valid (verify_module passed) or nullopt + error.
std::optional<ModuleFile> load_module_input(const std::string& path, std::string& error);

// Prints `message` on stderr and leaves the command with exit `code`.
[[noreturn]] void fail_command(int code, const std::string& message);

}  // namespace lzr::cli
