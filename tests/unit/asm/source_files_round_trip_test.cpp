// asm -> write -> read -> dis -> asm is byte-identical for every .lzs file in
// tests/programs/ and examples/, found when the test runs (so files added
// later are covered without touching this test).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "asm_test_util.h"

namespace lzr {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> sources() {
  std::vector<fs::path> out;
  for (const char* dir : {"tests/programs", "examples"}) {
    fs::path root = fs::path(LZR_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".lzs") out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SourceFilesRoundTrip, EveryProgramAndExample) {
  std::vector<fs::path> files = sources();
  ASSERT_FALSE(files.empty()) << "no .lzs files under " << LZR_SOURCE_DIR;
  size_t checked = 0;
  for (const fs::path& path : files) {
    std::string name = fs::relative(path, LZR_SOURCE_DIR).string();
    std::string error;
    auto module = assemble(slurp(path), name, error);
    if (!module) {
      // Programs that exist to show an assembly error say so in .expected_err.
      fs::path err_file = path;
      err_file.replace_extension(".expected_err");
      EXPECT_TRUE(fs::exists(err_file)) << name << " does not assemble: " << error;
      continue;
    }
    std::string bytes = test::image(*module);
    LoadError lerr;
    auto read = read_module(bytes, name, lerr);
    ASSERT_TRUE(read) << lerr.message;
    std::string text = test::expect_round_trip(*read, name);
    // And the printed form is stable: dis(asm(dis(m))) == dis(m).
    if (auto m2 = assemble(text, name, error)) {
      std::string text2;
      ASSERT_TRUE(disassemble(*m2, name, text2, error)) << error;
      EXPECT_EQ(text2, text) << name;
    }
    ++checked;
  }
  std::printf("round-tripped %zu of %zu .lzs files\n", checked, files.size());
}

}  // namespace
}  // namespace lzr
