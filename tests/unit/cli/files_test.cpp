// The command line and the files it touches: paths that are not regular
// files are refused without blocking, an output never destroys an input or
// an existing file on failure, and an unwritable standard output fails the
// command. Drives the real binary.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_lzr.h"

namespace {

namespace fs = std::filesystem;

struct Result {
  int status = -1;
  std::string out, err;
};

class LzrFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lzr_test::fresh_test_dir("lzr_cli_files");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void file(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::string slurp(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Runs `lzr ARGS` in the temporary folder, stdout to `out` (a file there
  // unless given). `timeout` turns a hang into exit 124, not a stuck test.
  Result lzr(const std::string& args, const std::string& out = "out.txt") {
    std::string cmd = "cd '" + dir_.string() + "' && timeout 20 '" LZR_BINARY "' " + args + " > " + out + " 2> err.txt";
    int raw = std::system(cmd.c_str());
    Result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = out == "out.txt" ? slurp("out.txt") : "";
    r.err = slurp("err.txt");
    return r;
  }

  fs::path dir_;
};

const char* kProgram = "func main/0\n  load x0, \"hello\"\n  call x0, io.puts/1\n  ret x0\n";

TEST_F(LzrFiles, PathsThatAreNotRegularFilesAreRefused) {
  fs::create_directories(dir_ / "dir.lzs");
  fs::create_directories(dir_ / "dir.lzr");
  ASSERT_EQ(mkfifo((dir_ / "fifo.lzs").c_str(), 0600), 0);
  struct Case {
    std::string args, err;
  };
  const Case cases[] = {
      {"check dir.lzs", "dir.lzs: is a directory, not a regular file\n"},
      {"check dir.lzr", "dir.lzr: is a directory, not a regular file\n"},
      {"check fifo.lzs", "fifo.lzs: is a FIFO, not a regular file\n"},
      {"check /dev/zero", "/dev/zero: is a character device, not a regular file\n"},
      {"run dir.lzs", "dir.lzs: is a directory, not a regular file\n"},
      {"run fifo.lzs", "fifo.lzs: is a FIFO, not a regular file\n"},
      {"run /dev/zero", "/dev/zero: is a character device, not a regular file\n"},
      {"asm fifo.lzs -o x.lzr", "fifo.lzs: is a FIFO, not a regular file\n"},
      {"dis /dev/zero", "/dev/zero: is a character device, not a regular file\n"},
      {"dis dir.lzr", "dir.lzr: is a directory, not a regular file\n"},
  };
  for (const Case& c : cases) {
    Result r = lzr(c.args);
    EXPECT_EQ(r.status, 1) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
    EXPECT_EQ(r.out, "") << c.args;
  }
  EXPECT_FALSE(fs::exists(dir_ / "x.lzr"));
}

TEST_F(LzrFiles, ModuleOnTheSearchPathThatIsNotAFileIsRefused) {
  fs::create_directories(dir_ / "lib.lzs");
  file("p.lzs", "func main/0\n  call x0, lib.f/0\n  ret x0\n");
  Result r = lzr("run p.lzs");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "p.lzs: word 0: call to lib.f/0: ./lib.lzs: is a directory, not a regular file\n");
}

TEST_F(LzrFiles, OutputThatIsTheInputIsRefused) {
  file("p.lzs", kProgram);
  Result r = lzr("asm p.lzs -o p.lzs");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "p.lzs: is the input; choose another output (-o)\n");
  r = lzr("asm p.lzs -o ./p.lzs");
  EXPECT_EQ(r.err, "./p.lzs: is the input; choose another output (-o)\n");
  // The same file under another name: compared by device and inode.
  fs::create_hard_link(dir_ / "p.lzs", dir_ / "link.lzs");
  r = lzr("asm link.lzs -o p.lzs");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(slurp("p.lzs"), kProgram);

  ASSERT_EQ(lzr("asm p.lzs").status, 0);
  const std::string module = slurp("p.lzr");
  r = lzr("dis p.lzr -o p.lzr");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "p.lzr: is the input; choose another output (-o)\n");
  EXPECT_EQ(slurp("p.lzr"), module);
}

TEST_F(LzrFiles, FailedCommandLeavesTheOutputAsItWas) {
  file("bad.lzs", "func main/0\n  frob x0\n");
  file("bad.lzr", "precious");
  Result r = lzr("asm bad.lzs");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(slurp("bad.lzr"), "precious");
  // An output in a folder that does not exist: nothing is created.
  file("p.lzs", kProgram);
  r = lzr("asm p.lzs -o nope/p.lzr");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("nope/p.lzr: cannot write: ", 0), 0u) << r.err;
  // A directory is no output.
  fs::create_directories(dir_ / "out.lzr");
  r = lzr("asm p.lzs -o out.lzr");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "out.lzr: cannot write: it is a directory\n");
  // No temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
}

TEST_F(LzrFiles, OutputReplacesTheFileKeepingItsMode) {
  file("p.lzs", kProgram);
  file("p.lzr", "old");
  fs::permissions(dir_ / "p.lzr", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  Result r = lzr("asm p.lzs");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp("p.lzr").substr(0, 4), std::string("LZR\x01", 4));
  EXPECT_EQ(fs::status(dir_ / "p.lzr").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  // A device is written in place, not replaced: /dev/null stays a device.
  r = lzr("dis p.lzr -o /dev/null");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(LzrFiles, UnwritableStandardOutputFailsTheCommand) {
  file("p.lzs", kProgram);
  ASSERT_EQ(lzr("asm p.lzs").status, 0);
  for (const char* args : {"run p.lzs", "dis p.lzr", "check p.lzs", "--help"}) {
    Result r = lzr(args, "/dev/full");
    EXPECT_EQ(r.status, 1) << args;
    EXPECT_EQ(r.err, "lzr: cannot write standard output: No space left on device\n") << args;
  }
  // A failing program keeps its own one-line error and status.
  file("fails.lzs", "func main/0\n  load x0, \"out\"\n  call x0, io.puts/1\n  load x0, :oops\n  call x0, kernel.error/1\n  ret x0\n");
  Result r = lzr("run fails.lzs", "/dev/full");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "lzr: error: :oops\n  in fails.main/0 (fails.lzs:5)\n");
}

}  // namespace
