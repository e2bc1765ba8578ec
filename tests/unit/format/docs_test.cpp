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

// A "### ..." heading line that contains `code`.
bool has_heading_naming(const std::string& doc, const std::string& code) {
  std::istringstream lines(doc);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("### ", 0) == 0 && line.find(code) != std::string::npos) return true;
  }
  return false;
}

TEST(BytecodeDoc, ListsEveryOpcodeWithItsNumber) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "docs/bytecode.md is missing";
  for (const OpInfo& op : kOpTable) {
    if (!op.valid) continue;
    const std::string row = "| " + std::to_string(op.code) + " | `" + std::string(op.name) + "` |";
    EXPECT_NE(doc.find(row), std::string::npos) << "encoding table lacks: " << row;
    EXPECT_TRUE(has_heading_naming(doc, "`" + std::string(op.name) + "`")) << "no semantics heading names " << op.name;
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
