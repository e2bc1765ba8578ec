// Whole-file I/O and module loading for the CLI.
#include "cli/module_input.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>

#include "asm/assembler.h"
#include "format/message_text.h"
#include "format/verifier.h"
#include "sys/files.h"

namespace lzr::cli {

bool read_file(const std::string& path, std::string& bytes, std::string& error) {
  if (auto problem = read_regular_file(path, bytes)) {
    error = printable_path(path) + ": " + *problem;
    return false;
  }
  return true;
}

bool write_file(const std::string& path, std::string_view bytes, std::string& error) {
  if (auto problem = write_file_replacing(path, bytes)) {
    error = printable_path(path) + ": " + *problem;
    return false;
  }
  return true;
}

bool is_assembly_path(std::string_view path) {
  return path.size() >= 4 && path.substr(path.size() - 4) == ".lzs";
}

std::optional<ModuleFile> load_module_input(const std::string& path, std::string& error) {
  std::string bytes;
  if (!read_file(path, bytes, error)) return std::nullopt;
  if (is_assembly_path(path)) return assemble(bytes, path, error);  // verified by assemble()
  LoadError err;
  auto module = read_module(bytes, path, err);
  if (module && !verify_module(*module, path, err)) module.reset();
  if (!module) error = err.message;
  return module;
}

std::vector<std::string> path_list(const char* value) {
  std::vector<std::string> out;
  if (!value) return out;
  std::string_view s(value);
  while (!s.empty()) {
    const size_t colon = s.find(':');
    if (colon != 0) out.emplace_back(s.substr(0, colon));
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
  }
  return out;
}

std::vector<std::string> native_path(const std::vector<std::string>& options) {
  std::vector<std::string> out = options;
  for (std::string& dir : path_list(std::getenv("LZR_NATIVE_PATH"))) out.push_back(std::move(dir));
  return out;
}

namespace {
int g_stdout_errno = 0;
}  // namespace

void flush_stdout() {
  if (std::fflush(stdout) != 0 && g_stdout_errno == 0) g_stdout_errno = errno;
}

int stdout_errno() { return g_stdout_errno; }

void fail_command(int code, const std::string& message) {
  flush_stdout();
  std::fprintf(stderr, "%s\n", message.c_str());
  throw CLI::RuntimeError(code);
}

}  // namespace lzr::cli
