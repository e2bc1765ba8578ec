#include "sys/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace lzr {

namespace fs = std::filesystem;

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

std::string not_regular(mode_t mode) { return "is " + kind_of(mode) + ", not a regular file"; }

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Closes `fd` on every path out of a function.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::optional<std::string> write_in_place(const std::string& path, std::string_view bytes) {
  Fd out(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (out.fd < 0 || !write_all(out.fd, bytes)) return errno_text("cannot write");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> not_regular_file_problem(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return std::nullopt;
  return not_regular(st.st_mode);
}

std::optional<std::string> read_regular_file(const std::string& path, std::string& bytes) {
  // stat first, so a device is never opened; then open without blocking
  // (a FIFO swapped in meanwhile opens at once) and check what was opened.
  if (auto problem = not_regular_file_problem(path)) return problem;
  Fd in(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (in.fd < 0) return errno_text("cannot read");
  struct stat st;
  if (::fstat(in.fd, &st) != 0) return errno_text("cannot read");
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  bytes.clear();
  if (st.st_size > 0) bytes.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(in.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_text("cannot read");
    if (n == 0) return std::nullopt;
    bytes.append(buf, static_cast<size_t>(n));
  }
}

std::optional<std::string> write_file_replacing(const std::string& path, std::string_view bytes) {
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return std::string("cannot write: it is a directory");
  if (exists && !S_ISREG(st.st_mode)) return write_in_place(path, bytes);

  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
  Fd out(::mkostemp(temp.data(), O_CLOEXEC));
  if (out.fd < 0) return errno_text("cannot write");
  // mkostemp makes the file 0600: give it the mode the target has, or the
  // one a new file would get.
  mode_t mode = exists ? st.st_mode & 07777 : 0;
  if (!exists) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  bool ok = ::fchmod(out.fd, mode) == 0 && write_all(out.fd, bytes) && ::fsync(out.fd) == 0;
  if (ok) {
    ok = ::close(out.fd) == 0;
    out.fd = -1;
  }
  if (ok) ok = ::rename(temp.c_str(), path.c_str()) == 0;
  if (!ok) {
    std::string problem = errno_text("cannot write");  // before unlink() changes errno
    ::unlink(temp.c_str());
    return problem;
  }
  return std::nullopt;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  const fs::path pa = fs::absolute(a, ec1).lexically_normal();
  const fs::path pb = fs::absolute(b, ec2).lexically_normal();
  if (!ec1 && !ec2 && pa == pb) return true;
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

}  // namespace lzr
