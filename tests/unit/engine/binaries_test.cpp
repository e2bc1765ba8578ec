// Binaries on both engines: the byte walk of a <<C, Rest/binary>> loop runs
// in constant memory (no allocation at all) over a 10 MB binary, building
// by append is linear, and the loader picks the byte form (bbyte).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "engine/insn.h"
#include "engine_runner.h"
#include "vm/binaries.h"
#include "vm/builders.h"

namespace lzr {
namespace {

// Counts the bytes 'a' of its argument, stepping a bit position by 8.
constexpr const char* kWalk = R"(
func walk/1
  loadi x1, 0
  loadi x2, 0
  loadi x3, 8
  loadc x4, []
  loadi x6, 97
  loadi x7, 1
loop:
  bint x5, x0, x1, x3
  eq x5, x4, done
  ne x5, x6, loop
  add x2, x2, x7
  jmp loop
done:
  mov x0, x2
  ret x0

; a 16-bit and a 32-bit word from bit x1 (the in-line forms)
func words/2
  loadi x2, 16
  loadi x3, 32
  bint x4, x0, x1, x2
  bint x5, x0, x1, x3
  loadi x6, 24
  bint x7, x0, x1, x6
  tuple x0, {x4, x5, x7}
  ret x0

; x0 followed by n one-byte pieces (i rem 256)
func build/2
  loadi x2, 0
  loadi x3, 1
  load x4, 256
loop:
  gte x2, x1, done
  mod x5, x2, x4
  bappend x0, x0, x5
  add x2, x2, x3
  jmp loop
done:
  ret x0
)";

struct Loaded {
  VM vm;
  Module* m = nullptr;
  Loaded() {
    register_builtins(vm);
    std::string why;
    auto file = assemble(kWalk, "walk.lzs", why);
    EXPECT_TRUE(file) << why;
    std::vector<uint8_t> bytes = write_module(*file);
    LoadError err;
    m = load_module_bytes(vm, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "walk.lzr", err);
    EXPECT_NE(m, nullptr) << err.message;
  }
};

TEST(Binaries, ReadsOfKnownWholeByteSizesTakeTheInLineForms) {
  Loaded l;
  ASSERT_NE(l.m, nullptr);
  size_t bbyte = 0, bint16 = 0, bint32 = 0, bint = 0;
  for (size_t k = 0; k < l.m->code_size; ++k) {
    const IOp op = l.m->code[k].op;
    bbyte += op == IOp::bbyte;
    bint16 += op == IOp::bint16;
    bint32 += op == IOp::bint32;
    bint += op == IOp::bint;
  }
  EXPECT_EQ(bbyte, 1u);
  EXPECT_EQ(bint16, 1u);
  EXPECT_EQ(bint32, 1u);
  EXPECT_EQ(bint, 1u);  // 24 bits: the generic read
  const FunctionInfo* words = l.m->find(l.vm.atom("words"), 2);
  ASSERT_NE(words, nullptr);
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    Process p(l.vm, size_t{1} << 16);
    const std::string bytes = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E\x0F\x10\x11\x12";
    for (int64_t pos : {0, 8, 4, 80}) {
      const Term args[2] = {binary_slice(p.heap, make_binary(p.heap, bytes), 0, bytes.size() - 1), make_int(pos)};
      const Term r = execute(p, words, args, engine);
      ASSERT_TRUE(is_tuple(r));
      // 16, 32 and 24 bits from pos (a view of 17 bytes); at 80 the 24 bits are not there
      const std::string want = pos == 0 ? "{258, 50595078, 460809}" : pos == 8 ? "{515, 67438087, 526602}"
                             : pos == 4 ? "{4128, 809521248, 7372944}" : "{2828, 219025168, []}";
      EXPECT_EQ(term_to_string(r, l.vm.atoms), want) << engine_name(engine) << " at " << pos;
    }
  }
}

// 10 MB walked byte by byte (1 MB on the portable engine, which is slow in
// a debug build): the heap does not change at all (no allocation, no
// collection), on both engines, plain binary and view.
TEST(Binaries, WalkingTenMegabytesAllocatesNothing) {
  Loaded l;
  ASSERT_NE(l.m, nullptr);
  const FunctionInfo* walk = l.m->find(l.vm.atom("walk"), 1);
  ASSERT_NE(walk, nullptr);
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    const size_t kBytes = engine == EngineKind::Asm ? 10u << 20 : 1u << 20;
    Process p(l.vm, size_t{1} << 16);
    uint8_t* data;
    p.x[0] = alloc_binary(p.heap, kBytes, data);
    std::memset(data, 'b', kBytes);
    for (size_t i = 0; i < kBytes; i += 7) data[i] = 'a';
    p.x[1] = binary_slice(p.heap, p.x[0], 1, kBytes - 1);
    p.collect(0b11);  // the large allocation asked for one: now nothing is due
    const Term big = p.x[0], view = p.x[1];
    for (Term bin : {big, view}) {
      const size_t used = p.heap.used_words();
      const uint64_t collections = p.heap.stats().collections;
      const Term r = execute(p, walk, std::span<const Term>(&bin, 1), engine);
      ASSERT_TRUE(is_int(r)) << engine_name(engine);
      EXPECT_EQ(int_value(r), static_cast<int64_t>(bin == big ? (kBytes + 6) / 7 : (kBytes + 6) / 7 - 1));
      EXPECT_EQ(p.heap.used_words(), used) << engine_name(engine);
      ASSERT_EQ(p.heap.stats().collections, collections) << engine_name(engine);  // (big, view stay valid)
    }
  }
}

// Appending n pieces: what the collector copies grows linearly with n
// (each append copying the binary would grow it with n squared).
TEST(Binaries, AppendingIsLinear) {
  Loaded l;
  ASSERT_NE(l.m, nullptr);
  const FunctionInfo* build = l.m->find(l.vm.atom("build"), 2);
  ASSERT_NE(build, nullptr);
  for (EngineKind engine : {EngineKind::Portable, EngineKind::Asm}) {
    if (!engine_available(engine)) continue;
    uint64_t copied[2];
    for (int k = 0; k < 2; ++k) {
      const int64_t n = int64_t{1} << (17 + 2 * k);
      Process p(l.vm, size_t{1} << 16);
      const Term args[2] = {make_binary(p.heap, ""), make_int(n)};
      const Term r = execute(p, build, args, engine);
      ASSERT_TRUE(is_binary(r));
      EXPECT_EQ(binary_size(r), static_cast<uint64_t>(n));
      EXPECT_EQ(binary_bytes(r)[n - 1], (n - 1) % 256);
      copied[k] = p.heap.stats().words_copied;
      // Linear: a few words per byte at most (the buffer is n/8 words).
      EXPECT_LT(copied[k], static_cast<uint64_t>(n)) << engine_name(engine);
    }
    EXPECT_LT(copied[1], 8 * copied[0] + 4096) << engine_name(engine);  // 4x the pieces
  }
}

}  // namespace
}  // namespace lzr
