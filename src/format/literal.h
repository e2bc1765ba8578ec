// Literal terms as stored in a module file (ByteTerm), decoupled from the
// VM's runtime term representation: the assembler, disassembler and verifier
// work on this tree; the loader turns it into immortal runtime terms.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lzr {

// ByteTerm type bytes (docs/bytecode.md, "Literals").
enum class ByteTermType : uint8_t {
  I8 = 0, I16 = 1, I32 = 2, F32 = 3, F64 = 4, U8 = 5, Reserved6 = 6,
  Atom = 7, List8 = 8, List16 = 9, List32 = 10, Tuple8 = 11, Tuple16 = 12, Tuple32 = 13,
  Map8 = 14, Map16 = 15, Map32 = 16, Binary = 17,
};
constexpr unsigned kNumByteTermTypes = 18;

struct Literal {
  enum class Kind : uint8_t { Int, Float, Atom, List, Tuple, Map, Binary };
  Kind kind = Kind::Int;
  ByteTermType encoding = ByteTermType::I8;  // how it was (or will be) encoded
  int64_t i = 0;                  // Int
  double f = 0;                   // Float
  std::string text;               // Atom name / Binary bytes
  std::vector<Literal> items;     // List / Tuple elements; Map: k0, v0, k1, v1, ...

  // Structural equality including the encoding (two literals that encode to
  // the same bytes compare equal).
  bool operator==(const Literal&) const = default;

  static Literal integer(int64_t v);   // canonical (smallest) encoding
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

}  // namespace lzr
