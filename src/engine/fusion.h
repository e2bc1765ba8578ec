// Fusion: the peephole rules that rewrite translated code (translate.h)
// into the forms the engines run in fewer dispatches or with a constant
// operand built in (insn.h lists every form). A rule that fuses several
// instructions rewrites the first and leaves the others in place, so that a
// jump into the middle of the shape, a slow path and the portable engine
// (which runs some fused forms as their first instruction) still find
// them. The rules run in the order of kFusionRules in fusion.cpp: later
// rules look for the forms earlier ones made.
#pragma once

#include "vm/module.h"

namespace lzr {

void fuse_instructions(Module& m);

}  // namespace lzr
