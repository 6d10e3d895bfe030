#pragma once
// The AMQP 0-9-1 (RabbitMQ) sink: config, metrics and lifecycle around AmqpPublisher, one per
// connection (`connections: N`), all taking records from this sink's one SinkQueue.
// librabbitmq stays out of this header.

#include "sinks/amqp/config.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/sink.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace prometheus {
class Counter;
}

namespace sluice {
class ConfigNode;
}

namespace sluice::amqp {

class AmqpPublisher;
struct PublisherGroup;

// Thread-safety as Sink: start/stop from the main thread, ready() and the accessors from any.
class AmqpSink final : public Sink {
 public:
  AmqpSink(AmqpSinkConfig config, SinkContext& context);
  ~AmqpSink() override;

  std::string_view name() const noexcept override { return config_.name; }
  SinkQueue& queue() noexcept override { return queue_; }
  // Opens every connection (so a wrong password or a missing exchange stops start-up with one
  // line naming the key), then starts one publishing thread per connection.
  void start() override;
  // True while at least one connection is open and not blocked by the broker.
  bool ready() const noexcept override;
  // Stops taking records, waits for outstanding confirms until `deadline`, then fails whatever is
  // left, unconfirmed or still queued, as retryable ("shutting down").
  void stop(std::chrono::steady_clock::time_point deadline) noexcept override;

  const AmqpSinkConfig& config() const noexcept { return config_; }
  // Records published again after a lost connection (possible duplicates), over all connections.
  std::uint64_t republished() const noexcept;
  // Connections currently blocked by the broker (connection.blocked).
  int blocked_connections() const noexcept;

 private:
  void fail_queued(std::string_view reason) noexcept;

  AmqpSinkConfig config_;
  SinkQueue queue_;
  ComponentMetrics& metrics_;
  prometheus::Counter& republished_;
  std::unique_ptr<PublisherGroup> group_;
  std::vector<std::unique_ptr<AmqpPublisher>> publishers_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace sluice::amqp

namespace sluice {

// Parses `node` (sinks.<name>) and builds the sink; throws ConfigError naming the key. Nothing
// connects until start().
std::unique_ptr<Sink> make_amqp_sink(const ConfigNode& node, SinkContext& context);

}  // namespace sluice
