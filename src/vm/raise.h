// Raising errors: a routine that fails stores the error term in the process
// and returns kRaised, a header word that is never a valid term.
#pragma once

#include "vm/process.h"
#include "vm/term.h"

namespace lzr {

constexpr Term kRaised = kTagHeader;

// Each returns kRaised. raise and raise_tagged raise class :error.
Term raise(Process& p, Term reason);
Term raise_tagged(Process& p, Term tag, Term value);   // raises {tag, value}
// `cls` is :error, :throw or :exit; `trace` a stack trace to keep ([]: the
// unwinder captures a fresh one).
Term raise_class(Process& p, Term cls, Term reason, Term trace = kNil);

}  // namespace lzr
