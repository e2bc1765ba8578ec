// Hand-made valid modules that start the fuzzer's corpus.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lzr::fuzz {

// (name, file bytes) pairs; every module passes read_module + verify_module.
std::vector<std::pair<std::string, std::vector<uint8_t>>> seed_modules();

}  // namespace lzr::fuzz
