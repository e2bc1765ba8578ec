// The mailbox's inbox (docs/processes.md, "Schedulers on every core"):
// senders on several threads post while the owner takes and sleeps. Run
// under the tsan preset these also check the synchronisation itself.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lzr
