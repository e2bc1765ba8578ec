// Simple case mappings as ranges (text_case.h). Each range maps every code
// point (step 1) or every other one from `first` (step 2: the alternating
// upper/lower pairs of Latin Extended-A and Cyrillic) by adding `delta`.
// The ranges are sorted by `first` (a binary search finds the one that
// may hold a code point); they stand for the UnicodeData.txt lines of the
// covered blocks, checked against CPython's str.upper/str.lower for every
// code point of them (tests/programs/stdlib/string_case.lzs holds each
// block's letters).
#include "builtins/text_case.h"

#include <algorithm>
#include <array>

namespace lzr::text_case {
namespace {

struct Range {
  uint16_t first, last;
  int16_t delta;
  uint8_t step;
};

// lower case -> upper case
constexpr std::array kUpper{
    Range{0x0061, 0x007A, -32, 1},   Range{0x00B5, 0x00B5, 743, 1},   // µ -> Greek Μ
    Range{0x00E0, 0x00F6, -32, 1},   Range{0x00F8, 0x00FE, -32, 1},
    Range{0x00FF, 0x00FF, 121, 1},   // ÿ -> Ÿ
    Range{0x0101, 0x012F, -1, 2},    Range{0x0131, 0x0131, -232, 1},  // ı -> I
    Range{0x0133, 0x0137, -1, 2},    Range{0x013A, 0x0148, -1, 2},    Range{0x014B, 0x0177, -1, 2},
    Range{0x017A, 0x017E, -1, 2},    Range{0x017F, 0x017F, -300, 1},  // ſ -> S
    Range{0x0371, 0x0373, -1, 2},    Range{0x0377, 0x0377, -1, 1},    Range{0x037B, 0x037D, 130, 1},
    Range{0x03AC, 0x03AC, -38, 1},   Range{0x03AD, 0x03AF, -37, 1},   Range{0x03B1, 0x03C1, -32, 1},
    Range{0x03C2, 0x03C2, -31, 1},   // final ς -> Σ
    Range{0x03C3, 0x03CB, -32, 1},   Range{0x03CC, 0x03CC, -64, 1},   Range{0x03CD, 0x03CE, -63, 1},
    Range{0x03D0, 0x03D0, -62, 1},   Range{0x03D1, 0x03D1, -57, 1},   Range{0x03D5, 0x03D5, -47, 1},
    Range{0x03D6, 0x03D6, -54, 1},   Range{0x03D7, 0x03D7, -8, 1},    Range{0x03D9, 0x03EF, -1, 2},
    Range{0x03F0, 0x03F0, -86, 1},   Range{0x03F1, 0x03F1, -80, 1},   Range{0x03F2, 0x03F2, 7, 1},
    Range{0x03F3, 0x03F3, -116, 1},  Range{0x03F5, 0x03F5, -96, 1},   Range{0x03F8, 0x03F8, -1, 1},
    Range{0x03FB, 0x03FB, -1, 1},
    Range{0x0430, 0x044F, -32, 1},   Range{0x0450, 0x045F, -80, 1},   Range{0x0461, 0x0481, -1, 2},
    Range{0x048B, 0x04BF, -1, 2},    Range{0x04C2, 0x04CE, -1, 2},    Range{0x04CF, 0x04CF, -15, 1},
    Range{0x04D1, 0x052F, -1, 2},
};

// upper case -> lower case
constexpr std::array kLower{
    Range{0x0041, 0x005A, 32, 1},  Range{0x00C0, 0x00D6, 32, 1},  Range{0x00D8, 0x00DE, 32, 1},
    Range{0x0100, 0x012E, 1, 2},   Range{0x0130, 0x0130, -199, 1},  // İ -> i (the caller adds U+0307)
    Range{0x0132, 0x0136, 1, 2},   Range{0x0139, 0x0147, 1, 2},   Range{0x014A, 0x0176, 1, 2},
    Range{0x0178, 0x0178, -121, 1},  // Ÿ -> ÿ
    Range{0x0179, 0x017D, 1, 2},   Range{0x0370, 0x0372, 1, 2},   Range{0x0376, 0x0376, 1, 1},
    Range{0x037F, 0x037F, 116, 1}, Range{0x0386, 0x0386, 38, 1},  Range{0x0388, 0x038A, 37, 1},
    Range{0x038C, 0x038C, 64, 1},  Range{0x038E, 0x038F, 63, 1},  Range{0x0391, 0x03A1, 32, 1},
    Range{0x03A3, 0x03AB, 32, 1},  Range{0x03CF, 0x03CF, 8, 1},   Range{0x03D8, 0x03EE, 1, 2},
    Range{0x03F4, 0x03F4, -60, 1}, Range{0x03F7, 0x03F7, 1, 1},   Range{0x03F9, 0x03F9, -7, 1},
    Range{0x03FA, 0x03FA, 1, 1},   Range{0x03FD, 0x03FF, -130, 1}, Range{0x0400, 0x040F, 80, 1},  Range{0x0410, 0x042F, 32, 1},
    Range{0x0460, 0x0480, 1, 2},   Range{0x048A, 0x04BE, 1, 2},   Range{0x04C0, 0x04C0, 15, 1},
    Range{0x04C1, 0x04CD, 1, 2},   Range{0x04D0, 0x052E, 1, 2},
};

template <size_t N>
uint32_t map(const std::array<Range, N>& table, uint32_t cp) {
  if (cp < 0x80) {  // the common case, without the search
    const Range& ascii = table[0];
    return cp >= ascii.first && cp <= ascii.last ? cp + ascii.delta : cp;
  }
  auto it = std::upper_bound(table.begin(), table.end(), cp, [](uint32_t c, const Range& r) { return c < r.first; });
  if (it == table.begin()) return cp;
  const Range& r = *--it;
  if (cp > r.last || (cp - r.first) % r.step != 0) return cp;
  return static_cast<uint32_t>(static_cast<int32_t>(cp) + r.delta);
}

}  // namespace

uint32_t upper(uint32_t cp) { return map(kUpper, cp); }
uint32_t lower(uint32_t cp) { return map(kLower, cp); }

bool is_cased(uint32_t cp) {
  // Lower-case letters without a simple upper form: ß, ĸ, ŉ, ΐ, ΰ.
  return upper(cp) != cp || lower(cp) != cp || cp == 0xDF || cp == 0x138 || cp == 0x149 || cp == 0x390 ||
         cp == 0x3B0;
}

}  // namespace lzr::text_case
