#include "vm/libm.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#if __has_include(<gnu/lib-names.h>)
#include <gnu/lib-names.h>  // LIBM_SO
#endif
#ifndef LIBM_SO
#define LIBM_SO "libm.so.6"
#endif

namespace lzr::libm {
namespace {

using Unary = double (*)(double);
using Binary = double (*)(double, double);

struct Functions {
  Unary sqrt, sin, cos, exp, log;
  Binary pow, fmod;
};

[[noreturn]] void cannot_load(const char* what) {
  const char* why = dlerror();
  std::fprintf(stderr, "lzr: cannot load the C math library (%s): %s\n", what, why ? why : "unknown error");
  std::abort();
}

template <typename F>
F symbol(void* lib, const char* name) {
  void* p = dlsym(lib, name);
  if (!p) cannot_load(name);
  return reinterpret_cast<F>(p);
}

Functions load() {
  void* lib = dlopen(LIBM_SO, RTLD_NOW | RTLD_LOCAL);  // never closed
  if (!lib) cannot_load(LIBM_SO);
  Functions f;
#if !defined(__x86_64__)
  f.sqrt = symbol<Unary>(lib, "sqrt");
#endif
  f.sin = symbol<Unary>(lib, "sin");
  f.cos = symbol<Unary>(lib, "cos");
  f.exp = symbol<Unary>(lib, "exp");
  f.log = symbol<Unary>(lib, "log");
  f.pow = symbol<Binary>(lib, "pow");
  f.fmod = symbol<Binary>(lib, "fmod");
  return f;
}

const Functions& functions() {
  static const Functions loaded = load();
  return loaded;
}

}  // namespace

#if !defined(__x86_64__)
double sqrt(double x) { return functions().sqrt(x); }
#endif
double sin(double x) { return functions().sin(x); }
double cos(double x) { return functions().cos(x); }
double exp(double x) { return functions().exp(x); }
double log(double x) { return functions().log(x); }
double pow(double x, double y) { return functions().pow(x, y); }
double fmod(double x, double y) { return functions().fmod(x, y); }

}  // namespace lzr::libm
