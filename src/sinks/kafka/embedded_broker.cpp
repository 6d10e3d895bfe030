#include "sinks/kafka/embedded_broker.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <stdexcept>

namespace sluice::kafka {

EmbeddedBroker::EmbeddedBroker(int brokers) : broker_count_(brokers) {
  if (brokers < 1) throw std::runtime_error("embedded Kafka broker: need at least one broker");
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512] = {};
  // This client only anchors the mock cluster and never connects anywhere: keep it quiet (it
  // would warn that it has no bootstrap.servers).
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_conf_set(conf, "client.id", "sluice-embedded-broker", errstr, sizeof(errstr));
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(fmt::format("embedded Kafka broker: cannot create its client: {}", errstr));
  }
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (cluster_ == nullptr) {
    rd_kafka_destroy(handle_);
    throw std::runtime_error("embedded Kafka broker: the librdkafka mock cluster did not start (no free port?)");
  }
  bootstrap_servers_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

EmbeddedBroker::~EmbeddedBroker() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

void EmbeddedBroker::create_topic(const std::string& topic, int partitions) {
  const rd_kafka_resp_err_t error =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, std::min(3, broker_count_));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    throw std::runtime_error(
        fmt::format("embedded Kafka broker: cannot create topic '{}': {}", topic, rd_kafka_err2str(error)));
  }
}

}  // namespace sluice::kafka
