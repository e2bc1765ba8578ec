#include "vm/process.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "proc/node.h"  // ProcessLinks, freed with the process
#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/raise.h"
#include "vm/refbin.h"
#include "vm/vm.h"

namespace lzr {

namespace {

// The blocks of messages without a fragment (a token, a count, an atom:
// the commonest messages), freed on this thread and kept for the next ones
// made on it. Every message is one malloc and one free: glibc's took some
// 40 and 65 instructions a call (callgrind, `ring`); this list takes a
// few. A scheduler that frees more than it makes (it runs the receivers)
// keeps kMaxSpareMessages and frees the rest.
constexpr uint32_t kMaxSpareMessages = 256;

struct SpareMessages {
  Message* head = nullptr;
  uint32_t count = 0;
  // Messages discarded after this (a static object's destructor at exit)
  // are freed, not kept on a list nobody frees.
  ~SpareMessages() {
    while (head) std::free(std::exchange(head, head->next));
    count = kMaxSpareMessages;
  }
};

thread_local SpareMessages t_spare_messages;

// Whether `m`'s block was made with no fragment: none left to copy, and
// not copied into a heap either (its term is an immediate, or a timer's
// raw due time, which reads as a float; a signal keeps its kind in the
// top byte of `words`, hence fragment_words).
bool has_no_fragment(const Message* m) { return m->fragment_words() == 0 && !m->term_points(); }

}  // namespace

Message* Message::make(size_t words) {
  Message* m;
  SpareMessages& spare = t_spare_messages;
  if (words == 0 && spare.head) {
    m = spare.head;
    spare.head = m->next;
    --spare.count;
  } else {
    m = static_cast<Message*>(std::malloc(sizeof(Message) + words * sizeof(Term)));
    if (!m) heap_exhausted("the system refused memory for a message");
  }
  m->next = nullptr;
  m->term = kNil;
  m->words = words;
  return m;
}

void Message::discard(Message* m) {
  if (has_no_fragment(m)) {
    SpareMessages& spare = t_spare_messages;
    if (spare.count < kMaxSpareMessages) {
      m->next = spare.head;
      spare.head = m;
      ++spare.count;
      return;
    }
  } else if (m->fragment_words()) {
    release_fragment_refbins(m->fragment(), m->fragment_words());
  }
  std::free(m);
}

Message* Mailbox::oldest_first(Message* m) {
  Message* reversed = nullptr;
  while (m && m != kAsleep && m != kClosed) {
    Message* next = m->next;
    m->next = reversed;
    reversed = m;
    m = next;
  }
  return reversed;
}

bool Mailbox::take_posted(Message* m, SignalFn on_signal, void* ctx) {
  // Reverse the newest-first list and splice it after the queue's tail.
  if (!m || m == kAsleep || m == kClosed) return false;
  Message* const newest = m;  // the last once reversed
  Message* first = oldest_first(m);
  if (!on_signal) {  // messages only (as with one scheduler): one splice
    size_t n = 0;
    for (Message* q = first; q; q = q->next) ++n;
    *tail = first;
    tail = &newest->next;
    count += n;
    return true;
  }
  const size_t before = count;
  while (first) {
    Message* next = first->next;
    if (first->signal() == Signal::None) append(first);
    else on_signal(ctx, first);
    first = next;
  }
  return count != before;
}

Message* Mailbox::close() {
  Message* got = inbox.exchange(kClosed, std::memory_order_seq_cst);
  return oldest_first(got);
}

void Mailbox::free_all() {
  for (Message* m = inbox.exchange(nullptr, std::memory_order_acquire); m && m != kAsleep && m != kClosed;) {
    Message* next = m->next;
    Message::discard(m);
    m = next;
  }
  for (Message* m = head; m;) {
    Message* next = m->next;
    Message::discard(m);
    m = next;
  }
  head = nullptr;
  tail = cursor = &head;
  count = in_heap = 0;
}

// The stack is malloc'd and starts small (kInitialStackWords): a process
// that waits costs a few hundred bytes of stack, not a reservation. Calls
// that pass stack_limit grow it (grow_stack), up to `stack_words`.
namespace {

size_t first_heap_words(const VM& vm, size_t heap_words) {
  return vm.options.min_heap_words ? vm.options.min_heap_words : heap_words ? heap_words : Heap::kDefaultMinWords;
}

// The most make() puts after the object: a process, its stack and its
// heap block in one size (1,024 bytes with the defaults) that glibc's
// malloc serves from its per-thread cache (up to 1,032 bytes); a spawn
// with bigger first blocks (--heap-min) allocates them apart.
constexpr size_t kInPlaceMaxBytes = 1024;

}  // namespace

void* Process::operator new(size_t bytes) {
  if (void* p = std::malloc(bytes)) return p;
  throw std::bad_alloc();
}

Process* Process::make(VM& vm, size_t stack_words, size_t heap_words) {
  const size_t stack = std::min(stack_words, kInitialStackWords);
  const size_t block = Heap::first_block_words(first_heap_words(vm, heap_words));
  const size_t bytes = sizeof(Process) + (stack + block) * sizeof(Term);
  if (bytes > kInPlaceMaxBytes) return new Process(vm, stack_words, heap_words);
  static_assert(sizeof(Process) % alignof(Term) == 0 && alignof(Process) <= alignof(std::max_align_t));
  void* mem = std::malloc(bytes);
  if (!mem) throw std::bad_alloc();
  Term* const room = reinterpret_cast<Term*>(static_cast<Process*>(mem) + 1);
  try {
    return ::new (mem) Process(vm, stack_words, heap_words, room, room + stack, block);
  } catch (...) {
    std::free(mem);
    throw;
  }
}

Process::Process(VM& vm_, size_t stack_words, size_t heap_words, Term* stack_room, Term* block_room, size_t block_words)
    : heap(first_heap_words(vm_, heap_words), block_room, block_words), vm(&vm_) {
  x = vm_.registers->x;  // the first scheduler's; another sets its own when it picks the process up
  const size_t first = std::min(stack_words, kInitialStackWords);
  stack_in_place = stack_room != nullptr;
  stack_base = stack_room ? stack_room : static_cast<Term*>(std::malloc(first * sizeof(Term)));
  if (!stack_base) throw OutOfMemory("cannot allocate a process stack");
  stack_limit = stack_base + first;
  stack_max_words = stack_words;
  sp = stack_base;
  fp = nullptr;
  heap.set_stress(vm_.options.gc_stress);
  heap.set_max_words(vm_.options.max_heap_words);
}

Process::~Process() {
  delete links;  // also the main process's, which the host owns
  mailbox.free_all();
  if (!stack_in_place) std::free(stack_base);
  std::free(parked_spill);
}

namespace {
// How many registers `mask` keeps. Not std::popcount: on baseline x86-64
// (no POPCNT) that is a library call of some twenty instructions, a
// fiftieth of a message round trip, and a wait keeps a few registers or,
// at a yield, all of them.
size_t registers_in(uint32_t mask) {
  if (mask == kAllX) return kNumX;
  size_t n = 0;
  for (; mask != 0; mask &= mask - 1) ++n;
  return n;
}
}  // namespace

void Process::park_registers(uint32_t mask) {
  drop_parked();
  parked_mask = mask;
  // Above sp if the stack has room (a waiting process keeps a few
  // registers there at no cost); otherwise in a block of their own, freed
  // when the process runs again (a yield keeps all 32; growing the stack
  // for them would keep it large for good).
  Term* to = sp;
  if (static_cast<size_t>(stack_limit - sp) < kNumX) {  // room for all 32 needs no count
    const size_t n = registers_in(mask);
    if (static_cast<size_t>(stack_limit - sp) < n) {
      parked_spill = static_cast<Term*>(std::malloc(n * sizeof(Term)));
      if (!parked_spill) heap_exhausted("the system refused memory for a suspended process's registers");
      to = parked_spill;
    }
  }
  for (uint32_t m = mask; m; m &= m - 1) *to++ = x[std::countr_zero(m)];
}

void Process::unpark_registers() {
  const Term* from = parked_spill ? parked_spill : sp;
  for (unsigned i = 0; i < kNumX; ++i) x[i] = kNil;
  for (uint32_t m = parked_mask; m; m &= m - 1) x[std::countr_zero(m)] = *from++;
  drop_parked();
}

void Process::drop_parked() {
  parked_mask = 0;
  if (!parked_spill) return;  // the usual case: parked above sp
  std::free(parked_spill);
  parked_spill = nullptr;
}

Term* Process::grow_stack(Term* at_fp, const Term* want_sp) {
  const size_t used = static_cast<size_t>(sp - stack_base);
  const size_t want = static_cast<size_t>(want_sp - stack_base);
  if (want <= stack_words()) return at_fp;
  if (want > stack_max_words) return nullptr;
  size_t words = stack_words();
  while (words < want) words *= 2;
  words = std::min(words, stack_max_words);
  Term* old = stack_base;
  Term* grown;
  if (stack_in_place) {
    // make()'s room stays where it is (it is part of the process's block).
    grown = static_cast<Term*>(std::malloc(words * sizeof(Term)));
    if (!grown) return nullptr;
    std::memcpy(grown, stack_base, stack_words() * sizeof(Term));
    stack_in_place = false;
  } else {
    grown = static_cast<Term*>(std::realloc(stack_base, words * sizeof(Term)));
    if (!grown) return nullptr;
  }
  // Frame links are raw pointers into the stack: move each by the distance
  // the block moved (the bottom frame's caller link is null or outside).
  const ptrdiff_t delta = grown - old;
  auto moved = [&](Term* q) { return q ? q + delta : q; };
  Term* new_fp = moved(at_fp);
  if (delta != 0) {
    for (Term* f = new_fp; f && f > grown && f <= grown + used;) {
      Term* caller = reinterpret_cast<Term*>(f[kFrameCallerFp]);
      if (caller >= old && caller <= old + used) {
        caller += delta;
        f[kFrameCallerFp] = reinterpret_cast<Term>(caller);
        f = caller;
      } else {
        break;
      }
    }
    if (fp >= old && fp <= old + used) fp = fp + delta;
  }
  stack_base = grown;
  stack_limit = grown + words;
  sp = grown + used;
  return new_fp;
}

void Process::collect(uint32_t x_live) {
  GcRoots roots;
  roots.x = x;
  roots.x_live = x_live;
  roots.stack = std::span<Term>(stack_base, sp);
  // Roots beyond the registers and the stack: the exception being raised,
  // a suspended built-in's result, and the messages already copied into
  // this heap (a selective receive looked at them; docs/processes.md).
  Term* fixed[] = {&error, &error_trace, &native_result};
  if (mailbox.in_heap == 0) {
    roots.extra = std::span<Term*>(fixed);
    heap.collect(roots);
    return;
  }
  std::vector<Term*> extra(std::begin(fixed), std::end(fixed));
  extra.reserve(extra.size() + mailbox.in_heap);
  // Only messages a receive has looked at are in the heap, and a receive
  // looks from the head on: they are among the first, and the walk ends at
  // the last of them, not at the end of a long queue.
  size_t left = mailbox.in_heap;
  for (Message* m = mailbox.head; m && left; m = m->next) {
    if (m->in_heap()) {
      extra.push_back(&m->term);
      --left;
    }
  }
  assert(left == 0 && "mailbox.in_heap counts the messages in the heap");
  roots.extra = std::span<Term*>(extra);
  heap.collect(roots);
}

Term raise_class(Process& p, Term cls, Term reason, Term trace) {
  p.error = reason;
  p.error_class = cls;
  p.error_trace = trace;
  return kRaised;
}

Term raise(Process& p, Term reason) { return raise_class(p, kAtom_error, reason); }

Term raise_tagged(Process& p, Term tag, Term value) {
  Term elems[2] = {tag, value};
  return raise(p, make_tuple(p.heap, elems));
}

void Process::reset_stack() {
  sp = stack_base;
  fp = nullptr;
  error_pc = nullptr;
  suspend = Suspend::None;
  resume_pc = nullptr;
}

}  // namespace lzr
