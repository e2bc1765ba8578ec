// Helpers for the C API tests: a VM per test, host-defined natives, temporary
// folders, native module files and running programs.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lazer.h"

namespace lzr_test {

namespace fs = std::filesystem;

// A fresh VM; freed at the end of the test.
struct VmFixture : ::testing::Test {
  lzr_vm* vm = nullptr;
  lzr_env* env = nullptr;
  void SetUp() override {
    vm = lzr_vm_new();
    ASSERT_NE(vm, nullptr);
    env = lzr_vm_env(vm);
  }
  void TearDown() override { lzr_vm_free(vm); }

  std::string text(lzr_term t) {
    char buf[4096];
    lzr_to_text(env, t, buf, sizeof buf);
    return buf;
  }
  // Loads .lzs source (module name from the text); fails the test on error.
  void load_source(const std::string& source, const char* label = "test.lzs") {
    ASSERT_EQ(lzr_vm_load_source(vm, source.data(), source.size(), label), LZR_OK) << lzr_vm_message(vm);
  }
  // Calls mod.fun and expects success; returns the result.
  lzr_term call_ok(const char* mod, const char* fun, std::vector<lzr_term> args = {}) {
    lzr_term r = 0;
    lzr_status s = lzr_vm_call(vm, mod, fun, args.data(), static_cast<unsigned>(args.size()), &r);
    EXPECT_EQ(s, LZR_OK) << lzr_vm_message(vm);
    return r;
  }
  // Calls mod.fun and expects it to raise; returns the error term's text.
  std::string call_error(const char* mod, const char* fun, std::vector<lzr_term> args = {}) {
    lzr_term r = 0;
    lzr_status s = lzr_vm_call(vm, mod, fun, args.data(), static_cast<unsigned>(args.size()), &r);
    EXPECT_EQ(s, LZR_ERROR) << lzr_vm_message(vm);
    if (s != LZR_ERROR) return "(no error)";
    EXPECT_EQ(text(r), lzr_vm_message(vm));
    return text(r);
  }
};

// A fresh temporary folder, removed when the object dies.
struct TempDir {
  fs::path path;
  TempDir();
  ~TempDir();
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

// Writes a native module file (type 0) with these fields as they are.
void write_native_module(const std::string& path, const std::string& name, const std::string& libpath,
                         const std::vector<std::string>& functions);

struct RunResult {
  int status = -1;  // exit status
  std::string out, err;
};
// Runs argv (no shell) with extra environment settings "NAME=value".
RunResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// Engines this build has: "portable", and "asm" where built.
std::vector<std::string> engines();

}  // namespace lzr_test
