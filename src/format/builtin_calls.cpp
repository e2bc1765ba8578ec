#include "format/builtin_calls.h"

#include <array>

namespace lzr {

namespace {

constexpr std::array kInfo = {
#define LZR_BUILTIN_CALL_INFO(id, module, name, arity, allocates) BuiltinCallInfo{module, name, arity, allocates},
    LZR_BUILTIN_CALLS(LZR_BUILTIN_CALL_INFO)
#undef LZR_BUILTIN_CALL_INFO
};

constexpr bool arities_fit() {
  for (const BuiltinCallInfo& b : kInfo)
    if (b.arity > kMaxBuiltinCallArity) return false;
  return true;
}
static_assert(arities_fit(), "a built-in call's arguments must fit the internal instruction's operands");

}  // namespace

const BuiltinCallInfo& builtin_call_info(BuiltinCall b) { return kInfo[static_cast<size_t>(b)]; }

std::optional<BuiltinCall> find_builtin_call(const FunctionRef& ref) {
  for (size_t i = 0; i < kInfo.size(); ++i) {  // ~50 entries, only at load time
    const BuiltinCallInfo& b = kInfo[i];
    if (b.module == ref.module && b.name == ref.name && b.arity == ref.arity) return static_cast<BuiltinCall>(i);
  }
  return std::nullopt;
}

}  // namespace lzr
