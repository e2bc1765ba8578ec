// lzr run --schedulers=N and LZR_SCHEDULERS: a bad count is a one-line
// error with status 2; a good one runs the program (the flag wins over the
// variable); --help names the option.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_lzr.h"

namespace {

namespace fs = std::filesystem;

class SchedulersCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lzr_test::fresh_test_dir("lzr_cli_sched");
    prog_ = (dir_ / "p.lzs").string();
    // Two processes: main gets a message from a spawned one.
    std::ofstream(prog_) << "func main/0 frame=1\n  call x0, process.self/0\n  mov y0, x0\n  fn x0, child/0, [y0]\n"
                            "  call x0, process.spawn/1\nloop:\n  recv x0, none\n  accept\n  call x0, io.print/1\n"
                            "  ret x0\nnone:\n  loadc x1, :infinity\n  wait x1, loop\n  ret x1\n"
                            "func child/0 upvals=1\n  mov x0, u0\n  loadc x1, :hello\n  call x0, process.send/2\n"
                            "  ret x0\n";
  }
  void TearDown() override {
    ::unsetenv("LZR_SCHEDULERS");
    fs::remove_all(dir_);
  }
  lzr_test::LzrRun lzr(const std::vector<std::string>& args) { return lzr_test::run_lzr(dir_, args); }

  fs::path dir_;
  std::string prog_;
};

TEST_F(SchedulersCli, ABadCountIsAOneLineErrorWithStatus2) {
  for (const char* bad : {"0", "-1", "two", "1025", "99999999999", "2x", " 2", "+2"}) {
    const auto r = lzr({"run", std::string("--schedulers=") + bad, prog_});
    EXPECT_EQ(r.status, 2) << bad << ": " << r.err;
    EXPECT_EQ(r.out, "") << bad;
    EXPECT_EQ(r.err, std::string("lzr run: --schedulers '") + bad + "' is not a whole number from 1 to 1024\n")
        << bad;
  }
}

TEST_F(SchedulersCli, ABadEnvironmentCountIsAOneLineErrorWithStatus2) {
  for (const char* bad : {"0", "-3", "many", "4096"}) {
    ::setenv("LZR_SCHEDULERS", bad, 1);
    const auto r = lzr({"run", prog_});
    EXPECT_EQ(r.status, 2) << bad << ": " << r.err;
    EXPECT_EQ(r.err, std::string("lzr run: LZR_SCHEDULERS='") + bad + "' is not a whole number from 1 to 1024\n")
        << bad;
  }
  // The flag wins over the variable (a bad variable is then not read).
  ::setenv("LZR_SCHEDULERS", "0", 1);
  const auto r = lzr({"run", "--schedulers=2", prog_});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, ":hello\n");
}

TEST_F(SchedulersCli, GoodCountsRunTheProgram) {
  for (const char* n : {"1", "2", "4"}) {
    const auto r = lzr({"run", std::string("--schedulers=") + n, prog_});
    EXPECT_EQ(r.status, 0) << n << ": " << r.err;
    EXPECT_EQ(r.out, ":hello\n") << n;
  }
  const auto most = lzr({"run", "--schedulers=1024", prog_});
  EXPECT_EQ(most.status, 0) << most.err;
  EXPECT_EQ(most.out, ":hello\n");
}

TEST_F(SchedulersCli, TheVariableSetsTheCount) {
  for (const char* n : {"1", "2", "4"}) {
    ::setenv("LZR_SCHEDULERS", n, 1);
    const auto r = lzr({"run", prog_});
    EXPECT_EQ(r.status, 0) << n << ": " << r.err;
    EXPECT_EQ(r.out, ":hello\n") << n;
  }
}

// With neither the flag nor the variable, one scheduler per online core:
// a run that never has two processes to run at once (prog_) stays in the
// one-scheduler loop; one that spawns two busy ones shares them out, on
// that many schedulers.
TEST_F(SchedulersCli, TheDefaultIsOnePerOnlineCore) {
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  const std::string cores = std::to_string(online < 1 ? 1 : online > 1024 ? 1024 : online);
  auto r = lzr({"run", "--stats", prog_});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, ":hello\n");
  EXPECT_NE(r.err.find(cores == "1" ? std::string("lzr: schedulers: 1\n")
                                    : "lzr: schedulers: " + cores + " (threads started: 0), never two processes"),
            std::string::npos)
      << r.err;
  const std::string two = (dir_ / "two.lzs").string();
  std::ofstream(two) << "func main/0\n  fn x0, busy/0\n  call x0, process.spawn/1\n  fn x0, busy/0\n"
                        "  call x0, process.spawn/1\n  loadi x0, 1\n  call x0, process.sleep/1\n  ret x0\n"
                        "func busy/0\n  load x0, 100000\nloop:\n  eq x0, 0, done\n  sub x0, x0, 1\n  jmp loop\n"
                        "done:\n  ret x0\n";
  r = lzr({"run", "--stats", two});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(cores == "1" ? std::string("lzr: schedulers: 1\n") : "lzr: schedulers: " + cores + " (threads started: "),
            std::string::npos)
      << r.err;
}

TEST_F(SchedulersCli, HelpNamesTheOption) {
  const auto r = lzr({"run", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--schedulers"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("LZR_SCHEDULERS"), std::string::npos) << r.out;
}

}  // namespace
