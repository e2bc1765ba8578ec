// The control sequences of Erlang's io_lib:format: ~F.P.PadModC with F the
// field width (negative: left-justified; `*` takes it from the arguments),
// P the precision, Pad the padding byte (default space), Mod t or l
// (accepted, no effect), C the directive. Terms print in Lazer's literal
// syntax (io.print's form), not Erlang's.
#include "builtins/format.h"

#include <cstdio>
#include <algorithm>
#include <cmath>
#include <string_view>

#include "builtins/iodata.h"
#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/printer.h"

namespace lzr {
namespace {

enum class Overflow { Stars, Truncate };

struct Spec {
  bool has_width = false, left = false, has_precision = false;
  int64_t width = 0, precision = 0;
  char pad = ' ';
};

// `text` in its field: padded with spec.pad on the left (right-justified)
// or the right; text wider than the field becomes stars (numbers, terms) or
// is cut (strings), as Erlang does.
void put_field(std::string& out, std::string_view text, const Spec& spec, Overflow overflow) {
  if (!spec.has_width) {
    out += text;
    return;
  }
  const size_t width = static_cast<size_t>(spec.width);
  if (text.size() > width) {
    if (overflow == Overflow::Stars) {
      out.append(width, '*');
    } else {
      out += text.substr(0, width);
    }
    return;
  }
  if (!spec.left) out.append(width - text.size(), spec.pad);
  out += text;
  if (spec.left) out.append(width - text.size(), spec.pad);
}

// "1.23457e+05" (fmt's form) -> "1.23457e+5" (Erlang's: no leading zeros
// in the exponent).
std::string erlang_exponent(std::string s) {
  const size_t e = s.find('e');
  if (e == std::string::npos) return s;
  size_t digits = e + 2;  // after the sign
  size_t first = digits;
  while (first + 1 < s.size() && s[first] == '0') ++first;
  s.erase(digits, first - digits);
  return s;
}

// printf's %e and %f: glibc rounds exactly from the binary value. (fmt
// would do as well, but its floating-point code adds ~0.4 MiB to every
// run's start-up RSS.)
std::string printf_double(char conversion, double x, int64_t precision) {
  const char spec[] = {'%', '.', '*', conversion, '\0'};
  const int n = std::snprintf(nullptr, 0, spec, static_cast<int>(precision), x);
  std::string s(static_cast<size_t>(n), '\0');
  std::snprintf(s.data(), s.size() + 1, spec, static_cast<int>(precision), x);
  return s;
}

std::string scientific(double x, int64_t digits) { return erlang_exponent(printf_double('e', x, digits - 1)); }

// 10^p by multiplication (exact up to 10^22): std::pow would link libm,
// ~0.35 MiB of start-up RSS for every run.
double power_of_ten(int64_t p) {
  double t = 1.0;
  for (int64_t i = 0; i < p && t < 1e308; ++i) t *= 10.0;
  return t;
}

class Formatter {
 public:
  Formatter(lzr_env* env, Term args, std::string& out) : env_(env), args_(args), out_(out) {}

  bool run(std::string_view f) {
    for (size_t i = 0; i < f.size();) {
      const char c = f[i++];
      if (c != '~') {
        out_ += c;
        continue;
      }
      if (!directive(f, i)) return false;
    }
    return is_nil(args_);  // too many arguments is an error too
  }

 private:
  bool next_arg(Term& t) {
    if (!is_cons(args_)) return false;
    t = cons_head(args_);
    args_ = cons_tail(args_);
    return true;
  }

  // digits, or `*` (an integer argument); false for a `*` without one.
  bool number(std::string_view f, size_t& i, bool& present, int64_t& value) {
    if (i < f.size() && f[i] == '*') {
      ++i;
      Term t;
      if (!next_arg(t) || !is_int(t)) return false;
      present = true;
      value = int_value(t);
      return true;
    }
    int64_t v = 0;
    const size_t start = i;
    while (i < f.size() && f[i] >= '0' && f[i] <= '9') {
      v = v * 10 + (f[i++] - '0');
      if (v > (int64_t{1} << 24)) return false;  // no field or precision is that large
    }
    present = i > start;
    value = v;
    return true;
  }

  bool directive(std::string_view f, size_t& i) {
    Spec spec;
    bool negative = false;
    if (i < f.size() && f[i] == '-') {
      negative = true;
      ++i;
    }
    if (!number(f, i, spec.has_width, spec.width)) return false;
    if (negative && !spec.has_width) return false;
    if (negative) spec.width = -spec.width;
    if (spec.width < 0) {
      spec.left = true;
      spec.width = -spec.width;
    }
    if (i < f.size() && f[i] == '.') {
      ++i;
      if (!number(f, i, spec.has_precision, spec.precision)) return false;
      if (i < f.size() && f[i] == '.') {
        ++i;
        if (i >= f.size()) return false;
        spec.pad = f[i++];
      }
    }
    while (i < f.size() && (f[i] == 't' || f[i] == 'l')) ++i;
    if (i >= f.size()) return false;
    const char c = f[i++];
    switch (c) {
      case '~': put_field(out_, "~", spec, Overflow::Truncate); return true;
      case 'n': out_ += '\n'; return true;
      case 'i': {
        Term t;
        return next_arg(t);
      }
      case 'c': return character(spec);
      case 's': return text(spec);
      case 'w':
      case 'p': {
        Term t;
        if (!next_arg(t)) return false;
        put_field(out_, term_to_string(t, proc(env_).vm->atoms), spec, Overflow::Stars);
        return true;
      }
      case 'f':
      case 'e':
      case 'g': return floating(c, spec);
      case 'b':
      case 'B':
      case 'x':
      case 'X': return integer(c, spec);
      default: return false;
    }
  }

  bool character(const Spec& spec) {
    Term t;
    if (!next_arg(t) || !is_int(t) || int_value(t) < 0 || int_value(t) > 255) return false;
    const int64_t count = spec.has_precision ? spec.precision : spec.has_width ? spec.width : 1;
    put_field(out_, std::string(static_cast<size_t>(count), static_cast<char>(int_value(t))), spec, Overflow::Truncate);
    return true;
  }

  // ~s: iodata or an atom; the precision cuts it, the field pads or cuts it.
  bool text(const Spec& spec) {
    Term t;
    if (!next_arg(t)) return false;
    std::string s;
    if (is_atom(t)) {
      s = proc(env_).vm->atoms.text(t);
    } else if (!append_iodata(s, t)) {
      return false;
    }
    if (spec.has_precision && s.size() > static_cast<size_t>(spec.precision)) s.resize(static_cast<size_t>(spec.precision));
    put_field(out_, s, spec, Overflow::Truncate);
    return true;
  }

  // ~f (P digits after the point, default 6, at least 1), ~e (P digits in
  // all, default 6, at least 2), ~g (~f for 0.1 <= |x| < 10^P, else ~e).
  // A float argument only, as Erlang. Rounding is exact (glibc's printf).
  bool floating(char c, const Spec& spec) {
    Term t;
    if (!next_arg(t) || !is_float(t)) return false;
    const double x = float_value(t);
    const int64_t p = spec.has_precision ? spec.precision : 6;
    std::string s;
    if (c == 'f') {
      if (p < 1) return false;
      s = printf_double('f', x, p);
    } else if (c == 'e' || std::fabs(x) < 0.1 || std::fabs(x) >= power_of_ten(p)) {
      if (p < 2) return false;
      s = scientific(x, p);
    } else {
      if (p < 2) return false;
      // The exponent once rounded to P digits decides the digits after the point.
      const std::string e = printf_double('e', x, p - 1);
      const int exponent = std::stoi(e.substr(e.find('e') + 1));
      s = printf_double('f', x, std::max<int64_t>(p - 1 - exponent, 0));
    }
    put_field(out_, s, spec, Overflow::Stars);
    return true;
  }

  // ~b/~B: an integer of any size in base P (2..36, default 10); ~x/~X the
  // same with a prefix argument (iodata or an atom) after the sign.
  bool integer(char c, const Spec& spec) {
    Term t;
    if (!next_arg(t) || !is_integer(t)) return false;
    const int64_t base = spec.has_precision ? spec.precision : 10;
    if (base < 2 || base > 36) return false;
    std::string prefix;
    if (c == 'x' || c == 'X') {
      Term p;
      if (!next_arg(p)) return false;
      if (is_atom(p)) {
        prefix = proc(env_).vm->atoms.text(p);
      } else if (!append_iodata(prefix, p)) {
        return false;
      }
    }
    std::string digits;
    append_integer(digits, t, static_cast<unsigned>(base));  // upper-case letters
    if (c == 'b' || c == 'x') {
      for (char& d : digits) {
        if (d >= 'A' && d <= 'Z') d = static_cast<char>(d - 'A' + 'a');
      }
    }
    if (!prefix.empty()) digits.insert(digits[0] == '-' ? 1 : 0, prefix);
    put_field(out_, digits, spec, Overflow::Stars);
    return true;
  }

  lzr_env* env_;
  Term args_;
  std::string& out_;
};

}  // namespace

bool format_iodata(lzr_env* env, Term format, Term args, std::string& out) {
  std::string f;
  if (is_atom(format)) {
    f = proc(env).vm->atoms.text(format);
  } else if (!append_iodata(f, format)) {
    fail(env, kAtom_badarg);
    return false;
  }
  if (!is_list(args) || !Formatter(env, args, out).run(f)) {
    fail(env, kAtom_badarg);
    return false;
  }
  return true;
}

}  // namespace lzr
