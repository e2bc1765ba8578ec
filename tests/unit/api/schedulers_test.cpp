// lzr_vm_set_schedulers: a bad count or a call from inside the VM is
// LZR_BAD_CALL with a message; with several schedulers a call runs the
// spawned processes in parallel (a host native among them) and returns,
// and the VM can be called again.
#include <atomic>
#include <string>

#include "api_test_util.h"

namespace lzr_test {
namespace {

using EmbedSchedulers = VmFixture;

TEST_F(EmbedSchedulers, BadCountsAreRefused) {
  for (int bad : {0, -1, -100, 1025, 1 << 30}) {
    EXPECT_EQ(lzr_vm_set_schedulers(vm, bad), LZR_BAD_CALL) << bad;
    EXPECT_EQ(std::string(lzr_vm_message(vm)),
              "lzr_vm_set_schedulers: " + std::to_string(bad) + " is not a count from 1 to 1024");
  }
  EXPECT_EQ(lzr_vm_set_schedulers(nullptr, 2), LZR_BAD_CALL);
  EXPECT_EQ(lzr_vm_set_schedulers(vm, 1), LZR_OK);
  EXPECT_EQ(lzr_vm_set_schedulers(vm, 1024), LZR_OK);
  EXPECT_STREQ(lzr_vm_message(vm), "");
}

lzr_vm* g_vm = nullptr;
std::atomic<int> g_calls{0};
lzr_term count_call(lzr_env* env, const lzr_term*, unsigned) {
  g_calls.fetch_add(1);
  return lzr_int(env, 1);
}
lzr_term set_inside(lzr_env* env, const lzr_term*, unsigned) {
  return lzr_int(env, lzr_vm_set_schedulers(g_vm, 2));
}

// Each of 8 processes calls host.count/0 and sends main a 1; main sums.
const char* kFan =
    "module fan\n"
    "func main/0 frame=2\n"
    "  call x0, process.self/0\n  mov y0, x0\n  loadi x0, 0\n  mov y1, x0\n"
    "spawn:\n  fn x0, worker/0, [y0]\n  call x0, process.spawn/1\n"
    "  loadi x1, 1\n  add x0, y1, x1\n  mov y1, x0\n  loadi x1, 8\n  lt x0, x1, spawn\n"
    "  loadi x0, 0\n  mov y1, x0\n  loadi x0, 0\n  mov y0, x0\n"
    "loop:\n  recv x0, none\n  accept\n  add x0, y1, x0\n  mov y1, x0\n"
    "  loadi x1, 1\n  add x0, y0, x1\n  mov y0, x0\n  loadi x1, 8\n  lt x0, x1, loop\n  mov x0, y1\n  ret x0\n"
    "none:\n  loadc x1, :infinity\n  wait x1, loop\n  ret x1\n"
    "func worker/0 upvals=1\n  call x0, host.count/0\n  mov x1, x0\n  mov x0, u0\n  call x0, process.send/2\n  ret x0\n";

TEST_F(EmbedSchedulers, SeveralSchedulersRunACallAndTheNextOne) {
  const lzr_native_def defs[] = {{"count", 0, count_call}, {"set_inside", 0, set_inside}};
  ASSERT_EQ(lzr_vm_define_module(vm, "host", defs, 2), LZR_OK) << lzr_vm_message(vm);
  ASSERT_EQ(lzr_vm_set_schedulers(vm, 4), LZR_OK);
  load_source(kFan, "fan.lzs");
  g_calls = 0;
  EXPECT_EQ(text(call_ok("fan", "main")), "8");
  EXPECT_EQ(g_calls.load(), 8);
  EXPECT_EQ(text(call_ok("fan", "main")), "8");
  EXPECT_EQ(g_calls.load(), 16);
  g_vm = vm;
  EXPECT_EQ(text(call_ok("host", "set_inside")), std::to_string(LZR_BAD_CALL));
  ASSERT_EQ(lzr_vm_set_schedulers(vm, 1), LZR_OK);  // back to one: the same program still runs
  EXPECT_EQ(text(call_ok("fan", "main")), "8");
}

}  // namespace
}  // namespace lzr_test
