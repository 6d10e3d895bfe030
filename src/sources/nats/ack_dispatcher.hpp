#pragma once
// Settles JetStream deliveries on the source's own thread. A batch's AckToken completes on
// whatever thread resolved it (a worker, a librdkafka or AMQP thread), which must not call cnats;
// the token only queues the outcome here. The dispatcher thread then sends Ack (delivered),
// NakWithDelay (unavailable, overloaded, shutting down) or Term (invalid), keeps each natsMsg alive
// until then, and sends in-progress acks for deliveries pending longer than half their ack wait so
// that the server does not redeliver a message whose sinks are merely slow.
//
// The same thread runs the source's housekeeping (`on_tick`: drop counters, connection state,
// the failure log digest).
//
// Thread-safety: reserve/make_token/track from any thread (fetch threads); tokens complete from
// any thread; start/stop from the main thread. Lifetime: tokens may outlive the dispatcher (a
// batch still queued when the source stops); their outcomes are then ignored, the message having
// been Nak'ed at stop().

#include "sources/nats/dead_letter.hpp"
#include "sources/nats/source_metrics.hpp"

#include <sluice/core/ack.hpp>

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sluice {

// How the deliveries of one consumer are settled.
struct DeliveryPolicy {
  std::chrono::milliseconds ack_wait{30'000};
  std::chrono::milliseconds nak_delay{1000};
};

class AckDispatcher {
 public:
  AckDispatcher(std::shared_ptr<NatsSourceShared> shared, DeadLetters& dead_letters);
  ~AckDispatcher();
  AckDispatcher(const AckDispatcher&) = delete;
  AckDispatcher& operator=(const AckDispatcher&) = delete;

  // Starts the thread; `on_tick` runs on it about every `tick`.
  void start(std::chrono::milliseconds tick, std::function<void()> on_tick);

  // An id for the next delivery, and the token that reports its batch's outcome. The token may be
  // created before track() but its batch must be submitted only after track().
  std::uint64_t reserve() noexcept;
  std::unique_ptr<AckToken> make_token(std::uint64_t id, std::uint64_t bytes);

  // Takes ownership of `msg` (a JetStream delivery whose batch is about to be submitted).
  // `policy` must outlive the dispatcher.
  void track(std::uint64_t id, natsMsg* msg, const DeliveryPolicy& policy);

  // Settles every outcome that has arrived, Naks (without delay) the deliveries still pending —
  // their sinks never confirmed them — and stops the thread. Idempotent.
  void stop() noexcept;

  // Deliveries handed over and not yet settled (tests, /stats).
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }

  struct Command;  // a track request or a batch's outcome
  struct Inbox;    // shared with tokens

 private:
  struct Entry {
    natsMsg* msg = nullptr;
    const DeliveryPolicy* policy = nullptr;
    std::chrono::steady_clock::time_point fetched_at;
    std::chrono::steady_clock::time_point next_progress;
  };
  void run();
  void apply(Command& command);
  void settle(Entry& entry, const Command& outcome);
  void sweep(std::chrono::steady_clock::time_point now);
  void abandon_pending() noexcept;
  void count_send(natsStatus status, std::string_view what);

  std::shared_ptr<NatsSourceShared> shared_;
  DeadLetters& dead_letters_;
  std::shared_ptr<Inbox> inbox_;
  std::atomic<std::uint64_t> next_id_{1};
  std::atomic<std::size_t> pending_{0};
  std::function<void()> on_tick_;
  std::chrono::milliseconds tick_{250};
  // Dispatcher thread only.
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::chrono::steady_clock::time_point next_sweep_ = std::chrono::steady_clock::time_point::max();
  std::thread thread_;
};

}  // namespace sluice
