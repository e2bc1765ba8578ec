// Whether the CPU has an instruction set extension, as glibc found at
// start-up (it reads every feature once, for its own string functions).
// Asking it costs a load; the alternatives cost CPUID instructions, which
// in a virtual machine trap to the hypervisor: __builtin_cpu_init runs a
// dozen of them, about 2 % of a short `lzr run` (perf, 300 runs of
// bench/programs/startup). Without <sys/platform/x86.h> (glibc before
// 2.33) one CPUID per question is asked instead.
#pragma once

#if defined(__x86_64__) && __has_include(<sys/platform/x86.h>)
// glibc 2.36 declares its two functions with C's _Bool, which C++ spells bool.
#define _Bool bool
#include <sys/platform/x86.h>
#undef _Bool
#define LZR_CPU_HAS(name) CPU_FEATURE_ACTIVE(name)
#elif defined(__x86_64__)
#include <cpuid.h>
#define LZR_CPU_HAS(name) lzr::cpu_has_##name()
namespace lzr {
inline bool cpu_has_POPCNT() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_POPCNT) != 0;
}
inline bool cpu_has_BMI2() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_BMI2) != 0;
}
}  // namespace lzr
#endif
