// lzr native NAME LIBRARY NAME/ARITY... [-o OUT.lzr] [--check]: write a
// native module (type 0) binding a shared library's C functions.
#include <memory>
#include <string_view>
#include <vector>

#include "builtins/builtins.h"
#include "cli/commands.h"
#include "cli/module_input.h"
#include "engine/loader.h"
#include "engine/native_library.h"
#include "format/message_text.h"
#include "format/verifier.h"
#include "sys/files.h"
#include "vm/vm.h"

namespace lzr::cli {

namespace {

struct NativeOptions {
  std::string name;
  std::string library;
  std::vector<std::string> functions;
  std::string output;
  bool check = false;
  std::vector<std::string> native_path;
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
  // The library is an input: writing the module over it would destroy it.
  if (same_file(out, choose_native_library(m, out, {}).path))
    fail_command(1, printable_path(out) + ": is the native library the module names; choose another output (-o)");
  const std::vector<uint8_t> bytes = write_module(m);
  const std::string_view image(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (o.check) {
    // Load it as `lzr run` would (the library opens and every symbol binds)
    // before anything is written: from memory, labelled with the output
    // path, whose folder anchors a relative library path.
    VM vm;
    register_builtins(vm);
    vm.native_path = native_path(o.native_path);
    if (!load_module_bytes(vm, image, out, err)) fail_command(1, err.message);
  }
  std::string error;
  if (!write_file(out, image, error)) fail_command(1, error);
}

}  // namespace

void add_native_command(CLI::App& app) {
  auto opts = std::make_shared<NativeOptions>();
  CLI::App* cmd = app.add_subcommand("native", "Write a native module (.lzr type 0) for a shared library of C functions");
  cmd->add_option("name", opts->name, "Module name (what calls use: NAME.fun/arity)")->required();
  cmd->add_option("library", opts->library,
                  "Shared library path, stored as given: a relative path (without '..') resolves against the .lzr "
                  "file's folder; an absolute one must be in a folder named by --native-path or LZR_NATIVE_PATH when "
                  "the module loads")
      ->required();
  cmd->add_option("functions", opts->functions, "Functions as name/arity; the C symbol is `name`")->required();
  cmd->add_option("-o,--output", opts->output, "Module file to write (default: NAME.lzr); never the library itself");
  cmd->add_flag("--check", opts->check,
                "Load the module before writing it: the library must open and define every symbol (nothing is "
                "written otherwise)");
  cmd->add_option("--native-path", opts->native_path,
                  "For --check: a folder native libraries may be loaded from, as for lzr run (repeatable; "
                  "LZR_NATIVE_PATH adds more)")
      ->allow_extra_args(false);
  cmd->footer("Example: lzr native strings libexample_natives.so upcase/1 split/2 -o strings.lzr --check\n"
              "Writing natives: docs/c-api.md.");
  cmd->callback([opts] { run_native(*opts); });
}

}  // namespace lzr::cli
