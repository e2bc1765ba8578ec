// Literal values as text, in the syntax the assembler reads and the VM
// prints (Elixir's inspect format): shared by `lzr dis`, io.print and every
// other place that shows a term, so they can never disagree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lzr {

// [A-Za-z_][A-Za-z0-9_@]* with an optional final ? or !: an atom that prints
// bare (`:ok`, and `ok:` as a map key).
bool is_identifier(std::string_view s);
// Valid UTF-8 whose characters are all printable, plus \n \t \r.
bool is_printable_text(std::string_view bytes);
// Appends `text` between double quotes with \" \\ \n \t \r and \xHH escapes.
void append_quoted(std::string& out, std::string_view text);
// "text" when printable, else <<1, 2, 3>>.
void append_binary_text(std::string& out, std::string_view bytes);
// `true`, `false` and `nil` bare; `:name`; `:"quoted name"`.
std::string format_atom(std::string_view name);
// Shortest text that reads back as the same double, always with a '.' in the
// mantissa: 1.5, 100.0, 1.0e3, 1.0e-7, -0.0.
std::string format_float(double d);

}  // namespace lzr
