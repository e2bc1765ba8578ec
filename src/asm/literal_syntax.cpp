// Literal parser and printer. The printer's output is the parser's input:
// format_literal(parse(text)) round-trips every literal, including
// non-canonical encodings (written with `::name`).
#include "asm/literal_syntax.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace lzr::asm_text {

namespace {

bool fail(SyntaxError& err, SourcePos pos, std::string message) {
  err = SyntaxError{pos, std::move(message)};
  return false;
}

std::string_view kind_noun(Literal::Kind k) {
  switch (k) {
    case Literal::Kind::Int: return "an integer";
    case Literal::Kind::Float: return "a float";
    case Literal::Kind::Atom: return "an atom";
    case Literal::Kind::List: return "a list";
    case Literal::Kind::Tuple: return "a tuple";
    case Literal::Kind::Map: return "a map";
    case Literal::Kind::Binary: return "a binary";
    case Literal::Kind::BigInt: return "an integer";
  }
  return "a literal";
}

Literal::Kind kind_of_encoding(ByteTermType t) {
  using T = ByteTermType;
  switch (t) {
    case T::I8: case T::I16: case T::I32: case T::U8: return Literal::Kind::Int;
    case T::F32: case T::F64: return Literal::Kind::Float;
    case T::Atom: return Literal::Kind::Atom;
    case T::List8: case T::List16: case T::List32: return Literal::Kind::List;
    case T::Tuple8: case T::Tuple16: case T::Tuple32: return Literal::Kind::Tuple;
    case T::Map8: case T::Map16: case T::Map32: return Literal::Kind::Map;
    case T::BigInt: return Literal::Kind::BigInt;
    default: return Literal::Kind::Binary;
  }
}

// Int and BigInt are one kind of value (integers) in two ranges.
bool is_integer_kind(Literal::Kind k) { return k == Literal::Kind::Int || k == Literal::Kind::BigInt; }
bool same_kind(Literal::Kind a, Literal::Kind b) { return a == b || (is_integer_kind(a) && is_integer_kind(b)); }

class LiteralParser {
 public:
  LiteralParser(TokenCursor& cur, SyntaxError& err) : cur_(cur), err_(err) {}

  std::optional<Literal> literal(unsigned depth) {
    const Token& start = cur_.peek();
    Literal lit;
    if (!value(lit, depth)) return std::nullopt;
    if (cur_.at(Tok::DoubleColon) && !annotate(lit, start)) return std::nullopt;
    return lit;
  }

 private:
  bool value(Literal& lit, unsigned depth) {
    const Token& t = cur_.next();
    switch (t.kind) {
      case Tok::Int:
        // int32 literals, or bigint (type 18) beyond the small range.
        lit = t.big ? Literal::big_integer(t.int_value < 0, t.text) : Literal::integer(t.int_value);
        if (lit.kind == Literal::Kind::Int && (lit.i < INT32_MIN || lit.i > INT32_MAX)) {
          return fail(err_, t.pos,
                      fmt::format("integer {} has no literal encoding (int32, or bigint outside 48 bits); use load",
                                  t.int_value));
        }
        return true;
      case Tok::Float:
        lit = Literal::floating(t.float_value);
        return true;
      case Tok::Atom:
        return atom(lit, t, t.text);
      case Tok::Ident:
        if (t.text == "true" || t.text == "false" || t.text == "nil") return atom(lit, t, t.text);
        return fail(err_, t.pos, "expected a literal, got name '" + t.text + "' (atoms are written :" + t.text + ")");
      case Tok::String:
        lit = Literal::binary(t.text);
        return true;
      case Tok::LBrace:
      case Tok::LBracket:
      case Tok::PercentBrace:
        if (depth >= kMaxLiteralDepth) {
          return fail(err_, t.pos, fmt::format("literal nested deeper than {} levels", kMaxLiteralDepth));
        }
        if (t.kind == Tok::LBrace) return sequence(lit, Literal::Kind::Tuple, Tok::RBrace, depth + 1);
        if (t.kind == Tok::LBracket) return sequence(lit, Literal::Kind::List, Tok::RBracket, depth + 1);
        return map(lit, depth + 1);
      case Tok::LtLt:
        return binary(lit);
      default:
        return fail(err_, t.pos, "expected a literal, got " + describe_token(t));
    }
  }

  bool atom(Literal& lit, const Token& t, const std::string& name) {
    if (auto problem = atom_text_problem(name)) return fail(err_, t.pos, "atom " + *problem);
    lit = Literal::atom(name);
    return true;
  }

  // Keyword entry (`key: value` / `"key": value`) if the cursor is at one.
  bool at_keyword() const { return cur_.at(Tok::Keyword) || cur_.at(Tok::QuotedKeyword); }
  bool keyword_key(Literal& key) {
    const Token& t = cur_.next();
    if (t.kind == Tok::Keyword && !is_plain_name(t.text)) {
      return fail(err_, t.pos, "keyword key '" + t.text + ":' must be a plain name (quote it: \"" + t.text + "\":)");
    }
    return atom(key, t, t.text);
  }

  // Tuples and lists: elements separated by commas. Lists also take
  // keyword entries (`[a: 1]` is `[{:a, 1}]`).
  bool sequence(Literal& lit, Literal::Kind kind, Tok close, unsigned depth) {
    std::vector<Literal> items;
    if (!cur_.accept(close)) {
      for (;;) {
        if (kind == Literal::Kind::List && at_keyword()) {
          Literal key;
          if (!keyword_key(key)) return false;
          auto value = literal(depth);
          if (!value) return false;
          items.push_back(Literal::tuple({std::move(key), std::move(*value)}));
        } else {
          auto item = literal(depth);
          if (!item) return false;
          items.push_back(std::move(*item));
        }
        if (cur_.accept(Tok::Comma)) continue;
        if (cur_.accept(close)) break;
        if (cur_.at(Tok::Pipe)) return fail(err_, cur_.peek().pos, "improper lists cannot be literals");
        return fail(err_, cur_.peek().pos,
                    fmt::format("expected ',' or {}, got {}", token_name(close), describe_token(cur_.peek())));
      }
    }
    lit = kind == Literal::Kind::List ? Literal::list(std::move(items)) : Literal::tuple(std::move(items));
    return true;
  }

  bool map(Literal& lit, unsigned depth) {
    std::vector<Literal> items;
    if (!cur_.accept(Tok::RBrace)) {
      for (;;) {
        Literal key;
        if (at_keyword()) {
          if (!keyword_key(key)) return false;
        } else {
          auto k = literal(depth);
          if (!k) return false;
          key = std::move(*k);
          if (!cur_.accept(Tok::Arrow)) {
            return fail(err_, cur_.peek().pos, "expected '=>' after map key, got " + describe_token(cur_.peek()));
          }
        }
        auto value = literal(depth);
        if (!value) return false;
        items.push_back(std::move(key));
        items.push_back(std::move(*value));
        if (cur_.accept(Tok::Comma)) continue;
        if (cur_.accept(Tok::RBrace)) break;
        return fail(err_, cur_.peek().pos, "expected ',' or '}', got " + describe_token(cur_.peek()));
      }
    }
    lit = Literal::map(std::move(items));
    return true;
  }

  // <<1, 2, "text">>: bytes and strings.
  bool binary(Literal& lit) {
    std::string bytes;
    if (!cur_.accept(Tok::GtGt)) {
      for (;;) {
        const Token& t = cur_.next();
        if (t.kind == Tok::String) {
          bytes += t.text;
        } else if (t.kind == Tok::Int && t.int_value >= 0 && t.int_value <= 255) {
          bytes += static_cast<char>(t.int_value);
        } else if (t.kind == Tok::Int) {
          return fail(err_, t.pos, fmt::format("binary element {} is not a byte (0..255)", int_token_text(t)));
        } else {
          return fail(err_, t.pos, "binary elements are bytes 0..255 or strings, got " + describe_token(t));
        }
        if (cur_.accept(Tok::Comma)) continue;
        if (cur_.accept(Tok::GtGt)) break;
        return fail(err_, cur_.peek().pos, "expected ',' or '>>', got " + describe_token(cur_.peek()));
      }
    }
    lit = Literal::binary(std::move(bytes));
    return true;
  }

  bool annotate(Literal& lit, const Token& start) {
    cur_.next();  // ::
    const Token& t = cur_.next();
    auto enc = t.kind == Tok::Ident ? encoding_by_name(t.text) : std::nullopt;
    if (!enc) {
      return fail(err_, t.pos,
                  "expected an encoding after '::' (int8 int16 int32 uint8 bigint float32 float64 atom binary "
                  "list8/16/32 tuple8/16/32 map8/16/32), got " +
                      describe_token(t));
    }
    lit.encoding = *enc;
    if (effective_encoding(lit) == *enc) return true;
    std::string_view name = byte_term_type_name(static_cast<uint8_t>(*enc));
    if (!same_kind(kind_of_encoding(*enc), lit.kind)) {
      return fail(err_, start.pos, fmt::format("{} cannot be stored as {}", kind_noun(lit.kind), name));
    }
    std::string what;
    switch (lit.kind) {
      case Literal::Kind::Int: case Literal::Kind::BigInt: what = integer_literal_text(lit); break;
      case Literal::Kind::Float: return fail(err_, start.pos, fmt::format("{} is not exact in float32", format_float(lit.f)));
      case Literal::Kind::Map: what = fmt::format("a map of {} entries", lit.items.size() / 2); break;
      default: what = fmt::format("{} of {} elements", kind_noun(lit.kind), lit.items.size()); break;
    }
    return fail(err_, start.pos, fmt::format("{} does not fit {}", what, name));
  }

  TokenCursor& cur_;
  SyntaxError& err_;
};

void format_into(std::string& out, const Literal& lit);

void format_items(std::string& out, const std::vector<Literal>& items, size_t step) {
  for (size_t k = 0; k < items.size(); k += step) {
    if (k) out += ", ";
    format_into(out, items[k]);
  }
}

// %{a: 1} when every key is an atom that reads back as a keyword key.
bool keyword_keys(const Literal& map) {
  for (size_t k = 0; k < map.items.size(); k += 2) {
    const Literal& key = map.items[k];
    if (key.kind != Literal::Kind::Atom || !is_identifier(key.text)) return false;
  }
  return true;
}

void format_into(std::string& out, const Literal& lit) {
  switch (lit.kind) {
    case Literal::Kind::Int: case Literal::Kind::BigInt: out += integer_literal_text(lit); break;
    case Literal::Kind::Float: out += format_float(lit.f); break;
    case Literal::Kind::Atom: out += format_atom(lit.text); break;
    case Literal::Kind::Binary: append_binary_text(out, lit.text); break;
    case Literal::Kind::List:
      out += '[';
      format_items(out, lit.items, 1);
      out += ']';
      break;
    case Literal::Kind::Tuple:
      out += '{';
      format_items(out, lit.items, 1);
      out += '}';
      break;
    case Literal::Kind::Map: {
      out += "%{";
      bool keywords = keyword_keys(lit);
      for (size_t k = 0; k + 1 < lit.items.size(); k += 2) {
        if (k) out += ", ";
        if (keywords) {
          out += lit.items[k].text;
          out += ": ";
        } else {
          format_into(out, lit.items[k]);
          out += " => ";
        }
        format_into(out, lit.items[k + 1]);
      }
      out += '}';
      break;
    }
  }
  if (lit.encoding != canonical_encoding(lit)) {
    out += "::";
    out += byte_term_type_name(static_cast<uint8_t>(lit.encoding));
  }
}

}  // namespace

std::optional<Literal> parse_literal(TokenCursor& cur, SyntaxError& err) {
  return LiteralParser(cur, err).literal(0);
}

std::optional<ByteTermType> encoding_by_name(std::string_view name) {
  for (uint8_t t = 0; t < kNumByteTermTypes; ++t) {
    if (t == static_cast<uint8_t>(ByteTermType::Reserved6)) continue;
    if (byte_term_type_name(t) == name) return static_cast<ByteTermType>(t);
  }
  return std::nullopt;
}

std::string format_literal(const Literal& lit) {
  std::string out;
  format_into(out, lit);
  return out;
}

}  // namespace lzr::asm_text

namespace lzr {

std::optional<Literal> parse_literal_text(std::string_view text, std::string& err) {
  using namespace asm_text;
  SyntaxError serr;
  auto tokens = tokenize(text, serr);
  if (!tokens) {
    err = fmt::format("col {}: {}", serr.pos.col, serr.message);
    return std::nullopt;
  }
  TokenCursor cur(*tokens);
  auto lit = parse_literal(cur, serr);
  if (lit && !cur.at(Tok::End)) {
    serr = SyntaxError{cur.peek().pos, "unexpected " + describe_token(cur.peek()) + " after the literal"};
    lit.reset();
  }
  if (!lit) err = fmt::format("col {}: {}", serr.pos.col, serr.message);
  return lit;
}

}  // namespace lzr
