// Runs the lzr binary in a child process for the CLI tests, with its
// standard output and error captured in files of a test's folder.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace lzr_test {

struct LzrRun {
  int status = -1;  // exit status, or -1 if a signal ended it
  int signal = 0;
  std::string out, err;
  int pid = 0;  // the child's process id (what it names files after)
};

struct ChildSetup {
  std::string input;          // piped to standard input
  size_t as_limit_kib = 0;    // > 0: RLIMIT_AS in the child (ulimit -v)
  bool unprivileged = false;  // as root: become user and group 65534 (nobody) first
  std::vector<std::pair<std::string, std::string>> env;  // set in the child
};

// A new, empty folder for the running test, named by `prefix`, this
// process and the test: /tmp/PREFIX_PID_TEST.
inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
      (prefix + "_" + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs LZR_BINARY with `args`; `dir` receives the captured stdout/stderr.
// Child exit 97/98/99: dropping privileges, exec or setrlimit failed.
inline LzrRun run_lzr(const std::filesystem::path& dir, const std::vector<std::string>& args, const ChildSetup& setup = {}) {
  const std::filesystem::path out = dir / "stdout", err = dir / "stderr";
  int pipefd[2];
  if (::pipe(pipefd) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    ::dup2(pipefd[0], 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::close(pipefd[1]);
    if (setup.unprivileged && ::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(97);
    for (const auto& [name, value] : setup.env) ::setenv(name.c_str(), value.c_str(), 1);
    if (setup.as_limit_kib > 0) {
      const rlimit lim{setup.as_limit_kib << 10, setup.as_limit_kib << 10};
      if (::setrlimit(RLIMIT_AS, &lim) != 0) ::_exit(99);
    }
    std::vector<char*> argv;
    std::string bin = LZR_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(98);
  }
  ::close(pipefd[0]);
  size_t done = 0;
  while (done < setup.input.size()) {
    const ssize_t n = ::write(pipefd[1], setup.input.data() + done, setup.input.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(pipefd[1]);
  int ws = 0;
  ::waitpid(pid, &ws, 0);
  LzrRun r;
  r.pid = pid;
  if (WIFEXITED(ws)) r.status = WEXITSTATUS(ws);
  if (WIFSIGNALED(ws)) r.signal = WTERMSIG(ws);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace lzr_test
