#pragma once
// The librdkafka producer configuration of a Kafka sink: sluice's defaults, then the sink's own
// keys (brokers, delivery_timeout), then the user's properties, which win.

#include "sinks/kafka/config.hpp"

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::kafka {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// Checks user properties one at a time against a scratch configuration, the same way the
// producer's will be built. Start-up only; not thread-safe.
class PropertyChecker {
 public:
  PropertyChecker();
  // Why `name=value` is refused (librdkafka's message, or sluice's for the properties it
  // manages itself), or an empty string when it is accepted.
  std::string problem(const std::string& name, const std::string& value);

 private:
  ConfPtr conf_;
};

// Defaults for throughput and safety: idempotent, acks=all, lz4, 5 ms linger, large batches,
// Java-compatible key partitioning, and a local queue sized from the sink's share of the budget
// (the share, not librdkafka's queue, is what bounds memory; the queue only must not be smaller).
std::vector<std::pair<std::string, std::string>> default_producer_properties(std::uint64_t share_bytes);

// Builds the full configuration. Throws std::runtime_error naming the key of a property that
// librdkafka refuses.
ConfPtr build_producer_conf(const KafkaSinkConfig& config, std::string_view bootstrap_servers,
                            std::uint64_t share_bytes);

}  // namespace sluice::kafka
