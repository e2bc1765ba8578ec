// The built-ins that `bif` and `gcbif` may call (docs/builtins.md,
// "Calls that keep registers"): part of the format, since the verifier
// accepts a module only when every such call names one of them.
//
// A built-in qualifies when it is a function of its arguments alone: it
// reads nothing but them, writes no X register, calls no bytecode, does no
// input or output and never collects while it runs (natives never do:
// heap.h). Raising an error is allowed (it behaves as under `call`). Those
// that may allocate their result need `gcbif`, whose regmask says which X
// registers a collection after the call keeps; `bif` takes the others.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "format/verifier.h"

namespace lzr {

//   id                module    name            arity  allocates
#define LZR_BUILTIN_CALLS(B)                                   \
  B(map_get,           "map",    "get",          3,     false) \
  B(map_has_key,       "map",    "has_key",      2,     false) \
  B(kernel_compare,    "kernel", "compare",      2,     false) \
  B(kernel_exact_eq,   "kernel", "exact_eq",     2,     false) \
  B(kernel_min,        "kernel", "min",          2,     false) \
  B(kernel_max,        "kernel", "max",          2,     false) \
  B(kernel_hash,       "kernel", "hash",         1,     false) \
  B(kernel_is_integer, "kernel", "is_integer",   1,     false) \
  B(kernel_is_float,   "kernel", "is_float",     1,     false) \
  B(kernel_is_number,  "kernel", "is_number",    1,     false) \
  B(kernel_is_atom,    "kernel", "is_atom",      1,     false) \
  B(kernel_is_boolean, "kernel", "is_boolean",   1,     false) \
  B(kernel_is_list,    "kernel", "is_list",      1,     false) \
  B(kernel_is_tuple,   "kernel", "is_tuple",     1,     false) \
  B(kernel_is_map,     "kernel", "is_map",       1,     false) \
  B(kernel_is_binary,  "kernel", "is_binary",    1,     false) \
  B(kernel_is_function,"kernel", "is_function",  1,     false) \
  B(kernel_abs,        "kernel", "abs",          1,     true)  \
  B(kernel_inspect,    "kernel", "inspect",      1,     true)  \
  B(float_from_integer,"float",  "from_integer", 1,     false) \
  B(float_round,       "float",  "round",        1,     true)  \
  B(float_trunc,       "float",  "trunc",        1,     true)  \
  B(float_floor,       "float",  "floor",        1,     true)  \
  B(float_ceil,        "float",  "ceil",         1,     true)  \
  B(math_sqrt,         "math",   "sqrt",         1,     false) \
  B(math_sin,          "math",   "sin",          1,     false) \
  B(math_cos,          "math",   "cos",          1,     false) \
  B(math_exp,          "math",   "exp",          1,     false) \
  B(math_log,          "math",   "log",          1,     false) \
  B(math_pow,          "math",   "pow",          2,     false) \
  B(math_pi,           "math",   "pi",           0,     false) \
  B(binary_from_integer, "binary", "from_integer", 1,   true)  \
  B(binary_from_integer_base, "binary", "from_integer", 2, true) \
  B(binary_to_integer, "binary", "to_integer",   1,     true)  \
  B(binary_to_integer_base, "binary", "to_integer", 2,  true)  \
  B(binary_from_float, "binary", "from_float",   1,     true)  \
  B(binary_from_atom,  "binary", "from_atom",    1,     true)  \
  B(binary_to_atom,    "binary", "to_atom",      1,     false) \
  B(binary_from_list,  "binary", "from_list",    1,     true)  \
  B(binary_to_list,    "binary", "to_list",      1,     true)  \
  B(binary_concat,     "binary", "concat",       2,     true)  \
  B(binary_part,       "binary", "part",         3,     true)  \
  B(tuple_to_list,     "tuple",  "to_list",      1,     true)  \
  B(tuple_from_list,   "tuple",  "from_list",    1,     true)  \
  B(list_reverse,      "list",   "reverse",      1,     true)  \
  B(list_append,       "list",   "append",       2,     true)  \
  B(list_seq,          "list",   "seq",          2,     true)  \
  B(map_keys,          "map",    "keys",         1,     true)  \
  B(map_values,        "map",    "values",       1,     true)  \
  B(map_to_list,       "map",    "to_list",      1,     true)  \
  B(map_from_list,     "map",    "from_list",    1,     true)

enum class BuiltinCall : uint8_t {
#define LZR_BUILTIN_CALL_ENUM(id, module, name, arity, allocates) id,
  LZR_BUILTIN_CALLS(LZR_BUILTIN_CALL_ENUM)
#undef LZR_BUILTIN_CALL_ENUM
};

#define LZR_BUILTIN_CALL_COUNT_ONE(...) +1
inline constexpr unsigned kNumBuiltinCalls = 0 LZR_BUILTIN_CALLS(LZR_BUILTIN_CALL_COUNT_ONE);
#undef LZR_BUILTIN_CALL_COUNT_ONE

struct BuiltinCallInfo {
  std::string_view module, name;
  uint8_t arity;
  bool allocates;  // may allocate its result: gcbif only
};

// Arguments travel in the internal instruction's three operand bytes
// (engine/insn.h, kMaxBifArgs).
inline constexpr unsigned kMaxBuiltinCallArity = 3;

const BuiltinCallInfo& builtin_call_info(BuiltinCall b);
// The built-in `ref` names, when `bif` / `gcbif` may call it.
std::optional<BuiltinCall> find_builtin_call(const FunctionRef& ref);

}  // namespace lzr
