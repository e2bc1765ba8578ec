// Code verifier (docs/bytecode.md, "Verification"). Everything an engine
// assumes about a module is established here, once, so the engines can run
// code without bounds or type checks on operands. Works on any ModuleFile,
// not only ones produced by read_module.
#include "format/verifier.h"

#include <bit>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "format/builtin_calls.h"
#include "format/catch_flow.h"
#include "format/defined_regs.h"
#include "format/receive_flow.h"
#include "format/opcodes.h"
#include "format/message_text.h"

namespace lzr {

namespace {

constexpr uint8_t kPushOpcode = static_cast<uint8_t>(Op::op_push);

const Literal* atom_literal(const ModuleFile& m, size_t index) {
  if (index >= m.literals.size() || m.literals[index].kind != Literal::Kind::Atom) return nullptr;
  return &m.literals[index];
}

// Index of the first field of `kind` in `op`, or -1.
int field_index(const OpInfo& op, FieldKind kind) {
  for (int i = 0; i < 4; ++i) {
    if (op.fields[i] == kind) return i;
  }
  return -1;
}

bool ends_function(uint8_t opcode) { return ends_flow(opcode); }

std::string value_text(const Literal& lit) {
  return lit.kind == Literal::Kind::Atom ? ":" + printable(lit.text) : std::to_string(lit.i);
}

// An atom or an integer literal of at most 32 bits (ByteTerm types 0, 1, 2,
// 5): an immediate term, equal to another term exactly when identical.
bool select_value(const Literal& lit) {
  if (lit.kind == Literal::Kind::Atom) return true;
  if (lit.kind != Literal::Kind::Int) return false;
  const bool narrow = lit.encoding == ByteTermType::I8 || lit.encoding == ByteTermType::I16 ||
                      lit.encoding == ByteTermType::I32 || lit.encoding == ByteTermType::U8;
  return narrow && lit.i >= INT32_MIN && lit.i <= INT32_MAX;
}

std::string reg_name(Reg r) {
  static constexpr char kPrefix[] = {'x', 'y', 'u', '?'};
  return fmt::format("{}{}", kPrefix[static_cast<unsigned>(r.kind)], r.index);
}

// Function referenced by the FUN field of the instruction at `pc`, when it is
// a function of this module; nullopt when the literal is invalid or names
// another module.
std::optional<size_t> fun_target(const ModuleFile& m, uint32_t word, const OpInfo& op) {
  int fi = field_index(op, FieldKind::FUN);
  if (fi < 0) return std::nullopt;
  const Literal* lit = atom_literal(m, field_raw(word, op, fi));
  if (!lit) return std::nullopt;
  auto ref = parse_function_ref(lit->text);
  if (!ref) return std::nullopt;
  return local_function(m, *ref);
}

// Instruction length from opcodes.h's counting rules (the verifier counts
// push values itself; the fuzzer checks both agree).
std::optional<unsigned> words_of(const ModuleFile& m, uint32_t word, const OpInfo& op) {
  uint32_t size_or_upvals = 0;
  if (op.extra == Extra::Table) {
    size_or_upvals = field_raw(word, op, field_index(op, FieldKind::TAB));
  } else if (op.extra == Extra::RegmaskElems || op.extra == Extra::RegmaskPairs) {
    size_or_upvals = field_raw(word, op, field_index(op, FieldKind::SIZE));
  } else if (op.extra == Extra::RegmaskUpvals) {
    auto target = fun_target(m, word, op);
    if (!target) return std::nullopt;
    size_or_upvals = m.functions[*target].upvals;
  } else if (pushes_args(op.extra)) {
    const Literal* lit = atom_literal(m, field_raw(word, op, field_index(op, FieldKind::FUN)));
    auto ref = lit ? parse_function_ref(lit->text) : std::nullopt;
    if (!ref) return std::nullopt;
    size_or_upvals = ref->arity;
  }
  return 1 + fixed_extra_words(op.extra) + push_words_for(op.extra, size_or_upvals);
}

class Verifier {
 public:
  Verifier(const ModuleFile& m, std::string_view file, LoadError& err) : m_(m), file_(file), err_(err) {}

  bool run() {
    if (m_.type == ModuleType::Native) return native();
    return module_name() && function_table() && code() && line_table();
  }

 private:
  // ---- error helpers: each records one line and returns false ----
  bool fail(std::string_view where, std::string_view problem) {
    err_.message = fmt::format("{}: {}: {}", file_, where, problem);
    return false;
  }
  bool fail_word(size_t pc, std::string_view problem) { return fail(fmt::format("word {}", pc), problem); }
  bool fail_insn(size_t pc, const OpInfo& op, std::string_view problem) {
    return fail_word(pc, fmt::format("{}: {}", op.name, problem));
  }
  bool fail_function(size_t k, std::string_view problem) {
    if (const Literal* name = atom_literal(m_, m_.functions[k].name))
      return fail(fmt::format("function {} ({}/{})", k, printable(name->text), m_.functions[k].arity), problem);
    return fail(fmt::format("function {}", k), problem);
  }

  std::string label(size_t k) const {
    const Literal* name = atom_literal(m_, m_.functions[k].name);
    return fmt::format("{}/{}", name ? printable(name->text) : "?", m_.functions[k].arity);
  }

  // ---- native modules ----
  bool native() {
    if (m_.native_name.empty()) return fail("module name", "must not be empty");
    if (auto p = atom_text_problem(m_.native_name)) return fail("module name", *p);
    if (m_.native_libpath.empty()) return fail("library path", "must not be empty");
    std::map<std::pair<std::string, unsigned>, size_t> seen;
    for (size_t k = 0; k < m_.native_functions.size(); ++k) {
      const std::string& text = m_.native_functions[k];
      auto ref = parse_function_ref(text);
      if (!ref || !ref->module.empty())
        return fail(fmt::format("function {}", k), fmt::format("\"{}\" is not name/arity", printable(text)));
      if (auto p = atom_text_problem(ref->name)) return fail(fmt::format("function {} ({})", k, printable(text)), "name " + *p);
      auto [it, fresh] = seen.emplace(std::pair{ref->name, ref->arity}, k);
      if (!fresh) return fail(fmt::format("function {} ({})", k, printable(text)), fmt::format("duplicate of function {}", it->second));
    }
    return true;
  }

  // ---- script header and function table ----
  bool module_name() {
    if (m_.module_name >= m_.literals.size())
      return fail("module name", fmt::format("literal {} is out of range ({})", m_.module_name, count_of(m_.literals.size(), "literal")));
    const Literal* name = atom_literal(m_, m_.module_name);
    if (!name) return fail("module name", fmt::format("literal {} is not an atom", m_.module_name));
    if (name->text.empty()) return fail("module name", "must not be empty");
    return true;
  }

  bool function_table() {
    if (m_.functions.empty() && !m_.code.empty())
      return fail_word(0, "code outside any function (the function table is empty)");
    for (size_t k = 0; k < m_.functions.size(); ++k) {
      const FunctionEntry& f = m_.functions[k];
      if (f.name >= m_.literals.size())
        return fail_function(k, fmt::format("name literal {} is out of range ({})", f.name, count_of(m_.literals.size(), "literal")));
      const Literal* name = atom_literal(m_, f.name);
      if (!name) return fail_function(k, fmt::format("name literal {} is not an atom", f.name));
      if (name->text.empty() || name->text.find('.') != std::string::npos)
        return fail_function(k, "function name must be non-empty and must not contain '.'");
      if (f.arity > kMaxArity) return fail_function(k, fmt::format("arity {} exceeds {}", f.arity, kMaxArity));
      if (f.frame > kMaxFrame) return fail_function(k, fmt::format("frame {} exceeds {}", f.frame, kMaxFrame));
      if (f.upvals > kMaxUpvals) return fail_function(k, fmt::format("upvals {} exceeds {}", f.upvals, kMaxUpvals));
      if (f.reserved != 0) return fail_function(k, fmt::format("reserved byte is {}, must be 0", f.reserved));
      if (k == 0 && f.entry != 0) return fail_function(k, fmt::format("first function must start at word 0, not {}", f.entry));
      if (k > 0 && f.entry <= m_.functions[k - 1].entry)
        return fail_function(k, fmt::format("entry {} is not after function {}'s entry {} (entries must increase)",
                                            f.entry, k - 1, m_.functions[k - 1].entry));
      if (f.entry >= m_.code.size())
        return fail_function(k, fmt::format("entry {} is not inside the code ({})", f.entry, count_of(m_.code.size(), "word")));
      auto [it, fresh] = functions_.emplace(std::pair{name->text, unsigned{f.arity}}, k);
      if (!fresh) return fail_function(k, fmt::format("duplicate of function {}", it->second));
    }
    return true;
  }

  // ---- code ----
  struct Jump {
    size_t pc;
    const OpInfo* op;
    int64_t target;
    std::string what;  // "" or the table entry ("default: ", "pair 3: ")
  };

  bool code() {
    starts_.assign(m_.code.size(), false);
    for (size_t k = 0; k < m_.functions.size(); ++k) {
      size_t end = k + 1 < m_.functions.size() ? m_.functions[k + 1].entry : m_.code.size();
      if (!function_code(k, m_.functions[k].entry, end)) return false;
    }
    return true;
  }

  bool function_code(size_t k, size_t begin, size_t end) {
    fn_ = &m_.functions[k];
    std::vector<bool> starts(end - begin, false);
    std::vector<Jump> jumps;
    size_t pc = begin, last = begin;
    while (pc < end) {
      const uint32_t word = m_.code[pc];
      const uint8_t opcode = word & 0xFF;
      const OpInfo& op = op_info(opcode);
      if (!op.valid) return fail_word(pc, fmt::format("unknown opcode {}", opcode));
      if (opcode == kPushOpcode) return fail_word(pc, "push outside a constructor");
      pushed_ = 0;
      for (int i = 0; i < 4; ++i) {
        if (!field(pc, op, word, i)) return false;
      }
      if (!distinct_results(pc, op, word)) return false;
      const unsigned len = 1 + fixed_extra_words(op.extra) +
                           (op.extra == Extra::Table ? pushed_ : (pushed_ + 3) / 4);
      if (pc + len > end)
        return fail_insn(pc, op, fmt::format("needs {} but function {} ends at word {}", count_of(len, "word"), label(k), end));
      if (!extra_words(pc, op, word)) return false;
      for (int i = 0; i < 4; ++i) {
        if (is_jump(op.fields[i])) jumps.push_back({pc, &op, static_cast<int64_t>(pc) + len + field_value(word, op, i), ""});
      }
      if (op.extra == Extra::Table) {
        const int64_t after = static_cast<int64_t>(pc) + len;
        jumps.push_back({pc, &op, after + static_cast<int32_t>(m_.code[pc + 1]), "default: "});
        for (unsigned j = 0; j < pushed_; ++j)
          jumps.push_back({pc, &op, after + table_jump(m_.code[pc + 2 + j]), fmt::format("pair {}: ", j)});
      }
      starts[pc - begin] = true;
      starts_[pc] = true;
      last = pc;
      pc += len;
    }
    const OpInfo& last_op = op_info(m_.code[last] & 0xFF);
    if (!ends_function(last_op.code))
      return fail_insn(last, last_op,
                       fmt::format("function {} falls through its end (its last instruction must be ret, tcall, jmp, "
                                   "raise or a select)",
                                   label(k)));
    for (const Jump& jump : jumps) {
      if (jump.target < static_cast<int64_t>(begin) || jump.target >= static_cast<int64_t>(end))
        return fail_insn(jump.pc, *jump.op,
                         fmt::format("{}jump target {} is outside function {} (words {}-{})", jump.what, jump.target,
                                     label(k), begin, end - 1));
      if (!starts[jump.target - begin])
        return fail_insn(jump.pc, *jump.op,
                         fmt::format("{}jump target {} is not an instruction start", jump.what, jump.target));
    }
    std::vector<std::optional<CatchStack>> catches;
    CatchFlowProblem problem;
    if (!catch_flow(m_, k, catches, problem) || !check_defined_regs(m_, k, problem) ||
        !check_receive_flow(m_, k, problem))
      return fail_insn(problem.word, op_info(m_.code[problem.word] & 0xFF), problem.problem);
    return true;
  }

  // ---- the debug section ----
  bool line_table() {
    if (!m_.lines) return true;
    const LineTable& t = *m_.lines;
    const std::vector<size_t> at = line_table_offsets(m_);
    auto fail_byte = [&](size_t byte, std::string_view problem) {
      return fail(fmt::format("byte {}", byte), problem);
    };
    if (t.file.empty()) return fail_byte(at[0], "line table file name must not be empty");
    if (t.file.size() > 255) return fail_byte(at[0], "line table file name is longer than 255 bytes");
    if (auto p = atom_text_problem(t.file)) return fail_byte(at[0], "line table file name " + *p);
    if (t.entries.empty()) return fail_byte(at[0], "line table has no entries");
    for (size_t k = 0; k < t.entries.size(); ++k) {
      const LineEntry& e = t.entries[k];
      const std::string entry = fmt::format("line table entry {}: ", k);
      if (k > 0 && e.word <= t.entries[k - 1].word)
        return fail_byte(at[k + 1], fmt::format("{}word {} is not after entry {}'s word {} (words must increase)", entry,
                                                e.word, k - 1, t.entries[k - 1].word));
      if (e.word >= m_.code.size())
        return fail_byte(at[k + 1], fmt::format("{}word {} is outside the code ({})", entry, e.word,
                                                count_of(m_.code.size(), "word")));
      if (!starts_[e.word])
        return fail_byte(at[k + 1], fmt::format("{}word {} is not an instruction start", entry, e.word));
      if (e.line < 1 || e.line > kMaxLine)
        return fail_byte(at[k + 1], fmt::format("{}line {} is out of range (1..{})", entry, e.line, kMaxLine));
    }
    return true;
  }

  bool reg(size_t pc, const OpInfo& op, Reg r, bool written, std::string_view where) {
    if (r.kind == RegKind::Y && r.index >= fn_->frame)
      return fail_insn(pc, op, fmt::format("{}{} is outside the frame (frame {})", where, reg_name(r), fn_->frame));
    if (r.kind == RegKind::U) {
      if (written) return fail_insn(pc, op, fmt::format("{}{} is read-only", where, reg_name(r)));
      if (r.index >= fn_->upvals)
        return fail_insn(pc, op, fmt::format("{}{} is outside the closure (upvals {})", where, reg_name(r), fn_->upvals));
    }
    return true;
  }

  bool field(size_t pc, const OpInfo& op, uint32_t word, int i) {
    const FieldKind kind = op.fields[i];
    const uint32_t raw = field_raw(word, op, i);
    if (is_r(kind)) {
      if (r_reserved_bit(raw)) return fail_insn(pc, op, fmt::format("operand {} (0x{:02X}) has reserved bit 5 set", i + 1, raw));
      Reg r = decode_r(raw);
      if (r.kind == RegKind::Invalid)
        return fail_insn(pc, op, fmt::format("operand {} (0x{:02X}) has register type 3 (invalid)", i + 1, raw));
      if (kind == FieldKind::RY && r.kind != RegKind::Y)
        return fail_insn(pc, op, fmt::format("operand {} must be a Y slot, not {}", i + 1, reg_name(r)));
      return reg(pc, op, r, is_written(kind), "");
    }
    if (is_r6(kind)) return reg(pc, op, decode_r6(raw), is_written(kind), "");
    switch (kind) {
      case FieldKind::Z6:
      case FieldKind::Z8:
      case FieldKind::Z16:
        if (raw != 0)
          return fail_insn(pc, op, fmt::format("unused bits {}-{} must be zero", op.shift[i], op.shift[i] + field_bits(kind) - 1));
        return true;
      case FieldKind::LIT:
        if (raw >= m_.literals.size())
          return fail_insn(pc, op, fmt::format("literal {} is out of range ({})", raw, count_of(m_.literals.size(), "literal")));
        return true;
      case FieldKind::FUN: return fun(pc, op, raw);
      case FieldKind::T32:
        if (raw > static_cast<uint32_t>(Load32Type::Float32))
          return fail_insn(pc, op, fmt::format("unknown value type {} (0 = int32, 1 = uint32, 2 = float32)", raw));
        return true;
      case FieldKind::T64:
        if (raw > static_cast<uint32_t>(Load64Type::Int64))
          return fail_insn(pc, op, fmt::format("unknown value type {} (0 = float64, 1 = int64)", raw));
        return true;
      case FieldKind::SIZE:
        pushed_ = op.extra == Extra::RegmaskPairs ? 2 * raw : raw;
        return true;
      case FieldKind::TAB:
        pushed_ = raw;  // table words, one a pair
        return true;
      case FieldKind::TK: return type_test(pc, op, raw);
      default: return true;  // I16, U16, jumps (checked later), NONE
    }
  }

  // A binary read writes both its value and the advanced position: they
  // must go to different registers (which would win is not defined).
  bool distinct_results(size_t pc, const OpInfo& op, uint32_t word) {
    if (op.fields[0] != FieldKind::R6D || op.fields[2] != FieldKind::R6M) return true;
    const Reg dst = decode_r6(field_raw(word, op, 0)), pos = decode_r6(field_raw(word, op, 2));
    if (dst == pos) return fail_insn(pc, op, fmt::format("the value and the position are both written to {}", reg_name(dst)));
    return true;
  }

  bool fun(size_t pc, const OpInfo& op, uint32_t index) {
    if (index >= m_.literals.size())
      return fail_insn(pc, op, fmt::format("literal {} is out of range ({})", index, count_of(m_.literals.size(), "literal")));
    const Literal* lit = atom_literal(m_, index);
    if (!lit) return fail_insn(pc, op, fmt::format("literal {} is not an atom", index));
    auto ref = parse_function_ref(lit->text);
    if (!ref)
      return fail_insn(pc, op, fmt::format("literal {} (:\"{}\") is not a function reference (name/arity or mod.name/arity)",
                                           index, printable(lit->text)));
    if (pushes_args(op.extra)) return builtin_call(pc, op, *lit, *ref);
    const bool local = ref->module.empty() || ref->module == m_.name();
    const bool is_fn = op.code == static_cast<uint8_t>(Op::op_fn);
    if (!local) {
      if (is_fn) return fail_insn(pc, op, fmt::format("{} is not a function of this module", printable(lit->text)));
      return true;  // checked when linking
    }
    auto found = functions_.find({ref->name, ref->arity});
    if (found == functions_.end()) return fail_insn(pc, op, fmt::format("{} is not defined in this module", printable(lit->text)));
    const FunctionEntry& target = m_.functions[found->second];
    if (is_fn) pushed_ = target.upvals;
    if (!is_fn && target.upvals > 0)
      return fail_insn(pc, op, fmt::format("{} has upvalues and can only run as a closure (fn + apply)", printable(lit->text)));
    return true;
  }

  // bif / gcbif: a built-in of the table in builtin_calls.h; one that may
  // allocate only through gcbif. Its arity gives the push words.
  bool builtin_call(size_t pc, const OpInfo& op, const Literal& lit, const FunctionRef& ref) {
    auto b = find_builtin_call(ref);
    if (!b)
      return fail_insn(pc, op, fmt::format("{} is not a built-in that keeps registers (docs/builtins.md lists them); "
                                           "call it with call",
                                           printable(lit.text)));
    if (builtin_call_info(*b).allocates && op.extra != Extra::RegmaskArgs)
      return fail_insn(pc, op, fmt::format("{} may allocate: call it with gcbif, which has a regmask", printable(lit.text)));
    pushed_ = ref.arity;
    return true;
  }

  bool type_test(size_t pc, const OpInfo& op, uint32_t raw) {
    const uint32_t kind = raw & (kTypeTestNegate - 1);
    if (kind >= kTypeTestNames)
      return fail_insn(pc, op, fmt::format("unknown type test {} (0-{} are defined)", kind, kTypeTestsDefined - 1));
    const auto test = static_cast<TypeTest>(kind);
    if (op.code == static_cast<uint8_t>(Op::op_is_arity) && test != TypeTest::Tuple && test != TypeTest::Function)
      return fail_insn(pc, op, fmt::format("tests tuple (8) or function (11), not {} ({})", kind, kTypeTestName[kind]));
    return true;
  }

  // A select table: values of the right kind, none twice (targets are
  // checked with the other jumps).
  bool table(size_t pc, const OpInfo& op) {
    const bool arities = op.code == static_cast<uint8_t>(Op::op_select_arity);
    std::map<uint64_t, unsigned> seen;  // value (literal bytes' identity or arity) -> pair
    for (unsigned j = 0; j < pushed_; ++j) {
      const uint32_t value = table_value(m_.code[pc + 2 + j]);
      uint64_t key = value;
      if (!arities) {
        if (value >= m_.literals.size())
          return fail_insn(pc, op, fmt::format("pair {}: literal {} is out of range ({})", j, value,
                                               count_of(m_.literals.size(), "literal")));
        const Literal& lit = m_.literals[value];
        if (!select_value(lit))
          return fail_insn(pc, op, fmt::format("pair {}: literal {} is not an atom or an integer of at most 32 bits",
                                               j, value));
        // Atoms by text (two literals may hold one atom), integers by value.
        key = lit.kind == Literal::Kind::Atom ? (uint64_t{1} << 63) | atom_ids_.emplace(lit.text, atom_ids_.size()).first->second
                                              : static_cast<uint64_t>(lit.i) & 0xFFFFFFFFFFFFull;
      }
      auto [it, fresh] = seen.emplace(key, j);
      if (!fresh)
        return fail_insn(pc, op, fmt::format("pair {}: {} {} repeats pair {}", j, arities ? "arity" : "value",
                                             arities ? std::to_string(value) : value_text(m_.literals[value]),
                                             it->second));
    }
    return true;
  }

  bool extra_words(size_t pc, const OpInfo& op, uint32_t word) {
    const size_t data = pc + 1;
    switch (op.extra) {
      case Extra::Arity: {
        const auto test = static_cast<TypeTest>(field_raw(word, op, 1) & (kTypeTestNegate - 1));
        if (test == TypeTest::Function && m_.code[data] > kMaxArity)
          return fail_insn(pc, op, fmt::format("function arity {} exceeds {}", m_.code[data], kMaxArity));
        return true;  // any tuple arity
      }
      case Extra::Table: return table(pc, op);
      case Extra::Word32: {
        const auto type = static_cast<Load32Type>(field_raw(word, op, field_index(op, FieldKind::T32)));
        if (type == Load32Type::Float32 && !std::isfinite(std::bit_cast<float>(m_.code[data])))
          return fail_insn(pc, op, "float32 value is not finite");
        return true;  // int32 and uint32 always fit a small integer
      }
      case Extra::Word64: {
        const auto type = static_cast<Load64Type>(field_raw(word, op, field_index(op, FieldKind::T64)));
        const uint64_t bits = m_.code[data] | (uint64_t{m_.code[data + 1]} << 32);
        if (type == Load64Type::Float64 && !std::isfinite(std::bit_cast<double>(bits)))
          return fail_insn(pc, op, "float64 value is not finite");
        return true;  // any int64: beyond the small range the loader makes a big integer
      }
      case Extra::RegmaskElems:
      case Extra::RegmaskPairs:
      case Extra::RegmaskUpvals:
      case Extra::Args:
      case Extra::RegmaskArgs: return push_words(pc, op, word);
      default: return true;
    }
  }

  bool push_words(size_t pc, const OpInfo& op, uint32_t word) {
    const unsigned values = pushed_;
    const OpInfo& push = op_info(kPushOpcode);
    const size_t first = pc + first_push_word(op.extra);  // after the code word and the regmask
    for (unsigned v = 0; v < (values + 3) / 4 * 4; ++v) {
      const size_t at = first + v / 4;
      const uint32_t push_word = m_.code[at];
      if (v % 4 == 0 && (push_word & 0xFF) != kPushOpcode)
        return fail_insn(pc, op, fmt::format("word {} should be a push, found opcode {}", at, push_word & 0xFF));
      const uint32_t raw = field_raw(push_word, push, v % 4);
      if (v >= values) {
        if (raw != 0) return fail_insn(pc, op, fmt::format("push word {}: unused operand {} must be zero", at, v % 4 + 1));
        continue;
      }
      if (!reg(pc, op, decode_r6(raw), false, fmt::format("push word {}: ", at))) return false;
    }
    return true;
  }

  const ModuleFile& m_;
  std::string_view file_;
  LoadError& err_;
  std::map<std::pair<std::string, unsigned>, size_t> functions_;  // name/arity -> index
  const FunctionEntry* fn_ = nullptr;  // function being checked
  std::vector<bool> starts_;           // instruction starts of the whole code
  unsigned pushed_ = 0;                // values the current instruction's push words carry (table: pairs)
  std::map<std::string, uint64_t> atom_ids_;  // atom text -> a number, for select's duplicate check
};

}  // namespace

std::optional<FunctionRef> parse_function_ref(std::string_view text) {
  const size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view left = text.substr(0, slash), digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 2 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  unsigned arity = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    arity = arity * 10 + static_cast<unsigned>(c - '0');
  }
  if (arity > kMaxArity) return std::nullopt;
  FunctionRef ref;
  ref.arity = arity;
  const size_t dot = left.rfind('.');
  if (dot == std::string_view::npos) {
    ref.name = std::string(left);
  } else {
    ref.module = std::string(left.substr(0, dot));
    ref.name = std::string(left.substr(dot + 1));
    if (ref.module.empty()) return std::nullopt;
  }
  if (ref.name.empty()) return std::nullopt;
  return ref;
}

std::optional<size_t> local_function(const ModuleFile& m, const FunctionRef& ref) {
  if (!ref.module.empty() && ref.module != m.name()) return std::nullopt;
  for (size_t k = 0; k < m.functions.size(); ++k) {
    const Literal* name = atom_literal(m, m.functions[k].name);
    if (name && name->text == ref.name && m.functions[k].arity == ref.arity) return k;
  }
  return std::nullopt;
}

unsigned instruction_words(const ModuleFile& m, size_t pc) {
  if (pc >= m.code.size()) return 0;
  const uint32_t word = m.code[pc];
  const OpInfo& op = op_info(word & 0xFF);
  if (!op.valid) return 0;
  return words_of(m, word, op).value_or(0);
}

void jump_targets(const ModuleFile& m, size_t pc, std::vector<size_t>& out) {
  out.clear();
  const uint32_t word = m.code[pc];
  const OpInfo& op = op_info(word & 0xFF);
  const int64_t next = static_cast<int64_t>(pc) + instruction_words(m, pc);
  for (int i = 0; i < 4; ++i)
    if (is_jump(op.fields[i])) out.push_back(static_cast<size_t>(next + field_value(word, op, i)));
  if (op.extra != Extra::Table) return;
  out.push_back(static_cast<size_t>(next + static_cast<int32_t>(m.code[pc + 1])));
  const uint32_t pairs = field_raw(word, op, 1);
  for (uint32_t j = 0; j < pairs; ++j) out.push_back(static_cast<size_t>(next + table_jump(m.code[pc + 2 + j])));
}

bool verify_module(const ModuleFile& m, std::string_view file, LoadError& err) {
  return Verifier(m, file, err).run();
}

}  // namespace lzr
