#include "sinks/amqp/cloudevents_amqp.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace sluice::amqp {
namespace {

std::string text(amqp_bytes_t bytes) { return {static_cast<const char*>(bytes.bytes), bytes.len}; }

struct Header {
  char kind;
  std::string text;
  std::int64_t number = 0;
  bool flag = false;
};

std::map<std::string, Header> headers_of(const amqp_basic_properties_t& properties) {
  std::map<std::string, Header> out;
  if ((properties._flags & AMQP_BASIC_HEADERS_FLAG) == 0) return out;
  for (int i = 0; i < properties.headers.num_entries; ++i) {
    const amqp_table_entry_t& entry = properties.headers.entries[i];
    Header header{static_cast<char>(entry.value.kind), {}};
    if (entry.value.kind == AMQP_FIELD_KIND_UTF8) header.text = text(entry.value.value.bytes);
    if (entry.value.kind == AMQP_FIELD_KIND_I64) header.number = entry.value.value.i64;
    if (entry.value.kind == AMQP_FIELD_KIND_BOOLEAN) header.flag = entry.value.value.boolean != 0;
    out.emplace(text(entry.key), header);
  }
  return out;
}

Event sample_event() {
  Event event;
  event.id = "vm-42";
  event.source = "/cloudstack/mgmt";
  event.specversion = "1.0";
  event.type = "org.apache.cloudstack.VM.CREATE";
  event.subject = "VM.CREATE";
  event.time = "2024-05-01T10:00:00.123Z";
  event.datacontenttype = "application/json";
  event.data_kind = DataKind::json;
  event.data = R"({"status":"Completed"})";
  event.extensions = {{"sequence", "17", Extension::Type::integer},
                      {"replay", "true", Extension::Type::boolean},
                      {"tenant", "acme", Extension::Type::string},
                      {"huge", "123456789012345678901234567890", Extension::Type::integer}};
  return event;
}

TEST(CloudEventsAmqpBinary, AttributesBecomePrefixedHeadersWithNativeTypes) {
  MessageEncoder encoder(EncoderOptions{OutputFormat::binary, "cloudEvents_", true});
  const Event event = sample_event();
  const EncodedMessage& message = encoder.encode(event);

  EXPECT_EQ(text(message.body), R"({"status":"Completed"})");
  ASSERT_TRUE(message.properties._flags & AMQP_BASIC_CONTENT_TYPE_FLAG);
  EXPECT_EQ(text(message.properties.content_type), "application/json");
  ASSERT_TRUE(message.properties._flags & AMQP_BASIC_DELIVERY_MODE_FLAG);
  EXPECT_EQ(message.properties.delivery_mode, AMQP_DELIVERY_PERSISTENT);

  auto headers = headers_of(message.properties);
  EXPECT_EQ(headers.at("cloudEvents_id").text, "vm-42");
  EXPECT_EQ(headers.at("cloudEvents_id").kind, 'S');
  EXPECT_EQ(headers.at("cloudEvents_source").text, "/cloudstack/mgmt");
  EXPECT_EQ(headers.at("cloudEvents_specversion").text, "1.0");
  EXPECT_EQ(headers.at("cloudEvents_type").text, "org.apache.cloudstack.VM.CREATE");
  EXPECT_EQ(headers.at("cloudEvents_subject").text, "VM.CREATE");
  EXPECT_EQ(headers.at("cloudEvents_time").text, "2024-05-01T10:00:00.123Z");  // canonical string
  EXPECT_EQ(headers.at("cloudEvents_sequence").kind, 'l');
  EXPECT_EQ(headers.at("cloudEvents_sequence").number, 17);
  EXPECT_EQ(headers.at("cloudEvents_replay").kind, 't');
  EXPECT_TRUE(headers.at("cloudEvents_replay").flag);
  EXPECT_EQ(headers.at("cloudEvents_tenant").text, "acme");
  // Too large for a long: forwarded as its canonical string (binding §3.1.3.2 allows it).
  EXPECT_EQ(headers.at("cloudEvents_huge").kind, 'S');
  EXPECT_EQ(headers.at("cloudEvents_huge").text, "123456789012345678901234567890");
  // datacontenttype is the content-type property, never a header; absent optionals are omitted.
  EXPECT_EQ(headers.count("cloudEvents_datacontenttype"), 0u);
  EXPECT_EQ(headers.count("cloudEvents_dataschema"), 0u);
  EXPECT_EQ(headers.size(), 10u);
}

TEST(CloudEventsAmqpBinary, ColonSeparatorIsUsedForEveryAttribute) {
  MessageEncoder encoder(EncoderOptions{OutputFormat::binary, "cloudEvents:", true});
  const Event event = sample_event();
  auto headers = headers_of(encoder.encode(event).properties);
  for (const auto& [name, value] : headers) EXPECT_EQ(name.rfind("cloudEvents:", 0), 0u) << name;
  EXPECT_EQ(headers.at("cloudEvents:id").text, "vm-42");
}

TEST(CloudEventsAmqpBinary, TextDataIsTheStringItselfAndNoDataIsAnEmptyBody) {
  MessageEncoder encoder(EncoderOptions{OutputFormat::binary, "cloudEvents_", false});
  Event event = sample_event();
  event.datacontenttype = "text/plain";
  event.data = R"("hello \"world\"")";
  const EncodedMessage& message = encoder.encode(event);
  EXPECT_EQ(text(message.body), R"(hello "world")");
  EXPECT_EQ(text(message.properties.content_type), "text/plain");
  EXPECT_FALSE(message.properties._flags & AMQP_BASIC_DELIVERY_MODE_FLAG);

  Event empty = sample_event();
  empty.datacontenttype = {};
  empty.data_kind = DataKind::none;
  empty.data = {};
  const EncodedMessage& bare = encoder.encode(empty);
  EXPECT_EQ(bare.body.len, 0u);
  EXPECT_FALSE(bare.properties._flags & AMQP_BASIC_CONTENT_TYPE_FLAG);
}

TEST(CloudEventsAmqpBinary, RawBytesGoAsTheyAre) {
  MessageEncoder encoder(EncoderOptions{OutputFormat::binary, "cloudEvents_", true});
  Event event = sample_event();
  event.datacontenttype = "application/octet-stream";
  event.data_kind = DataKind::binary;
  const std::string bytes("\x00\x01\xff", 3);
  event.data = bytes;
  const EncodedMessage& message = encoder.encode(event);
  EXPECT_EQ(text(message.body), bytes);
}

TEST(CloudEventsAmqpBinary, HeadersOfTheNextEventReplaceThePrevious) {
  MessageEncoder encoder(EncoderOptions{OutputFormat::binary, "cloudEvents_", true});
  Event first = sample_event();
  encoder.encode(first);
  Event second = sample_event();
  second.id = "other";
  second.extensions.clear();
  auto headers = headers_of(encoder.encode(second).properties);
  EXPECT_EQ(headers.at("cloudEvents_id").text, "other");
  EXPECT_EQ(headers.count("cloudEvents_tenant"), 0u);
}

TEST(CloudEventsAmqpStructured, ForwardsTheOriginalJsonWithTheCloudEventsContentType) {
  MessageEncoder encoder(EncoderOptions{OutputFormat::structured, "cloudEvents_", true});
  Event event = sample_event();
  event.structured_json = R"({"specversion":"1.0","id":"vm-42"})";
  const EncodedMessage& message = encoder.encode(event);
  EXPECT_EQ(text(message.body), event.structured_json);
  EXPECT_EQ(text(message.properties.content_type), "application/cloudevents+json; charset=UTF-8");
  EXPECT_FALSE(message.properties._flags & AMQP_BASIC_HEADERS_FLAG);
}

TEST(CloudEventsAmqpStructured, RendersEventsThatArrivedInBinaryMode) {
  MessageEncoder encoder(EncoderOptions{OutputFormat::structured, "cloudEvents_", true});
  const Event event = sample_event();  // no structured_json
  const std::string body = text(encoder.encode(event).body);
  EXPECT_NE(body.find(R"("id":"vm-42")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("data":{"status":"Completed"})"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("sequence":17)"), std::string::npos) << body;
}

}  // namespace
}  // namespace sluice::amqp
