// The io, file and system built-ins through the real binary, where a
// conformance program cannot reach: a file the program may not read (as
// root, the child drops to an unprivileged user first, since root reads
// anything), a full device, exit statuses of system.halt/1, a large pipe on
// standard input, and the heap options of lzr run.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_lzr.h"

namespace {

namespace fs = std::filesystem;

using Result = lzr_test::LzrRun;

class IoCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lzr_test::fresh_test_dir("lzr_cli_io");
    fs::permissions(dir_, fs::perms::all);  // the unprivileged child must reach its files
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& content, fs::perms perms = fs::perms(0644)) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    fs::permissions(p, perms);
    return p.string();
  }
  // Runs lzr with `args`, `input` piped to its standard input; `unprivileged`:
  // as root, the child becomes the user and group 65534 (nobody) first.
  Result lzr(const std::vector<std::string>& args, const std::string& input = "", bool unprivileged = false) {
    return lzr_test::run_lzr(dir_, args, {input, 0, unprivileged});
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

// main/1: prints file.read/1 and file.open/2 (:read) of its first argument.
const char* kReadBoth =
    "func main/1 frame=1\n  loadi x1, 0\n  get y0, x0, x1\n  mov x0, y0\n  call x0, file.read/1\n  call x0, io.print/1\n"
    "  mov x0, y0\n  load x1, :read\n  call x0, file.open/2\n  call x0, io.print/1\n  ret x0\n";

TEST_F(IoCli, AnUnreadableFileIsEaccesNotACrash) {
  const std::string prog = file("read.lzs", kReadBoth);
  const std::string secret = file("secret.txt", "hidden\n", fs::perms::none);
  fs::create_directories(dir_ / "closed");
  std::ofstream(dir_ / "closed" / "inner.txt") << "x";
  fs::permissions(dir_ / "closed", fs::perms::owner_all);  // root's folder: nobody may enter
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, prog, secret}, "", true);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "{:error, :eacces}\n{:error, :eacces}\n") << engine;
    if (::geteuid() == 0) {  // a folder root owns and nobody may search
      r = lzr({"run", "--engine=" + engine, prog, (dir_ / "closed" / "inner.txt").string()}, "", true);
      EXPECT_EQ(r.out, "{:error, :eacces}\n{:error, :eacces}\n") << engine;
    }
  }
}

TEST_F(IoCli, AWriteToAFullDeviceIsEnospc) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  const std::string prog = file("full.lzs",
                                "func main/0\n  loadc x0, \"/dev/full\"\n  loadc x1, [\"some\", 10]\n  call x0, file.write/2\n"
                                "  call x0, io.print/1\n  ret x0\n");
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, prog});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "{:error, :enospc}\n") << engine;
  }
}

TEST_F(IoCli, HaltEndsWithItsStatusAndFlushesOutput) {
  const std::string prog = file("halt.lzs",
                                "func main/1 frame=1\n  loadi x1, 0\n  get x0, x0, x1\n  call y0, binary.to_integer/1\n"
                                "  loadc x0, \"before\"\n  call x0, io.put_chars/1\n  mov x0, y0\n"
                                "  call x0, system.halt/1\n  loadc x0, \"after\"\n  call x0, io.puts/1\n  ret x0\n");
  for (const std::string& engine : engines()) {
    for (int status : {0, 3, 255}) {
      Result r = lzr({"run", "--engine=" + engine, prog, std::to_string(status)});
      EXPECT_EQ(r.status, status) << engine;
      EXPECT_EQ(r.out, "before") << engine;
      EXPECT_EQ(r.err, "") << engine;
    }
  }
}

// 20,000 lines through a pipe, read with io.read_line/0 and echoed with
// io.put_chars/1: every byte comes back, in order.
TEST_F(IoCli, ManyLinesThroughAPipeComeBackIntact) {
  const std::string prog = file("echo.lzs",
                                "func main/0 frame=0\nnext:\n  call x0, io.read_line/0\n  load x1, :eof\n  eq x0, x1, done\n"
                                "  loadi x1, 10\n  list x0, [x0, x1]\n  call x0, io.put_chars/1\n  jmp next\ndone:\n  ret x0\n");
  std::string input;
  for (int i = 0; i < 20000; ++i) input += "line " + std::to_string(i) + std::string(static_cast<size_t>(i % 37), 'x') + "\n";
  for (const std::string& engine : engines()) {
    Result r = lzr({"run", "--engine=" + engine, prog}, input);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out == input) << engine << ": " << r.out.size() << " bytes back of " << input.size();
  }
}

TEST_F(IoCli, HeapMinSetsTheNurseryAndStatsShowTheCollector) {
  const std::string prog = file("churn.lzs",
                                "func main/0\n  loadi x0, 1\n  load x1, 200000\n  call x0, list.seq/2\n  call x0, list.reverse/1\n"
                                "  loadi x1, 0\n  get x0, x0, x1\n  call x0, io.print/1\n  ret x0\n");
  Result r = lzr({"run", "--stats", "--heap-min=256K", prog});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "200000\n");
  EXPECT_NE(r.err.find("lzr: gc: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" minor, "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" major, "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nursery "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("heap blocks mapped "), std::string::npos) << r.err;
  for (const char* bad : {"--heap-min=0", "--heap-min=12Q", "--heap-min=2G", "--heap-min=512B"}) {
    r = lzr({"run", bad, prog});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_NE(r.err.find("--heap-min"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

// --stats ends with the schedulers: their count, and with several how many
// threads were started for them and how work moved between them. Main
// spawns a process and prints its reply: never two processes to run at
// once, so the one-scheduler loop runs it all and no thread is started;
// with the shared loop from the start (LZR_SCHEDULERS_EAGER) there are
// steals and wake-ups to count, still with no thread.
TEST_F(IoCli, StatsShowTheSchedulers) {
  const std::string prog = file("reply.lzs",
                                "func main/0 frame=0\n  call x0, process.self/0\n  fn x0, child/0, [x0]\n"
                                "  call x0, process.spawn/1\nwait:\n  recv x0, none\n  accept\n  call x0, io.print/1\n"
                                "  ret x0\nnone:\n  wait :infinity, wait\n  ret x0\n\n"
                                "func child/0 upvals=1\n  mov x0, u0\n  loadc x1, :hi\n  tcall process.send/2\n");
  Result r = lzr({"run", "--stats", "--schedulers=1", prog});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, ":hi\n");
  EXPECT_NE(r.err.find("lzr: schedulers: 1\n"), std::string::npos) << r.err;
  r = lzr({"run", "--stats", "--schedulers=2", prog});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, ":hi\n");
  EXPECT_NE(r.err.find("lzr: schedulers: 2 (threads started: 0), never two processes to run at once\n"),
            std::string::npos)
      << r.err;
  r = lzr_test::run_lzr(dir_, {"run", "--stats", "--schedulers=2", prog}, {"", 0, false, {{"LZR_SCHEDULERS_EAGER", "1"}}});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, ":hi\n");
  EXPECT_NE(r.err.find("lzr: schedulers: 2 (threads started: 0), "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" steals, "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" wake-ups of a sleeping scheduler, ran alone "), std::string::npos) << r.err;
}

}  // namespace
