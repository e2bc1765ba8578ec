// A forward worklist over the function with one bit per instruction: "a
// message is under the cursor on every path here". The bit only falls, so
// each instruction is looked at again at most once.
#include "format/receive_flow.h"

#include <vector>

#include "format/opcodes.h"
#include "format/verifier.h"

namespace lzr {

bool check_receive_flow(const ModuleFile& m, size_t k, CatchFlowProblem& problem) {
  const size_t begin = m.functions[k].entry;
  const size_t end = k + 1 < m.functions.size() ? m.functions[k + 1].entry : m.code.size();
  bool uses = false;  // most functions never receive: nothing to check
  for (size_t pc = begin; pc < end; pc += instruction_words(m, pc)) {
    const Op code = static_cast<Op>(m.code[pc] & 0xFF);
    uses |= code == Op::op_recvnext || code == Op::op_accept;
  }
  if (!uses) return true;

  // 0: unreached, 1: a message under the cursor, 2: maybe none.
  std::vector<uint8_t> state(end - begin, 0);
  std::vector<size_t> work, targets;
  auto reach = [&](size_t to, uint8_t s) {
    uint8_t& at = state[to - begin];
    const uint8_t met = at == 0 ? s : (at == s ? at : 2);
    if (met == at) return;
    at = met;
    work.push_back(to);
  };
  reach(begin, 2);
  while (!work.empty()) {
    const size_t pc = work.back();
    work.pop_back();
    const uint32_t word = m.code[pc];
    const OpInfo& op = op_info(word & 0xFF);
    const Op code = static_cast<Op>(op.code);
    const uint8_t in = state[pc - begin];
    if ((code == Op::op_recvnext || code == Op::op_accept) && in != 1) {
      problem = CatchFlowProblem{pc, "no message is under the receive cursor on every path here (reach it from a "
                                     "recv that found one, with no recvnext, accept or wait in between)"};
      return false;
    }
    uint8_t out = in;
    if (code == Op::op_recv) out = 1;
    if (code == Op::op_recvnext || code == Op::op_accept || code == Op::op_wait) out = 2;
    const size_t next = pc + instruction_words(m, pc);
    jump_targets(m, pc, targets);
    // recv jumps when there is no message; try's target is its handler.
    for (size_t target : targets) reach(target, code == Op::op_recv || code == Op::op_try ? 2 : out);
    if (!ends_flow(op.code)) reach(next, out);
  }
  return true;
}

}  // namespace lzr
