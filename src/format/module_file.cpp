// .lzr reader and writer (docs/bytecode.md, "Module file"). The reader treats
// its input as hostile: every count is checked against the bytes that remain
// before anything is allocated, nesting is bounded, and every failure becomes
// one line naming the byte offset.
#include "format/module_file.h"

#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "format/message_text.h"

namespace lzr {

namespace {

// Smallest encoded ByteTerm: a type byte plus a one-byte value or count.
constexpr size_t kMinLiteralBytes = 2;
// Smallest native function entry that can be valid: "f/0" and its NUL.
constexpr size_t kMinNativeFunctionBytes = 4;
constexpr size_t kFunctionEntryBytes = 10;

class Reader {
 public:
  Reader(std::string_view bytes, size_t pos, std::string_view file, LoadError& err)
      : bytes_(bytes), pos_(pos), file_(file), err_(err) {}

  size_t pos() const { return pos_; }
  size_t left() const { return pos_ <= bytes_.size() ? bytes_.size() - pos_ : 0; }

  // Records "<file>: byte N: <problem>" and returns false so callers can
  // `return r.fail(...)`.
  bool fail(size_t at, std::string_view problem) {
    err_.message = fmt::format("{}: byte {}: {}", file_, at, problem);
    return false;
  }

  // Same, for functions returning optionals.
  std::nullopt_t fail_none(size_t at, std::string_view problem) {
    fail(at, problem);
    return std::nullopt;
  }

  bool need(size_t n, std::string_view what) {
    if (left() >= n) return true;
    return fail(pos_, fmt::format("truncated {} (needs {}, {} left)", what, count_of(n, "byte"), left()));
  }

  // Little-endian unsigned of `n` bytes; call need() first.
  uint64_t take(size_t n) {
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= uint64_t{static_cast<unsigned char>(bytes_[pos_ + k])} << (8 * k);
    pos_ += n;
    return v;
  }
  std::string_view take_bytes(size_t n) {
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // NUL-terminated string; nullopt if no NUL before the end.
  std::optional<std::string_view> take_cstr() {
    size_t nul = bytes_.find('\0', pos_);
    if (nul == std::string_view::npos) return std::nullopt;
    std::string_view s = bytes_.substr(pos_, nul - pos_);
    pos_ = nul + 1;
    return s;
  }

  std::optional<Literal> literal(unsigned depth);

  // A reader of the same bytes that stops at `end` (offsets stay absolute).
  Reader bounded(size_t end) const { return Reader(bytes_.substr(0, end), pos_, file_, err_); }
  void skip_to(size_t pos) { pos_ = pos; }
  uint8_t byte_at(size_t pos) const { return static_cast<uint8_t>(bytes_[pos]); }

 private:
  bool container(Literal& lit, uint8_t type, size_t type_pos, unsigned depth);
  bool bigint(Literal& lit, size_t type_pos);

  std::string_view bytes_;
  size_t pos_;
  std::string_view file_;
  LoadError& err_;
};

unsigned count_bytes(ByteTermType t) {
  switch (t) {
    case ByteTermType::List8: case ByteTermType::Tuple8: case ByteTermType::Map8: return 1;
    case ByteTermType::List16: case ByteTermType::Tuple16: case ByteTermType::Map16: return 2;
    default: return 4;
  }
}

Literal::Kind container_kind(ByteTermType t) {
  if (t <= ByteTermType::List32) return Literal::Kind::List;
  if (t <= ByteTermType::Tuple32) return Literal::Kind::Tuple;
  return Literal::Kind::Map;
}

std::optional<Literal> Reader::literal(unsigned depth) {
  const size_t type_pos = pos_;
  if (!need(1, "literal")) return std::nullopt;
  const auto type = static_cast<uint8_t>(take(1));
  const auto encoding = static_cast<ByteTermType>(type);
  if (encoding == ByteTermType::Reserved6) return fail_none(type_pos, "literal type 6 is reserved");
  if (type >= kNumByteTermTypes) return fail_none(type_pos, fmt::format("unknown literal type {}", type));
  const std::string what = fmt::format("{} literal", byte_term_type_name(type));

  Literal lit;
  lit.encoding = encoding;
  auto signed_int = [&](unsigned n) -> bool {
    if (!need(n, what)) return false;
    uint64_t raw = take(n);
    unsigned shift = 64 - 8 * n;
    lit.kind = Literal::Kind::Int;
    lit.i = static_cast<int64_t>(raw << shift) >> shift;  // sign-extend (32 bits at most: always small)
    return true;
  };

  switch (encoding) {
    case ByteTermType::I8: if (!signed_int(1)) return std::nullopt; break;
    case ByteTermType::I16: if (!signed_int(2)) return std::nullopt; break;
    case ByteTermType::I32: if (!signed_int(4)) return std::nullopt; break;
    case ByteTermType::U8:
      if (!need(1, what)) return std::nullopt;
      lit.kind = Literal::Kind::Int;
      lit.i = static_cast<int64_t>(take(1));
      break;
    case ByteTermType::F32:
    case ByteTermType::F64: {
      const bool wide = encoding == ByteTermType::F64;
      if (!need(wide ? 8 : 4, what)) return std::nullopt;
      lit.kind = Literal::Kind::Float;
      lit.f = wide ? std::bit_cast<double>(take(8))
                   : static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(take(4))));
      if (!std::isfinite(lit.f)) return fail_none(type_pos, "float literal is not finite (NaN or infinity)");
      break;
    }
    case ByteTermType::Atom: {
      if (!need(1, "atom length")) return std::nullopt;
      size_t len = take(1);
      if (!need(len, "atom text")) return std::nullopt;
      lit.kind = Literal::Kind::Atom;
      lit.text = std::string(take_bytes(len));
      if (auto problem = atom_text_problem(lit.text)) return fail_none(type_pos, "atom " + *problem);
      break;
    }
    case ByteTermType::Binary: {
      if (!need(4, "binary length")) return std::nullopt;
      size_t len = take(4);
      if (!need(len, "binary data")) return std::nullopt;
      lit.kind = Literal::Kind::Binary;
      lit.text = std::string(take_bytes(len));
      break;
    }
    case ByteTermType::BigInt:
      if (!bigint(lit, type_pos)) return std::nullopt;
      break;
    default:
      if (!container(lit, type, type_pos, depth)) return std::nullopt;
      break;
  }
  return lit;
}

// sign:u8, len:u32, len magnitude bytes little-endian; only the canonical
// form is accepted, so every integer has exactly one encoding.
bool Reader::bigint(Literal& lit, size_t type_pos) {
  if (!need(1, "bigint sign")) return false;
  const size_t sign_pos = pos_;
  const auto sign = take(1);
  if (sign > 1) return fail(sign_pos, fmt::format("bigint sign byte is {}, must be 0 (positive) or 1 (negative)", sign));
  if (!need(4, "bigint length")) return false;
  const size_t len_pos = pos_;
  const uint64_t len = take(4);
  if (len > kMaxBigIntBytes)
    return fail(len_pos, fmt::format("bigint of {} exceeds the integer limit of 2^26 bits", count_of(len, "byte")));
  if (!need(len, "bigint magnitude")) return false;
  lit.kind = Literal::Kind::BigInt;
  lit.negative = sign == 1;
  lit.text = std::string(take_bytes(len));
  if (lit.text.empty() || lit.text.back() == '\0')
    return fail(len_pos, "bigint magnitude is empty or has a high zero byte (not canonical)");
  if (Literal::big_integer(lit.negative, lit.text).kind != Literal::Kind::BigInt)
    return fail(type_pos, "bigint value fits a small integer (not canonical: use int8, int16, int32 or load64)");
  return true;
}

bool Reader::container(Literal& lit, uint8_t type, size_t type_pos, unsigned depth) {
  const auto encoding = static_cast<ByteTermType>(type);
  if (depth > kMaxLiteralDepth)
    return fail(type_pos, fmt::format("literal nested deeper than {} levels", kMaxLiteralDepth));
  const unsigned width = count_bytes(encoding);
  if (!need(width, fmt::format("{} count", byte_term_type_name(type)))) return false;
  const uint64_t count = take(width);
  lit.kind = container_kind(encoding);
  const uint64_t terms = lit.kind == Literal::Kind::Map ? 2 * count : count;
  // Each element needs at least kMinLiteralBytes: reject impossible counts
  // before reserving anything.
  if (terms * kMinLiteralBytes > left())
    return fail(type_pos, fmt::format("{} of {} cannot fit in the {} left", byte_term_type_name(type),
                                      count_of(count, lit.kind == Literal::Kind::Map ? "pair" : "element"),
                                      count_of(left(), "byte")));
  lit.items.reserve(terms);
  for (uint64_t k = 0; k < terms; ++k) {
    auto item = literal(depth + 1);
    if (!item) return false;
    lit.items.push_back(std::move(*item));
  }
  return true;
}

// LEB128 numbers of the line table: at most 5 bytes, 32 bits, shortest
// form only (so that writing a read table back gives the same bytes).
std::optional<int64_t> read_leb(Reader& r, size_t entry, std::string_view what, bool is_signed) {
  const size_t start = r.pos();
  uint64_t value = 0;
  unsigned shift = 0;
  for (size_t n = 1;; ++n) {
    if (r.left() == 0) return r.fail_none(start, fmt::format("line table entry {}: truncated {}", entry, what));
    const auto byte = static_cast<uint8_t>(r.take(1));
    value |= uint64_t{byte & 0x7Fu} << shift;
    shift += 7;
    if (byte & 0x80) {
      if (n == 5) return r.fail_none(start, fmt::format("line table entry {}: {} does not fit 32 bits", entry, what));
      continue;
    }
    int64_t v = static_cast<int64_t>(value);
    if (is_signed && shift < 64 && (byte & 0x40)) v -= int64_t{1} << shift;  // sign-extend
    const bool fits = is_signed ? v >= INT32_MIN && v <= INT32_MAX : v <= UINT32_MAX;
    if (!fits) return r.fail_none(start, fmt::format("line table entry {}: {} does not fit 32 bits", entry, what));
    // Shortest form: the last byte must carry information the one before
    // could not (unsigned: a non-zero group; signed: a group that is not
    // just the previous byte's sign extended).
    const bool shortest = n == 1 || (is_signed ? !((byte == 0 && !(r.byte_at(r.pos() - 2) & 0x40)) ||
                                                   (byte == 0x7F && (r.byte_at(r.pos() - 2) & 0x40)))
                                               : byte != 0);
    if (!shortest)
      return r.fail_none(start, fmt::format("line table entry {}: {} is not in its shortest form", entry, what));
    return v;
  }
}

// The debug section after the function table: kind, size, payload. Only
// the line table (kind 1) is defined, at most once, and nothing follows it.
bool read_debug_section(Reader& r, ModuleFile& m) {
  const size_t kind_pos = r.pos();
  if (!r.need(5, "debug section header")) return false;
  const auto kind = static_cast<uint8_t>(r.take(1));
  if (kind != kLineTableSection)
    return r.fail(kind_pos, fmt::format("unknown debug section kind {} ({} = line table)", kind, kLineTableSection));
  const auto size = static_cast<size_t>(r.take(4));
  if (!r.need(size, "line table")) return false;
  const size_t end = r.pos() + size;
  Reader t = r.bounded(end);
  LineTable table;
  if (!t.need(1, "line table file name length")) return false;
  const auto name_len = static_cast<size_t>(t.take(1));
  if (!t.need(name_len, "line table file name")) return false;
  table.file = std::string(t.take_bytes(name_len));
  uint64_t word = 0;
  int64_t line = 0;
  while (t.left() > 0) {
    const size_t k = table.entries.size();
    auto word_delta = read_leb(t, k, "word delta", false);
    if (!word_delta) return false;
    auto line_delta = read_leb(t, k, "line delta", true);
    if (!line_delta) return false;
    word += static_cast<uint64_t>(*word_delta);
    line += *line_delta;
    table.entries.push_back({word, line});
  }
  m.lines = std::move(table);
  r.skip_to(end);
  if (r.left() > 0) return r.fail(r.pos(), fmt::format("{} after the line table", count_of(r.left(), "unexpected byte")));
  return true;
}

bool read_script(Reader& r, ModuleFile& m) {
  const size_t counts_pos = r.pos();
  if (!r.need(6, "script header")) return false;
  const auto num_literals = static_cast<size_t>(r.take(2));
  const auto num_code_words = static_cast<size_t>(r.take(4));
  if (num_literals * kMinLiteralBytes > r.left())
    return r.fail(counts_pos, fmt::format("{} cannot fit in the {} left", count_of(num_literals, "literal"), count_of(r.left(), "byte")));
  m.literals.reserve(num_literals);
  for (size_t k = 0; k < num_literals; ++k) {
    auto lit = r.literal(1);
    if (!lit) return false;
    m.literals.push_back(std::move(*lit));
  }
  if (!r.need(uint64_t{num_code_words} * 4, "code")) return false;
  m.code.resize(num_code_words);
  for (auto& word : m.code) word = static_cast<uint32_t>(r.take(4));

  if (!r.need(4, "function table header")) return false;
  m.module_name = static_cast<uint16_t>(r.take(2));
  const auto num_functions = static_cast<size_t>(r.take(2));
  if (!r.need(num_functions * kFunctionEntryBytes, "function table")) return false;
  m.functions.resize(num_functions);
  for (auto& f : m.functions) {
    f.name = static_cast<uint16_t>(r.take(2));
    f.arity = static_cast<uint8_t>(r.take(1));
    f.frame = static_cast<uint8_t>(r.take(1));
    f.upvals = static_cast<uint8_t>(r.take(1));
    f.reserved = static_cast<uint8_t>(r.take(1));
    f.entry = static_cast<uint32_t>(r.take(4));
  }
  if (r.left() == 0) return true;
  return read_debug_section(r, m);
}

bool read_native(Reader& r, ModuleFile& m) {
  if (!r.need(4, "native header")) return false;
  const auto size = static_cast<uint32_t>(r.take(4));
  const size_t name_len = size & 0xFF;
  const size_t num_functions = size >> 8;

  const size_t name_pos = r.pos();
  if (!r.need(name_len, "module name")) return false;
  m.native_name = std::string(r.take_bytes(name_len));
  if (auto problem = atom_text_problem(m.native_name)) return r.fail(name_pos, "module name " + *problem);

  const size_t lib_pos = r.pos();
  auto libpath = r.take_cstr();
  if (!libpath) return r.fail(lib_pos, "library path is not NUL-terminated");
  m.native_libpath = std::string(*libpath);

  if (num_functions * kMinNativeFunctionBytes > r.left())
    return r.fail(r.pos(), fmt::format("{} cannot fit in the {} left", count_of(num_functions, "function name"),
                                  count_of(r.left(), "byte")));
  m.native_functions.reserve(num_functions);
  for (size_t k = 0; k < num_functions; ++k) {
    const size_t fn_pos = r.pos();
    auto fn = r.take_cstr();
    if (!fn) return r.fail(fn_pos, fmt::format("function name {} is not NUL-terminated", k));
    m.native_functions.emplace_back(*fn);
  }
  if (r.left() > 0) return r.fail(r.pos(), fmt::format("{} after the function names", count_of(r.left(), "unexpected byte")));
  return true;
}

void put_le(std::vector<uint8_t>& out, uint64_t v, unsigned n) {
  for (unsigned k = 0; k < n; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
}

void put_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    out.push_back(static_cast<uint8_t>(byte | (v ? 0x80 : 0)));
  } while (v);
}

void put_sleb(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    const uint8_t byte = v & 0x7F;
    v >>= 7;  // arithmetic
    const bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    out.push_back(static_cast<uint8_t>(byte | (done ? 0 : 0x80)));
    if (done) return;
  }
}

// The line table's payload: file name, then the entries as deltas.
std::vector<uint8_t> line_table_payload(const LineTable& t, std::vector<size_t>* entry_starts = nullptr) {
  std::vector<uint8_t> out;
  out.push_back(static_cast<uint8_t>(t.file.size()));
  out.insert(out.end(), t.file.begin(), t.file.end());
  uint64_t word = 0;
  int64_t line = 0;
  for (const LineEntry& e : t.entries) {
    if (entry_starts) entry_starts->push_back(out.size());
    put_uleb(out, e.word - word);
    put_sleb(out, e.line - line);
    word = e.word;
    line = e.line;
  }
  return out;
}

}  // namespace

std::string ModuleFile::name() const {
  if (type == ModuleType::Native) return native_name;
  if (module_name < literals.size() && literals[module_name].kind == Literal::Kind::Atom)
    return literals[module_name].text;
  return {};
}

std::optional<ModuleFile> read_module(std::string_view bytes, std::string_view file, LoadError& err) {
  Reader r(bytes, 0, file, err);
  if (!r.need(4, "header")) return std::nullopt;
  if (r.take_bytes(3) != "LZR") return r.fail_none(0, "not a Lazer module (the file does not start with \"LZR\")");
  const auto type = static_cast<uint8_t>(r.take(1));
  ModuleFile m;
  if (type == static_cast<uint8_t>(ModuleType::Script)) {
    m.type = ModuleType::Script;
    if (!read_script(r, m)) return std::nullopt;
  } else if (type == static_cast<uint8_t>(ModuleType::Native)) {
    m.type = ModuleType::Native;
    if (!read_native(r, m)) return std::nullopt;
  } else {
    return r.fail_none(3, fmt::format("unknown module type {} (0 = native, 1 = script)", type));
  }
  return m;
}

std::optional<Literal> decode_literal(std::string_view bytes, size_t& pos, std::string_view file, LoadError& err) {
  Reader r(bytes, pos, file, err);
  auto lit = r.literal(1);
  if (lit) pos = r.pos();
  return lit;
}

void encode_literal(const Literal& lit, std::vector<uint8_t>& out) {
  using T = ByteTermType;
  const ByteTermType t = effective_encoding(lit);
  out.push_back(static_cast<uint8_t>(t));
  switch (t) {
    case T::I8: case T::U8: put_le(out, static_cast<uint64_t>(lit.i), 1); return;
    case T::I16: put_le(out, static_cast<uint64_t>(lit.i), 2); return;
    case T::I32: put_le(out, static_cast<uint64_t>(lit.i), 4); return;
    case T::F32: put_le(out, std::bit_cast<uint32_t>(static_cast<float>(lit.f)), 4); return;
    case T::F64: put_le(out, std::bit_cast<uint64_t>(lit.f), 8); return;
    case T::Atom:
      put_le(out, lit.text.size(), 1);
      out.insert(out.end(), lit.text.begin(), lit.text.end());
      return;
    case T::Binary:
      put_le(out, lit.text.size(), 4);
      out.insert(out.end(), lit.text.begin(), lit.text.end());
      return;
    case T::BigInt:
      put_le(out, lit.negative ? 1 : 0, 1);
      put_le(out, lit.text.size(), 4);
      out.insert(out.end(), lit.text.begin(), lit.text.end());
      return;
    case T::Reserved6: return;  // never chosen by effective_encoding
    default: {
      const bool is_map = lit.kind == Literal::Kind::Map;
      const size_t count = is_map ? lit.items.size() / 2 : lit.items.size();
      put_le(out, count, count_bytes(t));
      for (size_t k = 0; k < (is_map ? 2 * count : count); ++k) encode_literal(lit.items[k], out);
      return;
    }
  }
}

std::vector<uint8_t> write_module(const ModuleFile& m) {
  std::vector<uint8_t> out = {'L', 'Z', 'R', static_cast<uint8_t>(m.type)};
  if (m.type == ModuleType::Native) {
    put_le(out, (m.native_name.size() & 0xFF) | (m.native_functions.size() << 8), 4);
    out.insert(out.end(), m.native_name.begin(), m.native_name.end());
    out.insert(out.end(), m.native_libpath.begin(), m.native_libpath.end());
    out.push_back(0);
    for (const std::string& fn : m.native_functions) {
      out.insert(out.end(), fn.begin(), fn.end());
      out.push_back(0);
    }
    return out;
  }
  put_le(out, m.literals.size(), 2);
  put_le(out, m.code.size(), 4);
  for (const Literal& lit : m.literals) encode_literal(lit, out);
  for (uint32_t word : m.code) put_le(out, word, 4);
  put_le(out, m.module_name, 2);
  put_le(out, m.functions.size(), 2);
  for (const FunctionEntry& f : m.functions) {
    put_le(out, f.name, 2);
    out.push_back(f.arity);
    out.push_back(f.frame);
    out.push_back(f.upvals);
    out.push_back(f.reserved);
    put_le(out, f.entry, 4);
  }
  if (m.lines) {
    std::vector<uint8_t> payload = line_table_payload(*m.lines);
    out.push_back(kLineTableSection);
    put_le(out, payload.size(), 4);
    out.insert(out.end(), payload.begin(), payload.end());
  }
  return out;
}

std::vector<size_t> line_table_offsets(const ModuleFile& m) {
  if (m.type != ModuleType::Script || !m.lines) return {};
  size_t at = 4 + 6;
  std::vector<uint8_t> scratch;
  for (const Literal& lit : m.literals) {
    scratch.clear();
    encode_literal(lit, scratch);
    at += scratch.size();
  }
  at += 4 * m.code.size() + 4 + kFunctionEntryBytes * m.functions.size() + 5;  // + section kind and size
  std::vector<size_t> starts;
  line_table_payload(*m.lines, &starts);
  std::vector<size_t> out = {at};
  for (size_t s : starts) out.push_back(at + s);
  return out;
}

}  // namespace lzr
