#include "engine/engine.h"

#include "engine/insn.h"
#include "engine/scheduler.h"
#include "engine/semantics.h"
#include "format/message_text.h"
#include "vm/atoms.h"
#include "vm/module.h"
#include "format/message_text.h"
#include "vm/native_env.h"
#include "vm/printer.h"
#include "vm/vm.h"

namespace lzr {


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
  p.error_trace = kNil;
  if (fp + fn->frame > p.stack_limit) {
    Term* const caller_fp = p.fp;
    const ptrdiff_t at = fp - p.stack_base;
    p.grow_stack(caller_fp, fp + fn->frame);  // moves p.fp too; returns the moved caller_fp (nullptr at the bottom)
    fp = p.stack_base + at;
    if (fp + fn->frame > p.stack_limit) return raise(p, kAtom_stack_overflow);
  }
  fp[kFrameRetPc] = 0;
  fp[kFrameCallerFp] = reinterpret_cast<Term>(p.fp);
  fp[kFrameClosure] = kNil;
  for (unsigned i = 0; i < fn->frame; ++i) fp[i] = kNil;
  p.sp = fp + fn->frame;
  p.fp = fp;
  // `p` runs as a process among the VM's others until this call returns
  // (engine/scheduler.cpp).
  p.resume_pc = fn->code;
  p.suspend = Suspend::Yield;
  return run_until_finished(p, engine);
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

namespace {

std::string binary_text(Term t) {
  return std::string(reinterpret_cast<const char*>(binary_bytes(t)), binary_size(t));
}

std::string where(const std::string& file, uint64_t line, uint64_t word) {
  if (file.empty()) return "(word " + std::to_string(word) + ")";
  if (line == 0) return "(" + printable(file) + ", word " + std::to_string(word) + ")";
  return "(" + printable(file) + ":" + std::to_string(line) + ")";
}

// One entry of a stack trace term as text: "m.f/2 (x.lzs:3)" when it has
// the shape capture_trace builds; otherwise the term as printed.
std::string format_trace_term_entry(const AtomTable& atoms, Term e) {
  if (is_tuple(e) && tuple_arity(e) == 4) {
    const Term* t = tuple_elems(e);
    if (is_atom(t[0]) && is_atom(t[1]) && is_int(t[2]) && atoms.contains(t[0]) && atoms.contains(t[1])) {
      std::string file;
      uint64_t line = 0, word = 0;
      bool located = false;
      for (Term l = t[3]; is_cons(l); l = cons_tail(l)) {
        const Term kv = cons_head(l);
        if (!is_tuple(kv) || tuple_arity(kv) != 2) continue;
        const Term k = tuple_elems(kv)[0], v = tuple_elems(kv)[1];
        if (k == kAtom_file && is_binary(v)) file = binary_text(v);
        else if (k == kAtom_line && is_int(v) && int_value(v) > 0) line = static_cast<uint64_t>(int_value(v));
        else if (k == kAtom_offset && is_int(v) && int_value(v) >= 0) word = static_cast<uint64_t>(int_value(v));
        else continue;
        located = true;
      }
      std::string text = printable(std::string(atoms.text(t[0])) + "." + std::string(atoms.text(t[1]))) + "/" +
                         std::to_string(int_value(t[2]));
      if (located) text += " " + where(file, line, word);
      return text;
    }
  }
  return term_to_string(e, atoms);
}

}  // namespace

std::string format_trace_entry(const Process& p, const TraceEntry& e) {
  // Names come from modules: escaped, so a trace line cannot forge another.
  const AtomTable& atoms = p.vm->atoms;
  const Module* m = e.fn->module;
  std::string file;
  uint64_t line = 0;
  if (m && !m->lines.empty()) {
    file = binary_text(m->file_name());
    line = m->line_of(e.offset);
  }
  return printable(std::string(atoms.text(e.fn->module_atom)) + "." + std::string(atoms.text(e.fn->name_atom))) + "/" +
         std::to_string(e.fn->arity) + " " + where(file, line, e.offset);
}

std::string exception_class_name(const Process& p) {
  if (p.error_class == kAtom_throw) return "throw";
  if (p.error_class == kAtom_exit) return "exit";
  return "error";
}

std::vector<TraceLine> exception_trace(const Process& p) {
  std::vector<TraceLine> out;
  if (p.error_trace != kNil) {
    for (Term l = p.error_trace; is_cons(l); l = cons_tail(l))
      out.push_back({format_trace_term_entry(p.vm->atoms, cons_head(l)), 1});
    return out;
  }
  for (const TraceEntry& e : stack_trace(p)) out.push_back({format_trace_entry(p, e), e.count});
  return out;
}

}  // namespace lzr
