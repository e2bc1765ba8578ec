// Literal terms as stored in a module file (ByteTerm), decoupled from the
// VM's runtime term representation: the assembler, disassembler and verifier
// work on this tree; the loader turns it into immortal runtime terms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lzr {

// ByteTerm type bytes (docs/bytecode.md, "Literals").
enum class ByteTermType : uint8_t {
  I8 = 0, I16 = 1, I32 = 2, F32 = 3, F64 = 4, U8 = 5, Reserved6 = 6,
  Atom = 7, List8 = 8, List16 = 9, List32 = 10, Tuple8 = 11, Tuple16 = 12, Tuple32 = 13,
  Map8 = 14, Map16 = 15, Map32 = 16, Binary = 17, BigInt = 18,
};
constexpr unsigned kNumByteTermTypes = 19;

// Lists, tuples and maps may nest this deep (the outermost container is level
// 1); deeper literals are rejected so decoding needs bounded stack.
constexpr unsigned kMaxLiteralDepth = 200;

// The VM's small integers (48-bit two's complement; the same range as
// vm/term.h's). A bigint literal (type 18) must lie outside this range, so
// every integer has one canonical encoding.
constexpr int64_t kSmallIntegerMin = -(int64_t{1} << 47);
constexpr int64_t kSmallIntegerMax = (int64_t{1} << 47) - 1;
constexpr bool fits_small_integer(int64_t v) { return v >= kSmallIntegerMin && v <= kSmallIntegerMax; }
// The largest integer magnitude, in bytes of a bigint literal (2^26 bits,
// the VM's limit, vm/bigint.h).
constexpr uint64_t kMaxBigIntBytes = (uint64_t{1} << 26) / 8;

// Name of a ByteTerm type ("int8", "list16", ...), "" for unknown numbers.
std::string_view byte_term_type_name(uint8_t type);

struct Literal {
  // Int holds integers in the small range, BigInt those outside it: the
  // same split as the VM's terms, so each integer has one form.
  enum class Kind : uint8_t { Int, Float, Atom, List, Tuple, Map, Binary, BigInt };
  Kind kind = Kind::Int;
  ByteTermType encoding = ByteTermType::I8;  // how it was (or will be) encoded
  int64_t i = 0;                  // Int
  double f = 0;                   // Float
  bool negative = false;          // BigInt: the sign
  std::string text;               // Atom name / Binary bytes / BigInt magnitude
                                  // (little-endian, no high zero byte)
  std::vector<Literal> items;     // List / Tuple elements; Map: k0, v0, k1, v1, ...

  // Structural equality including the encoding (two literals that encode to
  // the same bytes compare equal; floats compare by bit pattern, so 0.0 and
  // -0.0 differ).
  bool operator==(const Literal& other) const;

  static Literal integer(int64_t v);   // canonical (smallest) encoding
  // Any integer from sign + magnitude bytes (little-endian; high zero
  // bytes allowed): Int when it fits the small range, else BigInt.
  static Literal big_integer(bool negative, std::string magnitude);
  static Literal floating(double v);   // F32 when exact, else F64
  static Literal atom(std::string name);
  static Literal binary(std::string bytes);
  static Literal list(std::vector<Literal> items);
  static Literal tuple(std::vector<Literal> items);
  static Literal map(std::vector<Literal> keys_and_values);
};

// Canonical encoding of a value: what the assembler emits. The decoder keeps
// whatever encoding the file used so modules round-trip byte for byte.
ByteTermType canonical_encoding(const Literal& lit);
bool is_canonical(const Literal& lit);  // recursively

// The encoding the writer uses: `lit.encoding` when it can hold the value
// (e.g. an int 5 stored as int16 stays int16), otherwise the canonical one.
ByteTermType effective_encoding(const Literal& lit);

// Text of an integer literal (Int or BigInt) in decimal.
std::string integer_literal_text(const Literal& lit);

// Why `lit` cannot be written as a ByteTerm (int outside int32/uint8, atom
// longer than 255 bytes or not valid text, non-finite float, odd map items,
// nesting deeper than kMaxLiteralDepth, ...), or nullopt if it can.
// write_module requires every literal to pass.
std::optional<std::string> literal_problem(const Literal& lit);

// Atom text rule (names of atoms, modules and functions): valid UTF-8
// (no overlong forms, no surrogates) without NUL bytes, at most 255 bytes.
// Returns the problem or nullopt.
std::optional<std::string> atom_text_problem(std::string_view text);

}  // namespace lzr
