// Literals in the text assembly (Elixir syntax plus `::encoding`
// annotations), both directions: parsing from tokens and printing text that
// parses back to the identical literal, encodings included.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "asm/token_cursor.h"
#include "format/literal.h"
#include "format/literal_text.h"

namespace lzr::asm_text {

// Parses one literal at the cursor. Every node gets its canonical encoding
// unless annotated (`5::int32`). Checks what a ByteTerm can hold (int32
// range, atom text, nesting depth).
std::optional<Literal> parse_literal(TokenCursor& cur, SyntaxError& err);

// Literal text; nodes whose encoding is not canonical carry `::name`.
std::string format_literal(const Literal& lit);
// Floats, atoms and text are formatted by format/literal_text.h, which
// io.print uses too.
using lzr::format_atom;
using lzr::format_float;
using lzr::is_printable_text;

// ByteTerm type by its annotation name ("int8", "list16", ...).
std::optional<ByteTermType> encoding_by_name(std::string_view name);

}  // namespace lzr::asm_text

namespace lzr {

// Convenience for tests and tools: parses a whole string as one literal.
// Errors read "col N: message".
std::optional<Literal> parse_literal_text(std::string_view text, std::string& err);

}  // namespace lzr
