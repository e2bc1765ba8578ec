// Results of built-ins that reach the operating system (io, file, system):
// failures are {:error, Reason} with a POSIX-style atom, never a raise.
#pragma once

#include <cstdio>
#include <string>

#include "builtins/builtins.h"

namespace lzr {

// The atom for an errno value: :enoent, :eacces, :eisdir, ... (lower-case
// errno names; an errno without a name here is :eio).
Term posix_reason(lzr_env* env, int err);
// {:error, posix_reason(err)}.
Term posix_error(lzr_env* env, int err);
// {:ok, value}.
Term ok_tuple(lzr_env* env, Term value);
// A binary of `bytes`, or kRaised with system_limit raised when the heap
// cannot take it.
Term binary_result(lzr_env* env, const char* bytes, size_t n);

// The next line of `f` without its "\n", :eof, or {:error, Reason}
// (io.read_line/0 and file.read_line/1; io.cpp).
Term read_line_from_file(lzr_env* env, std::FILE* f);

}  // namespace lzr
