#pragma once
// CloudEvents AMQP protocol binding (bindings/amqp-protocol-binding.md) on AMQP 0-9-1.
//
// The binding is written for AMQP 1.0; on 0-9-1 (RabbitMQ) its "application-properties" section
// is the basic.properties `headers` table, which RabbitMQ also uses for the application-properties
// of AMQP 1.0 messages, so consumers of either protocol see the same names.
//
//   binary      body = the event data as-is (encoding::binary_data); content-type property =
//               datacontenttype; every other attribute is a header named prefix + attribute
//               ("cloudEvents_id", "cloudEvents_source", ..., extensions too). The binding allows
//               "cloudEvents_" and "cloudEvents:" and prefers '_' (JMS selectors cannot use ':'),
//               so '_' is the default (sinks.<name>.header_prefix). Value types per §3.1.3.2:
//               Integer -> long ('l'), Boolean -> boolean ('t'), everything else a long string
//               ('S'). Timestamps go as their canonical string: the 0-9-1 timestamp type holds
//               whole seconds only, and the binding allows the string form.
//   structured  body = the event in the JSON event format; content-type
//               "application/cloudevents+json; charset=UTF-8"; no attribute headers (§3.2.3 makes
//               them optional).
// Both modes set delivery_mode 2 (persistent) unless configured otherwise.

#include <sluice/api/sink.hpp>
#include <sluice/core/batch.hpp>
#include <sluice/core/event.hpp>

#include <amqp.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::amqp {

struct EncoderOptions {
  OutputFormat format = OutputFormat::structured;
  std::string header_prefix = "cloudEvents_";
  bool persistent = true;
};

struct EncodedMessage {
  amqp_basic_properties_t properties{};
  amqp_bytes_t body{};
};

// Thread-safety: none; one encoder per publisher thread. The result of encode() points into the
// event (its batch) and into the encoder, and is valid until the next encode() call.
class MessageEncoder {
 public:
  explicit MessageEncoder(EncoderOptions options);
  MessageEncoder(const MessageEncoder&) = delete;
  MessageEncoder& operator=(const MessageEncoder&) = delete;

  const EncodedMessage& encode(const Event& event);
  // The record's event as above; a dead letter (record.dead_letter) also gets the sluice_dlq_*
  // headers (DESIGN §5), and one that never decoded (a raw note) is its original bytes as the body.
  const EncodedMessage& encode(const OutRecord& record);

  const EncoderOptions& options() const noexcept { return options_; }

 private:
  void encode_binary(const Event& event);
  void encode_structured(const Event& event);
  void add_string_header(const std::string& name, std::string_view value);

  EncoderOptions options_;
  EncodedMessage message_;
  // Prefixed names of the context attributes that become headers, built once.
  std::string id_name_, source_name_, specversion_name_, type_name_, dataschema_name_, subject_name_,
      time_name_;
  std::vector<amqp_table_entry_t> headers_;
  std::string extension_names_;  // prefixed extension names of the current event
  std::string data_scratch_;     // decoded data or rendered JSON of the current event
};

}  // namespace sluice::amqp
