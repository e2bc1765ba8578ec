// docs/assembly.md is the reference for the text assembly: it must show every
// instruction, and its complete examples must assemble as documented.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "asm_test_util.h"
#include "format/opcodes.h"

namespace lzr {
namespace {

std::string read_doc() {
  std::ifstream in(std::string(LZR_SOURCE_DIR) + "/docs/assembly.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(AssemblyDoc, InstructionTableNamesEveryOpcode) {
  std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "docs/assembly.md is missing";
  for (const OpInfo& op : kOpTable) {
    if (!op.valid) continue;
    bool found = false;
    for (const std::string& line : lines_of(doc)) {
      size_t end = line.find(" |", 2);
      if (line.rfind("| `", 0) == 0 && line.substr(0, end).find("`" + std::string(op.name) + "`") != std::string::npos) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << "no row of the instruction table names " << op.name;
  }
}

// Fenced blocks that are whole programs (they start with a comment line or
// `module demo`) assemble and round-trip.
TEST(AssemblyDoc, ExamplesAssemble) {
  std::vector<std::string> lines = lines_of(read_doc());
  int examples = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "```") continue;
    std::string block;
    size_t j = i + 1;
    for (; j < lines.size() && lines[j] != "```"; ++j) block += lines[j] + "\n";
    bool program = (block.rfind(";", 0) == 0 || block.rfind("module demo\n", 0) == 0);
    if (program) {
      ++examples;
      std::string error;
      auto m = assemble(block, "demo.lzs", error);
      ASSERT_TRUE(m) << error << "\n" << block;
      test::expect_round_trip(*m, "example at line " + std::to_string(i + 1));
    }
    i = j;
  }
  EXPECT_GE(examples, 2);
}

TEST(AssemblyDoc, PoolExampleMeansWhatItSays) {
  std::string doc = read_doc();
  size_t start = doc.find("```\nmodule demo\n.pool\n");
  ASSERT_NE(start, std::string::npos);
  std::string block = doc.substr(start + 4, doc.find("```", start + 4) - start - 4);
  ModuleFile m = test::asm_ok(block, "demo.lzs");
  ASSERT_EQ(m.literals.size(), 5u);
  EXPECT_EQ(m.module_name, 1);
  ASSERT_EQ(m.functions.size(), 1u);
  EXPECT_EQ(m.functions[0].name, 3);
  EXPECT_EQ(m.code[0] >> 16, 0u);  // loadc x0, #0
  EXPECT_EQ(m.code[1] >> 16, 4u);  // tcall main/0
}

}  // namespace
}  // namespace lzr
