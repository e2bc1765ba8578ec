# The standard library found without LZR_PATH (docs/builtins.md, "Where a
# call goes"): lzr copied into an install layout <prefix>/bin/lzr with the
# library in <prefix>/lib/lazer, run from a folder without the library.
# Invoked by ctest: cmake -DLZR=... -DLIBRARY=<build>/lib/lazer -DWORK=<dir> -P run.cmake
set(here ${CMAKE_CURRENT_LIST_DIR})
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/prefix/bin ${WORK}/prefix/lib/lazer ${WORK}/bare/bin ${WORK}/prog)
file(COPY ${LZR} DESTINATION ${WORK}/prefix/bin)
file(COPY ${LZR} DESTINATION ${WORK}/bare/bin)
file(GLOB modules ${LIBRARY}/*.lzr)
if(NOT modules)
  message(FATAL_ERROR "no library modules in ${LIBRARY}")
endif()
file(COPY ${modules} DESTINATION ${WORK}/prefix/lib/lazer)
file(COPY ${here}/uses_library.lzs ${here}/native_unknown.lzs DESTINATION ${WORK}/prog)
get_filename_component(exe ${LZR} NAME)
unset(ENV{LZR_PATH})

set(bad "")
# expect(NAME LZR_BINARY PROGRAM RC STDOUT STDERR_REGEX [LZR_PATH])
function(expect name lzr program want_rc want_out want_err)
  if(ARGC GREATER 6)
    set(ENV{LZR_PATH} ${ARGV6})
  else()
    unset(ENV{LZR_PATH})
  endif()
  execute_process(COMMAND ${lzr} run ${program} WORKING_DIRECTORY ${WORK}/prog
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc STREQUAL want_rc OR NOT out STREQUAL want_out OR NOT err MATCHES "${want_err}")
    set(bad "${bad}${name}: exit ${rc} (want ${want_rc})\n--- stdout\n${out}--- want\n${want_out}--- stderr\n${err}--- want (regex)\n${want_err}\n" PARENT_SCOPE)
  endif()
endfunction()

file(READ ${here}/uses_library.expected want)
expect("installed layout, no LZR_PATH" ${WORK}/prefix/bin/${exe} uses_library.lzs 0 "${want}" "^$")
file(READ ${here}/override.expected want)
expect("LZR_PATH overrides the library" ${WORK}/prefix/bin/${exe} uses_library.lzs 0 "${want}" "^$" ${here}/override)
expect("a library file redefining a native" ${WORK}/prefix/bin/${exe} uses_library.lzs 1 ""
  "bad_override/list.lzs: module list defines reverse/1, which is a built-in function of that module" ${here}/bad_override)
expect("no library beside lzr" ${WORK}/bare/bin/${exe} uses_library.lzs 1 ""
  "call to undefined function list.sort/2")
expect("native.M where M is not a built-in module" ${WORK}/prefix/bin/${exe} native_unknown.lzs 1 ""
  "module native.nosuch not found \\(nosuch is not a built-in module\\)")
if(bad)
  message(FATAL_ERROR "${bad}")
endif()
