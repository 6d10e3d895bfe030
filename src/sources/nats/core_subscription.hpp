#pragma once
// One core NATS subscription (subject with wildcards, optional queue group). Core NATS is
// at-most-once and cannot be pushed back: a message arriving while the admission budget is full
// is dropped, and cnats drops messages beyond the subscription's pending limits; both are counted
// (`dropped`) and logged through the source's digest. Each message becomes one batch whose token
// only counts the outcome (there is nobody to answer).
//
// Thread-safety: the message callback runs on the subscription's cnats delivery thread and only
// hands off (copy, admission, submit). subscribe/drain/wait_closed/close from the main thread;
// poll_dropped from the source's housekeeping thread. Lifetime: the object must outlive the last
// callback, which wait_closed() observes.

#include "sources/nats/config.hpp"
#include "sources/nats/source_metrics.hpp"

#include <sluice/api/source.hpp>

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace sluice {

class CoreSubscription {
 public:
  CoreSubscription(NatsSubscriptionConfig config, std::shared_ptr<NatsSourceShared> shared, IngressPort& ingress);
  ~CoreSubscription();
  CoreSubscription(const CoreSubscription&) = delete;
  CoreSubscription& operator=(const CoreSubscription&) = delete;

  // Subscribes and applies the pending limits. Throws std::runtime_error naming the config key.
  void subscribe(natsConnection* connection);
  // Removes interest; messages already buffered are still delivered. Returns at once.
  void drain() noexcept;
  // Waits until the last callback returned or `deadline` passed. True when no callback can run
  // any more (the object may then be destroyed).
  bool wait_closed(std::chrono::steady_clock::time_point deadline) noexcept;
  // Frees the subscription (after wait_closed).
  void close() noexcept;

  // Adds the messages cnats dropped since the last call to the metrics. Housekeeping thread.
  void poll_dropped() noexcept;

  const NatsSubscriptionConfig& config() const noexcept { return config_; }

 private:
  static void on_message(natsConnection* connection, natsSubscription* subscription, natsMsg* msg, void* closure);
  static void on_complete(void* closure);
  void handle(natsMsg* msg) noexcept;

  NatsSubscriptionConfig config_;
  std::shared_ptr<NatsSourceShared> shared_;
  IngressPort& ingress_;
  natsSubscription* subscription_ = nullptr;
  std::atomic<bool> draining_{false};
  std::atomic<std::int64_t> dropped_seen_{0};
  std::mutex closed_mutex_;
  std::condition_variable closed_cv_;
  bool closed_ = false;
};

}  // namespace sluice
