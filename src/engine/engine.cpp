#include "engine/engine.h"

#include "engine/insn.h"
#include "engine/semantics.h"
#include "format/message_text.h"
#include "vm/atoms.h"
#include "vm/module.h"
#include "vm/native_env.h"
#include "vm/vm.h"

namespace lzr {

#ifdef LZR_HAVE_ASM_ENGINE
Term run_asm(Process& p, const Insn* entry);  // asm_engine.cpp
#endif

const char* iop_name(IOp op) {
  static const char* const names[] = {
#define LZR_IOP_NAME(name) #name,
      LZR_IOPS(LZR_IOP_NAME)
#undef LZR_IOP_NAME
  };
  return names[static_cast<unsigned>(op)];
}

std::optional<EngineKind> parse_engine(std::string_view name) {
  if (name == "portable" || name == "c") return EngineKind::Portable;
  if (name == "asm") return EngineKind::Asm;
  return std::nullopt;
}

const char* engine_name(EngineKind kind) { return kind == EngineKind::Asm ? "asm" : "portable"; }

bool engine_available(EngineKind kind) {
#ifdef LZR_HAVE_ASM_ENGINE
  return true;
#else
  return kind == EngineKind::Portable;
#endif
}

EngineKind default_engine() {
  return engine_available(EngineKind::Asm) ? EngineKind::Asm : EngineKind::Portable;
}

Term execute(Process& p, const FunctionInfo* fn, std::span<const Term> args, EngineKind engine) {
  for (size_t i = 0; i < args.size() && i < kNumX; ++i) p.x[i] = args[i];
  if (fn->native) {
    lzr_env env{&p};
    Term v = fn->native(&env, p.x, fn->arity);
    if (v != kRaised && p.heap.gc_requested()) {
      p.x[0] = v;
      p.collect(1u);
      v = p.x[0];
    }
    return v;
  }
  // The bottom frame: a null return address tells `ret` to leave the engine.
  Term* fp = p.sp + kFrameHeaderWords;
  if (fp + fn->frame > p.stack_limit) return raise(p, kAtom_stack_overflow);
  fp[kFrameRetPc] = 0;
  fp[kFrameCallerFp] = reinterpret_cast<Term>(p.fp);
  fp[kFrameClosure] = kNil;
  for (unsigned i = 0; i < fn->frame; ++i) fp[i] = kNil;
  p.sp = fp + fn->frame;
  p.fp = fp;
#ifdef LZR_HAVE_ASM_ENGINE
  if (engine == EngineKind::Asm) return run_asm(p, fn->code);
#endif
  return run_portable(p, fn->code);
}

std::vector<TraceEntry> stack_trace(const Process& p) {
  std::vector<TraceEntry> out;
  const Insn* last = nullptr;
  auto add = [&](const Insn* pc) {
    if (pc == last && !out.empty()) {  // repeats are counted before any lookup
      ++out.back().count;
      return;
    }
    last = pc;
    const Module* m = p.vm->module_of(pc);
    if (!m) return;
    if (const FunctionInfo* fn = m->function_at(pc)) out.push_back({fn, m->file_offset(pc)});
  };
  add(p.error_pc);
  for (const Term* fp = p.fp; fp && fp > p.stack_base; fp = reinterpret_cast<const Term*>(fp[kFrameCallerFp])) {
    const Insn* caller = reinterpret_cast<const Insn*>(fp[kFrameRetPc]);
    if (!caller) break;
    add(caller);
  }
  return out;
}

std::string format_trace_entry(const Process& p, const TraceEntry& e) {
  // Names come from modules: escaped, so a trace line cannot forge another.
  const AtomTable& atoms = p.vm->atoms;
  return printable(std::string(atoms.text(e.fn->module_atom)) + "." + std::string(atoms.text(e.fn->name_atom))) + "/" +
         std::to_string(e.fn->arity) + " @ " + std::to_string(e.offset);
}

}  // namespace lzr
