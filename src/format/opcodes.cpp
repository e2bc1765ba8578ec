// Name lookup over the instruction table (opcodes.def).
#include "format/opcodes.h"

namespace lzr {

std::optional<uint8_t> op_by_name(std::string_view name) {
  // 40 entries: a linear scan is as fast as a hash and needs no init.
  for (const OpInfo& op : kOpTable) {
    if (op.valid && op.name == name) return op.code;
  }
  return std::nullopt;
}

}  // namespace lzr
