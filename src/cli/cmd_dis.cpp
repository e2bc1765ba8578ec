// lzr dis FILE [-o OUT]: print a module as assembly text that assembles back
// to the same bytes.
#include <cstdio>
#include <memory>

#include "asm/assembler.h"
#include "cli/commands.h"
#include "cli/module_input.h"
#include "format/message_text.h"
#include "sys/files.h"

namespace lzr::cli {

namespace {

struct DisOptions {
  std::string input;
  std::string output;
};

void run_dis(const DisOptions& o) {
  const bool to_stdout = o.output.empty() || o.output == "-";
  if (!to_stdout && same_file(o.output, o.input))
    fail_command(1, printable_path(o.output) + ": is the input; choose another output (-o)");
  std::string error, text;
  auto module = load_module_input(o.input, error);
  if (!module) fail_command(1, error);
  if (!disassemble(*module, o.input, text, error)) fail_command(1, error);
  if (to_stdout) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    flush_stdout();
    return;
  }
  if (!write_file(o.output, text, error)) fail_command(1, error);
}

}  // namespace

void add_dis_command(CLI::App& app) {
  auto opts = std::make_shared<DisOptions>();
  CLI::App* cmd = app.add_subcommand("dis", "Disassemble a module into .lzs text (reassembles to identical bytes)");
  cmd->add_option("file", opts->input, "Module file (.lzr; a .lzs file is assembled first)")->required();
  cmd->add_option("-o,--output", opts->output, "Text file to write (default: standard output)");
  cmd->callback([opts] { run_dis(*opts); });
}

}  // namespace lzr::cli
