#include "sinks/kafka/config.hpp"

#include "config/config_node.hpp"
#include "sinks/kafka/client_config.hpp"
#include "sinks/kafka/properties_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace sluice::kafka {
namespace {

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

// Kafka's own rule for topic names (kafka.common.Topic): legal characters and length.
bool is_valid_topic(std::string_view topic) {
  if (topic.empty() || topic.size() > 249 || topic == "." || topic == "..") return false;
  return std::all_of(topic.begin(), topic.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// "brokers" as one comma-separated string or as a list; "embedded" alone means the mock cluster.
void parse_brokers(const ConfigNode& node, KafkaSinkConfig& config) {
  std::vector<std::string> hosts;
  for (const std::string& item : node.string_list("brokers")) {
    std::string_view rest = item;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string host = trim(rest.substr(0, comma));
      if (!host.empty()) hosts.push_back(std::move(host));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  const bool wants_embedded = std::find(hosts.begin(), hosts.end(), "embedded") != hosts.end();
  if (wants_embedded && hosts.size() > 1) {
    node.fail("brokers", "'embedded' starts an in-process broker and cannot be combined with other brokers");
  }
  config.embedded = wants_embedded;
  if (!wants_embedded) {
    for (const std::string& host : hosts) {
      if (!config.brokers.empty()) config.brokers += ',';
      config.brokers += host;
    }
  }
}

void parse_embedded(const ConfigNode& node, KafkaSinkConfig& config) {
  const std::optional<ConfigNode> embedded = node.child("embedded");
  if (!embedded) return;
  if (!config.embedded) node.fail("embedded", "only applies with `brokers: embedded`");
  config.embedded_cluster.brokers = static_cast<int>(embedded->integer("brokers", 1, 1, 16));
  // The mock cluster keeps about 5 MiB per partition in memory.
  config.embedded_cluster.partitions = static_cast<int>(embedded->integer("partitions", 4, 1, 256));
  embedded->reject_unknown_keys();
}

void parse_properties(const ConfigNode& node, KafkaSinkConfig& config) {
  PropertyChecker checker;
  if (node.has("properties_file")) {
    const std::string path = node.string("properties_file", "");
    std::vector<PropertyLine> lines;
    try {
      lines = read_java_properties(path);
    } catch (const std::runtime_error& error) {
      node.fail("properties_file", error.what());
    }
    for (PropertyLine& line : lines) {
      if (const std::string problem = checker.problem(line.key, line.value); !problem.empty()) {
        node.fail("properties_file", fmt::format("{}:{}: {}: {}", path, line.line, line.key, problem));
      }
      config.properties.push_back(KafkaProperty{
          std::move(line.key), std::move(line.value),
          fmt::format("{}.properties_file ({}:{})", config.key_prefix, path, line.line)});
    }
  }
  if (const std::optional<ConfigNode> properties = node.child("properties")) {
    for (const std::string& key : properties->keys()) {
      std::string value = properties->string(key, "");
      if (const std::string problem = checker.problem(key, value); !problem.empty()) properties->fail(key, problem);
      config.properties.push_back(KafkaProperty{key, std::move(value), fmt::format("{}.{}", properties->path(), key)});
    }
  }
}

bool sets_property(const KafkaSinkConfig& config, std::string_view name) {
  return std::any_of(config.properties.begin(), config.properties.end(),
                     [&](const KafkaProperty& property) { return property.name == name; });
}

}  // namespace

KafkaSinkConfig parse_kafka_sink_config(const ConfigNode& node) {
  KafkaSinkConfig config;
  config.key_prefix = node.path();
  const std::size_t dot = config.key_prefix.rfind('.');
  config.name = dot == std::string::npos ? config.key_prefix : config.key_prefix.substr(dot + 1);

  if (const std::string type = node.string("type", "kafka"); type != "kafka") {
    node.fail("type", fmt::format("'{}' given to the Kafka sink", type));
  }
  node.number("budget_share", 1.0, 0.0, 1.0);  // the app's; read here so it is not "unknown"

  parse_brokers(node, config);
  parse_embedded(node, config);

  config.topic = node.string("topic", kDefaultTopic);
  if (!is_valid_topic(config.topic)) {
    node.fail("topic", fmt::format("'{}' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most "
                                   "249 characters)",
                                   config.topic));
  }
  config.format = node.choice("format", "structured", {"structured", "binary"}) == "binary"
                      ? OutputFormat::binary
                      : OutputFormat::structured;
  config.delivery_timeout = node.duration("delivery_timeout", std::chrono::milliseconds(30'000));
  if (config.delivery_timeout.count() > std::numeric_limits<std::int32_t>::max()) {
    node.fail("delivery_timeout", "is longer than librdkafka's message.timeout.ms allows (about 24 days)");
  }

  parse_properties(node, config);

  const bool bootstrap_in_properties = sets_property(config, "bootstrap.servers") ||
                                       sets_property(config, "metadata.broker.list") ||
                                       sets_property(config, "test.mock.num.brokers");
  if (bootstrap_in_properties && (config.embedded || !config.brokers.empty())) {
    node.fail("brokers", "give the brokers either here or as properties.bootstrap.servers, not both");
  }
  if (!bootstrap_in_properties && !config.embedded && config.brokers.empty()) {
    node.fail("brokers", "is required: \"host:port,host:port\", a list of host:port, or 'embedded'");
  }
  node.reject_unknown_keys();
  return config;
}

}  // namespace sluice::kafka
