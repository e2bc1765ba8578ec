// The verifier's receive rule (docs/bytecode.md, "Receive"): `recvnext` and
// `accept` act on the message under the receive cursor, so each must be
// reached, on every path, from the fall-through of a `recv` without another
// recvnext, accept or wait in between.
#pragma once

#include <cstddef>

#include "format/catch_flow.h"
#include "format/module_file.h"

namespace lzr {

// Checks function `k` of `m` (structurally verified, as for
// check_defined_regs). Returns false with the first recvnext or accept that
// some path reaches without a message under the cursor.
bool check_receive_flow(const ModuleFile& m, size_t k, CatchFlowProblem& problem);

}  // namespace lzr
