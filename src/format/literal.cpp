// Literal constructors and the encoding rules shared by the assembler (which
// picks canonical encodings) and the writer (which keeps the file's own).
#include "format/literal.h"

#include <bit>
#include <cfloat>
#include <cmath>
#include <limits>

#include "format/integer_text.h"

namespace lzr {

namespace {

bool fits_float32_exactly(double v) {
  // Casting an out-of-range double to float is undefined: range-check first.
  if (!std::isfinite(v) || std::fabs(v) > FLT_MAX) return false;
  return static_cast<double>(static_cast<float>(v)) == v;
}

ByteTermType sized_variant(size_t count, ByteTermType v8, ByteTermType v16, ByteTermType v32) {
  if (count <= 0xFF) return v8;
  if (count <= 0xFFFF) return v16;
  return v32;
}

// Element count a container encodes (maps count key/value pairs).
size_t encoded_count(const Literal& lit) {
  return lit.kind == Literal::Kind::Map ? lit.items.size() / 2 : lit.items.size();
}

uint64_t max_count(ByteTermType t) {
  switch (t) {
    case ByteTermType::List8: case ByteTermType::Tuple8: case ByteTermType::Map8: return 0xFF;
    case ByteTermType::List16: case ByteTermType::Tuple16: case ByteTermType::Map16: return 0xFFFF;
    default: return 0xFFFFFFFF;
  }
}

bool encoding_holds(const Literal& lit, ByteTermType t) {
  using T = ByteTermType;
  switch (lit.kind) {
    case Literal::Kind::Int:
      switch (t) {
        case T::I8: return lit.i >= -128 && lit.i <= 127;
        case T::U8: return lit.i >= 0 && lit.i <= 255;
        case T::I16: return lit.i >= INT16_MIN && lit.i <= INT16_MAX;
        case T::I32: return lit.i >= INT32_MIN && lit.i <= INT32_MAX;
        default: return false;
      }
    case Literal::Kind::Float:
      if (t == T::F32) return fits_float32_exactly(lit.f);
      return t == T::F64;
    case Literal::Kind::Atom: return t == T::Atom;
    case Literal::Kind::Binary: return t == T::Binary;
    case Literal::Kind::BigInt: return t == T::BigInt;
    case Literal::Kind::List:
      return (t == T::List8 || t == T::List16 || t == T::List32) && encoded_count(lit) <= max_count(t);
    case Literal::Kind::Tuple:
      return (t == T::Tuple8 || t == T::Tuple16 || t == T::Tuple32) && encoded_count(lit) <= max_count(t);
    case Literal::Kind::Map:
      return (t == T::Map8 || t == T::Map16 || t == T::Map32) && encoded_count(lit) <= max_count(t);
  }
  return false;
}

Literal with_canonical_encoding(Literal lit) {
  lit.encoding = canonical_encoding(lit);
  return lit;
}

std::optional<std::string> problem_at_depth(const Literal& lit, unsigned depth) {
  switch (lit.kind) {
    case Literal::Kind::Int:
      if (lit.i < INT32_MIN || lit.i > INT32_MAX)
        return "integer " + std::to_string(lit.i) + " has no literal encoding (int32, or bigint outside 48 bits); use load";
      return std::nullopt;
    case Literal::Kind::BigInt:
      if (lit.text.size() > kMaxBigIntBytes) return std::string("integer literal has more than 2^26 bits");
      if (const Literal canonical = Literal::big_integer(lit.negative, lit.text);
          canonical.kind != Literal::Kind::BigInt || canonical.text.size() != lit.text.size())
        return std::string("bigint literal is not canonical (a high zero byte, or a value in the small range)");
      return std::nullopt;
    case Literal::Kind::Float:
      if (!std::isfinite(lit.f)) return std::string("float literal is not finite");
      return std::nullopt;
    case Literal::Kind::Atom:
      if (auto p = atom_text_problem(lit.text)) return "atom " + *p;
      return std::nullopt;
    case Literal::Kind::Binary:
      if (lit.text.size() > UINT32_MAX) return std::string("binary longer than 4 GiB");
      return std::nullopt;
    case Literal::Kind::List:
    case Literal::Kind::Tuple:
    case Literal::Kind::Map:
      if (depth > kMaxLiteralDepth)
        return "literal nested deeper than " + std::to_string(kMaxLiteralDepth) + " levels";
      if (lit.kind == Literal::Kind::Map && lit.items.size() % 2 != 0)
        return std::string("map literal has a key without a value");
      if (encoded_count(lit) > UINT32_MAX) return std::string("literal has more than 2^32-1 elements");
      for (const Literal& item : lit.items) {
        if (auto p = problem_at_depth(item, depth + 1)) return p;
      }
      return std::nullopt;
  }
  return std::string("literal of unknown kind");
}

// Length of the UTF-8 sequence starting at text[i], 0 if invalid there.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; cp = b0 & 0x1F; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { len = 3; cp = b0 & 0x0F; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { len = 4; cp = b0 & 0x07; }
  else return 0;  // continuation byte, overlong lead (C0/C1) or beyond U+10FFFF
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return len;
}

}  // namespace

std::string_view byte_term_type_name(uint8_t type) {
  static constexpr std::string_view kNames[kNumByteTermTypes] = {
      "int8",  "int16",   "int32",   "float32", "float64", "uint8", "reserved", "atom",  "list8",
      "list16", "list32", "tuple8", "tuple16", "tuple32", "map8",  "map16",    "map32", "binary", "bigint"};
  return type < kNumByteTermTypes ? kNames[type] : std::string_view{};
}

bool Literal::operator==(const Literal& other) const {
  return kind == other.kind && encoding == other.encoding && i == other.i &&
         std::bit_cast<uint64_t>(f) == std::bit_cast<uint64_t>(other.f) && negative == other.negative &&
         text == other.text && items == other.items;
}

Literal Literal::integer(int64_t v) {
  if (!fits_small_integer(v)) {
    const uint64_t m = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    std::string bytes;
    for (unsigned k = 0; k < 8; ++k) bytes += static_cast<char>(m >> (8 * k));
    return big_integer(v < 0, std::move(bytes));
  }
  Literal lit;
  lit.kind = Kind::Int;
  lit.i = v;
  return with_canonical_encoding(std::move(lit));
}

Literal Literal::big_integer(bool negative, std::string magnitude) {
  while (!magnitude.empty() && magnitude.back() == '\0') magnitude.pop_back();
  if (magnitude.size() <= 6) {  // below 2^48: may be small
    uint64_t m = 0;
    for (size_t k = 0; k < magnitude.size(); ++k) m |= uint64_t{static_cast<uint8_t>(magnitude[k])} << (8 * k);
    const int64_t v = negative ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
    if (fits_small_integer(v)) return integer(v);
  }
  Literal lit;
  lit.kind = Kind::BigInt;
  lit.negative = negative;
  lit.text = std::move(magnitude);
  return with_canonical_encoding(std::move(lit));
}

std::string integer_literal_text(const Literal& lit) {
  if (lit.kind == Literal::Kind::BigInt) return integer_bytes_to_decimal(lit.negative, lit.text);
  return std::to_string(lit.i);
}

Literal Literal::floating(double v) {
  Literal lit;
  lit.kind = Kind::Float;
  lit.f = v;
  return with_canonical_encoding(std::move(lit));
}

Literal Literal::atom(std::string name) {
  Literal lit;
  lit.kind = Kind::Atom;
  lit.text = std::move(name);
  return with_canonical_encoding(std::move(lit));
}

Literal Literal::binary(std::string bytes) {
  Literal lit;
  lit.kind = Kind::Binary;
  lit.text = std::move(bytes);
  return with_canonical_encoding(std::move(lit));
}

Literal Literal::list(std::vector<Literal> items) {
  Literal lit;
  lit.kind = Kind::List;
  lit.items = std::move(items);
  return with_canonical_encoding(std::move(lit));
}

Literal Literal::tuple(std::vector<Literal> items) {
  Literal lit;
  lit.kind = Kind::Tuple;
  lit.items = std::move(items);
  return with_canonical_encoding(std::move(lit));
}

Literal Literal::map(std::vector<Literal> keys_and_values) {
  Literal lit;
  lit.kind = Kind::Map;
  lit.items = std::move(keys_and_values);
  return with_canonical_encoding(std::move(lit));
}

ByteTermType canonical_encoding(const Literal& lit) {
  using T = ByteTermType;
  switch (lit.kind) {
    case Literal::Kind::Int:
      if (lit.i >= -128 && lit.i <= 127) return T::I8;
      if (lit.i >= 128 && lit.i <= 255) return T::U8;
      if (lit.i >= INT16_MIN && lit.i <= INT16_MAX) return T::I16;
      return T::I32;  // values beyond int32 have no encoding (literal_problem says so)
    case Literal::Kind::Float: return fits_float32_exactly(lit.f) ? T::F32 : T::F64;
    case Literal::Kind::Atom: return T::Atom;
    case Literal::Kind::Binary: return T::Binary;
    case Literal::Kind::BigInt: return T::BigInt;
    case Literal::Kind::List: return sized_variant(encoded_count(lit), T::List8, T::List16, T::List32);
    case Literal::Kind::Tuple: return sized_variant(encoded_count(lit), T::Tuple8, T::Tuple16, T::Tuple32);
    case Literal::Kind::Map: return sized_variant(encoded_count(lit), T::Map8, T::Map16, T::Map32);
  }
  return T::I8;
}

bool is_canonical(const Literal& lit) {
  if (lit.encoding != canonical_encoding(lit)) return false;
  for (const Literal& item : lit.items) {
    if (!is_canonical(item)) return false;
  }
  return true;
}

ByteTermType effective_encoding(const Literal& lit) {
  return encoding_holds(lit, lit.encoding) ? lit.encoding : canonical_encoding(lit);
}

std::optional<std::string> literal_problem(const Literal& lit) { return problem_at_depth(lit, 1); }

std::optional<std::string> atom_text_problem(std::string_view text) {
  if (text.size() > 255) return "is " + std::to_string(text.size()) + " bytes long (at most 255)";
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\0') return std::string("contains a NUL byte");
    size_t len = utf8_sequence_length(text, i);
    if (len == 0) return std::string("is not valid UTF-8");
    i += len;
  }
  return std::nullopt;
}

}  // namespace lzr
