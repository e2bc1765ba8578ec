// Module literals as immortal runtime terms (docs/terms.md, "Literals").
//
// The arena uses the heap's object layouts, so literal terms are ordinary
// terms; the collector recognises them as "not in my blocks" and leaves them
// alone. Maps are built by the same code as heap maps (maps.h), through a
// WordAllocator that draws from the arena.
#include "vm/literals.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "vm/bigint.h"
#include "vm/maps.h"

namespace lzr {

namespace {

constexpr size_t kFirstChunkWords = 256;
constexpr size_t kMaxChunkWords = 64 * 1024;

// One unit of work: materialise `lit` into `*dest`, or (finish_map) build
// the map whose keys and values were materialised into `scratch`.
struct LiteralTask {
  const Literal* lit;
  Term* dest;
  bool finish_map;
  std::vector<Term>* scratch;
};

}  // namespace

Term* LiteralArena::alloc(size_t words) {
  if (chunks_.empty() || chunk_size_ - chunk_used_ < words) {
    const size_t next = chunks_.empty() ? kFirstChunkWords : std::min(chunk_size_ * 2, kMaxChunkWords);
    const size_t size = std::max(words, next);
    chunks_.push_back(std::make_unique_for_overwrite<Term[]>(size));
    chunk_size_ = size;
    chunk_used_ = 0;
  }
  Term* p = chunks_.back().get() + chunk_used_;
  chunk_used_ += words;
  words_ += words;
  return p;
}

size_t LiteralArena::words() const { return words_; }

Term LiteralArena::integer(int64_t v) {
  if (fits_small(v)) return make_int(v);
  const WordAllocator arena{this, [](void* self, size_t words) { return static_cast<LiteralArena*>(self)->alloc(words); }};
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return make_integer(arena, v < 0, &magnitude, 1);
}

Term LiteralArena::tuple(std::initializer_list<Term> elems) {
  Term* o = alloc(1 + elems.size());
  o[0] = make_header(BoxKind::Tuple, elems.size());
  size_t i = 1;
  for (Term t : elems) o[i++] = t;
  return make_boxed(o);
}

Term LiteralArena::cons(Term head, Term tail) {
  Term* cell = alloc(2);
  cell[0] = head;
  cell[1] = tail;
  return make_cons(cell);
}

std::optional<Term> LiteralArena::materialize(const Literal& lit, AtomTable& atoms, std::string& err) {
  const WordAllocator arena{this, [](void* self, size_t words) { return static_cast<LiteralArena*>(self)->alloc(words); }};
  Term result = kNil;
  std::vector<LiteralTask> todo{{&lit, &result, false, nullptr}};
  std::vector<std::unique_ptr<std::vector<Term>>> map_scratch;

  while (!todo.empty()) {
    const LiteralTask task = todo.back();
    todo.pop_back();
    if (task.finish_map) {
      *task.dest = map_from_pairs(arena, task.scratch->data(), task.scratch->size() / 2);
      continue;
    }
    const Literal& l = *task.lit;
    switch (l.kind) {
      case Literal::Kind::Int:
        if (!fits_small(l.i)) {
          err = "integer " + std::to_string(l.i) + " does not fit a small integer";
          return std::nullopt;
        }
        *task.dest = make_int(l.i);
        break;
      case Literal::Kind::BigInt: {
        const Term t = integer_from_bytes(arena, l.negative, reinterpret_cast<const uint8_t*>(l.text.data()), l.text.size());
        if (t == kIntegerTooLarge) {
          err = "integer literal has more than 2^26 bits";
          return std::nullopt;
        }
        *task.dest = t;
        break;
      }
      case Literal::Kind::Float:
        if (!std::isfinite(l.f)) {
          err = "float literal is not finite";
          return std::nullopt;
        }
        *task.dest = make_float(l.f);
        break;
      case Literal::Kind::Atom: {
        auto atom = atoms.intern(l.text);
        if (!atom) {
          err = l.text.size() > kMaxAtomLength ? "atom longer than 255 bytes" : "atom table full";
          return std::nullopt;
        }
        *task.dest = *atom;
        break;
      }
      case Literal::Kind::Binary: {
        const uint64_t payload = binary_words(l.text.size());
        Term* p = alloc(1 + payload);
        p[0] = make_header(BoxKind::Binary, payload);
        p[1] = l.text.size();
        if (payload > 1) p[payload] = 0;
        if (!l.text.empty()) std::memcpy(p + 2, l.text.data(), l.text.size());
        *task.dest = make_boxed(p);
        break;
      }
      case Literal::Kind::Tuple: {
        const size_t n = l.items.size();
        if (n == 0) {
          Term* p = alloc(1);
          p[0] = make_header(BoxKind::Tuple, 0);
          *task.dest = make_boxed(p);
          break;
        }
        Term* p = alloc(1 + n);
        p[0] = make_header(BoxKind::Tuple, n);
        for (size_t i = 0; i < n; ++i) todo.push_back({&l.items[i], p + 1 + i, false, nullptr});
        *task.dest = make_boxed(p);
        break;
      }
      case Literal::Kind::List: {
        const size_t n = l.items.size();
        if (n == 0) {
          *task.dest = kNil;
          break;
        }
        Term* cells = alloc(2 * n);
        for (size_t i = 0; i < n; ++i) {
          cells[2 * i + 1] = i + 1 < n ? make_cons(cells + 2 * i + 2) : kNil;
          todo.push_back({&l.items[i], cells + 2 * i, false, nullptr});
        }
        *task.dest = make_cons(cells);
        break;
      }
      case Literal::Kind::Map: {
        if (l.items.size() % 2 != 0) {
          err = "map literal has an odd number of items";
          return std::nullopt;
        }
        auto& scratch = map_scratch.emplace_back(std::make_unique<std::vector<Term>>(l.items.size()));
        // The finish task runs after every item task pushed above it.
        todo.push_back({&l, task.dest, true, scratch.get()});
        for (size_t i = 0; i < l.items.size(); ++i) todo.push_back({&l.items[i], scratch->data() + i, false, nullptr});
        break;
      }
    }
  }
  return result;
}

}  // namespace lzr
