// Statement parser: tokens -> the assembly's syntax tree. Checks everything
// that one line shows on its own (operand counts and kinds, register
// ranges, immediate ranges); cross-line checks (labels, frames, call
// targets) are the assembler's.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "asm/lexer.h"
#include "format/literal.h"
#include "format/opcodes.h"

namespace lzr::asm_text {

struct RegOperand {
  Reg reg{RegKind::X, 0};
  SourcePos pos;
};

// A literal written out, or `#N` naming an entry of the declared pool.
struct LiteralOperand {
  std::optional<Literal> literal;
  int64_t pool_index = -1;
  SourcePos pos;
};

struct ParsedInstr {
  SourcePos pos;                   // the mnemonic
  uint8_t op = 0;
  bool pseudo_load = false;        // `load d, LITERAL`: the assembler picks the opcode
  enum class LoadValue : uint8_t { Literal, Int, Float } load_value = LoadValue::Literal;
  int64_t load_int = 0;            // `load d, N` (any small integer, not only int32)
  double load_float = 0;
  std::array<RegOperand, 4> regs;  // register fields, by field index
  std::array<bool, 4> has_reg{};
  std::array<uint32_t, 4> imm{};   // I16/U16/SIZE/T32/T64 fields, by field index
  std::vector<RegOperand> elems;   // constructor elements / fn captures
  bool has_capture_list = false;   // fn d, f/N, [...] written
  uint64_t value = 0;              // load32 / load64 value words
  LiteralOperand literal;          // LIT / FUN fields and `load`
  std::string label;               // jump target
  SourcePos label_pos;
  std::optional<uint32_t> live;    // live=MASK override
  std::optional<int64_t> line_mark;  // a `.line N` right before it: line N starts here
};

struct LabelDef {
  std::string name;
  SourcePos pos;
  size_t index = 0;  // instruction it names (== code size: none follows)
};

struct ParsedFunction {
  SourcePos pos;             // the `func` keyword
  SourcePos name_pos;
  std::string name;          // empty when written as #N
  int64_t name_pool = -1;
  unsigned arity = 0;
  std::optional<unsigned> frame, upvals;
  SourcePos frame_pos, upvals_pos;
  std::vector<ParsedInstr> code;
  std::vector<LabelDef> labels;
  std::unordered_map<std::string, size_t> label_by_name;  // index into `labels`
};

struct ParsedModule {
  std::optional<std::string> name;
  int64_t name_pool = -1;
  SourcePos name_pos;
  bool has_pool = false;
  std::vector<Literal> pool;
  std::vector<ParsedFunction> functions;
  // Line table directives (docs/assembly.md, "Line table").
  std::optional<std::string> file;  // .file "NAME"
  bool no_lines = false;            // .nolines
  bool explicit_lines = false;      // some instruction has a .line mark
};

std::optional<ParsedModule> parse_source(std::string_view source, SyntaxError& err);

}  // namespace lzr::asm_text
