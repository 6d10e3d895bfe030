#pragma once
// The Kafka sink: config and metrics wiring around KafkaProducer (the client) and, for
// `brokers: embedded`, an in-process EmbeddedBroker. librdkafka stays out of this header.

#include "sinks/kafka/config.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/sink.hpp>

#include <memory>
#include <string>

namespace sluice {
class ConfigNode;
}

namespace sluice::kafka {

class EmbeddedBroker;
class KafkaProducer;

// Thread-safety as Sink: start/stop from the main thread, ready() from any. The embedded broker
// and the producer are created in start(), so `sluice validate` starts nothing.
class KafkaSink final : public Sink {
 public:
  KafkaSink(KafkaSinkConfig config, SinkContext& context);
  ~KafkaSink() override;

  std::string_view name() const noexcept override { return config_.name; }
  SinkQueue& queue() noexcept override { return queue_; }
  void start() override;
  bool ready() const noexcept override;
  void stop(std::chrono::steady_clock::time_point deadline) noexcept override;

  // bootstrap.servers in use ("127.0.0.1:NNNN" for the embedded broker); empty before start().
  // For /stats and logs.
  const std::string& bootstrap_servers() const noexcept { return bootstrap_servers_; }
  // The embedded broker (null unless `brokers: embedded` and started), for tests.
  EmbeddedBroker* embedded_broker() noexcept { return embedded_.get(); }
  const KafkaSinkConfig& config() const noexcept { return config_; }

 private:
  KafkaSinkConfig config_;
  SinkQueue queue_;
  ComponentMetrics& metrics_;
  std::string bootstrap_servers_;
  std::unique_ptr<EmbeddedBroker> embedded_;  // declared before producer_: destroyed after it
  std::unique_ptr<KafkaProducer> producer_;
};

}  // namespace sluice::kafka

namespace sluice {

// Parses `node` (sinks.<name>) and builds the sink; throws ConfigError naming the key. Nothing
// connects until start().
std::unique_ptr<Sink> make_kafka_sink(const ConfigNode& node, SinkContext& context);

}  // namespace sluice
