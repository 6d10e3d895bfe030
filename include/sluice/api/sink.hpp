#pragma once
// A destination. Each sink drains its own SinkQueue on its own thread(s) and resolves every record
// it took through SinkQueue::complete once its broker confirmed (or definitively refused) it.

#include <sluice/core/sink_queue.hpp>

#include <chrono>
#include <string_view>

namespace sluice {

// Output encoding of events (CloudEvents Kafka/AMQP bindings).
enum class OutputFormat : std::uint8_t { structured, binary };

class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::string_view name() const noexcept = 0;
  virtual SinkQueue& queue() noexcept = 0;

  // Connects and starts the sink's threads. Throws std::runtime_error with one clear line
  // (naming the config key to change) when it cannot start.
  virtual void start() = 0;
  // True while connected and able to deliver (admin /readyz).
  virtual bool ready() const noexcept = 0;
  // Flushes until `deadline`, then stops. On return every record ever pushed to queue() has been
  // completed, delivered or failed, so no batch waits forever. Called once, from the main thread.
  virtual void stop(std::chrono::steady_clock::time_point deadline) noexcept = 0;
};

}  // namespace sluice
