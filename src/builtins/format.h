// format: Erlang's io_lib:format control sequences over iodata
// (docs/builtins.md, "Formatting").
#pragma once

#include <string>

#include "builtins/builtins.h"

namespace lzr {

// Appends Format (iodata or an atom) with Args (a proper list) filled in
// to `out`. False, with badarg raised, when the format is malformed or an
// argument does not suit its directive, or when the arguments are too few
// or too many.
bool format_iodata(lzr_env* env, Term format, Term args, std::string& out);

}  // namespace lzr
