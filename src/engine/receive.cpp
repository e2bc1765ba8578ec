// The receive instructions (recv, recvnext, accept, wait) and yielding, for
// both engines (docs/processes.md, "Receive").
#include <cstring>

#include "engine/insn.h"
#include "engine/semantics.h"
#include "proc/copy.h"
#include "proc/node.h"
#include "vm/atoms.h"
#include "vm/bigint.h"

namespace lzr {

Term op_recv(Process& p) {
  Message* m = *p.mailbox.cursor;
  if (!m) return kNoMessage;
  if (m->words) {
    // First look: the fragment moves into this heap (the receiver pays the
    // copy; it is a memcpy and one pass re-pointing the block's pointers).
    Term* dst = p.heap.alloc(m->words);
    std::memcpy(dst, m->fragment(), m->words * sizeof(Term));
    m->term = relocate_block(m->term, m->fragment(), dst, m->words, p.heap);
    m->words = 0;
    ++p.mailbox.in_heap;
  }
  return m->term;
}

bool op_recvnext(Process& p) {
  Message* m = *p.mailbox.cursor;
  if (!m) return false;
  p.mailbox.cursor = &m->next;
  return true;
}

bool op_accept(Process& p) {
  Mailbox& box = p.mailbox;
  Message* m = *box.cursor;
  if (!m) return false;
  *box.cursor = m->next;
  if (box.tail == &m->next) box.tail = box.cursor;
  --box.count;
  if (m->in_heap()) --box.in_heap;
  Message::discard(m);
  box.cursor = &box.head;
  // The receive is over: its timeout no longer applies.
  if (p.timer_armed && p.timer_pc) p.timer_armed = false;
  p.timed_out = false;
  return true;
}

uint64_t op_wait(Process& p, const Insn* pc, Term* fp, Term timeout) {
  const bool infinite = timeout == kAtom_infinity;
  uint64_t ms = 0;
  if (!infinite) {
    if (is_int(timeout) && int_value(timeout) >= 0) {
      ms = static_cast<uint64_t>(int_value(timeout));
    } else if (is_bigint(timeout) && !bigint_negative(timeout)) {
      ms = UINT64_MAX / 2;  // beyond any run
    } else {
      raise_tagged(p, kAtom_badarg, timeout);
      return kWaitRaised;
    }
  }
  Mailbox& box = p.mailbox;
  // A message came while the process was away, or was posted since it
  // last looked (docs/processes.md: the inbox is taken here, the one
  // place a receive goes when the queue has nothing more for it).
  // (With one scheduler nothing is ever posted: one load says so.)
  const Message* posted = box.inbox.load(std::memory_order_relaxed);
  const bool any_posted = posted != nullptr && posted != Mailbox::kAsleep;
  if (*box.cursor) return kWaitJumpBack;
  if (any_posted) {
    const bool came = node_of(*p.vm).take_inbox(p);
    if (p.state == RunState::Exiting) {  // an exit signal among what came: it finishes on its next turn
      p.suspend = Suspend::Wait;
      p.resume_pc = pc;
      p.fp = fp;
      return kWaitSuspend;
    }
    if (came && *box.cursor) return kWaitJumpBack;
  }
  if (p.timed_out || (!infinite && ms == 0)) {
    p.timed_out = false;
    if (p.timer_pc) p.timer_armed = false;
    box.cursor = &box.head;
    return kWaitFallThrough;  // the `after` clause
  }
  if (!infinite && !(p.timer_armed && p.timer_pc == pc)) {
    Node& node = node_of(*p.vm);
    const uint64_t now = node.now_ms();
    node.arm_timer(p, ms > UINT64_MAX / 2 - now ? UINT64_MAX / 2 : now + ms);
    p.timer_pc = pc;
  }
  p.suspend = Suspend::Wait;
  p.resume_pc = pc;
  p.fp = fp;
  return kWaitSuspend;
}

void yield_at(Process& p, const Insn* pc, Term* fp) {
  p.suspend = Suspend::Yield;
  p.resume_pc = pc;
  p.fp = fp;
}

}  // namespace lzr
