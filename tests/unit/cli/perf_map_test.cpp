// LZR_PERF_MAP=1 (docs/asm-engine.md): the asm engine writes perf's map of
// generated code, /tmp/perf-PID.map, one "address size name" line per
// routine (and per routine's out-of-line part), the ranges apart; without
// the variable, or on the portable engine, no map is written.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "run_lzr.h"

namespace {

namespace fs = std::filesystem;

class PerfMapCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lzr_test::fresh_test_dir("lzr_cli_perf_map");
    prog_ = (dir_ / "p.lzs").string();
    // A select, a call and arithmetic: routines of several groups.
    std::ofstream(prog_) << "func main/0\n  loadi x0, 3\n  call x0, f/1\n  call x0, io.print/1\n  ret x0\n"
                            "func f/1\n  select x0, other, [1 => one, 3 => three]\none:\n  ret x0\n"
                            "three:\n  loadi x1, 4\n  mul x0, x0, x1\n  ret x0\nother:\n  ret x0\n";
  }
  void TearDown() override {
    ::unsetenv("LZR_PERF_MAP");
    fs::remove_all(dir_);
  }
  lzr_test::LzrRun lzr(const std::vector<std::string>& args) { return lzr_test::run_lzr(dir_, args); }
  static fs::path map_of(int pid) { return "/tmp/perf-" + std::to_string(pid) + ".map"; }

  fs::path dir_;
  std::string prog_;
};

TEST_F(PerfMapCli, TheAsmEngineNamesEveryRoutineItBuilt) {
  ::setenv("LZR_PERF_MAP", "1", 1);
  const auto r = lzr({"run", "--engine=asm", prog_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "12\n");
  const fs::path map = map_of(r.pid);
  ASSERT_TRUE(fs::exists(map)) << map;
  std::ifstream in(map);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  std::set<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string start, size, name;
    fields >> std::hex >> start >> size >> name;
    ASSERT_FALSE(name.empty()) << line;
    EXPECT_EQ(name.rfind("lzr:", 0), 0u) << line;
    ranges.emplace_back(std::stoull(start, nullptr, 16), std::stoull(size, nullptr, 16));
    EXPECT_GT(ranges.back().second, 0u) << line;
    names.insert(name);
  }
  fs::remove(map);
  for (const char* built : {"lzr:select_jt", "lzr:call", "lzr:ret_x"}) EXPECT_TRUE(names.count(built)) << built;
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    EXPECT_LE(ranges[i - 1].first + ranges[i - 1].second, ranges[i].first) << "overlapping routines";
}

TEST_F(PerfMapCli, NoMapWithoutTheVariableOrOnThePortableEngine) {
  auto r = lzr({"run", "--engine=asm", prog_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(fs::exists(map_of(r.pid)));
  ::setenv("LZR_PERF_MAP", "1", 1);
  r = lzr({"run", "--engine=portable", prog_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "12\n");
  EXPECT_FALSE(fs::exists(map_of(r.pid)));
}

}  // namespace
