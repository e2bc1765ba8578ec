#include "vm/module.h"

#include <dlfcn.h>

#include <algorithm>

#include "engine/insn.h"
#include "vm/atoms.h"

namespace lzr {

static_assert(sizeof(Insn) == kInsnBytes);

Module::Module() = default;

Module::~Module() {
  if (native_library) dlclose(native_library);
}

const FunctionInfo* Module::find(Term name, unsigned arity) const {
  for (const FunctionInfo& f : functions)
    if (f.name_atom == name && f.arity == arity) return &f;
  return nullptr;
}

const FunctionInfo* Module::function_at(const Insn* pc) const {
  if (!owns_code(pc)) return nullptr;
  // The last function starting at or before pc.
  auto after = std::upper_bound(by_code.begin(), by_code.end(), pc,
                                [](const Insn* p, const FunctionInfo* f) { return p < f->code; });
  return after == by_code.begin() ? nullptr : *(after - 1);
}

uint32_t Module::file_offset(const Insn* pc) const {
  return owns_code(pc) ? file_offsets[static_cast<size_t>(pc - code.get())] : 0;
}

const Module::CatchRun* Module::catch_at(const Insn* pc) const {
  if (catches.empty() || !owns_code(pc)) return nullptr;
  const auto index = static_cast<uint32_t>(pc - code.get());
  if (!(in_catch[index / 64] >> (index % 64) & 1)) return nullptr;
  // The last run starting at or before index (the bit says there is one).
  // A raise in a loop looks up the same few call sites again and again,
  // so the search branches: a branch-free one would make each step wait
  // for the previous step's load.
  const CatchRun* lo = catches.data();
  size_t n = catches.size();
  while (n > 1) {
    const size_t half = n / 2;
    if (lo[half].first <= index) [[likely]] lo += half;
    n -= half;
  }
  return lo->handler < 0 ? nullptr : lo;
}

uint32_t Module::line_of(uint32_t word) const {
  auto after = std::upper_bound(lines.begin(), lines.end(), word,
                                [](uint32_t w, const LineRun& r) { return w < r.word; });
  return after == lines.begin() ? 0 : (after - 1)->line;
}

Term Module::file_name() const { return is_tuple(file_location) ? tuple_elems(file_location)[1] : kNil; }

Term Module::trace_entry(const Insn* pc, bool concurrent) {
  if (concurrent) [[unlikely]] {
    std::lock_guard lock(trace_mutex);
    return cached_trace_entry(pc);
  }
  return cached_trace_entry(pc);  // one scheduler: no lock object on a trace's every frame
}

Term Module::cached_trace_entry(const Insn* pc) {
  const auto index = static_cast<uint32_t>(pc - code.get());
  if (auto it = trace_entries.find(index); it != trace_entries.end()) return it->second;
  const FunctionInfo* fn = function_at(pc);
  const uint32_t word = file_offsets[index];
  Term location;
  if (lines.empty()) {
    location = literal_arena.cons(literal_arena.tuple({kAtom_offset, make_int(word)}), kNil);
  } else {
    const uint32_t line = line_of(word);
    const Term second = line ? literal_arena.tuple({kAtom_line, make_int(line)})
                             : literal_arena.tuple({kAtom_offset, make_int(word)});
    location = literal_arena.cons(file_location, literal_arena.cons(second, kNil));
  }
  const Term entry = literal_arena.tuple({fn->module_atom, fn->name_atom, make_int(fn->arity), location});
  trace_entries.emplace(index, entry);
  return entry;
}

}  // namespace lzr
