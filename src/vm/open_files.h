// Files a program opened with file.open/2 (src/builtins/file.cpp), by handle
// number. Numbers are never reused, so a closed handle stays closed; every
// file still open is closed (and flushed) when the VM ends.
#pragma once

#include <cstdint>
#include <cstdio>
#include <unordered_map>

namespace lzr {

class OpenFiles {
 public:
  OpenFiles() = default;
  OpenFiles(const OpenFiles&) = delete;
  OpenFiles& operator=(const OpenFiles&) = delete;
  ~OpenFiles() {
    for (auto& [id, f] : files_) std::fclose(f);
  }
  int64_t add(std::FILE* f) {
    files_.emplace(next_id_, f);
    return next_id_++;
  }
  std::FILE* find(int64_t id) const {
    auto it = files_.find(id);
    return it == files_.end() ? nullptr : it->second;
  }
  // Removes the handle; returns its file (nullptr if it was not open).
  std::FILE* remove(int64_t id) {
    auto it = files_.find(id);
    if (it == files_.end()) return nullptr;
    std::FILE* f = it->second;
    files_.erase(it);
    return f;
  }

 private:
  std::unordered_map<int64_t, std::FILE*> files_;
  int64_t next_id_ = 1;
};

}  // namespace lzr
