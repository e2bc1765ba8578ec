// Whole-file I/O and module loading for the CLI.
#include "cli/module_input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "asm/assembler.h"
#include "format/verifier.h"

namespace lzr::cli {

bool read_file(const std::string& path, std::string& bytes, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    error = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  bytes = std::move(buf).str();
  return true;
}

bool write_file(const std::string& path, std::string_view bytes, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (out) out.flush();
  if (!out) {
    error = path + ": cannot write: " + std::strerror(errno);
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

void fail_command(int code, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", message.c_str());
  throw CLI::RuntimeError(code);
}

}  // namespace lzr::cli
