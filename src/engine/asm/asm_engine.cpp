// The assembler engine: one machine-code routine per internal opcode,
// generated once per process lifetime with asmjit, and run_asm(), its entry
// from execute(). docs/asm-engine.md describes the register assignment and
// the invariants every routine keeps.
#include <asmjit/x86.h>

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "emitter.h"
#include "engine/engine.h"
#include "helpers.h"

namespace lzr {

namespace asm_engine {
namespace {

using asmjit::imm;

using EntryFn = Term (*)(Process* p, const Insn* pc, void* const* table);

struct Engine {
  asmjit::JitRuntime runtime;
  EntryFn entry = nullptr;
  void* table[kNumIOps] = {};
};

// Keeps asmjit's first error; build() looks at it once everything is
// emitted. Running out of memory (an address-space limit) fails the run
// cleanly; any other error is a bug in the generator and aborts.
class FirstError : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter*) override {
    if (error == asmjit::kErrorOk) {
      error = err;
      text = message;
    }
  }
  asmjit::Error error = asmjit::kErrorOk;
  std::string text;
};

// Entry trampoline: saves the callee-saved registers, loads the fixed ones
// and dispatches to the first instruction. The exits restore and return.
void emit_entry_and_exits(Emitter& e, asmjit::Label entry) {
  x86::Assembler& a = e.a;
  const x86::Gp saved[] = {x86::rbx, x86::rbp, x86::r12, x86::r13, x86::r14, x86::r15};
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(entry);
  for (const x86::Gp& r : saved) a.push(r);
  a.sub(x86::rsp, kFrameReserve);  // rsp is now 16-byte aligned
  a.mov(x86::qword_ptr(x86::rsp, kEnvSlot), x86::rdi);  // lzr_env{p}
  a.mov(x86::rax, imm(kIntLimitValue));
  a.mov(x86::qword_ptr(x86::rsp, kIntLimitSlot), x86::rax);
  a.mov(x86::rax, imm(kNonFiniteShifted));
  a.mov(x86::qword_ptr(x86::rsp, kNonFiniteSlot), x86::rax);
  a.mov(kProc, x86::rdi);
  a.mov(kPc, x86::rsi);
  a.mov(kTable, x86::rdx);
  a.mov(kFp, e.proc(kFpOffset));
  a.mov(kIntBias, imm(kIntBiasValue));
  a.mov(kUpv, imm(kUpvalueBias));
  a.add(kUpv, x86::qword_ptr(kFp, kFrameClosureDisp));
  e.dispatch();

  asmjit::Label epilogue = a.newLabel(), uncaught = a.newLabel();
  // The instruction at kPc needs the stack to reach rsi: grow it (frame
  // links move with it) and run the instruction again.
  asmjit::Label overflow = a.newLabel();
  a.bind(e.exit_overflow);
  a.mov(x86::rdx, x86::rsi);
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, kFp);
  e.call(&h_grow_stack);
  a.test(x86::rax, x86::rax);
  a.jz(overflow);
  a.mov(kFp, x86::rax);
  e.dispatch();
  a.bind(overflow);
  a.mov(x86::rdi, kProc);
  e.call(&h_stack_overflow);
  // kPc raised: go on at the innermost catch's handler (its frame is in
  // p.fp), or leave with the frames in place for stack_trace().
  a.bind(e.exit_raised);
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, kPc);
  a.mov(x86::rdx, kFp);
  e.call(&h_unwind);
  a.test(x86::rax, x86::rax);
  a.jz(uncaught);
  a.mov(kPc, x86::rax);
  a.mov(kFp, e.proc(kFpOffset));
  a.mov(kUpv, imm(kUpvalueBias));
  a.add(kUpv, x86::qword_ptr(kFp, kFrameClosureDisp));
  e.dispatch();
  // No reductions left: the state to resume at kPc is saved, then leave.
  a.bind(e.exit_yield);
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, kPc);
  a.mov(x86::rdx, kFp);
  e.call(&h_yield);
  a.bind(uncaught);
  a.bind(e.exit_leave);
  a.mov(x86::rax, imm(kRaised));
  a.jmp(epilogue);
  a.bind(e.exit_done);
  a.mov(e.proc(kFpOffset), kFp);
  a.bind(epilogue);
  a.add(x86::rsp, kFrameReserve);
  for (int i = 5; i >= 0; --i) a.pop(saved[i]);
  a.ret();
}

Engine* build_routines() {
  auto* eng = new Engine;  // lives as long as the process
  FirstError on_error;
  asmjit::CodeHolder code;
  code.init(eng->runtime.environment());
  code.setErrorHandler(&on_error);
  // LZR_ASM_LISTING=1 prints the generated routines to stderr (debugging aid).
  asmjit::FileLogger listing(stderr);
  const char* want_listing = std::getenv("LZR_ASM_LISTING");
  if (want_listing && std::string_view(want_listing) == "1") code.setLogger(&listing);
  x86::Assembler a(&code);
  Emitter e(a);
  asmjit::Label entry = a.newLabel();

  emit_entry_and_exits(e, entry);
  emit_moves(e);
  emit_calls(e);
  emit_arith(e);
  emit_compare(e);
  emit_terms(e);
  emit_exceptions(e);
  emit_receive(e);
  e.flush_cold();
  if (on_error.error == asmjit::kErrorOutOfMemory) {
    delete eng;
    throw OutOfMemory("cannot generate the assembler engine's code");
  }
  if (on_error.error != asmjit::kErrorOk) {
    std::fprintf(stderr, "lzr: assembler engine: cannot generate code: %s\n", on_error.text.c_str());
    std::abort();
  }

  for (unsigned i = 0; i < kNumIOps; ++i) {
    if (!code.isLabelBound(e.op_labels[i])) {
      std::fprintf(stderr, "lzr: assembler engine: no routine for %s\n", iop_name(static_cast<IOp>(i)));
      std::abort();
    }
  }
  void* base = nullptr;
  // Mapping the code is the one step an address-space limit can refuse: the
  // run fails with "out of memory" (lzr run, lzr_vm_call) instead of aborting.
  if (eng->runtime.add(&base, &code) != asmjit::kErrorOk) {
    delete eng;
    throw OutOfMemory("cannot map the assembler engine's code");
  }
  auto* bytes = static_cast<uint8_t*>(base);
  for (unsigned i = 0; i < kNumIOps; ++i) eng->table[i] = bytes + code.labelOffsetFromBase(e.op_labels[i]);
  eng->entry = reinterpret_cast<EntryFn>(bytes + code.labelOffsetFromBase(entry));
  if (want_listing && std::string_view(want_listing) == "1") {
    std::fprintf(stderr, "; %zu bytes at %p\n", code.codeSize(), base);
    for (unsigned i = 0; i < kNumIOps; ++i) std::fprintf(stderr, "; %p %s\n", eng->table[i], iop_name(static_cast<IOp>(i)));
    for (const auto& [label, owner] : e.cold_starts)
      std::fprintf(stderr, "; %p %s (cold)\n", bytes + code.labelOffsetFromBase(label), iop_name(owner));
  }
  return eng;
}

// The builder's memory (asmjit's zones, the code buffer, the queued cold
// bodies: ~0.3 MiB) is free once the code is mapped, but would stay
// resident in malloc's heap for the rest of the run; most runs allocate
// little from malloc afterwards, so it is handed back to the OS.
Engine* build() {
  Engine* eng = build_routines();
  malloc_trim(0);
  return eng;
}

}  // namespace
}  // namespace asm_engine

Term run_asm(Process& p, const Insn* entry) {
  static asm_engine::Engine* const engine = asm_engine::build();  // thread-safe, once
  return engine->entry(&p, entry, engine->table);
}

}  // namespace lzr
