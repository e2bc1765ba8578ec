#include "engine/native_library.h"

#include <algorithm>
#include <filesystem>

#include "format/message_text.h"
#include "sys/files.h"

namespace lzr {

namespace fs = std::filesystem;

namespace {

// `dir` as an absolute, lexically normal path without a trailing separator.
fs::path normal_folder(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (p.has_relative_path() && p.filename().empty()) p = p.parent_path();
  return p;
}

// `file` (absolute, normal) is below `folder` (absolute, normal).
bool inside(const fs::path& file, const fs::path& folder) {
  auto [f, d] = std::mismatch(file.begin(), file.end(), folder.begin(), folder.end());
  return d == folder.end() && f != file.end();
}

}  // namespace

std::string module_folder(const std::string& label) {
  fs::path p(label);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

NativeLibraryChoice choose_native_library(const ModuleFile& f, const std::string& label,
                                          const std::vector<std::string>& native_path) {
  NativeLibraryChoice c;
  const fs::path lib(f.native_libpath);
  const std::string folder = module_folder(label);
  if (lib.is_relative()) {
    c.path = (fs::path(folder) / lib).string();
    if (std::find(lib.begin(), lib.end(), fs::path("..")) != lib.end()) {
      c.problem = "native library path " + printable_path(f.native_libpath) +
                  " leaves the module's folder (a relative library path cannot contain '..')";
      return c;
    }
  } else {
    // The path that is checked is the path that is opened: "/ok/../etc/x"
    // is judged, and opened, as "/etc/x".
    const fs::path normal = lib.lexically_normal();
    c.path = normal.string();
    bool allowed = inside(normal, normal_folder(folder));
    for (const std::string& dir : native_path) allowed = allowed || inside(normal, normal_folder(dir));
    if (!allowed) {
      c.problem = "native library " + printable_path(c.path) +
                  " is outside the module's folder and the native path (allow its folder with --native-path or "
                  "LZR_NATIVE_PATH)";
      return c;
    }
  }
  if (auto problem = not_regular_file_problem(c.path)) c.problem = "native library " + printable_path(c.path) + " " + *problem;
  return c;
}

}  // namespace lzr
