// The catch dataflow (catch_flow.h). One pass over the function from its
// entry: each instruction's catch state comes from the first path that
// reaches it, and every other path must bring the same state.
#include "format/catch_flow.h"

#include <fmt/format.h>

#include "format/opcodes.h"
#include "format/verifier.h"

namespace lzr {

namespace {

std::string describe(const CatchStack& s, const WordName& where) {
  if (s.empty()) return "none";
  std::string out;
  for (const ActiveCatch& c : s) {
    if (!out.empty()) out += ", ";
    out += fmt::format("y{} (handler {})", c.slot, where(c.handler));
  }
  return out;
}

const ActiveCatch* find(const CatchStack& s, uint8_t slot) {
  for (const ActiveCatch& c : s)
    if (c.slot == slot) return &c;
  return nullptr;
}

// The Y slots an instruction names, push words included (unused push
// operands are zero, x0, so they never name a slot).
std::vector<uint8_t> y_operands(const ModuleFile& m, size_t pc, unsigned len) {
  std::vector<uint8_t> out;
  const uint32_t word = m.code[pc];
  const OpInfo& op = op_info(word & 0xFF);
  for (int i = 0; i < 4; ++i) {
    const FieldKind k = op.fields[i];
    if (!is_reg(k)) continue;
    const uint32_t raw = field_raw(word, op, i);
    const Reg r = is_r(k) ? decode_r(raw) : decode_r6(raw);
    if (r.kind == RegKind::Y) out.push_back(r.index);
  }
  const OpInfo& push = op_info(static_cast<uint8_t>(Op::op_push));
  for (size_t w = pc + 1 + fixed_extra_words(op.extra); w < pc + len; ++w) {
    for (int i = 0; i < 4; ++i) {
      const Reg r = decode_r6(field_raw(m.code[w], push, i));
      if (r.kind == RegKind::Y) out.push_back(r.index);
    }
  }
  return out;
}

}  // namespace

bool catch_flow(const ModuleFile& m, size_t k, std::vector<std::optional<CatchStack>>& state_at,
                CatchFlowProblem& problem, const WordName& name_word) {
  const WordName where = name_word ? name_word : [](size_t w) { return fmt::format("word {}", w); };
  const size_t begin = m.functions[k].entry;
  const size_t end = k + 1 < m.functions.size() ? m.functions[k + 1].entry : m.code.size();
  state_at.assign(end - begin, std::nullopt);
  std::vector<int64_t> reached_from(end - begin, -1);  // -1: the function entry
  std::vector<size_t> work;

  auto fail = [&](size_t pc, std::string text) {
    problem = CatchFlowProblem{pc, std::move(text)};
    return false;
  };
  // Records `state` as the state at `to`, reached from `from`.
  auto reach = [&](size_t to, int64_t from, const CatchStack& state) {
    std::optional<CatchStack>& slot = state_at[to - begin];
    if (!slot) {
      slot = state;
      reached_from[to - begin] = from;
      work.push_back(to);
      return true;
    }
    if (*slot == state) return true;
    const int64_t first = reached_from[to - begin];
    return fail(to, fmt::format("reached with active catches {} from {} but {} from {}", describe(state, where),
                                where(static_cast<size_t>(from)), describe(*slot, where),
                                first < 0 ? "the function entry" : where(static_cast<size_t>(first))));
  };

  if (!reach(begin, -1, {})) return false;
  while (!work.empty()) {
    const size_t pc = work.back();
    work.pop_back();
    const CatchStack state = *state_at[pc - begin];
    const uint32_t word = m.code[pc];
    const OpInfo& op = op_info(word & 0xFF);
    const Op code = static_cast<Op>(op.code);
    const unsigned len = instruction_words(m, pc);
    const size_t next = pc + len;
    auto jump_target = [&](int i) { return static_cast<size_t>(static_cast<int64_t>(next) + field_value(word, op, i)); };

    if (code == Op::op_try || code == Op::op_tryend) {
      const auto slot = static_cast<uint8_t>(decode_r(field_raw(word, op, 0)).index);
      if (code == Op::op_try) {
        if (find(state, slot)) return fail(pc, fmt::format("y{} already holds an active catch", slot));
        const auto handler = static_cast<uint32_t>(jump_target(1));
        // The handler runs with this catch ended (and the inner ones, which
        // cannot exist yet): the state before the try.
        if (!reach(handler, static_cast<int64_t>(pc), state)) return false;
        CatchStack inside = state;
        inside.push_back({slot, handler});
        if (!reach(next, static_cast<int64_t>(pc), inside)) return false;
      } else {
        if (!find(state, slot)) return fail(pc, fmt::format("y{} holds no active catch", slot));
        if (state.back().slot != slot)
          return fail(pc, fmt::format("y{} is not the innermost active catch (y{} is)", slot, state.back().slot));
        CatchStack after = state;
        after.pop_back();
        if (!reach(next, static_cast<int64_t>(pc), after)) return false;
      }
      continue;
    }
    for (uint8_t y : y_operands(m, pc, len)) {
      if (find(state, y))
        return fail(pc, fmt::format("y{} holds an active catch (only tryend y{} may use it)", y, y));
    }
    if (!state.empty() && (code == Op::op_ret || code == Op::op_tcall)) {
      return fail(pc, fmt::format("{} while y{} holds an active catch (end it with tryend first)",
                                  code == Op::op_ret ? "return" : "tail call", state.back().slot));
    }
    for (int i = 0; i < 4; ++i) {
      if (is_jump(op.fields[i]) && !reach(jump_target(i), static_cast<int64_t>(pc), state)) return false;
    }
    const bool falls_through = code != Op::op_ret && code != Op::op_tcall && code != Op::op_jmp && code != Op::op_raise &&
                               code != Op::op_recvnext;
    if (falls_through && !reach(next, static_cast<int64_t>(pc), state)) return false;
  }
  return true;
}

bool handler_reads_trace(const ModuleFile& m, size_t word) {
  // Is x2 live at `word`? A search over the paths from there, each ending
  // where x2 is written, a call clobbers it, or the function returns.
  constexpr Reg kX2{RegKind::X, 2};
  const OpInfo& push = op_info(static_cast<uint8_t>(Op::op_push));
  std::vector<bool> seen(m.code.size(), false);
  std::vector<size_t> work = {word};
  while (!work.empty()) {
    const size_t pc = work.back();
    work.pop_back();
    if (pc >= m.code.size() || seen[pc]) continue;
    seen[pc] = true;
    const uint32_t w = m.code[pc];
    const OpInfo& op = op_info(w & 0xFF);
    const Op code = static_cast<Op>(op.code);
    const unsigned len = instruction_words(m, pc);
    if (len == 0) return true;
    bool writes = false;
    for (int i = 0; i < 4; ++i) {
      const FieldKind k = op.fields[i];
      if (!is_reg(k)) continue;
      const uint32_t raw = field_raw(w, op, i);
      if ((is_r(k) ? decode_r(raw) : decode_r6(raw)) != kX2) continue;
      // mov's destination is read too when it moves elsewhere (swap form)
      if (!is_written(k) || (k == FieldKind::RM && field_raw(w, op, 2) != raw)) return true;
      writes = true;
    }
    for (size_t e = pc + 1 + fixed_extra_words(op.extra); e < pc + len; ++e)  // push words (unused operands are x0)
      for (int i = 0; i < 4; ++i)
        if (decode_r6(field_raw(m.code[e], push, i)) == kX2) return true;
    switch (code) {
      case Op::op_call: case Op::op_tcall: {  // reads the arguments, then clobbers every X register
        const uint32_t lit = field_raw(w, op, 1);
        auto ref = lit < m.literals.size() ? parse_function_ref(m.literals[lit].text) : std::nullopt;
        if (!ref || ref->arity > 2) return true;
        continue;
      }
      case Op::op_apply: return true;  // its arity is not known here
      case Op::op_ret: case Op::op_raise: continue;  // x2 was not among the operands
      default: break;
    }
    if (writes) continue;
    for (int i = 0; i < 4; ++i) {  // a try's handler starts with x2 written: not followed
      if (is_jump(op.fields[i]) && code != Op::op_try)
        work.push_back(static_cast<size_t>(static_cast<int64_t>(pc) + len + field_value(w, op, i)));
    }
    if (code != Op::op_jmp) work.push_back(pc + len);
  }
  return false;
}

}  // namespace lzr
