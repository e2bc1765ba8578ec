// A lock taken only while several scheduler threads share the node
// (Node::concurrent()): with one scheduler a single thread touches it all,
// and the locked instructions a mutex costs would be pure overhead on
// every spawn, exit and name lookup.
#pragma once

namespace lzr {

template <typename Mutex> class LockIf {
 public:
  LockIf(Mutex& m, bool take) : m_(take ? &m : nullptr) {
    if (m_) m_->lock();
  }
  ~LockIf() {
    if (m_) m_->unlock();
  }
  LockIf(const LockIf&) = delete;
  LockIf& operator=(const LockIf&) = delete;

 private:
  Mutex* m_;
};

template <typename Mutex> class SharedLockIf {
 public:
  SharedLockIf(Mutex& m, bool take) : m_(take ? &m : nullptr) {
    if (m_) m_->lock_shared();
  }
  ~SharedLockIf() {
    if (m_) m_->unlock_shared();
  }
  SharedLockIf(const SharedLockIf&) = delete;
  SharedLockIf& operator=(const SharedLockIf&) = delete;

 private:
  Mutex* m_;
};

}  // namespace lzr
