// The C math library, loaded on its first use rather than at start-up.
//
// lzr is linked without libm (cmake/lean_link.cmake): loading it runs its
// IFUNC resolvers, which touch most of its code, ~360 KiB of resident memory
// in every process, and most programs never call a math function
// (docs/performance.md, "Start-up memory"). Each function here opens libm
// with dlopen on the first call of any of them (thread-safe, once) and calls
// it through a pointer from then on. Failing to load libm is fatal.
#pragma once

#include <cmath>
#include <cstdint>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace lzr::libm {

#if defined(__x86_64__)
// IEEE 754 requires sqrt to be correctly rounded, so the SSE2 instruction
// gives libm's result bit for bit, without the call or loading libm.
inline double sqrt(double x) { return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x))); }
#else
double sqrt(double x);
#endif
double sin(double x);
double cos(double x);
double exp(double x);
double log(double x);
double pow(double x, double y);
double fmod(double x, double y);
double round(double x);
double trunc(double x);
double floor(double x);
double ceil(double x);

// ceil computed without libm, exactly (src/cli/ceil.cpp gives it to the lzr
// binary as its ceil()). fabs and copysign compile to bit operations.
inline double ceil_without_libm(double x) {
  if (!(std::fabs(x) < 0x1p52)) return x;  // integral already (or NaN, infinite)
  const double t = static_cast<double>(static_cast<int64_t>(x));  // toward zero
  return std::copysign(t < x ? t + 1.0 : t, x);  // ceil(-0.5) is -0.0
}

}  // namespace lzr::libm
