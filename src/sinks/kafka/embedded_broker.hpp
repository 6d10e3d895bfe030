#pragma once
// An in-process Kafka-protocol broker: librdkafka's mock cluster (rdkafka_mock.h), for
// `brokers: embedded`, tests and the sluice-kafka-mock tool.
//
// The brokers listen on ephemeral ports on 127.0.0.1 (print bootstrap_servers(), never assume a
// port). Each partition keeps only about 5 MiB of messages: older ones are dropped, so count with
// high watermarks or consume while producing. Topics are auto-created on first use with 4
// partitions; create_topic() chooses the count. Supports idempotent producers and consumers.
//
// Thread-safety: create_topic() and cluster() may be used from any thread (the mock cluster
// serialises its own commands). Lifetime: clients connected to it see their connections drop when
// it is destroyed; destroy producers first.

#include <string>

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace sluice::kafka {

class EmbeddedBroker {
 public:
  // Starts `brokers` brokers. Throws std::runtime_error when the cluster cannot start.
  explicit EmbeddedBroker(int brokers = 1);
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  // Creates `topic` with `partitions` partitions (replication = min(3, brokers)). Throws
  // std::runtime_error on failure; creating an existing topic is not an error.
  void create_topic(const std::string& topic, int partitions);

  // "127.0.0.1:PORT,..." for bootstrap.servers.
  const std::string& bootstrap_servers() const noexcept { return bootstrap_servers_; }
  int broker_count() const noexcept { return broker_count_; }

  // The mock cluster, for fault injection (rd_kafka_mock_push_request_errors,
  // rd_kafka_mock_broker_set_down...).
  rd_kafka_mock_cluster_s* cluster() noexcept { return cluster_; }

 private:
  rd_kafka_s* handle_ = nullptr;  // the client the mock cluster is attached to (book-keeping only)
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_servers_;
  int broker_count_ = 0;
};

}  // namespace sluice::kafka
