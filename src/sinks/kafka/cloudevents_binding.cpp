#include "sinks/kafka/cloudevents_binding.hpp"

#include "sinks/encoding/binary_data.hpp"
#include "sinks/encoding/structured_json.hpp"

namespace sluice::kafka {

const KafkaMessage& CloudEventsKafkaEncoder::encode(const OutRecord& record, std::string& payload) {
  const DeadLetterNote* note = record.dead_letter;
  if (note == nullptr) return encode(*record.event, payload);
  if (note->raw) {
    // Bytes that never decoded into an event: published as they came, for inspection or replay.
    message_.headers.clear();
    message_.has_value = true;
    message_.value = record.event->data;
    if (!record.event->datacontenttype.empty()) message_.headers.push_back({"content-type", record.event->datacontenttype});
  } else {
    encode(*record.event, payload);
  }
  for (const DeadLetterHeader& header : dead_letter_headers(record)) message_.headers.push_back({header.name, header.value});
  return message_;
}

const KafkaMessage& CloudEventsKafkaEncoder::encode(const Event& event, std::string& payload) {
  message_.headers.clear();
  if (format_ == OutputFormat::structured) {
    message_.has_value = true;
    message_.value = encoding::structured_json(event, payload);
    message_.headers.push_back({"content-type", encoding::kStructuredContentType});
    return message_;
  }

  const std::optional<std::string_view> data = encoding::binary_data(event, payload);
  message_.has_value = data.has_value();
  message_.value = data.value_or(std::string_view());

  auto add = [this](const char* name, std::string_view value) {
    if (!value.empty()) message_.headers.push_back({name, value});
  };
  add("ce_specversion", event.specversion.empty() ? std::string_view("1.0") : event.specversion);
  add("ce_id", event.id);
  add("ce_source", event.source);
  add("ce_type", event.type);
  add("ce_time", event.time);
  add("ce_subject", event.subject);
  add("ce_dataschema", event.dataschema);
  add("content-type", encoding::binary_content_type(event));

  // Reserve first so that the names' addresses stay put while they are appended.
  std::size_t names_size = 0;
  for (const Extension& extension : event.extensions) names_size += extension.name.size() + 4;
  extension_names_.clear();
  extension_names_.reserve(names_size);
  for (const Extension& extension : event.extensions) {
    const char* name = extension_names_.data() + extension_names_.size();
    extension_names_ += "ce_";
    extension_names_ += extension.name;
    extension_names_ += '\0';
    // Extension values may legitimately be empty strings; keep them.
    message_.headers.push_back({name, extension.value});
  }
  return message_;
}

std::string_view kafka_key(const OutRecord& record) noexcept {
  if (!record.key.empty()) return record.key;
  if (const Extension* partition_key = record.event->extension("partitionkey")) return partition_key->value;
  return {};
}

}  // namespace sluice::kafka
