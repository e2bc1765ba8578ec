// Literals in the text assembly (Elixir syntax plus `::encoding`
// annotations), both directions: parsing from tokens and printing text that
// parses back to the identical literal, encodings included.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "asm/token_cursor.h"
#include "format/literal.h"

namespace lzr::asm_text {

// Parses one literal at the cursor. Every node gets its canonical encoding
// unless annotated (`5::int32`). Checks what a ByteTerm can hold (int32
// range, atom text, nesting depth).
std::optional<Literal> parse_literal(TokenCursor& cur, SyntaxError& err);

// Literal text; nodes whose encoding is not canonical carry `::name`.
std::string format_literal(const Literal& lit);
// Shortest text that reads back as the same double, always with '.' or 'e'.
std::string format_float(double d);
// `:name`, `:"quoted"`, or bare `true` / `false` / `nil`.
std::string format_atom(std::string_view name);
// Body of a double-quoted string with escapes (no quotes).
std::string escape_text(std::string_view bytes);
// True when `bytes` prints as "text" rather than <<...>>.
bool is_printable_text(std::string_view bytes);

// ByteTerm type by its annotation name ("int8", "list16", ...).
std::optional<ByteTermType> encoding_by_name(std::string_view name);

}  // namespace lzr::asm_text

namespace lzr {

// Convenience for tests and tools: parses a whole string as one literal.
// Errors read "col N: message".
std::optional<Literal> parse_literal_text(std::string_view text, std::string& err);

}  // namespace lzr
