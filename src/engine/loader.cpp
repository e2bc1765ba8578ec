#include "engine/loader.h"

#include <dlfcn.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "asm/assembler.h"
#include "engine/insn.h"
#include "format/opcodes.h"
#include "format/verifier.h"
#include "vm/atoms.h"

namespace lzr {
namespace fs = std::filesystem;

namespace {

// A call whose target lives in another module, bound once that module loads.
struct PendingCall {
  size_t insn;        // internal index
  uint32_t word;      // file offset, for messages
  FunctionRef target;
};

// Modules added during one top-level load; all are removed if any fails.
struct LoadSession {
  VM& vm;
  std::vector<Term> added;
  bool failed = false;
};

Module* load_named(LoadSession& s, std::string_view name, LoadError& err);
Module* load_script(LoadSession& s, const ModuleFile& f, const std::string& label, LoadError& err) {
  auto m = std::make_unique<Module>();
  m->file = label;
  m->name = f.name();
  if (s.vm.find_module(s.vm.atom(m->name))) {
    err.message = label + ": module " + m->name + " is already loaded";
    return nullptr;
  }
  m->name_atom = s.vm.atom(m->name);
  for (size_t i = 0; i < f.literals.size(); ++i) {
    std::string why;
    auto t = m->literal_arena.materialize(f.literals[i], s.vm.atoms, why);
    if (!t) {
      err.message = label + ": literal " + std::to_string(i) + ": " + why;
      return nullptr;
    }
    m->literals.push_back(*t);
  }
  std::vector<PendingCall> pending;
  if (!translate(*m, f, s.vm.atoms, label, pending, err)) return nullptr;
  Module* added = s.vm.add_module(std::move(m));
  s.added.push_back(added->name_atom);
  if (!link(s, *added, pending, err)) return nullptr;
  return added;
}

Module* load_parsed(LoadSession& s, const ModuleFile& f, const std::string& label, LoadError& err) {
  if (!verify_module(f, label, err)) return nullptr;
  if (f.type == ModuleType::Native) return load_native(s, f, label, err);
  return load_script(s, f, label, err);
}

Module* load_path(LoadSession& s, const std::string& path, LoadError& err) {
  bool ok = false;
  std::string bytes = read_file(path, ok);
  if (!ok) {
    err.message = path + ": cannot read file: " + std::strerror(errno);
    return nullptr;
  }
  if (fs::path(path).extension() == ".lzs") {
    std::string why;
    auto f = assemble(bytes, path, why);
    if (!f) {
      err.message = why;
      return nullptr;
    }
    return load_parsed(s, *f, path, err);
  }
  auto f = read_module(bytes, path, err);
  if (!f) return nullptr;
  return load_parsed(s, *f, path, err);
}

Module* load_named(LoadSession& s, std::string_view name, LoadError& err) {
  if (auto atom = s.vm.atoms.find(name))
    if (Module* m = s.vm.find_module(*atom)) return m;
  for (const std::string& dir : s.vm.search_path) {
    for (const char* ext : {".lzr", ".lzs"}) {
      fs::path p = fs::path(dir) / (std::string(name) + ext);
      std::error_code ec;
      if (!fs::is_regular_file(p, ec)) continue;
      Module* m = load_path(s, p.string(), err);
      if (m && m->name != name) {
        err.message = p.string() + ": defines module " + m->name + ", expected " + std::string(name);
        return nullptr;
      }
      return m;
    }
  }
  std::string where;
  for (const std::string& dir : s.vm.search_path) where += (where.empty() ? "" : ":") + dir;
  err.message = "module " + std::string(name) + " not found (searched " + (where.empty() ? "nothing" : where) + ")";
  return nullptr;
}

// Runs one top-level load; on failure unloads every module it added.
template <typename F>
Module* transaction(VM& vm, LoadError& err, F&& body) {
  LoadSession s{vm, {}};
  Module* m = body(s);
  if (!m) {
    for (auto it = s.added.rbegin(); it != s.added.rend(); ++it) vm.remove_module(*it);
  }
  return m;
}

}  // namespace

Module* load_module_file(VM& vm, const std::string& path, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s) { return load_path(s, path, err); });
}

Module* load_module_bytes(VM& vm, std::string_view bytes, const std::string& label, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s) -> Module* {
    auto f = read_module(bytes, label, err);
    return f ? load_parsed(s, *f, label, err) : nullptr;
  });
}

Module* load_module_named(VM& vm, std::string_view name, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s) { return load_named(s, name, err); });
}

}  // namespace lzr
