// Loading (loader.h): read, verify, translate (translate.h), fuse
// (fusion.h) and register modules, then link their calls into other
// modules, loading those from the search path on demand.
#include "engine/loader.h"

#include <filesystem>
#include <optional>

#include "asm/assembler.h"
#include "engine/fusion.h"
#include "engine/insn.h"
#include "engine/native_library.h"
#include "engine/translate.h"
#include "format/message_text.h"
#include "format/verifier.h"
#include "sys/files.h"
#include "vm/atoms.h"

namespace lzr {
namespace fs = std::filesystem;

namespace {

// Modules added during one top-level load; all are removed if any fails.
struct LoadSession {
  VM& vm;
  std::vector<Term> added;
  // The built-in module whose library file is being read (add_library_of):
  // only that file may define a module of a built-in module's name.
  const Module* extending = nullptr;
};

// A module of this load whose calls into other modules are not bound yet.
struct Unlinked {
  Module* module;
  std::vector<PendingCall> pending;
  size_t next = 0;  // pending[next] is the call being bound
};

Module* load_native(LoadSession& s, const ModuleFile& f, const std::string& label, LoadError& err) {
  if (s.vm.find_module(s.vm.atom(f.native_name))) {
    err.message = printable_path(label) + ": module " + printable(f.native_name) + " is already loaded";
    return nullptr;
  }
  std::unique_ptr<Module> m = open_native_module(s.vm, f, label, err);
  if (!m) return nullptr;
  Module* added = s.vm.add_module(std::move(m));
  s.added.push_back(added->name_atom);
  return added;
}

// A library module extends the built-in module of its name (docs/builtins.md,
// "Where a call goes"): the built-in's natives are listed after the
// library's own functions, and the library owns the built-in module so that
// calls already bound to its natives stay valid. A library function with a
// native's name and arity is an error: a call would be ambiguous.
bool extend_builtin(LoadSession& s, Module& m, const std::string& label, LoadError& err) {
  for (const FunctionInfo& native : s.vm.find_module(m.name_atom)->functions) {
    if (m.find(native.name_atom, native.arity)) {
      err.message = printable_path(label) + ": module " + printable(m.name) + " defines " +
                    printable(s.vm.atoms.text(native.name_atom)) + "/" + std::to_string(native.arity) +
                    ", which is a built-in function of that module";
      return false;
    }
  }
  m.base = s.vm.take_module(m.name_atom);
  for (const FunctionInfo& native : m.base->functions) {
    FunctionInfo& fi = m.functions.emplace_back(native);
    fi.module = &m;
  }
  return true;
}

Module* add_script(LoadSession& s, const ModuleFile& f, const std::string& label, std::vector<PendingCall>& calls,
                   LoadError& err) {
  auto m = std::make_unique<Module>();
  m->file = label;
  m->name = f.name();
  const Module* existing = s.vm.find_module(s.vm.atom(m->name));
  if (existing && existing != s.extending) {
    err.message = printable_path(label) + ": module " + printable(m->name) + " is already loaded";
    return nullptr;
  }
  m->name_atom = s.vm.atom(m->name);
  for (size_t i = 0; i < f.literals.size(); ++i) {
    std::string why;
    auto t = m->literal_arena.materialize(f.literals[i], s.vm.atoms, why);
    if (!t) {
      err.message = printable_path(label) + ": literal " + std::to_string(i) + ": " + why;
      return nullptr;
    }
    m->literals.push_back(*t);
  }
  if (f.lines) {
    std::string why;
    auto location = m->literal_arena.materialize(
        Literal::tuple({Literal::atom("file"), Literal::binary(f.lines->file)}), s.vm.atoms, why);
    if (!location) {
      err.message = label + ": line table: " + why;
      return nullptr;
    }
    m->file_location = *location;
    for (const LineEntry& e : f.lines->entries)  // verified: words and lines fit 32 bits
      m->lines.push_back({static_cast<uint32_t>(e.word), static_cast<uint32_t>(e.line)});
  }
  std::vector<PendingCall> pending;
  if (!translate(*m, f, s.vm.atoms, label, pending, err)) return nullptr;
  fuse_instructions(*m);
  if (existing && !extend_builtin(s, *m, label, err)) return nullptr;
  Module* added = s.vm.add_module(std::move(m));
  s.added.push_back(added->name_atom);
  calls = std::move(pending);  // link() binds them
  return added;
}

// Verifies and registers one module. A script's calls into other modules
// are left in `pending` for link().
Module* add_parsed(LoadSession& s, const ModuleFile& f, const std::string& label, std::vector<PendingCall>& pending,
                   LoadError& err) {
  if (!verify_module(f, label, err)) return nullptr;
  if (f.type == ModuleType::Native) return load_native(s, f, label, err);
  return add_script(s, f, label, pending, err);
}

Module* add_path(LoadSession& s, const std::string& path, std::vector<PendingCall>& pending, LoadError& err) {
  std::string bytes;
  if (auto problem = read_regular_file(path, bytes)) {
    err.message = printable_path(path) + ": " + *problem;
    return nullptr;
  }
  if (fs::path(path).extension() == ".lzs") {
    std::string why;
    auto f = assemble(bytes, path, why);
    if (!f) {
      err.message = why;
      return nullptr;
    }
    return add_parsed(s, *f, path, pending, err);
  }
  auto f = read_module(bytes, path, err);
  if (!f) return nullptr;
  return add_parsed(s, *f, path, pending, err);
}

// Module names become file names on the search path (NAME.lzr): a name
// that could name a file elsewhere is never looked up.
std::optional<std::string> unsafe_module_name(std::string_view name) {
  if (name.find('/') != std::string_view::npos) return "contains '/'";
  if (name.find('\\') != std::string_view::npos) return "contains '\\'";
  if (name.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (name.find("..") != std::string_view::npos) return "contains '..'";
  return std::nullopt;
}

// The file of module `name` on the search path (NAME.lzr, then NAME.lzs, in
// each folder in order), read and added (its own calls left in `pending`).
// Sets `found` to false, and returns nullptr without an error, when no
// folder has one.
Module* add_from_search_path(LoadSession& s, std::string_view name, std::vector<PendingCall>& pending, bool& found,
                             LoadError& err) {
  found = true;
  for (const std::string& dir : s.vm.search_path) {
    for (const char* ext : {".lzr", ".lzs"}) {
      const std::string path = (fs::path(dir) / (std::string(name) + ext)).string();
      if (auto problem = not_regular_file_problem(path)) {
        err.message = printable_path(path) + ": " + *problem;
        return nullptr;
      }
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) continue;
      Module* m = add_path(s, path, pending, err);
      if (m && m->name != name) {
        err.message = printable_path(path) + ": defines module " + printable(m->name) + ", expected " + printable(name);
        return nullptr;
      }
      return m;
    }
  }
  found = false;
  return nullptr;
}

std::string searched(const VM& vm) {
  std::string where;
  for (const std::string& dir : vm.search_path) where += (where.empty() ? "" : ":") + printable_path(dir);
  return "searched " + (where.empty() ? std::string("nothing") : where);
}

// `native.M` names the built-in module M itself, also once a library has
// extended it: a library module calls its own natives so, since inside
// module M the name `M.f/a` means M's bytecode (assembly.md §3.1).
constexpr std::string_view kNativePrefix = "native.";

// The module `name`: loaded already, or found on the search path and added
// (its own calls left in `pending`).
Module* find_or_add_named(LoadSession& s, std::string_view name, std::vector<PendingCall>& pending, LoadError& err) {
  if (name.starts_with(kNativePrefix)) {
    const std::string_view builtin = name.substr(kNativePrefix.size());
    auto atom = s.vm.atoms.find(builtin);
    Module* m = atom ? s.vm.find_module(*atom) : nullptr;
    if (m && m->base) return m->base.get();
    if (m && m->builtin) return m;
    err.message = "module " + printable(name) + " not found (" + printable(builtin) + " is not a built-in module)";
    return nullptr;
  }
  if (auto atom = s.vm.atoms.find(name))
    if (Module* m = s.vm.find_module(*atom)) return m;
  if (auto why = unsafe_module_name(name)) {
    err.message = "module name " + printable(name) + " " + *why + ", so no module file can have it";
    return nullptr;
  }
  bool found;
  Module* m = add_from_search_path(s, name, pending, found, err);
  if (!found) err.message = "module " + printable(name) + " not found (" + searched(s.vm) + ")";
  return m;
}

// A built-in module lacks a function a call names: its library file, if the
// search path has one, extends it (an extended module is no longer
// `builtin`, so this happens once). Returns the extended module, or
// nullptr: with `err` set when the library file is bad, else when there is
// none (looked for again next time: a host may add folders).
Module* add_library_of(LoadSession& s, Module& builtin, std::vector<PendingCall>& pending, LoadError& err) {
  bool found;
  s.extending = &builtin;
  Module* m = add_from_search_path(s, builtin.name, pending, found, err);
  s.extending = nullptr;
  return m;
}

// "mod.fun/2", escaped: names come from the module.
std::string callee_name(const PendingCall& pc) {
  return printable(pc.target.module + "." + pc.target.name) + "/" + std::to_string(pc.target.arity);
}

// "FILE: word W: call to mod.fun/2": the call `u` is binding.
std::string call_site(const Unlinked& u) {
  const PendingCall& pc = u.pending[u.next];
  return word_error(u.module->file, pc.word, "call to " + callee_name(pc));
}

// `what` went wrong binding the innermost call of `chain`: the message names
// the calls that led there, outermost first. A long chain shows its ends
// only, so the message does not grow with the chain.
std::string chained(const std::vector<Unlinked>& chain, const std::string& what) {
  constexpr size_t kEnds = 8;
  const size_t outer = chain.size() - 1;
  std::string out;
  for (size_t i = 0; i < outer; ++i) {
    if (outer > 2 * kEnds && i >= kEnds && i < outer - kEnds) {
      if (i == kEnds) out += "... " + count_of(outer - 2 * kEnds, "more call") + " ...: ";
      continue;
    }
    out += call_site(chain[i]) + ": ";
  }
  return out + what;
}

// Binds the calls of `root` into other modules, loading each module from
// the search path when first called, and linking it before going on (depth
// first, in call order). The chain of modules being linked is an explicit
// stack, so a chain of any length needs no C++ stack per module.
bool link(LoadSession& s, Module* root, std::vector<PendingCall> pending, LoadError& err) {
  std::vector<Unlinked> chain;
  if (!pending.empty()) chain.push_back({root, std::move(pending)});
  while (!chain.empty()) {
    Unlinked& u = chain.back();
    if (u.next == u.pending.size()) {
      chain.pop_back();
      continue;
    }
    const PendingCall& pc = u.pending[u.next];
    std::vector<PendingCall> callee_calls;
    Module* target = find_or_add_named(s, pc.target.module, callee_calls, err);
    if (!target) {
      err.message = chained(chain, call_site(u) + ": " + err.message);
      return false;
    }
    if (!callee_calls.empty()) {  // link the new module first; this call binds when we are back
      chain.push_back({target, std::move(callee_calls)});
      continue;
    }
    auto atom = s.vm.atoms.find(pc.target.name);
    const FunctionInfo* fn = atom ? target->find(*atom, pc.target.arity) : nullptr;
    if (!fn && target->builtin && !pc.target.module.starts_with(kNativePrefix)) {
      if (Module* library = add_library_of(s, *target, callee_calls, err)) {
        if (!callee_calls.empty()) chain.push_back({library, std::move(callee_calls)});
        continue;  // this call binds against the extended module
      }
      if (!err.message.empty()) {
        err.message = chained(chain, call_site(u) + ": " + err.message);
        return false;
      }
    }
    if (!fn) {
      err.message = chained(chain, word_error(u.module->file, pc.word, "call to undefined function " + callee_name(pc)));
      return false;
    }
    const IOp site = u.module->code[pc.insn].op;
    if ((site == IOp::bif || site == IOp::gcbif || site == IOp::bif_map_get || site == IOp::bif_map_has_key) &&
        !fn->native) {
      err.message = chained(chain, word_error(u.module->file, pc.word,
                                              callee_name(pc) + " is not a built-in (bif and gcbif call built-ins only)"));
      return false;
    }
    if (fn->upvals > 0) {
      err.message = chained(chain, word_error(u.module->file, pc.word,
                                              "call to " + callee_name(pc) + ", which needs a closure (upvals > 0)"));
      return false;
    }
    set_call_target(u.module->code[pc.insn], fn);
    call_in_line(u.module->code[pc.insn], pc.target, fn);
    ++u.next;
  }
  return true;
}

// Runs one top-level load: `add` registers the first module, link() the
// rest. On failure unloads every module the load added (their code never
// ran). Loads run one at a time (VM::lock_loading): one that finds a module
// missing adds it and links it before another can look for it.
template <typename F>
Module* transaction(VM& vm, LoadError& err, F&& add) {
  auto loading = vm.lock_loading();
  LoadSession s{vm, {}};
  std::vector<PendingCall> pending;
  Module* m = add(s, pending);
  if (m && !link(s, m, std::move(pending), err)) m = nullptr;
  if (!m) {
    for (auto it = s.added.rbegin(); it != s.added.rend(); ++it) vm.discard_module(*it);
  }
  return m;
}

}  // namespace

Module* load_module_file(VM& vm, const std::string& path, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) {
    return add_path(s, path, pending, err);
  });
}

Module* load_module_bytes(VM& vm, std::string_view bytes, const std::string& label, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) -> Module* {
    auto f = read_module(bytes, label, err);
    return f ? add_parsed(s, *f, label, pending, err) : nullptr;
  });
}

Module* load_library_of(VM& vm, Module& builtin, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) {
    // Another load may have extended the module since the caller found it.
    if (Module* now = s.vm.find_module(builtin.name_atom); now != &builtin) return now;
    return add_library_of(s, builtin, pending, err);
  });
}

Module* load_module_named(VM& vm, std::string_view name, LoadError& err) {
  return transaction(vm, err, [&](LoadSession& s, std::vector<PendingCall>& pending) {
    return find_or_add_named(s, name, pending, err);
  });
}

}  // namespace lzr
