// Out of memory through the real binary (docs/security.md, "Out of memory
// and --max-heap"): under an address-space limit (RLIMIT_AS, what `ulimit -v`
// sets) and under --max-heap, lzr prints one line and exits 1; it never
// aborts. Each limit is set in the forked child only.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_lzr.h"
#include "sanitizers.h"

namespace {

namespace fs = std::filesystem;

using lzr_test::kAsan;

// ASan maps terabytes of shadow memory at start-up, so a binary built with it
// cannot run under any RLIMIT_AS that would test anything.
#define SKIP_UNDER_ASAN()                                                                        \
  if (kAsan) GTEST_SKIP() << "ASan reserves terabytes of shadow address space: lzr cannot start " \
                             "under an RLIMIT_AS (ulimit -v); the debug suite runs this test"

using Result = lzr_test::LzrRun;

class OutOfMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lzr_test::fresh_test_dir("lzr_cli_oom");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  // Runs lzr with `args`; `as_limit_kib` > 0 sets RLIMIT_AS in the child.
  Result lzr(const std::vector<std::string>& args, size_t as_limit_kib = 0) {
    return lzr_test::run_lzr(dir_, args, {"", as_limit_kib, false});
  }

  static std::vector<std::string> engines() {
#ifdef __x86_64__
    return {"portable", "asm"};
#else
    return {"portable"};
#endif
  }

  fs::path dir_;
};

const char* kHello = "func main/0\n  load x0, \"hi\"\n  call x0, io.print/1\n  ret x0\n";

// grow/2 keeps N tuples of 20000 elements live; main/1 takes N.
const char* kGrow =
    "func main/1 frame=1\n  loadi x1, 0\n  get x0, x0, x1\n  call x0, binary.to_integer/1\n  mov y0, x0\n"
    "  load x0, \"start\"\n  call x0, io.print/1\n  mov x0, y0\n  list x1, []\n  call x0, grow/2\n"
    "  load x0, \"done\"\n  call x0, io.print/1\n  ret x0\n"
    "func grow/2 frame=2\n  loadi x2, 0\n  eq x0, x2, done\n  mov y0, x0\n  mov y1, x1\n  loadi x0, 1\n"
    "  load x1, 20000\n  call x0, list.seq/2\n  call x0, tuple.from_list/1\n  cons x1, x0, y1\n  loadi x2, 1\n"
    "  sub x0, y0, x2\n  tcall grow/2\ndone:\n  mov x0, x1\n  ret x0\n";

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

// The first case: the default 1 GiB stack reservation under a small
// address-space limit used to abort. Now the stack shrinks to what fits and
// the program runs; recursion past it is a clean stack_overflow.
TEST_F(OutOfMemory, StackReservationFitsUnderAddressLimit) {
  SKIP_UNDER_ASAN();
  const std::string hello = file("hello.lzs", kHello);
  const std::string deep = file("deep.lzs",
                                "func main/0\n  load x0, 100000000\n  call x0, down/1\n  ret x0\n"
                                "func down/1 frame=1\n  loadi x1, 0\n  eq x0, x1, out\n  loadi x1, 1\n  sub x0, x0, x1\n"
                                "  call y0, down/1\n  mov x0, y0\nout:\n  ret x0\n");
  for (const std::string& engine : engines()) {
    for (const char* stack : {"--stack-size=1024", "--stack-size=65536"}) {
      Result r = lzr({"run", "--engine=" + engine, stack, hello}, 256 << 10);
      EXPECT_EQ(r.status, 0) << engine << " " << stack << ": " << r.err;
      EXPECT_EQ(r.out, "\"hi\"\n") << engine;
    }
    Result r = lzr({"run", "--engine=" + engine, deep}, 256 << 10);
    EXPECT_EQ(r.status, 1) << engine << ": " << r.err;
    EXPECT_EQ(r.signal, 0) << engine;
    EXPECT_EQ(r.err.rfind("lzr: error: :stack_overflow\n  in deep.down/1", 0), 0u) << engine << ": " << r.err;
  }
}

// As the limit shrinks, every run either works or fails with one line
// "lzr: error: out of memory (...)" and status 1, until the dynamic loader
// itself cannot map libc (before lzr's code runs). No signal, ever.
TEST_F(OutOfMemory, ShrinkingAddressLimitFailsCleanly) {
  SKIP_UNDER_ASAN();
  const std::string hello = file("hello.lzs", kHello);
  for (const std::string& engine : engines()) {
    int clean_failures = 0;
    bool loader_failed = false;
    for (size_t kib = 32 << 10; kib >= 1024 && !loader_failed; kib -= 256) {
      Result r = lzr({"run", "--engine=" + engine, hello}, kib);
      const std::string where = engine + " at " + std::to_string(kib) + " KiB: ";
      ASSERT_EQ(r.signal, 0) << where << r.err;
      if (r.status == 0) {
        EXPECT_EQ(r.out, "\"hi\"\n") << where;
      } else if (r.status == 127 && r.err.find("error while loading shared libraries") != std::string::npos) {
        loader_failed = true;
      } else {
        EXPECT_EQ(r.status, 1) << where << r.err;
        EXPECT_EQ(r.err.rfind("lzr: error: out of memory", 0), 0u) << where << r.err;
        EXPECT_TRUE(one_line(r.err)) << where << r.err;
        ++clean_failures;
      }
    }
    EXPECT_TRUE(loader_failed) << engine << ": the limits never got below what the loader needs";
    EXPECT_GT(clean_failures, 0) << engine << ": no limit made lzr itself run out of memory";
  }
}

// The second case: a heap that outgrows the address space ends the
// run with the out_of_memory line (after the program's output so far).
TEST_F(OutOfMemory, HeapExhaustionEndsTheRunWithOneLine) {
  SKIP_UNDER_ASAN();
  const std::string grow = file("grow.lzs", kGrow);
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, grow, "1000000"}, 256 << 10);
    EXPECT_EQ(r.status, 1) << engine << ": " << r.err;
    EXPECT_EQ(r.signal, 0) << engine;
    EXPECT_EQ(r.out, "\"start\"\n") << engine;
    EXPECT_EQ(r.err.rfind("lzr: out_of_memory: the system refused ", 0), 0u) << engine << ": " << r.err;
    EXPECT_TRUE(one_line(r.err)) << engine << ": " << r.err;
  }
}

// The fourth case: list.seq(1, 4294967296) asks for 64 GiB at once;
// the program sees system_limit (uncaught here: the usual error report).
TEST_F(OutOfMemory, HugeListSeqRaisesSystemLimitUnderAddressLimit) {
  SKIP_UNDER_ASAN();
  const std::string seq = file("seq.lzs", "func main/0\n  loadi x0, 1\n  load x1, 4294967296\n  call x0, list.seq/2\n  ret x0\n");
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, seq}, 1 << 20);
    EXPECT_EQ(r.status, 1) << engine;
    EXPECT_EQ(r.signal, 0) << engine;
    EXPECT_EQ(r.err, "lzr: error: :system_limit\n  in seq.main/0 (seq.lzs:4)\n") << engine;
  }
}

// The third case: the assembler and the loader ran into
// std::bad_alloc and aborted. Now: one line, status 1, for every command.
TEST_F(OutOfMemory, AssemblerAndLoaderFailCleanlyUnderAddressLimit) {
  SKIP_UNDER_ASAN();
  std::string text = "func main/0\n";
  for (int i = 0; i < 300000; ++i) text += "  loadi x0, " + std::to_string(i % 1000) + "\n";
  text += "  ret x0\n";
  const std::string big = file("big.lzs", text);
  const std::string lzr_file = (dir_ / "big.lzr").string();
  Result made = lzr({"asm", big, "-o", lzr_file});
  ASSERT_EQ(made.status, 0) << made.err;
  const std::string out = (dir_ / "out.lzr").string();
  const std::vector<std::vector<std::string>> commands = {
      {"asm", big, "-o", out}, {"check", big}, {"run", "--engine=portable", big}, {"dis", lzr_file}};
  for (const auto& args : commands) {
    Result r = lzr(args, 40 << 10);
    EXPECT_EQ(r.status, 1) << args[0] << ": " << r.err;
    EXPECT_EQ(r.signal, 0) << args[0];
    EXPECT_EQ(r.err, "lzr: error: out of memory\n") << args[0];
  }
  EXPECT_FALSE(fs::exists(out)) << "a failed lzr asm leaves no output file";
  // The same limit is plenty for a small program.
  Result r = lzr({"run", file("hello.lzs", kHello)}, 40 << 10);
  EXPECT_EQ(r.status, 0) << r.err;
}

// --max-heap: a program whose live data passes the limit ends with the
// documented line; under it, it runs. (The conformance programs in
// tests/programs/memory/ check the same on both engines with GC stress.)
TEST_F(OutOfMemory, MaxHeapLimitsLiveData) {
  const std::string grow = file("grow.lzs", kGrow);
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, "--max-heap", "4M", grow, "40"});
    EXPECT_EQ(r.status, 1) << engine;
    EXPECT_EQ(r.out, "\"start\"\n") << engine;
    EXPECT_EQ(r.err, "lzr: out_of_memory: the live heap exceeds the maximum heap size (4 MiB)\n") << engine;
    r = lzr({"run", "--engine=" + engine, "--max-heap=4096K", grow, "20"});
    EXPECT_EQ(r.status, 0) << engine << ": " << r.err;
    EXPECT_EQ(r.out, "\"start\"\n\"done\"\n") << engine;
    // The same 40 tuples fit in 8 MiB.
    r = lzr({"run", "--engine=" + engine, "--max-heap=8", grow, "40"});
    EXPECT_EQ(r.status, 0) << engine << ": " << r.err;
  }
  Result r = lzr({"run", "--max-heap=1g", grow, "40"});
  EXPECT_EQ(r.status, 0) << r.err;
}

// Off-heap binaries (docs/terms.md, "Binaries"): a loop that makes a
// 1.25 MiB binary 40 times (50 MiB in all) and drops each runs in 32 MiB
// of address space, because collections release the blocks nothing holds
// (the off-heap bytes request them); and the blocks a process keeps count
// against --max-heap like its heap data. (bench/processes/big_binaries
// makes a 10 MiB binary 1,000 times.)
std::string big_binaries(bool keep) {
  return std::string(
             "func main/0 frame=1\n  load x0, \"0123456789\"\n  loadi x1, 16\n  call x0, double/2\n"
             "  list x1, []\n  loadi x2, 40\n  call x0, loop/3\n  size x0, x0\n  call x0, io.print/1\n  ret x0\n"
             "func double/2 frame=1\n  mov y0, x1\nagain:\n  loadi x1, 0\n  eq y0, x1, done\n  mov x1, x0\n"
             "  call x0, binary.concat/2\n  loadi x1, 1\n  sub y0, y0, x1\n  jmp again\ndone:\n  ret x0\n"
             "func loop/3 frame=3\n  mov y0, x0\n  mov y1, x1\n  mov y2, x2\nagain:\n  loadi x0, 0\n  eq y2, x0, done\n"
             "  mov x0, y0\n  mov x1, y0\n  call x0, binary.concat/2\n") +
         (keep ? "  mov x1, y1\n  cons y1, x0, x1\n" : "") +
         "  loadi x0, 1\n  sub y2, y2, x0\n  jmp again\ndone:\n  mov x0, y1\n  ret x0\n";
}

TEST_F(OutOfMemory, DroppedOffHeapBinariesAreReleased) {
  SKIP_UNDER_ASAN();
  const std::string drop = file("drop.lzs", big_binaries(false));
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, drop}, 32 << 10);
    EXPECT_EQ(r.status, 0) << engine << ": " << r.err;
    EXPECT_EQ(r.out, "0\n") << engine;
  }
  // Kept, the same binaries exhaust that address space (the system
  // refuses a block: binary.concat raises system_limit), so the run above
  // shows that they were released.
  const std::string keep = file("keep.lzs", big_binaries(true));
  Result r = lzr({"run", keep}, 32 << 10);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err.rfind("lzr: error: :system_limit\n  in keep.loop/3", 0), 0u) << r.err;
}

TEST_F(OutOfMemory, OffHeapBinariesCountAgainstTheMaximumHeap) {
  const std::string keep = file("keep.lzs", big_binaries(true));
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, "--max-heap=16M", keep});
    EXPECT_EQ(r.status, 1) << engine;
    EXPECT_EQ(r.err, "lzr: out_of_memory: the live heap exceeds the maximum heap size (16 MiB)\n") << engine;
  }
}

TEST_F(OutOfMemory, MaxHeapRejectsBadSizes) {
  const std::string hello = file("hello.lzs", kHello);
  for (const char* bad : {"0", "512K", "12Q", "M", "-4", "99999999999999999999", "2T"}) {
    Result r = lzr({"run", std::string("--max-heap=") + bad, hello});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(r.out, "") << bad;
    EXPECT_EQ(r.err, std::string("lzr run: --max-heap '") + bad + "' is not a size of at least 1 MiB (examples: 64, 512M, 2G)\n") << bad;
  }
  for (const char* good : {"1", "1024K", "1MiB", "1mb", "1G"}) {
    Result r = lzr({"run", std::string("--max-heap=") + good, hello});
    EXPECT_EQ(r.status, 0) << good << ": " << r.err;
  }
  Result help = lzr({"run", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--max-heap"), std::string::npos) << help.out;
}

}  // namespace
