// What an object that may be retired (proc/reclaim.h) carries, so that
// retiring it allocates nothing: the list link and epoch tag while it
// waits, and how to free it.
#pragma once

#include <cstdint>

namespace lzr {

using FreeFn = void (*)(void*);

struct RetireHook {
  RetireHook* next = nullptr;
  uint64_t tag = 0;
  void* object = nullptr;
  FreeFn free = nullptr;
};

}  // namespace lzr
