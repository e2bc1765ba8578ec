// What a native function's `lzr_env *` points to (opaque in include/lazer.h).
#pragma once

#include "vm/process.h"

struct lzr_env {
  lzr::Process* proc;
};
