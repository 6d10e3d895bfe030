#include "fault_commands.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace sluice::kafka_mock {
namespace {

// The request types a fault test is likely to break; any other one by its number.
constexpr std::pair<std::string_view, std::int16_t> kApiKeyNames[] = {
    {"Produce", 0},   {"Fetch", 1},        {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8}, {"OffsetFetch", 9}, {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12}, {"ApiVersions", 18}, {"InitProducerId", 22},
};

// Commands are short: a fixed upper bound keeps a runaway `errors` line from allocating gigabytes.
constexpr long long kMaxErrorCount = 1'000'000;

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t' || line[at] == '\r')) ++at;
    std::size_t end = at;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\r') ++end;
    if (end > at) words.push_back(line.substr(at, end - at));
    at = end;
  }
  return words;
}

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int16_t> parse_api_key(std::string_view text) {
  for (const auto& [name, key] : kApiKeyNames) {
    if (name == text) return key;
  }
  const auto number = parse_integer(text);
  if (!number || *number < 0 || *number > 32767) return std::nullopt;
  return static_cast<std::int16_t>(*number);
}

// A Kafka or librdkafka error code by number or by its rd_kafka_err2name name (NOT_LEADER_FOR_PARTITION,
// _TRANSPORT), with or without the RD_KAFKA_RESP_ERR_ prefix.
std::optional<rd_kafka_resp_err_t> parse_error(std::string_view text) {
  if (const auto number = parse_integer(text)) return static_cast<rd_kafka_resp_err_t>(*number);
  constexpr std::string_view kPrefix = "RD_KAFKA_RESP_ERR_";
  if (text.starts_with(kPrefix)) text.remove_prefix(kPrefix.size());
  const rd_kafka_err_desc* descriptions = nullptr;
  std::size_t count = 0;
  rd_kafka_get_err_descs(&descriptions, &count);
  for (std::size_t i = 0; i < count; ++i) {
    if (descriptions[i].name != nullptr && text == descriptions[i].name) return descriptions[i].code;
  }
  return std::nullopt;
}

std::optional<std::int32_t> parse_broker(std::string_view text, int broker_count, bool allow_all) {
  const auto number = parse_integer(text);
  if (!number) return std::nullopt;
  if (*number == -1 && allow_all) return -1;
  if (*number < 1 || *number > broker_count) return std::nullopt;  // mock broker ids are 1..N
  return static_cast<std::int32_t>(*number);
}

CommandOutcome failed(std::string why) { return {"error: " + std::move(why), false}; }

CommandOutcome from_result(rd_kafka_resp_err_t result) {
  if (result == RD_KAFKA_RESP_ERR_NO_ERROR) return {"ok", false};
  return failed(rd_kafka_err2str(result));
}

}  // namespace

CommandOutcome run_fault_command(rd_kafka_mock_cluster_s* cluster, int broker_count, std::string_view line) {
  const std::vector<std::string_view> words = split_words(line);
  if (words.empty() || words[0].starts_with('#')) return {};
  const std::string_view command = words[0];
  auto wrong_arity = [&](std::string_view usage) { return failed(fmt::format("usage: {}", usage)); };
  const std::string brokers_range = fmt::format("a broker id from 1 to {}", broker_count);

  if (command == "ping") return {"ok", false};
  if (command == "quit") return {"ok", true};

  if (command == "broker-down" || command == "broker-up") {
    if (words.size() != 2) return wrong_arity(fmt::format("{} <broker id|-1>", command));
    const auto broker = parse_broker(words[1], broker_count, true);
    if (!broker) return failed(fmt::format("'{}' is not {} or -1", words[1], brokers_range));
    return from_result(command == "broker-down" ? rd_kafka_mock_broker_set_down(cluster, *broker)
                                                : rd_kafka_mock_broker_set_up(cluster, *broker));
  }

  if (command == "leader") {
    if (words.size() != 4) return wrong_arity("leader <topic> <partition> <broker id|-1>");
    const auto partition = parse_integer(words[2]);
    if (!partition || *partition < 0 || *partition > INT32_MAX) return failed(fmt::format("bad partition '{}'", words[2]));
    const auto broker = parse_broker(words[3], broker_count, true);
    if (!broker) return failed(fmt::format("'{}' is not {} or -1", words[3], brokers_range));
    const std::string topic(words[1]);
    return from_result(
        rd_kafka_mock_partition_set_leader(cluster, topic.c_str(), static_cast<std::int32_t>(*partition), *broker));
  }

  if (command == "errors") {
    if (words.size() != 4) return wrong_arity("errors <ApiKey> <count> <error code or name>");
    const auto api_key = parse_api_key(words[1]);
    if (!api_key) return failed(fmt::format("unknown ApiKey '{}' (a number, or Produce, Metadata, ...)", words[1]));
    const auto count = parse_integer(words[2]);
    if (!count || *count < 1 || *count > kMaxErrorCount) {
      return failed(fmt::format("count '{}' is not a number from 1 to {}", words[2], kMaxErrorCount));
    }
    const auto error = parse_error(words[3]);
    if (!error) return failed(fmt::format("unknown error '{}' (a number, or a name like NOT_LEADER_FOR_PARTITION)", words[3]));
    const std::vector<rd_kafka_resp_err_t> errors(static_cast<std::size_t>(*count), *error);
    rd_kafka_mock_push_request_errors_array(cluster, *api_key, errors.size(), errors.data());
    return {"ok", false};
  }

  if (command == "rtt") {
    if (words.size() != 3) return wrong_arity("rtt <broker id|-1> <milliseconds>");
    const auto broker = parse_broker(words[1], broker_count, true);
    if (!broker) return failed(fmt::format("'{}' is not {} or -1", words[1], brokers_range));
    const auto rtt = parse_integer(words[2]);
    if (!rtt || *rtt < 0 || *rtt > 3'600'000) return failed(fmt::format("bad milliseconds '{}'", words[2]));
    return from_result(rd_kafka_mock_broker_set_rtt(cluster, *broker, static_cast<int>(*rtt)));
  }

  if (command == "topic") {
    if (words.size() != 3) return wrong_arity("topic <name> <partitions>");
    const auto partitions = parse_integer(words[2]);
    if (!partitions || *partitions < 1 || *partitions > 1024) return failed(fmt::format("bad partitions '{}'", words[2]));
    const std::string topic(words[1]);
    const rd_kafka_resp_err_t result = rd_kafka_mock_topic_create(cluster, topic.c_str(), static_cast<int>(*partitions),
                                                                  broker_count < 3 ? broker_count : 3);
    if (result == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return {"ok", false};
    return from_result(result);
  }

  return failed(fmt::format("unknown command '{}' (broker-down, broker-up, leader, errors, rtt, topic, ping, quit)",
                            command));
}

}  // namespace sluice::kafka_mock
