#include "sinks/amqp/cloudevents_amqp.hpp"

#include "sinks/encoding/binary_data.hpp"
#include "sinks/encoding/structured_json.hpp"

#include <charconv>
#include <utility>
#include <cstdint>

namespace sluice::amqp {
namespace {

amqp_bytes_t bytes_of(std::string_view text) noexcept {
  amqp_bytes_t bytes;
  bytes.len = text.size();
  // librabbitmq's bytes type is not const-correct; it only reads what we publish.
  bytes.bytes = const_cast<char*>(text.data());
  return bytes;
}

}  // namespace

MessageEncoder::MessageEncoder(EncoderOptions options) : options_(std::move(options)) {
  const std::string& prefix = options_.header_prefix;
  id_name_ = prefix + "id";
  source_name_ = prefix + "source";
  specversion_name_ = prefix + "specversion";
  type_name_ = prefix + "type";
  dataschema_name_ = prefix + "dataschema";
  subject_name_ = prefix + "subject";
  time_name_ = prefix + "time";
  headers_.reserve(16);
}

const EncodedMessage& MessageEncoder::encode(const Event& event) {
  message_.properties = amqp_basic_properties_t{};
  message_.body = amqp_bytes_t{};
  if (options_.persistent) {
    message_.properties._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
    message_.properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  }
  if (options_.format == OutputFormat::binary) {
    encode_binary(event);
  } else {
    encode_structured(event);
  }
  return message_;
}

const EncodedMessage& MessageEncoder::encode(const OutRecord& record) {
  const DeadLetterNote* note = record.dead_letter;
  if (note == nullptr) return encode(*record.event);
  if (note->raw) {
    // Bytes that never decoded into an event: published as they came, for inspection or replay.
    message_.properties = amqp_basic_properties_t{};
    if (options_.persistent) {
      message_.properties._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
      message_.properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    }
    message_.body = bytes_of(record.event->data);
    if (!record.event->datacontenttype.empty()) {
      message_.properties._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
      message_.properties.content_type = bytes_of(record.event->datacontenttype);
    }
    headers_.clear();
  } else {
    encode(*record.event);
    if (options_.format == OutputFormat::structured) headers_.clear();
  }
  for (const DeadLetterHeader& header : dead_letter_headers(record)) {
    amqp_table_entry_t entry{};
    entry.key = bytes_of(header.name);
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = bytes_of(header.value);
    headers_.push_back(entry);
  }
  message_.properties._flags |= AMQP_BASIC_HEADERS_FLAG;
  message_.properties.headers.num_entries = static_cast<int>(headers_.size());
  message_.properties.headers.entries = headers_.data();
  return message_;
}

void MessageEncoder::encode_structured(const Event& event) {
  message_.body = bytes_of(encoding::structured_json(event, data_scratch_));
  message_.properties._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
  message_.properties.content_type = bytes_of(encoding::kStructuredContentType);
}

void MessageEncoder::add_string_header(const std::string& name, std::string_view value) {
  if (value.empty()) return;  // optional attribute absent
  amqp_table_entry_t entry{};
  entry.key = bytes_of(name);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = bytes_of(value);
  headers_.push_back(entry);
}

void MessageEncoder::encode_binary(const Event& event) {
  const auto data = encoding::binary_data(event, data_scratch_);
  if (data) message_.body = bytes_of(*data);
  const std::string_view content_type = encoding::binary_content_type(event);
  if (!content_type.empty()) {
    message_.properties._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
    message_.properties.content_type = bytes_of(content_type);
  }

  headers_.clear();
  add_string_header(specversion_name_, event.specversion);
  add_string_header(id_name_, event.id);
  add_string_header(source_name_, event.source);
  add_string_header(type_name_, event.type);
  add_string_header(dataschema_name_, event.dataschema);
  add_string_header(subject_name_, event.subject);
  add_string_header(time_name_, event.time);

  // Reserve first so that the views taken below stay valid while appending.
  std::size_t names_size = 0;
  for (const Extension& extension : event.extensions) {
    names_size += options_.header_prefix.size() + extension.name.size();
  }
  extension_names_.clear();
  extension_names_.reserve(names_size);
  for (const Extension& extension : event.extensions) {
    const std::size_t offset = extension_names_.size();
    extension_names_ += options_.header_prefix;
    extension_names_ += extension.name;
    amqp_table_entry_t entry{};
    entry.key = bytes_of(std::string_view(extension_names_).substr(offset));
    bool native = false;
    if (extension.type == Extension::Type::integer) {
      std::int64_t number = 0;
      const char* end = extension.value.data() + extension.value.size();
      const auto [ptr, error] = std::from_chars(extension.value.data(), end, number);
      if (error == std::errc() && ptr == end) {
        entry.value.kind = AMQP_FIELD_KIND_I64;
        entry.value.value.i64 = number;
        native = true;
      }
    } else if (extension.type == Extension::Type::boolean) {
      entry.value.kind = AMQP_FIELD_KIND_BOOLEAN;
      entry.value.value.boolean = extension.value == "true" ? 1 : 0;
      native = true;
    }
    if (!native) {  // strings, and numbers that do not fit a long go as their canonical string
      entry.value.kind = AMQP_FIELD_KIND_UTF8;
      entry.value.value.bytes = bytes_of(extension.value);
    }
    headers_.push_back(entry);
  }

  message_.properties._flags |= AMQP_BASIC_HEADERS_FLAG;
  message_.properties.headers.num_entries = static_cast<int>(headers_.size());
  message_.properties.headers.entries = headers_.data();
}

}  // namespace sluice::amqp
