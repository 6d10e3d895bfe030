// protobuf -> JSON rendering of CloudEvents batches: exact text for each attribute type and data
// kind, and the real decoder reading the result (the point of the rendering).

#include "sources/grpc/event_json.hpp"

#include "cloudevents.pb.h"
#include "stages/decode/cloud_event_decoder.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace sluice {
namespace {

using io::cloudevents::v1::CloudEvent;
using io::cloudevents::v1::CloudEventBatch;

CloudEvent* add_event(CloudEventBatch& batch, const std::string& id = "1") {
  CloudEvent* event = batch.add_events();
  event->set_id(id);
  event->set_source("/src");
  event->set_spec_version("1.0");
  event->set_type("t");
  return event;
}

CloudEvent::CloudEventAttributeValue& attribute(CloudEvent& event, const std::string& name) {
  return (*event.mutable_attributes())[name];
}

std::string render(const CloudEventBatch& batch) {
  PaddedBuffer out;
  const auto error = render_batch_json(batch, batch.ByteSizeLong(), out);
  if (error) return "error " + std::to_string(error->index) + ": " + error->reason;
  return std::string(out.view());
}

// The rendered batch as the pipeline's decoder sees it.
struct Decoded {
  std::unique_ptr<IngressBatch> batch;
  std::optional<BatchOutcome> rejection;
};

Decoded decode(const CloudEventBatch& proto) {
  PaddedBuffer body;
  const auto error = render_batch_json(proto, proto.ByteSizeLong(), body);
  EXPECT_FALSE(error) << error->reason;
  Decoded decoded;
  decoded.batch = std::make_unique<IngressBatch>("grpc", ContentMode::batch, std::move(body), nullptr, AdmissionLease{});
  CloudEventDecoder decoder;
  decoded.rejection = decoder.decode(*decoded.batch);
  return decoded;
}

TEST(EventJson, RequiredAttributes) {
  CloudEventBatch batch;
  add_event(batch);
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t"}])");
}

TEST(EventJson, EmptyRequiredAttributesAreLeftForTheDecoderToName) {
  CloudEventBatch batch;
  add_event(batch);
  add_event(batch, "2")->clear_source();
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t"},)"
                           R"({"specversion":"1.0","id":"2","type":"t"}])");
  const Decoded decoded = decode(batch);
  ASSERT_TRUE(decoded.rejection);
  EXPECT_EQ(decoded.rejection->error_index, 1);
  EXPECT_NE(decoded.rejection->reason.find("missing required attribute 'source'"), std::string::npos)
      << decoded.rejection->reason;
}

TEST(EventJson, EveryAttributeType) {
  CloudEventBatch batch;
  CloudEvent* event = add_event(batch);
  // One attribute per event keeps the expected text independent of the map's iteration order.
  attribute(*event, "flag").set_ce_boolean(true);
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","flag":true}])");
  event->mutable_attributes()->clear();
  attribute(*event, "count").set_ce_integer(-2147483647 - 1);
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","count":-2147483648}])");
  event->mutable_attributes()->clear();
  attribute(*event, "subject").set_ce_string("vm \"42\"\n");
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","subject":"vm \"42\"\n"}])");
  event->mutable_attributes()->clear();
  attribute(*event, "blob").set_ce_bytes(std::string("\x00\x01\x02", 3));
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","blob":"AAEC"}])");
  event->mutable_attributes()->clear();
  attribute(*event, "dataschema").set_ce_uri("https://example.com/s.json");
  EXPECT_EQ(render(batch),
            R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","dataschema":"https://example.com/s.json"}])");
  event->mutable_attributes()->clear();
  attribute(*event, "origin").set_ce_uri_ref("/a/b?c=d");
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","origin":"/a/b?c=d"}])");
  event->mutable_attributes()->clear();
  auto* time = attribute(*event, "time").mutable_ce_timestamp();
  time->set_seconds(1'700'000'000);
  time->set_nanos(5'000'000);
  EXPECT_EQ(render(batch),
            R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","time":"2023-11-14T22:13:20.005Z"}])");
  event->mutable_attributes()->clear();
  attribute(*event, "unset");  // no type chosen: absent
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t"}])");
}

TEST(EventJson, EveryAttributeTypeDecodes) {
  CloudEventBatch batch;
  CloudEvent* event = add_event(batch);
  attribute(*event, "flag").set_ce_boolean(false);
  attribute(*event, "count").set_ce_integer(7);
  attribute(*event, "subject").set_ce_string("s\\ub\u00e9");
  attribute(*event, "blob").set_ce_bytes("hi");
  attribute(*event, "dataschema").set_ce_uri("https://example.com/s");
  attribute(*event, "origin").set_ce_uri_ref("/a");
  attribute(*event, "time").mutable_ce_timestamp()->set_seconds(0);
  const Decoded decoded = decode(batch);
  ASSERT_FALSE(decoded.rejection) << decoded.rejection->reason;
  ASSERT_EQ(decoded.batch->events.size(), 1u);
  const Event& out = decoded.batch->events[0];
  EXPECT_EQ(out.id, "1");
  EXPECT_EQ(out.source, "/src");
  EXPECT_EQ(out.specversion, "1.0");
  EXPECT_EQ(out.type, "t");
  EXPECT_EQ(out.subject, "s\\ub\u00e9");
  EXPECT_EQ(out.dataschema, "https://example.com/s");
  EXPECT_EQ(out.time, "1970-01-01T00:00:00Z");
  ASSERT_NE(out.extension("flag"), nullptr);
  EXPECT_EQ(out.extension("flag")->type, Extension::Type::boolean);
  EXPECT_EQ(out.extension("flag")->value, "false");
  ASSERT_NE(out.extension("count"), nullptr);
  EXPECT_EQ(out.extension("count")->type, Extension::Type::integer);
  EXPECT_EQ(out.extension("count")->value, "7");
  ASSERT_NE(out.extension("blob"), nullptr);
  EXPECT_EQ(out.extension("blob")->value, "aGk=");  // CloudEvents Binary in JSON: base64 text
  ASSERT_NE(out.extension("origin"), nullptr);
  EXPECT_EQ(out.extension("origin")->value, "/a");
  EXPECT_EQ(out.data_kind, DataKind::none);
}

TEST(EventJson, BinaryData) {
  CloudEventBatch batch;
  add_event(batch)->set_binary_data(std::string("\x00\xff", 2));
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","data_base64":"AP8="}])");
  const Decoded decoded = decode(batch);
  ASSERT_FALSE(decoded.rejection);
  EXPECT_EQ(decoded.batch->events[0].data_kind, DataKind::binary);
  EXPECT_EQ(decoded.batch->events[0].data, std::string_view("\x00\xff", 2));
}

TEST(EventJson, EmptyBinaryDataIsPresentButEmpty) {
  CloudEventBatch batch;
  add_event(batch)->set_binary_data("");
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t","data_base64":""}])");
}

TEST(EventJson, TextDataUnderJsonContentTypeIsTheJsonValue) {
  CloudEventBatch batch;
  CloudEvent* event = add_event(batch);
  attribute(*event, "datacontenttype").set_ce_string("application/cloudevents+json; charset=utf-8");
  event->set_text_data(R"( {"vm": {"name": "web-1"}, "n": [1, 2.5]} )");
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t",)"
                           R"("datacontenttype":"application/cloudevents+json; charset=utf-8",)"
                           R"("data": {"vm": {"name": "web-1"}, "n": [1, 2.5]} }])");
  const Decoded decoded = decode(batch);
  ASSERT_FALSE(decoded.rejection) << decoded.rejection->reason;
  EXPECT_EQ(decoded.batch->events[0].data_kind, DataKind::json);
  EXPECT_EQ(decoded.batch->events[0].data, R"({"vm": {"name": "web-1"}, "n": [1, 2.5]})");
}

TEST(EventJson, TextDataThatIsNotJsonStaysAString) {
  CloudEventBatch batch;
  CloudEvent* event = add_event(batch);
  attribute(*event, "datacontenttype").set_ce_string("application/json");
  event->set_text_data("not {json");
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t",)"
                           R"("datacontenttype":"application/json","data":"not {json"}])");
  const Decoded decoded = decode(batch);
  ASSERT_FALSE(decoded.rejection) << decoded.rejection->reason;
  EXPECT_EQ(decoded.batch->events[0].data, R"("not {json")");
}

TEST(EventJson, TextDataUnderOtherContentTypesIsCarriedAsText) {
  CloudEventBatch batch;
  CloudEvent* event = add_event(batch);
  attribute(*event, "datacontenttype").set_ce_string("text/xml");
  event->set_text_data("<a b=\"c\">\\\t</a>");
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t",)"
                           R"("datacontenttype":"text/xml","data":"<a b=\"c\">\\\t</a>"}])");
  const Decoded decoded = decode(batch);
  ASSERT_FALSE(decoded.rejection) << decoded.rejection->reason;
  EXPECT_EQ(decoded.batch->events[0].data_kind, DataKind::binary);  // the decoder hands sinks the bytes
  EXPECT_EQ(decoded.batch->events[0].data, "<a b=\"c\">\\\t</a>");
}

TEST(EventJson, TextDataWithoutContentTypeIsAJsonString) {
  CloudEventBatch batch;
  add_event(batch)->set_text_data("{\"looks\": \"like json\"}");
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t",)"
                           R"("data":"{\"looks\": \"like json\"}"}])");
}

TEST(EventJson, ProtoDataIsBase64WithTypeAndSchema) {
  CloudEventBatch batch;
  auto* any = add_event(batch)->mutable_proto_data();
  any->set_type_url("type.googleapis.com/example.Thing");
  any->set_value(std::string("\x08\x01", 2));
  EXPECT_EQ(render(batch), R"([{"specversion":"1.0","id":"1","source":"/src","type":"t",)"
                           R"("datacontenttype":"application/protobuf",)"
                           R"("dataschema":"type.googleapis.com/example.Thing","data_base64":"CAE="}])");
  const Decoded decoded = decode(batch);
  ASSERT_FALSE(decoded.rejection) << decoded.rejection->reason;
  EXPECT_EQ(decoded.batch->events[0].datacontenttype, "application/protobuf");
  EXPECT_EQ(decoded.batch->events[0].data, std::string_view("\x08\x01", 2));
}

TEST(EventJson, ProtoDataKeepsTheProducersOwnAttributes) {
  CloudEventBatch batch;
  CloudEvent* event = add_event(batch);
  attribute(*event, "datacontenttype").set_ce_string("application/x-protobuf");
  event->mutable_proto_data()->set_type_url("type.googleapis.com/x.Y");
  const std::string json = render(batch);
  EXPECT_NE(json.find(R"("datacontenttype":"application/x-protobuf")"), std::string::npos) << json;
  EXPECT_EQ(json.find("application/protobuf"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("dataschema":"type.googleapis.com/x.Y")"), std::string::npos) << json;
}

TEST(EventJson, ReservedAttributeNamesAreRefusedWithTheIndex) {
  CloudEventBatch batch;
  add_event(batch);
  attribute(*add_event(batch, "2"), "data").set_ce_string("x");
  EXPECT_EQ(render(batch),
            "error 1: event 1: 'data' is not a valid attribute name (it is reserved for the payload)");
  batch.mutable_events(1)->mutable_attributes()->clear();
  attribute(*batch.mutable_events(1), "data_base64").set_ce_string("x");
  EXPECT_NE(render(batch).find("error 1: event 1: 'data_base64'"), std::string::npos);
}

TEST(EventJson, OutOfRangeTimestampIsRefused) {
  CloudEventBatch batch;
  attribute(*add_event(batch), "time").mutable_ce_timestamp()->set_seconds(300'000'000'000);
  EXPECT_NE(render(batch).find("error 0: event 0: attribute 'time' is a timestamp outside"), std::string::npos);
}

TEST(EventJson, InvalidAttributesAreLeftToTheDecoder) {
  CloudEventBatch batch;
  add_event(batch);
  attribute(*add_event(batch, "2"), "Bad-Name").set_ce_string("x");
  const Decoded decoded = decode(batch);
  ASSERT_TRUE(decoded.rejection);
  EXPECT_EQ(decoded.rejection->error_index, 1);
  EXPECT_NE(decoded.rejection->reason.find("invalid attribute name"), std::string::npos) << decoded.rejection->reason;

  CloudEventBatch wrong_type;
  attribute(*add_event(wrong_type), "datacontenttype").set_ce_integer(3);
  const Decoded typed = decode(wrong_type);
  ASSERT_TRUE(typed.rejection);
  EXPECT_NE(typed.rejection->reason.find("'datacontenttype' must be a string"), std::string::npos)
      << typed.rejection->reason;

  CloudEventBatch control;
  attribute(*add_event(control), "subject").set_ce_string("a\x01z");
  const Decoded controlled = decode(control);
  ASSERT_TRUE(controlled.rejection);
  EXPECT_NE(controlled.rejection->reason.find("control character"), std::string::npos) << controlled.rejection->reason;
}

TEST(EventJson, ManyEventsDecodeInOrder) {
  CloudEventBatch batch;
  for (int i = 0; i < 500; ++i) add_event(batch, std::to_string(i))->set_binary_data(std::string(100, 'x'));
  const Decoded decoded = decode(batch);
  ASSERT_FALSE(decoded.rejection);
  ASSERT_EQ(decoded.batch->events.size(), 500u);
  EXPECT_EQ(decoded.batch->events[499].id, "499");
}

TEST(EventJson, EmptyBatchIsAnEmptyArray) { EXPECT_EQ(render(CloudEventBatch{}), "[]"); }

TEST(EventJson, JsonMediaTypes) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("text/json"));
  EXPECT_TRUE(is_json_media_type("application/vnd.foo+json"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type("application/+json"));
  EXPECT_FALSE(is_json_media_type("json"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
}

}  // namespace
}  // namespace sluice
