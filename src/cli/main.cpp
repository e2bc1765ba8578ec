// lzr: the Lazer command line. Each subcommand registers itself from its own
// file (commands.h); this file only parses, maps errors to exit codes (0 ok,
// 1 bad input or failed program, 2 usage) and checks that standard output
// was written.
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>

#include "cli/commands.h"
#include "vm/heap.h"
#include "cli/module_input.h"

namespace {

// Keep in step with project(lazer VERSION ...) in CMakeLists.txt.
constexpr const char* kVersion = "lzr 0.1.0";

int run_command(int argc, char** argv) {
  CLI::App app{"Lazer: a small, fast VM for an Erlang/Elixir-style language", "lzr"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  // A command line that names its subcommand first (every one but `lzr
  // --help` and mistakes) gets only that one built: building CLI11's
  // options for all five was a quarter of a `lzr run`'s start-up
  // instructions, and their code pages were faulted in for nothing.
  struct Command {
    const char* name;
    void (*add)(CLI::App&);
  };
  static constexpr Command kCommands[] = {
      {"run", lzr::cli::add_run_command},     {"asm", lzr::cli::add_asm_command},
      {"dis", lzr::cli::add_dis_command},     {"check", lzr::cli::add_check_command},
      {"native", lzr::cli::add_native_command},
  };
  const Command* named = nullptr;
  for (const Command& c : kCommands)
    if (argc > 1 && std::strcmp(argv[1], c.name) == 0) named = &c;
  if (named) {
    named->add(app);
  } else {
    for (const Command& c : kCommands) c.add(app);
  }
  try {
    app.parse(argc, argv);
  } catch (const std::bad_alloc& e) {
    // The assembler, the loader or the start of a run (the stack
    // reservation) ran out of memory: one line, not an abort. Running
    // programs end through heap_exhausted or raise system_limit instead.
    std::fflush(stdout);
    const lzr::OutOfMemory* detail = dynamic_cast<const lzr::OutOfMemory*>(&e);
    std::fprintf(stderr, "lzr: error: out of memory%s%s%s\n", detail ? " (" : "", detail ? detail->what() : "", detail ? ")" : "");
    return 1;
  } catch (const CLI::ParseError& e) {
    std::string name = e.get_name();
    if (name == "RuntimeError") return e.get_exit_code();  // the command printed its own message
    if (name == "CallForHelp" || name == "CallForAllHelp" || name == "CallForVersion") return app.exit(e);
    std::fflush(stdout);
    std::cerr << "lzr: " << e.what() << "\nRun 'lzr --help' (or 'lzr COMMAND --help') for usage.\n";
    return 2;
  }
  return 0;
}

}  // namespace

// With almost no memory left the C++ runtime cannot allocate the exception
// object for a std::bad_alloc (its emergency pool is allocated at start-up
// and may have been refused too), and it calls std::terminate with no
// exception active. That is running out of memory, not a bug: one line and
// status 1 like every other out-of-memory error. Anything else that reaches
// terminate is a bug and still aborts.
[[noreturn]] static void on_terminate() {
  std::exception_ptr active = std::current_exception();
  bool out_of_memory = !active;
  if (active) {
    try {
      std::rethrow_exception(active);
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    } catch (...) {
    }
  }
  if (out_of_memory) {
    std::fflush(stdout);
    static const char kLine[] = "lzr: error: out of memory (the C++ runtime could not allocate an exception)\n";
    ssize_t ignored = ::write(STDERR_FILENO, kLine, sizeof kLine - 1);
    (void)ignored;
    std::_Exit(1);
  }
  std::abort();
}

// Installed before every other static initializer (priority 101, the
// first one programs may use): under a tight address-space limit the first
// allocation can fail during static initialization already.
[[gnu::constructor(101)]] static void install_terminate_handler() { std::set_terminate(on_terminate); }

int main(int argc, char** argv) {
  // Processes come and go in bursts (a slice spawns thousands that end
  // soon after): glibc would give the top of its heap back to the OS after
  // each burst and fault the same pages in again for the next, which cost
  // spawn_exit three quarters of its time. A 4 MiB pad keeps that much at
  // the top (untouched pages cost nothing; docs/performance.md, "Processes").
  mallopt(M_TOP_PAD, 4 << 20);
  int status = run_command(argc, argv);
  // Output that never reached standard output (a full disk, /dev/full, a
  // closed pipe) is a failure, not a success with the output lost. A
  // command that failed already has said so.
  lzr::cli::flush_stdout();
  if (std::ferror(stdout) && status == 0) {
    const int error = lzr::cli::stdout_errno();
    std::fprintf(stderr, "lzr: cannot write standard output: %s\n", error ? std::strerror(error) : "write error");
    status = 1;
  }
  return status;
}
