// C API: the running process, sending (docs/c-api.md, "Processes").
#include "api/api_env.h"
#include "proc/node.h"
#include "vm/atoms.h"
#include "vm/raise.h"
#include "vm/vm.h"

using namespace lzr;

extern "C" {

lzr_term lzr_self(lzr_env* env) {
  Process& p = *env->proc;
  if (p.self == kNil) node_of(*p.vm).add(p);  // an embedding VM's process before its first call
  return p.self;
}

lzr_term lzr_send(lzr_env* env, lzr_term to, lzr_term msg) {
  Process& p = *env->proc;
  if (msg == kRaised) return kRaised;
  Node& node = node_of(*p.vm);
  Process* dest = is_pid(to) ? node.find(to) : is_atom(to) ? node.whereis(to) : nullptr;
  if (!dest) {
    if (is_pid(to)) return msg;  // gone: dropped, as process.send/2
    return raise_tagged(p, kAtom_badarg, to);
  }
  node.send(*dest, msg);
  return msg;
}

}  // extern "C"
