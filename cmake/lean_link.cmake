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
#   them. A function missing from the file only lands further back; a name
#   in it that no longer exists is ignored.
#
# Sanitizer and fuzzer builds keep the default link: their runtimes bring
# their own allocator and start-up, and they are not measured.
include(CheckLinkerFlag)
check_linker_flag(CXX "-fuse-ld=lld" LZR_HAVE_LLD)
if(LZR_SANITIZE OR LZR_FUZZ)
  set(LZR_LEAN_LINK OFF)
else()
  set(LZR_LEAN_LINK ON)  # tests/unit/cli/linking_test.cpp checks the result
endif()

function(lzr_lean_link target)
  if(NOT LZR_LEAN_LINK)
    return()
  endif()
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc "LINKER:--gc-sections" "LINKER:--as-needed")
  if(LZR_HAVE_LLD)
    set(order ${CMAKE_SOURCE_DIR}/src/cli/startup.order)
    target_link_options(${target} PRIVATE -fuse-ld=lld
      "LINKER:--symbol-ordering-file=${order}" "LINKER:--no-warn-symbol-ordering")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${order})
  endif()
endfunction()
