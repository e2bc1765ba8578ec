// Terms as text, in the literal syntax the assembler reads (Elixir's
// inspect format, docs/terms.md "Printing").
#pragma once

#include <string>

#include "format/literal_text.h"  // format_float, format_atom
#include "vm/atoms.h"
#include "vm/term.h"

namespace lzr {

void print_term(std::string& out, Term t, const AtomTable& atoms);
std::string term_to_string(Term t, const AtomTable& atoms);

}  // namespace lzr
