# Runs many conformance programs in one test, each as run_program.cmake runs
# it (its function, in this one cmake process), and fails naming every
# program whose output differs. The whole suite at 2 and 4 schedulers runs
# this way (tests/CMakeLists.txt): one test per shard instead of one per
# program, which spares ctest's and cmake's start-up per program.
# Invoked by ctest: cmake -DLZR=… -DLIST=file -DENGINE=… -DSCHEDULERS=N -P run_programs.cmake
# LIST: one program per line, `PATH` or `PATH|STACK_KB` (run under `ulimit -s`).
set(LZR_RUN_PROGRAM_INCLUDED ON)
include(${CMAKE_CURRENT_LIST_DIR}/run_program.cmake)
file(STRINGS "${LIST}" entries ENCODING UTF-8)
set(STRESS 0)
set(failed "")
set(count 0)
foreach(entry ${entries})
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 PROGRAM)
  set(STACK_KB "")
  list(LENGTH fields n)
  if(n GREATER 1)
    list(GET fields 1 STACK_KB)
  endif()
  math(EXPR count "${count} + 1")
  lzr_run_program()
  if(lzr_program_failure)
    list(APPEND failed "${PROGRAM}")
    message("${lzr_program_failure}")
  endif()
endforeach()
list(LENGTH failed nfailed)
message("${count} programs on ${ENGINE} with ${SCHEDULERS} schedulers: ${nfailed} failed")
if(nfailed GREATER 0)
  string(REPLACE ";" "\n  " names "${failed}")
  message(FATAL_ERROR "failed:\n  ${names}")
endif()
