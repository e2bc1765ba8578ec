// ceil() for the lzr binary, which is linked without libm (src/vm/libm.h,
// cmake/lean_link.cmake): libstdc++'s hash tables size their bucket arrays
// with __builtin_ceil, which compiles to a call to ceil() on x86-64 without
// SSE4.1, and that one reference would make every lzr process map libm at
// start-up. Hidden: natives and the libraries they load keep libm's.
#include "vm/libm.h"

extern "C" __attribute__((visibility("hidden"))) double ceil(double x) { return lzr::libm::ceil(x); }
