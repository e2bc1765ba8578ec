// A process: X registers, a stack of frames, and its own heap. (Scheduling
// and messages come later; today a VM runs one process at a time.)
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/heap.h"
#include "vm/term.h"

namespace lzr {

struct Insn;
class VM;

constexpr unsigned kNumX = 32;

// Frame layout, growing upward on the process stack. Every word is a term or
// reads as one (raw pointers have top bits 0, so GC sees floats and skips them):
//   fp[-3]  the calling Insn (raw pointer), nullptr for the bottom frame
//   fp[-2]  the caller's fp (raw pointer)
//   fp[-1]  this frame's closure, or nil
//   fp[0 .. frame-1]  Y slots
constexpr int kFrameRetPc = -3, kFrameCallerFp = -2, kFrameClosure = -1;
constexpr size_t kFrameHeaderWords = 3;
// The smallest stack a process settles for when the address space refuses
// the requested reservation (1 MiB, or the request if smaller).
constexpr size_t kMinStackWords = size_t{1} << 17;

struct Process {
  // Throws OutOfMemory when not even kMinStackWords of stack can be reserved.
  explicit Process(VM& vm, size_t stack_words);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  Term x[kNumX];
  Term* fp = nullptr;            // current frame's Y base
  Term* sp = nullptr;            // first free stack word
  Term* stack_base = nullptr;
  Term* stack_limit = nullptr;   // calls fail with stack_overflow past this
  Heap heap;
  VM* vm;
  // The exception being raised (docs/engines.md, "Exceptions"): its class
  // (:error, :throw or :exit), reason, and the stack trace a `raise` gave
  // ([]: none; the unwinder captures one).
  Term error = kNil;
  Term error_class = kNil;
  Term error_trace = kNil;
  const Insn* error_pc = nullptr;  // instruction that raised it

  size_t stack_reserved_bytes = 0;

  // Runs a collection with X registers in `x_live` plus the whole stack as roots.
  void collect(uint32_t x_live);
  // Drops every frame (after execute() returned, normally or with an error).
  void reset_stack();
};

}  // namespace lzr
