#include "api_test_util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "engine/engine.h"
#include "format/module_file.h"

namespace lzr_test {

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "lzr_api_XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_native_module(const std::string& path, const std::string& name, const std::string& libpath,
                         const std::vector<std::string>& functions) {
  lzr::ModuleFile m;
  m.type = lzr::ModuleType::Native;
  m.native_name = name;
  m.native_libpath = libpath;
  m.native_functions = functions;
  std::vector<uint8_t> bytes = lzr::write_module(m);
  write_text(path, std::string(bytes.begin(), bytes.end()));
}

RunResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  TempDir dir;
  const std::string out = dir.file("stdout"), err = dir.file("stderr");
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    for (const std::string& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  RunResult r;
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

std::vector<std::string> engines() {
  std::vector<std::string> out{"portable"};
  if (lzr::engine_available(lzr::EngineKind::Asm)) out.push_back("asm");
  return out;
}

}  // namespace lzr_test
