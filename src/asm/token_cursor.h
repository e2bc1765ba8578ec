// Read position over a token vector (one line, or a whole literal text),
// shared by the literal and statement parsers. Reading past the end keeps
// returning the last token (Newline or End).
#pragma once

#include <string>
#include <vector>

#include "asm/lexer.h"
#include "format/message_text.h"

namespace lzr::asm_text {

class TokenCursor {
 public:
  explicit TokenCursor(const std::vector<Token>& tokens) : tokens_(tokens) {}

  const Token& peek(size_t ahead = 0) const {
    size_t k = i_ + ahead;
    return k < tokens_.size() ? tokens_[k] : tokens_.back();
  }
  const Token& next() {
    const Token& t = peek();
    if (i_ < tokens_.size() - 1) ++i_;
    return t;
  }
  bool at(Tok kind) const { return peek().kind == kind; }
  bool accept(Tok kind) {
    if (!at(kind)) return false;
    next();
    return true;
  }
  // Back to the first token (the vector was refilled with the next line).
  void rewind() { i_ = 0; }

 private:
  const std::vector<Token>& tokens_;
  size_t i_ = 0;
};

// "got X" for an unexpected token, naming its text where that helps.
inline std::string describe_token(const Token& t) {
  switch (t.kind) {
    case Tok::End: case Tok::Newline: return std::string(token_name(t.kind));
    case Tok::Comma: case Tok::LBrace: case Tok::RBrace: case Tok::LBracket: case Tok::RBracket:
    case Tok::LParen: case Tok::RParen: case Tok::PercentBrace: case Tok::LtLt: case Tok::GtGt:
    case Tok::Arrow: case Tok::Pipe: case Tok::Slash: case Tok::DoubleColon: case Tok::Equals:
      return std::string(token_name(t.kind));
    default: return std::string(token_name(t.kind)) + " '" + printable_path(t.spelling) + "'";  // raw bytes escaped
  }
}

}  // namespace lzr::asm_text
