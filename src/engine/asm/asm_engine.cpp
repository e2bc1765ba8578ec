// The assembler engine: one machine-code routine per internal opcode,
// generated with asmjit once per process lifetime, a group of routines at a
// time when a program first needs one of them, and run_asm(), its entry from
// execute(). docs/asm-engine.md describes the register assignment, the
// invariants every routine keeps and how the routines are built.
#include <asmjit/x86.h>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bitset>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emitter.h"
#include "engine/engine.h"
#include "helpers.h"
#include "vm/heap.h"
#include "vm/vm.h"

namespace lzr {

namespace asm_engine {
namespace {

using asmjit::imm;

using EntryFn = Term (*)(Process* p, const Insn* pc, void* const* table);

// Keeps asmjit's first error; a batch's builder looks at it once the batch
// is emitted. Running out of memory (an address-space limit) fails the run
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

[[noreturn]] void generator_bug(const char* what, const char* detail) {
  std::fprintf(stderr, "lzr: assembler engine: %s%s\n", what, detail);
  std::abort();
}

// One private mapping holds all the generated code. Batches are placed one
// after another, each at an address known before it is emitted (so its
// jumps to the shared exits are plain rel32 jumps); seal() makes the pages
// written so far read + execute, and the next batch starts on a fresh page
// (a sealed page is never written again: other threads may be running it).
// The reservation's untouched pages cost address space only: no allocator
// blocks, no spare capacity, nothing resident but the code.
class CodeArea {
 public:
  // Address space for the code (52 KB in 2026-11, plus up to a page per
  // group); a generator that outgrows it stops with a message naming this
  // constant.
  static constexpr size_t kReserve = size_t{512} << 10;
  // x86-64 Linux pages are 4 KiB (a constant rather than sysconf, which
  // would bring its libc code into every run's memory).
  static constexpr size_t kPage = 4096;
  // A batch's code buffer, reserved before emitting so it is allocated once
  // (the largest, the arithmetic, is ~29 KB; a larger one still works, by
  // realloc).
  static constexpr size_t kBatchBuffer = size_t{32} << 10;

  // False when the address space refuses the reservation.
  bool reserve() {
    void* p = ::mmap(nullptr, kReserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return false;
    base_ = static_cast<uint8_t*>(p);
    return true;
  }
  // Where the next batch goes.
  uint64_t next_address() const { return reinterpret_cast<uint64_t>(base_ + used_); }
  // Copies the flattened, relocated batch to next_address(); returns where
  // it went.
  uint8_t* place(asmjit::CodeHolder& code) {
    uint8_t* at = base_ + used_;
    if (code.flatten() != asmjit::kErrorOk || code.resolveUnresolvedLinks() != asmjit::kErrorOk ||
        code.relocateToBase(reinterpret_cast<uint64_t>(at)) != asmjit::kErrorOk)
      generator_bug("cannot link a batch of routines", "");
    size_t size = code.codeSize();
    if (size > kReserve - used_) generator_bug("the generated code outgrew CodeArea::kReserve", "");
    if (code.copyFlattenedData(at, size, asmjit::CopySectionFlags::kPadSectionBuffer) != asmjit::kErrorOk)
      generator_bug("cannot copy a batch of routines", "");
    used_ = (used_ + size + 63) & ~size_t{63};  // asmjit aligns sections to 64 bytes at most
    return at;
  }
  // Makes the pages placed since the last seal executable. False: mprotect
  // refused (no memory to split the mapping).
  bool seal() {
    size_t end = (used_ + kPage - 1) & ~(kPage - 1);
    if (end > sealed_ && ::mprotect(base_ + sealed_, end - sealed_, PROT_READ | PROT_EXEC) != 0) return false;
    sealed_ = used_ = end;
    return true;
  }

 private:
  uint8_t* base_ = nullptr;
  size_t used_ = 0;    // bytes placed (64-byte aligned)
  size_t sealed_ = 0;  // bytes made executable (page aligned)
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

// A routine is first reached through the lazy stub: dispatch leaves the
// routine's opcode in eax (Emitter::dispatch, next), and so does a jump from
// one group into another group's routine (link_batch), so the stub asks for
// that routine, which builds its group on first use, refreshes this
// scheduler's copy of the table (kTable) and jumps to it. rsp is 16-byte
// aligned at a routine's start, as for any helper call.
void emit_lazy_stub(Emitter& e, asmjit::Label stub) {
  x86::Assembler& a = e.a;
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(stub);
  a.mov(x86::edi, x86::eax);
  a.mov(x86::rsi, kTable);
  e.call(&h_routine);
  a.jmp(x86::rax);
}

// The routines are built in groups, one batch (one asmjit CodeHolder) each,
// when a program first dispatches to a routine of the group: a short run
// builds the few groups it uses, and the builder's memory (label entries and
// links, the code buffer, the queued cold bodies) peaks at one batch's worth
// and is freed, and reused by malloc, before the next. Batch 0 holds the
// entry, the shared exits and the lazy stub; it and the first groups are
// built at start-up (build()).
using EmitGroup = void (*)(Emitter&);
// A routine's group is found by building the groups in this order until one
// has it: the small groups a short run needs first, then by size.
constexpr EmitGroup kGroups[] = {emit_moves, emit_calls, emit_exceptions, emit_arith, emit_compare, emit_terms, emit_bifs, emit_binaries, emit_match, emit_receive};
constexpr size_t kNumGroups = std::size(kGroups);

// The float-first forms (insn.h) are a group outside that order: only code
// that has quickened dispatches to them, so the first such dispatch builds
// them alone, and a program without floats never does. They are the last
// opcodes.
void emit_float_first(Emitter& e) {
  emit_float_first_arith(e);
  emit_float_first_compares(e);
}
#define LZR_FLOAT_FIRST_NAME(I, from, kinds, name) IOp::name,
constexpr IOp kFloatFirstOps[] = {LZR_FLOAT_FIRST(LZR_FLOAT_FIRST_NAME, _)};
#undef LZR_FLOAT_FIRST_NAME
constexpr unsigned kFirstFloatFirst = static_cast<unsigned>(kFloatFirstOps[0]);
static_assert(kFirstFloatFirst + std::size(kFloatFirstOps) == kNumIOps, "the float-first forms are the last opcodes");

struct Engine {
  EntryFn entry = nullptr;
  // A routine, or the lazy stub until its group is built. Each scheduler
  // dispatches through a copy of its own (RegisterFile::dispatch, next to
  // its X registers), refreshed by the lazy stub.
  void* table[kNumIOps] = {};
  // The rest is the builder's: guarded by `lock`, the groups being built
  // while other threads may run routines already built.
  std::mutex lock;
  CodeArea area;
  void* lazy_stub = nullptr;
  uint64_t exit_raised = 0, exit_overflow = 0, exit_yield = 0, exit_leave = 0, exit_done = 0;  // batch 0's
  size_t groups_built = 0;  // kGroups[0 .. groups_built) are built
  bool float_first_built = false;
  size_t batches = 0;  // batches placed (LZR_ASM_LISTING numbers them)
  bool listing = false;     // LZR_ASM_LISTING=1
  FILE* perf_map = nullptr;  // LZR_PERF_MAP=1: /tmp/perf-PID.map, for perf report
};

Engine* the_engine = nullptr;  // set once by build(), before any routine runs

// A routine's table entry, published once its code is executable (another
// thread may be dispatching through the table).
void publish(Engine& eng, unsigned op, void* routine) { __atomic_store_n(&eng.table[op], routine, __ATOMIC_RELEASE); }

// Binds each label this batch jumps to but did not bind: a shared exit to
// batch 0's (only slow paths raise, overflow or end the run, so the extra
// jump costs nothing on a fast path), a routine of another group to a jump
// through the dispatch table with its opcode in eax (a fused form falling
// back to its generic routine, on a slow path; the lazy stub builds that
// group if need be). Returns the routines linked so (their labels are now
// bound in this batch too).
std::bitset<kNumIOps> link_batch(Emitter& e, asmjit::CodeHolder& code, const Engine& eng) {
  x86::Assembler& a = e.a;
  auto unbound_but_used = [&](asmjit::Label label) {
    const asmjit::LabelEntry* entry = code.labelEntry(label);
    return entry && !entry->isBound() && entry->links();
  };
  auto link_exit = [&](asmjit::Label label, uint64_t address) {
    if (!unbound_but_used(label)) return;
    a.bind(label);
    a.jmp(imm(address));
  };
  link_exit(e.exit_raised, eng.exit_raised);
  link_exit(e.exit_overflow, eng.exit_overflow);
  link_exit(e.exit_yield, eng.exit_yield);
  link_exit(e.exit_leave, eng.exit_leave);
  link_exit(e.exit_done, eng.exit_done);
  // do_ret is the calls group's own: "return rax" has no opcode to go through.
  if (unbound_but_used(e.do_ret)) generator_bug("a routine outside the calls group jumps to do_ret", "");
  std::bitset<kNumIOps> linked;
  for (unsigned i = 0; i < kNumIOps; ++i) {
    if (!unbound_but_used(e.op_labels.peek(i))) continue;
    a.bind(e.op_labels.peek(i));
    a.mov(x86::eax, i);
    a.jmp(x86::qword_ptr(kTable, x86::rax, 3));
    linked[i] = true;
  }
  return linked;
}

// Appends a placed batch's routines to perf's map of generated code (one
// "address size name" line each, the size running to the next routine),
// so that `perf report` names the routine a sample fell in instead of an
// address. Cold parts are named after their routine.
void write_perf_map(FILE* map, Emitter& e, asmjit::CodeHolder& code, const uint8_t* at,
                    const std::bitset<kNumIOps>& linked) {
  std::vector<std::pair<uint64_t, std::string>> starts;
  for (unsigned i = 0; i < kNumIOps; ++i)
    if (!linked[i] && code.isLabelBound(e.op_labels.peek(i)))
      starts.emplace_back(code.labelOffsetFromBase(e.op_labels.peek(i)), iop_name(static_cast<IOp>(i)));
  for (const auto& [label, owner] : e.cold_starts)
    starts.emplace_back(code.labelOffsetFromBase(label), std::string(iop_name(owner)) + " (cold)");
  std::sort(starts.begin(), starts.end());
  for (size_t k = 0; k < starts.size(); ++k) {
    const uint64_t end = k + 1 < starts.size() ? starts[k + 1].first : code.codeSize();
    if (end > starts[k].first)
      std::fprintf(map, "%" PRIx64 " %" PRIx64 " lzr:%s\n", reinterpret_cast<uint64_t>(at) + starts[k].first,
                   end - starts[k].first, starts[k].second.c_str());
  }
  std::fflush(map);
}

// Emits and places a batch (`group`, or with none batch 0: the entry, exits
// and lazy stub), seals it unless `seal` is false (more batches to come
// before any code runs) and publishes its routines. Called with eng.lock
// held (or before the engine is shared). Throws OutOfMemory.
void build_batch(Engine& eng, EmitGroup group, bool seal = true) {
  const size_t batch = eng.batches++;
  asmjit::Environment env = asmjit::Environment::host();
  env.setObjectFormat(asmjit::ObjectFormat::kJIT);
  FirstError on_error;
  asmjit::FileLogger logger(stderr);
  asmjit::CodeHolder code;
  code.init(env, eng.area.next_address());
  code.setErrorHandler(&on_error);
  code.reserveBuffer(&code.textSection()->buffer(), CodeArea::kBatchBuffer);
  if (eng.listing) code.setLogger(&logger);
  x86::Assembler a(&code);
  Emitter e(a, eng.listing);
  asmjit::Label entry, stub;
  if (!group) {
    entry = a.newLabel();
    stub = a.newLabel();
    emit_entry_and_exits(e, entry);
    emit_lazy_stub(e, stub);
  } else {
    group(e);
  }
  e.flush_cold();
  const std::bitset<kNumIOps> linked = link_batch(e, code, eng);
  if (on_error.error == asmjit::kErrorOutOfMemory) throw OutOfMemory("cannot generate the assembler engine's code");
  if (on_error.error != asmjit::kErrorOk) generator_bug("cannot generate code: ", on_error.text.c_str());

  uint8_t* at = eng.area.place(code);
  // Mapping the code is the one step an address-space limit can refuse.
  if (seal && !eng.area.seal()) throw OutOfMemory("cannot map the assembler engine's code");
  auto address_of = [&](asmjit::Label label) -> uint64_t {
    return code.isLabelBound(label) ? reinterpret_cast<uint64_t>(at + code.labelOffsetFromBase(label)) : 0;
  };
  if (!group) {
    eng.entry = reinterpret_cast<EntryFn>(address_of(entry));
    eng.lazy_stub = reinterpret_cast<void*>(address_of(stub));
    eng.exit_raised = address_of(e.exit_raised);
    eng.exit_overflow = address_of(e.exit_overflow);
    eng.exit_yield = address_of(e.exit_yield);
    eng.exit_leave = address_of(e.exit_leave);
    eng.exit_done = address_of(e.exit_done);
    for (unsigned i = 0; i < kNumIOps; ++i) eng.table[i] = eng.lazy_stub;
  }
  for (unsigned i = 0; i < kNumIOps; ++i) {
    if (linked[i]) continue;
    if (uint64_t address = address_of(e.op_labels.peek(i))) {
      if (eng.table[i] != eng.lazy_stub) generator_bug("two groups build the routine for ", iop_name(static_cast<IOp>(i)));
      publish(eng, i, reinterpret_cast<void*>(address));
    }
  }
  if (eng.perf_map) write_perf_map(eng.perf_map, e, code, at, linked);
  if (eng.listing) {
    std::fprintf(stderr, "; batch %zu: %zu bytes at %p\n", batch, code.codeSize(), static_cast<void*>(at));
    for (unsigned i = 0; i < kNumIOps; ++i)
      if (!linked[i] && address_of(e.op_labels.peek(i)))
        std::fprintf(stderr, "; %p %s\n", eng.table[i], iop_name(static_cast<IOp>(i)));
    for (const auto& [label, owner] : e.cold_starts)
      std::fprintf(stderr, "; %p %s (cold)\n", static_cast<void*>(at + code.labelOffsetFromBase(label)),
                   iop_name(owner));
  }
}

// Builds the next group. The builder's memory (asmjit's zones, its code
// buffer, the queued cold bodies) is free once the code is placed, but would
// stay resident in malloc's heap for the rest of the run; most runs allocate
// little from malloc afterwards, so it is handed back to the OS.
void build_next_group(Engine& eng, bool seal = true) {
  build_batch(eng, kGroups[eng.groups_built], seal);
  ++eng.groups_built;
  if (seal) malloc_trim(0);
}

void build_float_first(Engine& eng) {
  build_batch(eng, emit_float_first);
  eng.float_first_built = true;
  malloc_trim(0);
}

bool env_is_1(const char* name) {
  const char* value = std::getenv(name);
  return value && std::string_view(value) == "1";
}

// Every program moves, calls and returns: the first groups of kGroups
// (moves, calls: 2 KB of code) are built at start-up, with batch 0, into
// the same page.
constexpr size_t kStartGroups = 2;

// Reserves the code area and builds batch 0 (the entry and the lazy stub)
// and the start-up groups; the others follow on demand, or all at once with
// LZR_ASM_EAGER=1 (what bench/guard measures: its start-up baseline then
// holds all the building).
Engine* build() {
  auto* eng = new Engine;  // lives as long as the process, like its code
  eng->listing = env_is_1("LZR_ASM_LISTING");  // prints the generated routines to stderr
  if (env_is_1("LZR_PERF_MAP")) {
    const std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
    eng->perf_map = std::fopen(path.c_str(), "w");  // a map that cannot be written is only missing
  }
  if (!eng->area.reserve()) {
    delete eng;
    throw OutOfMemory("cannot map the assembler engine's code");
  }
  try {
    build_batch(*eng, nullptr, false);
    while (eng->groups_built < kStartGroups) build_next_group(*eng, false);
    if (!eng->area.seal()) throw OutOfMemory("cannot map the assembler engine's code");
    malloc_trim(0);
    if (env_is_1("LZR_ASM_EAGER"))
      while (eng->groups_built < kNumGroups) build_next_group(*eng);
    if (env_is_1("LZR_ASM_EAGER")) build_float_first(*eng);
  } catch (...) {
    delete eng;  // its reservation stays mapped: address space only
    throw;
  }
  the_engine = eng;
  return eng;
}

Engine& engine() {
  static Engine* const eng = build();  // thread-safe, once; throws OutOfMemory
  return *eng;
}

}  // namespace

namespace {

// A scheduler's dispatch table becomes the engine's as it is now.
void copy_table(const Engine& eng, void** to) {
  for (unsigned i = 0; i < kNumIOps; ++i) to[i] = __atomic_load_n(&eng.table[i], __ATOMIC_ACQUIRE);
}

}  // namespace

void* h_routine(uint32_t op, void** table) noexcept {
  Engine& eng = *the_engine;
  std::lock_guard<std::mutex> hold(eng.lock);
  try {
    if (op >= kFirstFloatFirst && !eng.float_first_built) build_float_first(eng);
    while (eng.table[op] == eng.lazy_stub && eng.groups_built < kNumGroups) build_next_group(eng);
  } catch (const std::bad_alloc&) {  // OutOfMemory, or the builder's containers
    // No error term can be raised from inside the stub: a clean exit.
    heap_exhausted("cannot generate the assembler engine's code");
  }
  if (eng.table[op] == eng.lazy_stub) generator_bug("no routine for ", iop_name(static_cast<IOp>(op)));
  copy_table(eng, table);
  return eng.table[op];
}

}  // namespace asm_engine

Term run_asm(Process& p, const Insn* entry) {
  asm_engine::Engine& eng = asm_engine::engine();
  void** table = register_file_of(p.x).dispatch;  // the running scheduler's (its X registers' file)
  if (!table[0]) asm_engine::copy_table(eng, table);  // this scheduler's first run
  return eng.entry(&p, entry, table);
}

// Builds every group not built yet; returns how many opcodes then have a
// routine (tests/unit/engine/asm_engine_test.cpp: all of them, each built by
// exactly one group, or the build aborts).
unsigned asm_build_every_routine() {
  asm_engine::Engine& eng = asm_engine::engine();
  std::lock_guard<std::mutex> hold(eng.lock);
  while (eng.groups_built < asm_engine::kNumGroups) asm_engine::build_next_group(eng);
  if (!eng.float_first_built) asm_engine::build_float_first(eng);
  unsigned built = 0;
  for (unsigned i = 0; i < kNumIOps; ++i) built += eng.table[i] != eng.lazy_stub;
  return built;
}

}  // namespace lzr
