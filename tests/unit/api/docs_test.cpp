// docs/c-api.md shows the example files in full; each block marked
// `<!-- file: PATH -->` must equal PATH, so the page cannot drift from the
// code the other tests build and run.
#include <sstream>
#include <string>

#include "api_test_util.h"

namespace lzr_test {
namespace {

const std::string kSource = LZR_SOURCE_DIR;

TEST(CApiDoc, ExampleBlocksMatchTheirFiles) {
  std::istringstream doc(read_text(kSource + "/docs/c-api.md"));
  const std::string marker = "<!-- file: ";
  std::string line;
  int blocks = 0;
  while (std::getline(doc, line)) {
    if (line.rfind(marker, 0) != 0) continue;
    const std::string path = line.substr(marker.size(), line.size() - marker.size() - 4);
    ASSERT_EQ(line.substr(line.size() - 4), " -->") << line;
    std::string fence;
    ASSERT_TRUE(std::getline(doc, fence));
    ASSERT_EQ(fence.rfind("```", 0), 0u) << "a fenced block must follow " << line;
    std::string body;
    bool closed = false;
    while (std::getline(doc, line)) {
      if (line == "```") {
        closed = true;
        break;
      }
      body += line + "\n";
    }
    ASSERT_TRUE(closed) << path;
    const std::string file = read_text(kSource + "/" + path);
    ASSERT_FALSE(file.empty()) << path << " is missing";
    EXPECT_EQ(body, file) << "docs/c-api.md differs from " << path;
    ++blocks;
  }
  EXPECT_EQ(blocks, 4) << "mathx.c, demo.lzs, embed.c and shapes.lzs";
}

}  // namespace
}  // namespace lzr_test
