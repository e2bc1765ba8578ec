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

#if LZR_LINKED_WITH_LLD
// Segments aligned to 64 KiB, so that the kernel loads the binary at a 64 KiB
// boundary and the start-up order's dense windows stay whole (lean_link.cmake).
TEST(Linking, LoadsSegmentsAt64KiBBoundaries) {
  std::ifstream in(LZR_BINARY, std::ios::binary);
  Elf64_Ehdr eh;
  ASSERT_TRUE(in.read(reinterpret_cast<char*>(&eh), sizeof eh)) << LZR_BINARY;
  size_t loads = 0;
  for (size_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    in.seekg(static_cast<std::streamoff>(eh.e_phoff + i * sizeof ph));
    ASSERT_TRUE(in.read(reinterpret_cast<char*>(&ph), sizeof ph));
    if (ph.p_type != PT_LOAD) continue;
    ++loads;
    EXPECT_EQ(ph.p_align, 65536u) << "PT_LOAD " << i;
  }
  EXPECT_GE(loads, 2u);
}
#endif

#if LZR_RELR && defined(__x86_64__)
#ifndef SHT_RELR
#define SHT_RELR 19  // glibc before 2.36
#endif
// Relative relocations packed as RELR: the loader reads a bitmap of under a
// kilobyte instead of ~86 KB of RELA entries, and the version glibc requires
// with it is there (without it ld.so refuses the binary).
TEST(Linking, PacksRelativeRelocations) {
  std::ifstream in(LZR_BINARY, std::ios::binary);
  std::vector<char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(file.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  std::memcpy(&eh, file.data(), sizeof eh);
  bool relr = false;
  uint64_t relative_rela = 0;
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, file.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type == SHT_RELR) relr = sh.sh_size > 0;
    if (sh.sh_type != SHT_RELA) continue;
    for (size_t off = 0; off + sizeof(Elf64_Rela) <= sh.sh_size; off += sizeof(Elf64_Rela)) {
      Elf64_Rela r;
      std::memcpy(&r, file.data() + sh.sh_offset + off, sizeof r);
      if (ELF64_R_TYPE(r.r_info) == R_X86_64_RELATIVE) ++relative_rela;
    }
  }
  EXPECT_TRUE(relr) << "no .relr.dyn section in " << LZR_BINARY;
  EXPECT_EQ(relative_rela, 0u) << "relative relocations left as RELA entries";
  const std::string text(file.begin(), file.end());
  EXPECT_NE(text.find("GLIBC_ABI_DT_RELR"), std::string::npos) << "the GLIBC_ABI_DT_RELR version is missing";
}
#endif

}  // namespace

#endif  // LZR_LEAN_LINK
