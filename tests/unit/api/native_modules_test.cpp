// Native modules (type 0): binding a shared library's symbols, and the load
// errors for a missing library or symbol. The library is tests/unit/api/
// natives/test_natives.c, loaded into this test executable (which exports
// the lzr_* functions it calls).
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>

#include <string>

#include "api_test_util.h"

namespace lzr_test {
namespace {

const std::string kLibrary = LZR_TEST_NATIVES;

struct NativeModules : VmFixture {
  TempDir dir;
  // The test library lives in the build tree: allowed explicitly, as a host
  // must (the tests of the trust rules use VMs without this).
  void SetUp() override {
    VmFixture::SetUp();
    lzr_vm_add_native_path(vm, fs::path(kLibrary).parent_path().c_str());
  }
  // Writes tn.lzr (or `file`) into the temp folder; returns its path.
  std::string module(const std::vector<std::string>& fns, const std::string& lib = kLibrary,
                     const std::string& file = "tn.lzr", const std::string& name = "tn") {
    std::string path = dir.file(file);
    write_native_module(path, name, lib, fns);
    return path;
  }
};

TEST_F(NativeModules, BindsAndCallsSymbols) {
  ASSERT_EQ(lzr_vm_load_file(vm, module({"count_args/0", "count_args/3", "one_arg/1"}).c_str()), LZR_OK)
      << lzr_vm_message(vm);
  EXPECT_EQ(text(call_ok("tn", "count_args")), "0");
  lzr_term x = lzr_int(env, 9);
  EXPECT_EQ(text(call_ok("tn", "count_args", {x, x, x})), "3");
  EXPECT_EQ(text(call_ok("tn", "one_arg", {x})), "{:one, 9}");
  lzr_term r = 0;
  EXPECT_EQ(lzr_vm_call(vm, "tn", "raise_term", &x, 1, &r), LZR_UNDEFINED) << "defined, but not listed";
  EXPECT_STREQ(lzr_vm_message(vm), "undefined function tn.raise_term/1");
}

TEST_F(NativeModules, RelativeLibraryPathResolvesAgainstTheModuleFolder) {
  fs::create_directories(dir.path / "lib");
  fs::create_symlink(kLibrary, dir.path / "lib" / "libtn.so");
  std::string path = module({"one_arg/1"}, "lib/libtn.so");
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_OK) << lzr_vm_message(vm);
  EXPECT_EQ(text(call_ok("tn", "one_arg", {lzr_atom(env, "x")})), "{:one, :x}");
}

TEST_F(NativeModules, FoundOnTheSearchPathByACallingScript) {
  module({"count_args/2"});
  lzr_vm_add_path(vm, dir.path.c_str());
  load_source("module user\nfunc go/0\n  loadi x0, 1\n  loadi x1, 2\n  tcall tn.count_args/2\n");
  EXPECT_EQ(text(call_ok("user", "go")), "2");
}

TEST_F(NativeModules, MissingLibraryNamesModuleAndLibrary) {
  std::string path = module({"one_arg/1"}, "nope/libmissing.so");
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  const std::string lib = (dir.path / "nope/libmissing.so").string();
  EXPECT_EQ(std::string(lzr_vm_message(vm)),
            path + ": cannot load native library " + lib + ": cannot open shared object file: No such file or directory");
}

TEST_F(NativeModules, MissingSymbolNamesLibraryAndSymbol) {
  std::string path = module({"one_arg/1", "no_such_native/2"});
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  EXPECT_EQ(std::string(lzr_vm_message(vm)),
            path + ": native library " + kLibrary + " has no symbol no_such_native (for no_such_native/2)");
  // The failed load left nothing behind: the same module loads once fixed.
  ASSERT_EQ(lzr_vm_load_file(vm, module({"one_arg/1"}).c_str()), LZR_OK) << lzr_vm_message(vm);
}

TEST_F(NativeModules, SymbolsOfOtherLibrariesDoNotCount) {
  // dlsym on the library's handle finds libc's strlen; the loader must not bind it.
  void* handle = dlopen(kLibrary.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr);
  EXPECT_NE(dlsym(handle, "strlen"), nullptr) << "the premise of this test";
  dlclose(handle);
  std::string path = module({"strlen/1"});
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  EXPECT_EQ(std::string(lzr_vm_message(vm)), path + ": native library " + kLibrary + " has no symbol strlen (for strlen/1)");
}

TEST_F(NativeModules, WrongArityInTheModuleMeetsTheNativeCheck) {
  // one_arg takes one argument; a module listing it as one_arg/2 gets badarity.
  ASSERT_EQ(lzr_vm_load_file(vm, module({"one_arg/2"}).c_str()), LZR_OK) << lzr_vm_message(vm);
  EXPECT_EQ(call_error("tn", "one_arg", {lzr_atom(env, "a"), lzr_atom(env, "b")}), "{:badarity, [:a, :b]}");
}

TEST_F(NativeModules, CallOfAnUnlistedArityIsALinkError) {
  module({"one_arg/1"});
  lzr_vm_add_path(vm, dir.path.c_str());
  const std::string src = "module user\nfunc go/0\n  loadi x0, 1\n  loadi x1, 2\n  call x0, tn.one_arg/2\n  ret x0\n";
  ASSERT_EQ(lzr_vm_load_source(vm, src.data(), src.size(), "user.lzs"), LZR_LOAD_ERROR);
  EXPECT_STREQ(lzr_vm_message(vm), "user.lzs: word 2: call to undefined function tn.one_arg/2");
}

TEST_F(NativeModules, LoadingTwiceIsAnError) {
  std::string path = module({"one_arg/1"});
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_OK);
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  EXPECT_EQ(std::string(lzr_vm_message(vm)), path + ": module tn is already loaded");
}

TEST_F(NativeModules, MalformedFunctionEntryIsRejectedBeforeDlopen) {
  std::string path = module({"one_arg"}, "does/not/matter.so");
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  std::string msg = lzr_vm_message(vm);
  EXPECT_EQ(msg.find(path + ": "), 0u) << msg;
  EXPECT_NE(msg.find("\"one_arg\" is not name/arity"), std::string::npos) << msg;
}

// ---- the trust rules (docs/security.md): which libraries a module may open ----

// The path of the C library this process runs with.
std::string libc_path() {
  Dl_info info;
  EXPECT_NE(dladdr(reinterpret_cast<void*>(&abort), &info), 0);
  return info.dli_fname;
}

TEST_F(NativeModules, AbsoluteLibraryOutsideTheAllowedFoldersIsRefused) {
  // A module naming the system's C library to bind abort/0.
  const std::string libc = libc_path();
  std::string path = module({"abort/0"}, libc);
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  EXPECT_EQ(std::string(lzr_vm_message(vm)),
            path + ": native library " + libc +
                " is outside the module's folder and the native path (allow its folder with --native-path or "
                "LZR_NATIVE_PATH)");
  // "/allowed/../elsewhere" is judged where it leads.
  fs::create_directories(dir.path / "mods");
  fs::create_directories(dir.path / "allowed");
  fs::create_directories(dir.path / "other");
  fs::create_symlink(kLibrary, dir.path / "other" / "libtn.so");
  lzr_vm_add_native_path(vm, (dir.path / "allowed").c_str());
  path = module({"one_arg/1"}, (dir.path / "allowed/../other/libtn.so").string(), "mods/tn.lzr");
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  EXPECT_EQ(std::string(lzr_vm_message(vm)),
            path + ": native library " + (dir.path / "other/libtn.so").string() +
                " is outside the module's folder and the native path (allow its folder with --native-path or "
                "LZR_NATIVE_PATH)");
  // Allowing the folder (or a folder above it) lets it load.
  lzr_vm_add_native_path(vm, dir.file("other/").c_str());
  EXPECT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_OK) << lzr_vm_message(vm);
}

TEST_F(NativeModules, AbsolutePathInsideTheModuleFolderNeedsNoPermission) {
  fs::create_directories(dir.path / "lib");
  fs::create_symlink(kLibrary, dir.path / "lib" / "libtn.so");
  lzr_vm* fresh = lzr_vm_new();  // no native path at all
  std::string path = module({"one_arg/1"}, dir.file("lib/libtn.so"));
  EXPECT_EQ(lzr_vm_load_file(fresh, path.c_str()), LZR_OK) << lzr_vm_message(fresh);
  lzr_vm_free(fresh);
}

TEST_F(NativeModules, RelativePathCannotLeaveTheModuleFolder) {
  fs::create_directories(dir.path / "mods");
  fs::create_symlink(kLibrary, dir.path / "libtn.so");
  for (const char* lib : {"../libtn.so", "x/../../libtn.so", "./.."}) {
    std::string path = module({"one_arg/1"}, lib, "mods/tn.lzr");
    ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR) << lib;
    EXPECT_EQ(std::string(lzr_vm_message(vm)),
              path + ": native library path " + lib + " leaves the module's folder (a relative library path cannot contain '..')");
  }
}

TEST_F(NativeModules, LibraryThatIsNotARegularFileIsRefusedWithoutOpeningIt) {
  // A FIFO would block dlopen() forever; a directory or a device is no library.
  ASSERT_EQ(mkfifo(dir.file("libfifo.so").c_str(), 0600), 0);
  fs::create_directories(dir.path / "libdir.so");
  struct Case {
    std::string lib, shown, what;
  };
  for (const Case& c : {Case{"libfifo.so", dir.file("libfifo.so"), "a FIFO"},
                        Case{"libdir.so", dir.file("libdir.so"), "a directory"},
                        Case{"/dev/zero", "/dev/zero", "a character device"}}) {
    if (c.lib == "/dev/zero") lzr_vm_add_native_path(vm, "/dev");
    std::string path = module({"one_arg/1"}, c.lib);
    ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR) << c.lib;
    EXPECT_EQ(std::string(lzr_vm_message(vm)), path + ": native library " + c.shown + " is " + c.what + ", not a regular file");
  }
}

TEST_F(NativeModules, LibraryPathWithANewlineStaysOnOneLine) {
  // A path that would print a second, forged "lzr: error:" line.
  fs::create_directories(dir.path / "x\nlzr: error: forged");
  std::string path = module({"one_arg/1"}, "x\nlzr: error: forged/libnone.so");
  ASSERT_EQ(lzr_vm_load_file(vm, path.c_str()), LZR_LOAD_ERROR);
  const std::string msg = lzr_vm_message(vm);
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  EXPECT_EQ(msg, path + ": cannot load native library " + dir.file("") + "x\\nlzr: error: forged/libnone.so: cannot open shared object file: No such file or directory");
}

// build_big(n) allocates n list cells, a map of n/5 + 1000 entries and more,
// holding its first binary throughout; the engine collects only after it
// returns. Checks every part of the result after that collection.
void check_big(lzr_env* env, lzr_term r, int64_t n) {
  const lzr_term* parts;
  size_t arity;
  ASSERT_TRUE(lzr_get_tuple(env, r, &parts, &arity));
  ASSERT_EQ(arity, 4u);
  const unsigned char* bytes;
  size_t len;
  ASSERT_TRUE(lzr_get_binary(env, parts[0], &bytes, &len));
  ASSERT_EQ(std::string(reinterpret_cast<const char*>(bytes), len), "early bird");

  lzr_term list = parts[1], head;
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_TRUE(lzr_get_list_cell(env, list, &head, &list)) << i;
    int64_t v;
    ASSERT_TRUE(lzr_get_int64(env, head, &v));
    ASSERT_EQ(v, i);
  }
  ASSERT_TRUE(lzr_get_list_cell(env, list, &head, &list));
  EXPECT_EQ(head, parts[0]) << "the last element is the same early binary";
  EXPECT_TRUE(lzr_is_nil(env, list));

  size_t size;
  ASSERT_TRUE(lzr_get_map_size(env, parts[2], &size));
  EXPECT_EQ(size, static_cast<size_t>(n / 5 + 1000));
  for (int64_t i = 0; i < n / 5; i += 997) {
    lzr_term v;
    ASSERT_TRUE(lzr_map_get(env, parts[2], lzr_int(env, 2 * i), &v)) << i;
    EXPECT_EQ(v, lzr_int(env, i));
  }
  lzr_term v;
  ASSERT_TRUE(lzr_map_get(env, parts[2], lzr_atom(env, "k999"), &v));
  EXPECT_EQ(v, parts[0]);

  const lzr_term* pair;
  ASSERT_TRUE(lzr_get_tuple(env, parts[3], &pair, &arity));
  EXPECT_EQ(pair[0], parts[0]);
  EXPECT_EQ(pair[1], parts[1]);
}

TEST_F(NativeModules, BigAllocationsInOneNativeSurviveGc) {
  module({"build_big/1"});
  lzr_vm_add_path(vm, dir.path.c_str());
  // The script allocates after the native too, so collections run with the
  // native's result live in a register.
  load_source("module big\nfunc go/1\n  call x0, tn.build_big/1\n  tuple x1, {x0}\n  loadi x2, 0\n  get x0, x1, x2\n  ret x0\n");
  for (const std::string& engine : engines()) {
    for (int stress = 0; stress <= 1; ++stress) {
      SCOPED_TRACE(engine + (stress ? " gc-stress" : ""));
      ASSERT_EQ(lzr_vm_set_engine(vm, engine.c_str()), LZR_OK);
      lzr_vm_set_gc_stress(vm, stress);
      check_big(env, call_ok("big", "go", {lzr_int(env, 1000000)}), 1000000);
    }
  }
}

}  // namespace
}  // namespace lzr_test
