// Hand-made valid modules that start the fuzzer's corpus.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lzr::fuzz {

// (name, file bytes) pairs; every module passes read_module + verify_module.
std::vector<std::pair<std::string, std::vector<uint8_t>>> seed_modules();

// For LZR_FUZZ_WRITE_SEEDS=DIR (tests/fuzz/run.sh): checks that every seed
// reads and verifies (a seed the loader rejects would only teach a fuzzer
// the first error), writes each to DIR/NAME.lzr and exits (1 on a failure).
[[noreturn]] void write_seed_modules_and_exit(const char* dir);

}  // namespace lzr::fuzz
