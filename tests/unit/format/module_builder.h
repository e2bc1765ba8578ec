// Test helper: builds ModuleFiles instruction by instruction, so the format
// tests do not depend on the assembler.
#pragma once

#include <bit>
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

inline constexpr uint32_t kRegmask = 0xFFFFFFFF;

// Pattern matching (match-insns): matching/1 at the end of the code, using
// is (both forms, X and Y), is_arity (tuple, function), eqx, nex, idiv,
// rem, select_arity (a jump table) and select (an atom and an integer).
inline void add_matching(ModuleBuilder& b) {
  const uint32_t base = static_cast<uint32_t>(b.pc());
  b.func("matching", 1, 1);
  const auto tuple = static_cast<int64_t>(TypeTest::Tuple), atom = static_cast<int64_t>(TypeTest::Atom);
  b.emit(Op::op_is, {X6(0), tuple, 0});                               // +0
  b.emit(Op::op_is, {Y6(0), atom | kTypeTestNegate, 0});             // +1
  b.emit(Op::op_is_arity, {X6(0), tuple, 0}).emit(2);                 // +2
  b.emit(Op::op_is_arity, {X6(0), static_cast<int64_t>(TypeTest::Function) | kTypeTestNegate, 0}).emit(1);  // +4
  b.emit(Op::op_eqx, {X6(0), Y6(0), 0});                              // +6
  b.emit(Op::op_nex, {X6(0), X6(0), 0});                              // +7
  b.emit(Op::op_idiv, {X(1), X(0), Y(0)});                            // +8
  b.emit(Op::op_rem, {X(1), X(0), Y(0)});                             // +9
  // +10: select_arity x0, default +14, [2 => +18, 3 => +19]; next at +14
  b.emit(Op::op_select_arity, {X(0), 2}).emit(0).emit(table_word(2, 4)).emit(table_word(3, 5));
  // +14: select x0, default +18, [:a => +18, 7 => +19]; next at +18
  b.emit(Op::op_select, {X(0), 2}).emit(0).emit(table_word(b.atom("a"), 0)).emit(table_word(b.lit(Literal::integer(7)), 1));
  b.ret(0);                                                           // +18
  b.ret(1);                                                           // +19
  (void)base;
}

// A module that exercises every opcode and every extra-word form.
inline ModuleBuilder every_opcode_module() {
  ModuleBuilder b("demo");
  uint16_t tuple = b.lit(Literal::tuple({Literal::integer(1), Literal::atom("a")}));
  b.func("main", 0, 2);
  b.emit(Op::op_loadi, {X(0), -5});                                   // 0
  b.emit(Op::op_loadu, {X(1), 60000});                                // 1
  b.emit(Op::op_loadc, {X(2), tuple});                                // 2
  b.emit(Op::op_load32, {X(3), 2}).emit(std::bit_cast<uint32_t>(1.5f));  // 3
  b.emit(Op::op_load32, {X(3), 0}).emit(0xFFFFFFFF);                  // 5: int32 -1
  b.emit(Op::op_load32, {X(3), 1}).emit(0xFFFFFFFF);                  // 7: uint32
  const uint64_t big = uint64_t{1} << 40;
  b.emit(Op::op_load64, {X(4), 1}).emit(static_cast<uint32_t>(big)).emit(static_cast<uint32_t>(big >> 32));  // 9
  const uint64_t tenth = std::bit_cast<uint64_t>(0.1);
  b.emit(Op::op_load64, {X(5), 0}).emit(static_cast<uint32_t>(tenth)).emit(static_cast<uint32_t>(tenth >> 32));  // 12
  b.emit(Op::op_mov, {Y(0), X(0), Y(0)});                             // 15
  b.emit(Op::op_loadi, {X(6), 16});                                   // 16 (the calls are in calls/1:
  b.emit(Op::op_loadi, {X(6), 17});                                   // 17  a call leaves only its
  b.emit(Op::op_loadi, {X(6), 18});                                   // 18  destination defined)
  b.emit(Op::op_get, {X(2), X(2), X(0)});                             // 19
  b.emit(Op::op_drop, {X(2), X(2), Y(1)});                            // 20
  b.emit(Op::op_put, {X6(2), X6(2), X6(0), Y6(1)}).emit(kRegmask);    // 21
  b.emit(Op::op_map, {X(3), 3}).emit(kRegmask);                       // 23
  b.emit(push({X6(0), X6(1), X6(2), X6(3)})).emit(push({X6(4), Y6(0)}));
  b.emit(Op::op_list, {X(3), 5}).emit(kRegmask);                      // 27
  b.emit(push({X6(0), X6(1), X6(2), X6(3)})).emit(push({Y6(1)}));
  b.emit(Op::op_tuple, {X(3), 0}).emit(kRegmask);                     // 31
  b.emit(Op::op_eq, {X6(0), Y6(0), 1});                               // 33 -> 35
  b.emit(Op::op_ne, {X6(0), X6(1), 0});                               // 34 -> 35
  b.emit(Op::op_lt, {X6(0), X6(1), 0});                               // 35
  b.emit(Op::op_gt, {X6(0), X6(1), -2});                              // 36 -> 35
  b.emit(Op::op_lte, {X6(0), X6(1), 0});                              // 37
  b.emit(Op::op_gte, {X6(0), X6(1), 0});                              // 38
  b.emit(Op::op_not, {X(0), X(1)});                                   // 39
  b.emit(Op::op_neg, {X(0), X(1)});
  for (Op op : {Op::op_add, Op::op_sub, Op::op_mul, Op::op_div, Op::op_mod, Op::op_shr, Op::op_shl, Op::op_xor,
                Op::op_and, Op::op_or})
    b.emit(op, {X(0), X(1), Y(0)});                                   // 41..50
  b.emit(Op::op_cons, {X(0), X(1), X(2)}).emit(kRegmask);             // 51
  b.emit(Op::op_fn, {X(0), b.atom("clo/1")}).emit(kRegmask).emit(push({X6(1), Y6(1)}));  // 53
  b.emit(Op::op_apply, {X(0), X(0)});                                 // 56
  b.emit(Op::op_type, {X(1), X(0)});                                  // 57
  b.emit(Op::op_size, {X(1), X(0)});                                  // 58
  b.emit(Op::op_eq, {X6(0), X6(1), 1});                               // 59 -> 61
  b.emit(Op::op_jmp, {-61});                                          // 60 -> 0
  b.emit(Op::op_tcall, {0, b.atom("helper/1")});                      // 61
  b.func("helper", 1).ret();
  b.func("clo", 1, 0, 2);
  b.emit(Op::op_add, {X(0), X(0), U(1)}).emit(Op::op_add, {X(0), X(0), U(0)}).ret();
  b.func("catcher", 1, 1);                                            // 66
  b.emit(Op::op_try, {Y(0), 3});                                      // 66 -> handler 70
  b.emit(Op::op_call, {X(0), b.atom("helper/1")});                    // 67
  b.emit(Op::op_tryend, {Y(0)});                                      // 68
  b.ret();                                                            // 69
  b.emit(Op::op_raise, {X(0), X(1), X(2)});                           // 70: re-raise
  b.func("calls", 1, 1);                                              // 71
  b.emit(Op::op_call, {X(0), b.atom("helper/1")});
  b.emit(Op::op_call, {X(0), b.atom("io.print/1")});                  // other module
  b.emit(Op::op_call, {Y(0), b.atom("demo.helper/1")});               // own module, qualified
  b.emit(Op::op_ret, {Y(0)});
  // register-preserving built-in calls (bif-calls)
  b.func("bifs", 2, 1);                                               // 75
  b.emit(Op::op_bif, {X(2), b.atom("map.get/3")}).emit(push({X6(0), X6(1), Y6(0)}));  // 75
  b.emit(Op::op_gcbif, {Y(0), b.atom("list.seq/2")}).emit(kRegmask).emit(push({X6(0), X6(2)}));  // 77
  b.emit(Op::op_bif, {X(3), b.atom("math.pi/0")});                    // 80: no push word
  b.emit(Op::op_ret, {Y(0)});
  // binaries (issue 15): every read, the rest and append, X and Y operands
  b.func("binaries", 3, 1);                                           // 75: x0 bin, x1 pos, x2 size
  b.emit(Op::op_bint, {X6(3), X6(0), X6(1), X6(2)});
  b.emit(Op::op_bsint, {Y6(0), X6(0), X6(1), X6(2)});
  b.emit(Op::op_bintl, {X6(3), X6(0), X6(1), X6(2)});
  b.emit(Op::op_bsintl, {X6(3), X6(0), X6(1), X6(2)});
  b.emit(Op::op_bfloat, {X6(3), X6(0), X6(1), X6(2)});
  b.emit(Op::op_bfloatl, {X6(3), X6(0), X6(1), Y6(0)});
  b.emit(Op::op_butf8, {X6(3), X6(0), X6(1)});
  b.emit(Op::op_brest, {X(4), X(0), X(1)});
  b.emit(Op::op_bappend, {X(0), X(4), X(3)});
  b.emit(Op::op_bbin, {X6(4), X6(0), Y6(0), X6(2)});
  b.ret();
  add_matching(b);                                                    // 76..93
  // processes: the receive instructions (a selective receive with a timeout)
  b.func("receiver", 0);                                              // 75
  b.emit(Op::op_recv, {X(0), 4});                                     // 75 -> 80 (none)
  b.emit(Op::op_eq, {X6(0), X6(0), 1});                               // 76 -> 78
  b.emit(Op::op_recvnext, {0, -3});                                   // 77 -> 75
  b.emit(Op::op_accept, {0, 0});                                      // 78
  b.ret();                                                            // 79
  b.emit(Op::op_loadi, {X(1), 0});                                    // 80
  b.emit(Op::op_wait, {X(1), -7});                                    // 81 -> 75
  b.emit(Op::op_loadi, {X(0), 0});                                    // 82
  b.ret();                                                            // 83
  b.m.lines = LineTable{"demo.lzs", {{0, 3}, {16, 4}, {61, 2}, {66, 40}, {70, 39}}};
  return b;
}

}  // namespace lzr::test
