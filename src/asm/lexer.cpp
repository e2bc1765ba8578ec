// Lexer for the text assembly. Hand-written: the token set is small and the
// error messages must point at the exact column.
#include "asm/lexer.h"

#include "format/integer_text.h"
#include "format/literal.h"
#include "format/literal_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace lzr::asm_text {

namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c) || c == '@'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string describe_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7F) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02X}", u);
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  // Appends the tokens up to and including the next Newline (or End).
  bool line(std::vector<Token>& out, SyntaxError& err) {
    err_ = &err;
    for (;;) {
      skip_blanks();
      Token& t = out.emplace_back();
      t.pos = here();
      size_t start = i_;
      if (i_ >= src_.size()) {
        t.kind = Tok::End;
        return true;
      }
      if (!next_token(t)) return false;
      t.spelling = src_.substr(start, i_ - start);
      if (t.kind == Tok::Newline) return true;
    }
  }

 private:
  char peek(size_t ahead = 0) const { return i_ + ahead < src_.size() ? src_[i_ + ahead] : '\0'; }
  bool at_end(size_t ahead = 0) const { return i_ + ahead >= src_.size(); }
  SourcePos here() const { return SourcePos{line_, static_cast<uint32_t>(i_ - line_start_ + 1)}; }

  void advance(size_t n = 1) { i_ += n; }

  bool fail(SourcePos pos, std::string message) {
    *err_ = SyntaxError{pos, std::move(message)};
    return false;
  }

  void skip_blanks() {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r') {
        advance();
      } else if (c == ';') {
        while (!at_end() && peek() != '\n') advance();
      } else {
        break;
      }
    }
  }

  bool next_token(Token& t) {
    char c = peek();
    auto single = [&](Tok kind, size_t len = 1) {
      t.kind = kind;
      advance(len);
      return true;
    };
    switch (c) {
      case '\n':
        t.kind = Tok::Newline;
        advance();
        ++line_;
        line_start_ = i_;
        return true;
      case ',': return single(Tok::Comma);
      case '{': return single(Tok::LBrace);
      case '}': return single(Tok::RBrace);
      case '[': return single(Tok::LBracket);
      case ']': return single(Tok::RBracket);
      case '(': return single(Tok::LParen);
      case ')': return single(Tok::RParen);
      case '|': return single(Tok::Pipe);
      case '/': return single(Tok::Slash);
      case '=': return peek(1) == '>' ? single(Tok::Arrow, 2) : single(Tok::Equals);
      case '%':
        if (peek(1) == '{') return single(Tok::PercentBrace, 2);
        return fail(here(), "'%' must start a map: %{");
      case '<':
        if (peek(1) == '<') return single(Tok::LtLt, 2);
        return fail(here(), "unexpected '<' (binaries are written <<1, 2>>)");
      case '>':
        if (peek(1) == '>') return single(Tok::GtGt, 2);
        return fail(here(), "unexpected '>'");
      case '"': return string_token(t);
      case ':': return colon_token(t);
      case '#': return pool_ref(t);
      case '.':
        if (is_name_start(peek(1))) {
          advance();
          t.kind = Tok::Directive;
          t.text = plain_name();
          return true;
        }
        return fail(here(), "unexpected '.' (directives are .pool, .lit, .file, .line and .nolines; floats need a leading digit)");
      default: break;
    }
    if (is_digit(c) || (c == '-' && is_digit(peek(1)))) return number(t);
    if (is_name_start(c)) return name_token(t);
    return fail(here(), "unexpected " + describe_char(c));
  }

  std::string plain_name() {
    size_t start = i_;
    while (is_name_char(peek())) advance();
    if (peek() == '?' || peek() == '!') advance();
    return std::string(src_.substr(start, i_ - start));
  }

  bool name_token(Token& t) {
    std::string name = plain_name();
    while (peek() == '.' && is_name_start(peek(1))) {
      advance();
      name += '.';
      name += plain_name();
    }
    if (peek() == '/' && is_digit(peek(1))) {
      advance();
      name += '/';
      while (is_digit(peek())) name += src_[i_++];
      if (is_name_char(peek())) return fail(here(), "unexpected " + describe_char(peek()) + " after function arity");
      t.kind = Tok::FunRef;
      t.text = std::move(name);
      return true;
    }
    if (peek() == ':' && peek(1) != ':') {
      advance();
      t.kind = Tok::Keyword;
      t.text = std::move(name);
      return true;
    }
    t.kind = Tok::Ident;
    t.text = std::move(name);
    return true;
  }

  bool colon_token(Token& t) {
    SourcePos pos = here();
    if (peek(1) == ':') {
      t.kind = Tok::DoubleColon;
      advance(2);
      return true;
    }
    if (is_name_start(peek(1))) {
      advance();
      t.kind = Tok::Atom;
      t.text = plain_name();
      return true;
    }
    if (peek(1) == '"') {
      advance();
      if (!quoted(t.text)) return false;
      t.kind = Tok::Atom;
      return true;
    }
    return fail(pos, "':' must start an atom (:name or :\"text\")");
  }

  bool string_token(Token& t) {
    if (!quoted(t.text)) return false;
    if (peek() == ':' && peek(1) != ':') {
      advance();
      t.kind = Tok::QuotedKeyword;
    } else {
      t.kind = Tok::String;
    }
    return true;
  }

  // Reads "..." at the cursor, decoding escapes into `out`.
  bool quoted(std::string& out) {
    SourcePos open = here();
    advance();  // opening quote
    for (;;) {
      if (at_end() || peek() == '\n') return fail(open, "unterminated string (strings end on the same line)");
      char c = peek();
      if (c == '"') {
        advance();
        return true;
      }
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      SourcePos esc = here();
      char e = peek(1);
      switch (e) {
        case 'n': out += '\n'; advance(2); continue;
        case 't': out += '\t'; advance(2); continue;
        case 'r': out += '\r'; advance(2); continue;
        case '\\': out += '\\'; advance(2); continue;
        case '"': out += '"'; advance(2); continue;
        case 'x': {
          int hi = hex_value(peek(2)), lo = hex_value(peek(3));
          if (hi < 0 || lo < 0) return fail(esc, "\\x needs two hex digits (\\x0A)");
          out += static_cast<char>(hi * 16 + lo);
          advance(4);
          continue;
        }
        default:
          if (e == '\n' || at_end(1)) return fail(open, "unterminated string (strings end on the same line)");
          return fail(esc, "unknown escape \\" + std::string(1, e) + R"( (use \n \t \r \\ \" or \xHH))");
      }
    }
  }

  bool pool_ref(Token& t) {
    SourcePos pos = here();
    advance();
    if (!is_digit(peek())) return fail(pos, "'#' must be followed by a pool index (#3)");
    uint64_t v = 0;
    while (is_digit(peek())) {
      v = v * 10 + static_cast<uint64_t>(src_[i_++] - '0');
      if (v > 0xFFFFFFFF) return fail(pos, "pool index too large");
    }
    t.kind = Tok::PoolRef;
    t.int_value = static_cast<int64_t>(v);
    return true;
  }

  // Digits in base `base`, single underscores allowed between digits.
  bool digits(int base, std::string& out, SourcePos start) {
    bool any = false;
    for (;;) {
      char c = peek();
      int v = hex_value(c);
      if (v >= 0 && v < base && (base == 16 || is_digit(c))) {
        out += c;
        any = true;
        advance();
      } else if (c == '_' && any && hex_value(peek(1)) >= 0 && hex_value(peek(1)) < base) {
        advance();
      } else {
        break;
      }
    }
    if (!any) return fail(start, "malformed number");
    return true;
  }

  bool number(Token& t) {
    SourcePos start = here();
    size_t first = i_;
    bool negative = peek() == '-';
    if (negative) advance();
    int base = 10;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) base = 16;
    if (peek() == '0' && (peek(1) == 'b' || peek(1) == 'B')) base = 2;
    if (peek() == '0' && (peek(1) == 'o' || peek(1) == 'O')) base = 8;
    if (base != 10) advance(2);
    std::string whole;
    if (!digits(base, whole, start)) return false;
    bool is_float = false;
    std::string text = (negative ? "-" : "") + whole;
    if (base == 10 && peek() == '.' && is_digit(peek(1))) {
      advance();
      std::string frac;
      if (!digits(10, frac, start)) return false;
      text += "." + frac;
      is_float = true;
    }
    if (base == 10 && (peek() == 'e' || peek() == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
      advance();
      text += 'e';
      if (peek() == '+' || peek() == '-') text += src_[i_++];
      std::string exp;
      if (!digits(10, exp, start)) return false;
      text += exp;
      is_float = true;
    }
    if (is_name_char(peek()) || peek() == '.') {
      return fail(start, fmt::format("malformed number '{}'", src_.substr(first, i_ - first + 1)));
    }
    if (is_float) {
      t.kind = Tok::Float;
      double v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc::result_out_of_range) v = std::strtod(text.c_str(), nullptr);  // underflow: keep strtod's value
      if (!std::isfinite(v)) return fail(start, "float " + text + " is out of range (floats must be finite)");
      t.float_value = v;
      return true;
    }
    // Accumulate the magnitude in 64 bits unsigned; -2^63 is the one value
    // whose magnitude does not fit int64. Anything larger is a big integer.
    t.kind = Tok::Int;
    uint64_t mag = 0;
    for (char c : whole) {
      uint64_t d = static_cast<uint64_t>(hex_value(c));
      if (mag > (UINT64_MAX - d) / static_cast<uint64_t>(base)) return big_int(t, whole, base, negative, start, first);
      mag = mag * static_cast<uint64_t>(base) + d;
    }
    uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
    if (mag > limit) return big_int(t, whole, base, negative, start, first);
    t.int_value = negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
    return true;
  }

  // An integer beyond int64 (Token::big), read by GMP; at most the VM's
  // integer limit (2^26 bits).
  bool big_int(Token& t, const std::string& digits, int base, bool negative, SourcePos start, size_t first) {
    auto too_large = [&] {
      return fail(start, fmt::format("integer of {} characters is beyond the integer limit (2^26 bits)", i_ - first));
    };
    // n significant digits are worth at least (n - 1) * floor(log2 base) + 1
    // bits: far too long a number is refused before it is converted.
    const size_t significant = digits.size() - std::min(digits.find_first_not_of('0'), digits.size());
    const uint64_t floor_log2 = base == 10 ? 3 : base == 16 ? 4 : base == 8 ? 3 : 1;
    if (significant > 0 && (significant - 1) * floor_log2 + 1 > kMaxBigIntBytes * 8) return too_large();
    const std::vector<uint64_t> limbs = magnitude_from_digits(digits, static_cast<unsigned>(base));
    t.text = magnitude_to_bytes(limbs.data(), limbs.size());
    if (t.text.size() > kMaxBigIntBytes) return too_large();
    t.big = true;
    t.int_value = negative ? INT64_MIN : INT64_MAX;
    return true;
  }

  std::string_view src_;
  SyntaxError* err_ = nullptr;
  size_t i_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::string int_token_text(const Token& t) {
  return t.big ? integer_bytes_to_decimal(t.int_value < 0, t.text) : std::to_string(t.int_value);
}

std::string_view token_name(Tok kind) {
  switch (kind) {
    case Tok::End: return "end of file";
    case Tok::Newline: return "end of line";
    case Tok::Ident: return "name";
    case Tok::Keyword: return "'name:'";
    case Tok::QuotedKeyword: return "'\"text\":'";
    case Tok::FunRef: return "function name/arity";
    case Tok::Int: return "integer";
    case Tok::Float: return "float";
    case Tok::Atom: return "atom";
    case Tok::String: return "string";
    case Tok::PoolRef: return "pool reference";
    case Tok::Directive: return "directive";
    case Tok::Comma: return "','";
    case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::PercentBrace: return "'%{'";
    case Tok::LtLt: return "'<<'";
    case Tok::GtGt: return "'>>'";
    case Tok::Arrow: return "'=>'";
    case Tok::Pipe: return "'|'";
    case Tok::Slash: return "'/'";
    case Tok::DoubleColon: return "'::'";
    case Tok::Equals: return "'='";
  }
  return "token";
}

class LineLexer::Impl : public Lexer {
 public:
  using Lexer::Lexer;
};

LineLexer::LineLexer(std::string_view source) : impl_(std::make_unique<Impl>(source)) {}
LineLexer::~LineLexer() = default;

bool LineLexer::next_line(std::vector<Token>& out, SyntaxError& err) {
  out.clear();
  return impl_->line(out, err);
}

std::optional<std::vector<Token>> tokenize(std::string_view source, SyntaxError& err) {
  Lexer lexer(source);
  std::vector<Token> out;
  do {
    if (!lexer.line(out, err)) return std::nullopt;
  } while (out.back().kind != Tok::End);
  return out;
}

bool is_plain_name(std::string_view text) { return is_identifier(text); }

bool is_dotted_name(std::string_view text) {
  for (;;) {
    size_t dot = text.find('.');
    if (!is_plain_name(text.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    text.remove_prefix(dot + 1);
  }
}

bool is_bare_function_ref(std::string_view text) {
  size_t slash = text.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == text.size()) return false;
  for (char c : text.substr(slash + 1)) {
    if (!is_digit(c)) return false;
  }
  return is_dotted_name(text.substr(0, slash));
}

}  // namespace lzr::asm_text
