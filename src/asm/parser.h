// Statement parser: tokens -> the assembly's syntax tree. Checks everything
// that one line shows on its own (operand counts and kinds, register
// ranges, immediate ranges); cross-line checks (labels, frames, call
// targets) are the assembler's.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "asm/lexer.h"
#include "format/literal.h"
#include "format/opcodes.h"

namespace lzr::asm_text {

// Positions inside an instruction are columns: every operand is on the
// instruction's own line (ParsedInstr::pos.line).
inline constexpr uint32_t kNoIndex = UINT32_MAX;

// A register operand, or a constant written where the instruction reads a
// register (`lt x0, 10, done`): `konst` indexes ParsedFunction::consts and
// the assembler loads the constant into a free X register first
// (docs/assembly.md, "Constants in place of registers").
struct RegOperand {
  Reg reg{RegKind::X, 0};
  uint32_t col = 1;
  uint32_t konst = kNoIndex;
  bool is_const() const { return konst != kNoIndex; }
};

// A literal operand: written out (an entry of ParsedModule::values, where
// equal literals are stored once), or `#N` naming an entry of the declared
// pool.
struct LiteralOperand {
  uint32_t index = kNoIndex;  // into ParsedModule::values, or N of `#N`
  uint32_t col = 1;
  bool is_pool = false;       // `#N`
};

// Field kinds whose value the parser reads as a number (ParsedInstr::imm).
constexpr bool is_immediate(FieldKind k) {
  return k == FieldKind::I16 || k == FieldKind::U16 || k == FieldKind::SIZE || k == FieldKind::T32 ||
         k == FieldKind::T64 || k == FieldKind::TK || k == FieldKind::TAB;
}

// One instruction line. A compiler may emit one huge file, and every line
// is kept until the module is assembled, so this stays small (no heap
// allocation of its own): constructor elements, literals and labels live in
// tables of the function or the module and are referred to by index.
struct ParsedInstr {
  SourcePos pos;                   // the mnemonic
  // load32 / load64 value words; for `load d, N` the integer (any small
  // integer, not only int32) or the float's bits (load_int(), load_float()).
  uint64_t value = 0;
  std::array<RegOperand, 4> regs;  // register fields, by field index
  uint32_t imm = 0;                // the I16/U16/SIZE/T32/T64 field (at most one: opcodes.def)
  uint32_t elems_begin = 0;        // constructor elements / fn captures:
  uint32_t elems_count = 0;        //   ParsedFunction::elems[begin, begin + count)
                                   //   (select: ParsedFunction::cases)
  LiteralOperand literal;          // LIT / FUN fields and `load`
  uint32_t label = kNoIndex;       // jump target: index into ParsedFunction::labels
  uint32_t label_col = 1;
  uint32_t live = 0;               // live=MASK override, if has_live
  uint8_t op = 0;
  bool pseudo_load = false;        // `load d, LITERAL`: the assembler picks the opcode
  enum class LoadValue : uint8_t { Literal, Int, Float } load_value = LoadValue::Literal;
  bool has_capture_list = false;   // fn d, f/N, [...] written
  bool has_live = false;
  uint32_t line_mark = 0;          // a `.line N` right before it: line N starts here (0: none)
  std::array<bool, 4> has_reg{};

  int64_t load_int() const { return static_cast<int64_t>(value); }
  double load_float() const { return std::bit_cast<double>(value); }
  SourcePos at(uint32_t col) const { return SourcePos{pos.line, col}; }
};

// A constant operand: what `load dst, CONST` would take (an inline integer
// or float, or a literal).
struct ConstOperand {
  uint64_t value = 0;  // LoadValue::Int / Float, as ParsedInstr::value
  LiteralOperand literal;
  uint8_t load_value = 0;  // a ParsedInstr::LoadValue
};

// One pair of a select / select_arity table (ParsedFunction::cases).
struct CaseOperand {
  LiteralOperand value;     // select: the value
  uint32_t arity = 0;       // select_arity: the arity
  uint32_t label = kNoIndex;
  uint32_t label_col = 1;
};

struct LabelDef {
  std::string name;
  SourcePos pos;            // the definition
  size_t index = 0;         // instruction it names (== code size: none follows)
  bool defined = false;     // false: only jumped to (so far)
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
  std::vector<RegOperand> elems;  // every instruction's elements, back to back
  std::vector<ConstOperand> consts;  // constants written as register operands
  std::vector<CaseOperand> cases; // every select's pairs, back to back
  std::vector<LabelDef> labels;   // defined and jumped-to labels, in first-mention order
  std::unordered_map<std::string, size_t> label_by_name;  // index into `labels`

  std::span<const RegOperand> elems_of(const ParsedInstr& in) const {
    if (op_info(in.op).extra == Extra::Table) return {};
    return std::span<const RegOperand>(elems).subspan(in.elems_begin, in.elems_count);
  }
  std::span<const CaseOperand> cases_of(const ParsedInstr& in) const {
    if (op_info(in.op).extra != Extra::Table) return {};
    return std::span<const CaseOperand>(cases).subspan(in.elems_begin, in.elems_count);
  }
};

struct ParsedModule {
  std::optional<std::string> name;
  int64_t name_pool = -1;
  SourcePos name_pos;
  bool has_pool = false;
  std::vector<Literal> pool;
  std::vector<ParsedFunction> functions;
  std::vector<Literal> values;  // the literals written out in instructions, each once
  // Line table directives (docs/assembly.md, "Line table").
  std::optional<std::string> file;  // .file "NAME"
  bool no_lines = false;            // .nolines
  bool explicit_lines = false;      // some instruction has a .line mark
};

std::optional<ParsedModule> parse_source(std::string_view source, SyntaxError& err);

}  // namespace lzr::asm_text
