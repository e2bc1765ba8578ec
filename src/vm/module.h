// A loaded module: its literals (immortal), functions and internal code.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "vm/function_info.h"
#include "vm/literals.h"
#include "vm/term.h"

namespace lzr {

struct Insn;
constexpr size_t kInsnBytes = 16;  // sizeof(Insn) (engine/insn.h checks it)

struct Module {
  std::string name;
  Term name_atom = kNil;
  std::string file;                 // where it was loaded from ("" for built-ins)
  LiteralArena literal_arena;
  std::vector<Term> literals;       // literal index -> immortal term
  std::deque<FunctionInfo> functions;  // deque: addresses stay valid as it grows
  std::unique_ptr<Insn[]> code;     // internal code (engine/insn.h)
  size_t code_size = 0;
  std::vector<uint32_t> file_offsets;  // internal index -> file code-word offset
  std::vector<std::unique_ptr<uint8_t[]>> side;  // constructor operand tables
  void* native_library = nullptr;   // dlopen handle of a native module
  // Built-in modules (src/builtins/) and their library (docs/builtins.md,
  // "Where a call goes"): a built-in module whose natives lack a function
  // is extended once by the library file of the same name; the extended
  // module owns the built-in one in `base` (calls bound to its natives stay
  // valid) and lists copies of those natives after its own functions.
  bool builtin = false;
  std::unique_ptr<Module> base;     // library module: the built-in module it extends

  // The line table (docs/bytecode.md): from `word` on, code is on `line`.
  struct LineRun {
    uint32_t word;
    uint32_t line;
  };
  std::vector<LineRun> lines;
  Term file_location = kNil;  // immortal {:file, "NAME"} (a trace's location), [] without a line table
  // The innermost active catch of each instruction, as runs over internal
  // indices: from `first` on (to the next run) an exception goes to
  // code[handler] and ends the catch in Y slot `slot`; handler < 0: none.
  struct CatchRun {
    uint32_t first;
    int32_t handler;
    uint8_t slot;
    bool trace;     // the handler may read x2: build the stack trace
    uint8_t frame;  // the Y slots of the function holding the catch (the handler's frame)
  };
  std::vector<CatchRun> catches;
  // Bit i: a catch is active at internal index i (a run with a handler
  // covers it). Most frames of a deep unwind are in code outside any try;
  // this lets catch_at answer them without the binary search.
  std::vector<uint64_t> in_catch;
  // Stack trace entries {module, function, arity, location} already built
  // for an instruction (immortal, in the literal arena), by internal index:
  // a trace through the same call sites again allocates only its list.
  // The only part of a loaded module that changes while it runs: guarded
  // by trace_mutex while several schedulers run (trace_entry).
  std::unordered_map<uint32_t, Term> trace_entries;
  std::mutex trace_mutex;

  Module();
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const FunctionInfo* find(Term name_atom, unsigned arity) const;
  // Bytecode functions in code order (function_at's binary search; a
  // deque's indexing is slow); filled by the loader.
  std::vector<const FunctionInfo*> by_code;
  // One unsigned compare (pc below code wraps around): the unwinder asks
  // this for every distinct pending call on the stack.
  bool owns_code(const Insn* pc) const {
    return reinterpret_cast<uintptr_t>(pc) - reinterpret_cast<uintptr_t>(code.get()) < code_size * kInsnBytes;
  }
  // The bytecode function whose code contains `pc` (nullptr if none).
  const FunctionInfo* function_at(const Insn* pc) const;
  uint32_t file_offset(const Insn* pc) const;
  // The innermost catch active at `pc` (code this module owns): its
  // handler (code[run->handler]), Y slot, frame and whether the handler may
  // read the stack trace; nullptr when no catch is active there.
  const CatchRun* catch_at(const Insn* pc) const;
  // The source line of the code word at file offset `word`, or 0.
  uint32_t line_of(uint32_t word) const;
  // The source file name (a binary) or [] without a line table.
  Term file_name() const;
  // {module, function, arity, location} for the instruction `pc` of this
  // module's code (see engine/exceptions.h), built once, then cached.
  // `concurrent`: other threads may build entries of this module at the
  // same time (VM::concurrent()), so the cache and the arena are locked.
  Term trace_entry(const Insn* pc, bool concurrent);

 private:
  Term cached_trace_entry(const Insn* pc);
};

}  // namespace lzr
