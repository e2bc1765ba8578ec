// Terms as text, in the literal syntax the assembler reads (Elixir's
// inspect format, docs/terms.md "Printing").
#pragma once

#include <string>

#include "vm/atoms.h"
#include "vm/term.h"

namespace lzr {

void print_term(std::string& out, Term t, const AtomTable& atoms);
std::string term_to_string(Term t, const AtomTable& atoms);
// Shortest text that reads back as the same double, always with a '.' or 'e'.
std::string format_float(double d);
// `:name` or `:"quoted name"`.
std::string format_atom(std::string_view name);

}  // namespace lzr
