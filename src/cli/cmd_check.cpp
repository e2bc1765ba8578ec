// lzr check FILE...: load and verify modules (.lzr) or assemble sources
// (.lzs) without running anything.
#include <cstdio>
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "cli/module_input.h"

namespace lzr::cli {

void add_check_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("check", "Verify .lzr modules and assemble .lzs sources; print FILE: ok or the error");
  cmd->add_option("files", *files, "Files to check (.lzr or .lzs)")->required();
  cmd->footer("Every file is checked; the exit status is 1 if any of them is bad.");
  cmd->callback([files] {
    bool all_ok = true;
    for (const std::string& file : *files) {
      std::string error;
      if (load_module_input(file, error)) {
        std::printf("%s: ok\n", file.c_str());
      } else {
        std::fflush(stdout);
        std::fprintf(stderr, "%s\n", error.c_str());
        all_ok = false;
      }
    }
    std::fflush(stdout);
    if (!all_ok) throw CLI::RuntimeError(1);
  });
}

}  // namespace lzr::cli
