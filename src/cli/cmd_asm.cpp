// lzr asm FILE.lzs [-o OUT.lzr]: assemble text into a module file.
#include <memory>

#include "asm/assembler.h"
#include "cli/commands.h"
#include "cli/module_input.h"
#include "format/message_text.h"
#include "sys/files.h"

namespace lzr::cli {

namespace {

struct AsmOptions {
  std::string input;
  std::string output;
  bool strip = false;
};

std::string default_output(const std::string& input) {
  if (is_assembly_path(input)) return input.substr(0, input.size() - 4) + ".lzr";
  return input + ".lzr";
}

void run_asm(const AsmOptions& o) {
  const std::string out = o.output.empty() ? default_output(o.input) : o.output;
  if (same_file(out, o.input)) fail_command(1, printable_path(out) + ": is the input; choose another output (-o)");
  std::string source, error;
  if (!read_file(o.input, source, error)) fail_command(1, error);
  AssembleOptions options;
  options.line_table = !o.strip;
  auto module = assemble(source, o.input, error, options);
  if (!module) fail_command(1, error);
  std::vector<uint8_t> bytes = write_module(*module);
  if (!write_file(out, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), error)) {
    fail_command(1, error);
  }
}

}  // namespace

void add_asm_command(CLI::App& app) {
  auto opts = std::make_shared<AsmOptions>();
  CLI::App* cmd = app.add_subcommand("asm", "Assemble a .lzs text file into a .lzr module");
  cmd->add_option("file", opts->input, "Assembly source (.lzs)")->required();
  cmd->add_option("-o,--output", opts->output, "Module file to write (default: FILE with .lzr instead of .lzs)");
  cmd->add_flag("--strip", opts->strip,
                "Leave out the line table (stack traces then give code-word offsets instead of file:line)");
  cmd->footer("Errors are reported as FILE:LINE:COL: message (exit status 1). Syntax: docs/assembly.md.");
  cmd->callback([opts] { run_asm(*opts); });
}

}  // namespace lzr::cli
