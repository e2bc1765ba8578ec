// The definedness dataflow (defined_regs.h): a forward worklist over the
// function where the sets meet by intersection.
#include "format/defined_regs.h"

#include <bit>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "format/message_text.h"
#include "format/opcodes.h"
#include "format/verifier.h"

namespace lzr {

namespace {

constexpr uint32_t kHandlerDefined = 0b111;  // x0..x2: class, reason, trace

uint32_t first_n(unsigned n) { return n >= 32 ? ~0u : (1u << n) - 1; }

// "x0-x2, x5" or "none".
std::string describe(uint32_t set) {
  std::string out;
  for (unsigned i = 0; i < 32;) {
    if (!(set >> i & 1)) {
      ++i;
      continue;
    }
    unsigned j = i;
    while (j + 1 < 32 && (set >> (j + 1) & 1)) ++j;
    if (!out.empty()) out += ", ";
    out += j == i ? fmt::format("x{}", i) : j == i + 1 ? fmt::format("x{}, x{}", i, j) : fmt::format("x{}-x{}", i, j);
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

// The values a constructor's or fn's push words carry.
unsigned pushed_values(const ModuleFile& m, uint32_t word, const OpInfo& op) {
  for (int i = 0; i < 4; ++i) {
    if (op.fields[i] == FieldKind::SIZE) {
      const uint32_t size = field_raw(word, op, i);
      return op.extra == Extra::RegmaskPairs ? 2 * size : size;
    }
    if (op.fields[i] == FieldKind::FUN && op.extra == Extra::RegmaskUpvals) {
      auto ref = parse_function_ref(m.literals[field_raw(word, op, i)].text);  // verified: a local function
      return m.functions[*local_function(m, *ref)].upvals;
    }
    if (op.fields[i] == FieldKind::FUN && pushes_args(op.extra))  // bif, gcbif: the built-in's arguments
      return parse_function_ref(m.literals[field_raw(word, op, i)].text)->arity;
  }
  return 0;
}

// Arity of a call's or tail call's FUN literal (verified to parse).
unsigned call_arity(const ModuleFile& m, uint32_t word, const OpInfo& op) {
  return parse_function_ref(m.literals[field_raw(word, op, 1)].text)->arity;
}

}  // namespace

namespace {

// The dataflow itself; with `out`, the defined sets before each instruction
// word of the function (0 for words that start no reachable instruction).
bool defined_regs_flow(const ModuleFile& m, size_t k, CatchFlowProblem& problem, std::vector<uint32_t>* out_sets) {
  const size_t begin = m.functions[k].entry;
  const size_t end = k + 1 < m.functions.size() ? m.functions[k + 1].entry : m.code.size();
  const OpInfo& push = op_info(static_cast<uint8_t>(Op::op_push));
  std::vector<uint32_t> defined(end - begin, 0);
  std::vector<bool> reached(end - begin, false), queued(end - begin, false);
  std::vector<size_t> work, targets;

  auto reach = [&](size_t to, uint32_t set) {
    const size_t i = to - begin;
    if (reached[i]) {
      if ((defined[i] & set) == defined[i]) return;
      defined[i] &= set;
    } else {
      reached[i] = true;
      defined[i] = set;
    }
    if (!queued[i]) {
      queued[i] = true;
      work.push_back(to);
    }
  };

  reach(begin, first_n(m.functions[k].arity));
  while (!work.empty()) {
    const size_t pc = work.back();
    work.pop_back();
    queued[pc - begin] = false;
    const uint32_t in = defined[pc - begin];
    const uint32_t word = m.code[pc];
    const OpInfo& op = op_info(word & 0xFF);
    const Op code = static_cast<Op>(op.code);
    const unsigned len = instruction_words(m, pc);

    // `what` names the register read ("x2", "push word 9: x2", ...).
    auto undefined = [&](const std::string& what) {
      problem = CatchFlowProblem{pc, fmt::format("{} is read but not defined on every path here (defined: {})", what,
                                                 describe(in))};
      return false;
    };
    // Reads: register operands (mov's destination only in the swap form,
    // where its old value moves on), push words, call arguments.
    uint32_t written = 0;
    int dst = -1;  // the field an X result goes to, for the regmask and calls
    for (int i = 0; i < 4; ++i) {
      const FieldKind kind = op.fields[i];
      if (!is_reg(kind)) continue;
      const uint32_t raw = field_raw(word, op, i);
      const Reg r = is_r(kind) ? decode_r(raw) : decode_r6(raw);
      if (r.kind != RegKind::X) continue;
      bool read = kind == FieldKind::RS || kind == FieldKind::R6S || kind == FieldKind::R6M;
      if (kind == FieldKind::RM) read = field_raw(word, op, 2) != raw;  // mov dst, src, pos
      if (read && !(in >> r.index & 1)) return undefined(fmt::format("x{}", r.index));
      if (is_written(kind)) {
        written |= 1u << r.index;
        if (dst < 0) dst = i;
      }
    }
    if (op.extra == Extra::RegmaskElems || op.extra == Extra::RegmaskPairs || op.extra == Extra::RegmaskUpvals ||
        pushes_args(op.extra)) {
      const unsigned values = pushed_values(m, word, op);
      for (unsigned v = 0; v < values; ++v) {
        const size_t at = pc + first_push_word(op.extra) + v / 4;
        const Reg r = decode_r6(field_raw(m.code[at], push, static_cast<int>(v % 4)));
        if (r.kind == RegKind::X && !(in >> r.index & 1)) return undefined(fmt::format("push word {}: x{}", at, r.index));
      }
    }
    if (code == Op::op_call || code == Op::op_tcall) {
      const unsigned arity = call_arity(m, word, op);
      const uint32_t missing = first_n(arity) & ~in;
      if (missing) {
        return undefined(fmt::format("x{} (an argument of {})", std::countr_zero(missing),
                                     printable(m.literals[field_raw(word, op, 1)].text)));
      }
    }
    // (apply's arguments depend on the closure's arity, known only when it
    // runs: only its operands are checked.)

    // What is defined after it.
    uint32_t out = in | written;
    if (code == Op::op_call || code == Op::op_apply) {
      out = written;  // every X register but the destination is clobbered
    } else if (op.extra == Extra::Regmask || op.extra == Extra::RegmaskElems || op.extra == Extra::RegmaskPairs ||
               op.extra == Extra::RegmaskUpvals || op.extra == Extra::RegmaskArgs) {
      out = (in & m.code[pc + 1]) | written;  // a collection here sets the others to []
    }
    const size_t next = pc + len;
    jump_targets(m, pc, targets);
    // recv jumps when no message is left: its destination is not written then.
    for (size_t target : targets) reach(target, code == Op::op_try ? kHandlerDefined : code == Op::op_recv ? in : out);
    if (!ends_flow(op.code)) reach(next, out);
  }
  if (out_sets) *out_sets = std::move(defined);
  return true;
}

}  // namespace

bool check_defined_regs(const ModuleFile& m, size_t k, CatchFlowProblem& problem) {
  return defined_regs_flow(m, k, problem, nullptr);
}

std::vector<uint32_t> defined_regs_at(const ModuleFile& m, size_t k) {
  CatchFlowProblem problem;
  std::vector<uint32_t> sets;
  if (!defined_regs_flow(m, k, problem, &sets)) sets.clear();
  return sets;
}

}  // namespace lzr
