// Syntax tree -> ModuleFile: names and labels resolved, literals pooled in
// first-use order, regmasks from liveness, branches relaxed, words encoded,
// and the result verified (an assembler bug must never yield a module the
// loader would reject).
#include "asm/assembler.h"

#include <bit>
#include <map>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "asm/instr.h"
#include "asm/parser.h"
#include "format/builtin_calls.h"
#include "format/catch_flow.h"
#include "format/defined_regs.h"
#include "format/message_text.h"
#include "format/verifier.h"

namespace lzr {

namespace {

using namespace asm_text;

struct AsmFailure {
  SourcePos pos;
  std::string message;
};

std::string literal_key(const Literal& lit) {
  std::vector<uint8_t> bytes;
  encode_literal(lit, bytes);
  return std::string(bytes.begin(), bytes.end());
}

struct FunctionDecl {
  std::string name;
  unsigned arity = 0;
  unsigned frame = 0;
  unsigned upvals = 0;
};

// `file` without its folders: the line table's default file name.
std::string_view base_name(std::string_view file) {
  const size_t slash = file.find_last_of("/\\");
  return slash == std::string_view::npos ? file : file.substr(slash + 1);
}

class Assembler {
 public:
  Assembler(ParsedModule& pm, std::string_view file, const AssembleOptions& options)
      : pm_(pm), file_(file), options_(options) {}

  // Throws AsmFailure; the caller turns it into "file:line:col: message".
  ModuleFile run() {
    value_pool_.assign(pm_.values.size(), -1);
    for (const Literal& lit : pm_.pool) {
      pool_index_.emplace(literal_key(lit), static_cast<uint16_t>(pool_.size()));
      pool_.push_back(lit);
    }
    declared_ = pool_.size();
    out_.module_name = module_name();
    declare_functions();
    uint32_t base = 0;
    for (size_t f = 0; f < pm_.functions.size(); ++f) {
      std::vector<uint32_t> words = assemble_function(pm_.functions[f], decls_[f]);
      if (words.size() > UINT32_MAX - base) fail(pm_.functions[f].pos, "the module has more than 2^32 code words");
      out_.functions.push_back(FunctionEntry{name_indices_[f], static_cast<uint8_t>(decls_[f].arity),
                                             static_cast<uint8_t>(decls_[f].frame),
                                             static_cast<uint8_t>(decls_[f].upvals), 0, base});
      for (const auto& [offset, in] : placed_) lines_.push_back({base + offset, in});
      placed_.clear();
      base += static_cast<uint32_t>(words.size());
      out_.code.insert(out_.code.end(), words.begin(), words.end());
    }
    out_.literals = std::move(pool_);
    check_catches();
    check_defined_regs();
    if (options_.line_table && !pm_.no_lines) out_.lines = line_table();
    return std::move(out_);
  }

  // The verifier's catch rules (format/catch_flow.h), reported at the source
  // line: they are about how the program uses try and tryend.
  // The verifier's definedness rule (format/defined_regs.h), reported at
  // the source line of the read.
  void check_defined_regs() {
    for (size_t k = 0; k < out_.functions.size(); ++k) {
      CatchFlowProblem problem;
      if (lzr::check_defined_regs(out_, k, problem)) continue;
      for (const auto& [word, in] : lines_)
        if (word == problem.word) fail(in->pos, problem.problem);
      fail(SourcePos{1, 1}, problem.problem);
    }
  }

  void check_catches() {
    bool any = false;
    for (const auto& [word, in] : lines_) {
      const auto op = static_cast<Op>(out_.code[word] & 0xFF);
      any = any || op == Op::op_try || op == Op::op_tryend;
    }
    if (!any) return;
    std::unordered_map<size_t, const ParsedInstr*> at;
    for (const auto& [word, in] : lines_) at.emplace(word, in);
    auto where = [&](size_t word) {
      auto it = at.find(word);
      return it == at.end() ? fmt::format("word {}", word) : fmt::format("line {}", it->second->pos.line);
    };
    for (size_t k = 0; k < out_.functions.size(); ++k) {
      std::vector<std::optional<CatchStack>> states;
      CatchFlowProblem problem;
      if (catch_flow(out_, k, states, problem, where)) continue;
      auto it = at.find(problem.word);
      fail(it == at.end() ? SourcePos{1, 1} : it->second->pos, problem.problem);
    }
  }

 private:
  [[noreturn]] void fail(SourcePos pos, std::string message) { throw AsmFailure{pos, std::move(message)}; }

  // With .line directives the table is exactly their marks; otherwise an
  // entry starts wherever an instruction's source line differs from the
  // previous instruction's. Empty code gets no table.
  std::optional<LineTable> line_table() {
    if (lines_.empty()) return std::nullopt;
    LineTable t;
    t.file = pm_.file ? *pm_.file : std::string(base_name(file_));
    if (t.file.empty() || t.file.size() > 255 || atom_text_problem(t.file)) {
      fail(SourcePos{1, 1}, fmt::format("cannot name the line table's file after '{}'; add a .file \"NAME\" line", file_));
    }
    const ParsedInstr* previous = nullptr;
    for (const auto& [word, in] : lines_) {
      if (in == previous) continue;  // a constant's load and its instruction: one line, one entry
      previous = in;
      if (pm_.explicit_lines) {
        if (in->line_mark) t.entries.push_back({word, in->line_mark});
      } else if (t.entries.empty() || t.entries.back().line != in->pos.line) {
        t.entries.push_back({word, in->pos.line});
      }
    }
    if (t.entries.empty()) return std::nullopt;  // unreachable: explicit mode has a mark on some instruction
    return t;
  }

  uint16_t intern(const Literal& lit, SourcePos pos) {
    std::string key = literal_key(lit);
    auto it = pool_index_.find(key);
    if (it != pool_index_.end()) return it->second;
    if (pool_.size() >= 0xFFFF) fail(pos, "the module needs more than 65535 literals");
    auto index = static_cast<uint16_t>(pool_.size());
    pool_index_.emplace(std::move(key), index);
    pool_.push_back(lit);
    return index;
  }

  // A literal written out in an instruction (its index in pm_.values).
  uint16_t intern_value(uint32_t value, SourcePos pos) {
    int32_t& index = value_pool_[value];
    if (index < 0) index = intern(pm_.values[value], pos);
    return static_cast<uint16_t>(index);
  }

  const Literal& pool_entry(int64_t index, SourcePos pos) {
    if (!pm_.has_pool) fail(pos, fmt::format("#{} needs a .pool block declaring the literal pool", index));
    if (index < 0 || static_cast<size_t>(index) >= declared_) {
      fail(pos, fmt::format("#{} is not in the declared pool ({} entries)", index, declared_));
    }
    return pool_[static_cast<size_t>(index)];
  }

  const std::string& pool_atom(int64_t index, SourcePos pos, std::string_view role) {
    const Literal& lit = pool_entry(index, pos);
    if (lit.kind != Literal::Kind::Atom) fail(pos, fmt::format("#{} is not an atom, so it cannot be {}", index, role));
    return lit.text;
  }

  uint16_t module_name() {
    if (pm_.name_pool >= 0) {
      module_text_ = pool_atom(pm_.name_pool, pm_.name_pos, "the module name");
      if (module_text_.empty()) fail(pm_.name_pos, "module name must not be empty");
      return static_cast<uint16_t>(pm_.name_pool);
    }
    std::string name;
    if (pm_.name) {
      name = *pm_.name;
    } else {
      std::string_view stem = file_;
      size_t slash = stem.find_last_of("/\\");
      if (slash != std::string_view::npos) stem.remove_prefix(slash + 1);
      size_t dot = stem.rfind('.');
      if (dot != std::string_view::npos && dot > 0) stem = stem.substr(0, dot);
      if (stem.empty() || atom_text_problem(stem)) {
        fail(SourcePos{1, 1}, fmt::format("cannot name the module after the file '{}'; add a `module NAME` line",
                                          printable_path(file_)));
      }
      name = std::string(stem);
    }
    module_text_ = name;
    return intern(Literal::atom(name), pm_.name_pos);
  }

  // Names, arities, frames and upvals of every function, before any code:
  // calls and closures refer to functions further down.
  void declare_functions() {
    std::map<std::pair<std::string, unsigned>, size_t> seen;
    for (size_t f = 0; f < pm_.functions.size(); ++f) {
      const ParsedFunction& pf = pm_.functions[f];
      FunctionDecl d;
      d.name = pf.name_pool >= 0 ? pool_atom(pf.name_pool, pf.name_pos, "a function name") : pf.name;
      if (d.name.find('.') != std::string::npos || d.name.empty()) {
        fail(pf.name_pos, "function name '" + printable(d.name) + "' must be non-empty and cannot contain '.'");
      }
      d.arity = pf.arity;
      auto [it, fresh] = seen.emplace(std::make_pair(d.name, d.arity), f);
      if (!fresh) {
        fail(pf.name_pos, fmt::format("function {}/{} is already defined at line {}", printable(d.name), d.arity,
                                      pm_.functions[it->second].pos.line));
      }
      d.frame = slots_used(pf, RegKind::Y, pf.frame, "frame");
      d.upvals = slots_used(pf, RegKind::U, pf.upvals, "upvals");
      by_key_[{d.name, d.arity}] = f;
      decls_.push_back(std::move(d));
    }
  }

  // Highest index of `kind` used + 1, or the declared count after checking
  // every use fits it.
  unsigned slots_used(const ParsedFunction& pf, RegKind kind, std::optional<unsigned> declared, std::string_view what) {
    unsigned needed = 0;
    auto check = [&](const ParsedInstr& in, const RegOperand& r) {
      if (r.reg.kind != kind) return;
      if (declared && r.reg.index >= *declared) {
        fail(in.at(r.col), fmt::format("{}{} is outside the function's {} ({}={})", kind == RegKind::Y ? 'y' : 'u',
                                r.reg.index, kind == RegKind::Y ? "frame" : "upvalues", what, *declared));
      }
      needed = std::max(needed, r.reg.index + 1u);
    };
    for (const ParsedInstr& in : pf.code) {
      for (int i = 0; i < 4; ++i) {
        if (in.has_reg[i]) check(in, in.regs[i]);
      }
      for (const RegOperand& r : pf.elems_of(in)) check(in, r);
    }
    return declared ? *declared : needed;
  }

  std::string function_label(const ParsedFunction& pf, const FunctionDecl& d) {
    return fmt::format("{}/{}", printable(d.name), d.arity);
  }

  std::vector<uint32_t> assemble_function(const ParsedFunction& pf, const FunctionDecl& decl) {
    name_indices_.push_back(pf.name_pool >= 0 ? static_cast<uint16_t>(pf.name_pool)
                                              : intern(Literal::atom(decl.name), pf.name_pos));
    if (pf.code.empty()) fail(pf.pos, "function " + function_label(pf, decl) + " has no instructions");
    // The first such label written (the table is in first-mention order).
    const LabelDef* dangling = nullptr;
    for (const LabelDef& l : pf.labels) {
      if (l.defined && l.index == pf.code.size() &&
          (!dangling || std::tie(l.pos.line, l.pos.col) < std::tie(dangling->pos.line, dangling->pos.col)))
        dangling = &l;
    }
    if (dangling) fail(dangling->pos, "label '" + dangling->name + "' has no instruction after it");
    std::vector<Instr> code;
    code.reserve(pf.code.size());
    for (const ParsedInstr& pin : pf.code) code.push_back(build(pin, pf));
    Op last = static_cast<Op>(code.back().op);
    if (!ends_flow(static_cast<uint8_t>(last))) {
      fail(pf.code.back().pos, "function " + function_label(pf, decl) +
                                   " must end with ret, tcall, jmp, raise or a select (execution cannot run past its end)");
    }
    std::vector<uint32_t> source;  // the line (pf.code index) of each instruction of `code`
    if (!pf.consts.empty()) {
      code = with_constants_loaded(std::move(code), pf, source);
    } else {
      source.resize(code.size());
      for (size_t i = 0; i < code.size(); ++i) source[i] = static_cast<uint32_t>(i);
    }
    std::vector<uint32_t> masks = computed_regmasks(code, decl.arity);
    for (size_t i = 0; i < code.size(); ++i) {
      const ParsedInstr& pin = pf.code[source[i]];
      if (allocates(code[i].info())) code[i].regmask = pin.has_live ? pin.live : masks[i];
    }
    return layout(code, pf, source);
  }

  // Constants written where an instruction reads a register (docs/assembly.md,
  // "Constants in place of registers"): each is loaded, right before the
  // instruction, into the highest-numbered X register that is dead there —
  // no path from the instruction reads it before writing it again, and the
  // instruction itself neither reads nor writes it — so no value the
  // program can observe changes, and the loader sees the `load` + use pair
  // it fuses. `code` has a placeholder where each constant goes (a Y slot
  // or an invalid R operand: no X register, so liveness ignores it); jump
  // targets are line indices, mapped here to the first instruction of the
  // line. `source` receives each new instruction's line.
  std::vector<Instr> with_constants_loaded(std::vector<Instr> code, const ParsedFunction& pf,
                                           std::vector<uint32_t>& source) {
    const std::vector<uint32_t> dead = dead_after(code);
    std::vector<Instr> out;
    std::vector<uint32_t> first(code.size());
    out.reserve(code.size() + pf.consts.size());
    for (size_t i = 0; i < code.size(); ++i) {
      first[i] = static_cast<uint32_t>(out.size());
      const ParsedInstr& pin = pf.code[i];
      const OpInfo& op = op_info(pin.op);
      if (is_constant_move(pin)) {  // build() made it the load itself
        out.push_back(std::move(code[i]));
        source.push_back(static_cast<uint32_t>(i));
        continue;
      }
      uint32_t free = dead[i];
      auto take = [&](const RegOperand& r) -> uint8_t {
        if (free == 0) {
          fail(pin.at(r.col), "no X register is free for this constant (each is read after this instruction or "
                              "by it): load the constant into a register first (load xN, CONST)");
        }
        const auto scratch = static_cast<uint8_t>(31 - std::countl_zero(free));
        free &= ~(1u << scratch);
        Instr load;
        choose_load(load, pin, Reg{RegKind::X, scratch}, &pf.consts[r.konst]);
        out.push_back(std::move(load));
        source.push_back(static_cast<uint32_t>(i));
        return scratch;
      };
      Instr& in = code[i];
      for (int f = 0; f < 4; ++f) {
        if (!pin.has_reg[f] || !pin.regs[f].is_const()) continue;
        const Reg scratch{RegKind::X, take(pin.regs[f])};
        in.raw[f] = is_r(op.fields[f]) ? encode_r(scratch) : encode_r6(scratch);
      }
      const auto elems = pf.elems_of(pin);
      for (size_t e = 0; e < elems.size(); ++e)
        if (elems[e].is_const()) in.elems[e] = static_cast<uint8_t>(encode_r6(Reg{RegKind::X, take(elems[e])}));
      out.push_back(std::move(in));
      source.push_back(static_cast<uint32_t>(i));
    }
    for (Instr& in : out) {
      if (in.target >= 0) in.target = static_cast<int32_t>(first[static_cast<size_t>(in.target)]);
      for (int32_t& t : in.table_targets) t = static_cast<int32_t>(first[static_cast<size_t>(t)]);  // select's
    }
    return out;
  }

  // `mov dst, CONST` (the plain form) is `load dst, CONST`.
  static bool is_constant_move(const ParsedInstr& pin) {
    return static_cast<Op>(pin.op) == Op::op_mov && pin.regs[1].is_const() && pin.regs[2].reg == pin.regs[0].reg;
  }

  Instr build(const ParsedInstr& pin, const ParsedFunction& pf) {
    Instr in;
    in.op = pin.op;
    if (pin.pseudo_load) {
      choose_load(in, pin, pin.regs[0].reg, nullptr);
      return in;
    }
    const OpInfo& op = op_info(pin.op);
    if (is_constant_move(pin)) {
      choose_load(in, pin, pin.regs[0].reg, &pf.consts[pin.regs[1].konst]);
      return in;
    }
    for (int i = 0; i < 4; ++i) {
      FieldKind k = op.fields[i];
      if (pin.has_reg[i] && pin.regs[i].is_const()) {  // with_constants_loaded() fills it in
        in.raw[i] = is_r(k) ? encode_r(Reg{RegKind::Invalid, 0}) : encode_r6(Reg{RegKind::Y, 0});
      } else if (pin.has_reg[i]) {
        in.raw[i] = is_r(k) ? encode_r(pin.regs[i].reg) : encode_r6(pin.regs[i].reg);
      } else if (k == FieldKind::LIT) {
        in.raw[i] = literal_index(pin);
      } else if (k == FieldKind::FUN) {
        in.raw[i] = function_target(in, pin, op);
      } else if (is_jump(k)) {
        in.target = label_index(pin, pf);
      } else if (is_immediate(k)) {
        in.raw[i] = pin.imm;
      }
    }
    for (const RegOperand& r : pf.elems_of(pin))
      in.elems.push_back(static_cast<uint8_t>(encode_r6(r.is_const() ? Reg{RegKind::Y, 0} : r.reg)));
    if (op.extra == Extra::Table) in.target = label_index(pin, pf);  // the default
    for (const CaseOperand& c : pf.cases_of(pin)) table_pair(in, pin, pf, c);
    in.value = pin.value;
    return in;
  }

  // One pair of a select / select_arity table. Values must be what the
  // verifier accepts (docs/bytecode.md, "Pattern matching"); a repeated
  // value is reported here, at its line.
  void table_pair(Instr& in, const ParsedInstr& pin, const ParsedFunction& pf, const CaseOperand& c) {
    const LabelDef& l = pf.labels[c.label];
    if (!l.defined) fail(pin.at(c.label_col), "unknown label '" + l.name + "' (labels are local to their function)");
    uint32_t value = c.arity;
    if (static_cast<Op>(in.op) == Op::op_select) {
      const SourcePos pos = pin.at(c.value.col);
      const Literal& lit = c.value.is_pool ? pool_entry(c.value.index, pos) : pm_.values[c.value.index];
      const bool small = lit.kind == Literal::Kind::Int && lit.i >= INT32_MIN && lit.i <= INT32_MAX;
      if (lit.kind != Literal::Kind::Atom && !small)
        fail(pos, "select values are atoms or integers of at most 32 bits (match others with eqx)");
      LiteralOperand lo = c.value;
      ParsedInstr probe;
      probe.literal = lo;
      value = literal_index(probe);
      for (size_t k = 0; k < in.table_values.size(); ++k)
        if (pool_[in.table_values[k]] == lit || (lit.kind == Literal::Kind::Atom && pool_[in.table_values[k]].kind == lit.kind &&
                                                pool_[in.table_values[k]].text == lit.text) ||
            (lit.kind == Literal::Kind::Int && pool_[in.table_values[k]].kind == lit.kind && pool_[in.table_values[k]].i == lit.i))
          fail(pos, fmt::format("select value repeats pair {}", k));
    } else {
      for (size_t k = 0; k < in.table_values.size(); ++k)
        if (in.table_values[k] == value) fail(pin.at(c.label_col), fmt::format("select_arity arity {} repeats pair {}", value, k));
    }
    in.table_values.push_back(value);
    in.table_targets.push_back(static_cast<int32_t>(l.index));
  }

  uint16_t literal_index(const ParsedInstr& pin) { return literal_index(pin, pin.literal); }
  uint16_t literal_index(const ParsedInstr& pin, const LiteralOperand& lo) {
    if (lo.is_pool) {
      pool_entry(lo.index, pin.at(lo.col));
      return static_cast<uint16_t>(lo.index);
    }
    return intern_value(lo.index, pin.at(lo.col));
  }

  // `load dst, VALUE`: the value of `pin` (the pseudo-instruction), or the
  // constant `c` written in one of its operands.
  void choose_load(Instr& in, const ParsedInstr& pin, Reg dst, const ConstOperand* c) {
    in.raw[0] = encode_r(dst);
    auto set = [&](Op op, uint32_t field1, uint64_t value) {
      in.op = static_cast<uint8_t>(op);
      in.raw[1] = field1;
      in.value = value;
    };
    using LV = ParsedInstr::LoadValue;
    const LV kind = c ? static_cast<LV>(c->load_value) : pin.load_value;
    const uint64_t bits = c ? c->value : pin.value;
    if (kind == LV::Int) {
      int64_t v = static_cast<int64_t>(bits);
      if (v >= INT16_MIN && v <= INT16_MAX) return set(Op::op_loadi, static_cast<uint32_t>(v) & 0xFFFF, 0);
      if (v >= 0 && v <= UINT16_MAX) return set(Op::op_loadu, static_cast<uint32_t>(v), 0);
      if (v >= INT32_MIN && v <= INT32_MAX) {
        return set(Op::op_load32, static_cast<uint32_t>(Load32Type::Int32), static_cast<uint64_t>(v) & 0xFFFFFFFFu);
      }
      if (v >= 0 && v <= UINT32_MAX) return set(Op::op_load32, static_cast<uint32_t>(Load32Type::UInt32), static_cast<uint64_t>(v));
      return set(Op::op_load64, static_cast<uint32_t>(Load64Type::Int64), static_cast<uint64_t>(v));
    }
    if (kind == LV::Float) {
      double d = std::bit_cast<double>(bits);
      Literal probe = Literal::floating(d);
      if (probe.encoding == ByteTermType::F32) {
        return set(Op::op_load32, static_cast<uint32_t>(Load32Type::Float32),
                   std::bit_cast<uint32_t>(static_cast<float>(d)));
      }
      return set(Op::op_load64, static_cast<uint32_t>(Load64Type::Float64), std::bit_cast<uint64_t>(d));
    }
    set(Op::op_loadc, literal_index(pin, c ? c->literal : pin.literal), 0);
  }

  uint16_t function_target(Instr& in, const ParsedInstr& pin, const OpInfo& op) {
    const LiteralOperand& lo = pin.literal;
    const SourcePos pos = pin.at(lo.col);
    std::string text = lo.is_pool ? pool_atom(lo.index, pos, "a function reference") : pm_.values[lo.index].text;
    auto ref = parse_function_ref(text);
    if (!ref) fail(pos, "'" + printable(text) + "' is not a function reference (name/arity or mod.name/arity)");
    in.call_arity = static_cast<int32_t>(ref->arity);
    Op code = static_cast<Op>(op.code);
    if (pushes_args(op.extra)) {
      builtin_call(*ref, text, pin, pos, op);
      if (lo.is_pool) return static_cast<uint16_t>(lo.index);
      return intern_value(lo.index, pos);
    }
    const FunctionDecl* target = nullptr;
    if (ref->module.empty() || ref->module == module_text_) {
      auto it = by_key_.find({ref->name, ref->arity});
      if (it == by_key_.end()) {
        fail(pos, fmt::format("{} of undefined function {}/{} (no such func in this module)", op.name, printable(ref->name),
                                 ref->arity));
      }
      target = &decls_[it->second];
    }
    if (code == Op::op_fn) {
      if (!target) fail(pos, "fn needs a function of this module, not " + printable(text));
      if (pin.elems_count != target->upvals) {
        fail(pos, fmt::format("fn {} captures {} values but {}/{} has upvals={} (write fn dst, {}, [r1, r2, ...])",
                                 printable(text), pin.elems_count, printable(target->name), target->arity,
                                 target->upvals, printable(text)));
      }
    } else if (target && target->upvals > 0) {
      fail(pos, fmt::format("{}/{} has upvals={}: it runs only as a closure (fn + apply), not through {}",
                               printable(target->name), target->arity, target->upvals, op.name));
    }
    if (lo.is_pool) return static_cast<uint16_t>(lo.index);
    return intern_value(lo.index, pos);
  }

  // bif / gcbif: a built-in that keeps registers (format/builtin_calls.h),
  // with its arguments.
  void builtin_call(const FunctionRef& ref, const std::string& text, const ParsedInstr& pin, SourcePos pos,
                    const OpInfo& op) {
    auto b = find_builtin_call(ref);
    if (!b) {
      fail(pos, fmt::format("{} is not a built-in that keeps registers (docs/builtins.md lists them); call it with "
                            "call (saving live values in y slots)",
                            printable(text)));
    }
    if (builtin_call_info(*b).allocates && op.extra != Extra::RegmaskArgs)
      fail(pos, fmt::format("{} may allocate: write gcbif (the assembler computes its regmask)", printable(text)));
    if (pin.elems_count != ref.arity) {
      fail(pos, fmt::format("{} {} takes {} but the list has {}", op.name, printable(text),
                            count_of(ref.arity, "argument"), pin.elems_count));
    }
  }

  int32_t label_index(const ParsedInstr& pin, const ParsedFunction& pf) {
    const LabelDef& l = pf.labels[pin.label];
    if (l.defined) return static_cast<int32_t>(l.index);
    fail(pin.at(pin.label_col), "unknown label '" + l.name + "' (labels are local to their function)");
  }

  std::vector<uint32_t> layout(std::vector<Instr>& code, const ParsedFunction& pf, const std::vector<uint32_t>& source) {
    std::vector<uint32_t> words;
    JumpOutOfRange bad;
    if (!layout_function(code, words, bad)) {
      const ParsedInstr& at = pf.code[source[bad.index]];
      if (static_cast<Op>(at.op) == Op::op_try)
        fail(at.at(at.label_col), fmt::format("try handler '{}' is {} words away; try reaches -32768..32767",
                                              pf.labels[at.label].name, bad.offset));
      if (bad.pair >= 0) {
        const CaseOperand& c = pf.cases_of(at)[static_cast<size_t>(bad.pair)];
        fail(at.at(c.label_col), fmt::format("{} pair to '{}' is {} words away; table jumps reach -32768..32767 "
                                             "(jump to a nearby jmp instead)",
                                             op_info(at.op).name, pf.labels[c.label].name, bad.offset));
      }
      fail(at.at(at.label_col), fmt::format("jump to '{}' is {} words away; jmp reaches -8388608..8388607",
                                            pf.labels[at.label].name, bad.offset));
    }
    uint32_t offset = 0;  // where each instruction landed, for the line table
    for (size_t i = 0; i < code.size(); ++i) {
      placed_.push_back({offset, &pf.code[source[i]]});
      offset += instr_words(code[i]);
    }
    return words;
  }

  ParsedModule& pm_;
  std::string_view file_;
  AssembleOptions options_;
  std::vector<std::pair<uint32_t, const ParsedInstr*>> placed_;  // this function's instructions by offset
  std::vector<std::pair<uint32_t, const ParsedInstr*>> lines_;   // every instruction by word
  std::vector<Literal> pool_;
  std::unordered_map<std::string, uint16_t> pool_index_;
  size_t declared_ = 0;
  std::string module_text_;
  std::vector<int32_t> value_pool_;  // pm_.values index -> pool index (-1: not yet used)
  std::vector<FunctionDecl> decls_;
  std::map<std::pair<std::string, unsigned>, size_t> by_key_;
  std::vector<uint16_t> name_indices_;
  ModuleFile out_;
};

}  // namespace

std::optional<ModuleFile> assemble(std::string_view source, std::string_view file, std::string& error,
                                   const AssembleOptions& options) {
  SyntaxError serr;
  auto parsed = parse_source(source, serr);
  if (!parsed) {
    error = fmt::format("{}:{}:{}: {}", file, serr.pos.line, serr.pos.col, serr.message);
    return std::nullopt;
  }
  std::optional<ModuleFile> module;
  try {
    module = Assembler(*parsed, file, options).run();
  } catch (const AsmFailure& f) {
    error = fmt::format("{}:{}:{}: {}", file, f.pos.line, f.pos.col, f.message);
    return std::nullopt;
  }
  for (const Literal& lit : module->literals) {
    if (auto problem = literal_problem(lit)) {
      error = fmt::format("{}: internal error: the assembler produced a literal that cannot be written: {}", file, *problem);
      return std::nullopt;
    }
  }
  LoadError verr;
  if (!verify_module(*module, file, verr)) {
    error = fmt::format("{}: internal error: the assembler produced a module the verifier rejects: {}", file,
                        verr.message);
    return std::nullopt;
  }
  return module;
}

}  // namespace lzr
