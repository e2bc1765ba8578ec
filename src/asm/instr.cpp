// Instruction sizes, encoding and the regmask dataflow, all derived from the
// field kinds in opcodes.def.
#include "asm/instr.h"

namespace lzr::asm_text {

namespace {

constexpr uint32_t kAllX = 0xFFFFFFFFu;

uint32_t first_n(int n) {
  if (n <= 0) return 0;
  if (n >= 32) return kAllX;
  return (1u << n) - 1;
}

// What one instruction does to the X registers and to control flow.
struct Flow {
  uint32_t use = 0;
  uint32_t def = 0;        // X registers it writes
  bool clobbers = false;   // a call: every X register is garbage afterwards
  bool falls_through = true;
  int32_t target = -1;
  // try: its handler, entered after an exception with x0..x2 (class,
  // reason, trace) written and every other X register dead. No X value
  // flows along this edge, so liveness ignores it.
  int32_t handler = -1;
};

constexpr uint32_t kHandlerDefined = 0b111;  // x0, x1, x2 at a handler

Flow flow_of(const Instr& in) {
  const OpInfo& info = in.info();
  Flow f;
  for (int i = 0; i < 4; ++i) {
    FieldKind k = info.fields[i];
    if (!is_reg(k)) continue;
    Reg r = is_r(k) ? decode_r(in.raw[i]) : decode_r6(in.raw[i]);
    if (r.kind != RegKind::X) continue;
    uint32_t bit = 1u << r.index;
    if (k == FieldKind::RS || k == FieldKind::R6S) f.use |= bit;
    if (is_written(k)) f.def |= bit;
    if (k == FieldKind::RM) {
      // mov: dst's old value is read only when it goes somewhere (swap form).
      for (int j = 0; j < 4; ++j) {
        if (info.fields[j] == FieldKind::RD && in.raw[j] != in.raw[i]) f.use |= bit;
      }
    }
  }
  for (uint8_t e : in.elems) {
    Reg r = decode_r6(e);
    if (r.kind == RegKind::X) f.use |= 1u << r.index;
  }
  f.target = in.target;
  switch (static_cast<Op>(in.op)) {
    case Op::op_call: f.use |= first_n(in.call_arity); f.clobbers = true; break;
    case Op::op_apply: f.use = kAllX; f.clobbers = true; break;  // arity unknown statically
    case Op::op_tcall: f.use |= first_n(in.call_arity); f.falls_through = false; break;
    case Op::op_ret: case Op::op_jmp: case Op::op_raise: f.falls_through = false; break;
    case Op::op_try:  // the handler is reached by a raise, not from here: see Flow::handler
      f.handler = in.target;
      f.target = -1;
      break;
    default: break;
  }
  return f;
}

}  // namespace

bool allocates(const OpInfo& op) {
  switch (op.extra) {
    case Extra::Regmask: case Extra::RegmaskElems: case Extra::RegmaskPairs: case Extra::RegmaskUpvals: return true;
    default: return false;
  }
}

bool is_compare_jump(const OpInfo& op) { return op.fields[2] == FieldKind::J12; }

Op inverted_compare(Op op) {
  switch (op) {
    case Op::op_eq: return Op::op_ne;
    case Op::op_ne: return Op::op_eq;
    case Op::op_lt: return Op::op_gte;
    case Op::op_gte: return Op::op_lt;
    case Op::op_gt: return Op::op_lte;
    case Op::op_lte: return Op::op_gt;
    default: return op;
  }
}

unsigned instr_words(const Instr& in) {
  const OpInfo& info = in.info();
  return 1 + fixed_extra_words(info.extra) + static_cast<unsigned>((in.elems.size() + 3) / 4) + (in.relaxed ? 1 : 0);
}

void encode_instr(const Instr& in, uint32_t addr, uint32_t target_addr, std::vector<uint32_t>& out) {
  const OpInfo& info = in.info();
  uint8_t code = in.relaxed ? static_cast<uint8_t>(inverted_compare(static_cast<Op>(in.op))) : in.op;
  uint32_t word = code;
  for (int i = 0; i < 4; ++i) {
    FieldKind k = info.fields[i];
    if (k == FieldKind::NONE) continue;
    if (is_jump(k)) {
      // Offsets count from the word after the whole instruction; a relaxed
      // compare skips the one-word jmp that follows it.
      int64_t offset = in.relaxed ? 1 : static_cast<int64_t>(target_addr) - (addr + instr_words(in));
      word |= field_encode(info, i, static_cast<int32_t>(offset));
    } else {
      word |= field_encode(info, i, static_cast<int32_t>(in.raw[i]));
    }
  }
  out.push_back(word);
  if (in.relaxed) {
    const OpInfo& jmp = op_info(static_cast<uint8_t>(Op::op_jmp));
    int64_t offset = static_cast<int64_t>(target_addr) - (addr + 2);
    out.push_back(static_cast<uint32_t>(Op::op_jmp) | field_encode(jmp, 0, static_cast<int32_t>(offset)));
    return;
  }
  switch (info.extra) {
    case Extra::None: break;
    case Extra::Word32: out.push_back(static_cast<uint32_t>(in.value)); break;
    case Extra::Word64:
      out.push_back(static_cast<uint32_t>(in.value));
      out.push_back(static_cast<uint32_t>(in.value >> 32));
      break;
    default: out.push_back(in.regmask); break;
  }
  const OpInfo& push = op_info(static_cast<uint8_t>(Op::op_push));
  for (size_t k = 0; k < in.elems.size(); k += 4) {
    uint32_t w = static_cast<uint32_t>(Op::op_push);
    for (size_t j = 0; j < 4 && k + j < in.elems.size(); ++j) {
      w |= field_encode(push, static_cast<int>(j), in.elems[k + j]);
    }
    out.push_back(w);
  }
}

bool layout_function(std::vector<Instr>& code, std::vector<uint32_t>& words, JumpOutOfRange& bad) {
  // Relaxing only ever grows code, so the loop reaches a fixed point.
  std::vector<uint64_t> addr(code.size() + 1);
  const OpInfo& compare = op_info(static_cast<uint8_t>(Op::op_eq));
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < code.size(); ++i) addr[i + 1] = addr[i] + instr_words(code[i]);
    for (size_t i = 0; i < code.size(); ++i) {
      Instr& in = code[i];
      if (!is_compare_jump(in.info()) || in.relaxed || in.target < 0) continue;
      int64_t offset = static_cast<int64_t>(addr[static_cast<size_t>(in.target)]) - static_cast<int64_t>(addr[i] + 1);
      if (!field_fits(compare.fields[2], offset)) {
        in.relaxed = true;
        changed = true;
      }
    }
  }
  const OpInfo& jmp = op_info(static_cast<uint8_t>(Op::op_jmp));
  words.clear();
  words.reserve(addr.back());
  for (size_t i = 0; i < code.size(); ++i) {
    const Instr& in = code[i];
    uint32_t target_addr = 0;
    if (in.target >= 0) {
      target_addr = static_cast<uint32_t>(addr[static_cast<size_t>(in.target)]);
      int64_t from = static_cast<int64_t>(addr[i]) + (in.relaxed ? 2 : instr_words(in));
      int64_t offset = static_cast<int64_t>(target_addr) - from;
      if (!field_fits(in.info().fields[1] == FieldKind::J16 ? FieldKind::J16 : jmp.fields[0], offset)) {  // try: 16 bits
        bad = JumpOutOfRange{i, offset};
        return false;
      }
    }
    encode_instr(in, static_cast<uint32_t>(addr[i]), target_addr, words);
  }
  return true;
}

std::vector<uint32_t> computed_regmasks(const std::vector<Instr>& code, unsigned arity) {
  size_t n = code.size();
  std::vector<Flow> flow;
  flow.reserve(n);
  for (const Instr& in : code) flow.push_back(flow_of(in));
  auto valid_target = [&](const Flow& f) { return f.target >= 0 && static_cast<size_t>(f.target) < n; };

  // Backward: X registers live on entry to each instruction.
  std::vector<uint32_t> live_in(n, 0), live_out(n, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = n; i-- > 0;) {
      const Flow& f = flow[i];
      uint32_t out = 0;
      if (f.falls_through && i + 1 < n) out |= live_in[i + 1];
      if (valid_target(f)) out |= live_in[static_cast<size_t>(f.target)];
      uint32_t in = f.use | (out & ~(f.def | (f.clobbers ? kAllX : 0)));
      live_out[i] = out;
      if (in != live_in[i]) {
        live_in[i] = in;
        changed = true;
      }
    }
  }

  // Forward: X registers that hold a value written on some path here.
  std::vector<uint32_t> def_in(n, 0), def_out(n, 0);
  if (n > 0) def_in[0] = first_n(static_cast<int>(arity));
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n; ++i) {
      const Flow& f = flow[i];
      def_out[i] = (f.clobbers ? 0 : def_in[i]) | f.def;
      auto flow_into = [&](size_t j) {
        uint32_t merged = def_in[j] | def_out[i];
        if (merged != def_in[j]) {
          def_in[j] = merged;
          changed = true;
        }
      };
      if (f.falls_through && i + 1 < n) flow_into(i + 1);
      if (valid_target(f)) flow_into(static_cast<size_t>(f.target));
      if (f.handler >= 0 && static_cast<size_t>(f.handler) < n) {
        const auto h = static_cast<size_t>(f.handler);
        if ((def_in[h] | kHandlerDefined) != def_in[h]) {
          def_in[h] |= kHandlerDefined;
          changed = true;
        }
      }
    }
  }

  std::vector<uint32_t> masks(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (allocates(code[i].info())) masks[i] = live_out[i] & def_out[i] & ~flow[i].def;
  }
  return masks;
}

}  // namespace lzr::asm_text
