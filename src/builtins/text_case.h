// Upper and lower case of code points for string.upcase/1 and
// string.downcase/1 (docs/builtins.md, "string"): Unicode's simple case
// mappings for the blocks a compact table covers — Basic Latin, Latin-1
// Supplement, Latin Extended-A, Greek and Coptic,
// Cyrillic and Cyrillic Supplement. Code points elsewhere have no mapping
// here (they are kept as they are). The few mappings to more than one code
// point (ß, ŉ, İ) and Greek final sigma are the caller's (lib_text.cpp).
#pragma once

#include <cstdint>

namespace lzr::text_case {

// The upper-case code point of `cp`, or `cp` itself when it has none.
uint32_t upper(uint32_t cp);
// The lower-case code point of `cp`, or `cp` itself when it has none.
uint32_t lower(uint32_t cp);
// True when `cp` is a letter that has a case in the covered blocks (upper
// or lower, or a lower-case letter without an upper form such as ß): what
// the final-sigma rule looks at.
bool is_cased(uint32_t cp);

}  // namespace lzr::text_case
