// The open-files table (vm/open_files.h) used from several threads at once,
// as processes on different schedulers use it: handles opened, written and
// closed concurrently, one handle shared by all and closed while the others
// still write to it. Run under the tsan preset, this checks the locking.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "vm/open_files.h"

namespace lzr {
namespace {

constexpr int kThreads = 4;

TEST(OpenFilesThreads, UseOpenAndCloseFromManyThreads) {
  const auto path = std::filesystem::temp_directory_path() / ("lzr_open_files_" + std::to_string(::getpid()));
  OpenFiles files;
  std::FILE* shared_file = std::fopen(path.c_str(), "w");
  ASSERT_TRUE(shared_file);
  const int64_t shared = files.add(shared_file);
  constexpr int kWrites = 400;
  std::atomic<int> written{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kWrites; ++k) {
        const std::string line = "thread " + std::to_string(t) + " line " + std::to_string(k) + "\n";
        if (files.use(shared, [&](std::FILE* f) { std::fwrite(line.data(), 1, line.size(), f); })) written++;
        // Handles of its own come and go meanwhile, with numbers never reused.
        const int64_t own = files.add(std::tmpfile());
        if (own == shared || !files.use(own, [](std::FILE*) {})) wrong++;
        std::FILE* f = files.remove(own);
        if (!f || files.remove(own) || files.use(own, [](std::FILE*) {})) wrong++;
        if (f) std::fclose(f);
        if (t == 0 && k == kWrites / 2) {  // closed while the others write
          if (std::FILE* s = files.remove(shared)) std::fclose(s);
          else wrong++;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(files.count(), 0u);
  EXPECT_FALSE(files.use(shared, [](std::FILE*) {}));
  // Every write that found the handle open is in the file, whole, and each
  // thread's lines in its order.
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  std::map<int, int> next;
  while (std::getline(in, line)) {
    ++lines;
    int t = -1, k = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "thread %d line %d", &t, &k), 2) << line;
    ASSERT_EQ(line, "thread " + std::to_string(t) + " line " + std::to_string(k));
    EXPECT_GE(k, next[t]) << line;
    next[t] = k + 1;
  }
  EXPECT_EQ(lines, written.load());
  EXPECT_GE(lines, kWrites / 2);  // thread 0's writes before it closed
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lzr
