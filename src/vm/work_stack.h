// A LIFO of plain values for iterative tree walks (compare, hash, print,
// literal building): the first N entries live inside the object (no heap
// allocation for the common shallow case), deeper walks spill to the heap,
// so nesting depth is bounded by memory, never by the C stack.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <type_traits>

namespace lzr {

template <typename T, size_t N = 32>
class WorkStack {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  WorkStack() = default;
  WorkStack(const WorkStack&) = delete;
  WorkStack& operator=(const WorkStack&) = delete;

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void push(const T& v) {
    if (size_ == capacity_) grow();
    data_[size_++] = v;
  }
  T pop() { return data_[--size_]; }
  T& top() { return data_[size_ - 1]; }

 private:
  void grow() {
    auto bigger = std::make_unique_for_overwrite<T[]>(capacity_ * 2);
    std::memcpy(bigger.get(), data_, size_ * sizeof(T));
    spilled_ = std::move(bigger);
    data_ = spilled_.get();
    capacity_ *= 2;
  }

  T inline_[N];
  T* data_ = inline_;
  size_t size_ = 0;
  size_t capacity_ = N;
  std::unique_ptr<T[]> spilled_;
};

}  // namespace lzr
