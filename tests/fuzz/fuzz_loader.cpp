// libFuzzer target for everything that reads untrusted module bytes.
//
//   LZR_FUZZ_WRITE_SEEDS=DIR lzr_fuzz_loader   writes the seed modules and exits
//   lzr_fuzz_loader [libFuzzer flags] CORPUS   fuzzes (tests/fuzz/run.sh does both)
//
// Beyond "no crash, no sanitizer report", each input checks the loader's
// promises: errors are one line naming the file, accepted files write back
// byte for byte, and a verified module's instructions tile its functions.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/module_file.h"
#include "builtins/builtins.h"
#include "engine/loader.h"
#include "format/verifier.h"
#include "vm/vm.h"
#include "seed_modules.h"

namespace lzr::fuzz {

namespace {

constexpr std::string_view kFile = "fuzz.lzr";

[[noreturn]] void violated(const char* promise, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n%s\n", promise, detail.c_str());
  std::abort();
}

void check_error_line(const LoadError& err) {
  if (err.message.rfind(std::string(kFile) + ": ", 0) != 0) violated("error names the file", err.message);
  if (err.message.find('\n') != std::string::npos) violated("error is one line", err.message);
}

void check_round_trip(std::string_view bytes, const ModuleFile& m) {
  std::vector<uint8_t> again = write_module(m);
  if (std::string_view(reinterpret_cast<const char*>(again.data()), again.size()) != bytes)
    violated("write_module(read_module(x)) == x", "sizes " + std::to_string(bytes.size()) + " vs " + std::to_string(again.size()));
}

// Every function of a verified module is a sequence of whole instructions.
void check_instruction_tiling(const ModuleFile& m) {
  for (size_t k = 0; k < m.functions.size(); ++k) {
    size_t end = k + 1 < m.functions.size() ? m.functions[k + 1].entry : m.code.size();
    size_t pc = m.functions[k].entry;
    while (pc < end) {
      unsigned n = instruction_words(m, pc);
      if (n == 0) violated("verified instructions have a length", "word " + std::to_string(pc));
      pc += n;
    }
    if (pc != end) violated("instructions end at the function end", "function " + std::to_string(k));
  }
}

}  // namespace

// One input through every load stage, in the order the VM runs them. Later
// stages (linking, the engine's loader) go at the end of this function.
void load_input(std::string_view bytes) {
  LoadError err;
  std::optional<ModuleFile> m = read_module(bytes, kFile, err);
  if (!m) return check_error_line(err);
  check_round_trip(bytes, *m);
  if (!verify_module(*m, kFile, err)) return check_error_line(err);
  if (m->type != ModuleType::Script) return;  // natives would dlopen whatever path the input names
  check_instruction_tiling(*m);

  // The VM's loader: literals into the immortal area, translation to internal
  // code, linking (no search path, so calls into other modules must fail cleanly).
  VM vm;
  register_builtins(vm);
  Module* loaded = load_module_bytes(vm, bytes, std::string(kFile), err);
  if (!loaded) check_error_line(err);
}

}  // namespace lzr::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("LZR_FUZZ_WRITE_SEEDS")) lzr::fuzz::write_seed_modules_and_exit(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lzr::fuzz::load_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
