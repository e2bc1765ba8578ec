// Instruction set metadata derived from opcodes.def: opcode enum, field
// layout, operand decoding. Everything that reads or writes code words goes
// through this header so the table stays the single source of truth.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "format/opcodes.def"

namespace lzr {

enum class Op : uint8_t {
#define LZR_OP_ENUM(name, code, f0, f1, f2, f3, extra) op_##name = code,
  LZR_OPCODES(LZR_OP_ENUM)
#undef LZR_OP_ENUM
};

#define LZR_OP_COUNT_ONE(...) +1
constexpr unsigned kNumOpcodes = 0 LZR_OPCODES(LZR_OP_COUNT_ONE);
#undef LZR_OP_COUNT_ONE

enum class FieldKind : uint8_t {
  NONE,
  RD, RS, RM,      // 8-bit R operand: written / read / read+written
  RY,              // 8-bit R operand that must name a Y slot (written: try, tryend)
  R6D, R6S,        // 6-bit R6 operand: written / read
  Z8, Z16,         // must-be-zero padding
  I16, U16,        // immediates
  LIT,             // literal index (any term)
  FUN,             // literal index of an atom naming a function
  SIZE,            // constructor element count
  T32, T64,        // load32 / load64 value type
  J12, J16, J24,   // signed jump offsets in words
  // binaries (issue 15)
  R6M,             // 6-bit R6 operand read and written (a bit position)
  Z6,              // must-be-zero padding
  TK,              // type test kind (TypeTest) in bits 0-4, bit 5 negates
  TAB,             // pair count of a select table (Extra::Table)
};

// Words that follow the code word.
enum class Extra : uint8_t {
  None,
  Regmask,        // one regmask word
  RegmaskElems,   // regmask, then ceil(size/4) push words
  RegmaskPairs,   // regmask, then ceil(size/2) push words (key,value pairs)
  RegmaskUpvals,  // regmask, then ceil(upvals/4) push words (target's upvals)
  Args,           // ceil(arity/4) push words: a built-in's arguments (bif)
  RegmaskArgs,    // regmask, then ceil(arity/4) push words (gcbif)
  Word32,         // one 32-bit value word
  Word64,         // two value words: low, then high
  Arity,          // one word: the arity an is_arity tests
  Table,          // the default jump word, then one word per pair (TAB)
};

constexpr unsigned field_bits(FieldKind k) {
  switch (k) {
    case FieldKind::NONE: return 0;
    case FieldKind::RD: case FieldKind::RS: case FieldKind::RM: case FieldKind::RY: case FieldKind::Z8: return 8;
    case FieldKind::R6D: case FieldKind::R6S: case FieldKind::R6M: case FieldKind::Z6: case FieldKind::TK: return 6;
    case FieldKind::J12: return 12;
    case FieldKind::J24: return 24;
    default: return 16;
  }
}
constexpr bool is_r(FieldKind k) {
  return k == FieldKind::RD || k == FieldKind::RS || k == FieldKind::RM || k == FieldKind::RY;
}
constexpr bool is_r6(FieldKind k) { return k == FieldKind::R6D || k == FieldKind::R6S || k == FieldKind::R6M; }
constexpr bool is_reg(FieldKind k) { return is_r(k) || is_r6(k); }
constexpr bool is_written(FieldKind k) {
  return k == FieldKind::RD || k == FieldKind::RM || k == FieldKind::R6D || k == FieldKind::RY || k == FieldKind::R6M;
}
constexpr bool is_jump(FieldKind k) { return k == FieldKind::J12 || k == FieldKind::J16 || k == FieldKind::J24; }
constexpr bool is_signed(FieldKind k) { return k == FieldKind::I16 || is_jump(k); }

struct OpInfo {
  std::string_view name;
  uint8_t code;
  std::array<FieldKind, 4> fields;
  std::array<uint8_t, 4> shift;  // bit position of each field
  Extra extra;
  bool valid;                    // false for unassigned opcode numbers
};

namespace detail {
constexpr OpInfo make_op(std::string_view name, uint8_t code, FieldKind a, FieldKind b, FieldKind c,
                         FieldKind d, Extra e) {
  OpInfo info{name, code, {a, b, c, d}, {0, 0, 0, 0}, e, true};
  unsigned bit = 8;
  for (int i = 0; i < 4; ++i) {
    info.shift[i] = static_cast<uint8_t>(bit);
    bit += field_bits(info.fields[i]);
  }
  return info;
}
constexpr std::array<OpInfo, 256> build_table() {
  std::array<OpInfo, 256> t{};
  for (unsigned i = 0; i < 256; ++i) t[i] = OpInfo{"", static_cast<uint8_t>(i), {}, {}, Extra::None, false};
#define LZR_OP_ROW(name, code, f0, f1, f2, f3, extra)                                          \
  t[code] = make_op(#name, code, FieldKind::f0, FieldKind::f1, FieldKind::f2, FieldKind::f3, \
                    Extra::extra);
  LZR_OPCODES(LZR_OP_ROW)
#undef LZR_OP_ROW
  return t;
}
constexpr bool fields_fit(const std::array<OpInfo, 256>& t) {
  for (const auto& op : t) {
    if (!op.valid) continue;
    unsigned bits = 8;
    for (auto f : op.fields) bits += field_bits(f);
    if (bits != 32) return false;  // every defined op fills its code word exactly
  }
  return true;
}
}  // namespace detail

inline constexpr std::array<OpInfo, 256> kOpTable = detail::build_table();
static_assert(detail::fields_fit(kOpTable), "an opcode's fields do not fill 32 bits");
static_assert(kOpTable[15].shift[2] == 20 && kOpTable[5].shift[3] == 26, "field placement");

inline const OpInfo& op_info(uint8_t code) { return kOpTable[code]; }
std::optional<uint8_t> op_by_name(std::string_view name);

// Raw field value (unsigned, before sign extension).
constexpr uint32_t field_raw(uint32_t word, const OpInfo& op, int i) {
  unsigned bits = field_bits(op.fields[i]);
  return bits == 0 ? 0 : (word >> op.shift[i]) & ((1u << bits) - 1);
}
// Field value, sign-extended for signed kinds.
constexpr int32_t field_value(uint32_t word, const OpInfo& op, int i) {
  uint32_t raw = field_raw(word, op, i);
  unsigned bits = field_bits(op.fields[i]);
  if (is_signed(op.fields[i]) && bits < 32 && (raw >> (bits - 1)) & 1) return static_cast<int32_t>(raw - (1u << bits));
  return static_cast<int32_t>(raw);
}
constexpr uint32_t field_encode(const OpInfo& op, int i, int32_t value) {
  unsigned bits = field_bits(op.fields[i]);
  return (static_cast<uint32_t>(value) & ((1u << bits) - 1)) << op.shift[i];
}
constexpr bool field_fits(FieldKind k, int64_t v) {
  unsigned bits = field_bits(k);
  if (is_signed(k)) return v >= -(int64_t{1} << (bits - 1)) && v < (int64_t{1} << (bits - 1));
  return v >= 0 && v < (int64_t{1} << bits);
}

// ---- register operands (DESIGN section 3) ----
enum class RegKind : uint8_t { X = 0, Y = 1, U = 2, Invalid = 3 };
struct Reg {
  RegKind kind;
  uint8_t index;
  bool operator==(const Reg&) const = default;
};
// R: offset bits 0-4, bit 5 reserved (0), type bits 6-7.
constexpr Reg decode_r(uint32_t raw) { return Reg{static_cast<RegKind>((raw >> 6) & 3), static_cast<uint8_t>(raw & 31)}; }
constexpr bool r_reserved_bit(uint32_t raw) { return (raw >> 5) & 1; }
constexpr uint32_t encode_r(Reg r) { return (static_cast<uint32_t>(r.kind) << 6) | r.index; }
// R6: offset bits 0-4, bit 5: 0 = X, 1 = Y.
constexpr Reg decode_r6(uint32_t raw) { return Reg{(raw >> 5) & 1 ? RegKind::Y : RegKind::X, static_cast<uint8_t>(raw & 31)}; }
constexpr uint32_t encode_r6(Reg r) { return (r.kind == RegKind::Y ? 32u : 0u) | r.index; }

// Number of words an instruction occupies, given its code word and, for
// `fn`, the upvalue count of the target function.
constexpr unsigned push_words_for(Extra e, uint32_t size_or_upvals) {
  switch (e) {
    case Extra::RegmaskElems: case Extra::RegmaskUpvals: case Extra::Args: case Extra::RegmaskArgs:
      return (size_or_upvals + 3) / 4;
    case Extra::RegmaskPairs: return (size_or_upvals + 1) / 2;
    case Extra::Table: return size_or_upvals;  // one word per pair (not push words)
    default: return 0;
  }
}
// Whether the words after the fixed extra words are push words (register
// operands), rather than a select table.
constexpr bool has_push_words(Extra e) {
  return e == Extra::RegmaskElems || e == Extra::RegmaskPairs || e == Extra::RegmaskUpvals || e == Extra::Args ||
         e == Extra::RegmaskArgs;
}
constexpr unsigned fixed_extra_words(Extra e) {
  switch (e) {
    case Extra::None: case Extra::Args: return 0;
    case Extra::Word64: return 2;
    default: return 1;  // regmask, word32, arity, or a table's default jump
  }
}

// ---- pattern matching (docs/bytecode.md, "Pattern matching") ----
// Type tests of `is` (TK field bits 0-4). is_arity takes Tuple or Function.
// 14..31 are rejected by the verifier; new term types take the next.
enum class TypeTest : uint8_t {
  Integer = 0, Float = 1, Number = 2, Atom = 3, Boolean = 4, Nil = 5, Cons = 6, List = 7,
  Tuple = 8, Map = 9, Binary = 10, Function = 11,
  Pid = 12, Reference = 13,
};
inline constexpr unsigned kTypeTestsDefined = 14;  // Integer..Reference
inline constexpr unsigned kTypeTestNames = 14;
inline constexpr uint32_t kTypeTestNegate = 32;    // TK bit 5: jump when the test holds
inline constexpr std::string_view kTypeTestName[kTypeTestNames] = {
    "integer", "float", "number", "atom", "boolean", "nil", "cons", "list",
    "tuple", "map", "binary", "function", "pid", "reference"};
// select / select_arity table words: value (bits 0-15), J16 jump (16-31).
constexpr uint32_t table_value(uint32_t word) { return word & 0xFFFF; }
constexpr int32_t table_jump(uint32_t word) { return static_cast<int16_t>(word >> 16); }
constexpr uint32_t table_word(uint32_t value, int32_t jump) {
  return (value & 0xFFFF) | (static_cast<uint32_t>(jump) << 16);
}
// Instructions after which control does not go on to the next one.
constexpr bool ends_flow(uint8_t code) {
  switch (static_cast<Op>(code)) {
    case Op::op_ret: case Op::op_tcall: case Op::op_jmp: case Op::op_raise:
    case Op::op_select: case Op::op_select_arity:
    case Op::op_recvnext: return true;  // recvnext always jumps back
    default: return false;
  }
}

// Word offset of an instruction's first push word: after the code word and
// its fixed extra words (the regmask, if any).
constexpr unsigned first_push_word(Extra e) { return 1 + fixed_extra_words(e); }
// Extra kinds whose push words carry a call's arguments (bif, gcbif).
constexpr bool pushes_args(Extra e) { return e == Extra::Args || e == Extra::RegmaskArgs; }

// load32 / load64 value types.
enum class Load32Type : uint8_t { Int32 = 0, UInt32 = 1, Float32 = 2 };
enum class Load64Type : uint8_t { Float64 = 0, Int64 = 1 };

}  // namespace lzr
