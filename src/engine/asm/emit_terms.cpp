// Term construction and access: get, drop, put, size and type with fast
// paths for the common containers (helpers for the rest); cons, tuple, list
// and closures by bump allocation; map through a helper. Every allocating
// instruction ends with the same safe point as portable.cpp.
#include "emitter.h"
#include "helpers.h"
#include "engine/semantics.h"
#include "vm/atoms.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

namespace {

// rax = the tuple element: container r10, index r11. Two unsigned compares
// do all the checking: r10 ^ kTagBoxed is below 2^48 exactly when r10 is
// boxed (and is then the object), and r11 + bias is below the arity only
// when r11 is a small integer (else its top bits are set) that is not
// negative (else its payload is >= 2^47) and in range. Leaves for
// `not_boxed` (r10 is no boxed term), `not_tuple` (rsi = the object, rcx =
// its header, rdx = r11 + bias) or `slow` (a tuple, a bad index).
void tuple_get_fast(Emitter& e, Label not_boxed, Label not_tuple, Label slow) {
  x86::Assembler& a = e.a;
  e.untag_or_jump(x86::rsi, x86::r10, kTagBoxed, not_boxed);
  a.lea(x86::rdx, x86::ptr(x86::r11, kIntBias));
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi));  // its header
  static_assert(static_cast<uint8_t>(BoxKind::Tuple) == 0);
  a.test(x86::cl, x86::cl);
  a.jnz(not_tuple);
  a.shl(x86::rcx, 64 - kTagShift);
  a.shr(x86::rcx, 64 - kTagShift + 8);  // arity
  a.cmp(x86::rdx, x86::rcx);
  a.jae(slow);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, x86::rdx, 3, 8));
}

// rdx = the payload of index r11 when it is a non-negative small integer
// (below 2^47), else a jump to `slow`. Clobbers rcx.
void non_negative_index(Emitter& e, Label slow) {
  x86::Assembler& a = e.a;
  a.lea(x86::rdx, x86::ptr(x86::r11, kIntBias));
  a.mov(x86::rcx, x86::rdx);
  a.shr(x86::rcx, kTagShift - 1);
  a.jnz(slow);
}

// rax = element r11 of the list r10: a walk of r11 tails, every step
// checked to be a cons cell (else `slow`, where op_get raises badindex on
// an improper or short list). Clobbers rcx, rdx, rsi, r8.
void list_nth_fast(Emitter& e, Label slow) {
  x86::Assembler& a = e.a;
  Label walk = a.newLabel(), head = a.newLabel();
  e.untag_or_jump(x86::rsi, x86::r10, kTagCons, slow);
  a.mov(x86::rcx, imm(make_int(0)));
  a.cmp(x86::r11, x86::rcx);
  a.je(head);                 // the head: the most common index
  non_negative_index(e, slow);  // rdx > 0 now
  a.mov(x86::r8, imm(kTagCons));
  a.bind(walk);
  a.mov(x86::rsi, x86::qword_ptr(x86::rsi, 8));  // the tail
  a.xor_(x86::rsi, x86::r8);
  a.cmp(x86::rsi, x86::qword_ptr(x86::rsp, kIntLimitSlot));
  a.jae(slow);
  a.dec(x86::rdx);
  a.jnz(walk);
  a.bind(head);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi));
}

// Jumps to `slow` unless `key` is an immediate (neither a cons nor a boxed
// term): for those exact equality is word equality, so a flat map's key
// matches exactly when its word is the same (map_find's kv_index does the
// same; nothing here depends on the keys' sorted order). Clobbers rax.
void require_immediate_key(Emitter& e, x86::Gp key, Label slow) {
  x86::Assembler& a = e.a;
  static_assert(kBoxedTag16 == kConsTag16 + 1);
  a.mov(x86::rax, key);
  a.shr(x86::rax, kTagShift);
  a.sub(x86::eax, kConsTag16);
  a.cmp(x86::eax, 1);
  a.jbe(slow);
}

// rdx = the address of the key slot of `key`, known to be immediate, in
// the flat map at rsi (header in rcx), else a jump to `absent`. Clobbers
// rcx.
void flat_map_scan(Emitter& e, x86::Gp key, Label absent) {
  x86::Assembler& a = e.a;
  Label scan = a.newLabel(), found = a.newLabel();
  a.shl(x86::rcx, 64 - kTagShift);
  a.shr(x86::rcx, 64 - kTagShift + 9);  // words / 2: the entries
  a.jz(absent);
  a.lea(x86::rdx, x86::ptr(x86::rsi, 8));
  a.bind(scan);
  a.cmp(x86::qword_ptr(x86::rdx), key);
  a.je(found);
  a.add(x86::rdx, 16);
  a.dec(x86::ecx);
  a.jnz(scan);
  a.jmp(absent);
  a.bind(found);
}

// The same for any key: a jump to `slow` when it is not immediate or is
// absent. Clobbers rax, rcx.
void flat_map_find(Emitter& e, x86::Gp key, Label slow) {
  require_immediate_key(e, key, slow);
  flat_map_scan(e, key, slow);
}

// get: tuple elements in line; out of line list elements (a walk), the value
// of an immediate key in a flat map (a linear scan) and binary bytes. Every
// other container, key or index, and every error, goes through op_get.
void emit_get(Emitter& e, IOp iop, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label not_boxed = a.newLabel(), not_tuple = a.newLabel(), slow = a.newLabel();
  auto store = [&e, kinds] { e.store_a_then_next(kinds.a); };
  // helper(p, container, index): its value stored, or the error exit.
  auto call_then_store = [&e, store](Term (*helper)(Process*, Term, Term) noexcept) {
    e.a.mov(x86::rdi, kProc);
    e.a.mov(x86::rsi, x86::r10);
    e.a.mov(x86::rdx, x86::r11);
    e.call(helper);
    e.check_raised(x86::rax);
    store();
  };
  e.begin(iop);
  e.load_pair(kinds.b, kInsnB, kinds.c, kInsnC);
  tuple_get_fast(e, not_boxed, not_tuple, slow);
  store();
  e.cold([&e, not_boxed, not_tuple, slow, store, call_then_store] {
    x86::Assembler& a = e.a;
    Label not_map = a.newLabel();
    a.bind(not_boxed);
    list_nth_fast(e, slow);
    store();

    Label not_flat = a.newLabel();
    a.bind(not_tuple);  // rsi = object, rcx = header, rdx = index + bias
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::MapFlat));
    a.jne(not_flat);
    flat_map_find(e, x86::r11, slow);
    a.mov(x86::rax, x86::qword_ptr(x86::rdx, 8));
    store();

    a.bind(not_flat);  // a hash-trie map: the lookup in C++, without op_get's dispatch
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::MapHamt));
    a.jne(not_map);
    call_then_store(&h_map_get);

    Label not_plain = a.newLabel(), byte = a.newLabel();
    a.bind(not_map);  // a binary's byte: index below its size (else slow)
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::Binary));
    a.jne(not_plain);
    a.cmp(x86::rdx, x86::qword_ptr(x86::rsi, 8));
    a.jae(slow);
    a.bind(byte);  // rsi + 16 = the first byte, rdx = the index
    a.movzx(x86::eax, x86::byte_ptr(x86::rsi, x86::rdx, 0, 16));
    e.tag_non_negative_int(x86::rax, x86::rax);
    store();

    // A view (every binary of kRefBinMinBytes and more is one): length and
    // offset are small integers, so adding the bias gives their values;
    // the holder keeps its bytes at offset 16 of itself (Binary, BinBuf) or
    // of its off-heap block (RefBin).
    a.bind(not_plain);
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::SubBinary));
    a.jne(slow);
    a.mov(x86::rcx, x86::qword_ptr(x86::rsi, 24));  // the length
    a.add(x86::rcx, kIntBias);
    a.cmp(x86::rdx, x86::rcx);
    a.jae(slow);
    a.add(x86::rdx, x86::qword_ptr(x86::rsi, 16));  // + the offset
    a.add(x86::rdx, kIntBias);
    a.mov(x86::rsi, x86::qword_ptr(x86::rsi, 8));   // the holder, boxed
    a.shl(x86::rsi, 64 - kTagShift);
    a.shr(x86::rsi, 64 - kTagShift);
    a.cmp(x86::byte_ptr(x86::rsi), static_cast<uint8_t>(BoxKind::RefBin));
    a.jne(byte);
    a.mov(x86::rsi, x86::qword_ptr(x86::rsi, 8));   // its RefBlock
    a.jmp(byte);

    a.bind(slow);
    call_then_store(&h_get);
  });
}

// drop: a list's tail (index 1) in line, after r11 cells out of line (every
// step checked to be a cons cell; index 0 keeps any list, nil included). It
// allocates nothing, so it needs no safe point. Tuples, maps, binaries and errors go through
// op_drop, then the safe point (drop has no regmask: all X live).
// op_drop of container r10 at index rdx, stored to operand a, then the safe
// point (drop has no regmask: every X register is live).
void drop_through_helper(Emitter& e, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, x86::r10);
  e.call(&h_drop);
  e.check_raised(x86::rax);
  e.store_as(kInsnA, x86::rax, kinds.a);
  e.safe_point_then_next(Emitter::MaskFrom::Immediate, ~0u);
}

void emit_drop(Emitter& e, IOp iop, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label not_one = a.newLabel(), zero = a.newLabel(), slow = a.newLabel();
  e.begin(iop);
  e.load_pair(kinds.b, kInsnB, kinds.c, kInsnC);
  a.mov(x86::rcx, imm(make_int(1)));  // the tail: the most common index
  a.cmp(x86::r11, x86::rcx);
  a.jne(not_one);
  e.untag_or_jump(x86::rsi, x86::r10, kTagCons, slow);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, 8));
  e.store_a_then_next(kinds.a);
  e.cold([&e, kinds, not_one, zero, slow] {
    x86::Assembler& a = e.a;
    Label is_list = a.newLabel(), walk = a.newLabel();
    a.bind(not_one);
    non_negative_index(e, slow);
    a.mov(x86::rax, x86::r10);
    a.test(x86::rdx, x86::rdx);
    a.jz(zero);
    a.mov(x86::r8, imm(kTagCons));
    a.bind(walk);
    a.mov(x86::rsi, x86::rax);
    a.xor_(x86::rsi, x86::r8);
    a.cmp(x86::rsi, x86::qword_ptr(x86::rsp, kIntLimitSlot));
    a.jae(slow);
    a.mov(x86::rax, x86::qword_ptr(x86::rsi, 8));
    a.dec(x86::rdx);
    a.jnz(walk);
    e.store_a_then_next(kinds.a);

    a.bind(zero);  // drop 0 of a list (cons or nil) is the list itself
    a.mov(x86::rcx, imm(kNil));
    a.cmp(x86::r10, x86::rcx);
    a.je(is_list);
    e.untag_or_jump(x86::rsi, x86::r10, kTagCons, slow);
    a.bind(is_list);
    e.store_a_then_next(kinds.a);

    a.bind(slow);
    a.mov(x86::rdx, x86::r11);
    drop_through_helper(e, kinds);
  });
}

// hd (known_operands.cpp: the index register c holds 0): a list's head,
// then a tuple's first element; anything else runs the generic get.
void emit_hd(Emitter& e, IOp iop, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label not_cons = a.newLabel(), generic = a.newLabel();
  e.begin(iop);
  e.load_as(x86::r10, kInsnB, kinds.b);
  e.untag_or_jump(x86::rsi, x86::r10, kTagCons, not_cons);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi));
  e.store_a_then_next(kinds.a);
  e.cold([&e, kinds, not_cons, generic] {
    x86::Assembler& a = e.a;
    a.bind(not_cons);
    e.untag_or_jump(x86::rsi, x86::r10, kTagBoxed, generic);
    a.mov(x86::rcx, x86::qword_ptr(x86::rsi));
    a.test(x86::cl, x86::cl);  // a tuple (kind 0) of arity > 0
    a.jnz(generic);
    a.shl(x86::rcx, 64 - kTagShift);
    a.shr(x86::rcx, 64 - kTagShift + 8);
    a.jz(generic);
    a.mov(x86::rax, x86::qword_ptr(x86::rsi, 8));
    e.store_a_then_next(kinds.a);
    a.bind(generic);
    a.jmp(e.op_labels[static_cast<unsigned>(IOp::get)]);
  });
}

// tl (known_operands.cpp: the index register c holds 1): a list's tail;
// anything else (a tuple, a map, nil, errors) is op_drop's at index 1,
// without the generic drop's second try at a list.
void emit_tl(Emitter& e, IOp iop, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label generic = a.newLabel();
  e.begin(iop);
  e.load_as(x86::r10, kInsnB, kinds.b);
  e.untag_or_jump(x86::rsi, x86::r10, kTagCons, generic);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, 8));
  e.store_a_then_next(kinds.a);
  e.cold([&e, generic, kinds] {
    e.a.bind(generic);
    e.a.mov(x86::rdx, imm(make_int(1)));
    drop_through_helper(e, kinds);
  });
}

// hdtl_xx / tlhd_xx (fusion.cpp, fuse_pairs): hd_xxx and tl_xxx of the
// same list X[b], in either order, in one dispatch: one cons test, both
// stores in the instructions' order. Anything but a cons cell runs the
// first instruction's own routine (the second follows on its own).
void emit_head_tail_pair(Emitter& e, IOp iop, bool head_first) {
  x86::Assembler& a = e.a;
  Label alone = a.newLabel();
  e.begin(iop);
  e.load_x(x86::r10, kInsnB);
  e.untag_or_jump(x86::rsi, x86::r10, kTagCons, alone);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, head_first ? 0 : 8));
  a.mov(x86::rdx, x86::qword_ptr(x86::rsi, head_first ? 8 : 0));
  e.store_x(kInsnA, x86::rax);
  e.store_x(kInsnSize + kInsnA, x86::rdx);
  e.next(2);
  e.cold([&e, alone, head_first] {
    e.a.bind(alone);
    e.a.jmp(e.op_labels[static_cast<unsigned>(head_first ? IOp::hd_xxx : IOp::tl_xxx)]);
  });
}

// Copies `words` (rcx, > 0) words from [r9 + 8] .. to [rax + 8] ..,
// highest first. Clobbers rcx, rdx.
void copy_words_after_header(x86::Assembler& a) {
  Label copy = a.newLabel();
  a.bind(copy);
  a.mov(x86::rdx, x86::qword_ptr(x86::r9, x86::rcx, 3));
  a.mov(x86::qword_ptr(x86::rax, x86::rcx, 3), x86::rdx);
  a.dec(x86::rcx);
  a.jnz(copy);
}

// put: a tuple with element r10 replaced by r11 (a copy, in line), and, out
// of line, a flat map whose immediate key r10 is present: the same map if
// the value is the same word (as map_put), else a copy with the new value;
// absent, the insertion alone (map_put_absent: the scan already looked).
// Anything else (HAMT maps, lists, other keys, errors) goes through op_put.
// All end at the safe point, mask from the instruction.
void emit_put(Emitter& e) {
  x86::Assembler& a = e.a;
  Label not_tuple = a.newLabel(), slow = a.newLabel(), done = a.newLabel();
  e.begin(IOp::put);
  e.load_operand(x86::r9, kInsnB);
  e.load_operand(x86::r10, kInsnC);
  e.load_operand(x86::r11, kInsnD);
  e.untag_or_jump(x86::rsi, x86::r9, kTagBoxed, slow);
  a.mov(x86::r9, x86::rsi);  // from here on r9 is the object
  a.mov(x86::rcx, x86::qword_ptr(x86::r9));
  a.test(x86::cl, x86::cl);
  a.jnz(not_tuple);
  a.lea(x86::rdx, x86::ptr(x86::r10, kIntBias));
  a.mov(x86::rsi, x86::rcx);
  a.shl(x86::rsi, 64 - kTagShift);
  a.shr(x86::rsi, 64 - kTagShift + 8);  // arity
  a.cmp(x86::rdx, x86::rsi);
  a.jae(slow);
  a.inc(x86::rsi);  // the header and the elements
  e.alloc_words_in_rsi({x86::r9, x86::r10, x86::r11});
  a.mov(x86::rcx, x86::qword_ptr(x86::r9));
  a.mov(x86::qword_ptr(x86::rax), x86::rcx);  // the same header
  a.shl(x86::rcx, 64 - kTagShift);
  a.shr(x86::rcx, 64 - kTagShift + 8);  // arity > 0: the index is in range
  copy_words_after_header(a);
  a.lea(x86::rdx, x86::ptr(x86::r10, kIntBias));
  a.mov(x86::qword_ptr(x86::rax, x86::rdx, 3, 8), x86::r11);
  a.mov(x86::rcx, imm(kTagBoxed));
  a.or_(x86::rax, x86::rcx);
  a.bind(done);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::InsnU);
  e.cold([&e, not_tuple, slow, done] {
    x86::Assembler& a = e.a;
    Label changed = a.newLabel();
    Label absent = a.newLabel();
    a.bind(not_tuple);  // r9 = the object, rcx = its header
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::MapFlat));
    a.jne(slow);
    a.mov(x86::rsi, x86::r9);
    require_immediate_key(e, x86::r10, slow);  // a cons or boxed key: op_put
    flat_map_scan(e, x86::r10, absent);        // rdx = the key's slot
    a.cmp(x86::qword_ptr(x86::rdx, 8), x86::r11);
    a.jne(changed);
    a.mov(x86::rax, imm(kTagBoxed));  // the same value: the same map
    a.or_(x86::rax, x86::r9);
    a.jmp(done);
    a.bind(changed);
    a.mov(x86::r10, x86::rdx);
    a.sub(x86::r10, x86::r9);  // the key slot's offset in the object
    a.mov(x86::rsi, x86::qword_ptr(x86::r9));
    a.shl(x86::rsi, 64 - kTagShift);
    a.shr(x86::rsi, 64 - kTagShift + 8);
    a.inc(x86::rsi);  // the header and the entries
    e.alloc_words_in_rsi({x86::r9, x86::r10, x86::r11});
    a.mov(x86::rcx, x86::qword_ptr(x86::r9));
    a.mov(x86::qword_ptr(x86::rax), x86::rcx);
    a.shl(x86::rcx, 64 - kTagShift);
    a.shr(x86::rcx, 64 - kTagShift + 8);
    copy_words_after_header(a);
    a.mov(x86::qword_ptr(x86::rax, x86::r10, 0, 8), x86::r11);
    a.mov(x86::rcx, imm(kTagBoxed));
    a.or_(x86::rax, x86::rcx);
    a.jmp(done);

    a.bind(absent);  // r9 = the flat map's object, r10 = the key, r11 = the value
    a.mov(x86::rdi, kProc);
    a.mov(x86::rsi, imm(kTagBoxed));
    a.or_(x86::rsi, x86::r9);
    a.mov(x86::rdx, x86::r10);
    a.mov(x86::rcx, x86::r11);
    e.call(&h_map_put_absent);
    a.jmp(done);

    a.bind(slow);  // the registers may hold anything by now: reload
    e.load_operand(x86::r9, kInsnB);
    e.load_operand(x86::r10, kInsnC);
    e.load_operand(x86::r11, kInsnD);
    a.mov(x86::rdi, kProc);
    a.mov(x86::rsi, x86::r9);
    a.mov(x86::rdx, x86::r10);
    a.mov(x86::rcx, x86::r11);
    e.call(&h_put);
    e.check_raised(x86::rax);
    a.jmp(done);
  });
}

// size: tuples in line; out of line flat maps, binaries and proper lists
// (counted by a walk). HAMT maps, improper lists and other terms go
// through op_size.
void emit_size(Emitter& e) {
  x86::Assembler& a = e.a;
  Label not_boxed = a.newLabel(), not_tuple = a.newLabel(), slow = a.newLabel(), result = a.newLabel();
  e.begin(IOp::size);
  e.load_operand(x86::r10, kInsnB);
  e.untag_or_jump(x86::rsi, x86::r10, kTagBoxed, not_boxed);
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi));
  a.test(x86::cl, x86::cl);
  a.jnz(not_tuple);
  a.shl(x86::rcx, 64 - kTagShift);
  a.shr(x86::rcx, 64 - kTagShift + 8);
  a.bind(result);  // rcx = the size, below 2^40
  e.tag_non_negative_int(x86::rax, x86::rcx);
  e.store_operand(kInsnA, x86::rax);
  e.next();
  e.cold([&e, not_boxed, not_tuple, slow, result] {
    x86::Assembler& a = e.a;
    Label not_map = a.newLabel(), not_binary = a.newLabel(), walk = a.newLabel(), end = a.newLabel();
    a.bind(not_tuple);
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::MapFlat));
    a.jne(not_map);
    a.shl(x86::rcx, 64 - kTagShift);
    a.shr(x86::rcx, 64 - kTagShift + 9);  // words / 2
    a.jmp(result);
    a.bind(not_map);
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::Binary));
    a.jne(not_binary);
    a.mov(x86::rcx, x86::qword_ptr(x86::rsi, 8));
    a.jmp(result);
    a.bind(not_binary);  // a binary view: its length, a small integer
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::SubBinary));
    a.jne(slow);
    a.mov(x86::rcx, x86::qword_ptr(x86::rsi, 24));
    a.add(x86::rcx, kIntBias);
    a.jmp(result);

    a.bind(not_boxed);  // a proper list: count its cells, then expect nil
    a.xor_(x86::ecx, x86::ecx);
    a.mov(x86::rax, x86::r10);
    a.mov(x86::r8, imm(kTagCons));
    a.bind(walk);
    a.mov(x86::rsi, x86::rax);
    a.xor_(x86::rsi, x86::r8);
    a.cmp(x86::rsi, x86::qword_ptr(x86::rsp, kIntLimitSlot));
    a.jae(end);
    a.mov(x86::rax, x86::qword_ptr(x86::rsi, 8));
    a.inc(x86::rcx);
    a.jmp(walk);
    a.bind(end);
    a.mov(x86::rdx, imm(kNil));
    a.cmp(x86::rax, x86::rdx);
    a.je(result);

    a.bind(slow);
    a.mov(x86::rsi, x86::r10);
    a.mov(x86::rdi, kProc);
    e.call(&h_size);
    e.check_raised(x86::rax);
    e.store_operand(kInsnA, x86::rax);
    e.next();
  });
}

// type: by tag, and for boxed terms by the header's kind byte. Kinds this
// routine does not name (and specials other than nil) go through op_type.
void emit_type(Emitter& e) {
  x86::Assembler& a = e.a;
  Label done = a.newLabel(), is_float = a.newLabel(), not_int = a.newLabel(), slow = a.newLabel();
  e.begin(IOp::type);
  e.load_operand(x86::r10, kInsnB);
  a.mov(x86::rcx, x86::r10);
  a.shr(x86::rcx, kTagShift);
  a.cmp(x86::ecx, kIntTag16);
  a.jne(not_int);
  a.mov(x86::rax, imm(kAtom_integer));
  a.bind(done);
  e.store_operand(kInsnA, x86::rax);
  e.next();
  e.cold([&e, done, is_float, not_int, slow] {
    x86::Assembler& a = e.a;
    Label not_atom = a.newLabel(), is_list = a.newLabel(), not_cons = a.newLabel();
    auto result = [&a, done](Term atom) {
      a.mov(x86::rax, imm(atom));
      a.jmp(done);
    };
    a.bind(not_int);  // ecx = the tag
    a.jb(is_float);   // flags of the tag compare: below kIntTag16
    a.cmp(x86::ecx, kAtomTag16);
    a.jne(not_atom);
    result(kAtom_atom);
    a.bind(is_float);
    result(kAtom_float);
    a.bind(not_atom);
    a.cmp(x86::ecx, kConsTag16);
    a.jne(not_cons);
    a.bind(is_list);
    result(kAtom_list);
    a.bind(not_cons);
    a.mov(x86::rdx, imm(kNil));
    a.cmp(x86::r10, x86::rdx);
    a.je(is_list);
    e.untag_or_jump(x86::rsi, x86::r10, kTagBoxed, slow);
    a.movzx(x86::ecx, x86::byte_ptr(x86::rsi));  // the kind
    for (BoxKind kind : {BoxKind::Tuple, BoxKind::MapFlat, BoxKind::MapHamt, BoxKind::Closure, BoxKind::Binary}) {
      Label next = a.newLabel();
      a.cmp(x86::ecx, static_cast<uint8_t>(kind));
      a.jne(next);
      result(kind == BoxKind::Tuple ? kAtom_tuple : kind == BoxKind::Closure ? kAtom_function
                                                  : kind == BoxKind::Binary  ? kAtom_binary
                                                                             : kAtom_map);
      a.bind(next);
    }
    a.bind(slow);
    a.mov(x86::rdi, x86::r10);
    e.call(&h_type);
    a.jmp(done);
  });
}

// load_get / load_drop: X[a] = the integer constant c >= 0 (u; bytes 4..7:
// c), then the next instruction, a' = get/drop(b', X[a]) with any operand
// kinds (load_get_x: a' and b' X, reached without kind tests), when it is
// a tuple element (get), a list's head (get 0) or its
// tail (drop 1): the accesses compiled record and list code makes. Anything
// else (maps, binaries, longer walks, errors, drop from a tuple, which
// allocates) runs the next instruction on its own, whose routine has its
// own fast paths.
void emit_fused_access(Emitter& e, IOp iop, bool drop, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  Label plain = a.newLabel(), not_tuple = a.newLabel();
  auto store_and_skip = [&e, kinds] {
    e.store_as(kInsnSize + kInsnA, x86::rax, kinds.a);
    e.next(2);
  };
  e.begin(iop);
  e.fused_load();  // r11 = the index
  e.load_as(x86::r10, kInsnSize + kInsnB, kinds.b);  // read after the load: b' may be a
  if (!drop) {
    tuple_get_fast(e, not_tuple, not_tuple, not_tuple);
    store_and_skip();
    a.bind(not_tuple);
  }
  // A list's head (get 0) or tail (drop 1).
  a.cmp(x86::dword_ptr(kPc, kInsnImm), drop ? 1 : 0);
  a.jne(plain);
  e.untag_or_jump(x86::rsi, x86::r10, kTagCons, plain);
  a.mov(x86::rax, x86::qword_ptr(x86::rsi, drop ? 8 : 0));
  store_and_skip();
  a.bind(plain);
  e.next();
}

// cons: a cell by bump allocation, then the safe point.
void emit_cons(Emitter& e, IOp iop, Emitter::Kinds kinds) {
  x86::Assembler& a = e.a;
  e.begin(iop);
  e.alloc_fixed(x86::r9, 2);
  e.load_as(x86::rax, kInsnB, kinds.b);
  a.mov(x86::qword_ptr(x86::r9), x86::rax);
  e.load_as(x86::rax, kInsnC, kinds.c);
  a.mov(x86::qword_ptr(x86::r9, 8), x86::rax);
  a.mov(x86::rax, imm(kTagCons));
  a.or_(x86::rax, x86::r9);
  e.store_as(kInsnA, x86::rax, kinds.a);
  e.safe_point_then_next(Emitter::MaskFrom::InsnU);
}

// Header word of a boxed object: kTagHeader | words << 8 | kind, with the
// word count in `words` (clobbered).
void make_header(x86::Assembler& a, x86::Gp words, BoxKind kind) {
  a.shl(words, 8);
  a.mov(x86::rcx, imm(kTagHeader | static_cast<uint8_t>(kind)));
  a.or_(words, x86::rcx);
}

// Copies the constructor's `count` (r10d) operands to [r9 + 8*i + disp],
// operand bytes at r8 + kCtorOps. Clobbers rax, rcx, rdx, r11.
void copy_ctor_operands(Emitter& e, int32_t disp) {
  x86::Assembler& a = e.a;
  Label loop = a.newLabel(), done = a.newLabel();
  a.xor_(x86::r11d, x86::r11d);
  a.test(x86::r10d, x86::r10d);
  a.jz(done);
  a.bind(loop);
  a.movzx(x86::edx, x86::byte_ptr(x86::r8, x86::r11, 0, kCtorOps));
  e.load_operand_reg(x86::rax, x86::rdx);
  a.mov(x86::qword_ptr(x86::r9, x86::r11, 3, disp), x86::rax);
  a.inc(x86::r11d);
  a.cmp(x86::r11d, x86::r10d);
  a.jb(loop);
  a.bind(done);
}

// Allocates `extra` + count words (count from the instruction's CtorInfo),
// leaving r8 = CtorInfo*, r9 = object, r10d = count.
void alloc_for_ctor(Emitter& e, int32_t extra, int32_t per_element) {
  x86::Assembler& a = e.a;
  a.mov(x86::r8, e.insn_u());
  a.mov(x86::esi, x86::dword_ptr(x86::r8, kCtorCount));
  if (per_element == 2) a.add(x86::esi, x86::esi);
  if (extra) a.add(x86::esi, extra);
  e.alloc_words_in_rsi();
  a.mov(x86::r9, x86::rax);
  a.mov(x86::r8, e.insn_u());  // the slow path may have clobbered it
  a.mov(x86::r10d, x86::dword_ptr(x86::r8, kCtorCount));
}

void store_boxed_then_safe_point(Emitter& e, x86::Gp object, uint64_t tag) {
  e.a.mov(x86::rax, imm(tag));
  e.a.or_(x86::rax, object);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Ctor);
}

}  // namespace

void emit_terms(Emitter& e) {
  x86::Assembler& a = e.a;

  emit_get(e, IOp::get, Emitter::kAnyKinds);
  emit_get(e, IOp::get_xxx, Emitter::kAllX);
  emit_fused_access(e, IOp::load_get, false, Emitter::kAnyKinds);
  emit_fused_access(e, IOp::load_get_x, false, Emitter::kAllX);
  emit_fused_access(e, IOp::load_drop, true, Emitter::kAnyKinds);

  emit_drop(e, IOp::drop, Emitter::kAnyKinds);
  // Operand-kind variants (insn.h).
#define LZR_EMIT_VARIANT(I, generic, kinds, name) I(e, IOp::name, Emitter::kinds_named(#kinds));
  LZR_KIND_VARIANTS_GET(LZR_EMIT_VARIANT, emit_get)
  LZR_KIND_VARIANTS_DROP(LZR_EMIT_VARIANT, emit_drop)
  LZR_KIND_VARIANTS_CONS(LZR_EMIT_VARIANT, emit_cons)
  LZR_KIND_VARIANTS_HD_X(LZR_EMIT_VARIANT, emit_hd)
  LZR_KIND_VARIANTS_HD(LZR_EMIT_VARIANT, emit_hd)
  LZR_KIND_VARIANTS_TL(LZR_EMIT_VARIANT, emit_tl)
#undef LZR_EMIT_VARIANT
  emit_head_tail_pair(e, IOp::hdtl_xx, true);
  emit_head_tail_pair(e, IOp::tlhd_xx, false);
  emit_hd(e, IOp::hd, Emitter::kAnyKinds);
  emit_tl(e, IOp::tl, Emitter::kAnyKinds);
  emit_put(e);

  emit_cons(e, IOp::cons, Emitter::kAnyKinds);

  e.begin(IOp::tuple);
  alloc_for_ctor(e, 1, 1);
  a.mov(x86::rax, x86::r10);
  make_header(a, x86::rax, BoxKind::Tuple);
  a.mov(x86::qword_ptr(x86::r9), x86::rax);
  copy_ctor_operands(e, 8);
  store_boxed_then_safe_point(e, x86::r9, kTagBoxed);

  // A tuple of N X registers (fusion.cpp, fuse_small_tuples): the size and
  // the header are constants, and each element is two moves, no loop.
  for (unsigned n = kMinUnrolledTuple; n <= kMaxUnrolledTuple; ++n) {
    e.begin(unrolled_tuple(n));
    e.alloc_fixed(x86::r9, static_cast<int32_t>(n + 1));
    a.mov(x86::r8, e.insn_u());
    a.mov(x86::rax, imm(lzr::make_header(BoxKind::Tuple, n)));
    a.mov(x86::qword_ptr(x86::r9), x86::rax);
    for (unsigned i = 0; i < n; ++i) {
      a.movzx(x86::edx, x86::byte_ptr(x86::r8, kCtorOps + static_cast<int32_t>(i)));
      a.mov(x86::rax, x86::qword_ptr(kTable, x86::rdx, 3, kXOffset));
      a.mov(x86::qword_ptr(x86::r9, 8 * static_cast<int32_t>(i + 1)), x86::rax);
    }
    store_boxed_then_safe_point(e, x86::r9, kTagBoxed);
  }

  // Closure: header, FunctionInfo*, upvalues.
  e.begin(IOp::fn);
  alloc_for_ctor(e, 2, 1);
  a.lea(x86::rax, x86::ptr(x86::r10, 1));  // r10 = count, zero-extended
  make_header(a, x86::rax, BoxKind::Closure);
  a.mov(x86::qword_ptr(x86::r9), x86::rax);
  a.mov(x86::rax, x86::qword_ptr(x86::r8, kCtorFn));
  a.mov(x86::qword_ptr(x86::r9, 8), x86::rax);
  copy_ctor_operands(e, 16);
  store_boxed_then_safe_point(e, x86::r9, kTagBoxed);

  // List: count cons cells in one block, each tail pointing at the next.
  e.begin(IOp::list);
  {
    Label empty = a.newLabel(), loop = a.newLabel();
    a.mov(x86::rax, e.insn_u());
    a.cmp(x86::dword_ptr(x86::rax, kCtorCount), 0);
    a.je(empty);
    alloc_for_ctor(e, 0, 2);
    a.xor_(x86::r11d, x86::r11d);
    a.bind(loop);  // r11 = element index; cell i at r9 + 16 * i
    a.movzx(x86::edx, x86::byte_ptr(x86::r8, x86::r11, 0, kCtorOps));
    e.load_operand_reg(x86::rax, x86::rdx);
    a.mov(x86::rdx, x86::r11);
    a.shl(x86::rdx, 4);
    a.add(x86::rdx, x86::r9);                            // the cell
    a.mov(x86::qword_ptr(x86::rdx), x86::rax);           // head
    a.mov(x86::rax, imm(kTagCons));
    a.lea(x86::rcx, x86::ptr(x86::rdx, 16));
    a.or_(x86::rax, x86::rcx);
    a.mov(x86::qword_ptr(x86::rdx, 8), x86::rax);        // tail: the next cell
    a.inc(x86::r11d);
    a.cmp(x86::r11d, x86::r10d);
    a.jb(loop);
    a.mov(x86::rax, imm(kNil));
    a.mov(x86::qword_ptr(x86::rdx, 8), x86::rax);        // the last tail
    store_boxed_then_safe_point(e, x86::r9, kTagCons);
    a.bind(empty);
    a.mov(x86::rax, imm(kNil));
    e.store_operand(kInsnA, x86::rax);
    e.safe_point_then_next(Emitter::MaskFrom::Ctor);
  }

  // op_map (the semantics both engines share) with the operand bases it
  // indexes by kind, X, Y and upvalues, laid out in the spill slots.
  static_assert(kSpillSlots >= 3);
  e.begin(IOp::map);
  a.lea(x86::rax, x86::ptr(kTable, kXOffset));
  a.mov(x86::qword_ptr(x86::rsp, kSpillSlot), x86::rax);
  a.mov(x86::qword_ptr(x86::rsp, kSpillSlot + 8), kFp);
  a.mov(x86::qword_ptr(x86::rsp, kSpillSlot + 16), kUpv);
  a.mov(x86::rdi, kProc);
  a.mov(x86::rsi, e.insn_u());
  a.lea(x86::rdx, x86::ptr(x86::rsp, kSpillSlot));
  e.call(&op_map);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Ctor);

  emit_type(e);
  emit_size(e);
}

}  // namespace lzr::asm_engine
