// A file's whole text, for tests that run the programs of tests/programs
// (empty if it cannot be read: the test's comparison then fails).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace lzr_test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace lzr_test
