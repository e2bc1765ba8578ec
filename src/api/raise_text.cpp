// C API: raising errors and terms as text.
#include <cstring>
#include <string>
#include <vector>

#include "api/api_env.h"
#include "vm/builders.h"
#include "vm/printer.h"

using namespace lzr;
using namespace lzr::api;

extern "C" {

lzr_term lzr_raise(lzr_env* env, lzr_term reason) {
  if (reason == kRaised) return kRaised;  // an input builder already raised: keep its error
  return raise(proc(env), reason);
}

lzr_term lzr_raise_atom(lzr_env* env, const char* reason) {
  return lzr_raise(env, lzr_atom(env, reason));
}

lzr_term lzr_raise_tagged(lzr_env* env, const char* tag, lzr_term value) {
  return lzr_raise(env, lzr_tuple2(env, lzr_atom(env, tag), value));
}

lzr_term lzr_raise_badarity(lzr_env* env, const lzr_term* argv, unsigned argc) {
  return lzr_raise(env, lzr_tuple2(env, kAtom_badarity, lzr_list(env, argv, argc)));
}

size_t lzr_to_text(lzr_env* env, lzr_term t, char* buf, size_t size) {
  std::string text;
  try {
    text = t == kRaised ? std::string("#Raised<>") : term_to_string(t, atoms(env));
  } catch (...) {  // out of memory: report nothing rather than unwind into C
    text.clear();
  }
  if (size > 0 && buf) {  // no buffer: only the length is asked for
    const size_t n = text.size() < size - 1 ? text.size() : size - 1;
    std::memcpy(buf, text.data(), n);
    buf[n] = '\0';
  }
  return text.size();
}

}  // extern "C"
