// How the lzr binary is linked (cmake/lean_link.cmake): the shared libraries
// it loads at start-up and the symbols it exports. These decide most of the
// memory a short run takes (docs/performance.md, "Start-up memory"), so a
// change that brings libstdc++ or libm back is caught here rather than only
// in a benchmark table.
#include <gtest/gtest.h>

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#if LZR_LEAN_LINK

namespace {

struct DynamicInfo {
  std::vector<std::string> needed;        // DT_NEEDED
  std::vector<std::string> defined_syms;  // defined symbols of .dynsym
};

// Reads DT_NEEDED and the defined dynamic symbols of a 64-bit ELF file.
DynamicInfo read_dynamic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  DynamicInfo info;
  if (file.size() < sizeof(Elf64_Ehdr)) return info;
  Elf64_Ehdr eh;
  std::memcpy(&eh, file.data(), sizeof eh);
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, file.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof sh);
    return sh;
  };
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr sh = section(i);
    if (sh.sh_type != SHT_DYNAMIC && sh.sh_type != SHT_DYNSYM) continue;
    const Elf64_Shdr strtab = section(sh.sh_link);
    const char* strings = file.data() + strtab.sh_offset;
    if (sh.sh_type == SHT_DYNAMIC) {
      for (size_t off = 0; off + sizeof(Elf64_Dyn) <= sh.sh_size; off += sizeof(Elf64_Dyn)) {
        Elf64_Dyn d;
        std::memcpy(&d, file.data() + sh.sh_offset + off, sizeof d);
        if (d.d_tag == DT_NEEDED) info.needed.emplace_back(strings + d.d_un.d_val);
      }
    } else {
      for (size_t off = sizeof(Elf64_Sym); off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
        Elf64_Sym s;
        std::memcpy(&s, file.data() + sh.sh_offset + off, sizeof s);
        if (s.st_shndx != SHN_UNDEF) info.defined_syms.emplace_back(strings + s.st_name);
      }
    }
  }
  return info;
}

TEST(Linking, LoadsOnlyLibcAtStartUp) {
  const DynamicInfo info = read_dynamic(LZR_BINARY);
  ASSERT_FALSE(info.needed.empty()) << "no DT_NEEDED entries read from " << LZR_BINARY;
  for (const std::string& lib : info.needed) {
    // libstdc++, libgcc_s and libfmt are linked in; libm is opened on first use (src/vm/libm.h).
    EXPECT_TRUE(lib.rfind("libc.so", 0) == 0 || lib.rfind("ld-linux", 0) == 0) << "lzr loads " << lib << " at start-up";
  }
}

TEST(Linking, ExportsTheCApiOnly) {
  const DynamicInfo info = read_dynamic(LZR_BINARY);
  size_t api = 0;
  for (const std::string& name : info.defined_syms) {
    if (name.rfind("lzr_", 0) == 0) {
      ++api;
      continue;
    }
    // Copy-relocated data the binary references from libc lands in its own
    // table (stderr, stdout); nothing of the VM's C++ internals may.
    EXPECT_TRUE(name == "stderr" || name == "stdout" || name == "stdin") << "lzr exports " << name;
  }
  EXPECT_GT(api, 50u) << "the C API (include/lazer.h) must stay exported for natives";
}

}  // namespace

#endif  // LZR_LEAN_LINK
