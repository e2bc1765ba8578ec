// file: reading, writing and listing files, and line-by-line reading
// through handles (docs/builtins.md, "file"). Failures the OS reports are
// {:error, Reason} results; only a wrong argument raises.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/iodata.h"
#include "builtins/os_results.h"
#include "vm/atoms.h"
#include "vm/builders.h"

namespace lzr {
namespace {

// A path argument: iodata (raises badarg otherwise). A path with a NUL byte
// names no file: the caller answers {:error, :einval}.
bool path_arg(lzr_env* env, Term t, std::string& path, Term& result) {
  if (!append_iodata(path, t)) {
    result = fail(env, kAtom_badarg);
    return false;
  }
  if (path.find('\0') != std::string::npos) {
    result = posix_error(env, EINVAL);
    return false;
  }
  return true;
}

// write(2) until every byte is written; 0 or the errno.
int write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
  return 0;
}

Term f_read(lzr_env* env, const Term* a, unsigned) {
  std::string path;
  Term result;
  if (!path_arg(env, a[0], path, result)) return result;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return posix_error(env, errno);
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return posix_error(env, EISDIR);
  }
  std::string bytes;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) bytes.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return posix_error(env, err);
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  const Term bin = binary_result(env, bytes.data(), bytes.size());
  return bin == kRaised ? kRaised : ok_tuple(env, bin);
}

// A handle term {:file, N} from file.open/2: N, or -1 for anything else.
int64_t handle_id(Term t) {
  if (!is_tuple(t) || tuple_arity(t) != 2 || tuple_elems(t)[0] != kAtom_file || !is_int(tuple_elems(t)[1])) return -1;
  return int_value(tuple_elems(t)[1]);
}

// Writes data to an open handle.
Term write_handle(lzr_env* env, int64_t id, Term data) {
  std::string bytes;
  if (!append_iodata(bytes, data)) return fail(env, kAtom_badarg);
  int err = 0;
  const bool open = proc(env).vm->open_files.use(id, [&](std::FILE* f) {
    // One fwrite under the handle's lock: the bytes stay together.
    errno = 0;
    if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
      err = errno ? errno : EIO;
      std::clearerr(f);
    }
  });
  if (!open) return posix_error(env, EBADF);
  return err ? posix_error(env, err) : kAtom_ok;
}

// write/2 and append/2 on a path (created with mode 0666 less the umask),
// or write/2 on a handle.
Term write_path(lzr_env* env, const Term* a, int flags) {
  std::string path, bytes;
  Term result;
  if (!path_arg(env, a[0], path, result)) return result;
  if (!append_iodata(bytes, a[1])) return fail(env, kAtom_badarg);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0666);
  if (fd < 0) return posix_error(env, errno);
  const int err = write_all(fd, bytes);
  if (::close(fd) != 0 && err == 0) return posix_error(env, errno);
  return err ? posix_error(env, err) : kAtom_ok;
}
Term f_write(lzr_env* env, const Term* a, unsigned) {
  if (is_tuple(a[0])) {
    const int64_t id = handle_id(a[0]);
    if (id < 0) return fail(env, kAtom_badarg);
    return write_handle(env, id, a[1]);
  }
  return write_path(env, a, O_TRUNC);
}
Term f_append(lzr_env* env, const Term* a, unsigned) { return write_path(env, a, O_APPEND); }

// open(Path, Mode): Mode is :read, :write (truncates) or :append.
Term f_open(lzr_env* env, const Term* a, unsigned) {
  std::string path;
  Term result;
  VM& vm = *proc(env).vm;
  const char* mode = a[1] == vm.atom("read") ? "rbe" : a[1] == vm.atom("write") ? "wbe" : a[1] == vm.atom("append") ? "abe" : nullptr;
  if (!mode) return fail(env, kAtom_badarg);
  if (!path_arg(env, a[0], path, result)) return result;
  std::FILE* f = std::fopen(path.c_str(), mode);
  if (!f) return posix_error(env, errno);
  struct stat st;
  if (::fstat(::fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {  // fopen opens a directory for reading
    std::fclose(f);
    return posix_error(env, EISDIR);
  }
  const int64_t id = vm.open_files.add(f);
  const Term elems[] = {kAtom_file, make_int(id)};
  return ok_tuple(env, make_tuple(proc(env).heap, elems));
}

Term f_read_line(lzr_env* env, const Term* a, unsigned) {
  const int64_t id = handle_id(a[0]);
  if (id < 0) return fail(env, kAtom_badarg);
  Term line = kNil;
  if (!proc(env).vm->open_files.use(id, [&](std::FILE* f) { line = read_line_from_file(env, f); }))
    return posix_error(env, EBADF);
  return line;
}

Term f_close(lzr_env* env, const Term* a, unsigned) {
  const int64_t id = handle_id(a[0]);
  if (id < 0) return fail(env, kAtom_badarg);
  std::FILE* f = proc(env).vm->open_files.remove(id);
  if (!f) return posix_error(env, EBADF);
  return std::fclose(f) == 0 ? kAtom_ok : posix_error(env, errno);
}

Term f_exists(lzr_env* env, const Term* a, unsigned) {
  std::string path;
  if (!append_iodata(path, a[0])) return fail(env, kAtom_badarg);
  struct stat st;
  return path.find('\0') == std::string::npos && ::stat(path.c_str(), &st) == 0 ? kTrue : kFalse;
}

// list_dir(Path): {:ok, Names}, the entries' names as binaries in byte order
// ("." and ".." left out).
Term f_list_dir(lzr_env* env, const Term* a, unsigned) {
  std::string path;
  Term result;
  if (!path_arg(env, a[0], path, result)) return result;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return posix_error(env, errno);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  const int err = errno;
  ::closedir(dir);
  if (err) return posix_error(env, err);
  std::sort(names.begin(), names.end());
  std::vector<Term> items;
  items.reserve(names.size());
  for (const std::string& n : names) {
    const Term b = binary_result(env, n.data(), n.size());
    if (b == kRaised) return kRaised;
    items.push_back(b);
  }
  return ok_tuple(env, make_list(proc(env).heap, items));
}

Term f_delete(lzr_env* env, const Term* a, unsigned) {
  std::string path;
  Term result;
  if (!path_arg(env, a[0], path, result)) return result;
  return ::unlink(path.c_str()) == 0 ? kAtom_ok : posix_error(env, errno);
}

constexpr BuiltinFn kFile[] = {
    {"read", 1, guarded<f_read>},           {"write", 2, guarded<f_write>},   {"append", 2, guarded<f_append>},
    {"open", 2, guarded<f_open>},           {"read_line", 1, guarded<f_read_line>}, {"close", 1, guarded<f_close>},
    {"exists?", 1, guarded<f_exists>},      {"list_dir", 1, guarded<f_list_dir>},   {"delete", 1, guarded<f_delete>},
};

}  // namespace

void register_file(VM& vm) { add_builtin_module(vm, "file", kFile); }

}  // namespace lzr
