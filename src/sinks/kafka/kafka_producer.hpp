#pragma once
// The Kafka client of a Kafka sink: drains a SinkQueue into librdkafka and resolves every record
// from its delivery report. Built directly by tests; KafkaSink only wires it to config and
// metrics.
//
// Threads: one drain thread (SinkQueue::pop in bulk -> rd_kafka_produceva, no payload copy) and
// one poll thread (rd_kafka_poll -> delivery reports -> SinkQueue::complete). librdkafka's
// callbacks run on the poll thread only and never block.

#include "sinks/kafka/config.hpp"

#include <sluice/core/sink_queue.hpp>
#include <sluice/core/telemetry.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sluice::kafka {

class KafkaProducer {
 public:
  // Creates the librdkafka producer for `bootstrap_servers` (overriding config.brokers). `queue`
  // and `metrics` must outlive the producer. Throws std::runtime_error naming the config key
  // when librdkafka refuses the configuration.
  KafkaProducer(const KafkaSinkConfig& config, std::string bootstrap_servers, SinkQueue& queue,
                ComponentMetrics& metrics);
  // Stops (at once) if stop() was not called.
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Starts the drain and poll threads. Once.
  void start();
  // True once a metadata request succeeded, while not all brokers are down and no fatal error
  // occurred. Thread-safe.
  bool ready() const noexcept;
  // Stops draining, waits for outstanding deliveries until `deadline`, then purges what is left
  // and completes every record it took or that is still queued (as retryable failures). On
  // return no record of `queue` is unresolved. Once; from one thread.
  void stop(std::chrono::steady_clock::time_point deadline) noexcept;

  // Records handed to librdkafka and not yet reported. Thread-safe.
  std::int64_t in_flight() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kafka
