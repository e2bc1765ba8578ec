// Files as the loader and the command line use them. Only regular files are
// read: a directory, a FIFO or a device is refused by what it is, without
// blocking on it. Outputs replace their target only once they are complete,
// so a failed write never leaves a half-written or deleted file behind.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lzr {

// Reads the whole regular file at `path` into `bytes`. On failure returns
// the problem, without the path: "cannot read: No such file or directory",
// "is a directory, not a regular file", "is a FIFO, not a regular file".
std::optional<std::string> read_regular_file(const std::string& path, std::string& bytes);

// Why `path` could not be opened as a regular file if it exists but is
// something else ("is a FIFO, not a regular file"); nullopt when it is a
// regular file or does not exist (the caller reports that its own way).
// Nothing is opened, so a FIFO or a device cannot block or react.
std::optional<std::string> not_regular_file_problem(const std::string& path);

// Writes `bytes` to `path`: into a temporary file in the same folder, which
// is renamed over `path` once written and synced. A target that exists and
// is not a regular file (a device such as /dev/null or /dev/stdout, a FIFO)
// is written in place instead, since renaming would replace the device
// node; a directory is refused. On failure `path` is untouched and the
// problem is returned ("cannot write: No space left on device").
std::optional<std::string> write_file_replacing(const std::string& path, std::string_view bytes);

// True if `a` and `b` name the same file: the same absolute path once
// normalised, or, when both exist, the same device and inode (hard links,
// symbolic links, "./x" and "x").
bool same_file(const std::string& a, const std::string& b);

}  // namespace lzr
