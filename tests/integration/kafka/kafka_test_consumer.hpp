#pragma once
// A plain librdkafka consumer for checking what a sink produced: assigns every partition of a
// topic from the beginning (no consumer group) and collects messages until enough arrived or a
// deadline passed.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::testing {

struct ConsumedMessage {
  std::string topic;
  std::int32_t partition = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: a null value (tombstone)
  std::multimap<std::string, std::string> headers;

  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

class TestConsumer {
 public:
  explicit TestConsumer(const std::string& bootstrap_servers);
  ~TestConsumer();
  TestConsumer(const TestConsumer&) = delete;
  TestConsumer& operator=(const TestConsumer&) = delete;

  // Reads `topic` from offset 0 until `count` messages arrived or `timeout` passed.
  std::vector<ConsumedMessage> consume(const std::string& topic, std::size_t count, std::chrono::milliseconds timeout);

  // Sum over partitions of the high watermark: how many messages the topic ever received
  // (robust against the mock cluster dropping old messages).
  std::int64_t message_count(const std::string& topic);

 private:
  int partition_count(const std::string& topic);
  rd_kafka_t* handle_ = nullptr;
};

}  // namespace sluice::testing
