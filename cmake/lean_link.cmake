# Linking `lzr` for a small start-up footprint (docs/performance.md,
# "Start-up memory"). A program that prints one integer is mostly start-up:
# the pages the process touches of its binary and of the shared libraries.
# The kernel maps file pages 64 KiB around each page fault (fault-around), so
# what counts is how many 64 KiB windows of code and read-only data a run
# touches, not how many bytes of code it executes.
#
# * libstdc++ and libgcc are linked statically: the shared libstdc++ alone
#   made 1.6 MiB resident (its relocations and symbol tables are touched
#   whole at load time); statically only the parts lzr uses come along.
# * --gc-sections drops unreferenced functions and data (the sources are
#   compiled with -ffunction-sections -fdata-sections).
# * --as-needed drops libm, which the compiler driver adds to every C++
#   link: lzr calls the math library only through src/vm/libm.h, which
#   loads it on first use (mapping it at start-up made ~360 KiB resident).
# * With lld, src/cli/startup.order (written by scripts/startup-order.sh)
#   places the functions that every run executes first and together, so a
#   short run touches a few dense windows of the binary rather than most of
#   them. After those (and the data below) it lists the functions longer
#   programs add (building every asm routine, the benchmark programs at
#   their bench/guard sizes), packed the same way: the emitters, asmjit,
#   the collector and the built-ins a typical program runs then touch a
#   few windows, not the whole rest of the binary. A function missing from
#   the file only lands further back; a name
#   in it that no longer exists is ignored. The file also names the data a
#   short run reads (tables, vtables, type names), which lld places at the
#   front of .rodata and .data.rel.ro the same way.
# * Relative relocations are packed as RELR (-z pack-relative-relocs, lld 15
#   or later): the ~3,600 of them (vtables, tables of pointers) took 86 KB of
#   24-byte RELA entries that the loader reads at every start, 0.7 KB as a
#   bitmap. lld 14 (Debian 12's `lld`) can write RELR but not the
#   GLIBC_ABI_DT_RELR version that glibc's loader requires with it, so a
#   newer lld is looked for (scripts/deps.sh installs lld-16 there); without
#   one the link is as before.
# * Segments aligned to 64 KiB (-z max-page-size=65536): the kernel then
#   loads the binary at a 64 KiB boundary (ASLR keeps all but 4 bits of its
#   randomness), so the fault-around windows and the page cache's large
#   folios (a binary copied or read back from disk is cached in folios of up
#   to 64 KiB and more, mapped whole on a fault) fall on the same boundaries
#   as the layout above, rather than straddling two windows at random:
#   startup peaks 130 KiB lower for a copied binary, and varies less.
#
# Sanitizer and fuzzer builds keep the default link: their runtimes bring
# their own allocator and start-up, and they are not measured.
include(CheckLinkerFlag)
check_linker_flag(CXX "-fuse-ld=lld" LZR_HAVE_LLD)
# The first lld that packs relative relocations; --fatal-warnings because an
# older lld only warns about the unknown -z value.
set(LZR_RELR_LLD "")
foreach(lld lld-19 lld-18 lld-17 lld-16 lld-15 lld)
  string(REPLACE "-" "_" var "LZR_HAVE_RELR_${lld}")
  check_linker_flag(CXX "-fuse-ld=${lld};LINKER:--fatal-warnings;LINKER:-z,pack-relative-relocs" ${var})
  if(${var})
    set(LZR_RELR_LLD ${lld})
    break()
  endif()
endforeach()
if(LZR_SANITIZE OR LZR_FUZZ OR LZR_TSAN)
  set(LZR_LEAN_LINK OFF)
else()
  set(LZR_LEAN_LINK ON)  # tests/unit/cli/linking_test.cpp checks the result
endif()

function(lzr_lean_link target)
  if(NOT LZR_LEAN_LINK)
    return()
  endif()
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc "LINKER:--gc-sections" "LINKER:--as-needed")
  if(LZR_RELR_LLD)
    target_link_options(${target} PRIVATE -fuse-ld=${LZR_RELR_LLD} "LINKER:-z,pack-relative-relocs")
  elseif(LZR_HAVE_LLD)
    target_link_options(${target} PRIVATE -fuse-ld=lld)
  endif()
  if(LZR_RELR_LLD OR LZR_HAVE_LLD)
    set(order ${CMAKE_SOURCE_DIR}/src/cli/startup.order)
    target_link_options(${target} PRIVATE "LINKER:-z,max-page-size=65536"
      "LINKER:--symbol-ordering-file=${order}" "LINKER:--no-warn-symbol-ordering")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${order})
  endif()
endfunction()
