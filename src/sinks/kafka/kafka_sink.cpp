#include "sinks/kafka/kafka_sink.hpp"

#include "config/config_node.hpp"
#include "sinks/kafka/embedded_broker.hpp"
#include "sinks/kafka/kafka_producer.hpp"

#include <spdlog/spdlog.h>

#include <array>

namespace sluice::kafka {

KafkaSink::KafkaSink(KafkaSinkConfig config, SinkContext& context)
    : config_(std::move(config)),
      queue_(config_.name, context.share_bytes),
      metrics_(context.telemetry.component("sink", config_.name)) {}

KafkaSink::~KafkaSink() {
  if (producer_) producer_->stop(std::chrono::steady_clock::now());
  producer_.reset();
  embedded_.reset();
}

void KafkaSink::start() {
  if (config_.embedded) {
    embedded_ = std::make_unique<EmbeddedBroker>(config_.embedded_cluster.brokers);
    embedded_->create_topic(config_.topic, config_.embedded_cluster.partitions);
    bootstrap_servers_ = embedded_->bootstrap_servers();
    spdlog::info("sink '{}': embedded Kafka-protocol broker (librdkafka mock cluster) at {}; topic '{}' with {} "
                 "partition(s); it keeps only about 5 MiB per partition in memory, for trying sluice out",
                 config_.name, bootstrap_servers_, config_.topic, config_.embedded_cluster.partitions);
  } else {
    bootstrap_servers_ = config_.brokers;  // empty when given as properties.bootstrap.servers
  }
  producer_ = std::make_unique<KafkaProducer>(config_, bootstrap_servers_, queue_, metrics_);
  producer_->start();
}

bool KafkaSink::ready() const noexcept { return producer_ && producer_->ready(); }

void KafkaSink::stop(std::chrono::steady_clock::time_point deadline) noexcept {
  if (producer_) {
    producer_->stop(deadline);
    return;
  }
  // Never started: records pushed anyway must still be answered.
  std::array<OutRecord*, 256> records{};
  std::size_t count = 0;
  while ((count = queue_.pop(records, std::chrono::microseconds(0))) > 0) {
    for (std::size_t i = 0; i < count; ++i) {
      if (records[i] != nullptr) {
        SinkQueue::complete(records[i], DeliveryStatus::retryable_failure, "kafka sink stopped before it started");
      }
    }
  }
}

}  // namespace sluice::kafka

namespace sluice {

std::unique_ptr<Sink> make_kafka_sink(const ConfigNode& node, SinkContext& context) {
  kafka::KafkaSinkConfig config = kafka::parse_kafka_sink_config(node);
  config.name = context.name;
  return std::make_unique<kafka::KafkaSink>(std::move(config), context);
}

}  // namespace sluice
