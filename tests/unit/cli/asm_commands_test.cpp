// lzr asm / dis / check and the CLI frame: exit codes (0 ok, 1 bad input,
// 2 usage), messages, --help and --version. Drives the real binary.
#include <gtest/gtest.h>

#include <sys/wait.h>

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

class LzrCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lzr_test::fresh_test_dir("lzr_cli_asm");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path file(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // Runs `lzr ARGS` in the temporary folder.
  Result lzr(const std::string& args) {
    std::string cmd = "cd '" + dir_.string() + "' && '" LZR_BINARY "' " + args + " > out.txt 2> err.txt";
    int raw = std::system(cmd.c_str());
    Result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(dir_ / "out.txt");
    r.err = slurp(dir_ / "err.txt");
    return r;
  }

  fs::path dir_;
};

const char* kGood = "func main/0\n  loadc x0, {1, \"two\"}\n  ret x0\n";

TEST_F(LzrCommand, Version) {
  Result r = lzr("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "lzr 0.1.0\n");
}

TEST_F(LzrCommand, HelpEverywhere) {
  Result top = lzr("--help");
  EXPECT_EQ(top.status, 0);
  for (const char* sub : {"asm", "dis", "check", "run"}) {
    EXPECT_NE(top.out.find(sub), std::string::npos) << sub << " missing from lzr --help";
    Result r = lzr(std::string(sub) + " --help");
    EXPECT_EQ(r.status, 0) << sub;
    EXPECT_NE(r.out.find("lzr " + std::string(sub)), std::string::npos) << r.out;
  }
}

TEST_F(LzrCommand, UsageErrorsExitTwo) {
  for (const char* args : {"", "frob", "asm", "dis", "check", "asm a.lzs b.lzs", "asm --bogus a.lzs"}) {
    Result r = lzr(args);
    EXPECT_EQ(r.status, 2) << "lzr " << args;
    EXPECT_EQ(r.err.rfind("lzr: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
  }
}

TEST_F(LzrCommand, AsmWritesModuleNextToSource) {
  file("prog.lzs", kGood);
  Result r = lzr("asm prog.lzs");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::string bytes = slurp(dir_ / "prog.lzr");
  ASSERT_GE(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("LZR\x01", 4));
  EXPECT_EQ(lzr("asm prog.lzs -o other.lzr").status, 0);
  EXPECT_EQ(slurp(dir_ / "other.lzr"), bytes);
}

TEST_F(LzrCommand, AsmErrorIsOneLine) {
  file("bad.lzs", "func main/0\n  frob x0\n  ret x0\n");
  Result r = lzr("asm bad.lzs");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "bad.lzs:2:3: unknown instruction 'frob'\n");
  EXPECT_FALSE(fs::exists(dir_ / "bad.lzr"));
  Result missing = lzr("asm missing.lzs");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "missing.lzs: cannot read: No such file or directory\n");
}

TEST_F(LzrCommand, DisPrintsTextThatReassembles) {
  file("prog.lzs", kGood);
  ASSERT_EQ(lzr("asm prog.lzs").status, 0);
  Result r = lzr("dis prog.lzr");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "module prog\n.file \"prog.lzs\"\n\nfunc main/0 frame=0 upvals=0\n  .line 2\n  loadc x0, {1, \"two\"}\n"
                   "  .line 3\n  ret x0\n");
  EXPECT_EQ(lzr("dis prog.lzr -o back.lzs").status, 0);
  EXPECT_EQ(slurp(dir_ / "back.lzs"), r.out);
  EXPECT_EQ(lzr("asm back.lzs -o back.lzr").status, 0);
  EXPECT_EQ(slurp(dir_ / "back.lzr"), slurp(dir_ / "prog.lzr"));
  // A .lzs is assembled first.
  EXPECT_EQ(lzr("dis prog.lzs").out, r.out);
  // --strip leaves the line table out; dis says so, and that reassembles too.
  ASSERT_EQ(lzr("asm --strip prog.lzs -o stripped.lzr").status, 0);
  EXPECT_LT(slurp(dir_ / "stripped.lzr").size(), slurp(dir_ / "prog.lzr").size());
  Result stripped = lzr("dis stripped.lzr -o stripped.lzs");
  EXPECT_EQ(stripped.status, 0) << stripped.err;
  EXPECT_EQ(slurp(dir_ / "stripped.lzs"),
            "module prog\n.nolines\n\nfunc main/0 frame=0 upvals=0\n  loadc x0, {1, \"two\"}\n  ret x0\n");
  EXPECT_EQ(lzr("asm stripped.lzs -o again.lzr").status, 0);
  EXPECT_EQ(slurp(dir_ / "again.lzr"), slurp(dir_ / "stripped.lzr"));
}

TEST_F(LzrCommand, DisRejectsBadModules) {
  file("junk.lzr", "LZR\x07");
  Result r = lzr("dis junk.lzr");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("junk.lzr: byte ", 0), 0u) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(LzrCommand, CheckReportsEveryFile) {
  file("a.lzs", kGood);
  file("b.lzs", "func main/0\n  loadi x0, 70000\n  ret x0\n");
  ASSERT_EQ(lzr("asm a.lzs").status, 0);
  Result ok = lzr("check a.lzs a.lzr");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, "a.lzs: ok\na.lzr: ok\n");
  Result bad = lzr("check b.lzs a.lzs");
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.out, "a.lzs: ok\n");
  EXPECT_EQ(bad.err, "b.lzs:2:13: loadi value 70000 does not fit int16 (use load or loadu)\n");
}

}  // namespace
