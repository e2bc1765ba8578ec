# Runs one conformance program and compares its output with the expectation
# files next to it. Invoked by ctest: cmake -DLZR=… -DPROGRAM=… -DENGINE=… -DSTRESS=0|1 [-DSTACK_KB=N]
# [-DSCHEDULERS=N] -P run_program.cmake
# run_programs.cmake includes it (LZR_RUN_PROGRAM_INCLUDED) to call
# lzr_run_program() for many programs in one cmake process.
function(lzr_run_program)  # reads the variables above; sets lzr_program_failure in the caller
set(lzr_program_failure "" PARENT_SCOPE)
string(REGEX REPLACE "\\.lzs$" "" base "${PROGRAM}")
set(args "")
if(EXISTS "${base}.args")
  file(STRINGS "${base}.args" args ENCODING UTF-8)  # default splits at non-ASCII bytes
endif()
# NAME.flags: options for `lzr run` itself (e.g. --stack-size=8), one per line.
set(flags "")
if(EXISTS "${base}.flags")
  file(STRINGS "${base}.flags" flags ENCODING UTF-8)
endif()
if(STRESS)
  set(ENV{LZR_GC_STRESS} 1)
endif()
# SCHEDULERS: how many scheduler threads run the program (LZR_SCHEDULERS,
# docs/processes.md). 1 unless given, so that the tests named without a
# scheduler count run as they always did, whatever the machine's cores.
if(NOT SCHEDULERS)
  set(SCHEDULERS 1)
endif()
set(ENV{LZR_SCHEDULERS} ${SCHEDULERS})
# At 4 the shared loop runs from the first slice (LZR_SCHEDULERS_EAGER,
# docs/processes.md), so that every program goes through it; at 2 a run
# starts in the one-scheduler loop and switches when two processes wait to
# run, as a user's does.
if(SCHEDULERS EQUAL 4)
  set(ENV{LZR_SCHEDULERS_EAGER} 1)
else()
  unset(ENV{LZR_SCHEDULERS_EAGER})
endif()
unset(ENV{LZR_PATH})  # modules come from the program's folder only
# Run from the program's folder with a bare file name, so that messages which
# name the file or the module search path read the same on every machine.
get_filename_component(dir "${PROGRAM}" DIRECTORY)
get_filename_component(file "${PROGRAM}" NAME)
# STACK_KB: run with that much C stack (ulimit -s), for the deep-walk tests.
set(launcher "")
if(STACK_KB)
  set(launcher sh -c "ulimit -s ${STACK_KB} && exec \"$0\" \"$@\"")
endif()
# NAME.stdin: piped to the program's standard input (through cat, so that
# it is a pipe and not a file).
if(EXISTS "${base}.stdin")
  set(launcher sh -c "cat \"${base}.stdin\" | \"$0\" \"$@\"")
endif()
# Every program gets a fresh, empty folder of its own in LZR_TEST_TMP (the
# file built-ins' tests write there), removed afterwards.
string(MD5 tmp_key "${PROGRAM}/${ENGINE}/${STRESS}/${STACK_KB}/${SCHEDULERS}")
if(DEFINED ENV{TMPDIR})
  set(tmp_dir "$ENV{TMPDIR}/lzr_prog_${tmp_key}")
else()
  set(tmp_dir "/tmp/lzr_prog_${tmp_key}")
endif()
file(REMOVE_RECURSE "${tmp_dir}")
file(MAKE_DIRECTORY "${tmp_dir}")
set(ENV{LZR_TEST_TMP} "${tmp_dir}")
execute_process(COMMAND ${launcher} "${LZR}" run --engine=${ENGINE} ${flags} "${file}" ${args}
  WORKING_DIRECTORY "${dir}"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
# The standard library's folder beside lzr (docs/builtins.md) is named in
# messages that list the search path: it reads <library> on every machine.
get_filename_component(lzr_dir "${LZR}" DIRECTORY)
string(REPLACE "${lzr_dir}/lib/lazer" "<library>" err "${err}")
file(REMOVE_RECURSE "${tmp_dir}")
file(READ "${base}.expected" want_out)
if(EXISTS "${base}.expected_err")
  file(READ "${base}.expected_err" want_err)
  set(want_rc 1)
else()
  set(want_err "")
  set(want_rc 0)
endif()
set(bad "")
if(NOT "${rc}" STREQUAL "${want_rc}")
  string(APPEND bad "exit status ${rc}, expected ${want_rc}\n")
endif()
if(NOT "${out}" STREQUAL "${want_out}")
  string(APPEND bad "stdout differs.\n--- expected\n${want_out}--- got\n${out}---\n")
endif()
if(NOT "${err}" STREQUAL "${want_err}")
  string(APPEND bad "stderr differs.\n--- expected\n${want_err}--- got\n${err}---\n")
endif()
if(bad)
  set(lzr_program_failure "${PROGRAM} [${ENGINE}, stress=${STRESS}, schedulers=${SCHEDULERS}]: ${bad}" PARENT_SCOPE)
endif()
endfunction()

if(NOT LZR_RUN_PROGRAM_INCLUDED)
  lzr_run_program()
  if(lzr_program_failure)
    message(FATAL_ERROR "${lzr_program_failure}")
  endif()
endif()
