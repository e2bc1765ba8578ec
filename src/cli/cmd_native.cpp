// lzr native NAME LIBRARY NAME/ARITY... [-o OUT.lzr] [--check]: write a
// native module (type 0) binding a shared library's C functions.
#include <cstdio>
#include <memory>
#include <vector>

#include "builtins/builtins.h"
#include "cli/commands.h"
#include "cli/module_input.h"
#include "engine/loader.h"
#include "format/verifier.h"
#include "vm/vm.h"

namespace lzr::cli {

namespace {

struct NativeOptions {
  std::string name;
  std::string library;
  std::vector<std::string> functions;
  std::string output;
  bool check = false;
};

void run_native(const NativeOptions& o) {
  ModuleFile m;
  m.type = ModuleType::Native;
  m.native_name = o.name;
  m.native_libpath = o.library;
  m.native_functions = o.functions;
  const std::string out = o.output.empty() ? o.name + ".lzr" : o.output;
  LoadError err;
  if (!verify_module(m, out, err)) fail_command(1, err.message);
  std::vector<uint8_t> bytes = write_module(m);
  std::string error;
  if (!write_file(out, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), error))
    fail_command(1, error);
  if (!o.check) return;
  // Load it as `lzr run` would: the library opens and every symbol binds.
  VM vm;
  register_builtins(vm);
  if (!load_module_file(vm, out, err)) {
    std::remove(out.c_str());  // a build must not keep a module that cannot load
    fail_command(1, err.message);
  }
}

}  // namespace

void add_native_command(CLI::App& app) {
  auto opts = std::make_shared<NativeOptions>();
  CLI::App* cmd = app.add_subcommand("native", "Write a native module (.lzr type 0) for a shared library of C functions");
  cmd->add_option("name", opts->name, "Module name (what calls use: NAME.fun/arity)")->required();
  cmd->add_option("library", opts->library,
                  "Shared library path, stored as given (a relative path resolves against the .lzr file's folder)")
      ->required();
  cmd->add_option("functions", opts->functions, "Functions as name/arity; the C symbol is `name`")->required();
  cmd->add_option("-o,--output", opts->output, "Module file to write (default: NAME.lzr)");
  cmd->add_flag("--check", opts->check, "Load the written module now: the library must open and define every symbol");
  cmd->footer("Example: lzr native strings libexample_natives.so upcase/1 split/2 -o strings.lzr --check\n"
              "Writing natives: docs/c-api.md.");
  cmd->callback([opts] { run_native(*opts); });
}

}  // namespace lzr::cli
