// lzr check FILE...: load and verify modules (.lzr) or assemble sources
// (.lzs) without running anything. For a native module it also reports the
// library it would open, and refuses one the trust rules do not allow
// (engine/native_library.h) — without opening it.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/module_input.h"
#include "engine/native_library.h"
#include "format/message_text.h"

namespace lzr::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::vector<std::string> native_path;
};

// "ok", or for a native module what it would load; false + error if refused.
bool describe(const ModuleFile& m, const std::string& file, const std::vector<std::string>& native_path,
              std::string& line, std::string& error) {
  line = printable_path(file) + ": ok";
  if (m.type != ModuleType::Native) return true;
  NativeLibraryChoice lib = choose_native_library(m, file, native_path);
  if (!lib.problem.empty()) {
    error = printable_path(file) + ": " + lib.problem;
    return false;
  }
  std::error_code ec;
  if (!std::filesystem::exists(lib.path, ec)) {
    error = printable_path(file) + ": native library " + printable_path(lib.path) + " does not exist";
    return false;
  }
  std::string functions;
  for (const std::string& f : m.native_functions) functions += (functions.empty() ? "" : ", ") + printable(f);
  line += ": native module " + printable(m.native_name) + " loads " + printable_path(lib.path) + " (" + functions + ")";
  return true;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Verify .lzr modules and assemble .lzs sources; print FILE: ok or the error");
  cmd->add_option("files", opts->files, "Files to check (.lzr or .lzs)")->required();
  cmd->add_option("--native-path", opts->native_path,
                  "A folder native libraries may be loaded from, as for lzr run (repeatable; LZR_NATIVE_PATH adds more)")
      ->allow_extra_args(false);
  cmd->footer("Every file is checked; the exit status is 1 if any of them is bad. For a native module the line\n"
              "names the library `lzr run` would open (nothing is opened here), and a library outside the\n"
              "module's folder and the native path is an error.");
  cmd->callback([opts] {
    const std::vector<std::string> natives = native_path(opts->native_path);
    bool all_ok = true;
    for (const std::string& file : opts->files) {
      std::string error, line;
      auto m = load_module_input(file, error);
      if (m && describe(*m, file, natives, line, error)) {
        std::printf("%s\n", line.c_str());
      } else {
        flush_stdout();
        std::fprintf(stderr, "%s\n", error.c_str());
        all_ok = false;
      }
    }
    flush_stdout();
    if (!all_ok) throw CLI::RuntimeError(1);
  });
}

}  // namespace lzr::cli
