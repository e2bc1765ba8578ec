// Test helper: builds ModuleFiles instruction by instruction, so the format
// tests do not depend on the assembler.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "format/module_file.h"
#include "format/opcodes.h"
#include "format/verifier.h"

namespace lzr::test {

// Register operands: R (8-bit) and R6 (6-bit) encodings.
inline uint32_t X(unsigned i) { return encode_r({RegKind::X, static_cast<uint8_t>(i)}); }
inline uint32_t Y(unsigned i) { return encode_r({RegKind::Y, static_cast<uint8_t>(i)}); }
inline uint32_t U(unsigned i) { return encode_r({RegKind::U, static_cast<uint8_t>(i)}); }
inline uint32_t X6(unsigned i) { return encode_r6({RegKind::X, static_cast<uint8_t>(i)}); }
inline uint32_t Y6(unsigned i) { return encode_r6({RegKind::Y, static_cast<uint8_t>(i)}); }

// A code word from field values in table order (missing fields are zero).
inline uint32_t insn(Op op, std::initializer_list<int64_t> fields = {}) {
  const OpInfo& info = op_info(static_cast<uint8_t>(op));
  uint32_t word = info.code;
  int i = 0;
  for (int64_t v : fields) word |= field_encode(info, i++, static_cast<int32_t>(v));
  return word;
}

// A push word carrying up to four R6 operands.
inline uint32_t push(std::initializer_list<int64_t> operands) { return insn(Op::op_push, operands); }

class ModuleBuilder {
 public:
  explicit ModuleBuilder(const std::string& name = "demo") { m.module_name = atom(name); }

  uint16_t lit(Literal l) {
    m.literals.push_back(std::move(l));
    return static_cast<uint16_t>(m.literals.size() - 1);
  }
  // Index of an atom literal, reusing an existing one.
  uint16_t atom(const std::string& text) {
    for (size_t k = 0; k < m.literals.size(); ++k) {
      if (m.literals[k].kind == Literal::Kind::Atom && m.literals[k].text == text) return static_cast<uint16_t>(k);
    }
    return lit(Literal::atom(text));
  }

  // Starts a function at the current end of the code.
  ModuleBuilder& func(const std::string& name, uint8_t arity, uint8_t frame = 0, uint8_t upvals = 0) {
    m.functions.push_back({atom(name), arity, frame, upvals, 0, static_cast<uint32_t>(m.code.size())});
    return *this;
  }
  ModuleBuilder& emit(uint32_t word) {
    m.code.push_back(word);
    return *this;
  }
  ModuleBuilder& emit(Op op, std::initializer_list<int64_t> fields = {}) { return emit(insn(op, fields)); }
  ModuleBuilder& ret(unsigned x = 0) { return emit(Op::op_ret, {X(x)}); }

  size_t pc() const { return m.code.size(); }

  std::string bytes() const {
    std::vector<uint8_t> v = write_module(m);
    return std::string(v.begin(), v.end());
  }

  ModuleFile m;
};

// "" when `m` verifies, else the verifier's message.
inline std::string verify_error(const ModuleFile& m) {
  LoadError err;
  return verify_module(m, "f.lzr", err) ? std::string() : err.message;
}

// "" when `bytes` reads, else the reader's message.
inline std::string read_error(std::string_view bytes) {
  LoadError err;
  return read_module(bytes, "f.lzr", err) ? std::string() : err.message;
}

// Little-endian byte helpers for hand-made files.
inline void le(std::string& out, uint64_t v, unsigned n) {
  for (unsigned k = 0; k < n; ++k) out.push_back(static_cast<char>(v >> (8 * k)));
}

}  // namespace lzr::test
