// Helpers for the assembler tests: assemble or fail the test, byte images,
// and the dis -> asm round trip.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "asm/assembler.h"
#include "format/module_file.h"
#include "format/verifier.h"

namespace lzr::test {

// Assembles `source` (named t.lzs); records a test failure and returns an
// empty module on error.
inline ModuleFile asm_ok(const std::string& source, const std::string& file = "t.lzs") {
  std::string error;
  auto m = assemble(source, file, error);
  EXPECT_TRUE(m.has_value()) << error << "\n--- source\n" << source;
  return m ? *m : ModuleFile{};
}

// The one-line error for a source that must not assemble ("" if it did).
inline std::string asm_error(const std::string& source, const std::string& file = "t.lzs") {
  std::string error;
  auto m = assemble(source, file, error);
  return m ? std::string() : error;
}

inline std::string image(const ModuleFile& m) {
  std::vector<uint8_t> v = write_module(m);
  return std::string(v.begin(), v.end());
}

// dis(m) reassembled must give m's exact bytes; returns the text.
inline std::string expect_round_trip(const ModuleFile& m, const std::string& what = "module") {
  std::string text, error;
  EXPECT_TRUE(disassemble(m, "m.lzr", text, error)) << what << ": " << error;
  if (text.empty()) return text;
  std::string asm_err;
  auto again = assemble(text, "m.lzs", asm_err);
  EXPECT_TRUE(again.has_value()) << what << ": dis output does not assemble: " << asm_err << "\n" << text;
  if (again) EXPECT_EQ(image(*again), image(m)) << what << ": bytes differ after dis + asm\n" << text;
  return text;
}

// Wraps instruction lines in `module t` / `func f/0` and returns their
// code. A prologue of 32 `loadi` (left out of the result) defines every X
// register first, so a line may read any of them (the verifier rejects
// reads of undefined registers); `loadi` uses no literal, so the pool is
// the lines' own.
inline std::vector<uint32_t> code_of(const std::string& body, const std::string& header = "func f/0") {
  std::string prologue;
  for (int i = 0; i < 32; ++i) prologue += "  loadi x" + std::to_string(i) + ", 0\n";
  std::vector<uint32_t> code = asm_ok("module t\n" + header + "\n" + prologue + body).code;
  if (code.size() < 32) return {};
  return std::vector<uint32_t>(code.begin() + 32, code.end());
}

}  // namespace lzr::test
