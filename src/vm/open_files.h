// Files a program opened with file.open/2 (src/builtins/file.cpp), by handle
// number. Numbers are never reused, so a closed handle stays closed; every
// file still open is closed (and flushed) when the VM ends.
//
// Processes on different scheduler threads may use, open and close handles
// at the same time (docs/processes.md, "Schedulers on every core"): the
// table is under a mutex held only to find, add or remove an entry, and
// each handle has a mutex of its own, held for one whole operation on it
// (use) and by close, so calls on one handle run one after the other (one
// write's bytes stay together, a close waits for a read in progress)
// while calls on different handles, or a read blocked on a slow file, do
// not wait for each other. A handle closed while another thread had
// already found it reads as closed (EBADF) there; its FILE is never used
// after fclose. Always locked: a file operation costs far more than an
// uncontended mutex.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace lzr {

class OpenFiles {
 public:
  OpenFiles() = default;
  OpenFiles(const OpenFiles&) = delete;
  OpenFiles& operator=(const OpenFiles&) = delete;
  ~OpenFiles() {
    for (auto& [id, h] : files_)
      if (h->file) std::fclose(h->file);
  }
  int64_t add(std::FILE* f) {
    auto h = std::make_shared<Handle>();
    h->file = f;
    std::lock_guard lock(mutex_);
    files_.emplace(next_id_, std::move(h));
    return next_id_++;
  }
  // Runs op(FILE*) on open handle `id`, with the handle to itself; false
  // (op not run) if it is not open.
  template <typename Op> bool use(int64_t id, Op&& op) {
    std::shared_ptr<Handle> h = find(id);
    if (!h) return false;
    std::lock_guard lock(h->mutex);
    if (!h->file) return false;  // closed after we found it
    op(h->file);
    return true;
  }
  // Removes the handle once no operation on it is in progress; returns its
  // file for the caller to close (nullptr if it was not open).
  std::FILE* remove(int64_t id) {
    std::shared_ptr<Handle> h;
    {
      std::lock_guard lock(mutex_);
      auto it = files_.find(id);
      if (it == files_.end()) return nullptr;
      h = std::move(it->second);
      files_.erase(it);
    }
    std::lock_guard lock(h->mutex);
    std::FILE* f = h->file;
    h->file = nullptr;
    return f;
  }
  size_t count() {
    std::lock_guard lock(mutex_);
    return files_.size();
  }

 private:
  struct Handle {
    std::mutex mutex;
    std::FILE* file = nullptr;
  };
  std::shared_ptr<Handle> find(int64_t id) {
    std::lock_guard lock(mutex_);
    auto it = files_.find(id);
    return it == files_.end() ? nullptr : it->second;
  }

  std::mutex mutex_;
  std::unordered_map<int64_t, std::shared_ptr<Handle>> files_;
  int64_t next_id_ = 1;
};

}  // namespace lzr
