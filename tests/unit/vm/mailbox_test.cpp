// The mailbox's inbox (docs/processes.md, "Schedulers on every core"):
// senders on several threads post while the owner takes and sleeps. Run
// under the tsan preset these also check the synchronisation itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "vm/process.h"

namespace lzr {
namespace {

constexpr int kSenders = 4;
constexpr int kPerSender = 20000;

Message* numbered(int sender, int seq) {
  Message* m = Message::make(0);
  m->term = make_int(static_cast<int64_t>(sender) << 32 | seq);
  return m;
}

// The owner's side: takes the head of the queue (as accept does) and checks
// each sender's messages come in the order sent, none lost or repeated.
struct Receiver {
  Mailbox box;
  std::vector<int> next_seq = std::vector<int>(kSenders, 0);
  int received = 0;
  bool in_order = true;

  void consume() {
    while (Message* m = box.head) {
      box.head = m->next;
      if (!box.head) box.tail = &box.head;
      box.cursor = &box.head;
      --box.count;
      const int64_t v = int_value(m->term);
      const int sender = static_cast<int>(v >> 32), seq = static_cast<int>(v & 0xffffffff);
      if (sender < 0 || sender >= kSenders || seq != next_seq[sender]) in_order = false;
      else ++next_seq[sender];
      ++received;
      std::free(m);
    }
  }
};

TEST(Mailbox, PostsFromManyThreadsArriveOnceInSendOrder) {
  Receiver r;
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s)
    senders.emplace_back([&r, s] {
      for (int i = 0; i < kPerSender; ++i) EXPECT_FALSE(r.box.post(numbered(s, i)));  // nobody sleeps
    });
  while (r.received < kSenders * kPerSender) {
    r.box.take_inbox(true);
    r.consume();
  }
  for (auto& t : senders) t.join();
  EXPECT_TRUE(r.in_order);
  EXPECT_EQ(r.received, kSenders * kPerSender);
  EXPECT_EQ(r.box.count, 0u);
  EXPECT_FALSE(r.box.take_inbox(true));
}

// Both ways the owner's side runs (shared: several schedulers; not: one
// thread, plain loads and stores) keep the same order and asleep mark.
TEST(Mailbox, TakeInboxAppendsAfterTheQueueAndUnderAnEndedCursor) {
  for (const bool shared : {false, true}) {
    Mailbox box;
    box.append(numbered(0, 0));
    box.cursor = &box.head->next;  // a receive looked at the first and waits for more
    EXPECT_FALSE(box.post(numbered(1, 0)));
    EXPECT_FALSE(box.post(numbered(1, 1)));
    EXPECT_FALSE(box.sleep(shared));  // something was posted: it must not sleep
    ASSERT_TRUE(box.take_inbox(shared));
    EXPECT_EQ(box.count, 3u);
    ASSERT_NE(*box.cursor, nullptr);
    EXPECT_EQ(int_value((*box.cursor)->term), int64_t{1} << 32);  // the oldest post comes first
    EXPECT_EQ(int_value((*box.cursor)->next->term), (int64_t{1} << 32) + 1);
    EXPECT_EQ(box.tail, &(*box.cursor)->next->next);
    EXPECT_TRUE(box.sleep(shared));
    EXPECT_FALSE(box.take_inbox(shared));            // asleep and empty: nothing to take
    EXPECT_TRUE(box.post(numbered(2, 0)));   // the first post wakes it
    EXPECT_FALSE(box.post(numbered(2, 1)));  // the second does not
    EXPECT_FALSE(box.wake(shared));                  // nor does a timer after them
    ASSERT_TRUE(box.take_inbox(shared));
    EXPECT_EQ(box.count, 5u);
    EXPECT_EQ(int_value(box.head->next->next->next->term), int64_t{2} << 32);  // after the three before
    EXPECT_EQ(int_value(box.head->next->next->next->next->term), (int64_t{2} << 32) + 1);
    EXPECT_TRUE(box.sleep(shared));
    EXPECT_TRUE(box.wake(shared));  // a timer takes the mark when no post did
    EXPECT_FALSE(box.wake(shared));
    box.free_all();
    EXPECT_EQ(box.head, nullptr);
    EXPECT_EQ(box.count, 0u);
  }
}

// One post alone (a request, a reply) is taken without turning a list
// (Mailbox::take_inbox's short path): a message joins the end of the
// queue, a signal goes to on_signal and adds to the queue only what
// on_signal appends. Alike after the asleep mark, which a lone post
// carries as its link.
TEST(Mailbox, ALonePostIsTakenAsAListOfOne) {
  struct Seen {
    Mailbox box;
    int signals = 0;
    bool turn_into_message = false;  // as a DOWN for a live monitor
  };
  auto on_signal = [](void* ctx, Message* m) {
    auto& seen = *static_cast<Seen*>(ctx);
    ++seen.signals;
    m->set_signal(Signal::None);
    if (seen.turn_into_message) seen.box.append(m);
    else std::free(m);
  };
  auto last = [](const Mailbox& b) {
    const Message* m = b.head;
    while (m && m->next) m = m->next;
    return m ? int_value(m->term) : int64_t{-1};
  };
  for (const bool shared : {false, true}) {
    for (const bool asleep : {false, true}) {
      Seen seen;
      Mailbox& b = seen.box;
      if (!asleep) b.append(numbered(0, 0));  // one already queued
      else ASSERT_TRUE(b.sleep(shared));
      const size_t before = b.count;
      EXPECT_EQ(b.post(numbered(1, 0), shared), asleep);  // only a post that finds the mark wakes
      ASSERT_TRUE(b.take_inbox(shared, on_signal, &seen));
      EXPECT_EQ(b.count, before + 1);
      EXPECT_EQ(last(b), int64_t{1} << 32);
      Message* end = b.head;
      while (end->next) end = end->next;
      EXPECT_EQ(b.tail, &end->next);  // the next append goes after it
      EXPECT_EQ(seen.signals, 0);
      Message* link = numbered(2, 0);
      link->set_signal(Signal::Link);
      b.post(link, shared);
      EXPECT_FALSE(b.take_inbox(shared, on_signal, &seen));  // applied; no message came
      EXPECT_EQ(seen.signals, 1);
      EXPECT_EQ(b.count, before + 1);
      Message* down = numbered(3, 0);
      down->set_signal(Signal::Down);
      b.post(down, shared);
      seen.turn_into_message = true;
      EXPECT_TRUE(b.take_inbox(shared, on_signal, &seen));
      EXPECT_EQ(seen.signals, 2);
      EXPECT_EQ(b.count, before + 2);
      EXPECT_EQ(last(b), int64_t{3} << 32);
      EXPECT_EQ(b.inbox.load(), nullptr);  // nothing left posted, no mark
      b.free_all();
    }
  }
}

// The owner sleeps whenever it has nothing; senders and a "timer" thread
// race to wake it. Every sleep must be ended by exactly one waker (a post
// that found it asleep, or a wake() that took the mark), and no message
// may be stranded in the inbox while it sleeps.
TEST(Mailbox, EverySleepEndsWithExactlyOneWaker) {
  Receiver r;
  std::atomic<int> wakes{0};
  std::atomic<bool> stop_timer{false};
  auto woke = [&wakes] {
    wakes.fetch_add(1);
    wakes.notify_one();
  };
  std::vector<std::thread> threads;
  for (int s = 0; s < kSenders; ++s)
    threads.emplace_back([&, s] {
      for (int i = 0; i < kPerSender / 4; ++i) {
        if (r.box.post(numbered(s, i))) woke();
        if (i % 64 == 0) std::this_thread::yield();  // let the owner fall asleep now and then
      }
    });
  std::thread timer([&] {
    while (!stop_timer.load()) {
      if (r.box.wake(true)) woke();
      std::this_thread::yield();
    }
  });
  int sleeps = 0;
  while (r.received < kSenders * (kPerSender / 4)) {
    r.box.take_inbox(true);
    r.consume();
    if (r.received == kSenders * (kPerSender / 4)) break;
    if (r.box.sleep(true)) {
      ++sleeps;
      for (int w = wakes.load(); w < sleeps; w = wakes.load()) wakes.wait(w);
    }
  }
  for (auto& t : threads) t.join();
  stop_timer.store(true);
  timer.join();
  EXPECT_TRUE(r.in_order);
  EXPECT_EQ(wakes.load(), sleeps);  // never two wakers for one sleep
  EXPECT_FALSE(r.box.wake(true));       // and it is not left marked asleep
  r.box.free_all();
}

// Senders post messages and signals alternately; the owner's take_inbox
// hands each signal to its callback in its place: the callback sees each
// sender's signals in the order sent, and between them exactly the
// messages that sender posted before (what it appends lands in order too).
TEST(Mailbox, SignalsFromManyThreadsAreAppliedInPlaceAmongMessages) {
  struct Owner {
    Receiver r;
    std::vector<int> signals_seen = std::vector<int>(kSenders, 0);
    bool in_place = true;
  } o;
  constexpr int kPer = kPerSender / 4;
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s)
    senders.emplace_back([&o, s] {
      for (int i = 0; i < kPer; ++i) {
        Message* m = numbered(s, i);
        if (i % 2) m->set_signal(Signal::Link);  // odd ones are signals
        o.r.box.post(m);
      }
    });
  auto on_signal = [](void* ctx, Message* m) {
    auto& own = *static_cast<Owner*>(ctx);
    EXPECT_EQ(m->signal(), Signal::Link);
    EXPECT_EQ(m->fragment_words(), 0u);
    const int64_t v = int_value(m->term);
    const int sender = static_cast<int>(v >> 32), seq = static_cast<int>(v & 0xffffffff);
    // Its message just before was taken already (the queue is consumed
    // after each take, so next_seq counts what reached it).
    own.r.consume();
    if (seq != own.r.next_seq[sender]) own.in_place = false;
    own.r.next_seq[sender] = seq + 1;
    ++own.signals_seen[sender];
    ++own.r.received;
    m->set_signal(Signal::None);
    std::free(m);
  };
  while (o.r.received < kSenders * kPer) {
    o.r.box.take_inbox(true, on_signal, &o);
    o.r.consume();
  }
  for (auto& t : senders) t.join();
  EXPECT_TRUE(o.in_place);
  EXPECT_TRUE(o.r.in_order);
  for (int s = 0; s < kSenders; ++s) EXPECT_EQ(o.signals_seen[s], kPer / 2);
}

// The owner closes its inbox while senders post: each post is either in
// what close() returned (oldest first, each sender's in order) or refused
// (then the sender still holds it), never both, never lost; and every post
// after a refusal is refused.
TEST(Mailbox, CloseFromAnotherThreadRefusesLaterPostsLosingNone) {
  Mailbox box;
  std::vector<int> refused(kSenders, 0), first_refused(kSenders, -1);
  std::vector<char> refused_then_queued(kSenders, 0);  // not vector<bool>: one thread per element
  std::atomic<int> started{0};
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s)
    senders.emplace_back([&, s] {
      started.fetch_add(1);
      for (int i = 0; i < kPerSender / 4; ++i) {
        Message* m = numbered(s, i);
        if (box.post_or_refuse(m) == Mailbox::Posted::Closed) {
          if (first_refused[s] < 0) first_refused[s] = i;
          ++refused[s];
          std::free(m);
        } else if (first_refused[s] >= 0) {
          refused_then_queued[s] = 1;
        }
      }
    });
  while (started.load() < kSenders) std::this_thread::yield();
  std::vector<int> next(kSenders, 0);
  bool in_order = true;
  int taken = 0;
  for (Message* m = box.close(); m;) {
    Message* after = m->next;
    const int64_t v = int_value(m->term);
    const int s = static_cast<int>(v >> 32);
    if (static_cast<int>(v & 0xffffffff) != next[s]++) in_order = false;
    ++taken;
    std::free(m);
    m = after;
  }
  for (auto& t : senders) t.join();
  EXPECT_TRUE(in_order);
  int total_refused = 0;
  for (int s = 0; s < kSenders; ++s) {
    EXPECT_FALSE(refused_then_queued[s]) << s;
    EXPECT_EQ(next[s] + refused[s], kPerSender / 4) << s;
    total_refused += refused[s];
  }
  EXPECT_EQ(taken + total_refused, kSenders * (kPerSender / 4));
  EXPECT_FALSE(box.take_inbox(true));  // closed: nothing to take
  Message* late = numbered(0, 0);
  EXPECT_FALSE(box.post(late));  // a message to a closed box is dropped (freed)
}

// A message without a fragment leaves its block to the next one made on
// the same thread, cleared.
TEST(MessageBlocks, AnImmediateMessagesBlockIsReusedCleared) {
  Message* m = Message::make(0);
  m->term = make_int(7);
  m->set_signal(Signal::Exit);
  Message::discard(m);
  Message* again = Message::make(0);
  EXPECT_EQ(again, m);
  EXPECT_EQ(again->next, nullptr);
  EXPECT_EQ(again->term, kNil);
  EXPECT_EQ(again->words, 0u);
  EXPECT_EQ(again->signal(), Signal::None);
  Message::discard(again);
}

// A block made with a fragment is bigger than three words and is freed,
// never handed out for a message without one, whether its fragment was
// still there or already copied into a heap (no fragment words left, a
// term that points). Each thread keeps at most a few hundred spare blocks.
TEST(MessageBlocks, BlocksThatHadAFragmentAreFreedNotKept) {
  std::vector<Message*> drained;
  for (int i = 0; i < 1000; ++i) drained.push_back(Message::make(0));  // more than are ever kept
  Message* copied = Message::make(3);
  Term* t = copied->fragment();
  t[0] = make_header(BoxKind::Tuple, 2);
  t[1] = make_int(1);
  t[2] = make_int(2);
  copied->term = make_boxed(t);
  copied->words = 0;  // as a receive leaves it (the term would point into its heap)
  Message* fragment = Message::make(2);
  fragment->term = make_cons(fragment->fragment());
  fragment->fragment()[0] = make_int(1);
  fragment->fragment()[1] = kNil;
  const Message* const copied_block = copied;
  const Message* const fragment_block = fragment;
  Message::discard(copied);
  Message::discard(fragment);
  Message* next = Message::make(0);
  EXPECT_NE(next, copied_block);
  EXPECT_NE(next, fragment_block);
  Message::discard(next);
  for (Message* m : drained) Message::discard(m);
  // Made again, the kept blocks come back before any new one: a thousand
  // discarded, and the first few hundred made are among them.
  std::vector<Message*> remade;
  for (int i = 0; i < 1000; ++i) remade.push_back(Message::make(0));
  size_t reused = 0;
  for (Message* m : remade) reused += std::find(drained.begin(), drained.end(), m) != drained.end();
  EXPECT_GE(reused, 200u);
  for (Message* m : remade) Message::discard(m);
}

// Made on one thread, discarded on another (a sender and a receiver on two
// schedulers): each thread's spare blocks are its own.
TEST(MessageBlocks, BlocksMadeOnOneThreadAndDiscardedOnAnotherStayValid) {
  std::vector<Message*> made;
  std::thread maker([&made] {
    for (int i = 0; i < 2000; ++i) made.push_back(numbered(0, i));
  });
  maker.join();
  std::thread taker([&made] {
    for (Message* m : made) Message::discard(m);
    for (int round = 0; round < 3; ++round) {
      std::vector<Message*> mine;
      for (int i = 0; i < 500; ++i) {
        mine.push_back(Message::make(0));
        mine.back()->term = make_int(i);
      }
      for (int i = 0; i < 500; ++i) EXPECT_EQ(int_value(mine[i]->term), i);
      for (Message* m : mine) Message::discard(m);
    }
  });
  taker.join();
}

}  // namespace
}  // namespace lzr
