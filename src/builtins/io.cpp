// io: printing terms and iodata to standard output (or error), reading
// standard input, formatted output.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "builtins/builtins.h"
#include "builtins/format.h"
#include "builtins/iodata.h"
#include "builtins/os_results.h"
#include "vm/atoms.h"
#include "vm/printer.h"

namespace lzr {
namespace {

// Each io call hands its whole output to one fwrite, so that what one call
// prints stays together: stdio locks the stream for the call, so processes
// on several scheduler threads never interleave within one call's text
// (docs/processes.md, "Schedulers on every core").
void write_out(std::FILE* f, const std::string& s) { std::fwrite(s.data(), 1, s.size(), f); }

// The device argument of the /2 forms: :stdout or :stderr.
std::FILE* device(lzr_env* env, Term t) {
  if (t == proc(env).vm->atom("stdout")) return stdout;
  if (t == proc(env).vm->atom("stderr")) return stderr;
  return nullptr;
}

Term io_print(lzr_env* env, const Term* argv, unsigned) {
  std::string s = term_to_string(argv[0], proc(env).vm->atoms);
  s += '\n';
  write_out(stdout, s);
  return kAtom_ok;
}

Term io_write(lzr_env* env, const Term* argv, unsigned) {
  write_out(stdout, term_to_string(argv[0], proc(env).vm->atoms));
  return kAtom_ok;
}

// iodata's bytes as they are, with or without a newline.
Term put_iodata(lzr_env* env, std::FILE* f, Term data, bool newline) {
  std::string s;
  if (!f || !append_iodata(s, data)) return fail(env, kAtom_badarg);
  if (newline) s += '\n';
  write_out(f, s);
  return kAtom_ok;
}
Term io_puts(lzr_env* env, const Term* a, unsigned) { return put_iodata(env, stdout, a[0], true); }
Term io_put_chars(lzr_env* env, const Term* a, unsigned) { return put_iodata(env, stdout, a[0], false); }
Term io_puts_to(lzr_env* env, const Term* a, unsigned) { return put_iodata(env, device(env, a[0]), a[1], true); }
Term io_put_chars_to(lzr_env* env, const Term* a, unsigned) { return put_iodata(env, device(env, a[0]), a[1], false); }

Term io_format(lzr_env* env, const Term* a, unsigned argc) {
  std::string s;
  if (!format_iodata(env, a[0], argc > 1 ? a[1] : kNil, s)) return kRaised;
  write_out(stdout, s);
  return kAtom_ok;
}

// Before reading from a terminal, what was printed (a prompt) is shown.
void flush_for_terminal() {
  static const bool tty = ::isatty(0) == 1;
  if (tty) std::fflush(stdout);
}

// The next line of `f` without its "\n" (a last line without one is
// returned as it is), :eof at the end, {:error, Reason} on a read error.
Term read_line_from(lzr_env* env, std::FILE* f) {
  char* line = nullptr;
  size_t cap = 0;
  errno = 0;
  const ssize_t n = ::getline(&line, &cap, f);
  if (n < 0) {
    const int err = errno;
    std::free(line);
    if (std::ferror(f)) {
      std::clearerr(f);
      return posix_error(env, err ? err : EIO);
    }
    if (err == ENOMEM) return fail(env, kAtom_system_limit);
    return proc(env).vm->atom("eof");
  }
  const size_t len = static_cast<size_t>(n) - (line[n - 1] == '\n' ? 1 : 0);
  const Term out = binary_result(env, line, len);
  std::free(line);
  return out;
}

Term io_read_line(lzr_env* env, const Term*, unsigned) {
  flush_for_terminal();
  return read_line_from(env, stdin);
}

// The rest of standard input as one binary ("" at the end). Standard input
// stays locked for the whole read, so a process reading on another
// scheduler thread gets none of the middle of it.
Term io_read_all(lzr_env* env, const Term*, unsigned) {
  flush_for_terminal();
  std::string all;
  char buf[1 << 16];
  int err = 0;
  {
    struct Locked {  // unlocked however the block is left (append may throw)
      Locked() { ::flockfile(stdin); }
      ~Locked() { ::funlockfile(stdin); }
    } locked;
    for (;;) {
      const size_t n = std::fread(buf, 1, sizeof buf, stdin);
      all.append(buf, n);
      if (n < sizeof buf) break;
    }
    if (std::ferror(stdin)) {
      err = errno ? errno : EIO;
      std::clearerr(stdin);
    }
  }
  if (err) return posix_error(env, err);
  return binary_result(env, all.data(), all.size());
}

constexpr BuiltinFn kIo[] = {
    {"print", 1, guarded<io_print>},
    {"write", 1, guarded<io_write>},
    {"puts", 1, guarded<io_puts>},
    // io-heap (issue 15): iodata output, formatted output, standard input.
    {"puts", 2, guarded<io_puts_to>},
    {"put_chars", 1, guarded<io_put_chars>},
    {"put_chars", 2, guarded<io_put_chars_to>},
    {"format", 1, guarded<io_format>},
    {"format", 2, guarded<io_format>},
    {"read_line", 0, guarded<io_read_line>},
    {"read_all", 0, guarded<io_read_all>},
};

}  // namespace

Term read_line_from_file(lzr_env* env, std::FILE* f) { return read_line_from(env, f); }

void register_io(VM& vm) { add_builtin_module(vm, "io", kIo); }

}  // namespace lzr
