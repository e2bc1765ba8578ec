// A process: X registers, a stack of frames, its own heap and its mailbox
// (docs/processes.md). Everything a process runs on is owned by it, so a
// scheduler runs it without touching any other process's memory.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "proc/retire_hook.h"
#include "vm/heap.h"
#include "vm/term.h"

namespace lzr {

struct Insn;
struct Module;
class VM;

constexpr unsigned kNumX = 32;
constexpr uint32_t kAllX = ~0u;

// The X registers of the running process, one set per scheduler (per VM
// today; docs/processes.md, "Memory layout of a process"): a process keeps
// only the registers it needs while it is away (Process::park_registers),
// not 32 words for its whole life. The assembler engine keeps this
// scheduler's dispatch table right after them, so its generated code
// reaches both from one register (docs/asm-engine.md).
constexpr unsigned kDispatchSlots = 512;
struct RegisterFile {
  Term x[kNumX];
  void* dispatch[kDispatchSlots];  // asm engine: a routine per IOp, or its lazy stub; nullptr until first used
};
// The register file a running process's `x` points into (x is its first member).
inline RegisterFile& register_file_of(Term* x) {
  static_assert(offsetof(RegisterFile, x) == 0);
  return *reinterpret_cast<RegisterFile*>(x);
}

// A field its process's owner writes and other schedulers read (find,
// alive?, info/1 on another process): relaxed atomic loads and stores,
// which are plain moves on x86-64 and ARM64, so the one-scheduler path
// pays nothing for them. Only the owner writes, so `+=` need not be one
// atomic step.
template <typename T> class Relaxed {
 public:
  Relaxed(T v = T{}) : v_(v) {}
  Relaxed(const Relaxed&) = delete;
  operator T() const { return v_.load(std::memory_order_relaxed); }
  Relaxed& operator=(T v) {
    v_.store(v, std::memory_order_relaxed);
    return *this;
  }
  Relaxed& operator+=(T d) { return *this = static_cast<T>(*this + d); }

 private:
  std::atomic<T> v_;
};

// Frame layout, growing upward on the process stack. Every word is a term or
// reads as one (raw pointers have top bits 0, so GC sees floats and skips them):
//   fp[-3]  the calling Insn (raw pointer), nullptr for the bottom frame
//   fp[-2]  the caller's fp (raw pointer)
//   fp[-1]  this frame's closure, or nil
//   fp[0 .. frame-1]  Y slots
constexpr int kFrameRetPc = -3, kFrameCallerFp = -2, kFrameClosure = -1;
constexpr size_t kFrameHeaderWords = 3;
// A process's stack starts at this many words and doubles as calls need it
// (grow_stack), up to the VM's stack size.
constexpr size_t kInitialStackWords = 16;
// Reductions a process runs before it yields to the next runnable one.
constexpr int32_t kSliceReductions = 4000;

// What a posted Message carries besides a plain message: a signal about
// links, monitors or exits, applied by the receiver's owner when it takes
// its inbox (Node::take_inbox; docs/processes.md, "Schedulers on every
// core"). Only posted with several schedulers; never in the queue.
enum class Signal : uint8_t {
  None,        // a message
  Link,        // term: the linking pid
  Unlink,      // term: the unlinking pid
  Monitor,     // term: {ref, watcher}
  Demonitor,   // term: the monitor's ref
  Exit,        // exit/2: term {:EXIT, from, reason}
  ExitLinked,  // a linked process died: term {:EXIT, from, reason}
  Down,        // term: the DOWN message {:DOWN, ref, :process, pid, reason}
  Timeout,     // a timer fired: term holds its due time (raw, not a term); the
               // owner sets timed_out if it is the timer still armed
};

// A message in a mailbox (docs/processes.md, "Messages"). The sender copies
// the term into `fragment` (words > 0), outside every heap; the receiver's
// `recv` copies it into its own heap on first look (words becomes 0) and
// from then on `term` is a root of the receiver's collections.
struct Message {
  Message* next;
  Term term;       // an immediate, or into fragment (words > 0), or into the receiver's heap
  size_t words;    // fragment words still to be copied into the heap; 0: none (a signal: kind in the top byte)
  Term* fragment() { return reinterpret_cast<Term*>(this + 1); }
  // A signal keeps its kind in the top byte of `words` (a fragment never
  // has 2^56 words), so a message stays three words; take_inbox clears it
  // before a signal turned message (an EXIT, a DOWN) joins the queue.
  static constexpr unsigned kSignalShift = 56;
  static constexpr size_t kWordsMask = (size_t{1} << kSignalShift) - 1;
  Signal signal() const { return static_cast<Signal>(words >> kSignalShift); }
  void set_signal(Signal s) { words = (words & kWordsMask) | (static_cast<size_t>(s) << kSignalShift); }
  size_t fragment_words() const { return words & kWordsMask; }
  // Whether a receive copied its fragment into the receiver's heap: no
  // words left to copy and a term that points (a collection root until
  // accept). A message made without a fragment holds an immediate.
  bool in_heap() const { return words == 0 && term_points(); }
  bool term_points() const { return is_cons(term) || is_boxed(term); }
  // Allocates a message with `words` fragment words (malloc: the receiver
  // frees it on accept, or with the process).
  static Message* make(size_t words);
  // Frees `m`; a fragment not yet copied into a heap first releases its
  // off-heap binaries (vm/refbin.h).
  static void discard(Message* m);
};

// Messages in arrival order; `cursor` points at the link that holds the
// message under the receive cursor (nullptr in it: none left). The queue
// (head .. in_heap) is the owner's alone: only the scheduler running the
// process touches it, so the receive path has no lock and no atomic.
// Other processes post into `inbox` (docs/processes.md, "Schedulers on
// every core"), which the owner moves to the end of the queue with
// take_inbox() when it looks for a message it has not got (op_wait).
struct Mailbox {
  Message* head = nullptr;
  Message** tail = &head;
  Message** cursor = &head;
  size_t count = 0;
  size_t in_heap = 0;  // messages whose term lives in the heap (collection roots)
  // Messages posted by other processes, newest first, linked through
  // Message::next and ended by nullptr or kAsleep; or kAsleep alone: the
  // owner waits in a receive and the next post must wake it.
  std::atomic<Message*> inbox{nullptr};

  static inline Message* const kAsleep = reinterpret_cast<Message*>(uintptr_t{1});
  // The owner has finished (close()): nothing more can be posted.
  static inline Message* const kClosed = reinterpret_cast<Message*>(uintptr_t{2});
  // Applies a signal found in the inbox, in posted order (the owner).
  using SignalFn = void (*)(void* ctx, Message* signal);
  enum class Posted : uint8_t { Queued, Woke, Closed };

  // The operations below but post() take `shared`: whether other threads
  // may touch this inbox now (Node::concurrent(): several schedulers).
  // With one scheduler only one thread ever does: senders append to the
  // queue directly (Node::deliver) and plain loads and stores stand in for
  // the locked instructions, which cost a one-scheduler run about a fifth
  // of its time in message-bound programs.

  // Any thread: adds `m` to the inbox (lock-free). True when the owner was
  // asleep (see sleep()): the caller, and no other, must make it runnable.
  // A message posted to a closed inbox is dropped (as one sent to a
  // process that is gone).
  // `shared` false: no other thread can touch the inbox now (a scheduler
  // running alone, Node::try_go_solo): plain loads and stores.
  bool post(Message* m, bool shared = true) {
    const Posted r = post_or_refuse(m, shared);
    if (r == Posted::Closed) Message::discard(m);
    return r == Posted::Woke;
  }
  // As post(), but a closed inbox refuses `m`, which stays the caller's.
  Posted post_or_refuse(Message* m, bool shared = true) {
    Message* old = inbox.load(std::memory_order_relaxed);
    if (!shared) {
      if (old == kClosed) return Posted::Closed;
      m->next = old;  // as below: the asleep mark ends the list as null does
      inbox.store(m, std::memory_order_relaxed);
      return old == kAsleep ? Posted::Woke : Posted::Queued;
    }
    do {
      if (old == kClosed) return Posted::Closed;
      m->next = old;
    // acq_rel: a post that takes the asleep mark makes the process its
    // poster's to queue, so it must see what the owner wrote before sleep().
    } while (!inbox.compare_exchange_weak(old, m, std::memory_order_acq_rel, std::memory_order_relaxed));
    return old == kAsleep ? Posted::Woke : Posted::Queued;
  }
  // The owner, as it finishes: closes the inbox and returns what was
  // posted, oldest first. The close is sequentially consistent: with
  // closed() it makes a Dekker pair that needs no fence of its own
  // (Node::finish and Node::register_name).
  Message* close();
  // Whether anything is posted and not yet taken (the owner, or a
  // scheduler running alone).
  bool has_posted() const {
    Message* const got = inbox.load(std::memory_order_relaxed);
    return got != nullptr && got != kAsleep;
  }
  // Any thread: whether the owner has closed the inbox (it is finishing or
  // finished). Sequentially consistent, to pair with close().
  bool closed() const { return inbox.load(std::memory_order_seq_cst) == kClosed; }
  // The owner: appends `m` to the queue itself (a message to itself).
  void append(Message* m) {
    m->next = nullptr;
    *tail = m;
    tail = &m->next;
    ++count;
  }
  // The owner: moves what was posted to the end of the queue, in the order
  // it was posted (so messages from one sender stay in the order sent).
  // Signals among them go to `on_signal` in their place in that order (it
  // may append() what they turn into). Returns whether a message came.
  // Leaves an asleep owner asleep.
  bool take_inbox(bool shared, SignalFn on_signal = nullptr, void* ctx = nullptr) {
    Message* got = inbox.load(std::memory_order_relaxed);
    if (got == nullptr || got == kAsleep || got == kClosed) return false;
    if (!shared) inbox.store(nullptr, std::memory_order_relaxed);
    else got = inbox.exchange(nullptr, std::memory_order_acquire);
    // One message (a request, a reply): no list to turn, and no call.
    const bool one = got->next == nullptr || got->next == kAsleep;
    if (one && (got->signal() == Signal::None || !on_signal)) {
      append(got);
      return true;
    }
    return take_posted(got, on_signal, ctx);
  }
  // The owner, before it suspends in a receive: marks itself asleep unless
  // something was posted meanwhile (then false: it takes it and goes on).
  bool sleep(bool shared) { return swap_if(nullptr, kAsleep, shared); }
  // A timer or an exit signal waking an owner that sleep()ed: true if this
  // caller took the asleep mark (and must make it runnable), false if a
  // post took it first (and made it runnable).
  bool wake(bool shared) { return swap_if(kAsleep, nullptr, shared); }
  // Frees every message, posted or queued (the process is gone).
  void free_all();

 private:
  bool take_posted(Message* newest_first, SignalFn on_signal, void* ctx);
  static Message* oldest_first(Message* newest_first);
  bool swap_if(Message* expected, Message* desired, bool shared) {
    if (!shared) {
      if (inbox.load(std::memory_order_relaxed) != expected) return false;
      inbox.store(desired, std::memory_order_relaxed);
      return true;
    }
    return inbox.compare_exchange_strong(expected, desired, std::memory_order_acq_rel);
  }
};

// Why an engine left a process that has not finished (Process::suspend).
enum class Suspend : uint8_t {
  None,
  Yield,   // reductions used up: resume_pc runs again
  Wait,    // a `wait` suspended: resume_pc (the wait) runs again when woken
  Native,  // a built-in suspended inside the call at resume_pc; on waking the
           // call completes with native_result
};

enum class RunState : uint8_t { Runnable, Running, Waiting, Exiting, Free };

struct ProcessLinks;  // links, monitors, names: allocated on first use (proc/node.h)

struct Process {
  // `stack_words` is the most the stack may grow to; the heap starts at
  // `heap_words` (0: Heap::kDefaultMinWords; --heap-min overrides both).
  // Throws OutOfMemory when the first stack or heap block
  // cannot be had.
  explicit Process(VM& vm, size_t stack_words, size_t heap_words = 0)
      : Process(vm, stack_words, heap_words, nullptr, nullptr, 0) {}
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  // As the constructor, with the first stack and the first heap block in
  // the process's own allocation, right after the object, when they are
  // small (a spawned process's): one malloc and one free per process
  // instead of three of each, all three in one size that malloc keeps in
  // its per-thread cache. Deleted as any process (operator delete).
  static Process* make(VM& vm, size_t stack_words, size_t heap_words);
  // Processes live in malloc'd memory, so that make() can add its room.
  static void* operator new(size_t bytes);
  static void operator delete(void* p) { std::free(p); }

  Term* x;                       // the scheduler's registers (RegisterFile::x); valid while it runs
  Term* fp = nullptr;            // current frame's Y base
  Term* sp = nullptr;            // first free stack word
  Term* stack_base = nullptr;
  Term* stack_limit = nullptr;   // calls grow the stack (grow_stack) past this
  Heap heap;
  VM* vm;
  // The exception being raised (docs/engines.md, "Exceptions"): its class
  // (:error, :throw or :exit), reason, and the stack trace a `raise` gave
  // ([]: none; the unwinder captures one).
  Term error = kNil;
  Term error_class = kNil;
  Term error_trace = kNil;
  const Insn* error_pc = nullptr;  // instruction that raised it
  // The module the last raise's unwinding found, and the VM's
  // modules_freed() then (engine/exceptions.cpp, module_of_raise): a raise
  // looks its module up without the module table's lock when it is the
  // same.
  Module* raise_module = nullptr;
  uint64_t raise_module_gen = 0;

  size_t stack_max_words = 0;    // grow_stack's limit

  // ---- scheduling (docs/processes.md); engines touch reds only ----
  int32_t reds = kSliceReductions;  // calls and back edges count it down; at 0 the process yields
  uint32_t parked_mask = 0;      // X registers kept while away (park_registers)
  Suspend suspend = Suspend::None;
  Relaxed<RunState> state = RunState::Runnable;  // read by other schedulers (find, alive?, info/1)
  bool timed_out = false;        // the receive's timer fired: the next `wait` falls through
  bool trap_exit = false;
  bool timer_armed = false;      // a receive or sleep timer is pending (timer_at)
  bool stack_in_place = false;   // stack_base is make()'s room, not malloc'd: never freed or realloc'd
  const Insn* resume_pc = nullptr;  // where the process goes on (Suspend)
  const Insn* timer_pc = nullptr;   // the `wait` whose timeout is armed (nullptr: a sleep)
  Term native_result = kNil;     // Suspend::Native: the call's result
  Term self = kNil;              // this process's pid
  Term exit_reason = kNil;
  Relaxed<uint64_t> reductions = 0;  // used so far (info/1)
  uint64_t timer_at = 0;         // when the pending timer fires (ms on the node's clock)
  Process* next_runnable = nullptr;  // run queue link
  ProcessLinks* links = nullptr;
  Term* parked_spill = nullptr;  // parked registers that did not fit above sp (malloc), or nullptr
  Mailbox mailbox;
  // Several schedulers: what info/1 on another process shows, published by
  // the owner at the end of each slice (the live figures are its own).
  Relaxed<uint64_t> shown_heap_words = 0, shown_stack_words = 0, shown_message_count = 0;
  // Several schedulers: the scheduler that made it (its memory goes back
  // to that thread's allocator cache when it is freed) and its link while
  // it waits to be freed (proc/reclaim.h).
  uint32_t home_scheduler = 0;
  RetireHook retired;

  // Before the process leaves its scheduler (suspends, yields): keeps the
  // X registers in `mask` (popcount(mask) words) above sp, or in a spill
  // block when the stack has no room. unpark_registers, when it runs again,
  // puts them back and sets the others to nil (they may hold another
  // process's terms). drop_parked forgets them.
  void park_registers(uint32_t mask);
  void unpark_registers();
  void drop_parked();
  // Runs a collection with X registers in `x_live` plus the whole stack as roots.
  void collect(uint32_t x_live);
  // Drops every frame (after execute() returned, normally or with an error).
  void reset_stack();
  // Makes room for the stack to reach `want_sp` (reallocating it: every
  // frame link moves with it). Returns the new address of `fp`, or nullptr
  // when the stack would pass stack_max_words (stack_overflow) or the
  // system refuses the memory.
  Term* grow_stack(Term* fp, const Term* want_sp);
  size_t stack_words() const { return static_cast<size_t>(stack_limit - stack_base); }

 private:
  // make()'s room for the first stack (stack_room) and the first heap block
  // (block_room, block_words long); null: malloc'd apart.
  Process(VM& vm, size_t stack_words, size_t heap_words, Term* stack_room, Term* block_room, size_t block_words);
};

}  // namespace lzr
