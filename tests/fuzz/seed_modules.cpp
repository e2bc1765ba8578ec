// Seed corpus: small valid modules covering every opcode, every literal type
// (bigints included) and both module types, so mutations start from files that get deep into
// the reader and the verifier.
#include "seed_modules.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "format/module_file.h"
#include "format/verifier.h"
#include "module_builder.h"

namespace lzr::fuzz {

namespace {

using test::insn;
using test::ModuleBuilder;
using test::push;
using test::X;
using test::X6;
using test::Y;
using test::Y6;

std::vector<uint8_t> minimal() {
  ModuleBuilder b("minimal");
  b.func("main", 0).emit(Op::op_loadi, {X(0), 42}).ret();
  return write_module(b.m);
}

std::vector<uint8_t> every_literal_type() {
  ModuleBuilder b("literals");
  auto with = [](Literal lit, ByteTermType t) {
    lit.encoding = t;
    return lit;
  };
  b.lit(Literal::integer(-7));
  b.lit(Literal::integer(200));
  b.lit(Literal::integer(-1000));
  b.lit(Literal::integer(100000));
  b.lit(Literal::floating(1.5));
  b.lit(Literal::floating(0.1));
  b.lit(Literal::binary(std::string("hi\0\xFF", 4)));
  b.lit(Literal::list({Literal::integer(1), Literal::atom("a")}));
  b.lit(with(Literal::list({Literal::integer(2)}), ByteTermType::List16));
  b.lit(with(Literal::list({}), ByteTermType::List32));
  b.lit(Literal::tuple({Literal::atom("ok"), Literal::tuple({})}));
  b.lit(with(Literal::tuple({Literal::integer(3)}), ByteTermType::Tuple16));
  b.lit(with(Literal::tuple({}), ByteTermType::Tuple32));
  b.lit(Literal::map({Literal::atom("k"), Literal::list({Literal::floating(2.5)})}));
  b.lit(with(Literal::map({Literal::integer(1), Literal::integer(2)}), ByteTermType::Map16));
  b.lit(with(Literal::map({}), ByteTermType::Map32));
  b.lit(with(Literal::integer(5), ByteTermType::I32));
  // bigint (type 18): just outside the small range both ways, beyond int64,
  // and inside containers and as a map key.
  b.lit(Literal::integer(int64_t{1} << 47));
  b.lit(Literal::integer(-(int64_t{1} << 47) - 1));
  b.lit(Literal::integer(INT64_MIN));
  const Literal two128 = Literal::big_integer(false, std::string(16, '\0') + "\x01");
  b.lit(two128);
  b.lit(Literal::list({Literal::big_integer(true, std::string(9, '\xFF')), Literal::integer(3)}));
  b.lit(Literal::map({two128, Literal::atom("big")}));
  b.func("main", 0);
  for (uint16_t k = 0; k < b.m.literals.size(); ++k) b.emit(Op::op_loadc, {X(k % 32), k});
  b.ret();
  return write_module(b.m);
}

std::vector<uint8_t> loop_and_calls() {
  ModuleBuilder b("loops");
  b.func("main", 0, 1);
  b.emit(Op::op_loadi, {X(0), 10});
  b.emit(Op::op_call, {Y(0), b.atom("count/1")});
  b.emit(Op::op_mov, {X(0), Y(0), X(0)});
  b.emit(Op::op_call, {X(0), b.atom("io.print/1")});
  b.emit(Op::op_loadi, {X(0), 20});
  b.emit(Op::op_call, {X(0), b.atom("spin/1")});
  b.emit(Op::op_call, {X(0), b.atom("io.print/1")});
  b.emit(Op::op_loadc, {X(0), b.lit(Literal::list({Literal::integer(1), Literal::integer(2), Literal::integer(3)}))});
  b.emit(Op::op_call, {X(0), b.atom("walk/1")});
  b.emit(Op::op_call, {X(0), b.atom("io.print/1")});
  b.ret();
  // A list walked in a Y slot, tested against [] loaded right before the
  // compare (the loader's load_eqa).
  b.func("walk", 1, 1);
  b.emit(Op::op_mov, {Y(0), X(0), Y(0)});
  b.emit(Op::op_loadi, {X(2), 0});
  b.emit(Op::op_loadi, {X(3), 1});
  b.emit(Op::op_loadc, {X(1), b.lit(Literal::list({}))});  // 3: head
  b.emit(Op::op_eq, {Y6(0), X6(1), 3});                     // 4 -> 8
  b.emit(Op::op_add, {X(2), X(2), X(3)});
  b.emit(Op::op_drop, {Y(0), Y(0), X(3)});
  b.emit(Op::op_jmp, {-5});                                 // 7 -> 3
  b.emit(Op::op_mov, {X(0), X(2), X(0)});
  b.ret();
  // A loop that tests at its head and jumps back to it (a loop_ form).
  b.func("spin", 1);
  b.emit(Op::op_loadi, {X(1), 0});
  b.emit(Op::op_loadi, {X(2), 1});
  b.emit(Op::op_gte, {X6(1), X6(0), 2});  // 2: head -> 5
  b.emit(Op::op_add, {X(1), X(1), X(2)});
  b.emit(Op::op_jmp, {-3});               // 4 -> 2
  b.emit(Op::op_mov, {X(0), X(1), X(0)});
  b.ret();
  b.func("count", 1);
  b.emit(Op::op_loadi, {X(1), 0});
  b.emit(Op::op_lte, {X6(0), X6(1), 3});  // -> done
  b.emit(Op::op_loadi, {X(2), 1});
  b.emit(Op::op_sub, {X(0), X(0), X(2)});
  b.emit(Op::op_tcall, {0, b.atom("count/1")});
  b.ret();  // done
  return write_module(b.m);
}

std::vector<uint8_t> closures() {
  ModuleBuilder b("closures");
  b.func("main", 0, 2);
  b.emit(Op::op_loadi, {X(1), 3});
  b.emit(Op::op_loadi, {X(2), 4});
  b.emit(Op::op_fn, {Y(0), b.atom("adder/1")}).emit(0x6).emit(push({X6(1), X6(2)}));
  b.emit(Op::op_loadi, {X(0), 5});
  b.emit(Op::op_mov, {X(1), Y(0), X(1)});
  b.emit(Op::op_apply, {X(0), X(1)});
  b.emit(Op::op_tuple, {X(0), 2}).emit(0x1).emit(push({X6(0), Y6(0)}));
  b.ret();
  b.func("adder", 1, 0, 2);
  b.emit(Op::op_add, {X(0), X(0), test::U(0)});
  b.emit(Op::op_add, {X(0), X(0), test::U(1)});
  b.ret();
  return write_module(b.m);
}

// load64 int beyond the small range (a big integer made at load time) and
// arithmetic that leaves the small range.
std::vector<uint8_t> big_integers() {
  ModuleBuilder b("bigints");
  b.func("main", 0);
  b.emit(Op::op_load64, {X(0), 1}).emit(0xFFFFFFFF).emit(0x7FFFFFFF);  // INT64_MAX
  b.emit(Op::op_load64, {X(1), 1}).emit(0).emit(0x8000);               // 2^47
  // Division by a known divisor past 2^17 (the loader's _kl forms).
  b.emit(Op::op_load64, {X(2), 1}).emit(0x7FFFFFFF).emit(0);           // 2^31 - 1
  b.emit(Op::op_mod, {X(3), X(1), X(2)});
  b.emit(Op::op_rem, {X(4), X(1), X(2)});
  b.emit(Op::op_idiv, {X(5), X(1), X(2)});
  b.emit(Op::op_div, {X(6), X(1), X(2)});
  b.emit(Op::op_mul, {X(0), X(0), X(1)});
  b.emit(Op::op_shl, {X(0), X(0), X(1)});
  b.emit(Op::op_neg, {X(0), X(0)});
  b.ret();
  return write_module(b.m);
}

// Nested catches over calls, a handler that catches again and one that
// re-raises, and a line table with multi-byte deltas: mutations reach the
// catch analysis and the debug section's reader.
std::vector<uint8_t> catches() {
  ModuleBuilder b("catches");
  b.func("main", 0, 3);
  b.emit(Op::op_try, {Y(0), 8});                        // 0 -> 9
  b.emit(Op::op_try, {Y(1), 4});                        // 1 -> 6
  b.emit(Op::op_loadi, {X(0), 7});                      // 2
  b.emit(Op::op_call, {Y(2), b.atom("thrower/1")});     // 3
  b.emit(Op::op_tryend, {Y(1)});                        // 4
  b.emit(Op::op_jmp, {0});                              // 5 -> 6
  b.emit(Op::op_tryend, {Y(0)});                        // 6: inner handler and the join
  b.emit(Op::op_mov, {X(0), Y(2), X(0)});               // 7
  b.ret();                                              // 8
  b.emit(Op::op_try, {Y(1), 1});                        // 9: outer handler, catching again -> 11
  b.emit(Op::op_raise, {X(0), X(1), X(2)});             // 10
  b.emit(Op::op_tuple, {X(0), 3}).emit(0x7).emit(push({X6(0), X6(1), X6(2)}));  // 11
  b.ret();                                              // 14
  b.func("thrower", 1);
  b.emit(Op::op_loadc, {X(1), b.atom("throw")});        // 15
  b.emit(Op::op_list, {X(2), 0}).emit(0x3);             // 16
  b.emit(Op::op_raise, {X(1), X(0), X(2)});             // 18
  b.m.lines = LineTable{"catches.lzs", {{0, 3}, {3, 300}, {9, 2}, {15, 100000}, {18, 99999}}};
  return write_module(b.m);
}

// Register-preserving built-in calls (bif-calls): a counter in a map kept
// in X registers across map.get/3 and map.has_key/2 (bif), and gcbif with a
// regmask and Y operands, so mutations reach the arguments' push words,
// the built-in table and both engines' routines.
std::vector<uint8_t> builtin_calls() {
  ModuleBuilder b("bifs");
  b.func("main", 0, 1);
  b.emit(Op::op_loadc, {X(0), b.lit(Literal::map({}))});                          // 0: counts
  b.emit(Op::op_loadi, {X(1), 20});                                               // 1: steps left
  b.emit(Op::op_loadi, {X(2), 0});                                                // 2: the zero
  b.emit(Op::op_loadi, {X(3), 3});                                                // 3: key modulus
  b.emit(Op::op_mod, {X(4), X(1), X(3)});                                         // 4: loop: key
  b.emit(Op::op_bif, {X(5), b.atom("map.get/3")}).emit(push({X6(0), X6(4), X6(2)}));  // 5
  b.emit(Op::op_loadi, {X(6), 1});                                                // 7
  b.emit(Op::op_add, {X(5), X(5), X(6)});                                         // 8
  b.emit(Op::op_put, {X6(0), X6(0), X6(4), X6(5)}).emit(0x4F);                    // 9: x0-x3, x6
  b.emit(Op::op_sub, {X(1), X(1), X(6)});                                         // 11
  b.emit(Op::op_gt, {X6(1), X6(2), -9});                                          // 12 -> 4
  b.emit(Op::op_bif, {X(1), b.atom("map.has_key/2")}).emit(push({X6(0), X6(2)}));  // 13
  b.emit(Op::op_mov, {Y(0), X(0), Y(0)});                                         // 15
  b.emit(Op::op_gcbif, {X(0), b.atom("map.to_list/1")}).emit(0x2).emit(push({Y6(0)}));  // 16
  b.emit(Op::op_gcbif, {X(0), b.atom("list.reverse/1")}).emit(0x2).emit(push({X6(0)}));  // 19
  b.emit(Op::op_bif, {X(2), b.atom("math.pi/0")});                                // 22
  b.emit(Op::op_bif, {X(2), b.atom("math.sqrt/1")}).emit(push({X6(2)}));           // 23: bif_sqrt
  b.emit(Op::op_tuple, {X(0), 3}).emit(0).emit(push({X6(0), X6(1), X6(2)}));      // 25
  b.ret();
  return write_module(b.m);
}

// binaries (issue 15): a byte walk (the size register holds 8, so the
// loader makes it bbyte), the other reads, the rest and appends.
std::vector<uint8_t> binaries() {
  ModuleBuilder b("binaries");
  const uint16_t text = b.lit(Literal::binary("walk \xC3\xA9 over these bytes, twenty and more"));
  const uint16_t empty = b.lit(Literal::binary(""));
  const uint16_t nil = b.lit(Literal::list({}));
  b.func("main", 0, 1);
  b.emit(Op::op_loadc, {X(0), text});                   // 0
  b.emit(Op::op_loadi, {X(1), 0});                      // 1
  b.emit(Op::op_loadi, {X(2), 8});                      // 2
  b.emit(Op::op_loadc, {X(4), empty});                  // 3
  b.emit(Op::op_loadc, {X(6), nil});                    // 4
  b.emit(Op::op_bint, {X6(3), X6(0), X6(1), X6(2)});    // 5: loop
  b.emit(Op::op_eq, {X6(3), X6(6), 2});                 // 6 -> 9
  b.emit(Op::op_bappend, {X(4), X(4), X(3)});           // 7
  b.emit(Op::op_jmp, {-4});                             // 8 -> 5
  b.emit(Op::op_loadi, {X(1), 0});                      // 9
  b.emit(Op::op_bsint, {X6(3), X6(0), X6(1), X6(2)});   // 10
  b.emit(Op::op_bintl, {X6(3), X6(0), X6(1), X6(2)});   // 11
  b.emit(Op::op_bsintl, {X6(3), X6(0), X6(1), X6(2)});  // 12
  b.emit(Op::op_loadi, {X(2), 32});                     // 13
  b.emit(Op::op_bfloat, {X6(3), X6(0), X6(1), X6(2)});  // 14
  b.emit(Op::op_bfloatl, {Y6(0), X6(0), X6(1), X6(2)}); // 15
  b.emit(Op::op_butf8, {X6(3), X6(0), X6(1)});          // 16
  b.emit(Op::op_brest, {X(5), X(0), X(1)});             // 17
  b.emit(Op::op_bappend, {X(0), X(5), X(0)});           // 18
  b.emit(Op::op_loadi, {X(1), 8});                      // 19
  b.emit(Op::op_loadi, {X(2), 4});                      // 20
  b.emit(Op::op_bbin, {X6(3), X6(0), X6(1), X6(2)});    // 21
  b.ret();
  return write_module(b.m);
}

// Pattern matching (match-insns): a clause selection by select on atoms
// (searched) and integers (a jump table), select_arity, type and arity
// tests with far-away labels in both forms, exact compares, idiv and rem.
std::vector<uint8_t> matching() {
  ModuleBuilder b("matching");
  b.func("main", 1);
  const auto negate = static_cast<int64_t>(kTypeTestNegate);
  b.emit(Op::op_is_arity, {X6(0), static_cast<int64_t>(TypeTest::Tuple) | negate, 12}).emit(3);  // 0: -> 14
  b.emit(Op::op_is, {X6(0), static_cast<int64_t>(TypeTest::Integer), 4});             // 2: -> 7
  b.emit(Op::op_loadi, {X(1), 3});                                                     // 3
  b.emit(Op::op_idiv, {X(2), X(0), X(1)});                                             // 4
  b.emit(Op::op_rem, {X(0), X(0), X(1)});                                              // 5
  b.emit(Op::op_ret, {X(2)});                                                          // 6
  b.emit(Op::op_select, {X(0), 3}).emit(2)                                             // 7: default -> 14
      .emit(table_word(b.atom("ok"), 0))                                               //   -> 12
      .emit(table_word(b.atom("error"), 1))                                            //   -> 13
      .emit(table_word(b.lit(Literal::integer(1)), 0));                                //   -> 12
  b.ret(0);                                                                            // 12
  b.ret(0);                                                                            // 13
  b.emit(Op::op_select_arity, {X(0), 1}).emit(0).emit(table_word(3, 1));               // 14: -> 17, 3 -> 18
  b.ret(0);                                                                            // 17
  b.emit(Op::op_eqx, {X6(0), X6(0), 0});                                               // 18
  b.emit(Op::op_nex, {X6(0), X6(0), 0});                                               // 19
  b.ret(0);                                                                            // 20
  return write_module(b.m);
}

// Processes: a message sent to self, a selective receive that skips one
// message, and a wait with timeout 0 (the `after` clause).
std::vector<uint8_t> receive() {
  ModuleBuilder b("receive");
  b.func("main", 0, 1);
  b.emit(Op::op_call, {Y(0), b.atom("process.self/0")});  // 0
  b.emit(Op::op_mov, {X(0), Y(0), X(0)});                 // 1
  b.emit(Op::op_loadi, {X(1), 5});                        // 2
  b.emit(Op::op_call, {X(0), b.atom("process.send/2")});  // 3
  b.emit(Op::op_recv, {X(0), 4});                         // 4 -> 9
  b.emit(Op::op_eq, {X6(0), X6(0), 1});                   // 5 -> 7
  b.emit(Op::op_recvnext, {0, -3});                       // 6 -> 4
  b.emit(Op::op_accept, {0, 0});                          // 7
  b.ret();                                                // 8
  b.emit(Op::op_loadi, {X(1), 0});                        // 9
  b.emit(Op::op_wait, {X(1), -7});                        // 10 -> 4
  b.emit(Op::op_loadi, {X(0), 1});                        // 11
  b.ret();                                                // 12
  return write_module(b.m);
}

std::vector<uint8_t> native() {
  ModuleFile m;
  m.type = ModuleType::Native;
  m.native_name = "mathx";
  m.native_libpath = "libmathx.so";
  m.native_functions = {"add/2", "neg/1", "pi/0"};
  return write_module(m);
}

}  // namespace

std::vector<std::pair<std::string, std::vector<uint8_t>>> seed_modules() {
  return {
      {"minimal", minimal()},
      {"every_opcode", write_module(test::every_opcode_module().m)},
      {"every_literal_type", every_literal_type()},
      {"loop_and_calls", loop_and_calls()},
      {"closures", closures()},
      {"big_integers", big_integers()},
      {"catches", catches()},
      {"matching", matching()},
      {"receive", receive()},
      {"native", native()},
      {"builtin_calls", builtin_calls()},  // bif-calls
      {"binaries", binaries()},
  };
}

void write_seed_modules_and_exit(const char* dir) {
  int written = 0;
  for (const auto& [name, bytes] : seed_modules()) {
    LoadError err;
    auto m = read_module(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), name, err);
    if (!m || !verify_module(*m, name, err)) {
      std::fprintf(stderr, "seed module is invalid: %s\n", err.message.c_str());
      std::exit(1);
    }
    std::ofstream out(std::string(dir) + "/" + name + ".lzr", std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write seed %s/%s.lzr\n", dir, name.c_str());
      std::exit(1);
    }
    ++written;
  }
  std::printf("wrote %d seed modules to %s\n", written, dir);
  std::exit(0);
}

}  // namespace lzr::fuzz
