// Natives through the `lzr` binary: `lzr native`, `lzr run` of programs
// calling native modules (errors, GC stress), and the two examples.
#include <sys/stat.h>

#include <string>

#include "api_test_util.h"

namespace lzr_test {
namespace {

const std::string kLzr = LZR_BINARY;
const std::string kLibrary = LZR_TEST_NATIVES;
const std::string kExampleNatives = LZR_EXAMPLE_NATIVE_DIR;
const std::string kSource = LZR_SOURCE_DIR;

// The test library's folder (the build tree), allowed as native path.
const std::string kAllowLibrary = "LZR_NATIVE_PATH=" + fs::path(kLibrary).parent_path().string();

struct Cli : ::testing::Test {
  TempDir dir;
  // Runs lzr with the test library's folder allowed (kAllowLibrary) unless
  // `env` says otherwise.
  RunResult lzr(std::vector<std::string> args, std::vector<std::string> env = {kAllowLibrary}) {
    args.insert(args.begin(), kLzr);
    return run_program(args, env);
  }
  // tn.lzr in the temp folder, written by `lzr native`.
  void native_module(const std::vector<std::string>& fns) {
    std::vector<std::string> args = {"native", "tn", kLibrary};
    args.insert(args.end(), fns.begin(), fns.end());
    args.insert(args.end(), {"-o", dir.file("tn.lzr")});
    RunResult r = lzr(args);
    ASSERT_EQ(r.status, 0) << r.err;
  }
};

TEST_F(Cli, NativeCommandWritesALoadableModule) {
  RunResult r = lzr({"native", "tn", kLibrary, "one_arg/1", "count_args/2", "-o", dir.file("tn.lzr"), "--check"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out + r.err, "");
  write_text(dir.file("p.lzs"), "func main/0\n  loadi x0, 5\n  call x0, tn.one_arg/1\n  call x0, io.print/1\n  ret x0\n");
  r = lzr({"run", dir.file("p.lzs")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "{:one, 5}\n");
}

TEST_F(Cli, NativeCommandRejectsBadInput) {
  RunResult r = lzr({"native", "tn", kLibrary, "one_arg", "-o", dir.file("tn.lzr")});
  EXPECT_EQ(r.status, 1);
  // The verifier's one-line message, naming the file and the entry.
  EXPECT_EQ(r.err.rfind(dir.file("tn.lzr") + ": function 0", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("one_arg"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("tn.lzr")));

  r = lzr({"native", "tn", kLibrary, "one_arg/1", "nope/1", "-o", dir.file("tn.lzr"), "--check"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("tn.lzr") + ": native library " + kLibrary + " has no symbol nope (for nope/1)\n");
  EXPECT_FALSE(fs::exists(dir.file("tn.lzr"))) << "--check removes a module that cannot load";

  r = lzr({"native", "tn"});
  EXPECT_EQ(r.status, 2) << "usage error";
  EXPECT_NE(r.err.find("library"), std::string::npos) << r.err;
}

TEST_F(Cli, NativeErrorEndsTheRunWithTermAndStack) {
  native_module({"raise_term/1"});
  write_text(dir.file("p.lzs"),
             "func main/0\n  load x0, \"before\"\n  call x0, io.print/1\n  call x0, go/0\n  ret x0\n"
             "func go/0\n  load x0, {:oops, 42}\n  call x0, tn.raise_term/1\n  ret x0\n");
  for (const std::string& engine : engines()) {
    RunResult r = lzr({"run", "--engine=" + engine, dir.file("p.lzs")});
    EXPECT_EQ(r.status, 1) << engine;
    EXPECT_EQ(r.out, "\"before\"\n") << engine;
    EXPECT_EQ(r.err, "lzr: error: {:oops, 42}\n  in p.go/0 (p.lzs:8)\n  in p.main/0 (p.lzs:4)\n") << engine;
  }
}

TEST_F(Cli, MissingLibraryAndSymbolFailTheRun) {
  write_native_module(dir.file("tn.lzr"), "tn", "libgone.so", {"f/0"});
  write_text(dir.file("p.lzs"), "func main/0\n  call x0, tn.f/0\n  ret x0\n");
  RunResult r = lzr({"run", dir.file("p.lzs")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("p.lzs") + ": word 0: call to tn.f/0: " + dir.file("tn.lzr") +
                       ": cannot load native library " + dir.file("libgone.so") +
                       ": cannot open shared object file: No such file or directory\n");

  write_native_module(dir.file("tn.lzr"), "tn", kLibrary, {"f/0"});
  r = lzr({"run", dir.file("p.lzs")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("p.lzs") + ": word 0: call to tn.f/0: " + dir.file("tn.lzr") + ": native library " +
                       kLibrary + " has no symbol f (for f/0)\n");
}

TEST_F(Cli, BigNativeAllocationUnderGcStress) {
  native_module({"build_big/1"});
  write_text(dir.file("p.lzs"),
             "func main/0\n"
             "  load x0, 1000000\n  call x0, tn.build_big/1\n  mov y0, x0\n"
             "  loadi x1, 0\n  get x0, y0, x1\n  call x0, io.print/1\n"    // early
             "  loadi x1, 1\n  get x0, y0, x1\n  size x0, x0\n  call x0, io.print/1\n"  // list length
             "  loadi x1, 2\n  get x0, y0, x1\n  size x0, x0\n  call x0, io.print/1\n"  // map size
             "  loadi x1, 2\n  get x0, y0, x1\n  load x1, :k7\n  get x0, x0, x1\n  call x0, io.print/1\n"
             "  loadi x1, 1\n  get x0, y0, x1\n  load x1, 999999\n  get x0, x0, x1\n  call x0, io.print/1\n"
             "  ret x0\n");
  for (const std::string& engine : engines()) {
    for (const char* stress : {"0", "1"}) {
      RunResult r = lzr({"run", "--engine=" + engine, dir.file("p.lzs")}, {kAllowLibrary, std::string("LZR_GC_STRESS=") + stress});
      EXPECT_EQ(r.status, 0) << engine << " stress " << stress << ": " << r.err;
      EXPECT_EQ(r.out, "\"early bird\"\n1000001\n201000\n\"early bird\"\n999999\n") << engine << " stress " << stress;
    }
  }
}

// ---- trust rules and data safety of native modules (docs/security.md) ----

TEST_F(Cli, NativeLibraryOutsideTheAllowedFoldersFailsTheRunAndTheCheck) {
  write_native_module(dir.file("tn.lzr"), "tn", kLibrary, {"one_arg/1"});
  write_text(dir.file("p.lzs"), "func main/0\n  loadi x0, 5\n  call x0, tn.one_arg/1\n  ret x0\n");
  const std::string refused = ": native library " + kLibrary +
                              " is outside the module's folder and the native path (allow its folder with "
                              "--native-path or LZR_NATIVE_PATH)\n";
  RunResult r = lzr({"run", dir.file("p.lzs")}, {});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("p.lzs") + ": word 1: call to tn.one_arg/1: " + dir.file("tn.lzr") + refused);
  r = lzr({"check", dir.file("tn.lzr")}, {});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, dir.file("tn.lzr") + refused);

  // Consent by option or by environment.
  const std::string folder = fs::path(kLibrary).parent_path().string();
  r = lzr({"run", "--native-path", folder, dir.file("p.lzs")}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  r = lzr({"run", dir.file("p.lzs")}, {"LZR_NATIVE_PATH=/nowhere::" + folder});
  EXPECT_EQ(r.status, 0) << r.err;
  // lzr check says what would be loaded, and loads nothing.
  r = lzr({"check", "--native-path", folder, dir.file("tn.lzr"), dir.file("p.lzs")}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, dir.file("tn.lzr") + ": ok: native module tn loads " + kLibrary + " (one_arg/1)\n" + dir.file("p.lzs") +
                       ": ok\n");
}

TEST_F(Cli, CheckReportsARelativeLibraryAndRefusesOneThatLeavesTheFolder) {
  write_native_module(dir.file("tn.lzr"), "tn", "libtn.so", {"one_arg/1", "count_args/2"});
  RunResult r = lzr({"check", dir.file("tn.lzr")}, {});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("tn.lzr") + ": native library " + dir.file("libtn.so") + " does not exist\n");
  fs::create_symlink(kLibrary, dir.file("libtn.so"));
  r = lzr({"check", dir.file("tn.lzr")}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, dir.file("tn.lzr") + ": ok: native module tn loads " + dir.file("libtn.so") +
                       " (one_arg/1, count_args/2)\n");
  write_native_module(dir.file("tn.lzr"), "tn", "../../lib/libc.so.6", {"abort/0"});
  r = lzr({"check", dir.file("tn.lzr")}, {});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("tn.lzr") +
                       ": native library path ../../lib/libc.so.6 leaves the module's folder (a relative library "
                       "path cannot contain '..')\n");
}

TEST_F(Cli, FifoLibraryDoesNotBlockTheRun) {
  ASSERT_EQ(mkfifo(dir.file("libfifo.so").c_str(), 0600), 0);
  write_native_module(dir.file("tn.lzr"), "tn", "libfifo.so", {"f/0"});
  write_text(dir.file("p.lzs"), "func main/0\n  call x0, tn.f/0\n  ret x0\n");
  // `timeout` turns a hang into exit 124 instead of a stuck test.
  RunResult r = run_program({"/usr/bin/timeout", "20", kLzr, "run", dir.file("p.lzs")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("p.lzs") + ": word 0: call to tn.f/0: " + dir.file("tn.lzr") + ": native library " +
                       dir.file("libfifo.so") + " is a FIFO, not a regular file\n");
}

TEST_F(Cli, NativeCommandNeverOverwritesItsLibrary) {
  fs::copy_file(kLibrary, dir.file("libn.so"));
  const std::string before = read_text(dir.file("libn.so"));
  // Relative, as stored (it resolves against the output's folder)...
  RunResult r = lzr({"native", "n", "libn.so", "one_arg/1", "-o", dir.file("libn.so")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("libn.so") + ": is the native library the module names; choose another output (-o)\n");
  // ... absolute, and through another name for the same file.
  fs::create_hard_link(dir.file("libn.so"), dir.file("alias.so"));
  r = lzr({"native", "n", dir.file("libn.so"), "one_arg/1", "-o", dir.file("alias.so"), "--check"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(read_text(dir.file("libn.so")), before);
}

TEST_F(Cli, FailedNativeCheckKeepsTheExistingFile) {
  write_text(dir.file("notes.lzr"), "precious");
  RunResult r = lzr({"native", "tn", kLibrary, "nope/1", "-o", dir.file("notes.lzr"), "--check"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dir.file("notes.lzr") + ": native library " + kLibrary + " has no symbol nope (for nope/1)\n");
  EXPECT_EQ(read_text(dir.file("notes.lzr")), "precious");
  // A check that passes replaces it.
  r = lzr({"native", "tn", kLibrary, "one_arg/1", "-o", dir.file("notes.lzr"), "--check"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_text(dir.file("notes.lzr")).substr(0, 4), std::string("LZR\x00", 4));
}

// examples/native: demo.lzs against the modules the build wrote with `lzr native`.
TEST_F(Cli, NativeExampleRuns) {
  const std::string demo = kSource + "/examples/native/demo";
  for (const std::string& engine : engines()) {
    for (const char* stress : {"0", "1"}) {
      RunResult r = lzr({"run", "--engine=" + engine, demo + ".lzs"},
                        {"LZR_PATH=" + kExampleNatives, std::string("LZR_GC_STRESS=") + stress});
      EXPECT_EQ(r.status, 1) << "the demo ends with an error on purpose";
      EXPECT_EQ(r.out, read_text(demo + ".expected")) << engine << " stress " << stress;
      EXPECT_EQ(r.err, read_text(demo + ".expected_err")) << engine << " stress " << stress;
    }
  }
}

// examples/embed: the host program.
TEST_F(Cli, EmbedExampleRuns) {
  RunResult r = run_program({LZR_EXAMPLE_EMBED});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "area of {:square, 7}\n  = 49\n"
            "area of {:circle, 0.5}\n  = 0.7853981633974483\n"
            "area of {:triangle, 3}\n  error: {:unknown_shape, {:triangle, 3}}\n  stack:\nshapes.area/1 (shapes.lzs:17)\n"
            "1 call(s) failed\n");
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace lzr_test
