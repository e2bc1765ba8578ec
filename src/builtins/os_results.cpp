#include "builtins/os_results.h"

#include <cerrno>
#include <cstring>

#include "vm/atoms.h"
#include "vm/builders.h"

namespace lzr {

Term posix_reason(lzr_env* env, int err) {
  const char* name;
  switch (err) {
    case ENOENT: name = "enoent"; break;
    case EACCES: name = "eacces"; break;
    case EPERM: name = "eperm"; break;
    case EISDIR: name = "eisdir"; break;
    case ENOTDIR: name = "enotdir"; break;
    case EEXIST: name = "eexist"; break;
    case ENOTEMPTY: name = "enotempty"; break;
    case ENOSPC: name = "enospc"; break;
    case EROFS: name = "erofs"; break;
    case EBADF: name = "ebadf"; break;
    case EINVAL: name = "einval"; break;
    case ENAMETOOLONG: name = "enametoolong"; break;
    case ELOOP: name = "eloop"; break;
    case EMFILE: name = "emfile"; break;
    case ENFILE: name = "enfile"; break;
    case EBUSY: name = "ebusy"; break;
    case EFBIG: name = "efbig"; break;
    case ETXTBSY: name = "etxtbsy"; break;
    case EPIPE: name = "epipe"; break;
    case ENXIO: name = "enxio"; break;
    case ENODEV: name = "enodev"; break;
    case ENOMEM: name = "enomem"; break;
    case EAGAIN: name = "eagain"; break;
    case EXDEV: name = "exdev"; break;
    case EDQUOT: name = "edquot"; break;
    default: name = "eio"; break;
  }
  return proc(env).vm->atom(name);
}

Term posix_error(lzr_env* env, int err) {
  const Term elems[] = {kAtom_error, posix_reason(env, err)};
  return make_tuple(proc(env).heap, elems);
}

Term ok_tuple(lzr_env* env, Term value) {
  const Term elems[] = {kAtom_ok, value};
  return make_tuple(proc(env).heap, elems);
}

Term binary_result(lzr_env* env, const char* bytes, size_t n) {
  uint8_t* data;
  const Term out = alloc_binary_result(env, n, data);
  if (out == kRaised) return kRaised;
  if (n) std::memcpy(data, bytes, n);
  return out;
}

}  // namespace lzr
