// The assembler's two whole-function algorithms, branch relaxation
// (layout_function) and regmask liveness (computed_regmasks), run as
// worklists so their cost stays linear. Each is checked here against the
// plain fixed-point iteration it replaced (repeat passes until nothing
// changes), on random functions and on the shapes that made that iteration
// quadratic: relaxations that cascade one per pass, and staircases of loops
// that move liveness one loop per pass.
#include <gtest/gtest.h>

#include <random>

#include "asm/instr.h"
#include "format/opcodes.h"

namespace lzr {
namespace {

using asm_text::Instr;

Instr filler(uint8_t reg = 2) {
  Instr in;
  in.op = static_cast<uint8_t>(Op::op_loadi);
  in.raw = {encode_r(Reg{RegKind::X, reg}), 1, 0, 0};
  return in;
}
Instr compare_jump(Op op, uint8_t a, uint8_t b, size_t target) {
  Instr in;
  in.op = static_cast<uint8_t>(op);
  in.raw = {encode_r6(Reg{RegKind::X, a}), encode_r6(Reg{RegKind::X, b}), 0, 0};
  in.target = static_cast<int32_t>(target);
  return in;
}
Instr jump(size_t target) {
  Instr in;
  in.op = static_cast<uint8_t>(Op::op_jmp);
  in.target = static_cast<int32_t>(target);
  return in;
}
Instr tuple(uint8_t dst, std::vector<uint8_t> regs) {
  Instr in;
  in.op = static_cast<uint8_t>(Op::op_tuple);
  in.raw = {encode_r(Reg{RegKind::X, dst}), static_cast<uint32_t>(regs.size()), 0, 0};
  for (uint8_t r : regs) in.elems.push_back(static_cast<uint8_t>(encode_r6(Reg{RegKind::X, r})));
  return in;
}
Instr call(unsigned arity) {
  Instr in;
  in.op = static_cast<uint8_t>(Op::op_call);
  in.raw = {encode_r(Reg{RegKind::X, 0}), 0, 0, 0};
  in.call_arity = static_cast<int32_t>(arity);
  return in;
}
Instr ret(uint8_t reg) {
  Instr in;
  in.op = static_cast<uint8_t>(Op::op_ret);
  in.raw = {encode_r(Reg{RegKind::X, reg}), 0, 0, 0};
  return in;
}

// ---- the replaced algorithms, as references ----

void relax_by_passes(std::vector<Instr>& code) {
  std::vector<uint64_t> addr(code.size() + 1);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < code.size(); ++i) addr[i + 1] = addr[i] + asm_text::instr_words(code[i]);
    for (size_t i = 0; i < code.size(); ++i) {
      Instr& in = code[i];
      if (!asm_text::is_compare_jump(in.info()) || in.relaxed || in.target < 0) continue;
      const int64_t offset = static_cast<int64_t>(addr[in.target]) - static_cast<int64_t>(addr[i] + 1);
      if (!field_fits(FieldKind::J12, offset)) {
        in.relaxed = true;
        changed = true;
      }
    }
  }
}

struct Effect {
  uint32_t use = 0, def = 0;
  bool clobbers = false, falls_through = true;
  int32_t target = -1;
};
Effect effect_of(const Instr& in) {
  Effect e;
  const OpInfo& info = in.info();
  for (int i = 0; i < 4; ++i) {
    const FieldKind k = info.fields[i];
    if (!is_reg(k)) continue;
    const Reg r = is_r(k) ? decode_r(in.raw[i]) : decode_r6(in.raw[i]);
    if (r.kind != RegKind::X) continue;
    if (k == FieldKind::RS || k == FieldKind::R6S) e.use |= 1u << r.index;
    if (is_written(k)) e.def |= 1u << r.index;
  }
  for (uint8_t el : in.elems) e.use |= 1u << decode_r6(el).index;
  const Op op = static_cast<Op>(in.op);
  if (op == Op::op_call) {
    e.use |= in.call_arity >= 32 ? ~0u : (1u << in.call_arity) - 1;
    e.clobbers = true;
  }
  if (op == Op::op_ret || op == Op::op_jmp) e.falls_through = false;
  e.target = in.target;
  return e;
}

std::vector<uint32_t> regmasks_by_passes(const std::vector<Instr>& code, unsigned arity) {
  const size_t n = code.size();
  std::vector<Effect> f;
  for (const Instr& in : code) f.push_back(effect_of(in));
  std::vector<uint32_t> live_in(n), live_out(n), def_in(n), def_out(n);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = n; i-- > 0;) {
      uint32_t out = 0;
      if (f[i].falls_through && i + 1 < n) out |= live_in[i + 1];
      if (f[i].target >= 0) out |= live_in[f[i].target];
      const uint32_t in = f[i].use | (out & ~(f[i].def | (f[i].clobbers ? ~0u : 0)));
      live_out[i] = out;
      if (in != live_in[i]) {
        live_in[i] = in;
        changed = true;
      }
    }
  }
  if (n > 0) def_in[0] = arity >= 32 ? ~0u : (1u << arity) - 1;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n; ++i) {
      def_out[i] = (f[i].clobbers ? 0 : def_in[i]) | f[i].def;
      auto into = [&](size_t j) {
        if ((def_in[j] | def_out[i]) != def_in[j]) {
          def_in[j] |= def_out[i];
          changed = true;
        }
      };
      if (f[i].falls_through && i + 1 < n) into(i + 1);
      if (f[i].target >= 0) into(static_cast<size_t>(f[i].target));
    }
  }
  std::vector<uint32_t> masks(n);
  for (size_t i = 0; i < n; ++i)
    if (asm_text::allocates(code[i].info())) masks[i] = live_out[i] & def_out[i] & ~f[i].def;
  return masks;
}

// layout_function against the passes: the same relaxed set, the same words.
void expect_same_layout(std::vector<Instr> code, const std::string& what) {
  std::vector<Instr> reference = code;
  relax_by_passes(reference);
  std::vector<uint32_t> words;
  asm_text::JumpOutOfRange bad;
  ASSERT_TRUE(asm_text::layout_function(code, words, bad)) << what;
  size_t relaxed = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    ASSERT_EQ(code[i].relaxed, reference[i].relaxed) << what << ": instruction " << i;
    relaxed += code[i].relaxed;
  }
  std::vector<uint32_t> reference_words;
  for (Instr& in : reference) in.relaxed = false;  // layout_function starts from scratch
  ASSERT_TRUE(asm_text::layout_function(reference, reference_words, bad));
  EXPECT_EQ(words, reference_words) << what;
  SCOPED_TRACE(what + ": " + std::to_string(relaxed) + " relaxed");
}

// ---- relaxation ----

TEST(LayoutAlgorithms, CascadeOfRelaxationsOnePerPass) {
  // Jump k spans jump k+1 but not k+2, each exactly at the 12-bit limit,
  // and the last one word too far: relaxing it pushes the one before out
  // of range, and so on back to the first. Passes relaxed one per pass.
  constexpr size_t kJumps = 100, kSpacing = 1100;
  const size_t n = (kJumps - 1) * kSpacing + 2049 + 2;
  std::vector<Instr> code(n, filler());
  for (size_t k = 0; k < kJumps; ++k) {
    const size_t at = k * kSpacing;
    code[at] = compare_jump(Op::op_eq, 0, 1, at + 2048 + (k + 1 == kJumps ? 1 : 0));
  }
  code.back() = ret(0);
  std::vector<uint32_t> words;
  asm_text::JumpOutOfRange bad;
  std::vector<Instr> laid = code;
  ASSERT_TRUE(asm_text::layout_function(laid, words, bad));
  for (size_t k = 0; k < kJumps; ++k) EXPECT_TRUE(laid[k * kSpacing].relaxed) << k;
  EXPECT_EQ(words.size(), n + kJumps);
  expect_same_layout(code, "cascade");

  // Without the seed nothing moves: every jump is exactly in range.
  code[(kJumps - 1) * kSpacing].target -= 1;
  laid = code;
  ASSERT_TRUE(asm_text::layout_function(laid, words, bad));
  EXPECT_EQ(words.size(), n);
}

TEST(LayoutAlgorithms, BackwardCascade) {
  // The mirror image: backward jumps, the first one a word too far.
  constexpr size_t kJumps = 60, kSpacing = 1100;
  const size_t n = (kJumps - 1) * kSpacing + 2049 + 2;
  std::vector<Instr> code(n, filler());
  for (size_t k = 0; k < kJumps; ++k) {
    const size_t at = 2049 + k * kSpacing;
    code[at] = compare_jump(Op::op_lt, 0, 1, at - 2047 - (k == 0 ? 1 : 0));
  }
  code.back() = ret(0);
  expect_same_layout(code, "backward cascade");
}

TEST(LayoutAlgorithms, RandomFunctionsMatchThePasses) {
  std::mt19937 rng(20261130);
  for (int round = 0; round < 60; ++round) {
    const size_t n = 500 + rng() % 6000;
    std::vector<Instr> code;
    for (size_t i = 0; i < n; ++i) {
      const unsigned pick = rng() % 10;
      const size_t target = static_cast<size_t>(
          std::clamp<int64_t>(static_cast<int64_t>(i) + static_cast<int64_t>(rng() % 5000) - 2500, 0,
                              static_cast<int64_t>(n - 1)));
      if (pick < 3) code.push_back(compare_jump(static_cast<Op>(15 + rng() % 6), rng() % 4, rng() % 4, target));
      else if (pick == 3) code.push_back(tuple(rng() % 4, std::vector<uint8_t>(rng() % 40, rng() % 4)));
      else if (pick == 4) code.push_back(jump(target));
      else code.push_back(filler(rng() % 4));
    }
    code.push_back(ret(0));
    expect_same_layout(code, "round " + std::to_string(round));
  }
}

// ---- liveness ----

TEST(LayoutAlgorithms, StaircaseOfLoopsMatchesThePasses) {
  // Backward jumps whose targets climb past the previous jump: liveness of
  // x5, read at the top, reaches each jump one pass after the one before.
  constexpr size_t kSteps = 400;
  std::vector<Instr> code;
  code.push_back(tuple(6, {5}));  // reads x5, allocates
  for (size_t k = 0; k < kSteps; ++k) {
    code.push_back(tuple(3, {}));
    code.push_back(filler(4));
    // target: the instruction right after the previous jump's target
    code.push_back(compare_jump(Op::op_eq, 0, 1, k == 0 ? 0 : 3 * k - 1));
  }
  code.push_back(ret(6));
  EXPECT_EQ(asm_text::computed_regmasks(code, 6), regmasks_by_passes(code, 6));
  const std::vector<uint32_t> masks = asm_text::computed_regmasks(code, 6);
  EXPECT_NE(masks[3 * kSteps - 2] & (1u << 5), 0u) << "x5 is live across the last loop";
}

TEST(LayoutAlgorithms, RandomFunctionsHaveTheSameRegmasks) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const size_t n = 2 + rng() % 300;
    std::vector<Instr> code;
    for (size_t i = 0; i + 1 < n; ++i) {
      const unsigned pick = rng() % 8;
      if (pick == 0) code.push_back(compare_jump(Op::op_ne, rng() % 8, rng() % 8, rng() % n));
      else if (pick == 1) code.push_back(jump(rng() % n));
      else if (pick == 2) code.push_back(call(rng() % 5));
      else if (pick <= 4) code.push_back(tuple(rng() % 8, {static_cast<uint8_t>(rng() % 8), static_cast<uint8_t>(rng() % 8)}));
      else code.push_back(filler(rng() % 8));
    }
    code.push_back(ret(rng() % 8));
    const unsigned arity = rng() % 4;
    ASSERT_EQ(asm_text::computed_regmasks(code, arity), regmasks_by_passes(code, arity)) << "round " << round;
  }
}

}  // namespace
}  // namespace lzr
