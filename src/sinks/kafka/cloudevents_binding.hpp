#pragma once
// The CloudEvents Kafka protocol binding (bindings/kafka-protocol-binding.md): how one event
// becomes a Kafka record's value, headers and key.
//
//   structured  value = the event in the JSON format; header content-type:
//               application/cloudevents+json; charset=UTF-8 (binding §3.3)
//   binary      value = the data as-is (none: a null value, i.e. a tombstone); headers ce_id,
//               ce_source, ce_specversion, ce_type, ce_time, ce_subject, ce_dataschema,
//               ce_<extension>, and content-type = datacontenttype (binding §3.2)
//   dead letter the same, plus headers sluice_dlq_reason, sluice_dlq_detail, sluice_dlq_source,
//               sluice_dlq_route, sluice_dlq_sink (DESIGN §5); undecodable input as its raw bytes
//   key         the route's key; when the route gave none, the partitionkey extension (binding
//               §3.1 Key Mapper, DESIGN §5); else no key.

#include <sluice/api/sink.hpp>
#include <sluice/core/batch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sluice::kafka {

struct KafkaHeader {
  const char* name = nullptr;  // NUL-terminated (librdkafka's header API wants C strings)
  std::string_view value;
};

struct KafkaMessage {
  bool has_value = false;  // false: a null value
  std::string_view value;
  std::vector<KafkaHeader> headers;
};

// One per drain thread (not thread-safe).
class CloudEventsKafkaEncoder {
 public:
  explicit CloudEventsKafkaEncoder(OutputFormat format) : format_(format) {}

  // Encodes `event`. The value refers to the event (its batch) or to `payload`; the caller keeps
  // `payload` alive until the record's delivery report, because the value is handed to
  // librdkafka without a copy. Header names and values are valid until the next encode() (they
  // are copied by librdkafka when the record is produced).
  const KafkaMessage& encode(const Event& event, std::string& payload);
  // The record's event as above; a dead letter (record.dead_letter) also gets the sluice_dlq_*
  // headers, and one that never decoded (a raw note) is its original bytes as the value.
  const KafkaMessage& encode(const OutRecord& record, std::string& payload);

 private:
  OutputFormat format_;
  KafkaMessage message_;
  std::string extension_names_;  // "ce_<name>\0" for each extension
};

// The record key per binding §3.1: record.key, else the partitionkey extension, else empty.
std::string_view kafka_key(const OutRecord& record) noexcept;

}  // namespace sluice::kafka
