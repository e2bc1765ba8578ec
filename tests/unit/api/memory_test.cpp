// Memory limits through the C API: lzr_vm_set_max_heap, system_limit for a
// result larger than the limit, the out_of_memory exit when live data
// outgrows it, and lzr_vm_new returning NULL when the address space refuses
// the VM (docs/c-api.md, docs/security.md).
#include <gtest/gtest-death-test.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "api_test_util.h"
#include "sanitizers.h"

namespace lzr_test {
namespace {

size_t length(lzr_env* env, lzr_term list) {
  size_t n = 0;
  return lzr_get_list_length(env, list, &n) ? n : SIZE_MAX;
}


const char* kMem =
    "module mem\n"
    "func seq/1\n  loadi x1, 1\n  mov x2, x0\n  mov x0, x1\n  mov x1, x2\n  tcall list.seq/2\n"
    "func grow/2 frame=2\n  loadi x2, 0\n  eq x0, x2, done\n  mov y0, x0\n  mov y1, x1\n  loadi x0, 1\n"
    "  load x1, 20000\n  call x0, list.seq/2\n  call x0, tuple.from_list/1\n  cons x1, x0, y1\n  loadi x2, 1\n"
    "  sub x0, y0, x2\n  tcall grow/2\ndone:\n  mov x0, x1\n  ret x0\n";

using Memory = VmFixture;

TEST_F(Memory, MaxHeapChecksItsArguments) {
  EXPECT_EQ(lzr_vm_set_max_heap(nullptr, 8 << 20), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_set_max_heap(vm, (1 << 20) - 1), LZR_BAD_CALL);
  EXPECT_STREQ(lzr_vm_message(vm), "lzr_vm_set_max_heap: less than 1 MiB");
  EXPECT_EQ(lzr_vm_set_max_heap(vm, 1 << 20), LZR_OK);
  EXPECT_STREQ(lzr_vm_message(vm), "");
  EXPECT_EQ(lzr_vm_set_max_heap(vm, 0), LZR_OK) << "0 lifts the limit";
}

TEST_F(Memory, ResultLargerThanMaxHeapRaisesSystemLimit) {
  load_source(kMem, "mem.lzs");
  ASSERT_EQ(lzr_vm_set_max_heap(vm, 8 << 20), LZR_OK);
  // 1 Mi elements are 16 MiB of cells: more than the whole heap may hold.
  EXPECT_EQ(call_error("mem", "seq", {lzr_int(env, 1 << 20)}), ":system_limit");
  EXPECT_STREQ(lzr_vm_error_class(vm), "error");
  // Half of that fits, and the VM goes on normally.
  lzr_term r = call_ok("mem", "seq", {lzr_int(env, 1 << 18)});
  EXPECT_EQ(length(env, r), size_t{1} << 18);
  ASSERT_EQ(lzr_vm_set_max_heap(vm, 0), LZR_OK);
  r = call_ok("mem", "seq", {lzr_int(env, 1 << 20)});
  EXPECT_EQ(length(env, r), size_t{1} << 20);
}

TEST_F(Memory, LiveDataPastMaxHeapEndsTheProcess) {
  load_source(kMem, "mem.lzs");
  ASSERT_EQ(lzr_vm_set_max_heap(vm, 4 << 20), LZR_OK);
  // 20 tuples of 20000 elements (3.1 MiB) fit ...
  call_ok("mem", "grow", {lzr_int(env, 20), lzr_nil(env)});
  // ... 40 do not: no status can come back from inside a collection.
  auto grow_past_the_limit = [&] {
    lzr_term r;
    lzr_term args[] = {lzr_int(env, 40), lzr_nil(env)};
    lzr_vm_call(vm, "mem", "grow", args, 2, &r);
    std::exit(0);
  };
  EXPECT_EXIT(grow_past_the_limit(), ::testing::ExitedWithCode(1),
              "^lzr: out_of_memory: the live heap exceeds the maximum heap size \\(4 MiB\\)\n$");
}

// The address space this process maps now, in bytes.
size_t mapped_now() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0;
  statm >> pages;
  return pages * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

void limit_address_space(size_t bytes) {
  rlimit lim{bytes, bytes};
  if (::setrlimit(RLIMIT_AS, &lim) != 0) std::_Exit(3);
}

TEST(MemoryNew, VmNewReturnsNullWhenTheAddressSpaceRefusesIt) {
  if (kAsan) GTEST_SKIP() << "ASan's allocator and shadow memory do not work under an RLIMIT_AS; the debug suite runs this test";
  // In a child with 256 KiB to spare: a process stack starts at 16 words
  // and grows on demand (docs/processes.md), so the VM is made; the asm
  // engine's code area (512 KiB of address space) does not fit, and the
  // call fails with a message instead of crashing. Either refusal is clean.
  auto new_with_little_room = [] {
    limit_address_space(mapped_now() + (256 << 10));
    lzr_vm* vm = lzr_vm_new();
    if (!vm) std::_Exit(0);
    if (lzr_vm_load_source(vm, kMem, std::strlen(kMem), "mem.lzs") != LZR_OK) std::_Exit(2);
    lzr_term r, args[] = {lzr_int(lzr_vm_env(vm), 10)};
    if (lzr_vm_call(vm, "mem", "seq", args, 1, &r) == LZR_OK) std::_Exit(length(lzr_vm_env(vm), r) == 10 ? 0 : 5);
    std::_Exit(std::string(lzr_vm_message(vm)) == "out of memory" ? 0 : 4);
  };
  EXPECT_EXIT(new_with_little_room(), ::testing::ExitedWithCode(0), "");
  // With 64 MiB to spare the default 1 GiB stack does not fit either, but a
  // smaller one does, and the VM works.
  auto new_with_64_mib = [] {
    limit_address_space(mapped_now() + (64 << 20));
    lzr_vm* vm = lzr_vm_new();
    if (!vm) std::_Exit(1);
    if (lzr_vm_load_source(vm, kMem, std::strlen(kMem), "mem.lzs") != LZR_OK) std::_Exit(2);
    lzr_term r, args[] = {lzr_int(lzr_vm_env(vm), 1000)};
    if (lzr_vm_call(vm, "mem", "seq", args, 1, &r) != LZR_OK) std::_Exit(4);
    std::_Exit(length(lzr_vm_env(vm), r) == 1000 ? 0 : 5);
  };
  EXPECT_EXIT(new_with_64_mib(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace lzr_test
