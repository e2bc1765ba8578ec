// Terms as text (docs/terms.md, "Printing"): Elixir's inspect format.
#include "vm/printer.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "vm/function_info.h"
#include "vm/maps.h"
#include "vm/work_stack.h"

namespace lzr {

namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// An atom prints bare (`:ok`, and `ok:` as a map key) when it reads as an
// identifier: [A-Za-z_][A-Za-z0-9_@]* with an optional final ? or !.
bool atom_is_identifier(std::string_view s) {
  if (s.empty() || !(is_ascii_letter(s[0]) || s[0] == '_')) return false;
  size_t n = s.size();
  if (s[n - 1] == '?' || s[n - 1] == '!') --n;
  for (size_t i = 1; i < n; ++i) {
    const char c = s[i];
    if (!(is_ascii_letter(c) || is_ascii_digit(c) || c == '_' || c == '@')) return false;
  }
  return true;
}

void append_hex_escape(std::string& out, uint8_t byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 15];
}

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
bool is_printable_text(const uint8_t* p, size_t n) {
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

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_binary(std::string& out, Term t) {
  const uint8_t* bytes = binary_bytes(t);
  const size_t n = binary_size(t);
  if (is_printable_text(bytes, n)) {
    append_quoted(out, std::string_view(reinterpret_cast<const char*>(bytes), n));
    return;
  }
  out += "<<";
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    append_int(out, bytes[i]);
  }
  out += ">>";
}

std::string_view atom_text_or_empty(Term atom, const AtomTable& atoms) {
  return atoms.contains(atom) ? atoms.text(atom) : std::string_view();
}

void append_atom(std::string& out, Term atom, const AtomTable& atoms) {
  if (!atoms.contains(atom)) {  // not from this table: say so rather than guess
    out += "#Atom<";
    append_int(out, atom_index(atom));
    out += '>';
    return;
  }
  if (atom == kTrue || atom == kFalse || atom == kAtom_nil) {
    out += atoms.text(atom);  // Elixir prints these three bare
    return;
  }
  out += format_atom(atoms.text(atom));
}

struct PrintTask {
  enum Kind : uint8_t { kValue, kText, kListRest, kKeyLabel } kind;
  Term term;
  const char* text;
};
using PrintStack = WorkStack<PrintTask, 64>;

PrintTask value(Term t) { return {PrintTask::kValue, t, nullptr}; }
PrintTask text(const char* s) { return {PrintTask::kText, 0, s}; }

void print_map(std::string& out, Term map, const AtomTable& atoms, PrintStack& todo) {
  std::vector<Term> kv;
  map_sorted_entries(map, kv);
  const size_t n = kv.size() / 2;
  bool keyword = true;  // %{a: 1} when every key is an identifier atom
  for (size_t i = 0; i < n && keyword; ++i) {
    keyword = is_atom(kv[2 * i]) && atoms.contains(kv[2 * i]) && atom_is_identifier(atoms.text(kv[2 * i]));
  }
  out += "%{";
  todo.push(text("}"));
  for (size_t i = n; i-- > 0;) {
    todo.push(value(kv[2 * i + 1]));
    if (keyword) {
      todo.push({PrintTask::kKeyLabel, kv[2 * i], nullptr});
    } else {
      todo.push(text(" => "));
      todo.push(value(kv[2 * i]));
    }
    if (i) todo.push(text(", "));
  }
}

void print_value(std::string& out, Term t, const AtomTable& atoms, PrintStack& todo) {
  if (is_float(t)) {
    out += format_float(float_value(t));
  } else if (is_int(t)) {
    append_int(out, int_value(t));
  } else if (is_atom(t)) {
    append_atom(out, t, atoms);
  } else if (is_nil(t)) {
    out += "[]";
  } else if (is_cons(t)) {
    out += '[';
    todo.push({PrintTask::kListRest, cons_tail(t), nullptr});
    todo.push(value(cons_head(t)));
  } else if (is_boxed(t)) {
    const Term* o = boxed_ptr(t);
    switch (header_kind(o[0])) {
      case BoxKind::Tuple: {
        const uint64_t n = header_words(o[0]);
        out += '{';
        todo.push(text("}"));
        for (uint64_t i = n; i-- > 0;) {
          todo.push(value(o[1 + i]));
          if (i) todo.push(text(", "));
        }
        break;
      }
      case BoxKind::MapFlat:
      case BoxKind::MapHamt: print_map(out, t, atoms, todo); break;
      case BoxKind::Binary: append_binary(out, t); break;
      case BoxKind::Closure: {
        const auto* f = reinterpret_cast<const FunctionInfo*>(o[1]);
        out += "#Function<";
        out += atom_text_or_empty(f->module_atom, atoms);
        out += '.';
        out += atom_text_or_empty(f->name_atom, atoms);
        out += '/';
        append_int(out, f->arity);
        out += '>';
        break;
      }
      default:  // trie internals are never values; print something rather than crash
        out += "#Internal<";
        append_int(out, static_cast<uint8_t>(header_kind(o[0])));
        out += '>';
    }
  } else {
    out += "#Internal<>";
  }
}

}  // namespace

std::string format_atom(std::string_view name) {
  std::string out = ":";
  if (atom_is_identifier(name)) {
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

void print_term(std::string& out, Term t, const AtomTable& atoms) {
  PrintStack todo;
  todo.push(value(t));
  while (!todo.empty()) {
    const PrintTask task = todo.pop();
    switch (task.kind) {
      case PrintTask::kText: out += task.text; break;
      case PrintTask::kKeyLabel:
        out += atoms.text(task.term);
        out += ": ";
        break;
      case PrintTask::kListRest:
        if (is_nil(task.term)) {
          out += ']';
        } else if (is_cons(task.term)) {
          out += ", ";
          todo.push({PrintTask::kListRest, cons_tail(task.term), nullptr});
          todo.push(value(cons_head(task.term)));
        } else {
          out += " | ";
          todo.push(text("]"));
          todo.push(value(task.term));
        }
        break;
      case PrintTask::kValue: print_value(out, task.term, atoms, todo); break;
    }
  }
}

std::string term_to_string(Term t, const AtomTable& atoms) {
  std::string out;
  print_term(out, t, atoms);
  return out;
}

}  // namespace lzr
