// A loaded module: its literals (immortal), functions and internal code.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "vm/function_info.h"
#include "vm/literals.h"
#include "vm/term.h"

namespace lzr {

struct Insn;

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

  Module();
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const FunctionInfo* find(Term name_atom, unsigned arity) const;
  bool owns_code(const Insn* pc) const;
  // The bytecode function whose code contains `pc` (nullptr if none).
  const FunctionInfo* function_at(const Insn* pc) const;
  uint32_t file_offset(const Insn* pc) const;
};

}  // namespace lzr
