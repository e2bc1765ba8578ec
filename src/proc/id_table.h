// A process's links and monitors (proc/node.h, ProcessLinks): entries keyed
// by a pid or a reference, kept in the order they were added, with add,
// find and erase in O(1) (amortized) however many there are.
//
// Most processes have none (ProcessLinks itself is allocated on first use)
// and most of the rest one or two, so the table is one pointer, null when
// it never held anything, to one malloc block: an 8-byte header (entries
// written, room), then the entries in insertion order. Up to kScanned
// entries the block holds nothing else (one monitor: 24 bytes, one link:
// 16, the smallest malloc chunks): a lookup scans them and an erase moves
// the later ones down. Past that, a hash index follows the entries (open
// addressing, linear probing, positions + 1, 0 empty, at most half full),
// then the count of live entries, and an erase leaves a hole (key nil: a
// pid or a reference is never nil) that lookups and iteration pass over;
// the block is rebuilt, holes squeezed out and the index made anew, when
// it is full (twice the size if more than half of it is live) and when
// fewer than a quarter of its entries are live (half the size), so each
// rebuild is paid for by as many operations as it moves entries, and the
// block stays within four times what it holds.
//
// Keys are immediates (vm/term.h: equal exactly when their words are), so
// hashing and comparing them touch nothing but the word. Only the owning
// process's scheduler touches a table: nothing here locks.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <type_traits>
#include <utility>

#include "vm/term.h"

namespace lzr {

struct NoValue {};

// IdTable<> is a set of keys (linked pids); IdTable<Term> maps a key to a
// term (a monitor's reference to the other process's pid).
template <typename Value = NoValue>
class IdTable {
 public:
  struct Entry {
    Term key;
    [[no_unique_address]] Value value;
  };
  static_assert(std::is_trivially_copyable_v<Entry>, "entries are moved with memcpy");
  // Entries a table holds without a hash index.
  static constexpr uint32_t kScanned = 8;

  IdTable() = default;
  ~IdTable() { std::free(block_); }
  IdTable(IdTable&& o) noexcept : block_(std::exchange(o.block_, nullptr)) {}
  IdTable& operator=(IdTable&& o) noexcept {
    std::swap(block_, o.block_);
    return *this;
  }
  IdTable(const IdTable&) = delete;
  IdTable& operator=(const IdTable&) = delete;

  bool empty() const { return size() == 0; }
  size_t size() const { return block_ ? live() : 0; }
  // Whether lookups go through the hash index (tests).
  bool indexed() const { return block_ && block_->capacity > kScanned; }
  // Bytes of the block (tests, memory figures).
  size_t block_bytes() const { return block_ ? bytes_for(block_->capacity) : 0; }

  // The entry with `key`, or nullptr (valid until the table changes).
  Entry* find(Term key) {
    const uint32_t at = position_of(key);
    return at == kNone ? nullptr : entries() + at;
  }
  bool contains(Term key) const { return position_of(key) != kNone; }

  // Adds {key, value} at the end unless `key` is there already (false).
  bool insert(Term key, Value value = {}) {
    if (position_of(key) != kNone) return false;
    push(key, value);
    return true;
  }
  // Adds {key, value} at the end; `key` is not there (a new reference, a
  // pid never added): no lookup first.
  void push(Term key, Value value = {}) {
    assert(key != kNil);
    if (!block_ || block_->used == block_->capacity) make_room();
    const uint32_t at = block_->used++;
    entries()[at] = Entry{key, value};
    if (has_index()) {
      index_insert(key, at);
      ++live_count();
    }
  }
  // Removes the entry with `key`, copied to *erased first: false if none.
  bool erase(Term key, Entry* erased = nullptr) {
    const uint32_t at = position_of(key);
    if (at == kNone) return false;
    Entry* e = entries();
    if (erased) *erased = e[at];
    if (!has_index()) {
      std::memmove(e + at, e + at + 1, (block_->used - at - 1) * sizeof(Entry));
      --block_->used;
      return true;
    }
    e[at].key = kNil;  // a hole; its index slot now only lengthens probes
    if (--live_count() < block_->capacity / 4) rebuild(block_->capacity / 2);
    return true;
  }

  // The live entries, in the order they were added.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using pointer = const Entry*;
    using reference = const Entry&;
    const_iterator() = default;
    const_iterator(const Entry* at, const Entry* end) : at_(at), end_(end) { skip(); }
    const Entry& operator*() const { return *at_; }
    const Entry* operator->() const { return at_; }
    const_iterator& operator++() {
      ++at_;
      skip();
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator was = *this;
      ++*this;
      return was;
    }
    bool operator==(const const_iterator& o) const { return at_ == o.at_; }

   private:
    void skip() {
      while (at_ != end_ && at_->key == kNil) ++at_;
    }
    const Entry* at_ = nullptr;
    const Entry* end_ = nullptr;
  };
  const_iterator begin() const { return {data(), data() + used()}; }
  const_iterator end() const { return {data() + used(), data() + used()}; }

 private:
  struct Block {
    uint32_t used;      // entries written, holes included (none while scanned)
    uint32_t capacity;  // entries the block has room for: 1, 2, 4, ...
  };
  static_assert(sizeof(Block) % alignof(Entry) == 0);
  static constexpr uint32_t kNone = UINT32_MAX;

  // An index has twice as many slots as the block has entries (a power of
  // two), so it is never more than half full, holes' slots included.
  static size_t index_slots(uint32_t capacity) { return capacity > kScanned ? size_t{capacity} * 2 : 0; }
  static size_t bytes_for(uint32_t capacity) {
    const size_t after = capacity > kScanned ? index_slots(capacity) + 1 : 0;  // the index, the live count
    return sizeof(Block) + size_t{capacity} * sizeof(Entry) + after * sizeof(uint32_t);
  }
  Entry* entries() const { return reinterpret_cast<Entry*>(block_ + 1); }
  const Entry* data() const { return block_ ? entries() : nullptr; }
  uint32_t used() const { return block_ ? block_->used : 0; }
  bool has_index() const { return block_->capacity > kScanned; }
  uint32_t* index() const { return reinterpret_cast<uint32_t*>(entries() + block_->capacity); }
  size_t index_mask() const { return size_t{block_->capacity} * 2 - 1; }
  // Hashed: the live entries, kept after the index; scanned: all written.
  uint32_t& live_count() const { return index()[index_slots(block_->capacity)]; }
  uint32_t live() const { return has_index() ? live_count() : block_->used; }
  // Pids and references are numbered in order: Fibonacci hashing spreads
  // consecutive numbers over the index.
  static size_t hash(Term key) {
    const uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }

  uint32_t position_of(Term key) const {
    if (!block_ || key == kNil) return kNone;  // nil marks a hole, never a key
    const Entry* e = entries();
    if (!has_index()) {
      for (uint32_t i = 0; i < block_->used; ++i)
        if (e[i].key == key) return i;
      return kNone;
    }
    const uint32_t* slots = index();
    const size_t mask = index_mask();
    for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      const uint32_t s = slots[i];
      if (s == 0) return kNone;
      if (e[s - 1].key == key) return s - 1;
    }
  }

  void index_insert(Term key, uint32_t at) {
    uint32_t* slots = index();
    const size_t mask = index_mask();
    size_t i = hash(key) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = at + 1;
  }

  // The block is full (or there is none): squeezes out the holes if at most
  // half of it is live, else doubles it.
  void make_room() {
    if (!block_) return rebuild(1);
    const uint32_t cap = block_->capacity;
    if (has_index() && live_count() <= cap / 2) return rebuild(cap);
    if (cap > UINT32_MAX / 4) throw std::bad_alloc();
    rebuild(cap * 2);
  }

  // A new block of `capacity` entries holding the live ones in order.
  void rebuild(uint32_t capacity) {
    if (capacity < 1) capacity = 1;
    Block* b = static_cast<Block*>(std::malloc(bytes_for(capacity)));
    if (!b) throw std::bad_alloc();
    b->capacity = capacity;
    b->used = 0;
    Block* old = std::exchange(block_, b);
    if (has_index()) std::memset(index(), 0, index_slots(capacity) * sizeof(uint32_t));
    if (old) {
      const Entry* from = reinterpret_cast<const Entry*>(old + 1);
      for (uint32_t i = 0; i < old->used; ++i)
        if (from[i].key != kNil) {
          const uint32_t at = b->used++;
          entries()[at] = from[i];
          if (has_index()) index_insert(from[i].key, at);
        }
      std::free(old);
    }
    if (has_index()) live_count() = b->used;
  }

  Block* block_ = nullptr;
};

}  // namespace lzr
