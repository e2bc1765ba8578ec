// Terms as text (docs/terms.md, "Printing"): Elixir's inspect format.
#include "vm/printer.h"

#include "format/literal_text.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "vm/bigint.h"
#include "vm/function_info.h"
#include "vm/maps.h"
#include "vm/work_stack.h"

namespace lzr {

namespace {

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_binary(std::string& out, Term t) {
  append_binary_text(out, std::string_view(reinterpret_cast<const char*>(binary_bytes(t)), binary_size(t)));
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
    keyword = is_atom(kv[2 * i]) && atoms.contains(kv[2 * i]) && is_identifier(atoms.text(kv[2 * i]));
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
  } else if (is_pid(t)) {  // Erlang's form: node 0 (this VM), the number, serial 0
    out += "#PID<0.";
    append_int(out, static_cast<int64_t>(id_number(t)));
    out += ".0>";
  } else if (is_ref(t)) {  // #Reference<0.0.high.low>, the 46-bit number in two parts
    out += "#Reference<0.0.";
    append_int(out, static_cast<int64_t>(id_number(t) >> 32));
    out += '.';
    append_int(out, static_cast<int64_t>(id_number(t) & 0xFFFFFFFFu));
    out += '>';
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
      case BoxKind::Binary:
      case BoxKind::SubBinary: append_binary(out, t); break;
      case BoxKind::BigPos:
      case BoxKind::BigNeg: append_integer(out, t); break;  // decimal, GMP's conversion
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


void print_term(std::string& out, Term t, const AtomTable& atoms) {
  // Printing a trie sorts it, and its keys are printed next: sort each once.
  SortedEntriesMemo memo;
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
