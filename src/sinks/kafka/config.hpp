#pragma once
// The `sinks.<name>` section of a Kafka sink, parsed and validated at start-up.
//
//   sinks:
//     kafka:
//       type: kafka
//       brokers: "k1:9092,k2:9092"      # or a list, or `embedded` (in-process mock cluster)
//       topic: sluice.events            # used when the route gives no topic
//       format: structured              # structured | binary (CloudEvents Kafka binding)
//       delivery_timeout: 30s           # librdkafka message.timeout.ms
//       properties: { linger.ms: 10 }   # passed to librdkafka as they are, override defaults
//       properties_file: kafka.properties
//       embedded: { brokers: 1, partitions: 4 }
//       budget_share: 0.5               # read by the app

#include <sluice/api/sink.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {
class ConfigNode;
}

namespace sluice::kafka {

inline constexpr std::string_view kDefaultTopic = "sluice.events";

// One librdkafka property and the config key it came from, so an error can name it.
struct KafkaProperty {
  std::string name;
  std::string value;
  std::string origin;  // "sinks.kafka.properties.linger.ms" or "sinks.kafka.properties_file (f:3)"
};

struct EmbeddedClusterOptions {
  int brokers = 1;
  int partitions = 4;
};

struct KafkaSinkConfig {
  std::string name;        // the key under `sinks:`
  std::string key_prefix;  // "sinks.<name>", for messages that name a key
  std::string brokers;     // bootstrap.servers; empty when embedded or given in properties
  bool embedded = false;
  EmbeddedClusterOptions embedded_cluster;
  std::string topic{kDefaultTopic};
  OutputFormat format = OutputFormat::structured;
  std::chrono::milliseconds delivery_timeout{30'000};
  // The user's librdkafka properties in the order they apply (properties_file, then properties);
  // each was accepted by rd_kafka_conf_set when parsed.
  std::vector<KafkaProperty> properties;
};

// Reads and validates the section; throws ConfigError naming file, line and key. An unknown or
// invalid librdkafka property is reported as `sinks.<name>.properties.<key>`.
KafkaSinkConfig parse_kafka_sink_config(const ConfigNode& node);

}  // namespace sluice::kafka
