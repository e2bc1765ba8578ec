// Whether this test binary is built with AddressSanitizer. ASan maps
// terabytes of shadow memory, so tests under an address-space limit
// (RLIMIT_AS) cannot run there; and it runs code several times slower, so
// the tests whose size is a matter of how much they try (random programs)
// try less there: CI runs the whole suite under ASan as well.
#pragma once

namespace lzr_test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAsan = true;
#else
inline constexpr bool kAsan = false;
#endif
#else
inline constexpr bool kAsan = false;
#endif

}  // namespace lzr_test
