#include "integration/kafka/kafka_test_consumer.hpp"

#include <stdexcept>

namespace sluice::testing {

TestConsumer::TestConsumer(const std::string& bootstrap_servers) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512] = {};
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_servers.c_str(), errstr, sizeof(errstr));
  rd_kafka_conf_set(conf, "group.id", "sluice-test", errstr, sizeof(errstr));
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof(errstr));
  rd_kafka_conf_set(conf, "enable.partition.eof", "false", errstr, sizeof(errstr));
  handle_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (handle_ == nullptr) throw std::runtime_error(errstr);
  rd_kafka_poll_set_consumer(handle_);
}

TestConsumer::~TestConsumer() {
  rd_kafka_consumer_close(handle_);
  rd_kafka_destroy(handle_);
}

int TestConsumer::partition_count(const std::string& topic) {
  rd_kafka_topic_t* handle = rd_kafka_topic_new(handle_, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  int partitions = 0;
  for (int attempt = 0; attempt < 20 && partitions == 0; ++attempt) {
    if (rd_kafka_metadata(handle_, 0, handle, &metadata, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        partitions = metadata->topics[0].partition_cnt;
      }
      rd_kafka_metadata_destroy(metadata);
    }
  }
  rd_kafka_topic_destroy(handle);
  if (partitions == 0) throw std::runtime_error("test consumer: no metadata for topic " + topic);
  return partitions;
}

std::vector<ConsumedMessage> TestConsumer::consume(const std::string& topic, std::size_t count,
                                                   std::chrono::milliseconds timeout) {
  const int partitions = partition_count(topic);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(handle_, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);

  std::vector<ConsumedMessage> messages;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (messages.size() < count && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(handle_, 100);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ConsumedMessage consumed;
      consumed.topic = rd_kafka_topic_name(message->rkt);
      consumed.partition = message->partition;
      if (message->key != nullptr) consumed.key.emplace(static_cast<const char*>(message->key), message->key_len);
      if (message->payload != nullptr) {
        consumed.value.emplace(static_cast<const char*>(message->payload), message->len);
      }
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          consumed.headers.emplace(name, std::string(static_cast<const char*>(value), size));
        }
      }
      messages.push_back(std::move(consumed));
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_assign(handle_, nullptr);
  return messages;
}

std::int64_t TestConsumer::message_count(const std::string& topic) {
  const int partitions = partition_count(topic);
  std::int64_t total = 0;
  for (int p = 0; p < partitions; ++p) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    if (rd_kafka_query_watermark_offsets(handle_, topic.c_str(), p, &low, &high, 5000) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      total += high;
    }
  }
  return total;
}

}  // namespace sluice::testing
