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

// The roundings computed without libm, exactly as it does: a double below
// 2^52 in magnitude has an integral part that an int64 holds and converts
// back exactly, and from 2^52 on every double (and an infinity, a NaN) is
// its own integral part. A program that rounds a float (float.round/1 to
// print it) then does not load libm for it (~300 KiB resident). fabs and
// copysign compile to bit operations. The others start from trunc, whose
// result keeps x's sign (trunc(-0.5) is -0.0), and x - trunc(x) is exact.
inline double trunc(double x) {
  if (!(std::fabs(x) < 0x1p52)) return x;
  return std::copysign(static_cast<double>(static_cast<int64_t>(x)), x);
}
inline double floor(double x) {
  const double t = trunc(x);
  return t > x ? t - 1.0 : t;  // floor(-0.0) is -0.0
}
inline double ceil(double x) {  // also the lzr binary's ceil() (src/cli/ceil.cpp)
  const double t = trunc(x);
  return t < x ? t + 1.0 : t;  // ceil(-0.5) is -0.0
}
inline double round(double x) {  // halfway cases away from zero
  const double t = trunc(x);
  return std::fabs(x - t) >= 0.5 ? t + std::copysign(1.0, x) : t;  // round(-0.4) is -0.0
}

}  // namespace lzr::libm
