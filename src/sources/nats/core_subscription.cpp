#include "sources/nats/core_subscription.hpp"

#include "sources/http/inflight_charge.hpp"
#include "sources/nats/message_batch.hpp"
#include "sources/nats/nats_error.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kDrainTimeoutMs = 5000;

// Core NATS has nobody to answer: the token only counts how the batch ended. Completes on any
// thread; touches nothing but atomic counters and the digest's short critical section.
class CoreAckToken final : public AckToken {
 public:
  CoreAckToken(std::shared_ptr<NatsSourceShared> shared, InflightCharge charge)
      : shared_(std::move(shared)), charge_(std::move(charge)), received_at_(Clock::now()) {}

  void complete(BatchOutcome outcome) noexcept override {
    NatsSourceMetrics& metrics = shared_->metrics;
    if (outcome.status == BatchOutcome::Status::delivered || outcome.status == BatchOutcome::Status::accepted) {
      metrics.core.events_in.Increment(static_cast<double>(outcome.accepted) + outcome.filtered);
      metrics.core.ack_latency_seconds.Observe(std::chrono::duration<double>(Clock::now() - received_at_).count());
      return;
    }
    metrics.for_status(outcome.status).Increment();
    const bool invalid = outcome.status == BatchOutcome::Status::invalid;
    if (!invalid) metrics.core.dropped.Increment();
    try {
      shared_->failures.note(invalid ? "core messages rejected as invalid (not redelivered)"
                                     : "core messages lost because no sink confirmed them (at-most-once)",
                             outcome.reason);
    } catch (...) {
      // Only the log line is lost.
    }
  }

 private:
  std::shared_ptr<NatsSourceShared> shared_;
  InflightCharge charge_;
  Clock::time_point received_at_;
};

}  // namespace

CoreSubscription::CoreSubscription(NatsSubscriptionConfig config, std::shared_ptr<NatsSourceShared> shared,
                                   IngressPort& ingress)
    : config_(std::move(config)), shared_(std::move(shared)), ingress_(ingress) {}

CoreSubscription::~CoreSubscription() { close(); }

void CoreSubscription::subscribe(natsConnection* connection) {
  natsStatus status =
      config_.queue_group.empty()
          ? natsConnection_Subscribe(&subscription_, connection, config_.subject.c_str(), &on_message, this)
          : natsConnection_QueueSubscribe(&subscription_, connection, config_.subject.c_str(),
                                          config_.queue_group.c_str(), &on_message, this);
  if (status != NATS_OK) {
    throw std::runtime_error(fmt::format("{}.subject: cannot subscribe to '{}': {}", config_.key, config_.subject,
                                         describe_nats_error(status)));
  }
  status = natsSubscription_SetPendingLimits(subscription_, config_.pending_messages, config_.pending_bytes);
  if (status != NATS_OK) {
    throw std::runtime_error(
        fmt::format("{}.pending_messages: cannot set pending limits: {}", config_.key, describe_nats_error(status)));
  }
  status = natsSubscription_SetOnCompleteCB(subscription_, &on_complete, this);
  if (status != NATS_OK) {
    throw std::runtime_error(fmt::format("{}.subject: {}", config_.key, describe_nats_error(status)));
  }
}

void CoreSubscription::drain() noexcept {
  if (subscription_ == nullptr || draining_.exchange(true)) return;
  poll_dropped();  // a closed subscription no longer reports its drops
  if (natsSubscription_DrainTimeout(subscription_, kDrainTimeoutMs) != NATS_OK) {
    natsSubscription_Unsubscribe(subscription_);
  }
}

bool CoreSubscription::wait_closed(Clock::time_point deadline) noexcept {
  if (subscription_ == nullptr) return true;
  std::unique_lock lock(closed_mutex_);
  return closed_cv_.wait_until(lock, deadline, [&] { return closed_; });
}

void CoreSubscription::close() noexcept {
  if (subscription_ == nullptr) return;
  natsSubscription_Destroy(subscription_);
  subscription_ = nullptr;
}

void CoreSubscription::poll_dropped() noexcept {
  if (subscription_ == nullptr) return;
  std::int64_t dropped = 0;
  if (natsSubscription_GetDropped(subscription_, &dropped) != NATS_OK) return;
  std::int64_t seen = dropped_seen_.load(std::memory_order_relaxed);
  while (dropped > seen) {
    if (dropped_seen_.compare_exchange_weak(seen, dropped, std::memory_order_relaxed)) {
      const auto delta = static_cast<double>(dropped - seen);
      shared_->metrics.core.dropped.Increment(delta);
      shared_->metrics.slow_consumer.Increment(delta);
      try {
        shared_->failures.note(
            "core messages dropped beyond the pending limits (slow consumer; core NATS cannot push back)",
            fmt::format("'{}' (pending_messages {}, pending_bytes {})", config_.subject, config_.pending_messages,
                        config_.pending_bytes),
            static_cast<std::uint64_t>(dropped - seen));
      } catch (...) {
      }
      return;
    }
  }
}

void CoreSubscription::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  static_cast<CoreSubscription*>(closure)->handle(msg);
  natsMsg_Destroy(msg);
}

void CoreSubscription::on_complete(void* closure) {
  auto* self = static_cast<CoreSubscription*>(closure);
  {
    std::lock_guard lock(self->closed_mutex_);
    self->closed_ = true;
  }
  self->closed_cv_.notify_all();
}

void CoreSubscription::handle(natsMsg* msg) noexcept {
  NatsSourceMetrics& metrics = shared_->metrics;
  try {
    metrics.core.bytes_in.Increment(static_cast<double>(natsMsg_GetDataLength(msg)));
    const std::uint64_t charge = message_charge(msg);
    std::optional<AdmissionLease> lease = ingress_.admission().try_acquire(charge);
    if (!lease) {
      metrics.core.dropped.Increment();
      metrics.over_budget.Increment();
      shared_->failures.note("core messages dropped because the budget is full (core NATS cannot push back)",
                             fmt::format("subject '{}', {} bytes", natsMsg_GetSubject(msg), charge));
      return;
    }
    auto token = std::make_unique<CoreAckToken>(
        shared_, InflightCharge(metrics.core.inflight_bytes, static_cast<double>(charge)));
    BuiltBatch built = build_message_batch(msg, shared_->name, config_.format, std::move(token), std::move(*lease));
    if (!built.batch) {
      metrics.malformed_header.Increment();
      shared_->failures.note("core messages rejected for a malformed ce- header", built.error);
      return;
    }
    ingress_.submit(std::move(built.batch));
  } catch (const std::exception& error) {
    metrics.internal.Increment();
    try {
      shared_->failures.note("core messages lost after an internal error", error.what());
    } catch (...) {
    }
  }
}

}  // namespace sluice
