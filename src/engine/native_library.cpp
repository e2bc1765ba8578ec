#include "engine/native_library.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "format/message_text.h"
#include "format/verifier.h"
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

// dlerror() text usually repeats the path it was given; drop that prefix.
std::string dl_reason(const std::string& path) {
  const char* why = dlerror();
  std::string text = why ? why : "unknown error";
  if (text.compare(0, path.size() + 2, path + ": ") == 0) text.erase(0, path.size() + 2);
  return printable_path(text);
}

// dlsym(handle, ...) also searches the library's dependencies (libc...), so
// a symbol the library lacks may still be found elsewhere; accept only
// symbols the library itself defines.
bool defined_in(void* handle, void* sym) {
  Dl_info info;
  link_map* map = nullptr;
  if (!dladdr(sym, &info) || dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map) return false;
  return info.dli_fname && map->l_name && std::strcmp(info.dli_fname, map->l_name) == 0;
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

std::unique_ptr<Module> open_native_module(VM& vm, const ModuleFile& f, const std::string& label, LoadError& err) {
  auto m = std::make_unique<Module>();
  m->name = f.native_name;
  m->file = label;
  m->name_atom = vm.atom(m->name);
  // Opening a library runs its code: only where the user allowed it.
  const NativeLibraryChoice lib = choose_native_library(f, label, vm.native_path);
  if (!lib.problem.empty()) {
    err.message = printable_path(label) + ": " + lib.problem;
    return nullptr;
  }
  const std::string shown = printable_path(lib.path);
  void* handle = dlopen(lib.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    err.message = printable_path(label) + ": cannot load native library " + shown + ": " + dl_reason(lib.path);
    return nullptr;
  }
  m->native_library = handle;  // ~Module closes it, also when this load fails
  for (const std::string& entry : f.native_functions) {
    auto ref = parse_function_ref(entry);  // the verifier checked the form
    void* sym = dlsym(handle, ref->name.c_str());
    if (!sym || !defined_in(handle, sym)) {
      err.message = printable_path(label) + ": native library " + shown + " has no symbol " + printable(ref->name) +
                    " (for " + printable(entry) + ")";
      return nullptr;
    }
    FunctionInfo& fi = m->functions.emplace_back();
    fi.module_atom = m->name_atom;
    fi.name_atom = vm.atom(ref->name);
    fi.arity = static_cast<uint8_t>(ref->arity);
    fi.module = m.get();
    fi.native = reinterpret_cast<NativeFn>(sym);
  }
  return m;
}

}  // namespace lzr
