// Everything the generated code knows about C++ data: structure offsets,
// term constants and the fixed register assignment (docs/asm-engine.md).
//
// Offsets come from offsetof and are checked here, so a layout change in a
// header either still works or stops the build; nothing is written down twice.
#pragma once

#include <asmjit/x86.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "engine/insn.h"
#include "vm/function_info.h"
#include "vm/heap.h"
#include "vm/process.h"
#include "vm/raise.h"
#include "vm/term.h"

namespace lzr::asm_engine {

namespace x86 = asmjit::x86;

// ---- fixed registers (all callee-saved in the System V ABI) ----
inline constexpr x86::Gp kPc = x86::rbx;     // const Insn* being executed
inline constexpr x86::Gp kIntBias = x86::rbp; // the constant kIntBiasValue (small-integer test)
inline constexpr x86::Gp kProc = x86::r12;   // Process*
inline constexpr x86::Gp kFp = x86::r13;     // current frame's Y base
inline constexpr x86::Gp kTable = x86::r14;  // this scheduler's dispatch table (RegisterFile::dispatch); X registers at kTable + kXOffset
inline constexpr x86::Gp kUpv = x86::r15;    // running closure's upvalues (garbage when no closure)

// ---- machine stack frame of the entry trampoline ----
// After 6 pushes and this reservation rsp is 16-byte aligned, so routines
// may `call` C++ helpers directly.
inline constexpr int32_t kEnvSlot = 0;        // lzr_env {Process*} handed to natives
inline constexpr int32_t kIntLimitSlot = 8;   // the constant 2^48 (small-integer test)
// Spill slots: a slow path that calls a helper in the middle of a fast path
// (the allocator's) keeps up to kSpillSlots scratch registers here.
inline constexpr int32_t kSpillSlot = 16;
inline constexpr int32_t kSpillSlots = 3;
// The constant kNonFiniteShifted (the float fast paths' result check).
inline constexpr int32_t kNonFiniteSlot = kSpillSlot + 8 * kSpillSlots;
inline constexpr int32_t kFrameReserve = kNonFiniteSlot + 16;  // + 8: alignment
static_assert((8 + 6 * 8 + kFrameReserve) % 16 == 0, "return address + pushes + reserve keep rsp aligned");

// ---- Process ----
static_assert(std::is_standard_layout_v<Process>, "offsetof(Process, ...) must be well defined");
static_assert(std::is_standard_layout_v<Heap>);
inline constexpr int32_t kFpOffset = offsetof(Process, fp);
inline constexpr int32_t kSpOffset = offsetof(Process, sp);
inline constexpr int32_t kStackLimitOffset = offsetof(Process, stack_limit);
inline constexpr int32_t kErrorOffset = offsetof(Process, error);
inline constexpr int32_t kErrorPcOffset = offsetof(Process, error_pc);
inline constexpr int32_t kRedsOffset = offsetof(Process, reds);
static_assert(sizeof(Process::reds) == 4, "reductions are counted with a 32-bit sub");
inline constexpr int32_t kHeapTop = offsetof(Process, heap) + Heap::top_offset();
inline constexpr int32_t kHeapEnd = offsetof(Process, heap) + Heap::end_offset();
inline constexpr int32_t kHeapGcFlags = offsetof(Process, heap) + Heap::gc_requested_offset();
// One 16-bit load tests "collection requested or stress mode" at a safe
// point: inline allocations do not set the request themselves in stress mode.
static_assert(Heap::stress_offset() == Heap::gc_requested_offset() + 1);
static_assert(sizeof(bool) == 1);

// ---- the mailbox (process.h): recv / recvnext step the cursor in line ----
static_assert(std::is_standard_layout_v<Mailbox> && std::is_standard_layout_v<Message>);
inline constexpr int32_t kMailboxCursor = offsetof(Process, mailbox) + offsetof(Mailbox, cursor);
inline constexpr int32_t kMessageTerm = offsetof(Message, term);
inline constexpr int32_t kMessageWords = offsetof(Message, words);
static_assert(offsetof(Message, next) == 0, "a message's address is the address of its next link");

// ---- the register file (process.h): X registers right before the table ----
static_assert(std::is_standard_layout_v<RegisterFile>);
inline constexpr int32_t kXOffset = static_cast<int32_t>(offsetof(RegisterFile, x)) - static_cast<int32_t>(offsetof(RegisterFile, dispatch));
static_assert(kXOffset == -8 * static_cast<int32_t>(kNumX), "X registers end where the dispatch table starts");
static_assert(kNumIOps <= kDispatchSlots, "RegisterFile::dispatch has a slot per IOp");

// ---- frames (process.h) ----
inline constexpr int32_t kFrameRetPcDisp = kFrameRetPc * 8;
inline constexpr int32_t kFrameCallerFpDisp = kFrameCallerFp * 8;
inline constexpr int32_t kFrameClosureDisp = kFrameClosure * 8;
static_assert(kFrameRetPc == -3 && kFrameCallerFp == -2 && kFrameClosure == -1 && kFrameHeaderWords == 3,
              "the frame push in emit_calls.cpp writes the header as three consecutive words");

// ---- Insn ----
inline constexpr int32_t kInsnSize = sizeof(Insn);
inline constexpr int32_t kInsnA = offsetof(Insn, a);
inline constexpr int32_t kInsnB = offsetof(Insn, b);
inline constexpr int32_t kInsnC = offsetof(Insn, c);
inline constexpr int32_t kInsnD = offsetof(Insn, d);
inline constexpr int32_t kInsnU = offsetof(Insn, u);
inline constexpr int32_t kInsnImm = offsetof(Insn, c);  // c, d, pad: fused_imm()
static_assert(offsetof(Insn, d) == kInsnImm + 1 && offsetof(Insn, pad) == kInsnImm + 2);
static_assert(kInsnSize == 16 && offsetof(Insn, op) == 0 && sizeof(IOp) == 2, "dispatch loads a 16-bit opcode");
static_assert(kOperandX == 0 && kOperandY == 1 && kOperandU == 2,
              "operand bytes below 32 are X, below 64 Y, else U (operand resolution relies on it)");

// ---- FunctionInfo / CtorInfo ----
inline constexpr int32_t kFnArity = offsetof(FunctionInfo, arity);
inline constexpr int32_t kFnFrame = offsetof(FunctionInfo, frame);
inline constexpr int32_t kFnCode = offsetof(FunctionInfo, code);
inline constexpr int32_t kFnNative = offsetof(FunctionInfo, native);
static_assert(std::is_standard_layout_v<FunctionInfo>);
inline constexpr int32_t kCtorMask = offsetof(CtorInfo, mask);
inline constexpr int32_t kCtorCount = offsetof(CtorInfo, count);
inline constexpr int32_t kCtorFn = offsetof(CtorInfo, fn);
inline constexpr int32_t kCtorOps = offsetof(CtorInfo, ops);
static_assert(sizeof(CtorInfo::mask) == 4 && sizeof(CtorInfo::count) == 4);

// ---- terms ----
inline constexpr uint32_t kIntTag16 = kTagInt >> kTagShift;       // 0xFFF9
inline constexpr uint32_t kAtomTag16 = kTagAtom >> kTagShift;     // 0xFFFA
inline constexpr uint32_t kConsTag16 = kTagCons >> kTagShift;     // 0xFFFC
inline constexpr uint32_t kBoxedTag16 = kTagBoxed >> kTagShift;   // 0xFFFD
inline constexpr uint32_t kRaisedTag16 = kRaised >> kTagShift;    // 0xFFFF
static_assert(kRaised == kTagHeader && (kRaised & kPayloadMask) == 0,
              "helpers signal errors with a value whose top 16 bits are 0xFFFF");
static_assert(kAtomTag16 + 1 == (kTagSpecial >> kTagShift), "atoms and specials are adjacent tags");
// t + kIntBiasValue has its top 16 bits zero exactly when t is a small
// integer (0xFFF9 + 7 wraps to 0x10000), and its low 48 bits are then the
// payload: one `lea` both tests the tag and untags.
inline constexpr uint64_t kIntBiasValue = uint64_t{0x10000 - (kTagInt >> kTagShift)} << kTagShift;
static_assert(kTagInt + kIntBiasValue == 0);
inline constexpr uint64_t kIntLimitValue = uint64_t{1} << kTagShift;
// closure term + kUpvalueBias = its upvalues (payload + 2 words), since a
// closure's tag is kTagBoxed: one add instead of untagging.
inline constexpr uint64_t kUpvalueBias = 16 - kTagBoxed;
// Finite doubles have (bits << 1) below this; infinities and NaNs do not.
inline constexpr uint64_t kNonFiniteShifted = uint64_t{0xFFE} << 52;

}  // namespace lzr::asm_engine
