#include "engine/translate.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "engine/insn.h"
#include "format/builtin_calls.h"
#include "format/catch_flow.h"
#include "format/defined_regs.h"
#include "format/message_text.h"
#include "format/opcodes.h"
#include "vm/atoms.h"

namespace lzr {

namespace {


uint8_t r_operand(uint32_t raw) {
  Reg r = decode_r(raw);
  return operand(static_cast<uint8_t>(r.kind), r.index);
}
uint8_t r6_operand(uint32_t raw) {
  Reg r = decode_r6(raw);
  return operand(static_cast<uint8_t>(r.kind), r.index);
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
      m.catches.push_back({static_cast<uint32_t>(index_of[begin + w]), handler, slot, trace, f.functions[k].frame});
    }
  }
  m.in_catch.assign((m.code_size + 63) / 64, 0);
  for (size_t r = 0; r < m.catches.size(); ++r) {
    if (m.catches[r].handler < 0) continue;
    const size_t end = r + 1 < m.catches.size() ? m.catches[r + 1].first : m.code_size;
    for (size_t i = m.catches[r].first; i < end; ++i) m.in_catch[i / 64] |= uint64_t{1} << (i % 64);
  }
}

// The internal form of a `bif` of built-in b: its own where the engines
// run it in line, else the generic one.
IOp bif_form(BuiltinCall b) {
  switch (b) {
    case BuiltinCall::map_get: return IOp::bif_map_get;
    case BuiltinCall::map_has_key: return IOp::bif_map_has_key;
    case BuiltinCall::math_sqrt: return IOp::bif_sqrt;
    default: return IOp::bif;
  }
}

}  // namespace

std::string word_error(std::string_view file, uint32_t word, const std::string& what) {
  return printable_path(file) + ": word " + std::to_string(word) + ": " + what;
}

// Binds call/tcall `in` to `fn`: natives by FunctionInfo, bytecode
// functions by entry and frame size (one load fewer on every call).
void set_call_target(Insn& in, const FunctionInfo* fn) {
  if (in.op == IOp::gcbif) {  // its CtorInfo is the module's, made in translate()
    const_cast<CtorInfo*>(in.u.ctor)->fn = fn;
    return;
  }
  if (in.op == IOp::bif || in.op == IOp::bif_map_get || in.op == IOp::bif_map_has_key || in.op == IOp::bif_sqrt) {
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

void call_in_line(Insn& in, const FunctionRef& ref, const FunctionInfo* fn) {
  if (in.op != IOp::call_native || !fn->module->builtin) return;
  const std::optional<BuiltinCall> b = find_builtin_call(ref);
  if (!b || bif_form(*b) != IOp::bif_sqrt) return;  // its one argument is x0, its result the call's destination
  in.op = IOp::bif_sqrt;
  in.b = operand(kOperandX, 0);
}

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
        in.u.target = jump_target(val(1));  // the handler (catch_at finds it from the tables)
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
          in.op = bif_form(b);
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

}  // namespace lzr
