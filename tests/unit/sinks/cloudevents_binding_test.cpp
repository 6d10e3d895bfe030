#include "sinks/kafka/cloudevents_binding.hpp"

#include "unit/sinks/sink_test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace sluice::kafka {
namespace {

std::map<std::string, std::string> headers_of(const KafkaMessage& message) {
  std::map<std::string, std::string> headers;
  for (const KafkaHeader& header : message.headers) headers.emplace(header.name, std::string(header.value));
  return headers;
}

Event full_event() {
  Event event;
  event.id = "id-1";
  event.source = "/src";
  event.specversion = "1.0";
  event.type = "com.example.t";
  event.time = "2024-01-02T03:04:05Z";
  event.subject = "subj";
  event.dataschema = "https://example.com/s";
  event.datacontenttype = "application/xml";
  event.extensions = {{"partitionkey", "pk-1", Extension::Type::string}, {"seq", "7", Extension::Type::integer}};
  event.data_kind = DataKind::binary;
  event.data = "<a/>";
  return event;
}

TEST(CloudEventsKafkaBinding, BinaryModeMapsAttributesToHeaders) {
  CloudEventsKafkaEncoder encoder(OutputFormat::binary);
  std::string payload;
  const Event event = full_event();
  const KafkaMessage& message = encoder.encode(event, payload);
  ASSERT_TRUE(message.has_value);
  EXPECT_EQ(message.value, "<a/>");
  EXPECT_EQ(message.value.data(), event.data.data());  // no copy
  const auto headers = headers_of(message);
  EXPECT_EQ(headers.at("ce_id"), "id-1");
  EXPECT_EQ(headers.at("ce_source"), "/src");
  EXPECT_EQ(headers.at("ce_specversion"), "1.0");
  EXPECT_EQ(headers.at("ce_type"), "com.example.t");
  EXPECT_EQ(headers.at("ce_time"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(headers.at("ce_subject"), "subj");
  EXPECT_EQ(headers.at("ce_dataschema"), "https://example.com/s");
  EXPECT_EQ(headers.at("ce_partitionkey"), "pk-1");
  EXPECT_EQ(headers.at("ce_seq"), "7");
  EXPECT_EQ(headers.at("content-type"), "application/xml");
  EXPECT_EQ(headers.size(), 10u);
}

TEST(CloudEventsKafkaBinding, BinaryModeWithoutDataIsATombstone) {
  CloudEventsKafkaEncoder encoder(OutputFormat::binary);
  std::string payload;
  Event event = full_event();
  event.data_kind = DataKind::none;
  event.data = {};
  event.datacontenttype = {};
  const KafkaMessage& message = encoder.encode(event, payload);
  EXPECT_FALSE(message.has_value);
  EXPECT_EQ(headers_of(message).count("content-type"), 0u);
}

TEST(CloudEventsKafkaBinding, ExtensionHeaderNamesSurviveManyExtensions) {
  CloudEventsKafkaEncoder encoder(OutputFormat::binary);
  std::string payload;
  Event event = full_event();
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) names.push_back("ext" + std::to_string(i));
  event.extensions.clear();
  for (const std::string& name : names) event.extensions.push_back({name, name, Extension::Type::string});
  const auto headers = headers_of(encoder.encode(event, payload));
  for (const std::string& name : names) EXPECT_EQ(headers.at("ce_" + name), name);
}

TEST(CloudEventsKafkaBinding, StructuredModeForwardsOrRenders) {
  CloudEventsKafkaEncoder encoder(OutputFormat::structured);
  std::string payload;
  Event event = full_event();
  event.structured_json = R"({"id":"id-1"})";
  const KafkaMessage& forwarded = encoder.encode(event, payload);
  EXPECT_EQ(forwarded.value, event.structured_json);
  EXPECT_TRUE(payload.empty());
  ASSERT_EQ(forwarded.headers.size(), 1u);
  EXPECT_STREQ(forwarded.headers[0].name, "content-type");
  EXPECT_EQ(forwarded.headers[0].value, "application/cloudevents+json; charset=UTF-8");

  event.structured_json = {};
  const KafkaMessage& rendered = encoder.encode(event, payload);
  EXPECT_EQ(rendered.value.data(), payload.data());  // the sink's own storage, not the arena
  EXPECT_NE(payload.find("\"id\":\"id-1\""), std::string::npos);
  EXPECT_NE(payload.find("\"data\":\"<a/>\""), std::string::npos);  // xml is text
}

TEST(CloudEventsKafkaBinding, KeyIsTheRoutesElseThePartitionKey) {
  SinkQueue queue("k", 1 << 20);
  testing::TestBatch batch;
  Event& with_pk = batch.add_event("a");
  with_pk.extensions.push_back({batch.own("partitionkey"), batch.own("pk"), Extension::Type::string});
  batch.add_event("b");
  batch.add_record(0, queue, "t", "route-key");
  batch.add_record(0, queue, "t");
  batch.add_record(1, queue, "t");
  const std::vector<OutRecord>& records = batch.batch().records;  // complete: no more growth
  EXPECT_EQ(kafka_key(records[0]), "route-key");
  EXPECT_EQ(kafka_key(records[1]), "pk");
  EXPECT_EQ(kafka_key(records[2]), "");
}

}  // namespace
}  // namespace sluice::kafka
