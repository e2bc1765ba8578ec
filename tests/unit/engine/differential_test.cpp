// Differential test of the two engines on random programs.
//
// Hand-written cases (asm_engine_test.cpp) cover the edges someone thought
// of; these programs cover the combinations nobody did: random operands
// (X and Y, integers at the 48-bit edges, floats, atoms, containers) through
// arithmetic, compares, get/drop, constructors and calls, with constant
// loads placed right before their use so the loader's fused forms fire, and
// counting loops shaped like the step_ back edges. A second style writes
// what a compiler that allocates registers emits instead: the constants
// loaded once at the start of a function (again after a call, which
// clobbers X registers), some of them in Y slots, and reused, never right
// before their use, and loops as jumps back to a head compare; so the
// engines are also compared on the shapes no fused form covers. Every
// program runs on both engines, normally and under GC stress; value and
// stack trace must agree. Jumps only go forward and loops have bounded
// counts, so every program ends (most of them with a value, many with an
// error). Some code runs inside try blocks, and exceptions of every class
// (raised, thrown by built-ins, from two calls down, or an instruction's
// error) are caught there: the caught class, reason and trace end up in
// the result.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine_runner.h"
#include "sanitizers.h"

namespace lzr {
namespace {

using testing_support::Outcome;
using testing_support::run;

// Writes random programs. It tracks roughly what each register holds
// (an integer, a float, a tuple, a list, something else) and mostly picks
// operands that fit the instruction, so programs get far before an error,
// but it still picks at random now and then, so the error paths run too.
enum class Style {
  kConstantsAtUse,    // each constant loaded right before the instruction that uses it
  kHoistedConstants,  // constants loaded once into registers and X/Y slots, then reused
};

class Generator {
 public:
  Generator(uint32_t seed, Style style) : rng_(seed), hoisted_(style == Style::kHoistedConstants) {
    if (hoisted_) {
      // x8 and x9 hold the indexes most gets and drops use; y5 an index
      // that is sometimes out of range.
      constants_ = {{"x8", "0"}, {"x9", "1"}, {"x10", small()}, {"x11", small()}, {"y4", small()},
                    {"y5", std::to_string(pick(-1, 4))}};
    }
  }

  std::string program() {
    // The last Y slot is the catch slot of try blocks (catch_slot()).
    std::string s = hoisted_ ? "func main/0 frame=7\n" : "func main/0 frame=5\n";
    for (const Constant& c : constants_) s += "  loadi " + c.reg + ", " + c.value + "\n";
    for (int r = 0; r < kRegs; ++r) s += load(r);
    const int n = pick(4, 20);
    std::vector<int> pending;  // labels jumped to, placed further down
    for (int k = 0; k < n; ++k) {
      if (!pending.empty() && pick(0, 3) == 0) {
        s += "L" + std::to_string(pending.back()) + ":\n";
        pending.pop_back();
      }
      s += statement(pending);
    }
    for (int label : pending) s += "L" + std::to_string(label) + ":\n";
    s += "  tuple x0, {x0, x1, x2, x3, x4, x5, x6, x7, y0, y1, y2, y3}\n  ret x0\n";
    s += helpers_;
    return s;
  }

 private:
  enum class Kind { Int, Float, Tuple, List, Other };
  static constexpr int kRegs = 12;  // x0..x7, then y0..y3 (the hoisted constants live above them)
  struct Constant {
    std::string reg, value;
  };

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  const T& one_of(const std::vector<T>& v) { return v[static_cast<size_t>(pick(0, static_cast<int>(v.size()) - 1))]; }

  static std::string name(int r) { return r < 8 ? "x" + std::to_string(r) : "y" + std::to_string(r - 8); }
  // A register holding one of `kinds` (nine times in ten, if there is one), else any.
  int reg(std::initializer_list<Kind> kinds = {}) {
    std::vector<int> fit;
    for (int r = 0; r < kRegs; ++r)
      for (Kind k : kinds)
        if (kind_[r] == k) fit.push_back(r);
    if (!fit.empty() && pick(0, 9)) return one_of(fit);
    return pick(0, 3) == 0 ? pick(8, 11) : pick(0, 7);
  }
  int any_x() { return pick(0, 7); }
  // The Y slot try blocks use: after the ones statements and constants use.
  std::string catch_slot() const { return hoisted_ ? "y6" : "y4"; }
  bool numeric(int r) const { return kind_[r] == Kind::Int || kind_[r] == Kind::Float; }

  // `load r, v` with a value that is mostly a number.
  std::string load(int r) {
    static const std::vector<std::string> ints = {
        "0", "1", "-1", "2", "3", "7", "-7", "100", "32767", "-32768", "65536", "12345678901",
        "70368744177664", "140737488355327", "-140737488355328", "-140737488355327",
        "140737488355328", "-18446744073709551616", "340282366920938463463374607431768211457"};  // big
    static const std::vector<std::string> floats = {"0.5", "-2.25", "3.0", "-0.0", "1.0e300", "1.0e-300"};
    static const std::vector<std::string> tuples = {"{}", "{1, 2, 3}", "{:a, 2.5}", "{7}"};
    static const std::vector<std::string> lists = {"[1, 2]", "[3]", "[]"};
    static const std::vector<std::string> others = {":a", ":ok", "\"ab\"", "%{1 => 2, :k => :v}"};
    std::string v;
    switch (pick(0, 9)) {
      case 0: case 1: case 2: case 3: v = one_of(ints), kind_[r] = Kind::Int; break;
      case 4: case 5: v = one_of(floats), kind_[r] = Kind::Float; break;
      case 6: case 7: v = one_of(tuples), kind_[r] = Kind::Tuple; break;
      case 8: v = one_of(lists), kind_[r] = v == "[]" ? Kind::Other : Kind::List; break;
      default: v = one_of(others), kind_[r] = Kind::Other; break;
    }
    return "  load " + name(r) + ", " + v + "\n";
  }
  std::string small() {  // an int16 constant, mostly small and positive
    static const std::vector<int> ks = {0, 1, 1, 2, 3, 5, 7, 10, 641, 32767, -1, -3, -32768};
    return std::to_string(one_of(ks));
  }
  // A hoisted constant's register; for an index mostly 0 or 1.
  const std::string& constant() { return one_of(constants_).reg; }
  const std::string& index_constant() {
    return pick(0, 3) ? constants_[static_cast<size_t>(pick(0, 1))].reg : constants_[5].reg;
  }
  std::string label(std::vector<int>& pending) {
    pending.push_back(++labels_);
    return "L" + std::to_string(labels_);
  }
  // `op d, a, b` and what d then holds.
  std::string binop(const std::string& op, int d, int a, const std::string& b, Kind b_kind) {
    const bool ints = kind_[a] == Kind::Int && b_kind == Kind::Int;
    const bool nums = numeric(a) && (b_kind == Kind::Int || b_kind == Kind::Float);
    kind_[d] = ints ? Kind::Int : nums ? Kind::Float : Kind::Other;
    return "  " + op + " " + name(d) + ", " + name(a) + ", " + b + "\n";
  }

  std::string statement(std::vector<int>& pending) {
    static const std::vector<std::string> arith = {"add", "sub", "mul", "div", "mod"};
    static const std::vector<std::string> bits = {"and", "or", "xor"};
    static const std::vector<std::string> by_constant = {"add", "sub", "mul", "div", "mod", "add", "sub", "shl", "shr"};
    static const std::vector<std::string> compares = {"eq", "ne", "lt", "gt", "lte", "gte"};
    const int k = any_x();
    if (!in_try_ && pick(0, 5) == 0) return try_block();
    if (in_try_ && pick(0, 3) == 0) return raise();
    switch (pick(0, 15)) {
      case 0: return load(reg());
      case 1: case 2: {  // a constant right before its use (the fused forms), or a hoisted one
        const std::string op = one_of(by_constant);
        const int a = reg({Kind::Int, Kind::Float});
        if (hoisted_) return binop(op, reg(), a, constant(), Kind::Int);
        const std::string text = "  loadi " + name(k) + ", " + small() + "\n";
        kind_[k] = Kind::Int;
        return text + binop(op, reg(), a, name(k), Kind::Int);
      }
      case 3: case 4: {
        const int a = reg({Kind::Int, Kind::Float}), b = reg({Kind::Int, Kind::Float});
        return binop(one_of(arith), reg(), a, name(b), kind_[b]);
      }
      case 5: {
        const int a = reg({Kind::Int}), b = reg({Kind::Int});
        return binop(one_of(bits), reg(), a, name(b), kind_[b]);
      }
      case 6: {
        const int a = reg();
        if (hoisted_) return "  " + one_of(compares) + " " + name(a) + ", " + constant() + ", " + label(pending) + "\n";
        kind_[k] = Kind::Int;
        return "  loadi " + name(k) + ", " + small() + "\n  " + one_of(compares) + " " + name(a) + ", " + name(k) +
               ", " + label(pending) + "\n";
      }
      case 7: {
        const int a = reg(), b = reg();
        return "  " + one_of(compares) + " " + name(a) + ", " + name(b) + ", " + label(pending) + "\n";
      }
      case 8: case 9: {  // get or drop by a constant index
        const int c = reg({Kind::Tuple, Kind::List}), d = reg();
        const bool drop = pick(0, 2) == 0;
        const Kind from = kind_[c];
        if (hoisted_) {
          kind_[d] = drop ? from : Kind::Other;
          return std::string(drop ? "  drop " : "  get ") + name(d) + ", " + name(c) + ", " + index_constant() + "\n";
        }
        std::string text = "  loadi " + name(k) + ", " + std::to_string(pick(0, 3) ? pick(0, 1) : pick(-1, 4)) + "\n";
        kind_[k] = Kind::Int;
        text += std::string(drop ? "  drop " : "  get ") + name(d) + ", " + name(c) + ", " + name(k) + "\n";
        kind_[d] = drop ? from : Kind::Other;
        return text;
      }
      case 10: {
        const int c = reg({Kind::Tuple, Kind::List}), i = reg({Kind::Int}), d = reg();
        kind_[d] = Kind::Other;
        return "  get " + name(d) + ", " + name(c) + ", " + name(i) + "\n";
      }
      case 11: {
        const int a = reg(), b = reg(), d = reg();
        kind_[d] = Kind::Tuple;
        return "  tuple " + name(d) + ", {" + name(a) + ", " + name(b) + "}\n";
      }
      case 12: {
        const int h = reg(), t = reg({Kind::List}), d = reg();
        kind_[d] = kind_[t] == Kind::List ? Kind::List : Kind::Other;
        return "  cons " + name(d) + ", " + name(h) + ", " + name(t) + "\n";
      }
      case 13: {
        const int a = reg({Kind::Int, Kind::Float}), d = reg();
        const int which = pick(0, 4);
        static const char* unops[] = {"neg", "neg", "type", "size", "not"};
        kind_[d] = which < 2 ? kind_[a] : which == 3 ? Kind::Int : Kind::Other;
        return std::string("  ") + unops[which] + " " + name(d) + ", " + name(a) + "\n";
      }
      case 14: {
        const int a = reg(), d = reg();
        kind_[d] = kind_[a];
        return "  mov " + name(d) + ", " + name(a) + "\n";
      }
      default: return pick(0, 1) ? call() : loop();
    }
  }

  // try yC, H around a few statements (yC: catch_slot()); the handler
  // keeps {class, reason, trace} in a Y register. Labels jumped to inside
  // the block are placed inside it (paths must agree on the active catches).
  std::string try_block() {
    const int id = ++tries_;
    const std::string h = "H" + std::to_string(id), j = "J" + std::to_string(id);
    std::string s = "  try " + catch_slot() + ", " + h + "\n";
    in_try_ = true;
    std::vector<int> pending;
    for (int n = pick(1, 4); n > 0; --n) {
      if (!pending.empty() && pick(0, 2) == 0) {
        s += "L" + std::to_string(pending.back()) + ":\n";
        pending.pop_back();
      }
      s += statement(pending);
    }
    for (int label : pending) s += "L" + std::to_string(label) + ":\n";
    in_try_ = false;
    const int y = pick(8, 11);
    s += "  tryend " + catch_slot() + "\n  jmp " + j + "\n" + h + ":\n  tuple x0, {x0, x1, x2}\n  mov " + name(y) +
         ", x0\n" + j + ":\n";
    kind_[y] = Kind::Other;
    return s + reload_x();
  }

  // An exception of a random class (now and then not a class: badarg),
  // from raise, a built-in, or a function two calls down.
  std::string raise() {
    static const std::vector<std::string> classes = {":error", ":throw", ":exit", ":bad"};
    static const std::vector<std::string> reasons = {":r", "{1, 2}", "[3]", "7"};
    const std::string reason = "  load x1, " + one_of(reasons) + "\n";
    switch (pick(0, 2)) {
      case 0:
        return "  load x0, " + one_of(classes) + "\n" + reason + (pick(0, 3) ? "  list x2, []\n" : "  load x2, [:given]\n") +
               "  raise x0, x1, x2\n";
      case 1: {
        static const std::vector<std::string> builtins = {"kernel.throw/1", "kernel.exit/1", "kernel.error/1"};
        std::string s = reason + "  mov x0, x1\n  call x0, " + one_of(builtins) + "\n";
        return s + reload_x();
      }
      default: {
        if (helpers_.find("func thrower/2") == std::string::npos)
          helpers_ += "func thrower/2 frame=1\n  mov y0, x1\n  call x0, thrower2/2\n  ret x0\n"
                      "func thrower2/2\n  list x2, []\n  raise x0, x1, x2\n";
        std::string s = "  load x0, " + one_of(classes) + "\n" + reason + "  call x0, thrower/2\n";
        return s + reload_x();
      }
    }
  }

  // After a call every X register is clobbered: reload them all, the
  // hoisted constants first (so none is loaded right before its use).
  std::string reload_x() {
    std::string s;
    for (const Constant& c : constants_)
      if (c.reg[0] == 'x') s += "  loadi " + c.reg + ", " + c.value + "\n";
    for (int r = 0; r < 8; ++r) s += load(r);
    return s;
  }

  // A call of mix/2, its value kept in a Y slot.
  std::string call() {
    if (helpers_.find("func mix/2") == std::string::npos)
      helpers_ += hoisted_ ? "func mix/2 frame=1\n  loadi x2, 3\n  mov y0, x1\n  mul x0, x0, x2\n  add x0, x0, y0\n"
                             "  tuple x0, {x0, y0}\n  ret x0\n"
                           : "func mix/2 frame=1\n  mov y0, x1\n  loadi x2, 3\n  mul x0, x0, x2\n  add x0, x0, y0\n"
                             "  tuple x0, {x0, y0}\n  ret x0\n";
    const int a = reg({Kind::Int, Kind::Float}), b = reg({Kind::Int, Kind::Float});
    const int y = pick(8, 11);
    std::string s = "  mov x0, " + name(a) + "\n  mov x1, " + name(b) + "\n  call " + name(y) + ", mix/2\n";
    kind_[y] = Kind::Tuple;
    return s + reload_x();
  }

  // A counting loop: countN/3 from x0 to the limit x1 by a constant step,
  // accumulating into x2 from a random body; the head compare and its
  // operand order vary (step_ forms, swapped or not). Hoisted: the step
  // and the bodies' constants are loaded once, before a head the loop
  // jumps back to.
  std::string loop() {
    const int id = ++loops_;
    const int step = pick(1, 4);
    const int start = pick(-20, 20), count = pick(0, 30);
    const std::string fn = "count" + std::to_string(id) + "/3";
    static const std::vector<std::string> heads = {"gte x0, x1", "lte x1, x0", "gt x0, x1", "lt x1, x0"};
    std::string head = one_of(heads);
    if (step == 1 && pick(0, 3) == 0) head = "eq x0, x1";  // an exact hit
    static const std::vector<std::string> bodies = {
        "  add x2, x2, x0\n", "  loadi x4, 7\n  mod x4, x0, x4\n  add x2, x2, x4\n",
        "  loadi x4, 3\n  div x4, x0, x4\n  sub x2, x2, x4\n", "  loadi x4, 2\n  mul x2, x2, x4\n",
        "  cons x2, x0, x2\n", "  load x5, 0.5\n  add x2, x2, x5\n"};
    static const std::vector<std::string> hoisted_bodies = {  // x4 scratch, x5 0.5, x6 7, x7 3, x8 2
        "  add x2, x2, x0\n", "  mod x4, x0, x6\n  add x2, x2, x4\n", "  div x4, x0, x7\n  sub x2, x2, x4\n",
        "  mul x2, x2, x8\n", "  cons x2, x0, x2\n", "  add x2, x2, x5\n"};
    if (hoisted_)
      helpers_ += "func " + fn + "\n  loadi x3, " + std::to_string(step) +
                  "\n  loadi x6, 7\n  loadi x7, 3\n  loadi x8, 2\n  load x5, 0.5\nhead:\n  " + head + ", done\n" +
                  one_of(hoisted_bodies) + one_of(hoisted_bodies) +
                  "  add x0, x0, x3\n  jmp head\ndone:\n  mov x0, x2\n  ret x0\n";
    else
      helpers_ += "func " + fn + "\n  " + head + ", done\n" + one_of(bodies) + one_of(bodies) + "  loadi x3, " +
                  std::to_string(step) + "\n  add x0, x0, x3\n  tcall " + fn + "\ndone:\n  mov x0, x2\n  ret x0\n";
    const int acc = reg({Kind::Int, Kind::Float}), y = pick(8, 11);
    std::string s = "  loadi x0, " + std::to_string(start) + "\n  load x1, " + std::to_string(start + count * step) +
                    "\n  mov x2, " + name(acc) + "\n  call " + name(y) + ", " + fn + "\n";
    kind_[y] = Kind::Other;
    return s + reload_x();
  }

  std::mt19937 rng_;
  bool hoisted_;
  std::vector<Constant> constants_;  // empty unless hoisted_
  Kind kind_[kRegs] = {};
  int labels_ = 0, loops_ = 0, tries_ = 0;
  bool in_try_ = false;
  std::string helpers_;
};

// Programs per style: fewer under ASan, where each runs several times
// slower (the run-path fuzzer covers more mutants there in CI).
constexpr int kPrograms = lzr_test::kAsan ? 200 : 500;

// Runs kPrograms programs of one style on both engines, normally and under
// GC stress; returns how many ended with a value, how many with an error
// and how many returned a value holding a caught exception's trace.
void expect_engines_agree(Style style, int& values, int& errors, int& caught) {
  constexpr size_t kStack = size_t{1} << 16;
  for (uint32_t seed = 1; seed <= static_cast<uint32_t>(kPrograms); ++seed) {
    Generator g(seed, style);
    const std::string source = g.program();
    const Outcome ref = run(source, EngineKind::Portable, false, kStack);
    ASSERT_EQ(ref.value.rfind("assembly failed", 0), std::string::npos) << ref.value << "\n" << source;
    ASSERT_EQ(ref.value.rfind("load failed", 0), std::string::npos) << ref.value << "\n" << source;
    (ref.value.rfind("error: ", 0) == 0 ? errors : values)++;
    if (ref.value.find("[{:t, ") != std::string::npos) ++caught;  // a trace reached the result
    for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
      for (bool stress : {false, true}) {
        const Outcome o = run(source, engine, stress, kStack);
        ASSERT_EQ(o.value, ref.value) << "seed " << seed << ", " << engine_name(engine)
                                      << (stress ? " with GC stress" : "") << "\n" << source;
        ASSERT_EQ(o.trace, ref.trace) << "seed " << seed << ", " << engine_name(engine)
                                      << (stress ? " with GC stress" : "") << "\n" << source;
      }
    }
  }
}

TEST(EnginesAgree, OnRandomPrograms) {
  if (!engine_available(EngineKind::Asm)) GTEST_SKIP() << "the assembler engine is not built on this machine";
  int values = 0, errors = 0, caught = 0;
  expect_engines_agree(Style::kConstantsAtUse, values, errors, caught);
  // The mix stays useful: both endings common (the errors are spread over
  // badarg, badarith, system_limit and badindex, in main and in the loops),
  // and many programs return a value holding a caught exception's trace.
  EXPECT_GT(values, kPrograms / 10);
  EXPECT_GT(errors, kPrograms / 10);
  EXPECT_GT(caught, kPrograms * 3 / 50);
}

TEST(EnginesAgree, OnRandomProgramsWithHoistedConstants) {
  if (!engine_available(EngineKind::Asm)) GTEST_SKIP() << "the assembler engine is not built on this machine";
  int values = 0, errors = 0, caught = 0;
  expect_engines_agree(Style::kHoistedConstants, values, errors, caught);
  EXPECT_GT(values, kPrograms / 10);
  EXPECT_GT(errors, kPrograms / 10);
  EXPECT_GT(caught, kPrograms * 3 / 50);
}

}  // namespace
}  // namespace lzr
