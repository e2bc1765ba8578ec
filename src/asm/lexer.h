// Tokens of the text assembly (docs/assembly.md, "Lexical structure").
// The lexer works one line at a time (every statement fits on one line), so
// a large source never exists as tokens all at once, and stops at the first
// malformed token; every token carries its 1-based line and byte column.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lzr::asm_text {

struct SourcePos {
  uint32_t line = 1;
  uint32_t col = 1;
};

// An assembly problem at a place in the source; the caller prefixes the
// file name ("file:line:col: message").
struct SyntaxError {
  SourcePos pos;
  std::string message;
};

enum class Tok : uint8_t {
  End,
  Newline,
  Ident,         // name or dotted name: x0, loop, io.print, int
  Keyword,       // `name:` (label definition or map/keyword-list key); text = name
  QuotedKeyword, // `"text":` (map key); text = decoded bytes
  FunRef,        // dotted name '/' digits, verbatim: fact/1, io.print/1
  Int,           // value in `int_value` (`big`: beyond int64)
  Float,         // value in `float_value`
  Atom,          // `:name` or `:"text"`; text = the atom's name
  String,        // `"text"`; text = decoded bytes
  PoolRef,       // `#N`; value in `int_value`
  Directive,     // `.name`; text = name without the dot
  Comma, LBrace, RBrace, LBracket, RBracket, LParen, RParen,
  PercentBrace,  // %{
  LtLt, GtGt,    // << >>
  Arrow,         // =>
  Pipe, Slash, DoubleColon, Equals,
};

std::string_view token_name(Tok kind);

struct Token {
  Tok kind = Tok::End;
  SourcePos pos;
  std::string text;
  int64_t int_value = 0;
  // Int beyond int64: `text` holds the magnitude (bytes, little-endian) and
  // int_value saturates to INT64_MAX or INT64_MIN, the sign, so every range
  // check on int_value rejects it.
  bool big = false;
  double float_value = 0;
  std::string_view spelling;  // the source text of the token, for messages
};

// Reads `source` line by line.
class LineLexer {
 public:
  explicit LineLexer(std::string_view source);
  ~LineLexer();
  LineLexer(const LineLexer&) = delete;
  LineLexer& operator=(const LineLexer&) = delete;
  // Replaces `out` with the next line's tokens, which end with Tok::Newline,
  // or with Tok::End on the last line (then every later call gives just
  // End). False + `err` at a malformed token.
  bool next_line(std::vector<Token>& out, SyntaxError& err);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits all of `source` into tokens ending with Tok::End; nullopt + `err`
// at the first malformed token.
std::optional<std::vector<Token>> tokenize(std::string_view source, SyntaxError& err);

// Lexical classes shared with the disassembler, which must print names that
// read back as the same token.
bool is_plain_name(std::string_view text);   // name usable as :atom and keyword key
bool is_dotted_name(std::string_view text);  // plain names joined by '.'
bool is_bare_function_ref(std::string_view text);  // dotted name '/' digits

// An Int token's value in decimal (big ones too), for messages.
std::string int_token_text(const Token& t);

}  // namespace lzr::asm_text
