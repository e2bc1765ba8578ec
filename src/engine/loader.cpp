#include "engine/loader.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <optional>

#include "asm/assembler.h"
#include "engine/insn.h"
#include "format/builtin_calls.h"
#include "format/catch_flow.h"
#include "format/defined_regs.h"
#include "engine/native_library.h"
#include "engine/known_operands.h"
#include "format/message_text.h"
#include "format/opcodes.h"
#include "format/verifier.h"
#include "sys/files.h"
#include "vm/atoms.h"

namespace lzr {
namespace fs = std::filesystem;

namespace {

// A call whose target lives in another module, bound once that module loads.
struct PendingCall {
  size_t insn;        // internal index
  uint32_t word;      // file offset, for messages
  FunctionRef target;
};

// Modules added during one top-level load; all are removed if any fails.
struct LoadSession {
  VM& vm;
  std::vector<Term> added;
  // The built-in module whose library file is being read (add_library_of):
  // only that file may define a module of a built-in module's name.
  const Module* extending = nullptr;
};

std::string word_error(std::string_view file, uint32_t word, const std::string& what) {
  return printable_path(file) + ": word " + std::to_string(word) + ": " + what;
}

uint8_t r_operand(uint32_t raw) {
  Reg r = decode_r(raw);
  return operand(static_cast<uint8_t>(r.kind), r.index);
}
uint8_t r6_operand(uint32_t raw) {
  Reg r = decode_r6(raw);
  return operand(static_cast<uint8_t>(r.kind), r.index);
}
bool all_x(std::initializer_list<uint8_t> ops) {
  for (uint8_t o : ops)
    if (operand_kind(o) != kOperandX) return false;
  return true;
}

IOp generic_iop(Op op) {
  switch (op) {
    case Op::op_get: return IOp::get;
    case Op::op_drop: return IOp::drop;
    case Op::op_not: return IOp::not_;
    case Op::op_neg: return IOp::neg;
    case Op::op_type: return IOp::type;
    case Op::op_size: return IOp::size;
    case Op::op_add: return IOp::add;
    case Op::op_sub: return IOp::sub;
    case Op::op_mul: return IOp::mul;
    case Op::op_div: return IOp::div;
    case Op::op_mod: return IOp::mod;
    case Op::op_shr: return IOp::shr;
    case Op::op_shl: return IOp::shl;
    case Op::op_xor: return IOp::xor_;
    case Op::op_and: return IOp::and_;
    case Op::op_or: return IOp::or_;
    case Op::op_eq: return IOp::eq;
    case Op::op_ne: return IOp::ne;
    case Op::op_lt: return IOp::lt;
    case Op::op_gt: return IOp::gt;
    case Op::op_lte: return IOp::lte;
    default: return IOp::gte;
  }
}
// Compare-jumps: the _xx forms are listed in the same order as the generic ones.
IOp compare_xx(IOp generic) {
  return static_cast<IOp>(static_cast<unsigned>(generic) - static_cast<unsigned>(IOp::eq) +
                          static_cast<unsigned>(IOp::eq_xx));
}

CtorInfo* new_ctor(Module& m, uint32_t mask, uint32_t count, size_t operand_bytes) {
  auto buf = std::make_unique<uint8_t[]>(sizeof(CtorInfo) + operand_bytes);
  auto* c = reinterpret_cast<CtorInfo*>(buf.get());
  c->mask = mask;
  c->count = count;
  c->fn = nullptr;
  m.side.push_back(std::move(buf));
  return c;
}

// Push-word operands after the regmask: `n` R6 fields, four a word.
void read_pushes(const ModuleFile& f, uint32_t first_word, uint32_t n, uint8_t* out) {
  const OpInfo& push = op_info(static_cast<uint8_t>(Op::op_push));
  for (uint32_t i = 0; i < n; ++i)
    out[i] = r6_operand(field_raw(f.code[first_word + i / 4], push, static_cast<int>(i % 4)));
}

Term load32_term(uint32_t type, uint32_t v) {
  switch (static_cast<Load32Type>(type)) {
    case Load32Type::Int32: return make_int(static_cast<int32_t>(v));
    case Load32Type::UInt32: return make_int(v);
    default: {
      float f;
      std::memcpy(&f, &v, 4);
      return make_float(static_cast<double>(f));
    }
  }
}
Term load64_term(Module& m, uint32_t type, uint64_t v) {
  if (static_cast<Load64Type>(type) == Load64Type::Float64) {
    double d;
    std::memcpy(&d, &v, 8);
    return make_float(d);
  }
  return m.literal_arena.integer(static_cast<int64_t>(v));  // beyond 48 bits: an immortal big integer
}

// Binds call/tcall `in` to `fn`: natives by FunctionInfo, bytecode
// functions by entry and frame size (one load fewer on every call).
void set_call_target(Insn& in, const FunctionInfo* fn) {
  if (in.op == IOp::gcbif) {  // its CtorInfo is the module's, made in translate()
    const_cast<CtorInfo*>(in.u.ctor)->fn = fn;
    return;
  }
  if (in.op == IOp::bif || in.op == IOp::bif_map_get || in.op == IOp::bif_map_has_key) {
    in.u.fn = fn;
    return;
  }
  if (fn->native) {
    in.op = in.op == IOp::call ? IOp::call_native : IOp::tcall_native;
    in.u.fn = fn;
    return;
  }
  in.b = fn->frame;
  in.u.target = fn->code;
}

// The table of a select (term keys) or select_arity (arities): a jump
// table when the values are integers dense enough (at most twice as many
// slots as pairs, plus a few), else the keys sorted for a binary search.
// `keys` are the words compared (terms, or arities); `numbers` the values
// a jump table indexes by (small integers' values, arities), empty when
// some value is not an integer. The pairs are in file order.
const SelectInfo* build_select(Module& m, const Insn* fail, const std::vector<uint64_t>& keys,
                               const std::vector<int64_t>& numbers, const std::vector<const Insn*>& targets) {
  const size_t n = keys.size();
  int64_t low = 0, high = 0;
  if (!numbers.empty()) {
    low = *std::min_element(numbers.begin(), numbers.end());
    high = *std::max_element(numbers.begin(), numbers.end());
  }
  const bool dense = !numbers.empty() && static_cast<uint64_t>(high - low) < 2 * n + 8;
  const uint64_t count = dense ? static_cast<uint64_t>(high - low) + 1 : n;
  auto buf = std::make_unique<uint8_t[]>(sizeof(SelectInfo) + count * sizeof(const Insn*) +
                                         (dense ? 0 : n * sizeof(uint64_t)));
  auto* s = reinterpret_cast<SelectInfo*>(buf.get());
  s->fail = fail;
  s->low = low;
  s->count = count;
  s->keys = nullptr;
  if (dense) {
    for (uint64_t i = 0; i < count; ++i) s->targets[i] = fail;
    for (size_t k = 0; k < n; ++k) s->targets[numbers[k] - low] = targets[k];
  } else {
    std::vector<size_t> order(n);
    for (size_t k = 0; k < n; ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return keys[x] < keys[y]; });
    auto* sorted = reinterpret_cast<uint64_t*>(buf.get() + sizeof(SelectInfo) + count * sizeof(const Insn*));
    for (size_t k = 0; k < n; ++k) {
      sorted[k] = keys[order[k]];
      s->targets[k] = targets[order[k]];
    }
    s->keys = sorted;
  }
  m.side.push_back(std::move(buf));
  return s;
}

// m.catches from the verifier's catch analysis: where the innermost active
// catch changes, a run starts (an instruction no path reaches has none).
void build_catch_runs(Module& m, const ModuleFile& f, const std::vector<int32_t>& index_of) {
  bool any_try = false;
  for (uint32_t w : m.file_offsets)
    if ((f.code[w] & 0xFF) == static_cast<uint8_t>(Op::op_try)) any_try = true;
  if (!any_try) return;
  for (size_t k = 0; k < f.functions.size(); ++k) {
    std::vector<std::optional<CatchStack>> states;
    CatchFlowProblem problem;
    catch_flow(f, k, states, problem);  // verified: succeeds
    const uint32_t begin = f.functions[k].entry;
    for (size_t w = 0; w < states.size(); ++w) {
      if (index_of[begin + w] < 0) continue;  // not an instruction start
      int32_t handler = -1;
      uint8_t slot = 0;
      bool trace = false;
      if (states[w] && !states[w]->empty()) {
        handler = index_of[states[w]->back().handler];
        slot = states[w]->back().slot;
        trace = handler_reads_trace(f, states[w]->back().handler);
      }
      if (!m.catches.empty() && m.catches.back().handler == handler && m.catches.back().slot == slot) continue;
      m.catches.push_back({static_cast<uint32_t>(index_of[begin + w]), handler, slot, trace});
    }
  }
}

// Translates verified code into m.code. Calls into other modules are left
// in `pending`; everything else is bound here.
bool translate(Module& m, const ModuleFile& f, const AtomTable& atoms, std::string_view file,
               std::vector<PendingCall>& pending, LoadError& err) {
  const size_t nfun = f.functions.size();
  std::vector<int32_t> index_of(f.code.size() + 1, -1);
  std::vector<uint32_t> starts;
  for (size_t i = 0; i < nfun; ++i) {
    uint32_t end = i + 1 < nfun ? f.functions[i + 1].entry : static_cast<uint32_t>(f.code.size());
    for (uint32_t pc = f.functions[i].entry; pc < end; pc += instruction_words(f, pc)) {
      index_of[pc] = static_cast<int32_t>(starts.size());
      starts.push_back(pc);
    }
  }
  m.code = std::make_unique<Insn[]>(starts.size());
  m.code_size = starts.size();
  m.file_offsets = starts;

  for (const FunctionEntry& e : f.functions) {
    FunctionInfo& fi = m.functions.emplace_back();
    fi.module_atom = m.name_atom;
    fi.name_atom = m.literals[e.name];
    fi.arity = e.arity;
    fi.frame = e.frame;
    fi.upvals = e.upvals;
    fi.module = &m;
    fi.code = &m.code[index_of[e.entry]];
    fi.file_entry = e.entry;
    m.by_code.push_back(&fi);
  }

  size_t current = 0;  // the function instruction k belongs to
  // The defined X registers before each word of function `defined_of`
  // (computed for functions with a `wait` only).
  std::vector<uint32_t> defined;
  size_t defined_of = SIZE_MAX;
  for (size_t k = 0; k < starts.size(); ++k) {
    const uint32_t pc = starts[k];
    while (current + 1 < nfun && pc >= f.functions[current + 1].entry) ++current;
    const uint32_t w = f.code[pc];
    const OpInfo& info = op_info(static_cast<uint8_t>(w & 0xFF));
    const Op op = static_cast<Op>(info.code);
    auto raw = [&](int i) { return field_raw(w, info, i); };
    auto val = [&](int i) { return field_value(w, info, i); };
    Insn& in = m.code[k];
    in = Insn{};
    const uint32_t next = pc + instruction_words(f, pc);
    auto jump_target = [&](int32_t offset) { return &m.code[index_of[next + offset]]; };
    auto bind_function = [&](uint16_t lit) -> const FunctionInfo* {
      auto ref = parse_function_ref(f.literals[lit].text);  // verified: parses
      if (!ref->module.empty() && ref->module != m.name) {
        pending.push_back({k, pc, *ref});
        return nullptr;
      }
      auto name = atoms.find(ref->name);  // interned with the literals
      return name ? m.find(*name, ref->arity) : nullptr;  // verified: exists
    };

    switch (op) {
      case Op::op_mov: {
        uint8_t d = r_operand(raw(0)), s = r_operand(raw(1));
        in.a = d;
        in.b = s;
        if (raw(2) == raw(0)) {
          in.op = all_x({d, s}) ? IOp::mov_xx : IOp::mov;
          if (operand_kind(d) == kOperandY && operand_kind(s) == kOperandX) in.op = IOp::mov_xy;
          if (operand_kind(d) == kOperandX && operand_kind(s) == kOperandY) in.op = IOp::mov_yx;
        } else {
          in.op = IOp::swap;
          in.c = r_operand(raw(2));
        }
        break;
      }
      case Op::op_ret:
        in.a = r_operand(raw(0));
        in.op = operand_kind(in.a) == kOperandX ? IOp::ret_x : IOp::ret;
        break;
      case Op::op_call:
        in.op = IOp::call;
        in.a = r_operand(raw(0));
        if (const FunctionInfo* fn = bind_function(static_cast<uint16_t>(raw(1)))) set_call_target(in, fn);
        break;
      case Op::op_tcall:
        in.op = IOp::tcall;
        if (const FunctionInfo* fn = bind_function(static_cast<uint16_t>(raw(1)))) {
          set_call_target(in, fn);
          if (fn == &m.functions[current]) in.op = IOp::tcall_self;
        }
        break;
      case Op::op_get: case Op::op_drop: case Op::op_not: case Op::op_neg: case Op::op_type:
      case Op::op_size: case Op::op_add: case Op::op_sub: case Op::op_mul: case Op::op_div:
      case Op::op_mod: case Op::op_shr: case Op::op_shl: case Op::op_xor: case Op::op_and:
      case Op::op_or: {
        in.op = generic_iop(op);
        in.a = r_operand(raw(0));
        in.b = r_operand(raw(1));
        bool binary = info.fields[2] == FieldKind::RS;
        if (binary) in.c = r_operand(raw(2));
        if (binary && all_x({in.a, in.b, in.c})) {
          if (op == Op::op_add) in.op = IOp::add_xxx;
          if (op == Op::op_sub) in.op = IOp::sub_xxx;
          if (op == Op::op_mul) in.op = IOp::mul_xxx;
          if (op == Op::op_get) in.op = IOp::get_xxx;
        }
        break;
      }
      case Op::op_put:
        in.op = IOp::put;
        in.a = r6_operand(raw(0));
        in.b = r6_operand(raw(1));
        in.c = r6_operand(raw(2));
        in.d = r6_operand(raw(3));
        in.u.mask = f.code[pc + 1];
        break;
      case Op::op_cons:
        in.op = IOp::cons;
        in.a = r_operand(raw(0));
        in.b = r_operand(raw(1));
        in.c = r_operand(raw(2));
        in.u.mask = f.code[pc + 1];
        break;
      case Op::op_tuple: case Op::op_list: case Op::op_map: {
        uint32_t n = raw(1);
        uint32_t fields = op == Op::op_map ? 2 * n : n;
        CtorInfo* c = new_ctor(m, f.code[pc + 1], n, fields);
        read_pushes(f, pc + 2, fields, c->ops);
        in.op = op == Op::op_tuple ? IOp::tuple : op == Op::op_list ? IOp::list : IOp::map;
        in.a = r_operand(raw(0));
        in.u.ctor = c;
        break;
      }
      case Op::op_fn: {
        const FunctionInfo* target = bind_function(static_cast<uint16_t>(raw(1)));
        CtorInfo* c = new_ctor(m, f.code[pc + 1], target->upvals, target->upvals);
        c->fn = target;
        read_pushes(f, pc + 2, target->upvals, c->ops);
        in.op = IOp::fn;
        in.a = r_operand(raw(0));
        in.u.ctor = c;
        break;
      }
      case Op::op_apply:
        in.op = IOp::apply;
        in.a = r_operand(raw(0));
        in.b = r_operand(raw(1));
        break;
      case Op::op_loadi: case Op::op_loadu: case Op::op_loadc: case Op::op_load32: case Op::op_load64: {
        in.a = r_operand(raw(0));
        in.op = operand_kind(in.a) == kOperandX ? IOp::load_x : IOp::load;
        if (op == Op::op_loadi) in.u.term = make_int(val(1));
        else if (op == Op::op_loadu) in.u.term = make_int(raw(1));
        else if (op == Op::op_loadc) in.u.term = m.literals[raw(1)];
        else if (op == Op::op_load32) in.u.term = load32_term(raw(1), f.code[pc + 1]);
        else in.u.term = load64_term(m, raw(1), f.code[pc + 1] | (uint64_t{f.code[pc + 2]} << 32));
        break;
      }
      case Op::op_eq: case Op::op_ne: case Op::op_lt: case Op::op_gt: case Op::op_lte: case Op::op_gte:
        in.a = r6_operand(raw(0));
        in.b = r6_operand(raw(1));
        in.op = generic_iop(op);
        if (all_x({in.a, in.b})) in.op = compare_xx(in.op);
        in.u.target = jump_target(val(2));
        break;
      case Op::op_jmp:
        in.op = IOp::jmp;
        in.u.target = jump_target(val(0));
        break;
      case Op::op_try:
        in.op = IOp::try_;
        in.a = r_operand(raw(0));
        in.u.target = jump_target(val(1));  // the handler (handler_at finds it from the tables)
        break;
      case Op::op_tryend:
        in.op = IOp::tryend;
        in.a = r_operand(raw(0));
        break;
      case Op::op_raise:
        in.op = IOp::raise;
        in.a = r_operand(raw(0));
        in.b = r_operand(raw(1));
        in.c = r_operand(raw(2));
        break;
      case Op::op_bif: case Op::op_gcbif: {
        // The built-in lives in another module: link() binds it.
        auto ref = parse_function_ref(f.literals[raw(1)].text);  // verified: a built-in call
        const BuiltinCall b = *find_builtin_call(*ref);
        uint8_t args[kMaxBuiltinCallArity] = {};
        read_pushes(f, pc + first_push_word(info.extra), ref->arity, args);
        in.a = r_operand(raw(0));
        in.b = args[0];
        in.c = args[1];
        in.d = args[2];
        if (op == Op::op_gcbif) {
          in.op = IOp::gcbif;
          in.u.ctor = new_ctor(m, f.code[pc + 1], ref->arity, 0);
        } else {
          in.op = b == BuiltinCall::map_get ? IOp::bif_map_get : b == BuiltinCall::map_has_key ? IOp::bif_map_has_key : IOp::bif;
        }
        pending.push_back({k, pc, *ref});
        break;
      }
      // binaries (issue 15)
      case Op::op_bint: case Op::op_bsint: case Op::op_bintl: case Op::op_bsintl:
      case Op::op_bfloat: case Op::op_bfloatl: case Op::op_butf8: case Op::op_bbin:
        in.op = op == Op::op_bint ? IOp::bint : op == Op::op_bsint ? IOp::bsint : op == Op::op_bintl ? IOp::bintl
              : op == Op::op_bsintl ? IOp::bsintl : op == Op::op_bfloat ? IOp::bfloat
              : op == Op::op_bfloatl ? IOp::bfloatl : op == Op::op_bbin ? IOp::bbin : IOp::butf8;
        in.a = r6_operand(raw(0));
        in.b = r6_operand(raw(1));
        in.c = r6_operand(raw(2));
        if (op != Op::op_butf8) in.d = r6_operand(raw(3));
        break;
      case Op::op_brest: case Op::op_bappend:
        in.op = op == Op::op_brest ? IOp::brest : IOp::bappend;
        in.a = r_operand(raw(0));
        in.b = r_operand(raw(1));
        in.c = r_operand(raw(2));
        break;
      case Op::op_is: case Op::op_is_arity: {
        const uint32_t kind = raw(1) & (kTypeTestNegate - 1);
        const bool negate = raw(1) & kTypeTestNegate;
        in.a = r6_operand(raw(0));
        in.u.target = jump_target(val(2));
        if (op == Op::op_is) {
          static_assert(static_cast<unsigned>(IOp::is_reference) - static_cast<unsigned>(IOp::is_integer) ==
                            kTypeTestsDefined - 1 &&
                        static_cast<unsigned>(IOp::isnt_integer) - static_cast<unsigned>(IOp::is_integer) ==
                            kTypeTestsDefined);
          in.op = static_cast<IOp>(static_cast<unsigned>(IOp::is_integer) + kind + (negate ? kTypeTestsDefined : 0));
        } else {
          const bool tuple = static_cast<TypeTest>(kind) == TypeTest::Tuple;
          in.op = negate ? (tuple ? IOp::isnt_tuple_of : IOp::isnt_function_of)
                         : (tuple ? IOp::is_tuple_of : IOp::is_function_of);
          set_insn_arity(in, f.code[pc + 1]);
        }
        break;
      }
      case Op::op_eqx: case Op::op_nex:
        in.op = op == Op::op_eqx ? IOp::eqx : IOp::nex;
        in.a = r6_operand(raw(0));
        in.b = r6_operand(raw(1));
        in.u.target = jump_target(val(2));
        break;
      case Op::op_select: case Op::op_select_arity: {
        const bool arities = op == Op::op_select_arity;
        const uint32_t pairs = raw(1);
        std::vector<uint64_t> keys;
        std::vector<int64_t> numbers;
        std::vector<const Insn*> targets;
        for (uint32_t j = 0; j < pairs; ++j) {
          const uint32_t pair = f.code[pc + 2 + j];
          targets.push_back(jump_target(table_jump(pair)));
          const Term t = arities ? table_value(pair) : m.literals[table_value(pair)];  // verified: an atom or a small integer
          keys.push_back(t);
          if (arities || is_int(t)) numbers.push_back(arities ? static_cast<int64_t>(t) : int_value(t));
        }
        if (numbers.size() != keys.size()) numbers.clear();  // atoms among them: searched
        const SelectInfo* s = build_select(m, jump_target(static_cast<int32_t>(f.code[pc + 1])), keys, numbers, targets);
        if (arities) in.op = s->keys ? IOp::arity_bs : IOp::arity_jt;
        else in.op = s->keys ? IOp::select_bs : IOp::select_jt;
        in.a = r_operand(raw(0));
        in.u.select = s;
        break;
      }
      case Op::op_idiv: case Op::op_rem:
        in.op = op == Op::op_idiv ? IOp::idiv : IOp::rem;
        in.a = r_operand(raw(0));
        in.b = r_operand(raw(1));
        in.c = r_operand(raw(2));
        break;
      // processes: receive (issue 16)
      case Op::op_recv:
        in.op = IOp::recv;
        in.a = r_operand(raw(0));
        in.u.target = jump_target(val(1));
        break;
      case Op::op_recvnext:
        in.op = IOp::recvnext;
        in.u.target = jump_target(val(1));
        break;
      case Op::op_accept:
        in.op = IOp::accept;
        break;
      case Op::op_wait: {
        in.op = IOp::wait;
        in.a = r_operand(raw(0));
        in.u.target = jump_target(val(1));
        // The registers a process waiting here keeps (docs/processes.md,
        // "Memory layout of a process"): the verified defined set.
        if (defined_of != current) {
          defined = defined_regs_at(f, current);
          defined_of = current;
        }
        const size_t at = pc - f.functions[current].entry;
        set_wait_keeps(in, at < defined.size() ? defined[at] : ~0u);
        break;
      }
      case Op::op_push:
        err.message = word_error(file, pc, "push outside a constructor");  // the verifier rejects this first
        return false;
    }
  }
  build_catch_runs(m, f, index_of);
  return true;
}

// The fused form of `load_x` (of an int16 constant) when the next
// instruction is an arithmetic, compare, get or drop whose right operand is
// the loaded register (an integer constant then), else load_x itself.
IOp fused_load(const Insn& load, const Insn& next) {
  if (!is_int(load.u.term) || int_value(load.u.term) < INT16_MIN || int_value(load.u.term) > INT16_MAX)
    return IOp::load_x;
  const bool right_is_loaded = next.c == load.a;
  switch (next.op) {
    case IOp::add_xxx: return right_is_loaded ? IOp::load_add : IOp::load_x;
    case IOp::sub_xxx: return right_is_loaded ? IOp::load_sub : IOp::load_x;
    case IOp::mul_xxx: return right_is_loaded ? IOp::load_mul : IOp::load_x;
    case IOp::add: case IOp::sub: case IOp::mul:  // X or Y operands (no upvalue)
      if (!right_is_loaded || operand_kind(next.a) > kOperandY || operand_kind(next.b) > kOperandY) return IOp::load_x;
      return next.op == IOp::add ? IOp::load_add_any : next.op == IOp::sub ? IOp::load_sub_any : IOp::load_mul_any;
    case IOp::get: case IOp::get_xxx: case IOp::drop:  // a constant index
      if (!right_is_loaded || int_value(load.u.term) < 0) return IOp::load_x;
      return next.op == IOp::drop ? IOp::load_drop : IOp::load_get;
    case IOp::div: case IOp::mod:  // by a constant above 1 only (see division_reciprocal)
      if (!right_is_loaded || !all_x({next.a, next.b}) || int_value(load.u.term) <= 1) return IOp::load_x;
      return next.op == IOp::div ? IOp::load_div : IOp::load_mod;
    default: break;
  }
  if (next.b != load.a) return IOp::load_x;
  switch (next.op) {
    case IOp::eq_xx: return IOp::load_eq;
    case IOp::ne_xx: return IOp::load_ne;
    case IOp::lt_xx: return IOp::load_lt;
    case IOp::gt_xx: return IOp::load_gt;
    case IOp::lte_xx: return IOp::load_lte;
    case IOp::gte_xx: return IOp::load_gte;
    default: return IOp::load_x;
  }
}

// A function never ends with load_x (its last instruction is ret, tcall or
// jmp), so the next instruction is always in the same function.
void fuse_constant_loads(Module& m) {
  for (size_t k = 0; k + 1 < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (in.op != IOp::load_x) continue;
    in.op = fused_load(in, m.code[k + 1]);
    if (in.op == IOp::load_x) continue;
    const int64_t v = int_value(in.u.term);
    const bool divides = in.op == IOp::load_div || in.op == IOp::load_mod;
    const bool indexes = in.op == IOp::load_get || in.op == IOp::load_drop;
    set_fused_imm(in, static_cast<int32_t>(divides || indexes ? v : v * 65536));
    static_assert(INT16_MAX <= (1 << 17), "division_reciprocal's bound");
    if (divides) m.code[k + 1].u.reciprocal = division_reciprocal(v);
  }
}

// A self tail call of a frame-0 function that starts with an X-only compare
// becomes the loop_ form of that compare (compare_xx and loop_ list their
// six in order).
void fuse_loop_heads(Module& m) {
  static_assert(static_cast<unsigned>(IOp::gte_xx) - static_cast<unsigned>(IOp::eq_xx) == 5 &&
                static_cast<unsigned>(IOp::loop_gte) - static_cast<unsigned>(IOp::loop_eq) == 5);
  const unsigned first = static_cast<unsigned>(IOp::eq_xx);
  for (size_t k = 0; k < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (in.op != IOp::tcall_self || in.b != 0) continue;
    const unsigned head = static_cast<unsigned>(in.u.target->op);
    if (head >= first && head < first + 6) in.op = static_cast<IOp>(static_cast<unsigned>(IOp::loop_eq) + head - first);
  }
}

// Two moves of one specialised kind in a row become a pair form on the
// first; the second stays in place (it runs alone when jumped to, and on
// the portable engine). Pairs do not overlap: a run of three moves is a
// pair and a single move.
void fuse_move_pairs(Module& m) {
  for (size_t k = 0; k + 1 < m.code_size; ++k) {
    Insn& in = m.code[k];
    if (m.code[k + 1].op != in.op) continue;
    switch (in.op) {
      case IOp::mov_xx: in.op = IOp::mov2_xx; break;
      case IOp::mov_xy: in.op = IOp::mov2_xy; break;
      case IOp::mov_yx: in.op = IOp::mov2_yx; break;
      default: continue;
    }
    ++k;
  }
}

// Operand-kind variants (insn.h): an instruction whose register operands
// are all X registers or Y slots gets the variant naming their kinds, if
// there is one. Runs last: the other passes look for the generic forms.
void pick_kind_variants(Module& m) {
  // variant[generic][kinds]: kinds has bit i set when operand i is a Y slot
  // (operands a, b, c; a and b for two-operand instructions).
  struct Table {
    std::array<std::array<IOp, 8>, kNumIOps> variant;
    std::array<uint8_t, kNumIOps> operands{};  // 0: no variants
    Table() {
      for (auto& row : variant) row.fill(IOp::mov);  // mov: none
      auto add = [this](IOp generic, const char* kinds, IOp name) {
        unsigned bits = 0, n = 0;
        for (; kinds[n]; ++n) bits |= (kinds[n] == 'y' ? 1u : 0u) << n;
        variant[static_cast<unsigned>(generic)][bits] = name;
        operands[static_cast<unsigned>(generic)] = static_cast<uint8_t>(n);
      };
#define LZR_VARIANT_ENTRY(I, generic, kinds, name) add(IOp::generic, #kinds, IOp::name);
      LZR_KIND_VARIANTS(LZR_VARIANT_ENTRY, _)
#undef LZR_VARIANT_ENTRY
    }
  };
  static const Table table;
  for (size_t k = 0; k < m.code_size; ++k) {
    Insn& in = m.code[k];
    const unsigned n = table.operands[static_cast<unsigned>(in.op)];
    if (n == 0) continue;
    const uint8_t ops[3] = {in.a, in.b, in.c};
    unsigned bits = 0;
    bool plain = true;
    for (unsigned i = 0; i < n; ++i) {
      plain = plain && operand_kind(ops[i]) <= kOperandY;
      bits |= (operand_kind(ops[i]) == kOperandY ? 1u : 0u) << i;
    }
    const IOp v = table.variant[static_cast<unsigned>(in.op)][bits];
    if (plain && v != IOp::mov) in.op = v;
  }
}

// The compare that holds for (y, x) exactly when `op` holds for (x, y), of
// the six listed from `first` in the order eq, ne, lt, gt, lte, gte.
unsigned swapped_compare(unsigned i) {
  static const unsigned swapped[] = {0, 1, 3, 2, 5, 4};
  return swapped[i];
}

// Pairs the loader fuses into one dispatch (insn.h), after the known-operand
// forms and the kind variants exist: a list's head and tail taken from the
// same register, and a constant step (add_xk, sub_xk) followed by a compare
// of its result with another X register, the shape of a counting loop
// closed by a jump. The second instruction stays in place. Pairs do not
// overlap.
void fuse_pairs(Module& m) {
  static_assert(static_cast<unsigned>(IOp::gte_xx) - static_cast<unsigned>(IOp::eq_xx) == 5 &&
                static_cast<unsigned>(IOp::addk_gte) - static_cast<unsigned>(IOp::addk_eq) == 5 &&
                static_cast<unsigned>(IOp::subk_gte) - static_cast<unsigned>(IOp::subk_eq) == 5);
  for (size_t k = 0; k + 1 < m.code_size; ++k) {
    Insn& in = m.code[k];
    const Insn& next = m.code[k + 1];
    if ((in.op == IOp::hd_xxx && next.op == IOp::tl_xxx) || (in.op == IOp::tl_xxx && next.op == IOp::hd_xxx)) {
      if (next.b != in.b || in.a == in.b) continue;  // the second must read the same list
      in.op = in.op == IOp::hd_xxx ? IOp::hdtl_xx : IOp::tlhd_xx;
      ++k;
      continue;
    }
    if (in.op != IOp::add_xk && in.op != IOp::sub_xk) continue;
    const unsigned cmp = static_cast<unsigned>(next.op) - static_cast<unsigned>(IOp::eq_xx);
    if (cmp > 5 || next.a == next.b || (next.a != in.a && next.b != in.a)) continue;
    const unsigned named = next.a == in.a ? cmp : swapped_compare(cmp);
    in.d = next.a == in.a ? next.b : next.a;
    in.op = static_cast<IOp>(static_cast<unsigned>(in.op == IOp::add_xk ? IOp::addk_eq : IOp::subk_eq) + named);
    ++k;
  }
}

// The compare that holds for (y, x) exactly when `op` holds for (x, y).
IOp swap_compare(IOp op) {
  switch (op) {
    case IOp::step_lt: return IOp::step_gt;
    case IOp::step_gt: return IOp::step_lt;
    case IOp::step_lte: return IOp::step_gte;
    case IOp::step_gte: return IOp::step_lte;
    default: return op;  // eq, ne
  }
}

// The back edge of a counting loop, at k: a fused load_add/load_sub of a
// constant into xk stepping xi in place (k + 1: xi = xi +- xk), then the
// loop_ form (k + 2) whose head compares xi with another register xo.
// It becomes step_<cmp> with b = o, where <cmp> is the head's compare
// written as "xi <cmp> xo" (swapped if the head reads xo first), so the
// engine compares the new xi, still in a machine register, with xo. The
// asm engine does not store the constant: xk must be dead at the tail call
// (k >= the function's arity) and must not be xo. Everything else (the
// load, the add, the loop_ form) stays in place for the slow paths and for
// the portable engine, which runs step_ forms as load_x.
void fuse_loop_steps(Module& m) {
  static_assert(static_cast<unsigned>(IOp::step_gte) - static_cast<unsigned>(IOp::step_eq) == 5);
  const unsigned first_loop = static_cast<unsigned>(IOp::loop_eq);
  for (size_t k = 0; k + 2 < m.code_size; ++k) {
    Insn& in = m.code[k];
    const Insn& step = m.code[k + 1];
    const Insn& loop = m.code[k + 2];
    const unsigned loop_op = static_cast<unsigned>(loop.op);
    if ((in.op != IOp::load_add && in.op != IOp::load_sub) || step.a != step.b) continue;
    if (loop_op < first_loop || loop_op >= first_loop + 6) continue;
    const FunctionInfo* fn = m.function_at(loop.u.target);
    const Insn& head = *loop.u.target;
    const uint8_t i = step.a, constant = in.a;
    if (fn == nullptr || constant < fn->arity || head.a == head.b) continue;
    if (i != head.a && i != head.b) continue;
    const uint8_t other = i == head.a ? head.b : head.a;
    if (other == constant) continue;
    const int64_t c = int_value(in.u.term);
    if (in.op == IOp::load_sub) {
      if (c == INT16_MIN) continue;  // -c << 16 would not fit
      set_fused_imm(in, static_cast<int32_t>(-c * 65536));
    }
    IOp op = static_cast<IOp>(static_cast<unsigned>(IOp::step_eq) + loop_op - first_loop);
    in.op = i == head.a ? op : swap_compare(op);
    in.b = other;
  }
}

// ---- loading: read, verify, translate and register modules, then link ----

// A module of this load whose calls into other modules are not bound yet.
struct Unlinked {
  Module* module;
  std::vector<PendingCall> pending;
  size_t next = 0;  // pending[next] is the call being bound
};

// dlerror() text usually repeats the path it was given; drop that prefix.
std::string dl_reason(const std::string& path) {
  const char* why = dlerror();
  std::string text = why ? why : "unknown error";
  if (text.compare(0, path.size() + 2, path + ": ") == 0) text.erase(0, path.size() + 2);
  return printable_path(text);
}

// dlsym(handle, ...) also searches the library's dependencies (libc...), so
// a symbol the library lacks may still be found elsewhere; accept only
// symbols the library itself defines.
bool defined_in(void* handle, void* sym) {
  Dl_info info;
  link_map* map = nullptr;
  if (!dladdr(sym, &info) || dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map) return false;
  return info.dli_fname && map->l_name && std::strcmp(info.dli_fname, map->l_name) == 0;
}

Module* load_native(LoadSession& s, const ModuleFile& f, const std::string& label, LoadError& err) {
  auto m = std::make_unique<Module>();
  m->name = f.native_name;
  m->file = label;
  if (s.vm.find_module(s.vm.atom(m->name))) {
    err.message = printable_path(label) + ": module " + printable(m->name) + " is already loaded";
    return nullptr;
  }
  m->name_atom = s.vm.atom(m->name);
  // Opening a library runs its code: only where the user allowed it.
  const NativeLibraryChoice lib = choose_native_library(f, label, s.vm.native_path);
  if (!lib.problem.empty()) {
    err.message = printable_path(label) + ": " + lib.problem;
    return nullptr;
  }
  const std::string shown = printable_path(lib.path);
  void* handle = dlopen(lib.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    err.message = printable_path(label) + ": cannot load native library " + shown + ": " + dl_reason(lib.path);
    return nullptr;
  }
  m->native_library = handle;  // ~Module closes it, also when this load fails
  for (const std::string& entry : f.native_functions) {
    auto ref = parse_function_ref(entry);  // the verifier checked the form
    void* sym = dlsym(handle, ref->name.c_str());
    if (!sym || !defined_in(handle, sym)) {
      err.message = printable_path(label) + ": native library " + shown + " has no symbol " + printable(ref->name) +
                    " (for " + printable(entry) + ")";
      return nullptr;
    }
    FunctionInfo& fi = m->functions.emplace_back();
    fi.module_atom = m->name_atom;
    fi.name_atom = s.vm.atom(ref->name);
    fi.arity = static_cast<uint8_t>(ref->arity);
    fi.module = m.get();
    fi.native = reinterpret_cast<NativeFn>(sym);
  }
  Module* added = s.vm.add_module(std::move(m));
  s.added.push_back(added->name_atom);
  return added;
}

// A library module extends the built-in module of its name (docs/builtins.md,
// "Where a call goes"): the built-in's natives are listed after the
// library's own functions, and the library owns the built-in module so that
// calls already bound to its natives stay valid. A library function with a
// native's name and arity is an error: a call would be ambiguous.
bool extend_builtin(LoadSession& s, Module& m, const std::string& label, LoadError& err) {
  for (const FunctionInfo& native : s.vm.find_module(m.name_atom)->functions) {
    if (m.find(native.name_atom, native.arity)) {
      err.message = printable_path(label) + ": module " + printable(m.name) + " defines " +
                    printable(s.vm.atoms.text(native.name_atom)) + "/" + std::to_string(native.arity) +
                    ", which is a built-in function of that module";
      return false;
    }
  }
  m.base = s.vm.take_module(m.name_atom);
  for (const FunctionInfo& native : m.base->functions) {
    FunctionInfo& fi = m.functions.emplace_back(native);
    fi.module = &m;
  }
  return true;
}

Module* add_script(LoadSession& s, const ModuleFile& f, const std::string& label, std::vector<PendingCall>& calls,
                   LoadError& err) {
  auto m = std::make_unique<Module>();
  m->file = label;
  m->name = f.name();
  const Module* existing = s.vm.find_module(s.vm.atom(m->name));
  if (existing && existing != s.extending) {
    err.message = printable_path(label) + ": module " + printable(m->name) + " is already loaded";
    return nullptr;
  }
  m->name_atom = s.vm.atom(m->name);
  for (size_t i = 0; i < f.literals.size(); ++i) {
    std::string why;
    auto t = m->literal_arena.materialize(f.literals[i], s.vm.atoms, why);
    if (!t) {
      err.message = printable_path(label) + ": literal " + std::to_string(i) + ": " + why;
      return nullptr;
    }
    m->literals.push_back(*t);
  }
  if (f.lines) {
    std::string why;
    auto location = m->literal_arena.materialize(
        Literal::tuple({Literal::atom("file"), Literal::binary(f.lines->file)}), s.vm.atoms, why);
    if (!location) {
      err.message = label + ": line table: " + why;
      return nullptr;
    }
    m->file_location = *location;
    for (const LineEntry& e : f.lines->entries)  // verified: words and lines fit 32 bits
      m->lines.push_back({static_cast<uint32_t>(e.word), static_cast<uint32_t>(e.line)});
  }
  std::vector<PendingCall> pending;
  if (!translate(*m, f, s.vm.atoms, label, pending, err)) return nullptr;
  fuse_constant_loads(*m);
  fuse_loop_heads(*m);
  fuse_loop_steps(*m);
  fuse_move_pairs(*m);
  specialise_known_operands(*m);
  pick_kind_variants(*m);
  fuse_pairs(*m);
  if (existing && !extend_builtin(s, *m, label, err)) return nullptr;
  Module* added = s.vm.add_module(std::move(m));
  s.added.push_back(added->name_atom);
  calls = std::move(pending);  // link() binds them
  return added;
}

// Verifies and registers one module. A script's calls into other modules
// are left in `pending` for link().
Module* add_parsed(LoadSession& s, const ModuleFile& f, const std::string& label, std::vector<PendingCall>& pending,
                   LoadError& err) {
  if (!verify_module(f, label, err)) return nullptr;
  if (f.type == ModuleType::Native) return load_native(s, f, label, err);
  return add_script(s, f, label, pending, err);
}

Module* add_path(LoadSession& s, const std::string& path, std::vector<PendingCall>& pending, LoadError& err) {
  std::string bytes;
  if (auto problem = read_regular_file(path, bytes)) {
    err.message = printable_path(path) + ": " + *problem;
    return nullptr;
  }
  if (fs::path(path).extension() == ".lzs") {
    std::string why;
    auto f = assemble(bytes, path, why);
    if (!f) {
      err.message = why;
      return nullptr;
    }
    return add_parsed(s, *f, path, pending, err);
  }
  auto f = read_module(bytes, path, err);
  if (!f) return nullptr;
  return add_parsed(s, *f, path, pending, err);
}

// Module names become file names on the search path (NAME.lzr): a name
// that could name a file elsewhere is never looked up.
std::optional<std::string> unsafe_module_name(std::string_view name) {
  if (name.find('/') != std::string_view::npos) return "contains '/'";
  if (name.find('\\') != std::string_view::npos) return "contains '\\'";
  if (name.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (name.find("..") != std::string_view::npos) return "contains '..'";
  return std::nullopt;
}

// The file of module `name` on the search path (NAME.lzr, then NAME.lzs, in
// each folder in order), read and added (its own calls left in `pending`).
// Sets `found` to false, and returns nullptr without an error, when no
// folder has one.
Module* add_from_search_path(LoadSession& s, std::string_view name, std::vector<PendingCall>& pending, bool& found,
                             LoadError& err) {
  found = true;
  for (const std::string& dir : s.vm.search_path) {
    for (const char* ext : {".lzr", ".lzs"}) {
      const std::string path = (fs::path(dir) / (std::string(name) + ext)).string();
      if (auto problem = not_regular_file_problem(path)) {
        err.message = printable_path(path) + ": " + *problem;
        return nullptr;
      }
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) continue;
      Module* m = add_path(s, path, pending, err);
      if (m && m->name != name) {
        err.message = printable_path(path) + ": defines module " + printable(m->name) + ", expected " + printable(name);
        return nullptr;
      }
      return m;
    }
  }
  found = false;
  return nullptr;
}

std::string searched(const VM& vm) {
  std::string where;
  for (const std::string& dir : vm.search_path) where += (where.empty() ? "" : ":") + printable_path(dir);
  return "searched " + (where.empty() ? std::string("nothing") : where);
}

// `native.M` names the built-in module M itself, also once a library has
// extended it: a library module calls its own natives so, since inside
// module M the name `M.f/a` means M's bytecode (assembly.md §3.1).
constexpr std::string_view kNativePrefix = "native.";

// The module `name`: loaded already, or found on the search path and added
// (its own calls left in `pending`).
Module* find_or_add_named(LoadSession& s, std::string_view name, std::vector<PendingCall>& pending, LoadError& err) {
  if (name.starts_with(kNativePrefix)) {
    const std::string_view builtin = name.substr(kNativePrefix.size());
    auto atom = s.vm.atoms.find(builtin);
    Module* m = atom ? s.vm.find_module(*atom) : nullptr;
    if (m && m->base) return m->base.get();
    if (m && m->builtin) return m;
    err.message = "module " + printable(name) + " not found (" + printable(builtin) + " is not a built-in module)";
    return nullptr;
  }
  if (auto atom = s.vm.atoms.find(name))
    if (Module* m = s.vm.find_module(*atom)) return m;
  if (auto why = unsafe_module_name(name)) {
    err.message = "module name " + printable(name) + " " + *why + ", so no module file can have it";
    return nullptr;
  }
  bool found;
  Module* m = add_from_search_path(s, name, pending, found, err);
  if (!found) err.message = "module " + printable(name) + " not found (" + searched(s.vm) + ")";
  return m;
}

// A built-in module lacks a function a call names: its library file, if the
// search path has one, extends it (an extended module is no longer
// `builtin`, so this happens once). Returns the extended module, or
// nullptr: with `err` set when the library file is bad, else when there is
// none (looked for again next time: a host may add folders).
Module* add_library_of(LoadSession& s, Module& builtin, std::vector<PendingCall>& pending, LoadError& err) {
  bool found;
  s.extending = &builtin;
  Module* m = add_from_search_path(s, builtin.name, pending, found, err);
  s.extending = nullptr;
  return m;
}

// "mod.fun/2", escaped: names come from the module.
std::string callee_name(const PendingCall& pc) {
  return printable(pc.target.module + "." + pc.target.name) + "/" + std::to_string(pc.target.arity);
}

// "FILE: word W: call to mod.fun/2": the call `u` is binding.
std::string call_site(const Unlinked& u) {
  const PendingCall& pc = u.pending[u.next];
  return word_error(u.module->file, pc.word, "call to " + callee_name(pc));
}

// `what` went wrong binding the innermost call of `chain`: the message names
// the calls that led there, outermost first. A long chain shows its ends
// only, so the message does not grow with the chain.
std::string chained(const std::vector<Unlinked>& chain, const std::string& what) {
  constexpr size_t kEnds = 8;
  const size_t outer = chain.size() - 1;
  std::string out;
  for (size_t i = 0; i < outer; ++i) {
    if (outer > 2 * kEnds && i >= kEnds && i < outer - kEnds) {
      if (i == kEnds) out += "... " + count_of(outer - 2 * kEnds, "more call") + " ...: ";
      continue;
    }
    out += call_site(chain[i]) + ": ";
  }
  return out + what;
}

// Binds the calls of `root` into other modules, loading each module from
// the search path when first called, and linking it before going on (depth
// first, in call order). The chain of modules being linked is an explicit
// stack, so a chain of any length needs no C++ stack per module.
bool link(LoadSession& s, Module* root, std::vector<PendingCall> pending, LoadError& err) {
  std::vector<Unlinked> chain;
  if (!pending.empty()) chain.push_back({root, std::move(pending)});
  while (!chain.empty()) {
    Unlinked& u = chain.back();
    if (u.next == u.pending.size()) {
      chain.pop_back();
      continue;
    }
    const PendingCall& pc = u.pending[u.next];
    std::vector<PendingCall> callee_calls;
    Module* target = find_or_add_named(s, pc.target.module, callee_calls, err);
    if (!target) {
      err.message = chained(chain, call_site(u) + ": " + err.message);
      return false;
    }
    if (!callee_calls.empty()) {  // link the new module first; this call binds when we are back
      chain.push_back({target, std::move(callee_calls)});
      continue;
    }
    auto atom = s.vm.atoms.find(pc.target.name);
    const FunctionInfo* fn = atom ? target->find(*atom, pc.target.arity) : nullptr;
    if (!fn && target->builtin && !pc.target.module.starts_with(kNativePrefix)) {
      if (Module* library = add_library_of(s, *target, callee_calls, err)) {
        if (!callee_calls.empty()) chain.push_back({library, std::move(callee_calls)});
        continue;  // this call binds against the extended module
      }
      if (!err.message.empty()) {
        err.message = chained(chain, call_site(u) + ": " + err.message);
        return false;
      }
    }
    if (!fn) {
      err.message = chained(chain, word_error(u.module->file, pc.word, "call to undefined function " + callee_name(pc)));
      return false;
    }
    const IOp site = u.module->code[pc.insn].op;
    if ((site == IOp::bif || site == IOp::gcbif || site == IOp::bif_map_get || site == IOp::bif_map_has_key) &&
        !fn->native) {
      err.message = chained(chain, word_error(u.module->file, pc.word,
                                              callee_name(pc) + " is not a built-in (bif and gcbif call built-ins only)"));
      return false;
    }
    if (fn->upvals > 0) {
      err.message = chained(chain, word_error(u.module->file, pc.word,
                                              "call to " + callee_name(pc) + ", which needs a closure (upvals > 0)"));
      return false;
    }
    set_call_target(u.module->code[pc.insn], fn);
    ++u.next;
  }
  return true;
}

// Runs one top-level load: `add` registers the first module, link() the
// rest. On failure unloads every module the load added.
template <typename F>
Module* transaction(VM& vm, LoadError& err, F&& add) {
  LoadSession s{vm, {}};
  std::vector<PendingCall> pending;
  Module* m = add(s, pending);
  if (m && !link(s, m, std::move(pending), err)) m = nullptr;
  if (!m) {
    for (auto it = s.added.rbegin(); it != s.added.rend(); ++it) vm.remove_module(*it);
  }
  return m;
}

}  // namespace

Module* load_module_file(VM& vm, const std::string& path, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) {
    return add_path(s, path, pending, err);
  });
}

Module* load_module_bytes(VM& vm, std::string_view bytes, const std::string& label, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) -> Module* {
    auto f = read_module(bytes, label, err);
    return f ? add_parsed(s, *f, label, pending, err) : nullptr;
  });
}

Module* load_library_of(VM& vm, Module& builtin, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) {
    return add_library_of(s, builtin, pending, err);
  });
}

Module* load_module_named(VM& vm, std::string_view name, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) {
    return find_or_add_named(s, name, pending, err);
  });
}

}  // namespace lzr
