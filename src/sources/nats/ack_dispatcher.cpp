#include "sources/nats/ack_dispatcher.hpp"

#include "sources/http/inflight_charge.hpp"

#include <sluice/core/thread_name.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

bool is_success(BatchOutcome::Status status) noexcept {
  return status == BatchOutcome::Status::delivered || status == BatchOutcome::Status::accepted;
}

}  // namespace

// A track request (msg set) or a batch's outcome (msg null), in the order they were posted: a
// delivery is always tracked before its batch is submitted, so its outcome comes after it.
struct AckDispatcher::Command {
  std::uint64_t id = 0;
  natsMsg* msg = nullptr;
  const DeliveryPolicy* policy = nullptr;
  Clock::time_point at;
  BatchOutcome::Status status = BatchOutcome::Status::delivered;
  std::uint32_t events = 0;
  std::string reason;
};

struct AckDispatcher::Inbox {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Command> commands;
  bool closed = false;

  // False once the dispatcher stopped. Never blocks beyond the short critical section. Only the
  // first command of a round wakes the dispatcher: it takes all of them at once.
  bool post(Command&& command) {
    bool first = false;
    {
      std::lock_guard lock(mutex);
      if (closed) return false;
      first = commands.empty();
      commands.push_back(std::move(command));
    }
    if (first) wake.notify_one();
    return true;
  }
};

namespace {

// Completes on any thread; only queues the outcome for the dispatcher thread.
class JetStreamAckToken final : public AckToken {
 public:
  JetStreamAckToken(std::shared_ptr<AckDispatcher::Inbox> inbox, std::uint64_t id, InflightCharge charge)
      : inbox_(std::move(inbox)), id_(id), charge_(std::move(charge)) {}

  void complete(BatchOutcome outcome) noexcept override;

 private:
  std::shared_ptr<AckDispatcher::Inbox> inbox_;
  std::uint64_t id_;
  InflightCharge charge_;  // released with the token, i.e. when the batch releases its budget
};

}  // namespace

void JetStreamAckToken::complete(BatchOutcome outcome) noexcept {
  try {
    AckDispatcher::Command command;
    command.id = id_;
    command.status = outcome.status;
    command.events = outcome.accepted + outcome.filtered;
    if (!is_success(outcome.status)) command.reason = std::move(outcome.reason);
    inbox_->post(std::move(command));
  } catch (...) {
    // Out of memory: the delivery stays pending and is redelivered after its ack wait.
  }
}

AckDispatcher::AckDispatcher(std::shared_ptr<NatsSourceShared> shared, DeadLetters& dead_letters)
    : shared_(std::move(shared)), dead_letters_(dead_letters), inbox_(std::make_shared<Inbox>()) {}

AckDispatcher::~AckDispatcher() { stop(); }

void AckDispatcher::start(std::chrono::milliseconds tick, std::function<void()> on_tick) {
  tick_ = tick;
  on_tick_ = std::move(on_tick);
  thread_ = named_thread("nats-acks", [this] { run(); });
}

std::uint64_t AckDispatcher::reserve() noexcept { return next_id_.fetch_add(1, std::memory_order_relaxed); }

std::unique_ptr<AckToken> AckDispatcher::make_token(std::uint64_t id, std::uint64_t bytes) {
  return std::make_unique<JetStreamAckToken>(
      inbox_, id, InflightCharge(shared_->metrics.core.inflight_bytes, static_cast<double>(bytes)));
}

void AckDispatcher::track(std::uint64_t id, natsMsg* msg, const DeliveryPolicy& policy) {
  Command command;
  command.id = id;
  command.msg = msg;
  command.policy = &policy;
  command.at = Clock::now();
  pending_.fetch_add(1, std::memory_order_relaxed);
  if (!inbox_->post(std::move(command))) {
    // Stopped already (not expected: fetch threads stop first). Give the message back at once.
    pending_.fetch_sub(1, std::memory_order_relaxed);
    natsMsg_Nak(msg, nullptr);
    natsMsg_Destroy(msg);
  }
}

void AckDispatcher::stop() noexcept {
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->closed = true;
  }
  inbox_->wake.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AckDispatcher::run() {
  std::vector<Command> work;
  auto next_tick = Clock::now() + tick_;
  while (true) {
    bool closing = false;
    {
      std::unique_lock lock(inbox_->mutex);
      inbox_->wake.wait_until(lock, std::min(next_tick, next_sweep_),
                              [&] { return !inbox_->commands.empty() || inbox_->closed; });
      work.swap(inbox_->commands);
      closing = inbox_->closed;
    }
    for (Command& command : work) apply(command);
    work.clear();
    const auto now = Clock::now();
    if (now >= next_sweep_) sweep(now);
    if (now >= next_tick || closing) {
      if (on_tick_) on_tick_();
      next_tick = now + tick_;
    }
    if (closing) break;
  }
  abandon_pending();
}

void AckDispatcher::apply(Command& command) {
  if (command.msg != nullptr) {
    Entry entry{command.msg, command.policy, command.at, command.at + command.policy->ack_wait / 2};
    next_sweep_ = std::min(next_sweep_, entry.next_progress);
    entries_.emplace(command.id, entry);
    return;
  }
  const auto found = entries_.find(command.id);
  if (found == entries_.end()) return;  // not expected: every outcome follows its track
  settle(found->second, command);
  entries_.erase(found);
  pending_.fetch_sub(1, std::memory_order_relaxed);
}

void AckDispatcher::settle(Entry& entry, const Command& outcome) {
  NatsSourceMetrics& metrics = shared_->metrics;
  if (is_success(outcome.status)) {
    count_send(natsMsg_Ack(entry.msg, nullptr), "ack");
    metrics.core.events_in.Increment(outcome.events);
    metrics.core.ack_latency_seconds.Observe(std::chrono::duration<double>(Clock::now() - entry.fetched_at).count());
  } else if (outcome.status == BatchOutcome::Status::invalid) {
    // Redelivering cannot make an invalid event valid.
    metrics.invalid.Increment();
    dead_letters_.on_rejected(entry.msg, outcome.reason);
    count_send(natsMsg_Term(entry.msg, nullptr), "term");
  } else {
    metrics.for_status(outcome.status).Increment();
    shared_->failures.note("messages nak'ed for redelivery", outcome.reason);
    count_send(natsMsg_NakWithDelay(entry.msg, entry.policy->nak_delay.count(), nullptr), "nak");
  }
  natsMsg_Destroy(entry.msg);
  entry.msg = nullptr;
}

void AckDispatcher::sweep(Clock::time_point now) {
  // Deliveries due within an eighth of their ack wait are refreshed together, so a steady stream
  // of fetches costs a few wake-ups per ack wait rather than one per message.
  next_sweep_ = Clock::time_point::max();
  for (auto& [id, entry] : entries_) {
    const auto ack_wait = entry.policy->ack_wait;
    if (entry.next_progress <= now + ack_wait / 8) {
      count_send(natsMsg_InProgress(entry.msg, nullptr), "in-progress ack");
      entry.next_progress = now + ack_wait / 2;
    }
    next_sweep_ = std::min(next_sweep_, entry.next_progress);
  }
}

void AckDispatcher::abandon_pending() noexcept {
  if (!entries_.empty()) {
    spdlog::warn("nats source '{}': {} JetStream message(s) still unconfirmed at shutdown; nak'ed for redelivery",
                 shared_->name, entries_.size());
  }
  for (auto& [id, entry] : entries_) {
    natsMsg_Nak(entry.msg, nullptr);
    natsMsg_Destroy(entry.msg);
  }
  entries_.clear();
  pending_.store(0, std::memory_order_relaxed);
}

void AckDispatcher::count_send(natsStatus status, std::string_view what) {
  if (status == NATS_OK) return;
  shared_->metrics.ack_failed.Increment();
  shared_->failures.note("acks/naks/terms not sent", fmt::format("{}: {}", what, natsStatus_GetText(status)));
}

}  // namespace sluice
