// File helpers shared by the subcommands: read whole regular files, write
// outputs that replace their target only when complete (sys/files.h), load
// a module from either form (.lzs is assembled, anything else is read as
// .lzr and verified), and the path lists of the environment. Errors are one
// line naming the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/module_file.h"

namespace lzr::cli {

bool read_file(const std::string& path, std::string& bytes, std::string& error);
bool write_file(const std::string& path, std::string_view bytes, std::string& error);

bool is_assembly_path(std::string_view path);  // ends in .lzs

// The module in `path`, valid (verify_module passed) or nullopt + error.
std::optional<ModuleFile> load_module_input(const std::string& path, std::string& error);

// The folders of a ':'-separated list such as LZR_PATH (empty entries and
// a null `value` give none).
std::vector<std::string> path_list(const char* value);

// The folders native libraries may come from: the command's --native-path
// options, then LZR_NATIVE_PATH.
std::vector<std::string> native_path(const std::vector<std::string>& options);

// Flushes standard output. The first failure's errno is kept for main(),
// which turns an unwritten standard output into a failed command.
void flush_stdout();
int stdout_errno();  // 0: none recorded

// Prints `message` on stderr and leaves the command with exit `code`.
[[noreturn]] void fail_command(int code, const std::string& message);

}  // namespace lzr::cli
