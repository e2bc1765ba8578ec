// Line-by-line statement parser. Instruction operands follow the field kinds
// of opcodes.def, so a new opcode needs no parser change unless it brings a
// new field kind.
#include "asm/parser.h"

#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "asm/instr.h"
#include "asm/literal_syntax.h"
#include "asm/token_cursor.h"
#include "format/verifier.h"

namespace lzr::asm_text {

namespace {


std::optional<Reg> register_name(std::string_view text) {
  if (text.size() < 2 || text.size() > 3) return std::nullopt;
  RegKind kind;
  switch (text[0]) {
    case 'x': kind = RegKind::X; break;
    case 'y': kind = RegKind::Y; break;
    case 'u': kind = RegKind::U; break;
    default: return std::nullopt;
  }
  unsigned index = 0;
  auto [ptr, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), index);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if (text.size() == 3 && text[1] == '0') return std::nullopt;
  return Reg{kind, static_cast<uint8_t>(index > 255 ? 255 : index)};
}

// Word for a register-shaped name even when out of range ("x40"), so the
// error can say "out of range" instead of "expected a register".
bool looks_like_register(std::string_view text) {
  if (text.size() < 2 || (text[0] != 'x' && text[0] != 'y' && text[0] != 'u')) return false;
  for (char c : text.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool fits_float32_exactly(double v) {
  if (!std::isfinite(v) || std::fabs(v) > FLT_MAX) return false;
  return static_cast<double>(static_cast<float>(v)) == v;
}

// Operand placeholder for usage messages, derived from the field kind.
std::string field_usage(const OpInfo& op, int i) {
  switch (op.fields[i]) {
    case FieldKind::RD: case FieldKind::RM: case FieldKind::R6D: return "dst";
    case FieldKind::RS: return "src";
    case FieldKind::R6S: return "x|y";
    case FieldKind::R6M: return "pos";
    case FieldKind::I16: return "int16";
    case FieldKind::U16: return "uint16";
    case FieldKind::LIT: return "LITERAL";
    case FieldKind::FUN: return "name/arity";
    case FieldKind::SIZE:
      if (op.extra == Extra::RegmaskPairs) return "%{k => v, ...}";
      return static_cast<Op>(op.code) == Op::op_list ? "[a, b, ...]" : "{a, b, ...}";
    case FieldKind::T32: return "int|uint|float, VALUE";
    case FieldKind::T64: return "float|int, VALUE";
    case FieldKind::J12: case FieldKind::J16: case FieldKind::J24: return "label";
    case FieldKind::RY: return "y";
    case FieldKind::TK: return static_cast<Op>(op.code) == Op::op_is_arity ? "[not] tuple/N|function/N" : "[not] TYPE";
    case FieldKind::TAB:
      return static_cast<Op>(op.code) == Op::op_select ? "default, [VALUE => label, ...]" : "default, [ARITY => label, ...]";
    default: return "";
  }
}

std::string usage(const OpInfo& op) {
  std::string out = std::string(op.name);
  const char* sep = " ";
  for (int i = 0; i < 4; ++i) {
    std::string u = field_usage(op, i);
    if (u.empty()) continue;
    if (static_cast<Op>(op.code) == Op::op_mov && i == 2) u = "[" + u + "]";
    out += sep + u;
    sep = ", ";
  }
  if (op.extra == Extra::RegmaskUpvals) out += "[, [captured, ...]]";
  if (pushes_args(op.extra)) out += ", [arguments, ...]";
  return out;
}

std::string allocating_names() {
  std::string out;
  for (const OpInfo& op : kOpTable) {
    if (!op.valid || !allocates(op)) continue;
    if (!out.empty()) out += ", ";
    out += op.name;
  }
  return out;
}

// ParsedInstr keeps one immediate per instruction.
constexpr bool at_most_one_immediate() {
  for (const OpInfo& op : kOpTable) {
    int n = 0;
    for (FieldKind k : op.fields) n += is_immediate(k) ? 1 : 0;
    if (n > 1) return false;
  }
  return true;
}
static_assert(at_most_one_immediate(), "an opcode has two immediate fields: give ParsedInstr an imm per field");

class Parser {
 public:
  Parser(std::string_view source, SyntaxError& err) : lexer_(source), cur_(line_), err_(err) {}

  // One line at a time: its tokens exist only while it is parsed.
  std::optional<ParsedModule> run() {
    for (;;) {
      if (!lexer_.next_line(line_, err_)) return std::nullopt;
      cur_.rewind();
      if (cur_.at(Tok::Newline)) continue;
      if (cur_.at(Tok::End)) break;
      if (!line()) return std::nullopt;
    }
    if (pending_line_) {
      fail(pending_line_pos_, fmt::format(".line {} has no instruction after it", pending_line_));
      return std::nullopt;
    }
    seal_current();
    return std::move(module_);
  }

 private:
  bool fail(SourcePos pos, std::string message) {
    err_ = SyntaxError{pos, std::move(message)};
    return false;
  }
  bool fail_at(const Token& t, std::string message) { return fail(t.pos, std::move(message)); }

  bool end_of_line(std::string_view after) {
    if (cur_.at(Tok::Newline) || cur_.at(Tok::End)) {
      cur_.accept(Tok::Newline);
      return true;
    }
    return fail_at(cur_.peek(), "unexpected " + describe_token(cur_.peek()) + " after " + std::string(after));
  }

  ParsedFunction* current() { return module_.functions.empty() ? nullptr : &module_.functions.back(); }

  bool line() {
    if (cur_.at(Tok::Keyword)) {
      if (!label()) return false;
      if (cur_.at(Tok::Newline) || cur_.at(Tok::End)) return end_of_line("the label");
    }
    const Token& t = cur_.peek();
    if (t.kind == Tok::Directive) return directive();
    if (t.kind == Tok::Ident && t.text == "module") return module_line();
    if (t.kind == Tok::Ident && t.text == "func") return func_line();
    if (t.kind == Tok::Ident) return instruction();
    return fail_at(t, "expected an instruction, a label, func or module, got " + describe_token(t));
  }

  // A function's lines are all read: its tables take no more room than they
  // hold (a large file keeps every function until it is assembled).
  void seal_current() {
    if (ParsedFunction* fn = current()) {
      fn->code.shrink_to_fit();
      fn->elems.shrink_to_fit();
    }
  }

  // The entry of label `name` in fn's table, made on first mention (a jump
  // may come before the definition).
  size_t label_entry(ParsedFunction& fn, const std::string& name) {
    auto [it, fresh] = fn.label_by_name.emplace(name, fn.labels.size());
    if (fresh) fn.labels.push_back(LabelDef{name, {}, 0, false});
    return it->second;
  }

  bool label() {
    const Token& t = cur_.next();
    ParsedFunction* fn = current();
    if (!fn) return fail_at(t, "label '" + t.text + "' outside a function (labels belong to the func above them)");
    if (!is_plain_name(t.text)) return fail_at(t, "label name '" + t.text + "' must be a plain name (letters, digits, _)");
    if (looks_like_register(t.text)) return fail_at(t, "label name '" + t.text + "' looks like a register");
    LabelDef& def = fn->labels[label_entry(*fn, t.text)];
    if (def.defined) return fail_at(t, fmt::format("label '{}' is already defined at line {}", t.text, def.pos.line));
    def.pos = t.pos;
    def.index = fn->code.size();
    def.defined = true;
    return true;
  }

  bool directive() {
    const Token& t = cur_.next();
    if (t.text == "pool") {
      if (!module_.functions.empty()) return fail_at(t, ".pool must come before the first func");
      if (module_.has_pool) return fail_at(t, ".pool appears twice");
      module_.has_pool = true;
      return end_of_line(".pool");
    }
    if (t.text == "lit") {
      if (!module_.has_pool || !module_.functions.empty()) {
        return fail_at(t, ".lit belongs in the .pool block (after .pool, before the first func)");
      }
      const Token& index = cur_.next();
      if (index.kind != Tok::Int || index.int_value != static_cast<int64_t>(module_.pool.size())) {
        return fail_at(index, fmt::format("expected .lit {} (pool entries are numbered from 0, in order)",
                                          module_.pool.size()));
      }
      if (module_.pool.size() >= 0xFFFF) return fail_at(index, "the pool holds at most 65535 literals");
      auto lit = parse_literal(cur_, err_);
      if (!lit) return false;
      module_.pool.push_back(std::move(*lit));
      return end_of_line("the literal");
    }
    if (t.text == "file") return file_directive(t);
    if (t.text == "line") return line_directive(t);
    if (t.text == "nolines") {
      if (!module_.functions.empty()) return fail_at(t, ".nolines must come before the first func");
      if (module_.no_lines) return fail_at(t, ".nolines appears twice");
      if (module_.file) return fail_at(t, ".nolines and .file cannot both appear (.nolines: no line table)");
      if (module_.explicit_lines || pending_line_)
        return fail_at(t, ".nolines and .line cannot both appear (.nolines: no line table)");
      module_.no_lines = true;
      return end_of_line(".nolines");
    }
    return fail_at(t, "unknown directive ." + t.text + " (expected .pool, .lit, .file, .line or .nolines)");
  }

  // .file "NAME": the source file the line table names.
  bool file_directive(const Token& t) {
    if (!module_.functions.empty()) return fail_at(t, ".file must come before the first func");
    if (module_.file) return fail_at(t, ".file appears twice");
    if (module_.no_lines) return fail_at(t, ".nolines and .file cannot both appear (.nolines: no line table)");
    const Token& name = cur_.next();
    if (name.kind != Tok::String) return fail_at(name, "expected the file name as a string (.file \"prog.lzs\"), got " + describe_token(name));
    if (name.text.empty()) return fail_at(name, "the file name must not be empty");
    if (name.text.size() > 255) return fail_at(name, "the file name is longer than 255 bytes");
    if (auto problem = atom_text_problem(name.text)) return fail_at(name, "the file name " + *problem);
    module_.file = name.text;
    return end_of_line("the file name");
  }

  // .line N: the next instruction starts source line N (and the lines of
  // the module come from .line directives only).
  bool line_directive(const Token& t) {
    if (module_.no_lines) return fail_at(t, ".nolines and .line cannot both appear (.nolines: no line table)");
    if (pending_line_)
      return fail_at(t, fmt::format(".line follows .line {} with no instruction between them", pending_line_));
    const Token& n = cur_.next();
    if (n.kind != Tok::Int || n.int_value < 1 || n.int_value > kMaxLine)
      return fail_at(n, fmt::format("expected a line number 1..{} after .line, got {}", kMaxLine, describe_token(n)));
    pending_line_ = static_cast<uint32_t>(n.int_value);
    pending_line_pos_ = t.pos;
    module_.explicit_lines = true;
    return end_of_line("the line number");
  }

  bool module_line() {
    const Token& kw = cur_.next();
    if (module_.name || module_.name_pool >= 0) return fail_at(kw, "module appears twice");
    if (module_.has_pool || !module_.functions.empty()) return fail_at(kw, "module must come before .pool and the first func");
    const Token& t = cur_.next();
    module_.name_pos = t.pos;
    if (t.kind == Tok::Ident || t.kind == Tok::Atom) {
      if (auto problem = atom_text_problem(t.text)) return fail_at(t, "module name " + *problem);
      if (t.text.empty()) return fail_at(t, "module name must not be empty");
      module_.name = t.text;
    } else if (t.kind == Tok::PoolRef) {
      module_.name_pool = t.int_value;
    } else {
      return fail_at(t, "expected a module name (demo, my.app or :\"any text\"), got " + describe_token(t));
    }
    return end_of_line("the module name");
  }

  bool func_line() {
    const Token& kw = cur_.next();
    ParsedFunction fn;
    fn.pos = kw.pos;
    const Token& head = cur_.next();
    fn.name_pos = head.pos;
    std::string arity_text;
    SourcePos arity_pos = head.pos;
    if (head.kind == Tok::FunRef) {
      size_t slash = head.text.rfind('/');
      fn.name = head.text.substr(0, slash);
      arity_text = head.text.substr(slash + 1);
      if (fn.name.find('.') != std::string::npos) {
        return fail_at(head, "function names cannot contain '.' (func " + head.text + ")");
      }
    } else if (head.kind == Tok::Atom || head.kind == Tok::PoolRef) {
      if (head.kind == Tok::Atom) {
        if (auto problem = atom_text_problem(head.text)) return fail_at(head, "function name " + *problem);
        if (head.text.find('.') != std::string::npos) return fail_at(head, "function names cannot contain '.'");
        fn.name = head.text;
      } else {
        fn.name_pool = head.int_value;
      }
      if (!cur_.accept(Tok::Slash)) return fail_at(cur_.peek(), "expected '/' and the arity after the function name");
      const Token& a = cur_.next();
      if (a.kind != Tok::Int) return fail_at(a, "expected the arity after '/', got " + describe_token(a));
      arity_text = std::string(a.spelling);
      arity_pos = a.pos;
    } else {
      return fail_at(head, "expected name/arity after func, got " + describe_token(head));
    }
    if (fn.name_pool < 0 && fn.name.empty()) return fail_at(head, "function name is empty");
    unsigned arity = 0;
    auto [ptr, ec] = std::from_chars(arity_text.data(), arity_text.data() + arity_text.size(), arity);
    if (ec != std::errc() || ptr != arity_text.data() + arity_text.size() || arity > kMaxArity) {
      return fail(arity_pos, fmt::format("arity {} is out of range (0..{})", arity_text, kMaxArity));
    }
    fn.arity = arity;
    while (cur_.at(Tok::Ident)) {
      const Token& opt = cur_.next();
      std::optional<unsigned>* slot = opt.text == "frame" ? &fn.frame : opt.text == "upvals" ? &fn.upvals : nullptr;
      if (!slot) return fail_at(opt, "unknown func option '" + opt.text + "' (frame=N, upvals=N)");
      if (slot->has_value()) return fail_at(opt, opt.text + "= appears twice");
      if (!cur_.accept(Tok::Equals)) return fail_at(cur_.peek(), "expected '=' after " + opt.text);
      const Token& v = cur_.next();
      if (v.kind != Tok::Int || v.int_value < 0 || v.int_value > kMaxFrame) {
        return fail_at(v, fmt::format("{} must be a number 0..{}", opt.text, kMaxFrame));
      }
      *slot = static_cast<unsigned>(v.int_value);
      (opt.text == "frame" ? fn.frame_pos : fn.upvals_pos) = v.pos;
    }
    seal_current();
    module_.functions.push_back(std::move(fn));
    return end_of_line("the func header");
  }

  // ---- instructions ----

  // Tokens that start a constant (a literal, or a plain number).
  static bool starts_constant(const Token& t) {
    switch (t.kind) {
      case Tok::Int: case Tok::Float: case Tok::Atom: case Tok::String: case Tok::LBrace: case Tok::LBracket:
      case Tok::PercentBrace: case Tok::LtLt: case Tok::PoolRef: return true;
      case Tok::Ident: return t.text == "true" || t.text == "false" || t.text == "nil";
      default: return false;
    }
  }

  // The registers a field takes, for messages.
  static std::string_view registers_for(FieldKind kind) {
    if (is_r6(kind) || is_written(kind)) return "x0..x31, y0..y31";
    return "x0..x31, y0..y31, u0..u31";
  }

  // A constant where the instruction reads a register: the value `load`
  // would take, kept in the function's table.
  bool constant_operand(RegOperand& out) {
    ConstOperand c;
    using LV = ParsedInstr::LoadValue;
    const bool annotated = cur_.peek(1).kind == Tok::DoubleColon;
    if (cur_.at(Tok::Int) && !cur_.peek().big && !annotated) {
      c.load_value = static_cast<uint8_t>(LV::Int);
      c.value = static_cast<uint64_t>(cur_.next().int_value);
    } else if (cur_.at(Tok::Float) && !annotated) {
      c.load_value = static_cast<uint8_t>(LV::Float);
      c.value = std::bit_cast<uint64_t>(cur_.next().float_value);
    } else {
      c.load_value = static_cast<uint8_t>(LV::Literal);
      if (!literal_operand(c.literal)) return false;
    }
    out.konst = static_cast<uint32_t>(current()->consts.size());
    current()->consts.push_back(c);
    return true;
  }

  bool reg(RegOperand& out, FieldKind kind, const OpInfo& op) {
    const Token& t = cur_.peek();
    out.col = t.pos.col;
    const bool reads_only = kind == FieldKind::RS || kind == FieldKind::R6S;
    if (starts_constant(t)) {
      if (reads_only) return constant_operand(out);
      if (kind == FieldKind::RY)
        return fail_at(t, fmt::format("{} takes a y slot here (the catch's slot), not a constant", op.name));
      return fail_at(t, fmt::format("{} writes this operand: write the register that receives the result ({}), "
                                    "not {}",
                                    op.name, registers_for(kind), describe_token(t)));
    }
    cur_.next();
    if (t.kind != Tok::Ident || !looks_like_register(t.text)) {
      return fail_at(t, fmt::format("expected a register ({}){}, got {}", registers_for(kind),
                                    reads_only ? " or a constant" : "", describe_token(t)));
    }
    auto r = register_name(t.text);
    if (!r) return fail_at(t, "malformed register name " + t.text);
    if (r->index > 31) {
      char c = t.text[0];
      return fail_at(t, fmt::format("register {} is out of range ({}0..{}31)", t.text, c, c));
    }
    out.reg = *r;
    if (is_r6(kind) && r->kind == RegKind::U) {
      return fail_at(t, fmt::format("{} takes x or y registers here, not upvalue {}", op.name, t.text));
    }
    if (kind == FieldKind::RY && r->kind != RegKind::Y) {
      return fail_at(t, fmt::format("{} takes a y slot here (the catch's slot), not {}", op.name, t.text));
    }
    if (is_written(kind) && r->kind == RegKind::U) {
      return fail_at(t, fmt::format("upvalue {} is read-only ({} writes this operand)", t.text, op.name));
    }
    return true;
  }

  bool comma(const OpInfo& op) {
    if (cur_.accept(Tok::Comma)) return true;
    const Token& t = cur_.peek();
    return fail_at(t, "expected ',' and more operands, got " + describe_token(t) + "; usage: " + usage(op));
  }

  // Appends to fn's elements; in.elems_count counts them.
  bool reg_list(ParsedInstr& in, Tok close, const OpInfo& op) {
    std::vector<RegOperand>& out = current()->elems;
    if (cur_.accept(close)) return true;
    for (;;) {
      RegOperand r;
      if (!reg(r, FieldKind::R6S, op)) return false;
      out.push_back(r);
      ++in.elems_count;
      if (cur_.accept(Tok::Comma)) continue;
      if (cur_.accept(close)) return true;
      return fail_at(cur_.peek(), fmt::format("expected ',' or {}, got {}", token_name(close), describe_token(cur_.peek())));
    }
  }

  bool collection(ParsedInstr& in, int field, const OpInfo& op) {
    const Token& open = cur_.next();
    size_t count;
    in.elems_begin = static_cast<uint32_t>(current()->elems.size());
    if (op.extra == Extra::RegmaskPairs) {
      if (open.kind != Tok::PercentBrace) return fail_at(open, "expected %{k => v, ...}; usage: " + usage(op));
      if (!cur_.accept(Tok::RBrace)) {
        for (;;) {
          RegOperand k, v;
          if (!reg(k, FieldKind::R6S, op)) return false;
          if (!cur_.accept(Tok::Arrow)) return fail_at(cur_.peek(), "expected '=>' after the key register");
          if (!reg(v, FieldKind::R6S, op)) return false;
          current()->elems.push_back(k);
          current()->elems.push_back(v);
          in.elems_count += 2;
          if (cur_.accept(Tok::Comma)) continue;
          if (cur_.accept(Tok::RBrace)) break;
          return fail_at(cur_.peek(), "expected ',' or '}', got " + describe_token(cur_.peek()));
        }
      }
      count = in.elems_count / 2;
    } else {
      bool is_list = static_cast<Op>(op.code) == Op::op_list;
      Tok want = is_list ? Tok::LBracket : Tok::LBrace;
      if (open.kind != want) return fail_at(open, fmt::format("expected {}; usage: {}", token_name(want), usage(op)));
      if (!reg_list(in, is_list ? Tok::RBracket : Tok::RBrace, op)) return false;
      count = in.elems_count;
    }
    if (!field_fits(FieldKind::SIZE, static_cast<int64_t>(count))) {
      return fail_at(open, fmt::format("{} of {} elements exceeds the size field (65535)", op.name, count));
    }
    in.imm = static_cast<uint32_t>(count);
    return true;
  }

  // Index of `lit` in module_.values; equal literals (same encoded bytes)
  // share one entry.
  uint32_t value_index(Literal lit) {
    std::vector<uint8_t> bytes;
    encode_literal(lit, bytes);
    auto [it, fresh] = value_by_key_.emplace(std::string(bytes.begin(), bytes.end()),
                                             static_cast<uint32_t>(module_.values.size()));
    if (fresh) module_.values.push_back(std::move(lit));
    return it->second;
  }

  bool literal_operand(LiteralOperand& out) {
    out.col = cur_.peek().pos.col;
    if (cur_.at(Tok::PoolRef)) {
      out.is_pool = true;
      out.index = static_cast<uint32_t>(cur_.next().int_value);  // the lexer keeps it below 2^32
      return true;
    }
    auto lit = parse_literal(cur_, err_);
    if (!lit) return false;
    out.index = value_index(std::move(*lit));
    return true;
  }

  bool function_target(LiteralOperand& out, const OpInfo& op) {
    const Token& t = cur_.next();
    out.col = t.pos.col;
    if (t.kind == Tok::PoolRef) {
      out.is_pool = true;
      out.index = static_cast<uint32_t>(t.int_value);
      return true;
    }
    if (t.kind == Tok::FunRef || t.kind == Tok::Atom) {
      if (auto problem = atom_text_problem(t.text)) return fail_at(t, "function reference " + *problem);
      out.index = value_index(Literal::atom(t.text));
      return true;
    }
    return fail_at(t, fmt::format("expected a function (name/arity or mod.name/arity), got {}; usage: {}",
                                  describe_token(t), usage(op)));
  }

  bool immediate(ParsedInstr& in, int field, const OpInfo& op) {
    const Token& t = cur_.next();
    if (t.kind != Tok::Int) return fail_at(t, "expected an integer, got " + describe_token(t) + "; usage: " + usage(op));
    FieldKind k = op.fields[field];
    if (!field_fits(k, t.int_value)) {
      bool is_signed16 = k == FieldKind::I16;
      return fail_at(t, fmt::format("{} value {} does not fit {} (use load or {})", op.name, int_token_text(t),
                                    is_signed16 ? "int16" : "uint16", is_signed16 ? "loadu" : "loadi"));
    }
    in.imm = static_cast<uint32_t>(t.int_value) & 0xFFFF;
    return true;
  }

  // load32 / load64: a type name, then the value (an extra word or two).
  bool typed_value(ParsedInstr& in, int field, const OpInfo& op) {
    const Token& type = cur_.next();
    bool wide = op.fields[field] == FieldKind::T64;
    std::string_view types = wide ? "float or int" : "int, uint or float";
    std::string name = type.kind == Tok::Ident ? type.text : "";
    int code = -1;
    if (!wide) code = name == "int" ? 0 : name == "uint" ? 1 : name == "float" ? 2 : -1;
    if (wide) code = name == "float" ? 0 : name == "int" ? 1 : -1;
    if (code < 0) return fail_at(type, fmt::format("{} type must be {}, got {}", op.name, types, describe_token(type)));
    in.imm = static_cast<uint32_t>(code);
    if (!comma(op)) return false;
    const Token& v = cur_.next();
    bool is_float_type = name == "float";
    if (v.kind != Tok::Int && !(is_float_type && v.kind == Tok::Float)) {
      return fail_at(v, fmt::format("{} {} needs {}, got {}", op.name, name, is_float_type ? "a number" : "an integer",
                                    describe_token(v)));
    }
    if (is_float_type) {
      double d = v.kind == Tok::Float ? v.float_value : static_cast<double>(v.int_value);
      if (v.kind == Tok::Int && (v.int_value > (int64_t{1} << 53) || v.int_value < -(int64_t{1} << 53))) {
        return fail_at(v, fmt::format("{} is not exact as a float (write it as a float literal)", int_token_text(v)));
      }
      if (!wide) {
        if (!fits_float32_exactly(d)) {
          return fail_at(v, fmt::format("{} is not exact in float32 (use load64 float or load)", v.spelling));
        }
        in.value = std::bit_cast<uint32_t>(static_cast<float>(d));
      } else {
        in.value = std::bit_cast<uint64_t>(d);
      }
      return true;
    }
    int64_t x = v.int_value;
    if (wide) {
      if (v.big) return fail_at(v, fmt::format("load64 int value {} does not fit int64 (use load)", int_token_text(v)));
      in.value = static_cast<uint64_t>(x);
      return true;
    }
    bool ok = name == "int" ? (x >= INT32_MIN && x <= INT32_MAX) : (x >= 0 && x <= UINT32_MAX);
    if (!ok) {
      return fail_at(v, fmt::format("load32 {} value {} does not fit {} (use load)", name, int_token_text(v),
                                    name == "int" ? "int32" : "uint32"));
    }
    in.value = static_cast<uint64_t>(x) & 0xFFFFFFFFu;
    return true;
  }

  bool label_operand(ParsedInstr& in, const OpInfo& op) {
    const Token& t = cur_.next();
    if (t.kind != Tok::Ident || !is_plain_name(t.text) || looks_like_register(t.text)) {
      return fail_at(t, "expected a label, got " + describe_token(t) + "; usage: " + usage(op));
    }
    in.label = static_cast<uint32_t>(label_entry(*current(), t.text));
    in.label_col = t.pos.col;
    return true;
  }

  // is / is_arity: `[not] TYPE` or `[not] tuple/N`, `[not] function/N`
  // (docs/assembly.md, "Pattern matching"); an arity picks is_arity.
  bool type_test(ParsedInstr& in, const OpInfo& op) {
    uint32_t negate = 0;
    if (cur_.at(Tok::Ident) && cur_.peek().text == "not" && cur_.peek(1).kind != Tok::Comma) {
      cur_.next();
      negate = kTypeTestNegate;
    }
    const Token& t = cur_.next();
    std::string name = t.text;
    std::optional<uint32_t> arity;
    if (t.kind == Tok::FunRef) {
      const size_t slash = name.rfind('/');
      const std::string digits = name.substr(slash + 1);
      name.resize(slash);
      uint64_t n = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || n > UINT32_MAX)
        return fail_at(t, fmt::format("arity {} is out of range (0..{})", digits, UINT32_MAX));
      arity = static_cast<uint32_t>(n);
    } else if (t.kind != Tok::Ident) {
      return fail_at(t, "expected a type (integer, float, number, atom, boolean, nil, cons, list, tuple, map, binary, "
                        "function, pid, reference, or tuple/N, function/N), got " + describe_token(t) + "; usage: " + usage(op));
    }
    unsigned kind = 0;
    while (kind < kTypeTestNames && kTypeTestName[kind] != name) ++kind;
    if (kind >= kTypeTestNames)
      return fail_at(t, "unknown type '" + name + "' (integer, float, number, atom, boolean, nil, cons, list, tuple, "
                        "map, binary, function, pid, reference, or tuple/N, function/N)");
    const auto test = static_cast<TypeTest>(kind);
    if (arity) {
      if (test != TypeTest::Tuple && test != TypeTest::Function)
        return fail_at(t, "only tuple/N and function/N test an arity, not " + t.text);
      if (test == TypeTest::Function && *arity > kMaxArity)
        return fail_at(t, fmt::format("function arity {} exceeds {}", *arity, kMaxArity));
      in.op = static_cast<uint8_t>(Op::op_is_arity);
      in.value = *arity;
    }
    in.imm = kind | negate;
    return true;
  }

  // select / select_arity: `default, [VALUE => label, ...]`.
  bool select_table(ParsedInstr& in, const OpInfo& op) {
    if (!label_operand(in, op) || !comma(op)) return false;
    const Token& open = cur_.next();
    if (open.kind != Tok::LBracket) return fail_at(open, "expected [ and the table; usage: " + usage(op));
    ParsedFunction& fn = *current();
    in.elems_begin = static_cast<uint32_t>(fn.cases.size());
    const bool arities = static_cast<Op>(op.code) == Op::op_select_arity;
    if (!cur_.accept(Tok::RBracket)) {
      for (;;) {
        CaseOperand c;
        if (arities) {
          const Token& v = cur_.next();
          if (v.kind != Tok::Int || v.int_value < 0 || v.int_value > 0xFFFF)
            return fail_at(v, "expected a tuple arity 0..65535, got " + describe_token(v));
          c.arity = static_cast<uint32_t>(v.int_value);
        } else if (!literal_operand(c.value)) {
          return false;
        }
        if (!cur_.accept(Tok::Arrow)) return fail_at(cur_.peek(), "expected '=>' and a label after the value");
        const Token& l = cur_.next();
        if (l.kind != Tok::Ident || !is_plain_name(l.text) || looks_like_register(l.text))
          return fail_at(l, "expected a label, got " + describe_token(l) + "; usage: " + usage(op));
        c.label = static_cast<uint32_t>(label_entry(fn, l.text));
        c.label_col = l.pos.col;
        fn.cases.push_back(c);
        ++in.elems_count;
        if (cur_.accept(Tok::Comma)) continue;
        if (cur_.accept(Tok::RBracket)) break;
        return fail_at(cur_.peek(), "expected ',' or ], got " + describe_token(cur_.peek()));
      }
    }
    if (in.elems_count > 0xFFFF) return fail_at(open, fmt::format("{} of {} pairs exceeds the table (65535)", op.name, in.elems_count));
    in.imm = in.elems_count;
    return true;
  }

  bool live_override(ParsedInstr& in, const OpInfo& op) {
    const Token& t = cur_.next();  // `live`
    if (!allocates(op)) {
      return fail_at(t, fmt::format("live= only applies to allocating instructions ({}), not {}", allocating_names(),
                                    op.name));
    }
    cur_.next();  // '=' (the caller saw it)
    const Token& v = cur_.next();
    if (v.kind != Tok::Int || v.int_value < 0 || v.int_value > UINT32_MAX) {
      return fail_at(v, "live= needs a 32-bit mask (live=0x5 keeps x0 and x2)");
    }
    in.has_live = true;
    in.live = static_cast<uint32_t>(v.int_value);
    return true;
  }

  bool instruction() {
    const Token& mn = cur_.next();
    ParsedFunction* fn = current();
    if (!fn) return fail_at(mn, "instruction outside a function (start one with: func name/arity)");
    ParsedInstr in;
    in.pos = mn.pos;
    if (mn.text == "load") {
      in.pseudo_load = true;
      in.op = static_cast<uint8_t>(Op::op_loadc);
      const OpInfo& op = op_info(in.op);
      in.has_reg[0] = true;
      if (!reg(in.regs[0], FieldKind::RD, op)) return false;
      if (!cur_.accept(Tok::Comma)) return fail_at(cur_.peek(), "expected ',' and a literal; usage: load dst, LITERAL");
      // Plain numbers load inline, so they may exceed what a literal holds;
      // integers beyond int64 are bigint literals (loadc).
      bool annotated = cur_.peek(1).kind == Tok::DoubleColon;
      if (cur_.at(Tok::Int) && !cur_.peek().big && !annotated) {
        in.load_value = ParsedInstr::LoadValue::Int;
        in.literal.col = cur_.peek().pos.col;
        in.value = static_cast<uint64_t>(cur_.next().int_value);
      } else if (cur_.at(Tok::Float) && !annotated) {
        in.load_value = ParsedInstr::LoadValue::Float;
        in.literal.col = cur_.peek().pos.col;
        in.value = std::bit_cast<uint64_t>(cur_.next().float_value);
      } else if (!literal_operand(in.literal)) {
        return false;
      }
      push_instruction(*fn, std::move(in));
      return end_of_line("the operands of load");
    }
    auto code = op_by_name(mn.text);
    if (!code) return fail_at(mn, "unknown instruction '" + mn.text + "'");
    if (static_cast<Op>(*code) == Op::op_push) {
      return fail_at(mn, "push words are emitted by tuple, list, map and fn; push cannot be written directly");
    }
    if (static_cast<Op>(*code) == Op::op_is_arity) {
      return fail_at(mn, "is_arity is written as is: is src, [not] tuple/N, label (or function/N)");
    }
    in.op = *code;
    const OpInfo& op = op_info(in.op);
    bool first = true;
    for (int i = 0; i < 4; ++i) {
      FieldKind k = op.fields[i];
      if (k == FieldKind::NONE || k == FieldKind::Z6 || k == FieldKind::Z8 || k == FieldKind::Z16) continue;
      bool optional_pos = static_cast<Op>(in.op) == Op::op_mov && i == 2;
      if (optional_pos && !cur_.at(Tok::Comma)) {
        in.regs[i] = in.regs[0];  // plain move: pos == dst
        in.has_reg[i] = true;
        continue;
      }
      if (!first && !comma(op)) return false;
      first = false;
      if (is_reg(k)) {
        in.has_reg[i] = true;
        if (!reg(in.regs[i], k, op)) return false;
      } else if (k == FieldKind::I16 || k == FieldKind::U16) {
        if (!immediate(in, i, op)) return false;
      } else if (k == FieldKind::LIT) {
        if (!literal_operand(in.literal)) return false;
      } else if (k == FieldKind::FUN) {
        if (!function_target(in.literal, op)) return false;
      } else if (k == FieldKind::SIZE) {
        if (!collection(in, i, op)) return false;
      } else if (k == FieldKind::T32 || k == FieldKind::T64) {
        if (!typed_value(in, i, op)) return false;
      } else if (is_jump(k)) {
        if (!label_operand(in, op)) return false;
      } else if (k == FieldKind::TK) {
        if (!type_test(in, op)) return false;
      } else if (k == FieldKind::TAB) {
        if (!select_table(in, op)) return false;
      }
    }
    if (pushes_args(op.extra)) {  // bif, gcbif: the argument list, always written
      if (!comma(op)) return false;
      const Token& open = cur_.next();
      if (open.kind != Tok::LBracket) return fail_at(open, "expected [arguments]; usage: " + usage(op));
      in.elems_begin = static_cast<uint32_t>(current()->elems.size());
      if (!reg_list(in, Tok::RBracket, op)) return false;
    }
    if (op.extra == Extra::RegmaskUpvals && cur_.accept(Tok::Comma)) {
      const Token& open = cur_.next();
      if (open.kind != Tok::LBracket) return fail_at(open, "expected [captured registers]; usage: " + usage(op));
      in.has_capture_list = true;
      in.elems_begin = static_cast<uint32_t>(current()->elems.size());
      if (!reg_list(in, Tok::RBracket, op)) return false;
    }
    if (cur_.at(Tok::Ident) && cur_.peek().text == "live" && cur_.peek(1).kind == Tok::Equals) {
      if (!live_override(in, op)) return false;
    }
    if (!cur_.at(Tok::Newline) && !cur_.at(Tok::End)) {
      const Token& t = cur_.peek();
      if (t.kind == Tok::Comma) return fail_at(t, "too many operands; usage: " + usage(op));
      return fail_at(t, "unexpected " + describe_token(t) + " after the operands; usage: " + usage(op));
    }
    // A binary read writes its value and the advanced position (issue 15).
    if (op.fields[0] == FieldKind::R6D && op.fields[2] == FieldKind::R6M && in.regs[0].reg == in.regs[2].reg) {
      return fail(in.at(in.regs[2].col), std::string(op.name) + " writes the value and the position: " +
                                             (in.regs[2].reg.kind == RegKind::Y ? "y" : "x") +
                                             std::to_string(in.regs[2].reg.index) + " cannot be both");
    }
    push_instruction(*fn, std::move(in));
    return end_of_line("the operands");
  }

  void push_instruction(ParsedFunction& fn, ParsedInstr in) {
    in.line_mark = pending_line_;
    pending_line_ = 0;
    fn.code.push_back(std::move(in));
  }

  LineLexer lexer_;
  std::vector<Token> line_;  // the line being parsed
  TokenCursor cur_;
  SyntaxError& err_;
  ParsedModule module_;
  std::unordered_map<std::string, uint32_t> value_by_key_;  // encoded literal -> index in module_.values
  uint32_t pending_line_ = 0;  // a .line waiting for its instruction (0: none)
  SourcePos pending_line_pos_;
};

}  // namespace

std::optional<ParsedModule> parse_source(std::string_view source, SyntaxError& err) {
  return Parser(source, err).run();
}

}  // namespace lzr::asm_text
