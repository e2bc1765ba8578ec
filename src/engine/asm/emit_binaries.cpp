// Binaries (issue 15; docs/bytecode.md, "Binaries"): reading at a bit
// position and appending. The byte read of a `<<C, Rest/binary>>` loop
// (bbyte) runs in line on plain binaries and views; everything else calls
// the shared semantics (semantics.cpp) through thin helpers. The
// 16- and 32-bit reads of a size register known to hold 16 or 32 run in
// line the same way, and so does appending a byte to a binary being built.
#include "emitter.h"
#include "helpers.h"
#include "engine/semantics.h"

namespace lzr::asm_engine {

using asmjit::imm;
using asmjit::Label;

namespace {

// The reads' generic routines (bint .. bbin): op_bread (through h_bread) with
// the position in a spill slot, stored back to its register, then the
// value, both only when nothing was raised (a read with too few bits left
// gives [] and leaves the position). A read may allocate (a big integer, a
// view): a safe point keeping every X register follows, as after drop.
void emit_read(Emitter& e, IOp iop, BinRead kind) {
  x86::Assembler& a = e.a;
  e.begin(iop);
  e.load_operand(x86::rax, kInsnC);
  a.mov(x86::qword_ptr(x86::rsp, kSpillSlot), x86::rax);
  e.load_operand(x86::rdx, kInsnB);
  e.load_operand(x86::r8, kInsnD);
  a.mov(x86::rdi, kProc);
  a.mov(x86::esi, static_cast<uint32_t>(kind));
  a.lea(x86::rcx, x86::ptr(x86::rsp, kSpillSlot));
  e.call(&h_bread);
  e.check_raised(x86::rax);
  a.mov(x86::rdx, x86::qword_ptr(x86::rsp, kSpillSlot));
  e.store_operand(kInsnC, x86::rdx);  // a != c (verifier): the value is stored last
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Immediate, ~0u);
}

// brest and bappend's generic code: a = helper(b, c), then the safe point.
void emit_pair_body(Emitter& e, Term (*helper)(Process*, Term, Term) noexcept) {
  x86::Assembler& a = e.a;
  e.load_operand(x86::rsi, kInsnB);
  e.load_operand(x86::rdx, kInsnC);
  a.mov(x86::rdi, kProc);
  e.call(helper);
  e.check_raised(x86::rax);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Immediate, ~0u);
}

// bappend of a byte (c: a small integer 0..255) to a view (b) that ends
// where its buffer's written bytes end, the buffer having room: the
// accumulator of a loop building a binary, binary_append's in-place case.
// The byte goes into the buffer, which now has one more byte written, and
// a new 4-word view covers it. Anything else (a binary piece, a full
// buffer, a plain binary, errors) runs the generic code.
void emit_append(Emitter& e) {
  x86::Assembler& a = e.a;
  Label generic = a.newLabel();
  e.begin(IOp::bappend);
  e.load_operand(x86::r11, kInsnC);
  a.lea(x86::rdx, x86::ptr(x86::r11, kIntBias));  // a small integer's payload
  a.cmp(x86::rdx, 255);
  a.ja(generic);  // unsigned: a negative integer or any other term is above
  e.load_operand(x86::r10, kInsnB);
  e.untag_or_jump(x86::rsi, x86::r10, kTagBoxed, generic);
  a.cmp(x86::byte_ptr(x86::rsi), static_cast<uint8_t>(BoxKind::SubBinary));
  a.jne(generic);
  a.mov(x86::r9, x86::qword_ptr(x86::rsi, 8));
  a.mov(x86::rax, imm(kTagBoxed));
  a.xor_(x86::r9, x86::rax);  // the holder object
  a.cmp(x86::byte_ptr(x86::r9), static_cast<uint8_t>(BoxKind::BinBuf));
  a.jne(generic);
  a.mov(x86::r10, x86::qword_ptr(x86::rsi, 24));  // the view's length (tagged)
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi, 16));
  a.add(x86::rcx, kIntBias);                      // its offset
  a.lea(x86::rax, x86::ptr(x86::r10, kIntBias));
  a.add(x86::rcx, x86::rax);                      // where the view ends
  a.cmp(x86::rcx, x86::qword_ptr(x86::r9, 8));    // == the bytes written
  a.jne(generic);
  a.mov(x86::rax, x86::qword_ptr(x86::r9));       // the buffer's header: its words
  a.shl(x86::rax, 16);
  a.shr(x86::rax, 16 + 8);
  a.shl(x86::rax, 3);
  a.sub(x86::rax, 8);  // capacity: (words - 1) * 8 bytes
  a.cmp(x86::rcx, x86::rax);
  a.jae(generic);
  // Allocation does not collect (it may request a collection, taken at the
  // safe point below), so the buffer stays where it is.
  a.mov(x86::esi, static_cast<uint32_t>(kSubBinaryWords));
  e.alloc_words_in_rsi({x86::r9, x86::r10, x86::r11});
  a.mov(x86::rcx, x86::qword_ptr(x86::r9, 8));    // the bytes written
  a.lea(x86::rdx, x86::ptr(x86::r11, kIntBias));
  a.mov(x86::byte_ptr(x86::r9, x86::rcx, 0, 16), x86::dl);
  a.inc(x86::qword_ptr(x86::r9, 8));
  a.mov(x86::rdx, imm(make_header(BoxKind::SubBinary, kSubBinaryWords - 1)));
  a.mov(x86::qword_ptr(x86::rax), x86::rdx);
  a.mov(x86::rdx, imm(kTagBoxed));
  a.or_(x86::rdx, x86::r9);
  a.mov(x86::qword_ptr(x86::rax, 8), x86::rdx);   // the holder
  a.lea(x86::rdx, x86::ptr(x86::r10, kIntBias));
  a.sub(x86::rcx, x86::rdx);                      // the offset: written - length
  a.sub(x86::rcx, kIntBias);                      // tagged
  a.mov(x86::qword_ptr(x86::rax, 16), x86::rcx);
  a.inc(x86::r10);                                // the length + 1, tagged
  a.mov(x86::qword_ptr(x86::rax, 24), x86::r10);
  a.mov(x86::rdx, imm(kTagBoxed));
  a.or_(x86::rax, x86::rdx);
  e.store_operand(kInsnA, x86::rax);
  e.safe_point_then_next(Emitter::MaskFrom::Immediate, ~0u);
  a.bind(generic);
  emit_pair_body(e, &h_bappend);
}

// bbyte / bint16 / bint32: a = the `bytes` bytes (1, 2, 4) of binary b
// from bit pos (c) on, big-endian, c = pos + 8 * bytes, when pos is a
// non-negative small integer at a byte boundary and the bytes are there,
// the binary plain or a view. Anything else (too few bytes left: a = [],
// errors) runs the generic bint.
void emit_aligned_read(Emitter& e, IOp iop, unsigned bytes) {
  x86::Assembler& a = e.a;
  Label not_plain = a.newLabel(), have = a.newLabel(), slow = a.newLabel();
  e.begin(iop);
  e.load_operand(x86::r10, kInsnB);
  e.load_operand(x86::r11, kInsnC);
  a.lea(x86::rdx, x86::ptr(x86::r11, kIntBias));  // the position's payload
  a.mov(x86::rcx, x86::rdx);
  a.shr(x86::rcx, kTagShift - 1);  // not a small integer, or negative
  a.jnz(slow);
  a.test(x86::dl, 7);
  a.jnz(slow);
  e.untag_or_jump(x86::rsi, x86::r10, kTagBoxed, slow);
  a.mov(x86::rcx, x86::qword_ptr(x86::rsi));  // the header
  a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::Binary));
  a.jne(not_plain);
  a.mov(x86::r8, x86::qword_ptr(x86::rsi, 8));  // size
  a.add(x86::rsi, 16);                          // bytes
  a.bind(have);  // rsi = first byte, r8 = size, rdx = bit position
  a.mov(x86::rax, x86::rdx);
  a.shr(x86::rax, 3);
  a.lea(x86::rcx, x86::ptr(x86::rax, bytes));
  a.cmp(x86::rcx, x86::r8);  // the byte index + bytes <= size
  a.ja(slow);
  if (bytes == 1) {
    a.movzx(x86::eax, x86::byte_ptr(x86::rsi, x86::rax));
  } else if (bytes == 2) {
    a.movzx(x86::eax, x86::word_ptr(x86::rsi, x86::rax));
    a.rol(x86::ax, 8);
  } else {
    a.mov(x86::eax, x86::dword_ptr(x86::rsi, x86::rax));
    a.bswap(x86::eax);  // zero-extends into rax
  }
  e.tag_non_negative_int(x86::rax, x86::rax);
  e.store_operand(kInsnA, x86::rax);
  a.add(x86::r11, 8 * bytes);  // the tagged position moves on: it stays below 2^47
  e.store_operand(kInsnC, x86::r11);
  e.next();
  e.cold([&e, not_plain, have, slow] {
    x86::Assembler& a = e.a;
    a.bind(not_plain);  // a view: holder, offset, length
    a.cmp(x86::cl, static_cast<uint8_t>(BoxKind::SubBinary));
    a.jne(slow);
    a.mov(x86::r9, x86::qword_ptr(x86::rsi, 8));
    a.mov(x86::rax, imm(kTagBoxed));
    a.xor_(x86::r9, x86::rax);                      // the holder object
    Label inline_bytes = a.newLabel();
    a.cmp(x86::byte_ptr(x86::r9), static_cast<uint8_t>(BoxKind::RefBin));
    a.jne(inline_bytes);
    a.mov(x86::r9, x86::qword_ptr(x86::r9, 8));     // off-heap: the RefBlock, bytes at 16 too
    a.bind(inline_bytes);
    a.mov(x86::rax, x86::qword_ptr(x86::rsi, 16));
    a.add(x86::rax, kIntBias);                      // offset
    a.mov(x86::r8, x86::qword_ptr(x86::rsi, 24));
    a.add(x86::r8, kIntBias);                       // length
    a.lea(x86::rsi, x86::ptr(x86::r9, x86::rax, 0, 16));
    a.jmp(have);
    a.bind(slow);
    a.jmp(e.op_labels[static_cast<unsigned>(IOp::bint)]);
  });
}

}  // namespace

void emit_binaries(Emitter& e) {
  emit_read(e, IOp::bint, BinRead::Int);
  emit_read(e, IOp::bsint, BinRead::SInt);
  emit_read(e, IOp::bintl, BinRead::IntL);
  emit_read(e, IOp::bsintl, BinRead::SIntL);
  emit_read(e, IOp::bfloat, BinRead::Float);
  emit_read(e, IOp::bfloatl, BinRead::FloatL);
  emit_read(e, IOp::butf8, BinRead::Utf8);
  emit_read(e, IOp::bbin, BinRead::Bytes);
  e.begin(IOp::brest);
  emit_pair_body(e, &h_brest);
  emit_append(e);
  emit_aligned_read(e, IOp::bbyte, 1);
  emit_aligned_read(e, IOp::bint16, 2);
  emit_aligned_read(e, IOp::bint32, 4);
}

}  // namespace lzr::asm_engine
