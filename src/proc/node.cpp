#include "proc/node.h"

#include <algorithm>
#include <utility>
#include <cstdlib>
#include <functional>
#include <new>

#include "proc/copy.h"
#include "vm/atoms.h"
#include "vm/function_info.h"
#include "vm/vm.h"

namespace lzr {

Node& make_node(VM& vm) {
  vm.node = std::make_shared<Node>(vm);
  return *vm.node;
}

Node::Node(VM& v) : vm(v), start_(std::chrono::steady_clock::now()) {
  first_.node = this;
  first_.registers = v.registers.get();
  table_.reclaimer = &reclaimer_;
  const char* eager = std::getenv("LZR_SCHEDULERS_EAGER");
  share_from_start_ = eager && eager[0] == '1' && eager[1] == '\0';
}

Node::~Node() {
  reclaimer_.free_all();
  std::vector<Process*> left;
  table_.for_each([&](Process& p) { left.push_back(&p); });
  for (Process* p : left)
    if (p != main) delete p;  // the host owns the main process
  for (auto& [ref, s] : sends_) Message::discard(s.message);
}

Process* Node::spawn(Term closure, Process* link_with, Process* monitored_by, Term* monitor_ref) {
  Process* p;
  try {
    p = Process::make(vm, vm.options.stack_words, kSpawnHeapWords);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
  add(*p);
  if (concurrent_) {
    const SchedulerSlot* s = this_slot();
    p->home_scheduler = s ? s->index : Reclaimer::kNoHome;
  }
  const Term clo = copy_term(closure, p->heap.alloc(copy_size(closure)), &p->heap);
  const auto* fn = reinterpret_cast<const FunctionInfo*>(boxed_ptr(clo)[1]);
  // The bottom frame: no return address (the process ends when it returns),
  // the closure in its slot for the body's upvalues.
  Term* fp = p->sp + kFrameHeaderWords;
  if (fp + fn->frame > p->stack_limit) {
    p->grow_stack(nullptr, fp + fn->frame);  // no frames yet: nothing to move
    fp = p->sp + kFrameHeaderWords;
  }
  if (fp + fn->frame > p->stack_limit) {
    table_.erase(*p);
    delete p;
    return nullptr;
  }
  fp[kFrameRetPc] = 0;
  fp[kFrameCallerFp] = 0;
  fp[kFrameClosure] = clo;
  for (unsigned i = 0; i < fn->frame; ++i) fp[i] = kNil;
  p->sp = fp + fn->frame;
  p->fp = fp;
  p->resume_pc = fn->code;
  p->suspend = Suspend::Yield;
  p->state = RunState::Waiting;
  // Not queued yet, so no scheduler runs it: its side is written directly.
  if (link_with) {
    links_of(*link_with).links.push(p->self);
    links_of(*p).links.push(link_with->self);
  }
  if (monitored_by) {
    *monitor_ref = make_ref();
    links_of(*monitored_by).watching.push(*monitor_ref, p->self);
    links_of(*p).watchers.push(*monitor_ref, monitored_by->self);
  }
  make_runnable(*p);
  return p;
}

// ---------------------------------------------------------------------------
// Run queues: one per scheduler (proc/run_queue.h).

void Node::enter(SchedulerSlot* s) {
  if (SchedulerSlot* was = t_slot) was->node->reclaimer_.enter(Reclaimer::kNoHome);
  t_slot = s;
  if (s) s->node->reclaimer_.enter(s->index);
}

// A scheduler queues a process it woke on its own queue and wakes a
// sleeping scheduler only when that makes two queued: the one woken most
// likely runs next on this scheduler, as soon as the waker waits (a
// message and its reply stay on one core, with no wake-up between
// threads), and a second one is work for another core. A lone process
// behind one that keeps running waits at most that one's slice: queued
// again at its end, it makes two. (A thread that is no scheduler always
// wakes one.)
void Node::queue_shared(Process& p, SchedulerSlot* s) {
  if (p.state != RunState::Exiting) p.state = RunState::Runnable;
  if (s && alone(*s)) {
    // Alone, a second queued process is work for another scheduler: this
    // one stops running alone before it wakes one. When the others all
    // rest (a steal did not pay) there is none to wake: it goes on alone
    // (a rest that ends asks it to stop, as a sleeper's timer does).
    if (s->queue.push(p, false) >= 2 && sleepers_.load(std::memory_order_relaxed) != 0) share_out(*s);
    return;
  }
  push_locked(p, s);
}

// (Out of line, as share_out: queue_shared's path alone stays a few
// instructions with no registers to save.)
void Node::push_locked(Process& p, SchedulerSlot* s) {
  const size_t queued = (s ? s : &first_)->queue.push(p, true);
  if (!s || queued >= 2) notify_work_after_push();
}

void Node::share_out(SchedulerSlot& me) {
  end_solo(me);
  notify_work();
}

void Node::prepare_schedulers(unsigned n) {
  if (!concurrent_) {
    // What one scheduler left differs from the shared discipline in two
    // things (its queue is kept counted, and shared as it is): a process
    // asleep in `sleep` waits with no asleep mark, for its timer fired
    // straight at it, and another process's figures for info/1 were read
    // live. Now its timer comes as a signal that only the mark lets wake
    // it, and the figures are the ones published: both are set here, while
    // no other thread runs.
    table_.for_each([](Process& p) {
      if (p.state == RunState::Waiting && p.suspend == Suspend::Native && p.timer_armed) p.mailbox.sleep(false);
      p.shown_heap_words = p.heap.used_words();
      p.shown_stack_words = static_cast<uint64_t>(p.sp - p.stack_base);
      p.shown_message_count = p.mailbox.count;
    });
    set_concurrent(true);
  }
  // Fewer than the last run: what the dropped slots had queued goes to the
  // first (a process's registers are parked in it, never in a slot).
  while (slot_count() > n) {
    while (Process* p = others_.back()->queue.pop(true)) first_.queue.push(*p, true);
    others_.pop_back();
  }
  while (slot_count() < n) {
    auto s = std::make_unique<SchedulerSlot>();
    s->node = this;
    s->index = slot_count();
    s->own_registers = std::make_unique<RegisterFile>();
    for (Term& r : s->own_registers->x) r = kNil;
    for (void*& d : s->own_registers->dispatch) d = nullptr;
    s->registers = s->own_registers.get();
    others_.push_back(std::move(s));
  }
  reclaimer_.set_participants(n);
}

bool Node::any_queued() {
  for (unsigned i = 0; i < slot_count(); ++i)
    if (slot(i).queue.size_locked() != 0) return true;
  return false;
}

// Looks in a row (about a microsecond apart: run_shared yields between
// them) that must find a queue holding few processes before it is stolen
// from.
constexpr unsigned kSmallQueueLooks = 16;
// Fewer queued than this is few. Its owner runs them within microseconds
// when they are short-lived, and each one stolen moves its memory (a
// process is a kilobyte) to another core: taken at once, a spawner's
// children went one or two per steal, each steal a lock handed across
// cores (spawn_exit at 2 schedulers: 36,000 steals for 100,000 processes).
// A queue that stays short is still shared out after the looks above: two
// long-running processes on one scheduler part within about 16 us.
constexpr size_t kSmallQueue = 8;

Process* Node::steal(SchedulerSlot& me) {
  // The fullest other queue gives the older half of its processes.
  SchedulerSlot* victim = nullptr;
  size_t most = 0;
  for (unsigned i = 0; i < slot_count(); ++i) {
    SchedulerSlot& s = slot(i);
    const size_t n = &s == &me ? 0 : s.queue.size();
    if (n > most) {
      most = n;
      victim = &s;
    }
  }
  // A rest was the wait: its first look takes even a short queue.
  const bool rested = std::exchange(me.rested, false);
  if (!victim) {
    me.small_victim = nullptr;
    return nullptr;
  }
  if (most < kSmallQueue && !rested) {
    // A lone process queued behind a running one was most likely just
    // woken by it, and its owner runs it as soon as the waker waits:
    // taken now, a message round trip would cross cores. A few were most
    // likely just spawned or woken there, and their owner is about to run
    // them. Taken once several looks in a row found that queue short (the
    // running one kept running, or processes take turns there).
    if (me.small_victim != victim) {
      me.small_victim = victim;
      me.small_looks = 0;
    }
    if (++me.small_looks < kSmallQueueLooks) return nullptr;
  }
  me.small_victim = nullptr;
  size_t taken;
  Process* first = victim->queue.steal_half(taken);
  if (!first) return nullptr;
  me.steals.fetch_add(1, std::memory_order_relaxed);
  me.stolen_watched = taken;
  me.reductions_at_steal = me.reductions_run;
  if (Process* rest = first->next_runnable) {
    Process* last = rest;
    while (last->next_runnable) last = last->next_runnable;
    me.queue.push_list(rest, last, taken - 1);
  }
  first->next_runnable = nullptr;
  if (taken > 1) notify_work_after_push();  // more for another idle one
  return first;
}

void Node::notify_work() {
  // Pairs with the fence in sleep_idle: either this sees the sleeper, or
  // the sleeper sees what was queued.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  notify_work_after_push();
}

// The queue's lock orders it instead of a fence (which cost a spawn-heavy
// run at 2 schedulers about a twentieth of its time, every spawn
// queuing): sleep_idle counts itself a sleeper, then reads every queue's
// size under that queue's lock. If its read came first, its unlock
// happened before this push's lock and so before this load of sleepers_,
// which then counts it; if the push came first, the sleeper sees it.
void Node::notify_work_after_push() {
  if (sleepers_.load(std::memory_order_relaxed) == 0) return;
  unsigned start = 0;
  {
    std::lock_guard<std::mutex> hold(idle_mutex_);
    if (sleepers_.load(std::memory_order_relaxed) == unstarted_) {
      // None waits in sleep_idle. A scheduler with no thread yet gets one
      // for this work; if none is left, the ones counted asleep are
      // starting (they look at every queue first) or were refused a thread.
      if (next_start_ == 0 || next_start_ >= slot_count()) return;
      start = next_start_++;
    }
    ++wake_gen_;
  }
  // (Outside the lock: making a thread takes tens of microseconds.)
  if (start != 0 && start_scheduler_(start)) {
    threads_started_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  idle_cv_.notify_one();
}

void Node::start_on_demand(std::function<bool(unsigned)> start) {
  // What an earlier run left queued on the others (a run stops with each
  // scheduler's processes on its queue) goes to the first: a scheduler
  // with no thread runs nothing, and one running alone takes nothing from
  // the others' queues.
  for (unsigned i = 1; i < slot_count(); ++i)
    while (Process* p = slot(i).queue.pop(true)) first_.queue.push(*p, true);
  {
    std::lock_guard<std::mutex> hold(idle_mutex_);
    unstarted_ = slot_count() - 1;
    sleepers_.fetch_add(unstarted_);
    next_start_ = 1;
    start_scheduler_ = std::move(start);
  }
  // Two queued already (the single loop switched to this one for them, or
  // a host's earlier call left them): work for a second scheduler now.
  if (first_.queue.size() >= 2) notify_work();
}

void Node::started(const std::atomic<bool>& stop) {
  std::unique_lock<std::mutex> lock(idle_mutex_);
  --unstarted_;
  // As sleep_idle's end: no touching queues while another runs alone.
  wait_out_solo(lock, stop);
  sleepers_.fetch_sub(1);
}

void Node::end_on_demand() {
  std::lock_guard<std::mutex> hold(idle_mutex_);
  sleepers_.fetch_sub(unstarted_);
  unstarted_ = 0;
  next_start_ = 0;
  start_scheduler_ = nullptr;
}

void Node::try_go_solo(SchedulerSlot& me) {
  std::lock_guard<std::mutex> hold(idle_mutex_);
  // Under the lock every sleeper counted is inside sleep_idle, and leaves
  // it only through this lock, seeing solo_ (then it waits for end_solo).
  if (!others_asleep() || solo_off_.load(std::memory_order_relaxed)) return;
  solo_.store(&me, std::memory_order_relaxed);
  solo_runs_.fetch_add(1, std::memory_order_relaxed);
}

void Node::end_solo(SchedulerSlot& me) {
  bool wanted;
  {
    // What this thread wrote unlocked is published by the unlock: a
    // sleeper reads it only after it takes the lock and sees solo_ false.
    std::lock_guard<std::mutex> hold(idle_mutex_);
    if (solo_.load(std::memory_order_relaxed) == &me) solo_.store(nullptr, std::memory_order_relaxed);
    wanted = solo_off_.load(std::memory_order_relaxed);
  }
  if (wanted) idle_cv_.notify_all();
}

void Node::wake_all() {
  {
    std::lock_guard<std::mutex> hold(idle_mutex_);
    ++wake_gen_;
  }
  idle_cv_.notify_all();
}

Node::Idle Node::sleep_idle(SchedulerSlot& me, const std::atomic<bool>& stop) {
  std::unique_lock<std::mutex> lock(idle_mutex_);
  const uint64_t gen = wake_gen_;
  const unsigned sleeping = sleepers_.fetch_add(1) + 1;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  struct Leave {
    std::atomic<unsigned>& n;
    ~Leave() { n.fetch_sub(1); }
  } leave{sleepers_};
  // Each queue's size under its lock: a push that does not see this
  // sleeper counted is seen here (notify_work_after_push).
  if (stop.load(std::memory_order_acquire) || any_queued()) return Idle::Woken;
  const bool timers = timers_pending();
  // Every scheduler here (or resting: its queue ran dry), under this
  // lock, with nothing queued and no timer: no process can ever be made
  // runnable again.
  if (!timers && sleeping + resting_.load(std::memory_order_relaxed) == slot_count()) return Idle::Deadlock;
  reclaimer_.idle(me.index);  // a sleeping scheduler holds no process
  auto woken = [&] { return wake_gen_ != gen || stop.load(std::memory_order_acquire); };
  if (timers) {
    const auto due = start_ + std::chrono::milliseconds(next_timer_at());
    idle_cv_.wait_until(lock, due, woken);
  } else {
    idle_cv_.wait(lock, woken);
  }
  wait_out_solo(lock, stop);
  return Idle::Woken;
}

void Node::wait_out_solo(std::unique_lock<std::mutex>& lock, const std::atomic<bool>& stop) {
  if (solo_.load(std::memory_order_relaxed) == nullptr || stop.load(std::memory_order_acquire)) return;
  // Another runs alone, its queue and inboxes unlocked: it stops at its
  // next slice boundary, and this one touches nothing before.
  solo_off_.store(true, std::memory_order_relaxed);
  idle_cv_.wait(lock, [&] { return solo_.load(std::memory_order_relaxed) == nullptr || stop.load(std::memory_order_acquire); });
  solo_off_.store(false, std::memory_order_relaxed);
}

bool Node::steal_paid(SchedulerSlot& me) {
  const uint64_t ran = me.reductions_run - me.reductions_at_steal;
  const bool paid = ran >= kStealPaysReductions * me.stolen_watched;
  me.stolen_watched = 0;
  me.rest_level = paid ? 0 : std::min(me.rest_level + 1, kMaxRestLevel);
  return paid;
}

void Node::rest(SchedulerSlot& me, const std::atomic<bool>& stop) {
  std::unique_lock<std::mutex> lock(idle_mutex_);
  // Counted apart from sleepers_: a push does not wake it (notify_work
  // reads sleepers_ only), but one running alone sees it asleep
  // (others_asleep), and so does the deadlock check.
  resting_.fetch_add(1, std::memory_order_relaxed);
  reclaimer_.idle(me.index);  // a resting scheduler holds no process
  const auto until = std::chrono::steady_clock::now() + kFirstRest * (1u << (std::max(me.rest_level, 1u) - 1));
  idle_cv_.wait_until(lock, until, [&] { return stop.load(std::memory_order_acquire); });
  resting_.fetch_sub(1, std::memory_order_relaxed);
  me.rested = true;
  wait_out_solo(lock, stop);
}

// ---------------------------------------------------------------------------
// Messages.

Message* Node::make_message(Term msg) {
  if (!is_cons(msg) && !is_boxed(msg)) {
    Message* m = Message::make(0);
    m->term = msg;
    return m;
  }
  const size_t words = copy_size(msg);
  Message* m = Message::make(words);
  m->term = copy_term(msg, m->fragment(), nullptr);
  return m;
}

void Node::deliver(Process& to, Message* m) {
  // Several schedulers: the slot is looked up once (a send is the hottest
  // path between processes), and the message goes into `to`'s queue here
  // only when this thread alone touches it: `to` runs here (a message to
  // itself), or this scheduler runs alone (Node::alone: every process is
  // its own) and nothing is posted to `to` that the message would pass.
  SchedulerSlot* const s = concurrent_ ? this_slot() : nullptr;
  const bool to_itself = concurrent_ ? s && &to == s->current : &to == current;
  if (concurrent_ && !to_itself && !(s && alone(*s) && !to.mailbox.has_posted())) {
    // Another scheduler's process: its state is its own to read. A
    // finished one's inbox is closed (post drops the message); one that is
    // exiting frees what was posted when it finishes.
    if (to.mailbox.post(m, shares(s))) queue_shared(to, s);  // it slept in a receive: this post woke it
    return;
  }
  if (to.state == RunState::Exiting || to.state == RunState::Free) {
    Message::discard(m);
    return;
  }
  // Straight into the queue, after what others posted before (only a
  // message to itself can find any: alone, nothing is posted), and a
  // receive sees it without taking the inbox.
  if (concurrent_ && to_itself) take_inbox(to, shares(s));
  to.mailbox.append(m);
  if (!to_itself && to.mailbox.wake(false)) {  // it slept in a receive
    if (concurrent_) queue_shared(to, s);
    else make_runnable(to);
  }
}

void Node::send(Process& to, Term msg) { deliver(to, make_message(msg)); }

// ---------------------------------------------------------------------------
// Timers: one binary heap ordered by due time; an entry whose process has
// re-armed, disarmed or died, or whose send_after was cancelled, is
// skipped when it comes up (O(log n) per timer either way).

uint64_t Node::now_ms() const {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count());
}

void Node::publish_next_due() {
  next_due_.store(timers_.empty() ? kNoTimer : timers_.front().at, std::memory_order_release);
}

void Node::push_timer(const Timer& t) {
  timers_.push_back(t);
  std::push_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
  publish_next_due();
}

void Node::arm_timer(Process& p, uint64_t at) {
  p.timer_armed = true;
  p.timer_at = at;
  auto lock = lock_if(timers_mutex_, concurrent_);
  push_timer(Timer{at, timer_seq_++, p.self, kNil});
}

Term Node::send_after(Term dest, Message* m, uint64_t at) {
  const Term ref = make_ref();
  auto lock = lock_if(timers_mutex_, concurrent_);
  sends_[ref] = PendingSend{dest, m, at};
  push_timer(Timer{at, timer_seq_++, kNil, ref});
  return ref;
}

int64_t Node::cancel_timer(Term ref) {
  auto lock = lock_if(timers_mutex_, concurrent_);
  auto it = sends_.find(ref);
  if (it == sends_.end()) return -1;
  const uint64_t now = now_ms();
  const int64_t left = it->second.at > now ? static_cast<int64_t>(it->second.at - now) : 0;
  Message::discard(it->second.message);
  sends_.erase(it);
  return left;
}

bool Node::fire_timers(uint64_t now) {
  // One scheduler fires at a time; another that finds them being fired
  // goes on with its own work.
  std::unique_lock lock(timers_mutex_, std::defer_lock);
  if (concurrent_ && !lock.try_lock()) return timers_pending();
  while (!timers_.empty() && timers_.front().at <= now) {
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
    const Timer t = timers_.back();
    timers_.pop_back();
    if (t.pid != kNil) {
      Process* p = find(t.pid);
      if (!p) continue;
      if (concurrent_) {
        // Its fields are its owner's: a Timeout signal wakes it (through
        // the asleep mark, like a message) and the owner checks that the
        // timer is still the one armed.
        Message* m = Message::make(0);
        m->term = t.at;
        m->set_signal(Signal::Timeout);
        post_signal(*p, m);
        continue;
      }
      if (!p->timer_armed || p->timer_at != t.at) continue;
      p->timer_armed = false;
      p->timed_out = true;
      if (p->state == RunState::Waiting) wake(*p);
      continue;
    }
    auto it = sends_.find(t.ref);
    if (it == sends_.end()) continue;
    const PendingSend s = it->second;
    sends_.erase(it);
    Process* to = is_atom(s.dest) ? whereis(s.dest) : find(s.dest);
    if (to) deliver(*to, s.message);
    else Message::discard(s.message);
  }
  publish_next_due();
  return !timers_.empty();
}

// ---------------------------------------------------------------------------
// Names.

ProcessLinks& Node::links_of(Process& p) {
  if (!p.links) p.links = new ProcessLinks;
  return *p.links;
}

// A name is kept both ways in the registry, under its lock, and not in the
// process: registering another process then writes nothing of it (its
// fields are its owner's).

Process* Node::whereis(Term name) const {
  auto lock = shared_lock_if(names_mutex_, concurrent_);
  auto it = names_.find(name);
  return it == names_.end() ? nullptr : it->second;
}

bool Node::register_name(Term name, Process& p) {
  auto lock = lock_if(names_mutex_, concurrent_);
  // A process that has finished can take no name: it would outlive it.
  // finish() closes the inbox, then looks at names_taken_; this counts the
  // name first, then looks at the inbox; all four sequentially consistent.
  // So either finish sees the count and drops the name under this lock,
  // or this sees the inbox closed and refuses.
  names_taken_.store(name_by_pid_.size() + 1, std::memory_order_seq_cst);
  const bool finishing = p.state == RunState::Free || (concurrent_ && p.mailbox.closed());
  if (finishing || names_.count(name) || name_by_pid_.count(p.self)) {
    names_taken_.store(name_by_pid_.size(), std::memory_order_relaxed);
    return false;
  }
  names_[name] = &p;
  name_by_pid_[p.self] = name;
  return true;
}

bool Node::unregister_name(Term name) {
  auto lock = lock_if(names_mutex_, concurrent_);
  auto it = names_.find(name);
  if (it == names_.end()) return false;
  name_by_pid_.erase(it->second->self);
  names_.erase(it);
  names_taken_.store(name_by_pid_.size(), std::memory_order_relaxed);
  return true;
}

Term Node::name_of(const Process& p) const {
  auto lock = shared_lock_if(names_mutex_, concurrent_);
  auto it = name_by_pid_.find(p.self);
  return it == name_by_pid_.end() ? kNil : it->second;
}

// ---------------------------------------------------------------------------
// Links, monitors and exit signals.

namespace {

// {:DOWN, ref, :process, pid, reason} / {:EXIT, pid, reason}, built on the C
// stack: make_message copies it (and `reason` from the dying heap) out.
Message* down_message(Term ref, Term pid, Term reason) {
  Term t[6] = {make_header(BoxKind::Tuple, 5), kAtom_DOWN, ref, kAtom_process, pid, reason};
  return Node::make_message(make_boxed(t));
}

Message* exit_message(Term pid, Term reason) {
  Term t[4] = {make_header(BoxKind::Tuple, 3), kAtom_EXIT, pid, reason};
  return Node::make_message(make_boxed(t));
}

// A signal message: `term` copied out like a message's.
Message* signal_message(Signal kind, Term term) {
  Message* m = Node::make_message(term);
  m->set_signal(kind);
  return m;
}

Message* exit_signal_message(Term from, Term reason, bool linked) {
  Message* m = exit_message(from, reason);
  m->set_signal(linked ? Signal::ExitLinked : Signal::Exit);
  return m;
}

Term tuple_at(const Message* m, unsigned i) { return boxed_ptr(m->term)[i]; }

}  // namespace

// With several schedulers a process changes only its own ProcessLinks and
// tells the other side with a signal through its inbox; the other side's
// owner applies it (apply_signal) when it takes its inbox, in the order it
// was posted among that sender's messages and signals.

bool Node::post_signal(Process& to, Message* m) {
  switch (to.mailbox.post_or_refuse(m)) {
    case Mailbox::Posted::Woke: make_runnable(to); return true;
    case Mailbox::Posted::Queued: return true;
    case Mailbox::Posted::Closed: break;
  }
  Message::discard(m);
  return false;
}

bool Node::link(Process& a, Process& b) {
  if (&a == &b) return true;
  ProcessLinks& la = links_of(a);
  if (!la.links.insert(b.self)) return true;  // linked already
  if (!concurrent_) {
    links_of(b).links.insert(a.self);
    return true;
  }
  if (post_signal(b, signal_message(Signal::Link, a.self))) return true;
  la.links.erase(b.self);
  return false;
}

void Node::unlink(Process& a, Term b) {
  if (a.links) a.links->links.erase(b);
  Process* q = find(b);
  if (!q || q == &a) return;
  if (concurrent_) post_signal(*q, signal_message(Signal::Unlink, a.self));
  else if (q->links) q->links->links.erase(a.self);
}

Term Node::monitor(Process& watcher, Term target) {
  const Term ref = make_ref();
  Process* t = is_atom(target) ? whereis(target) : find(target);
  if (!t || (!concurrent_ && t->state == RunState::Exiting)) {
    deliver(watcher, down_message(ref, target, kAtom_noproc));
    return ref;
  }
  links_of(watcher).watching.push(ref, t->self);
  if (!concurrent_ || t == &watcher) {
    links_of(*t).watchers.push(ref, watcher.self);
    return ref;
  }
  Term pair[3] = {make_header(BoxKind::Tuple, 2), ref, watcher.self};
  if (!post_signal(*t, signal_message(Signal::Monitor, make_boxed(pair)))) {  // it has finished
    watcher.links->watching.erase(ref);
    deliver(watcher, down_message(ref, target, kAtom_noproc));
  }
  return ref;
}

bool Node::demonitor(Process& watcher, Term ref) {
  ProcessLinks::Monitor m;
  if (!watcher.links || !watcher.links->watching.erase(ref, &m)) return false;
  if (Process* t = find(m.value)) {
    if (concurrent_ && t != &watcher) post_signal(*t, signal_message(Signal::Demonitor, ref));
    else if (t->links) t->links->watchers.erase(ref);
  }
  return true;
}

void Node::kill(Process& p, Term reason) {
  if (p.state == RunState::Exiting || p.state == RunState::Free) return;
  p.exit_reason = reason;
  const bool waiting = p.state == RunState::Waiting;
  if (waiting) wake(p);  // finishes on its next turn
  p.state = RunState::Exiting;
}

void Node::wake(Process& p) {
  // A process waiting in a receive holds the mailbox's asleep mark: a post
  // may have taken it (and queued the process) already.
  if (p.suspend == Suspend::Wait && !p.mailbox.wake(concurrent_)) return;
  make_runnable(p);
}

void Node::exit_signal(Term from, Process& to, Term reason, bool linked) {
  if (concurrent_ && &to != running()) {
    post_signal(to, exit_signal_message(from, reason, linked));
    return;
  }
  apply_exit(to, from, reason, linked, nullptr);
}

// `to` (its owner) takes the exit signal; `as_message`, when not null, is
// the signal itself ({:EXIT, from, reason}), queued as is when trapped.
void Node::apply_exit(Process& to, Term from, Term reason, bool linked, Message* as_message) {
  auto drop = [&] {
    if (as_message) Message::discard(as_message);
  };
  if (to.state == RunState::Exiting || to.state == RunState::Free) return drop();
  if (!linked && reason == kAtom_kill) {  // untrappable
    drop();
    return kill(to, kAtom_killed);
  }
  if (to.trap_exit) {
    if (!as_message) return deliver(to, exit_message(from, reason));
    as_message->set_signal(Signal::None);
    to.mailbox.append(as_message);
    return;
  }
  if (reason == kAtom_normal) {
    if (!linked && from == to.self) kill(to, kAtom_normal);  // exit(self(), :normal)
    return drop();
  }
  // The reason outlives the signal, and the heap it is in: the sender's (one
  // scheduler applies exit/2 as it is sent), or a finishing linked process's.
  if (is_cons(reason) || is_boxed(reason))
    reason = copy_term(reason, to.heap.alloc(copy_size(reason)), &to.heap);
  drop();
  kill(to, reason);
}

void Node::apply_signal(void* process, Message* m) {
  Process& p = *static_cast<Process*>(process);
  Node& node = node_of(*p.vm);
  ProcessLinks& l = node.links_of(p);
  switch (m->signal()) {
    case Signal::Link:
      l.links.insert(m->term);
      break;
    case Signal::Unlink:
      l.links.erase(m->term);
      break;
    case Signal::Monitor:
      l.watchers.push(tuple_at(m, 1), tuple_at(m, 2));
      break;
    case Signal::Demonitor:
      l.watchers.erase(m->term);
      break;
    case Signal::ExitLinked: {
      // From a link this process has dropped since (unlink): none.
      const Term from = tuple_at(m, 2);
      if (!l.links.erase(from)) break;
      return node.apply_exit(p, from, tuple_at(m, 3), true, m);
    }
    case Signal::Exit:
      return node.apply_exit(p, tuple_at(m, 2), tuple_at(m, 3), false, m);
    case Signal::Down: {
      // From a monitor this process has dropped since (demonitor): none.
      if (!l.watching.erase(tuple_at(m, 2))) break;
      m->set_signal(Signal::None);
      p.mailbox.append(m);
      return;
    }
    case Signal::Timeout:
      // The timer still armed (not one a receive or sleep has since
      // finished with, or re-armed): the next `wait` falls through, a
      // sleep ends.
      if (p.timer_armed && p.timer_at == m->term) {
        p.timer_armed = false;
        p.timed_out = true;
      }
      break;
    case Signal::None:
      break;
  }
  Message::discard(m);
}

// `p` finishes: its inbox closes (a link or monitor posted later is
// refused, and its sender told noproc), and the link and monitor signals
// posted before are applied, so that their senders are told of the exit.
void Node::close_inbox(Process& p) {
  for (Message* m = p.mailbox.close(); m;) {
    Message* next = m->next;
    switch (m->signal()) {
      case Signal::Link:
      case Signal::Unlink:
      case Signal::Monitor:
      case Signal::Demonitor:
        apply_signal(&p, m);
        break;
      default:
        Message::discard(m);
    }
    m = next;
  }
}

bool Node::finish(Process& p, Term reason) {
  bool told = false;
  if (concurrent_) close_inbox(p);
  p.state = RunState::Free;  // signals from here on pass it by; no name can be taken
  // Most processes die nameless and most runs register few names: the
  // lock (written by every exit on every scheduler) only when some name is
  // taken. Several schedulers: the inbox's close above (sequentially
  // consistent) and this load pair with register_name's count and its
  // closed(), so one of the two sees the other, with no fence here (on
  // x86-64 the close is a locked exchange and this a plain load; a fence
  // cost an exit-heavy run a tenth of its time at 2 schedulers).
  if (names_taken_.load(std::memory_order_seq_cst) != 0) {
    auto lock = lock_if(names_mutex_, concurrent_);
    auto it = name_by_pid_.find(p.self);
    if (it != name_by_pid_.end()) {
      names_.erase(it->second);
      name_by_pid_.erase(it);
      names_taken_.store(name_by_pid_.size(), std::memory_order_relaxed);
    }
  }
  if (ProcessLinks* l = p.links) {
    for (const ProcessLinks::Monitor& m : l->watching) {
      Process* t = find(m.value);
      if (!t) continue;
      if (concurrent_ && t != &p) post_signal(*t, signal_message(Signal::Demonitor, m.key));
      else if (t->links) t->links->watchers.erase(m.key);
    }
    const IdTable<> links = std::move(l->links);
    const ProcessLinks::Monitors watchers = std::move(l->watchers);
    told = !links.empty() || !watchers.empty();
    for (const auto& link : links) {
      const Term pid = link.key;
      Process* q = find(pid);
      if (!q) continue;
      if (concurrent_) {
        post_signal(*q, exit_signal_message(p.self, reason, true));
        continue;
      }
      if (q->links) q->links->links.erase(p.self);
      exit_signal(p.self, *q, reason, true);
    }
    for (const ProcessLinks::Monitor& m : watchers) {
      Process* q = find(m.value);
      if (!q || q == &p) continue;
      if (concurrent_) {
        Message* down = down_message(m.key, p.self, reason);
        down->set_signal(Signal::Down);
        post_signal(*q, down);
        continue;
      }
      if (q->links) q->links->watching.erase(m.key);
      deliver(*q, down_message(m.key, p.self, reason));
    }
  }
  table_.erase(p);
  delete p.links;
  p.links = nullptr;
  if (&p == main) return told;
  // Several schedulers: another may have found `p` and be posting to it
  // (its closed inbox refuses); it is freed once each has passed a
  // quiescent point.
  if (concurrent_)
    reclaimer_.retire(p.retired, &p, [](void* q) { delete static_cast<Process*>(q); }, p.home_scheduler);
  else delete &p;
  return told;
}

}  // namespace lzr
