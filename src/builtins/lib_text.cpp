// string: text functions over binaries (docs/builtins.md, "string").
// Byte-oriented functions (split, join, replace, contains, starts_with,
// ends_with, trim) take any binary; upcase and downcase map the code points
// of valid UTF-8 and keep other bytes; those that count characters
// (length, slice, reverse, pad_*) need valid UTF-8 and count code points.
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/lib_support.h"
#include "builtins/text_case.h"

namespace lzr {
namespace {

using lib::binary_of;
using lib::boolean;
using lib::bytes_of;
using lib::count_arg;
using lib::list_of;

// Length in bytes of the UTF-8 sequence at s[i], or 0 when it is not a
// valid one (overlong forms, surrogates and values past U+10FFFF included).
size_t utf8_char_len(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  return n;
}

// The byte offset where each code point starts, plus s.size() at the end;
// false for text that is not valid UTF-8.
bool char_starts(std::string_view s, std::vector<size_t>& starts) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_char_len(s, i);
    if (n == 0) return false;
    starts.push_back(i);
    i += n;
  }
  starts.push_back(s.size());
  return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// split(Text, Sep): the parts between the occurrences of Sep (a non-empty
// binary), empty parts kept: split("a,,b", ",") is ["a", "", "b"].
Term s_split(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0]) || !is_binary(a[1]) || binary_size(a[1]) == 0) return fail(env, kAtom_badarg);
  const std::string_view text = bytes_of(a[0]), sep = bytes_of(a[1]);
  std::vector<std::string_view> parts;
  for (size_t from = 0;;) {
    const size_t at = text.find(sep, from);
    parts.push_back(text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) break;
    from = at + sep.size();
  }
  std::vector<Term> items;
  items.reserve(parts.size());
  for (std::string_view p : parts) {  // no collection inside a built-in: `text` stays valid
    const Term b = binary_of(env, p);
    if (b == kRaised) return kRaised;
    items.push_back(b);
  }
  return list_of(env, items);
}

// split(Text): the words between runs of ASCII white space, no empty ones.
Term s_split_words(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  const std::string_view text = bytes_of(a[0]);
  std::vector<Term> items;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && is_space(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i == start) break;
    const Term b = binary_of(env, text.substr(start, i - start));
    if (b == kRaised) return kRaised;
    items.push_back(b);
  }
  return list_of(env, items);
}

// join(Binaries, Sep)
Term s_join(lzr_env* env, const Term* a, unsigned) {
  std::vector<Term> items;
  if (!lib::list_items(a[0], items) || !is_binary(a[1])) return fail(env, kAtom_badarg);
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!is_binary(items[i])) return fail(env, kAtom_badarg);
    if (i > 0) out += bytes_of(a[1]);
    out += bytes_of(items[i]);
  }
  return binary_of(env, out);
}

enum class Trim { Both, Leading, Trailing };
template <Trim Which>
Term s_trim(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  std::string_view t = bytes_of(a[0]);
  size_t from = 0, to = t.size();
  if (Which != Trim::Trailing)
    while (from < to && is_space(t[from])) ++from;
  if (Which != Trim::Leading)
    while (to > from && is_space(t[to - 1])) --to;
  if (from == 0 && to == t.size()) return a[0];
  return binary_of(env, t.substr(from, to - from));
}

// replace(Text, Pattern, Replacement): every occurrence, left to right.
Term s_replace(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0]) || !is_binary(a[1]) || !is_binary(a[2]) || binary_size(a[1]) == 0) return fail(env, kAtom_badarg);
  const std::string_view text = bytes_of(a[0]), pat = bytes_of(a[1]), rep = bytes_of(a[2]);
  std::string out;
  size_t from = 0;
  for (size_t at; (at = text.find(pat, from)) != std::string_view::npos; from = at + pat.size()) {
    out += text.substr(from, at - from);
    out += rep;
  }
  if (from == 0) return a[0];
  out += text.substr(from);
  return binary_of(env, out);
}

enum class Where { Anywhere, Start, End };
template <Where W>
Term s_contains(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0]) || !is_binary(a[1])) return fail(env, kAtom_badarg);
  const std::string_view text = bytes_of(a[0]), part = bytes_of(a[1]);
  if (W == Where::Start) return boolean(text.starts_with(part));
  if (W == Where::End) return boolean(text.ends_with(part));
  return boolean(text.find(part) != std::string_view::npos);
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The code point of the valid UTF-8 sequence of `n` bytes at s[i].
uint32_t code_point(std::string_view s, size_t i, size_t n) {
  static constexpr uint8_t kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  uint32_t cp = static_cast<uint8_t>(s[i]) & kLeadMask[n];
  for (size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<uint8_t>(s[i + k]) & 0x3F);
  return cp;
}

// Combining diacritical marks: skipped when the final-sigma rule looks
// for the letters around a sigma (Unicode's case-ignorable characters,
// narrowed to the block that follows Greek letters).
bool is_combining(uint32_t cp) { return cp >= 0x300 && cp <= 0x36F; }

// Whether the first code point after s[i] that is not a combining mark is
// a cased letter.
bool cased_letter_follows(std::string_view s, size_t i) {
  while (i < s.size()) {
    const size_t n = utf8_char_len(s, i);
    if (n == 0) return false;
    const uint32_t cp = code_point(s, i, n);
    if (!is_combining(cp)) return text_case::is_cased(cp);
    i += n;
  }
  return false;
}

// upcase/downcase: the case mappings of text_case.h for each code point of
// valid UTF-8 (the multi-code-point ones too: ß -> SS, ŉ -> ʼN, ΐ/ΰ, İ ->
// i + U+0307, and Σ -> ς at the end of a word, as Unicode's SpecialCasing);
// bytes that are not valid UTF-8 are kept as they are.
template <bool Up>
Term s_case(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  const std::string_view in = bytes_of(a[0]);
  std::string out;
  out.reserve(in.size());
  bool after_cased = false;  // the last code point other than a combining mark was a cased letter
  for (size_t i = 0; i < in.size();) {
    const uint8_t b = static_cast<uint8_t>(in[i]);
    if (b < 0x80) {  // ASCII without decoding
      char c = static_cast<char>(b);
      if (Up && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (!Up && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      out += c;
      after_cased = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
      ++i;
      continue;
    }
    const size_t n = utf8_char_len(in, i);
    if (n == 0) {  // not UTF-8: the byte as it is
      out += static_cast<char>(b);
      after_cased = false;
      ++i;
      continue;
    }
    const uint32_t cp = code_point(in, i, n);
    i += n;
    if (Up && cp == 0xDF) {
      out += "SS";
    } else if (Up && cp == 0x149) {
      out += "\xCA\xBC" "N";  // U+02BC, N
    } else if (Up && (cp == 0x390 || cp == 0x3B0)) {
      append_utf8(out, cp == 0x390 ? 0x399 : 0x3A5);
      out += "\xCC\x88\xCC\x81";  // U+0308, U+0301
    } else if (!Up && cp == 0x130) {
      out += "i\xCC\x87";  // i, U+0307
    } else if (!Up && cp == 0x3A3 && after_cased && !cased_letter_follows(in, i)) {
      append_utf8(out, 0x3C2);
    } else {
      append_utf8(out, Up ? text_case::upper(cp) : text_case::lower(cp));
    }
    if (!is_combining(cp)) after_cased = text_case::is_cased(cp);
  }
  return binary_of(env, out);
}

// to_float(Text): an optional sign, digits, and a fraction (`.` digits)
// and/or an exponent: "1.5", "-2.0e3", "1e10"; nothing else (no spaces, no
// "inf"/"nan", no hex). An integer text like "12" is accepted too (as 12.0).
Term s_to_float(lzr_env* env, const Term* a, unsigned) {
  if (!is_binary(a[0])) return fail(env, kAtom_badarg);
  std::string_view t = bytes_of(a[0]);
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  const size_t digits_at = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  if (i == digits_at) return fail(env, kAtom_badarg);
  if (i < t.size() && t[i] == '.') {
    const size_t frac = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == frac) return fail(env, kAtom_badarg);
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    const size_t exp = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == exp) return fail(env, kAtom_badarg);
  }
  if (i != t.size()) return fail(env, kAtom_badarg);
  // The syntax is checked: strtod (C locale) only converts, giving 0.0 or a
  // subnormal on underflow and HUGE_VAL on overflow (no float: badarg).
  const std::string text(t);
  const double d = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(d)) return fail(env, kAtom_badarg);
  return make_float(d);
}

// length(Text): code points.
Term s_length(lzr_env* env, const Term* a, unsigned) {
  std::vector<size_t> starts;
  if (!is_binary(a[0]) || !char_starts(bytes_of(a[0]), starts)) return fail(env, kAtom_badarg);
  return make_int(static_cast<int64_t>(starts.size() - 1));
}

// slice(Text, Start, Length): Length code points from code point Start
// (0-based), fewer at the end of the text ("" from past the end).
Term s_slice(lzr_env* env, const Term* a, unsigned) {
  int64_t start, len;
  std::vector<size_t> starts;
  if (!is_binary(a[0]) || !count_arg(a[1], start) || !count_arg(a[2], len) || !char_starts(bytes_of(a[0]), starts))
    return fail(env, kAtom_badarg);
  const size_t chars = starts.size() - 1;
  const size_t from = std::min<size_t>(static_cast<size_t>(start), chars);
  const size_t to = std::min<size_t>(from + std::min<size_t>(static_cast<size_t>(len), chars), chars);
  return binary_of(env, bytes_of(a[0]).substr(starts[from], starts[to] - starts[from]));
}

// reverse(Text): the code points in reverse order (each one's bytes kept).
Term s_reverse(lzr_env* env, const Term* a, unsigned) {
  std::vector<size_t> starts;
  if (!is_binary(a[0]) || !char_starts(bytes_of(a[0]), starts)) return fail(env, kAtom_badarg);
  const std::string_view t = bytes_of(a[0]);
  std::string out;
  out.reserve(t.size());
  for (size_t k = starts.size() - 1; k > 0; --k) out += t.substr(starts[k - 1], starts[k] - starts[k - 1]);
  return binary_of(env, out);
}

// pad_leading/pad_trailing(Text, Width[, Pad]): Text with copies of Pad (one
// code point; a space by default) before / after it to make Width code
// points; Text as it is when it is that long already.
template <bool Leading>
Term s_pad(lzr_env* env, const Term* a, unsigned argc) {
  int64_t width;
  std::vector<size_t> starts, pad_starts;
  if (!is_binary(a[0]) || !count_arg(a[1], width) || !char_starts(bytes_of(a[0]), starts)) return fail(env, kAtom_badarg);
  std::string_view pad = " ";
  if (argc == 3) {
    if (!is_binary(a[2]) || !char_starts(bytes_of(a[2]), pad_starts) || pad_starts.size() != 2) return fail(env, kAtom_badarg);
    pad = bytes_of(a[2]);
  }
  const size_t chars = starts.size() - 1;
  if (static_cast<uint64_t>(width) <= chars) return a[0];
  const std::string_view text = bytes_of(a[0]);
  const uint64_t extra = static_cast<uint64_t>(width) - chars;
  if (extra > (kMaxBinaryBytes - text.size()) / pad.size()) return fail(env, kAtom_system_limit);
  const size_t size = text.size() + static_cast<size_t>(extra) * pad.size();
  uint8_t* data;
  const Term out = alloc_binary_result(env, size, data);  // refused before anything is written
  if (out == kRaised) return kRaised;
  if (!Leading) data = std::copy(text.begin(), text.end(), data);
  for (uint64_t i = 0; i < extra; ++i) data = std::copy(pad.begin(), pad.end(), data);
  if (Leading) std::copy(text.begin(), text.end(), data);
  return out;
}

constexpr BuiltinFn kString[] = {
    {"split", 2, guarded<s_split>},
    {"split", 1, guarded<s_split_words>},
    {"join", 2, guarded<s_join>},
    {"trim", 1, guarded<s_trim<Trim::Both>>},
    {"trim_leading", 1, guarded<s_trim<Trim::Leading>>},
    {"trim_trailing", 1, guarded<s_trim<Trim::Trailing>>},
    {"replace", 3, guarded<s_replace>},
    {"contains", 2, guarded<s_contains<Where::Anywhere>>},
    {"starts_with", 2, guarded<s_contains<Where::Start>>},
    {"ends_with", 2, guarded<s_contains<Where::End>>},
    {"upcase", 1, guarded<s_case<true>>},
    {"downcase", 1, guarded<s_case<false>>},
    {"to_float", 1, guarded<s_to_float>},
    {"length", 1, guarded<s_length>},
    {"slice", 3, guarded<s_slice>},
    {"reverse", 1, guarded<s_reverse>},
    {"pad_leading", 2, guarded<s_pad<true>>},
    {"pad_leading", 3, guarded<s_pad<true>>},
    {"pad_trailing", 2, guarded<s_pad<false>>},
    {"pad_trailing", 3, guarded<s_pad<false>>},
};

}  // namespace

void register_lib_text(VM& vm) { add_builtin_module(vm, "string", kString); }

}  // namespace lzr
