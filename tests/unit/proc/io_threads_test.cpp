// The io and file built-ins called by processes on several threads at once,
// as schedulers on every core will call them (docs/processes.md,
// "Schedulers on every core"): each io call's text reaches standard output
// in one piece, and one file handle written by several processes and closed
// by one of them loses or tears no write. Under the tsan preset these also
// check the locking of the open-files table.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "builtins/builtins.h"
#include "proc/node.h"
#include "vm/atoms.h"
#include "vm/builders.h"
#include "vm/native_env.h"
#include "vm/process.h"
#include "vm/vm.h"

namespace lzr {
namespace {

constexpr int kThreads = 4;

class IoThreads : public ::testing::Test {
 protected:
  void SetUp() override {
    register_builtins(vm_);
    node_of(vm_).set_concurrent(true);
    for (int t = 0; t < kThreads; ++t) procs_.push_back(std::make_unique<Process>(vm_, 64, 1024));
  }
  NativeFn native(const char* module, const char* name, unsigned arity) {
    const Module* m = vm_.find_module(vm_.atom(module));
    const FunctionInfo* f = m ? m->find(vm_.atom(name), arity) : nullptr;
    EXPECT_TRUE(f && f->native) << module << "." << name << "/" << arity;
    return f ? f->native : nullptr;
  }
  // Calls a native as process t (its heap is fresh enough for these calls).
  Term call(NativeFn fn, int t, std::vector<Term> args) {
    lzr_env env{procs_[t].get()};
    return fn(&env, args.data(), static_cast<unsigned>(args.size()));
  }
  Term binary(int t, const std::string& s) { return make_binary(procs_[t]->heap, s); }

  VM vm_;
  std::vector<std::unique_ptr<Process>> procs_;
};

// Every line io.puts/1 and io.format/2 print from four threads comes out
// whole, and each thread's lines in the order it printed them.
TEST_F(IoThreads, EveryIoCallsTextStaysWhole) {
  const NativeFn puts = native("io", "puts", 1), format = native("io", "format", 2);
  ASSERT_TRUE(puts && format);
  constexpr int kLines = 300;
  std::fflush(stdout);
  testing::internal::CaptureStdout();
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const std::string pad(40 + 10 * t, static_cast<char>('a' + t));  // longer than a few words
      for (int k = 0; k < kLines; ++k) {
        Term r;
        if (k % 2) {
          r = call(puts, t, {binary(t, "thread " + std::to_string(t) + " line " + std::to_string(k) + " " + pad)});
        } else {
          const Term items[] = {make_int(k), binary(t, pad)};
          const Term args = make_list(procs_[t]->heap, items);
          r = call(format, t, {binary(t, "thread " + std::to_string(t) + " line ~b ~s~n"), args});
        }
        if (r != kAtom_ok) wrong++;
      }
    });
  for (auto& th : threads) th.join();
  std::fflush(stdout);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(wrong.load(), 0);
  std::istringstream in(out);
  std::string line;
  std::map<int, int> next;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    int t = -1, k = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "thread %d line %d", &t, &k), 2) << line;
    ASSERT_TRUE(t >= 0 && t < kThreads) << line;
    EXPECT_EQ(line, "thread " + std::to_string(t) + " line " + std::to_string(k) + " " +
                        std::string(40 + 10 * t, static_cast<char>('a' + t)));
    EXPECT_EQ(k, next[t]) << line;
    next[t] = k + 1;
  }
  EXPECT_EQ(lines, kThreads * kLines);
}

// Four processes write to one handle file.open/2 gave while one of them
// closes it half-way: each write is :ok (and in the file, whole) or
// {:error, :ebadf} after the close; nothing is torn or lost.
TEST_F(IoThreads, OneFileHandleWrittenAndClosedFromManyThreads) {
  const NativeFn open = native("file", "open", 2), write = native("file", "write", 2), close = native("file", "close", 1);
  ASSERT_TRUE(open && write && close);
  const auto path = std::filesystem::temp_directory_path() / ("lzr_io_threads_" + std::to_string(::getpid()));
  const Term opened = call(open, 0, {binary(0, path.string()), vm_.atom("write")});
  ASSERT_TRUE(is_tuple(opened) && tuple_elems(opened)[0] == kAtom_ok);
  const Term handle_elems[] = {kAtom_file, tuple_elems(tuple_elems(opened)[1])[1]};
  constexpr int kWrites = 300;
  std::atomic<int> ok{0}, ebadf{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kWrites; ++k) {
        const Term handle = make_tuple(procs_[t]->heap, handle_elems);
        const Term r = call(write, t, {handle, binary(t, "thread " + std::to_string(t) + " line " + std::to_string(k) + "\n")});
        if (r == kAtom_ok) {
          ok++;
        } else if (is_tuple(r) && tuple_elems(r)[1] == vm_.atom("ebadf")) {
          ebadf++;
        } else {
          wrong++;
        }
        if (t == 0 && k == kWrites / 2 && call(close, 0, {handle}) != kAtom_ok) wrong++;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(ok.load() + ebadf.load(), kThreads * kWrites);
  EXPECT_GE(ebadf.load(), kWrites / 2 - 1);  // thread 0's own writes after its close
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    int t = -1, k = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "thread %d line %d", &t, &k), 2) << line;
    ASSERT_EQ(line, "thread " + std::to_string(t) + " line " + std::to_string(k));
  }
  EXPECT_EQ(lines, ok.load());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lzr
