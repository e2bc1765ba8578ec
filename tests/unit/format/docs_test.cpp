// docs/bytecode.md is the normative reference: it must describe every opcode
// in the table (with its number) and every ByteTerm type.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "format/literal.h"
#include "format/opcodes.h"

namespace lzr {
namespace {

std::string read_doc() {
  std::ifstream in(std::string(LZR_SOURCE_DIR) + "/docs/bytecode.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(BytecodeDoc, ListsEveryOpcodeWithItsNumber) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "docs/bytecode.md is missing";
  for (const OpInfo& op : kOpTable) {
    if (!op.valid) continue;
    const std::string row = "| " + std::to_string(op.code) + " | `" + std::string(op.name) + "` |";
    EXPECT_NE(doc.find(row), std::string::npos) << "encoding table lacks: " << row;
    const std::string heading = "### `" + std::string(op.name);
    EXPECT_NE(doc.find(heading), std::string::npos) << "no semantics section: " << heading;
  }
}

TEST(BytecodeDoc, ListsEveryByteTermType) {
  const std::string doc = read_doc();
  for (unsigned t = 0; t < kNumByteTermTypes; ++t) {
    const std::string row = "| " + std::to_string(t) + " | " + std::string(byte_term_type_name(t)) + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << "literal table lacks: " << row;
  }
}

}  // namespace
}  // namespace lzr
