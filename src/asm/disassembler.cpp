// ModuleFile -> text that assembles back to the same bytes. Everything the
// assembler would infer (regmasks, the literal pool, mov's pos operand) is
// left out when inference gives the stored value, and spelled out when not.
#include <bit>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "asm/assembler.h"
#include "asm/instr.h"
#include "asm/lexer.h"
#include "asm/literal_syntax.h"
#include "format/verifier.h"

namespace lzr {

namespace {

using namespace asm_text;

std::string literal_key(const Literal& lit) {
  std::vector<uint8_t> bytes;
  encode_literal(lit, bytes);
  return std::string(bytes.begin(), bytes.end());
}

std::string quoted_atom(std::string_view text) {
  if (is_plain_name(text)) return ":" + std::string(text);
  std::string out = ":";
  append_quoted(out, text);
  return out;
}

std::string reg_name(Reg r) {
  char letter = r.kind == RegKind::X ? 'x' : r.kind == RegKind::Y ? 'y' : 'u';
  return fmt::format("{}{}", letter, r.index);
}

struct DecodedFunction {
  const FunctionEntry* entry = nullptr;
  std::vector<Instr> code;
  std::vector<uint32_t> addr;    // word offset of each instruction
  std::vector<uint16_t> lit;     // literal index of each instruction's LIT/FUN field
  std::vector<bool> has_lit;     // whether it has one (select: its table's values are in Instr::table_values)
};

class Disassembler {
 public:
  Disassembler(const ModuleFile& m) : m_(m) {}

  std::string run() {
    for (size_t f = 0; f < m_.functions.size(); ++f) decode_function(f);
    decide_pool();
    std::string out;
    out += "module " + module_name_text() + "\n";
    if (m_.lines) {
      out += ".file ";
      append_quoted(out, m_.lines->file);
      out += "\n";
      for (const LineEntry& e : m_.lines->entries) line_at_.emplace(static_cast<uint32_t>(e.word), e.line);
    } else if (!m_.code.empty()) {  // the assembler writes no table for empty code anyway
      out += ".nolines\n";
    }
    if (print_pool_) {
      out += "\n.pool\n";
      for (size_t k = 0; k < m_.literals.size(); ++k) out += fmt::format(".lit {} {}\n", k, format_literal(m_.literals[k]));
    }
    for (const DecodedFunction& fn : fns_) print_function(fn, out);
    return out;
  }

 private:
  // ---- decoding ----

  const FunctionEntry* function_named(const std::string& text) {
    auto ref = parse_function_ref(text);
    if (!ref) return nullptr;
    auto k = local_function(m_, *ref);
    return k ? &m_.functions[*k] : nullptr;
  }

  void decode_function(size_t f) {
    DecodedFunction fn;
    fn.entry = &m_.functions[f];
    size_t end = f + 1 < m_.functions.size() ? m_.functions[f + 1].entry : m_.code.size();
    std::vector<int64_t> target_word;
    std::vector<std::vector<int64_t>> table_word;
    const OpInfo& push = op_info(static_cast<uint8_t>(Op::op_push));
    for (size_t pc = fn.entry->entry; pc < end;) {
      uint32_t word = m_.code[pc];
      Instr in;
      in.op = static_cast<uint8_t>(word & 0xFF);
      const OpInfo& info = in.info();
      int64_t target = 0;
      bool jumps = false;
      bool has_lit = false;
      uint16_t lit = 0;
      size_t elem_count = 0;
      for (int i = 0; i < 4; ++i) {
        FieldKind k = info.fields[i];
        if (is_jump(k)) {
          target = field_value(word, info, i);
          jumps = true;
          continue;
        }
        in.raw[i] = field_raw(word, info, i);
        if (k == FieldKind::LIT || k == FieldKind::FUN) {
          has_lit = true;
          lit = static_cast<uint16_t>(in.raw[i]);
        }
        if (k == FieldKind::FUN) {
          const std::string& text = m_.literals[lit].text;
          if (auto ref = parse_function_ref(text)) in.call_arity = static_cast<int32_t>(ref->arity);
          if (info.extra == Extra::RegmaskUpvals) {
            const FunctionEntry* callee = function_named(text);
            elem_count = callee ? callee->upvals : 0;
          }
          if (pushes_args(info.extra) && in.call_arity >= 0) elem_count = static_cast<size_t>(in.call_arity);
        }
        if (k == FieldKind::SIZE) elem_count = info.extra == Extra::RegmaskPairs ? 2 * in.raw[i] : in.raw[i];
      }
      size_t extra_at = pc + 1;
      std::vector<int64_t> table_words;  // select: default, then each pair's target word
      switch (info.extra) {
        case Extra::None: case Extra::Args: break;
        case Extra::Word32: case Extra::Arity: in.value = m_.code[extra_at]; break;
        case Extra::Table: {
          const uint32_t pairs = in.raw[1];
          const int64_t after = static_cast<int64_t>(pc) + 2 + pairs;
          jumps = true;
          target = static_cast<int32_t>(m_.code[extra_at]);
          for (uint32_t k = 0; k < pairs; ++k) {
            const uint32_t w = m_.code[extra_at + 1 + k];
            in.table_values.push_back(table_value(w));
            table_words.push_back(after + table_jump(w));
          }
          break;
        }
        case Extra::Word64: in.value = m_.code[extra_at] | (uint64_t{m_.code[extra_at + 1]} << 32); break;
        default: in.regmask = m_.code[extra_at]; break;
      }
      size_t push_at = pc + 1 + fixed_extra_words(info.extra);
      if (!has_push_words(info.extra)) elem_count = 0;
      for (size_t k = 0; k < elem_count; ++k) {
        in.elems.push_back(static_cast<uint8_t>(field_raw(m_.code[push_at + k / 4], push, static_cast<int>(k % 4))));
      }
      in.table_targets.assign(table_words.size(), -1);
      unsigned words = instr_words(in);
      fn.addr.push_back(static_cast<uint32_t>(pc));
      target_word.push_back(jumps ? static_cast<int64_t>(pc) + words + target : -1);
      table_word.push_back(std::move(table_words));
      fn.code.push_back(std::move(in));
      fn.lit.push_back(lit);
      fn.has_lit.push_back(has_lit);
      pc += words;
    }
    std::map<int64_t, int32_t> index_of;
    for (size_t i = 0; i < fn.addr.size(); ++i) index_of[fn.addr[i]] = static_cast<int32_t>(i);
    for (size_t i = 0; i < fn.code.size(); ++i) {
      for (size_t k = 0; k < table_word[i].size(); ++k) {
        auto it = index_of.find(table_word[i][k]);
        fn.code[i].table_targets[k] = it == index_of.end() ? -1 : it->second;
        labels_.insert(static_cast<uint32_t>(table_word[i][k]));
      }
      if (target_word[i] < 0) continue;
      auto it = index_of.find(target_word[i]);
      fn.code[i].target = it == index_of.end() ? -1 : it->second;
      labels_.insert(static_cast<uint32_t>(target_word[i]));
    }
    fns_.push_back(std::move(fn));
  }

  // ---- literal pool ----

  // The pool is implicit when it is exactly what the assembler builds from
  // the references in text order: canonical encodings, first-use order,
  // each literal once, nothing unused.
  void decide_pool() {
    for (size_t k = 0; k < m_.literals.size(); ++k) first_index_.emplace(literal_key(m_.literals[k]), k);
    std::unordered_map<std::string, size_t> simulated;
    bool matches = true;
    auto use = [&](uint16_t index) {
      const Literal& lit = m_.literals[index];
      if (!is_canonical(lit)) matches = false;
      auto [it, fresh] = simulated.emplace(literal_key(lit), simulated.size());
      if (it->second != index) matches = false;
    };
    use(m_.module_name);
    for (const DecodedFunction& fn : fns_) {
      use(fn.entry->name);
      for (size_t i = 0; i < fn.code.size(); ++i) {
        if (fn.has_lit[i]) use(fn.lit[i]);
        if (static_cast<Op>(fn.code[i].op) == Op::op_select)
          for (uint32_t v : fn.code[i].table_values) use(static_cast<uint16_t>(v));
      }
    }
    print_pool_ = !matches || simulated.size() != m_.literals.size();
  }

  // True when writing the literal out resolves to `index` (the first pool
  // entry with its bytes); otherwise the text must say #index.
  bool resolves_to(uint16_t index) const {
    auto it = first_index_.find(literal_key(m_.literals[index]));
    return it != first_index_.end() && it->second == index;
  }

  std::string module_name_text() const {
    uint16_t k = m_.module_name;
    if (!resolves_to(k)) return fmt::format("#{}", k);
    const std::string& name = m_.literals[k].text;
    return is_dotted_name(name) ? name : quoted_atom(name);
  }

  std::string literal_text(uint16_t index) const {
    if (!resolves_to(index)) return fmt::format("#{}", index);
    return format_literal(m_.literals[index]);
  }

  std::string function_ref_text(uint16_t index) const {
    if (!resolves_to(index)) return fmt::format("#{}", index);
    const std::string& text = m_.literals[index].text;
    return is_bare_function_ref(text) ? text : quoted_atom(text);
  }

  // ---- printing ----

  void print_function(const DecodedFunction& fn, std::string& out) {
    const FunctionEntry& e = *fn.entry;
    std::string name;
    if (!resolves_to(e.name)) {
      name = fmt::format("#{}/{}", e.name, e.arity);
    } else {
      const std::string& text = m_.literals[e.name].text;
      name = is_plain_name(text) ? fmt::format("{}/{}", text, e.arity) : fmt::format("{}/{}", quoted_atom(text), e.arity);
    }
    out += fmt::format("\nfunc {} frame={} upvals={}\n", name, e.frame, e.upvals);
    std::vector<uint32_t> computed = computed_regmasks(fn.code, e.arity);
    for (size_t i = 0; i < fn.code.size(); ++i) {
      if (auto line = line_at_.find(fn.addr[i]); line != line_at_.end()) out += fmt::format("  .line {}\n", line->second);
      if (labels_.count(fn.addr[i])) out += fmt::format("L{}:\n", fn.addr[i]);
      out += "  " + instruction_text(fn, i);
      const Instr& in = fn.code[i];
      if (allocates(in.info()) && in.regmask != computed[i]) out += fmt::format(" live=0x{:x}", in.regmask);
      out += '\n';
    }
  }

  std::string instruction_text(const DecodedFunction& fn, size_t i) {
    const Instr& in = fn.code[i];
    const OpInfo& info = in.info();
    std::vector<std::string> operands;
    for (int f = 0; f < 4; ++f) {
      FieldKind k = info.fields[f];
      uint32_t raw = in.raw[f];
      switch (k) {
        case FieldKind::NONE: case FieldKind::Z6: case FieldKind::Z8: case FieldKind::Z16: break;
        case FieldKind::RD: case FieldKind::RS: case FieldKind::RM: case FieldKind::RY:
          // mov's pos operand is implied when it equals dst.
          if (static_cast<Op>(in.op) == Op::op_mov && f == 2 && raw == in.raw[0]) break;
          operands.push_back(reg_name(decode_r(raw)));
          break;
        case FieldKind::R6D: case FieldKind::R6S: case FieldKind::R6M: operands.push_back(reg_name(decode_r6(raw))); break;
        case FieldKind::I16: operands.push_back(std::to_string(static_cast<int16_t>(raw))); break;
        case FieldKind::U16: operands.push_back(std::to_string(raw)); break;
        case FieldKind::LIT: operands.push_back(literal_text(static_cast<uint16_t>(raw))); break;
        case FieldKind::FUN: operands.push_back(function_ref_text(static_cast<uint16_t>(raw))); break;
        case FieldKind::SIZE: operands.push_back(collection_text(in)); break;
        case FieldKind::T32: operands.push_back(load32_text(raw, static_cast<uint32_t>(in.value))); break;
        case FieldKind::T64: operands.push_back(load64_text(raw, in.value)); break;
        case FieldKind::J12: case FieldKind::J16: case FieldKind::J24: operands.push_back(fmt::format("L{}", fn.addr[static_cast<size_t>(in.target)])); break;
        case FieldKind::TK: operands.push_back(type_test_text(in)); break;
        case FieldKind::TAB: operands.push_back(table_text(fn, in)); break;
      }
    }
    if (info.extra == Extra::RegmaskUpvals && !in.elems.empty()) operands.push_back(element_list(in, "[", "]"));
    if (pushes_args(info.extra)) operands.push_back(element_list(in, "[", "]"));  // bif, gcbif: always written
    std::string text(static_cast<Op>(in.op) == Op::op_is_arity ? "is" : info.name);  // is x0, tuple/3, L
    for (size_t k = 0; k < operands.size(); ++k) text += (k ? ", " : " ") + operands[k];
    return text;
  }

  // `[not] TYPE`, with `/N` for is_arity.
  static std::string type_test_text(const Instr& in) {
    const uint32_t raw = in.raw[1];
    std::string out = raw & kTypeTestNegate ? "not " : "";
    out += kTypeTestName[raw & (kTypeTestNegate - 1)];  // verified: a defined test
    if (static_cast<Op>(in.op) == Op::op_is_arity) out += fmt::format("/{}", static_cast<uint32_t>(in.value));
    return out;
  }

  // `Ldefault, [value => L, ...]`.
  std::string table_text(const DecodedFunction& fn, const Instr& in) const {
    std::string out = fmt::format("L{}, [", fn.addr[static_cast<size_t>(in.target)]);
    for (size_t k = 0; k < in.table_values.size(); ++k) {
      if (k) out += ", ";
      out += static_cast<Op>(in.op) == Op::op_select ? literal_text(static_cast<uint16_t>(in.table_values[k]))
                                                      : std::to_string(in.table_values[k]);
      out += fmt::format(" => L{}", fn.addr[static_cast<size_t>(in.table_targets[k])]);
    }
    return out + "]";
  }

  static std::string element_list(const Instr& in, std::string_view open, std::string_view close) {
    std::string out(open);
    for (size_t k = 0; k < in.elems.size(); ++k) {
      if (k) out += ", ";
      out += reg_name(decode_r6(in.elems[k]));
    }
    return out + std::string(close);
  }

  static std::string collection_text(const Instr& in) {
    const OpInfo& info = in.info();
    if (info.extra == Extra::RegmaskPairs) {
      std::string out = "%{";
      for (size_t k = 0; k + 1 < in.elems.size(); k += 2) {
        if (k) out += ", ";
        out += reg_name(decode_r6(in.elems[k])) + " => " + reg_name(decode_r6(in.elems[k + 1]));
      }
      return out + "}";
    }
    if (static_cast<Op>(in.op) == Op::op_list) return element_list(in, "[", "]");
    return element_list(in, "{", "}");
  }

  static std::string load32_text(uint32_t type, uint32_t value) {
    switch (static_cast<Load32Type>(type)) {
      case Load32Type::Int32: return fmt::format("int, {}", static_cast<int32_t>(value));
      case Load32Type::UInt32: return fmt::format("uint, {}", value);
      default: return "float, " + format_float(static_cast<double>(std::bit_cast<float>(value)));
    }
  }

  static std::string load64_text(uint32_t type, uint64_t value) {
    if (static_cast<Load64Type>(type) == Load64Type::Int64) return fmt::format("int, {}", static_cast<int64_t>(value));
    return "float, " + format_float(std::bit_cast<double>(value));
  }

  const ModuleFile& m_;
  std::vector<DecodedFunction> fns_;
  std::set<uint32_t> labels_;
  std::map<uint32_t, int64_t> line_at_;  // line table entries: word -> line
  std::unordered_map<std::string, size_t> first_index_;
  bool print_pool_ = false;
};

}  // namespace

bool disassemble(const ModuleFile& module, std::string_view file, std::string& text, std::string& error) {
  if (module.type != ModuleType::Script) {
    error = fmt::format("{}: native module '{}' (library {}) has no bytecode to disassemble", file, module.native_name,
                        module.native_libpath);
    return false;
  }
  LoadError verr;
  if (!verify_module(module, file, verr)) {
    error = verr.message;
    return false;
  }
  text = Disassembler(module).run();
  return true;
}

std::string disassemble(const ModuleFile& module) {
  std::string text, error;
  if (!disassemble(module, "module", text, error)) return "; cannot disassemble: " + error + "\n";
  return text;
}

}  // namespace lzr
