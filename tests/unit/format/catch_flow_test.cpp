// The catch analysis as the loader uses it: the active catches at each
// instruction, and whether a handler can read its stack trace (x2).
#include <gtest/gtest.h>

#include "format/catch_flow.h"
#include "module_builder.h"

namespace lzr {
namespace {

using test::insn;
using test::ModuleBuilder;
using test::push;
using test::X;
using test::X6;
using test::Y;

TEST(CatchFlow, StatesPerInstruction) {
  ModuleBuilder b;
  b.func("f", 0, 2);
  b.emit(Op::op_try, {Y(0), 4});                 // 0 -> 5
  b.emit(Op::op_try, {Y(1), 1});                 // 1 -> 3
  b.emit(Op::op_tryend, {Y(1)});                 // 2
  b.emit(Op::op_tryend, {Y(0)});                 // 3: reached from 2 and as the inner handler
  b.ret();                                       // 4
  b.ret();                                       // 5: the outer handler
  b.emit(Op::op_jmp, {-7});                      // 6: unreachable
  std::vector<std::optional<CatchStack>> states;
  CatchFlowProblem problem;
  ASSERT_TRUE(catch_flow(b.m, 0, states, problem)) << problem.problem;
  ASSERT_EQ(states.size(), 7u);
  EXPECT_EQ(states[0], CatchStack{});
  EXPECT_EQ(states[1], (CatchStack{{0, 5}}));
  EXPECT_EQ(states[2], (CatchStack{{0, 5}, {1, 3}}));
  EXPECT_EQ(states[3], (CatchStack{{0, 5}}));
  EXPECT_EQ(states[4], CatchStack{});
  EXPECT_EQ(states[5], CatchStack{});
  EXPECT_EQ(states[6], std::nullopt);
}

// f/1: `try y0, h; tryend y0; ret x0; h: <handler>`; whether h reads x2.
// Literal 1 is g/2, literal 2 is h/3.
constexpr int64_t kG2 = 1, kH3 = 2;
bool reads_trace(std::initializer_list<uint32_t> handler) {
  ModuleBuilder b;
  EXPECT_EQ(b.atom("g/2"), kG2);
  EXPECT_EQ(b.atom("h/3"), kH3);
  b.func("f", 1, 2).emit(Op::op_try, {Y(0), 2}).emit(Op::op_tryend, {Y(0)}).ret();
  for (uint32_t w : handler) b.emit(w);
  b.func("g", 2).ret();
  b.func("h", 3).ret();
  EXPECT_EQ(test::verify_error(b.m), "");
  return handler_reads_trace(b.m, 3);
}

TEST(CatchFlow, HandlerReadsTrace) {
  const uint32_t ret_x0 = insn(Op::op_ret, {X(0)});
  EXPECT_TRUE(reads_trace({insn(Op::op_ret, {X(2)})}));
  EXPECT_FALSE(reads_trace({insn(Op::op_loadi, {X(2), 1}), ret_x0}));  // overwritten first
  EXPECT_FALSE(reads_trace({insn(Op::op_tuple, {X(0), 2}), 0x3, push({X6(0), X6(1)}), ret_x0}));
  EXPECT_TRUE(reads_trace({insn(Op::op_tuple, {X(0), 3}), 0x7, push({X6(0), X6(1), X6(2)}), ret_x0}));
  EXPECT_FALSE(reads_trace({insn(Op::op_mov, {X(2), X(0), X(2)}), ret_x0}));  // mov x2, x0
  EXPECT_TRUE(reads_trace({insn(Op::op_mov, {X(0), X(2), X(0)}), ret_x0}));   // mov x0, x2
  EXPECT_TRUE(reads_trace({insn(Op::op_mov, {X(2), X(0), X(3)}), ret_x0}));   // swap: x2's old value moves to x3
  EXPECT_FALSE(reads_trace({insn(Op::op_raise, {X(0), X(1), X(1)})}));
  EXPECT_TRUE(reads_trace({insn(Op::op_raise, {X(0), X(1), X(2)})}));          // a re-raise
  // Branches are followed, both ways; loops end the search.
  EXPECT_FALSE(reads_trace({insn(Op::op_jmp, {0}), ret_x0}));
  EXPECT_FALSE(reads_trace({insn(Op::op_eq, {X6(0), X6(1), 1}), ret_x0, insn(Op::op_loadi, {X(2), 0}), ret_x0}));
  EXPECT_TRUE(reads_trace({insn(Op::op_eq, {X6(0), X6(1), 1}), ret_x0, insn(Op::op_ret, {X(2)})}));
  EXPECT_TRUE(reads_trace({insn(Op::op_jmp, {1}), ret_x0, insn(Op::op_ret, {X(2)})}));
  EXPECT_FALSE(reads_trace({insn(Op::op_loadi, {X(0), 1}), insn(Op::op_lt, {X6(0), X6(1), -2}), ret_x0}));
  EXPECT_TRUE(reads_trace({insn(Op::op_apply, {X(0), X(0)}), ret_x0}));       // any arity
  EXPECT_FALSE(reads_trace({insn(Op::op_call, {X(0), kG2}), ret_x0}));  // x0, x1 in; then clobbered
  EXPECT_TRUE(reads_trace({insn(Op::op_call, {X(0), kH3}), ret_x0}));   // x2 is an argument
  EXPECT_FALSE(reads_trace({insn(Op::op_call, {X(2), kG2}), insn(Op::op_ret, {X(2)})}));  // the result lands in x2
  // A catch inside the handler: the search goes on past the try (its own
  // handler starts with x2 written).
  EXPECT_FALSE(reads_trace({insn(Op::op_try, {Y(1), 2}), insn(Op::op_loadi, {X(2), 1}), insn(Op::op_tryend, {Y(1)}),
                            ret_x0}));
}

}  // namespace
}  // namespace lzr
