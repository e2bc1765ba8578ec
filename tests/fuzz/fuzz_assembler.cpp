// libFuzzer target for the text assembler: any text, as `lzr asm`, `lzr
// check` or `lzr run` would read a .lzs file.
//
//   LZR_FUZZ_WRITE_SEEDS=DIR [LZR_FUZZ_WRITE_DICT=FILE] lzr_fuzz_assembler
//       writes the seeds (every .lzs of tests/programs and examples) and a
//       dictionary of the language's words, and exits
//   lzr_fuzz_assembler [libFuzzer flags] CORPUS   fuzzes (tests/fuzz/run.sh does both)
//
// Beyond "no crash, no sanitizer report", each input checks the assembler's
// promises: an error is one line naming the file and a position; a text that
// assembles gives a module that writes, reads back and verifies, whose
// disassembly assembles to the same bytes, and that the VM's loader accepts
// (or refuses with a one-line error: calls into other modules cannot link
// here).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "asm/assembler.h"
#include "builtins/builtins.h"
#include "engine/loader.h"
#include "format/module_file.h"
#include "format/opcodes.h"
#include "format/verifier.h"
#include "vm/vm.h"

namespace lzr::fuzz {

namespace {

constexpr std::string_view kFile = "fuzz.lzs";

[[noreturn]] void violated(const char* promise, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n%s\n", promise, detail.c_str());
  std::abort();
}

void check_one_line(const std::string& message, std::string_view prefix) {
  if (message.rfind(std::string(prefix), 0) != 0) violated("the error names the file", message);
  if (message.find('\n') != std::string::npos) violated("the error is one line", message);
}

std::string_view bytes_of(const std::vector<uint8_t>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

}  // namespace

void assemble_input(std::string_view text) {
  std::string error;
  std::optional<ModuleFile> m = assemble(text, kFile, error);
  if (!m) {
    // "fuzz.lzs:LINE:COL: ..."; "fuzz.lzs: internal error" is an assembler bug.
    check_one_line(error, std::string(kFile) + ":");
    if (error.find("internal error") != std::string::npos) violated("the assembler makes only valid modules", error);
    return;
  }
  // The module writes, reads back byte for byte, and verifies.
  const std::vector<uint8_t> bytes = write_module(*m);
  LoadError err;
  std::optional<ModuleFile> back = read_module(bytes_of(bytes), "fuzz.lzr", err);
  if (!back) violated("an assembled module reads back", err.message);
  if (bytes_of(write_module(*back)) != bytes_of(bytes)) violated("an assembled module reads back byte for byte", "");
  if (!verify_module(*back, "fuzz.lzr", err)) violated("an assembled module verifies", err.message);

  // Its disassembly assembles to the same bytes.
  std::string listing;
  if (!disassemble(*back, "fuzz.lzr", listing, error)) violated("an assembled module disassembles", error);
  std::optional<ModuleFile> again = assemble(listing, "again.lzs", error);
  if (!again) violated("a disassembly assembles", error + "\n--- listing\n" + listing);
  if (bytes_of(write_module(*again)) != bytes_of(bytes))
    violated("a disassembly assembles to the same bytes", "--- listing\n" + listing);

  // The loader translates it (no search path: calls into other modules fail
  // cleanly).
  VM vm;
  register_builtins(vm);
  if (!load_module_bytes(vm, bytes_of(bytes), "fuzz.lzr", err)) check_one_line(err.message, "fuzz.lzr");
}

namespace {

// Every .lzs of the test programs and examples: they use every instruction,
// literal form and directive. The few very long ones (relaxation tests of
// thousands of lines) are left out: mutating them is slow and teaches the
// fuzzer nothing the short ones do not.
int write_seeds(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  constexpr uintmax_t kMaxSeedBytes = 16 * 1024;
  int written = 0;
  for (const char* root : {"tests/programs", "examples"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(LZR_SOURCE_DIR) / root)) {
      if (entry.path().extension() != ".lzs" || entry.file_size() > kMaxSeedBytes) continue;
      fs::copy_file(entry.path(), dir / ("seed-" + std::to_string(written++) + ".lzs"),
                    fs::copy_options::overwrite_existing);
    }
  }
  return written;
}

// The words of the language, for libFuzzer's -dict: mutations then splice
// whole mnemonics and keywords instead of finding them byte by byte.
void write_dictionary(const char* path) {
  std::set<std::string> words = {"func ", "module ", ".pool", ".lit ", " frame=", " upvals=", " live=", "load ",
                                 "x0", "x31", "y0", "y31", "u0", "u31", "#0", ", ", ":", ":\"", "\"", "%{", "}",
                                 "{", "[", "]", "<<", ">>", " => ", "|", "::", "/", "\n", "int", "uint", "float",
                                 "::int8", "::uint8", "::int16", "::int32", "::float32", "::float64", "::list16",
                                 "::list32", "::tuple16", "::tuple32", "::map16", "::map32", "true", "false", "nil",
                                 "0x", "0b", "1.0e308", "-2048", "2047", "65535", "\\x", "; "};
  for (const OpInfo& op : kOpTable)
    if (op.valid) words.insert(std::string(op.name) + " ");
  std::ofstream out(path);
  for (const std::string& w : words) {
    out << '"';
    for (char c : w) {
      const auto b = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\' || b < 0x20 || b >= 0x7F) {
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02X", b);
        out << hex;
      } else {
        out << c;
      }
    }
    out << "\"\n";
  }
  if (!out) {
    std::fprintf(stderr, "cannot write the dictionary %s\n", path);
    std::exit(1);
  }
}

}  // namespace

}  // namespace lzr::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("LZR_FUZZ_WRITE_SEEDS");
  if (!dir) return 0;
  const int written = lzr::fuzz::write_seeds(dir);
  if (const char* dict = std::getenv("LZR_FUZZ_WRITE_DICT")) lzr::fuzz::write_dictionary(dict);
  std::printf("wrote %d seed sources to %s\n", written, dir);
  std::exit(written > 0 ? 0 : 1);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lzr::fuzz::assemble_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
