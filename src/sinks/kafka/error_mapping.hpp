#pragma once
// The one place where a librdkafka error becomes a decision (DESIGN §10).
//
//   permanent_failure  this record can never be delivered as it is: it is too large, its topic
//                      does not exist or may not be written, the broker refuses its contents.
//                      Its batch fails and, with a dead-letter route, the event goes there.
//   retryable_failure  the record is fine, the path to the broker is not (unreachable, timed out,
//                      leader moving, credentials, shutting down). The client is told to retry.
//
// Every decision carries a hint that names the configuration key to change.

#include <sluice/core/batch.hpp>

#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::kafka {

struct KafkaErrorDecision {
  DeliveryStatus status = DeliveryStatus::retryable_failure;
  // What to change; "{sink}" stands for the sink's config key ("sinks.kafka").
  std::string_view hint;
};

// Total over rd_kafka_resp_err_t: codes it does not list are retryable with a generic hint.
// Thread-safe.
KafkaErrorDecision classify_kafka_error(rd_kafka_resp_err_t error) noexcept;

// "MSG_SIZE_TOO_LARGE" -> "msg_size_too_large", "_MSG_TIMED_OUT" -> "msg_timed_out": the
// `reason` label of the errors counter.
std::string kafka_error_label(rd_kafka_resp_err_t error);

// One line for logs and for the client's failure reason:
//   "kafka sink 'events': MSG_SIZE_TOO_LARGE: Broker: Message size too large; raise
//    sinks.events.properties.message.max.bytes ..."
std::string describe_kafka_error(rd_kafka_resp_err_t error, std::string_view sink_key_prefix);

// describe_kafka_error, computed once per error code. One per thread (not thread-safe).
class KafkaErrorTexts {
 public:
  explicit KafkaErrorTexts(std::string sink_key_prefix) : sink_key_prefix_(std::move(sink_key_prefix)) {}
  const std::string& describe(rd_kafka_resp_err_t error);

 private:
  std::string sink_key_prefix_;
  std::unordered_map<int, std::string> texts_;
};

}  // namespace sluice::kafka
