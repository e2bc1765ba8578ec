// Integers of any size as digits in bases 2..36, and as sign + magnitude
// bytes: the one place that converts between them (GMP's mpn_get_str and
// mpn_set_str, subquadratic for large numbers). The assembler reads number
// tokens and prints big literals with it, and the VM prints and parses big
// integers with it (vm/bigint.h).
//
// A magnitude is an array of 64-bit limbs, least significant first; it is
// normalized when its top limb is non-zero (zero is the empty array).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lzr {

// Value of `c` as a digit in bases up to 36 (0-9, a-z, A-Z), or -1.
int digit_value(char c);

// Appends the digits of the normalized magnitude {limbs, n}, n > 0, in
// `base` (2..36); digits above 9 are upper case, as Erlang writes them.
void append_magnitude_digits(std::string& out, const uint64_t* limbs, size_t n, unsigned base);

// Limb bound for a magnitude of `digits` digits in `base` (what
// magnitude_from_digits may need, one spare limb included).
size_t limbs_for_digits(size_t digits, unsigned base);

// Reads `digits` (each a valid digit of `base`, at least one; leading zeros
// allowed) into `out`, which has room for limbs_for_digits(size, base)
// limbs. Returns the normalized limb count.
size_t magnitude_from_digits(std::string_view digits, unsigned base, uint64_t* out);
std::vector<uint64_t> magnitude_from_digits(std::string_view digits, unsigned base);

// Magnitude bytes (little-endian, no high zero byte) <-> normalized limbs.
std::string magnitude_to_bytes(const uint64_t* limbs, size_t n);
std::vector<uint64_t> magnitude_from_bytes(std::string_view bytes);

// Decimal text of an integer given as sign + magnitude bytes ("0" for an
// empty magnitude).
std::string integer_bytes_to_decimal(bool negative, std::string_view magnitude);

}  // namespace lzr
