// Each `lzr` subcommand registers itself on the app from its own file.
// A subcommand's callback reports failure by throwing CLI::RuntimeError(code)
// (exit codes: 0 ok, 1 bad input or failed program, 2 usage).
#pragma once

#include <CLI/CLI.hpp>

namespace lzr::cli {

void add_asm_command(CLI::App& app);
void add_dis_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_native_command(CLI::App& app);

}  // namespace lzr::cli
