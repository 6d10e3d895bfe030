#include "sinks/kafka/client_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sluice::kafka {
namespace {

constexpr std::uint64_t kMinQueueKbytes = 64 * 1024;            // 64 MiB
constexpr std::uint64_t kMaxQueueKbytes = 2'147'483'647;       // librdkafka's upper limit

// Properties sluice relies on and therefore does not let the user change.
std::string_view reserved_problem(const std::string& name, const std::string& value) {
  if (name == "delivery.report.only.error" && value != "false") {
    return "sluice needs a delivery report for every message to acknowledge its events; remove it";
  }
  if (name == "transactional.id") {
    return "transactions are not supported; the idempotent producer (enable.idempotence, on by "
           "default) already gives exactly-once per partition";
  }
  return {};
}

}  // namespace

PropertyChecker::PropertyChecker() : conf_(rd_kafka_conf_new()) {}

std::string PropertyChecker::problem(const std::string& name, const std::string& value) {
  if (const std::string_view reserved = reserved_problem(name, value); !reserved.empty()) {
    return std::string(reserved);
  }
  char errstr[512] = {};
  if (rd_kafka_conf_set(conf_.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    return errstr;
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> default_producer_properties(std::uint64_t share_bytes) {
  // Twice the share: librdkafka counts its own per-message overhead against the same limit.
  const std::uint64_t queue_kbytes =
      share_bytes == 0 ? 1'048'576 : std::clamp(share_bytes * 2 / 1024, kMinQueueKbytes, kMaxQueueKbytes);
  return {
      {"client.id", "sluice"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"batch.num.messages", "10000"},
      {"batch.size", "1000000"},
      {"compression.type", "lz4"},
      {"partitioner", "murmur2_random"},
      {"queue.buffering.max.messages", "10000000"},
      {"queue.buffering.max.kbytes", std::to_string(queue_kbytes)},
  };
}

ConfPtr build_producer_conf(const KafkaSinkConfig& config, std::string_view bootstrap_servers,
                            std::uint64_t share_bytes) {
  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512] = {};
  auto set = [&](const std::string& name, const std::string& value, std::string_view origin) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      throw std::runtime_error(fmt::format("{}: {}", origin, errstr));
    }
  };
  for (const auto& [name, value] : default_producer_properties(share_bytes)) {
    set(name, value, fmt::format("{}.properties.{} (sluice default)", config.key_prefix, name));
  }
  if (!bootstrap_servers.empty()) {
    set("bootstrap.servers", std::string(bootstrap_servers), config.key_prefix + ".brokers");
  }
  set("message.timeout.ms", std::to_string(config.delivery_timeout.count()), config.key_prefix + ".delivery_timeout");
  for (const KafkaProperty& property : config.properties) set(property.name, property.value, property.origin);
  return conf;
}

}  // namespace sluice::kafka
