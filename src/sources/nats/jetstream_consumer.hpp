#pragma once
// One durable JetStream pull consumer and its fetch thread. The fetch size follows the free
// admission budget (free bytes / average message size, capped by fetch_batch), so the stream is
// pulled only as fast as the pipeline can hold; with the budget exhausted the thread sleeps on the
// budget instead of fetching. Each message becomes one batch; its settlement (Ack, Nak, Term,
// in-progress) belongs to the AckDispatcher.
//
// Thread-safety: bind/start/stop_fetching/join/close from the main thread; stats from any.
// Lifetime: the subscription outlives every message the dispatcher holds, so close() comes after
// the dispatcher stopped.

#include "sources/nats/ack_dispatcher.hpp"
#include "sources/nats/budget_gate.hpp"
#include "sources/nats/config.hpp"
#include "sources/nats/dead_letter.hpp"
#include "sources/nats/source_metrics.hpp"

#include <sluice/api/source.hpp>

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>

namespace sluice {

struct JetStreamStats {
  std::uint64_t fetches = 0;        // fetch requests that returned messages
  std::uint64_t messages = 0;       // messages fetched (including redeliveries)
  std::uint64_t largest_fetch = 0;  // largest fetch size asked for
  std::uint64_t last_fetch = 0;     // the most recent fetch size asked for
};

class JetStreamConsumer {
 public:
  JetStreamConsumer(JetStreamConsumerConfig config, std::shared_ptr<NatsSourceShared> shared, IngressPort& ingress,
                    AckDispatcher& dispatcher, DeadLetters& dead_letters);
  ~JetStreamConsumer();
  JetStreamConsumer(const JetStreamConsumer&) = delete;
  JetStreamConsumer& operator=(const JetStreamConsumer&) = delete;

  // Creates the stream when `subjects` are given and it is missing, creates or updates the
  // durable consumer, and binds a pull subscription to it. Throws std::runtime_error naming the
  // config key.
  void bind(jsCtx* js);
  void start();
  // Asks the fetch thread to stop; returns at once (a fetch in progress ends within fetch_timeout).
  // Messages fetched after this are Nak'ed without delay.
  void stop_fetching() noexcept;
  void join() noexcept;
  // Frees the subscription; the durable consumer stays on the server.
  void close() noexcept;

  JetStreamStats stats() const noexcept;
  const JetStreamConsumerConfig& config() const noexcept { return config_; }

 private:
  void run();
  // One fetch (or one wait for budget). False when the fetch failed and the loop should back off.
  bool fetch_once();
  int fetch_size() const noexcept;
  void handle(natsMsgList& list);
  void handle_one(natsMsg* msg, natsMsgList& list, int next);
  std::optional<AdmissionLease> acquire(std::uint64_t bytes, natsMsg* msg, natsMsgList& list, int next);
  void reject(natsMsg* msg, prometheus::Counter& reason, std::string_view detail);
  void ensure_stream(jsCtx* js);
  void ensure_consumer(jsCtx* js);

  JetStreamConsumerConfig config_;
  DeliveryPolicy policy_;
  std::shared_ptr<NatsSourceShared> shared_;
  IngressPort& ingress_;
  AckDispatcher& dispatcher_;
  DeadLetters& dead_letters_;
  BudgetGate gate_;
  natsSubscription* subscription_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  // Fetch thread only.
  double average_bytes_ = 1024;

  std::atomic<std::uint64_t> fetches_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> largest_fetch_{0};
  std::atomic<std::uint64_t> last_fetch_{0};
};

}  // namespace sluice
