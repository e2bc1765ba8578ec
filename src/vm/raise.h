// Raising errors: a routine that fails stores the error term in the process
// and returns kRaised, a header word that is never a valid term.
#pragma once

#include "vm/process.h"
#include "vm/term.h"

namespace lzr {

constexpr Term kRaised = kTagHeader;

Term raise(Process& p, Term reason);                   // returns kRaised
Term raise_tagged(Process& p, Term tag, Term value);   // raises {tag, value}

}  // namespace lzr
