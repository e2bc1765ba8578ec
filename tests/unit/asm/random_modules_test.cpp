// Property test: random valid modules — every opcode, random literal pools
// (duplicates, unused entries, any legal encoding), random regmasks and
// jumps — must survive write -> read -> dis -> asm byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "asm/instr.h"
#include "asm_test_util.h"
#include "format/opcodes.h"

namespace lzr {
namespace {

using asm_text::Instr;

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  ModuleFile module() {
    ModuleFile m;
    int nfun = pick(1, 4);
    const char* names[] = {"main", "f", "loop", "two words", "a/b", "ok?", "\xC3\xA9t\xC3\xA9", "true"};
    for (int k = 0; k < nfun; ++k) {
      FunctionEntry e;
      std::string name;
      do {
        name = names[pick(0, 7)];
        e.arity = static_cast<uint8_t>(pick(0, 3));
      } while (taken(m, name, e.arity));
      e.name = add(m, Literal::atom(name));
      if (chance(4)) add(m, Literal::atom(name));  // a duplicate
      e.frame = static_cast<uint8_t>(pick(0, 3));
      e.upvals = static_cast<uint8_t>(chance(3) ? pick(1, 5) : 0);
      m.functions.push_back(e);
      names_.push_back(name);
    }
    m.module_name = add(m, Literal::atom(chance(2) ? "mod" : "my.mod"));
    if (chance(3)) add(m, m.literals[m.module_name]);
    for (int k = pick(0, 8); k > 0; --k) add(m, literal(0));
    for (size_t f = 0; f < m.functions.size(); ++f) {
      std::string ref = names_[f] + "/" + std::to_string(m.functions[f].arity);
      targets_.push_back(add(m, Literal::atom(ref)));
      if (chance(2)) add(m, Literal::atom(ref));
      if (chance(3)) add(m, Literal::atom(m.name() + "." + ref));
    }
    remote_ = add(m, Literal::atom("io.print/1"));
    builtins_.clear();  // for bif / gcbif: the last one allocates (gcbif only)
    for (const char* b : {"map.get/3", "math.pi/0", "kernel.max/2", "list.reverse/1"})
      builtins_.push_back(add(m, Literal::atom(b)));
    shuffle_pool(m);
    std::vector<uint32_t> starts;  // every instruction's word
    for (size_t f = 0; f < m.functions.size(); ++f) {
      m.functions[f].entry = static_cast<uint32_t>(m.code.size());
      std::vector<uint32_t> words = function_code(m, m.functions[f], starts);
      m.code.insert(m.code.end(), words.begin(), words.end());
    }
    if (!chance(3)) m.lines = line_table(starts);
    return m;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int one_in) { return pick(1, one_in) == 1; }
  uint32_t bits32() { return static_cast<uint32_t>(rng_()); }

  static bool taken(const ModuleFile& m, const std::string& name, uint8_t arity) {
    for (const FunctionEntry& e : m.functions) {
      if (e.arity == arity && m.literals[e.name].text == name) return true;
    }
    return false;
  }

  static uint16_t add(ModuleFile& m, Literal lit) {
    m.literals.push_back(std::move(lit));
    return static_cast<uint16_t>(m.literals.size() - 1);
  }

  // Moves entries around (fixing every index) so pools are not in order.
  void shuffle_pool(ModuleFile& m) {
    std::vector<uint16_t> perm(m.literals.size());
    for (size_t k = 0; k < perm.size(); ++k) perm[k] = static_cast<uint16_t>(k);
    if (chance(2)) std::shuffle(perm.begin(), perm.end(), rng_);
    std::vector<Literal> pool(m.literals.size());
    for (size_t k = 0; k < perm.size(); ++k) pool[perm[k]] = m.literals[k];
    m.literals = std::move(pool);
    m.module_name = perm[m.module_name];
    for (FunctionEntry& e : m.functions) e.name = perm[e.name];
    for (uint16_t& t : targets_) t = perm[t];
    remote_ = perm[remote_];
    for (uint16_t& b : builtins_) b = perm[b];
  }

  Literal encoded(Literal lit, std::initializer_list<ByteTermType> options) {
    std::vector<ByteTermType> ok;
    for (ByteTermType t : options) {
      lit.encoding = t;
      if (effective_encoding(lit) == t) ok.push_back(t);
    }
    lit.encoding = ok.empty() ? canonical_encoding(lit) : ok[static_cast<size_t>(pick(0, static_cast<int>(ok.size()) - 1))];
    return lit;
  }

  Literal literal(int depth) {
    using T = ByteTermType;
    switch (pick(0, depth < 3 ? 7 : 3)) {
      case 0: {
        if (chance(4)) {  // a bigint: 7 to 24 magnitude bytes, the top one non-zero (beyond 48 bits)
          std::string magnitude;
          for (int k = pick(7, 24); k > 0; --k) magnitude += static_cast<char>(pick(0, 255));
          magnitude.back() = static_cast<char>(pick(1, 255));
          return Literal::big_integer(chance(2), magnitude);
        }
        int64_t v = chance(2) ? pick(-300, 300) : static_cast<int32_t>(bits32());
        return encoded(Literal::integer(v), {T::I8, T::U8, T::I16, T::I32});
      }
      case 1: {
        double d;
        do d = std::bit_cast<double>(uint64_t{bits32()} << 32 | bits32()); while (!std::isfinite(d));
        if (chance(2)) d = pick(-8, 8) / 4.0;
        return encoded(Literal::floating(d), {T::F32, T::F64});
      }
      case 2: {
        const char* atoms[] = {"ok", "a b", "", "nil", "x\ny", "\"q\""};
        return Literal::atom(atoms[pick(0, 5)]);
      }
      case 3: {
        std::string bytes;
        for (int k = pick(0, 6); k > 0; --k) bytes += static_cast<char>(chance(2) ? pick('a', 'z') : pick(0, 255));
        return Literal::binary(bytes);
      }
      default: {
        std::vector<Literal> items;
        int kind = pick(0, 2);
        int n = pick(0, 4) * (kind == 2 ? 2 : 1);
        for (int k = 0; k < n; ++k) items.push_back(literal(depth + 1));
        if (kind == 0) return encoded(Literal::list(items), {T::List8, T::List16, T::List32});
        if (kind == 1) return encoded(Literal::tuple(items), {T::Tuple8, T::Tuple16, T::Tuple32});
        return encoded(Literal::map(items), {T::Map8, T::Map16, T::Map32});
      }
    }
  }

  // Registers: R (any readable / writable kind within the function) and R6.
  uint32_t r_reg(const FunctionEntry& f, bool written) {
    for (;;) {
      int kind = pick(0, 2);
      uint8_t idx = static_cast<uint8_t>(pick(0, 31));
      if (kind == 0) return encode_r({RegKind::X, static_cast<uint8_t>(pick(0, 7))});
      if (kind == 1 && f.frame > 0) return encode_r({RegKind::Y, static_cast<uint8_t>(idx % f.frame)});
      if (kind == 2 && !written && f.upvals > 0) return encode_r({RegKind::U, static_cast<uint8_t>(idx % f.upvals)});
    }
  }
  uint8_t r6_reg(const FunctionEntry& f) {
    if (f.frame > 0 && chance(3)) return static_cast<uint8_t>(encode_r6({RegKind::Y, static_cast<uint8_t>(pick(0, f.frame - 1))}));
    return static_cast<uint8_t>(encode_r6({RegKind::X, static_cast<uint8_t>(pick(0, 7))}));
  }

  // A FUN literal fit for `op`, or -1.
  int fun_literal(const ModuleFile& m, Op op) {
    if (pushes_args(op_info(static_cast<uint8_t>(op)).extra)) {  // bif: the non-allocating ones only
      const int last = static_cast<int>(builtins_.size()) - (op == Op::op_bif ? 2 : 1);
      return builtins_[static_cast<size_t>(pick(0, last))];
    }
    std::vector<uint16_t> ok;
    for (size_t f = 0; f < m.functions.size(); ++f) {
      bool closure = m.functions[f].upvals > 0;
      if ((op == Op::op_fn) || !closure) ok.push_back(targets_[f]);
    }
    if (op != Op::op_fn) ok.push_back(remote_);
    if (ok.empty()) return -1;
    return ok[static_cast<size_t>(pick(0, static_cast<int>(ok.size()) - 1))];
  }

  // A line table over some of the instruction starts: any lines, repeats
  // and gaps included (words before the first entry have no line).
  LineTable line_table(const std::vector<uint32_t>& starts) {
    const char* files[] = {"m.lzs", "src/a b.lzs", "\xC3\xA9t\xC3\xA9.ex", "q\"uote\\.lzs", "\x01"};
    LineTable t;
    t.file = files[pick(0, 4)];
    int64_t line = pick(1, 50);
    for (uint32_t w : starts) {
      if (!t.entries.empty() && chance(2)) continue;
      if (t.entries.empty() && w > 0 && chance(4)) continue;
      line = chance(5) ? pick(1, 2000000000) : std::max<int64_t>(1, line + pick(-3, 5));
      t.entries.push_back({w, line});
    }
    return t;
  }

  // The function's words; its instructions' words go to `starts`. A
  // function with a frame may open with a catch around a few
  // instructions: try yS, h; ...; tryend yS; h: the random body.
  std::vector<uint32_t> function_code(const ModuleFile& m, const FunctionEntry& f, std::vector<uint32_t>& starts) {
    std::vector<Instr> code;
    int n = pick(1, 12);
    for (int k = 0; k < n; ++k) {
      Instr in;
      bool last = k == n - 1;
      for (;;) {
        Op op = valid_opcodes_[static_cast<size_t>(pick(0, static_cast<int>(valid_opcodes_.size()) - 1))];
        if (op == Op::op_push || op == Op::op_try || op == Op::op_tryend) continue;
        // accept and recvnext need a recv before them on every path (the
        // receive rule): instruction_forms and the every-opcode module cover them.
        if (op == Op::op_accept || op == Op::op_recvnext) continue;
        if (last && !ends_flow(static_cast<uint8_t>(op))) continue;
        if (fill(m, f, op, in, n)) break;
      }
      code.push_back(std::move(in));
    }
    code = with_reloads(std::move(code));
    if (f.frame > 0 && chance(3)) code = with_catch(m, f, std::move(code));
    code = with_reloads(std::move(code), false);
    std::vector<uint32_t> words;
    asm_text::JumpOutOfRange bad;
    EXPECT_TRUE(asm_text::layout_function(code, words, bad));
    uint32_t at = static_cast<uint32_t>(m.code.size());
    for (const Instr& in : code) {
      starts.push_back(at);
      at += asm_text::instr_words(in);
    }
    return words;
  }

  // Keeps every read of x0..x7 (the only X registers fill() names) defined
  // (the verifier's rule, bytecode.md §8.4): a prologue writes them all,
  // and so does a reload after each call and apply, which clobber them;
  // regmasks always keep them (fill()). A handler starts at the body's
  // prologue. With `after_calls` false only the prologue is added.
  static std::vector<Instr> with_reloads(std::vector<Instr> body, bool after_calls = true) {
    auto reload = [](std::vector<Instr>& out) {
      for (uint8_t r = 0; r < 8; ++r) {
        Instr in;
        in.op = static_cast<uint8_t>(Op::op_loadi);
        in.raw[0] = encode_r({RegKind::X, r});
        in.raw[1] = r;
        out.push_back(std::move(in));
      }
    };
    std::vector<Instr> code;
    std::vector<int32_t> moved(body.size());
    reload(code);
    for (size_t i = 0; i < body.size(); ++i) {
      moved[i] = static_cast<int32_t>(code.size());
      const auto op = static_cast<Op>(body[i].op);
      code.push_back(std::move(body[i]));
      if (after_calls && (op == Op::op_call || op == Op::op_apply)) reload(code);
    }
    for (Instr& in : code) {
      if (in.target >= 0) in.target = moved[static_cast<size_t>(in.target)];
      for (int32_t& t : in.table_targets) t = moved[static_cast<size_t>(t)];
    }
    return code;
  }

  static bool names_slot(const Instr& in, uint8_t slot) {
    const OpInfo& info = in.info();
    for (int i = 0; i < 4; ++i) {
      if (is_r(info.fields[i]) && decode_r(in.raw[i]) == Reg{RegKind::Y, slot}) return true;
      if (is_r6(info.fields[i]) && decode_r6(in.raw[i]) == Reg{RegKind::Y, slot}) return true;
    }
    for (uint8_t e : in.elems)
      if (decode_r6(e) == Reg{RegKind::Y, slot}) return true;
    return false;
  }

  std::vector<Instr> with_catch(const ModuleFile& m, const FunctionEntry& f, std::vector<Instr> body) {
    const auto slot = static_cast<uint8_t>(pick(0, f.frame - 1));
    std::vector<Instr> inside;
    for (int k = pick(0, 3); k > 0; --k) {
      Instr in;
      for (;;) {
        Op op = valid_opcodes_[static_cast<size_t>(pick(0, static_cast<int>(valid_opcodes_.size()) - 1))];
        const OpInfo& info = op_info(static_cast<uint8_t>(op));
        bool jumps = info.extra == Extra::Table;
        for (FieldKind kind : info.fields) jumps = jumps || is_jump(kind);
        if (jumps || op == Op::op_push || op == Op::op_ret || op == Op::op_tcall || op == Op::op_raise ||
            op == Op::op_tryend || op == Op::op_call || op == Op::op_apply || op == Op::op_accept)
          continue;
        if (fill(m, f, op, in, 1) && !names_slot(in, slot)) break;
      }
      inside.push_back(std::move(in));
    }
    const auto skip = static_cast<int32_t>(inside.size() + 2);  // body[0], the handler, after try, inside, tryend
    std::vector<Instr> code;
    Instr open;
    open.op = static_cast<uint8_t>(Op::op_try);
    open.raw[0] = encode_r({RegKind::Y, slot});
    open.target = skip;
    code.push_back(open);
    for (Instr& in : inside) code.push_back(std::move(in));
    Instr close;
    close.op = static_cast<uint8_t>(Op::op_tryend);
    close.raw[0] = encode_r({RegKind::Y, slot});
    code.push_back(close);
    for (Instr& in : body) {
      if (in.target >= 0) in.target += skip;
      for (int32_t& t : in.table_targets) t += skip;
      code.push_back(std::move(in));
    }
    return code;
  }

  bool fill(const ModuleFile& m, const FunctionEntry& f, Op op, Instr& in, int n) {
    in = Instr{};
    in.op = static_cast<uint8_t>(op);
    const OpInfo& info = op_info(in.op);
    size_t elems = 0;
    for (int i = 0; i < 4; ++i) {
      switch (info.fields[i]) {
        case FieldKind::RD: case FieldKind::RM: in.raw[i] = r_reg(f, true); break;
        case FieldKind::RS: in.raw[i] = r_reg(f, false); break;
        case FieldKind::R6D: case FieldKind::R6S: case FieldKind::R6M: in.raw[i] = r6_reg(f); break;
        case FieldKind::I16: case FieldKind::U16: in.raw[i] = bits32() & 0xFFFF; break;
        case FieldKind::LIT: in.raw[i] = static_cast<uint32_t>(pick(0, static_cast<int>(m.literals.size()) - 1)); break;
        case FieldKind::FUN: {
          int lit = fun_literal(m, op);
          if (lit < 0) return false;
          in.raw[i] = static_cast<uint32_t>(lit);
          auto ref = parse_function_ref(m.literals[static_cast<size_t>(lit)].text);
          in.call_arity = static_cast<int32_t>(ref->arity);
          if (op == Op::op_fn) elems = m.functions[*local_function(m, *ref)].upvals;
          if (pushes_args(info.extra)) elems = ref->arity;
          break;
        }
        case FieldKind::SIZE: {
          uint32_t size = static_cast<uint32_t>(pick(0, 6));
          in.raw[i] = size;
          elems = info.extra == Extra::RegmaskPairs ? 2 * size : size;
          break;
        }
        case FieldKind::T32: {
          uint32_t type = static_cast<uint32_t>(pick(0, 2));
          in.raw[i] = type;
          in.value = bits32();
          while (type == 2 && !std::isfinite(std::bit_cast<float>(static_cast<uint32_t>(in.value)))) in.value = bits32();
          break;
        }
        case FieldKind::T64: {
          uint32_t type = static_cast<uint32_t>(pick(0, 1));
          in.raw[i] = type;
          if (type == 1) {  // any int64: a small integer half the time, else beyond 48 bits too
            in.value = uint64_t{bits32()} << 32 | bits32();
            if (chance(2)) in.value = static_cast<uint64_t>(static_cast<int64_t>(in.value) >> 16);
          } else {
            do in.value = uint64_t{bits32()} << 32 | bits32(); while (!std::isfinite(std::bit_cast<double>(in.value)));
          }
          break;
        }
        case FieldKind::J12: case FieldKind::J24: in.target = pick(0, n - 1); break;
        case FieldKind::RY: case FieldKind::J16: return false;  // try, tryend: with_catch() places them
        case FieldKind::TK:  // a defined test, either sense; is_arity: tuple or function and an arity
          if (op == Op::op_is_arity) {
            const bool tuple = chance(2);
            in.raw[i] = static_cast<uint32_t>(tuple ? TypeTest::Tuple : TypeTest::Function);
            in.value = static_cast<uint32_t>(tuple ? (chance(2) ? bits32() : pick(0, 5)) : pick(0, 32));
          } else {
            in.raw[i] = static_cast<uint32_t>(pick(0, kTypeTestsDefined - 1));
          }
          if (chance(2)) in.raw[i] |= kTypeTestNegate;
          break;
        case FieldKind::TAB: {  // distinct atoms and 32-bit integers of the pool, or distinct arities
          in.target = pick(0, n - 1);
          std::vector<uint32_t> values;
          if (op == Op::op_select_arity) {
            for (uint32_t a = 0; a < 8; ++a)
              if (chance(2)) values.push_back(chance(4) ? a * 1000 : a);
          } else {
            std::set<std::string> seen;
            for (size_t k = 0; k < m.literals.size() && k <= 0xFFFF; ++k) {
              const Literal& lit = m.literals[k];
              const bool small = lit.kind == Literal::Kind::Int && lit.i >= INT32_MIN && lit.i <= INT32_MAX;
              if (lit.kind != Literal::Kind::Atom && !small) continue;
              const std::string key = lit.kind == Literal::Kind::Atom ? "a" + lit.text : "i" + std::to_string(lit.i);
              if (chance(3) && seen.insert(key).second) values.push_back(static_cast<uint32_t>(k));
            }
          }
          std::sort(values.begin(), values.end());
          values.erase(std::unique(values.begin(), values.end()), values.end());
          std::shuffle(values.begin(), values.end(), rng_);
          for (uint32_t v : values) {
            in.table_values.push_back(v);
            in.table_targets.push_back(pick(0, n - 1));
          }
          in.raw[i] = static_cast<uint32_t>(values.size());
          break;
        }
        default: break;
      }
    }
    if (op == Op::op_mov && chance(2)) in.raw[2] = in.raw[0];
    // A binary read's value and position go to different registers.
    if (info.fields[0] == FieldKind::R6D && info.fields[2] == FieldKind::R6M && in.raw[0] == in.raw[2]) return false;
    for (size_t k = 0; k < elems; ++k) in.elems.push_back(r6_reg(f));
    in.regmask = (chance(2) ? 0 : bits32()) | 0xFF;  // x0..x7 stay defined
    return true;
  }

  std::mt19937 rng_;
  std::vector<std::string> names_;
  std::vector<uint16_t> targets_;
  uint16_t remote_ = 0;
  std::vector<uint16_t> builtins_;
  // Opcode numbers have gaps (ranges reserved for later additions).
  const std::vector<Op> valid_opcodes_ = [] {
    std::vector<Op> ops;
    for (const OpInfo& op : kOpTable)
      if (op.valid) ops.push_back(static_cast<Op>(op.code));
    return ops;
  }();
};

TEST(RandomModules, RoundTripByteForByte) {
  int verified = 0;
  std::map<std::string, int> seen;  // features of the printed text, so the test cannot pass vacuously
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    ModuleFile m = Generator(seed).module();
    LoadError err;
    ASSERT_TRUE(verify_module(m, "random.lzr", err)) << "seed " << seed << ": generator bug: " << err.message;
    std::string bytes = test::image(m);
    auto read = read_module(bytes, "random.lzr", err);
    ASSERT_TRUE(read) << "seed " << seed << ": " << err.message;
    std::string text = test::expect_round_trip(*read, "seed " + std::to_string(seed));
    for (const char* feature : {"\n.pool\n", " live=0x", ", #", "func #", "module #", "::", "  fn ", "  apply ",
                                "  map ", "  load64 ", "  eq ", "  jmp ", "  tcall ", "\"/", "  try ", "  raise ",
                                "  .line ", "\n.nolines\n", "\n.file \"\\x01\"\n"}) {
      if (text.find(feature) != std::string::npos) ++seen[feature];
    }
    if (HasFailure()) break;
    ++verified;
  }
  EXPECT_EQ(verified, 400);
  for (auto [feature, count] : seen) EXPECT_GE(count, 10) << "'" << feature << "' rarely printed";
  EXPECT_EQ(seen.size(), 19u) << "a feature never appeared";
}

}  // namespace
}  // namespace lzr
