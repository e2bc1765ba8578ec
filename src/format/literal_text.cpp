#include "format/literal_text.h"

#include <charconv>
#include <cmath>

namespace lzr {

namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// An atom prints bare (`:ok`, and `ok:` as a map key) when it reads as an
// identifier: [A-Za-z_][A-Za-z0-9_@]* with an optional final ? or !.
}  // namespace

bool is_identifier(std::string_view s) {
  if (s.empty() || !(is_ascii_letter(s[0]) || s[0] == '_')) return false;
  size_t n = s.size();
  if (s[n - 1] == '?' || s[n - 1] == '!') --n;
  for (size_t i = 1; i < n; ++i) {
    const char c = s[i];
    if (!(is_ascii_letter(c) || is_ascii_digit(c) || c == '_' || c == '@')) return false;
  }
  return true;
}


namespace {

void append_hex_escape(std::string& out, uint8_t byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 15];
}

}  // namespace

// Quoted text: \" \\ \n \t \r, and \xHH for other control bytes (only atoms
// can hold those here: a binary with them prints as <<...>>).
void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<uint8_t>(c) < 0x20 || c == 0x7F) {
          append_hex_escape(out, static_cast<uint8_t>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Valid UTF-8 whose characters are all printable (Elixir's rule, without
// the rarely used \a \b \v \f \e escapes): ASCII 0x20..0x7E, \n \t \r, and
// code points U+00A0..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF.
bool is_printable_text(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      if (!((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t' || c == '\r')) return false;
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF) return false;  // overlong or out of range
    const bool printable = (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
    if (!printable) return false;
    i += len;
  }
  return true;
}

void append_binary_text(std::string& out, std::string_view bytes) {
  if (is_printable_text(bytes)) {
    append_quoted(out, bytes);
    return;
  }
  out += "<<";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(static_cast<uint8_t>(bytes[i]));
  }
  out += ">>";
}

std::string format_atom(std::string_view name) {
  if (name == "true" || name == "false" || name == "nil") return std::string(name);  // Elixir prints these bare
  std::string out = ":";
  if (is_identifier(name)) {
    out += name;
  } else {
    append_quoted(out, name);
  }
  return out;
}

// Shortest round-trip digits (std::to_chars), laid out as Erlang and Elixir
// do: plain decimal unless scientific notation is shorter, scientific always
// from 2^53 on, and the mantissa always has a '.'.
std::string format_float(double d) {
  if (!std::isfinite(d)) return std::isnan(d) ? "nan" : (d < 0 ? "-inf" : "inf");  // the VM never makes these
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[40];
  const auto result = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(result.ptr - buf));  // [-]D[.DDD]e±XX
  const bool negative = sci[0] == '-';
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < e_pos; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  int exp10 = 0;  // value = D.DDD x 10^exp10
  std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp10);
  const int len = static_cast<int>(digits.size());
  const int place = exp10 - (len - 1);  // value = digits x 10^place
  const int exp_len = static_cast<int>(std::to_string(exp10).size());

  std::string out = negative ? "-" : "";
  bool fixed;
  if (place >= 0) {
    fixed = std::fabs(d) < 9007199254740992.0 && place <= exp_len + (len == 1 ? 1 : 0);
  } else if (exp10 >= 0) {
    fixed = true;
  } else {
    fixed = -place - len <= exp_len;
  }
  if (!fixed) {
    out += digits[0];
    out += '.';
    out += len > 1 ? std::string_view(digits).substr(1) : "0";
    out += 'e';
    out += std::to_string(exp10);
  } else if (place >= 0) {
    out += digits;
    out.append(static_cast<size_t>(place), '0');
    out += ".0";
  } else if (exp10 >= 0) {
    out += std::string_view(digits).substr(0, static_cast<size_t>(exp10 + 1));
    out += '.';
    out += std::string_view(digits).substr(static_cast<size_t>(exp10 + 1));
  } else {
    out += "0.";
    out.append(static_cast<size_t>(-exp10 - 1), '0');
    out += digits;
  }
  return out;
}

}  // namespace lzr
