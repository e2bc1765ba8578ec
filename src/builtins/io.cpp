// io: printing terms and text to standard output.
#include <cstdio>

#include "builtins/builtins.h"
#include "vm/atoms.h"
#include "vm/printer.h"

namespace lzr {
namespace {

void write_out(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

Term io_print(lzr_env* env, const Term* argv, unsigned) {
  std::string s = term_to_string(argv[0], proc(env).vm->atoms);
  s += '\n';
  write_out(s);
  return kAtom_ok;
}

Term io_write(lzr_env* env, const Term* argv, unsigned) {
  write_out(term_to_string(argv[0], proc(env).vm->atoms));
  return kAtom_ok;
}

// The bytes of a binary, as they are, then a newline.
Term io_puts(lzr_env* env, const Term* argv, unsigned) {
  if (!is_binary(argv[0])) return fail(env, kAtom_badarg);
  std::fwrite(binary_bytes(argv[0]), 1, binary_size(argv[0]), stdout);
  std::fputc('\n', stdout);
  return kAtom_ok;
}

constexpr BuiltinFn kIo[] = {
    {"print", 1, guarded<io_print>},
    {"write", 1, guarded<io_write>},
    {"puts", 1, guarded<io_puts>},
};

}  // namespace

void register_io(VM& vm) { add_builtin_module(vm, "io", kIo); }

}  // namespace lzr
