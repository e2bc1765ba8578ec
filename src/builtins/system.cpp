// system: the program's arguments and environment, clocks, halting.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/iodata.h"
#include "builtins/os_results.h"
#include "vm/atoms.h"
#include "vm/bigint.h"
#include "vm/builders.h"

namespace lzr {
namespace {

Term s_args(lzr_env* env, const Term*, unsigned) {
  std::vector<Term> items;
  for (const std::string& arg : proc(env).vm->program_args) {
    const Term b = binary_result(env, arg.data(), arg.size());
    if (b == kRaised) return kRaised;
    items.push_back(b);
  }
  return make_list(proc(env).heap, items);
}

// env(Name): the variable's value as a binary, or nil when it is not set.
Term s_env(lzr_env* env, const Term* a, unsigned) {
  std::string name;
  if (!append_iodata(name, a[0])) return fail(env, kAtom_badarg);
  if (name.empty() || name.find('\0') != std::string::npos || name.find('=') != std::string::npos) return kAtom_nil;
  const char* value = std::getenv(name.c_str());
  if (!value) return kAtom_nil;
  return binary_result(env, value, std::char_traits<char>::length(value));
}

// halt(Status): flushes every output stream and ends the OS process with
// Status (0..255) at once.
Term s_halt(lzr_env* env, const Term* a, unsigned argc) {
  const Term status = argc ? a[0] : make_int(0);
  if (!is_int(status) || int_value(status) < 0 || int_value(status) > 255) return fail(env, kAtom_badarg);
  std::fflush(nullptr);
  std::_Exit(static_cast<int>(int_value(status)));
}

// Nanoseconds of a clock, in a unit: :second, :millisecond, :microsecond,
// :nanosecond (as Erlang's erlang:monotonic_time/1 and os:system_time/1).
Term clock_in(lzr_env* env, clockid_t clock, Term unit) {
  VM& vm = *proc(env).vm;
  int64_t per_second;
  if (unit == vm.atom("second")) {
    per_second = 1;
  } else if (unit == vm.atom("millisecond")) {
    per_second = 1000;
  } else if (unit == vm.atom("microsecond")) {
    per_second = 1000000;
  } else if (unit == vm.atom("nanosecond")) {
    per_second = 1000000000;
  } else {
    return fail(env, kAtom_badarg);
  }
  timespec ts;
  ::clock_gettime(clock, &ts);
  // Floored, as Erlang converts (both clocks are past their epoch here).
  const int64_t value = static_cast<int64_t>(ts.tv_sec) * per_second + static_cast<int64_t>(ts.tv_nsec) / (1000000000 / per_second);
  return make_integer(proc(env).heap, value);
}
Term s_monotonic_time(lzr_env* env, const Term* a, unsigned) { return clock_in(env, CLOCK_MONOTONIC, a[0]); }
Term s_os_time(lzr_env* env, const Term* a, unsigned) { return clock_in(env, CLOCK_REALTIME, a[0]); }

constexpr BuiltinFn kSystem[] = {
    {"args", 0, guarded<s_args>},
    {"env", 1, guarded<s_env>},
    {"halt", 0, guarded<s_halt>},
    {"halt", 1, guarded<s_halt>},
    {"monotonic_time", 1, guarded<s_monotonic_time>},
    {"os_time", 1, guarded<s_os_time>},
};

}  // namespace

void register_system(VM& vm) { add_builtin_module(vm, "system", kSystem); }

}  // namespace lzr
