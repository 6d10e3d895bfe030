// ContentMode::cloudevents_protobuf: CloudEventBatch wire bytes decoded straight into Events. Inputs
// are written with the generated protobuf classes, so the bytes are what real producers send.
#include "test_batch.hpp"

#include "cloudevents.pb.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace sluice {
namespace {

using test::TestBatch;
namespace pb = io::cloudevents::v1;

pb::CloudEvent valid_event(const std::string& id = "e-1") {
  pb::CloudEvent event;
  event.set_id(id);
  event.set_source("/vcenter/01");
  event.set_spec_version("1.0");
  event.set_type("com.vmware.vm.powered-on");
  return event;
}

std::string serialized(const pb::CloudEventBatch& batch) { return batch.SerializeAsString(); }

std::string batch_of(std::initializer_list<pb::CloudEvent> events) {
  pb::CloudEventBatch batch;
  for (const pb::CloudEvent& event : events) *batch.add_events() = event;
  return serialized(batch);
}

pb::CloudEvent::CloudEventAttributeValue& attribute(pb::CloudEvent& event, const std::string& name) {
  return (*event.mutable_attributes())[name];
}

std::string extension(const Event& event, std::string_view name) {
  const Extension* found = event.extension(name);
  return found != nullptr ? std::string(found->value) : std::string("<absent>");
}

// --- Attributes -------------------------------------------------------------------------------

TEST(ProtobufEventReader, RequiredAndOptionalAttributesAreViewsIntoTheBody) {
  pb::CloudEvent event = valid_event();
  attribute(event, "datacontenttype").set_ce_string("application/json");
  attribute(event, "dataschema").set_ce_uri("https://example.com/schema");
  attribute(event, "subject").set_ce_string("VmPoweredOnEvent");
  attribute(event, "time").set_ce_string("2024-05-01T10:00:00Z");
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event, valid_event("e-2")}));
  ASSERT_FALSE(batch.decode());
  ASSERT_EQ(batch->events.size(), 2u);
  const Event& first = batch->events[0];
  EXPECT_EQ(first.id, "e-1");
  EXPECT_EQ(first.source, "/vcenter/01");
  EXPECT_EQ(first.specversion, "1.0");
  EXPECT_EQ(first.type, "com.vmware.vm.powered-on");
  EXPECT_EQ(first.datacontenttype, "application/json");
  EXPECT_EQ(first.dataschema, "https://example.com/schema");
  EXPECT_EQ(first.subject, "VmPoweredOnEvent");
  EXPECT_EQ(first.time, "2024-05-01T10:00:00Z");
  for (std::string_view view : {first.id, first.source, first.type, first.datacontenttype, first.subject}) {
    EXPECT_TRUE(batch.in_body(view)) << view;
  }
  EXPECT_TRUE(first.extensions.empty());
  EXPECT_EQ(first.data_kind, DataKind::none);
  EXPECT_TRUE(first.structured_json.empty());  // sinks render structured JSON themselves
  EXPECT_EQ(batch->events[1].id, "e-2");
}

TEST(ProtobufEventReader, EveryAttributeValueTypeBecomesItsCloudEventsType) {
  pb::CloudEvent event = valid_event();
  attribute(event, "yes").set_ce_boolean(true);
  attribute(event, "no").set_ce_boolean(false);
  attribute(event, "count").set_ce_integer(-42);
  attribute(event, "lowest").set_ce_integer(std::numeric_limits<std::int32_t>::min());
  attribute(event, "zero").set_ce_integer(0);
  attribute(event, "name").set_ce_string("vm-17");
  attribute(event, "raw").set_ce_bytes(std::string("\x00\xff\x10\x01", 4));
  attribute(event, "link").set_ce_uri("https://example.com/a");
  attribute(event, "ref").set_ce_uri_ref("/a/b");
  attribute(event, "at").mutable_ce_timestamp()->set_seconds(1'700'000'000);
  attribute(event, "atms").mutable_ce_timestamp()->set_seconds(0);
  attribute(event, "atms").mutable_ce_timestamp()->set_nanos(5'000'000);
  attribute(event, "atus").mutable_ce_timestamp()->set_seconds(-1);
  attribute(event, "atus").mutable_ce_timestamp()->set_nanos(123'456'000);
  attribute(event, "atns").mutable_ce_timestamp()->set_seconds(253'402'300'799);
  attribute(event, "atns").mutable_ce_timestamp()->set_nanos(1);
  attribute(event, "unset");  // no value set: absent, like a JSON null
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  ASSERT_EQ(batch->events.size(), 1u);
  const Event& decoded = batch->events[0];
  EXPECT_EQ(extension(decoded, "yes"), "true");
  EXPECT_EQ(extension(decoded, "no"), "false");
  EXPECT_EQ(extension(decoded, "count"), "-42");
  EXPECT_EQ(extension(decoded, "lowest"), "-2147483648");
  EXPECT_EQ(extension(decoded, "zero"), "0");
  EXPECT_EQ(extension(decoded, "name"), "vm-17");
  EXPECT_EQ(extension(decoded, "raw"), "AP8QAQ==");
  EXPECT_EQ(extension(decoded, "link"), "https://example.com/a");
  EXPECT_EQ(extension(decoded, "ref"), "/a/b");
  EXPECT_EQ(extension(decoded, "at"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(extension(decoded, "atms"), "1970-01-01T00:00:00.005Z");
  EXPECT_EQ(extension(decoded, "atus"), "1969-12-31T23:59:59.123456Z");
  EXPECT_EQ(extension(decoded, "atns"), "9999-12-31T23:59:59.000000001Z");
  EXPECT_EQ(extension(decoded, "unset"), "<absent>");
  EXPECT_EQ(decoded.extension("yes")->type, Extension::Type::boolean);
  EXPECT_EQ(decoded.extension("count")->type, Extension::Type::integer);
  EXPECT_EQ(decoded.extension("raw")->type, Extension::Type::string);
  EXPECT_EQ(decoded.extension("at")->type, Extension::Type::string);
  EXPECT_TRUE(batch.in_body(decoded.extension("name")->value));
  EXPECT_TRUE(batch.in_body(decoded.extension("link")->value));
}

TEST(ProtobufEventReader, TimeMayArriveAsATimestamp) {
  pb::CloudEvent event = valid_event();
  attribute(event, "time").mutable_ce_timestamp()->set_seconds(86'400);
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].time, "1970-01-02T00:00:00Z");
}

TEST(ProtobufEventReader, RequiredAttributesMayComeFromTheMap) {
  pb::CloudEvent event = valid_event();
  event.clear_id();
  attribute(event, "id").set_ce_string("from-map");
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].id, "from-map");
}

// --- Data -------------------------------------------------------------------------------------

TEST(ProtobufEventReader, BinaryDataIsAViewOfTheBytes) {
  pb::CloudEvent event = valid_event();
  event.set_binary_data(std::string("\x00\x01\xfe\xff", 4));
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  const Event& decoded = batch->events[0];
  EXPECT_EQ(decoded.data_kind, DataKind::binary);
  EXPECT_EQ(decoded.data, std::string_view("\x00\x01\xfe\xff", 4));
  EXPECT_TRUE(batch.in_body(decoded.data));
}

TEST(ProtobufEventReader, JsonTextDataUnderAJsonTypeIsJson) {
  pb::CloudEvent event = valid_event();
  attribute(event, "datacontenttype").set_ce_string("application/vnd.vmware+json; charset=utf-8");
  event.set_text_data(" {\"Vm\":{\"Name\":\"web-1\"},\"n\":[1,2]}\n");
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  const Event& decoded = batch->events[0];
  EXPECT_EQ(decoded.data_kind, DataKind::json);
  EXPECT_EQ(decoded.data, R"({"Vm":{"Name":"web-1"},"n":[1,2]})");
  EXPECT_TRUE(batch.in_body(decoded.data));  // filters parse it in place
}

TEST(ProtobufEventReader, InvalidJsonUnderAJsonTypeIsCarriedAsAString) {
  pb::CloudEvent event = valid_event();
  attribute(event, "datacontenttype").set_ce_string("application/json");
  event.set_text_data("{\"a\":");
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].data_kind, DataKind::json);
  EXPECT_EQ(batch->events[0].data, R"("{\"a\":")");
}

TEST(ProtobufEventReader, TextDataWithoutATypeIsAJsonString) {
  pb::CloudEvent event = valid_event();
  event.set_text_data("line 1\n\"quoted\"\t\\");
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].data_kind, DataKind::json);
  EXPECT_EQ(batch->events[0].data, R"("line 1\n\"quoted\"\t\\")");
}

TEST(ProtobufEventReader, TextDataUnderAnotherTypeIsTheTextItself) {
  pb::CloudEvent event = valid_event();
  attribute(event, "datacontenttype").set_ce_string("application/xml");
  event.set_text_data("<a href=\"x\">1</a>");
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event}));
  ASSERT_FALSE(batch.decode());
  const Event& decoded = batch->events[0];
  EXPECT_EQ(decoded.data_kind, DataKind::binary);
  EXPECT_EQ(decoded.data, "<a href=\"x\">1</a>");
  EXPECT_TRUE(batch.in_body(decoded.data));
}

TEST(ProtobufEventReader, ProtoDataIsBinaryWithTheFormatsContentTypeAndSchema) {
  pb::CloudEvent event = valid_event();
  event.mutable_proto_data()->set_type_url("type.googleapis.com/acme.Alert");
  event.mutable_proto_data()->set_value(std::string("\x08\x96\x01", 3));
  pb::CloudEvent typed = valid_event("e-2");
  attribute(typed, "datacontenttype").set_ce_string("application/x-protobuf");
  attribute(typed, "dataschema").set_ce_uri("https://example.com/alert.proto");
  typed.mutable_proto_data()->set_type_url("type.googleapis.com/acme.Alert");
  typed.mutable_proto_data()->set_value("v");
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({event, typed}));
  ASSERT_FALSE(batch.decode());
  const Event& defaulted = batch->events[0];
  EXPECT_EQ(defaulted.data_kind, DataKind::binary);
  EXPECT_EQ(defaulted.data, std::string_view("\x08\x96\x01", 3));
  EXPECT_EQ(defaulted.datacontenttype, "application/protobuf");
  EXPECT_EQ(defaulted.dataschema, "type.googleapis.com/acme.Alert");
  const Event& kept = batch->events[1];
  EXPECT_EQ(kept.datacontenttype, "application/x-protobuf");
  EXPECT_EQ(kept.dataschema, "https://example.com/alert.proto");
  EXPECT_EQ(kept.data, "v");
}

TEST(ProtobufEventReader, EmptyBatchHasNoEvents) {
  TestBatch batch(ContentMode::cloudevents_protobuf, "");
  EXPECT_FALSE(batch.decode());
  EXPECT_TRUE(batch->events.empty());
}

TEST(ProtobufEventReader, UnknownFieldsAreSkipped) {
  // A newer schema's fields: event field 20 (varint), 21 (fixed64), 22 (bytes), 23 (fixed32).
  std::string extra = std::string("\xa0\x01\x07", 3) + std::string("\xa9\x01", 2) + std::string(8, '\x01') +
                      std::string("\xb2\x01\x02hi", 5) + std::string("\xbd\x01", 2) + std::string(4, '\x02');
  const std::string event = valid_event().SerializeAsString() + extra;
  std::string body = "\x0a";
  body += static_cast<char>(event.size());
  body += event;
  body += std::string("\x12\x03xyz", 5);  // batch field 2
  TestBatch batch(ContentMode::cloudevents_protobuf, body);
  ASSERT_FALSE(batch.decode()) << batch.decode()->reason;
  ASSERT_EQ(batch->events.size(), 1u);
  EXPECT_EQ(batch->events[0].id, "e-1");
}

// --- Validation: the JSON path's rules and texts ----------------------------------------------

struct Rejection {
  const char* name;
  void (*spoil)(pb::CloudEvent&);
  const char* reason;  // after "event 1: "
};

class Validation : public ::testing::TestWithParam<Rejection> {};

TEST_P(Validation, RejectsTheSecondEventWithItsIndex) {
  const Rejection& c = GetParam();
  pb::CloudEvent bad = valid_event("e-2");
  c.spoil(bad);
  TestBatch batch(ContentMode::cloudevents_protobuf, batch_of({valid_event(), bad, valid_event("e-3")}));
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
  EXPECT_EQ(outcome->error_index, 1);
  EXPECT_EQ(outcome->reason, std::string("event 1: ") + c.reason);
  EXPECT_TRUE(batch->events.empty());
}

INSTANTIATE_TEST_SUITE_P(
    ProtobufEventReader, Validation,
    ::testing::Values(
        Rejection{"MissingSource", [](pb::CloudEvent& e) { e.clear_source(); }, "missing required attribute 'source'"},
        Rejection{"MissingId", [](pb::CloudEvent& e) { e.clear_id(); }, "missing required attribute 'id'"},
        Rejection{"MissingType", [](pb::CloudEvent& e) { e.clear_type(); }, "missing required attribute 'type'"},
        Rejection{"MissingSpecversion", [](pb::CloudEvent& e) { e.clear_spec_version(); },
                  "missing required attribute 'specversion'"},
        Rejection{"OldSpecversion", [](pb::CloudEvent& e) { e.set_spec_version("0.3"); },
                  "unsupported specversion '0.3' (sluice accepts CloudEvents 1.0)"},
        Rejection{"BadTime", [](pb::CloudEvent& e) { attribute(e, "time").set_ce_string("yesterday"); },
                  "attribute 'time' is not an RFC 3339 timestamp: 'yesterday'"},
        Rejection{"EmptySubject", [](pb::CloudEvent& e) { attribute(e, "subject").set_ce_string(""); },
                  "attribute 'subject' must be a non-empty string"},
        Rejection{"SubjectNotAString", [](pb::CloudEvent& e) { attribute(e, "subject").set_ce_integer(3); },
                  "attribute 'subject' must be a string"},
        Rejection{"BadExtensionName", [](pb::CloudEvent& e) { attribute(e, "Bad-Name").set_ce_string("x"); },
                  "invalid attribute name 'Bad-Name' (CloudEvents attribute names are lower-case letters a-z and "
                  "digits 0-9)"},
        Rejection{"ReservedData", [](pb::CloudEvent& e) { attribute(e, "data").set_ce_string("x"); },
                  "'data' is not a valid attribute name (it is reserved for the payload)"},
        Rejection{"ReservedDataBase64", [](pb::CloudEvent& e) { attribute(e, "data_base64").set_ce_string("x"); },
                  "'data_base64' is not a valid attribute name (it is reserved for the payload)"},
        Rejection{"IdTwice", [](pb::CloudEvent& e) { attribute(e, "id").set_ce_string("other"); },
                  "duplicate attribute 'id'"},
        Rejection{"ControlCharacter", [](pb::CloudEvent& e) { attribute(e, "note").set_ce_string("a\x01z"); },
                  "attribute 'note' contains invalid UTF-8, a control character or a Unicode noncharacter"},
        Rejection{"TimestampOutOfRange",
                  [](pb::CloudEvent& e) { attribute(e, "at").mutable_ce_timestamp()->set_seconds(253'402'300'800); },
                  "attribute 'at' is a timestamp outside 0001-01-01..9999-12-31 (seconds 253402300800, nanos 0)"},
        Rejection{"NegativeNanos", [](pb::CloudEvent& e) { attribute(e, "at").mutable_ce_timestamp()->set_nanos(-1); },
                  "attribute 'at' is a timestamp outside 0001-01-01..9999-12-31 (seconds 0, nanos -1)"}),
    [](const auto& info) { return std::string(info.param.name); });

// The same bad event through the JSON batch path gets the same words.
TEST(ProtobufEventReader, ReasonsMatchTheJsonPath) {
  struct Pair {
    void (*spoil)(pb::CloudEvent&);
    const char* json;
  };
  const Pair pairs[] = {
      {[](pb::CloudEvent& e) { e.clear_source(); }, R"({"specversion":"1.0","id":"e-2","type":"t"})"},
      {[](pb::CloudEvent& e) { e.set_spec_version("0.3"); },
       R"({"specversion":"0.3","id":"e-2","source":"/s","type":"t"})"},
      {[](pb::CloudEvent& e) { attribute(e, "time").set_ce_string("yesterday"); },
       R"({"specversion":"1.0","id":"e-2","source":"/s","type":"t","time":"yesterday"})"},
      {[](pb::CloudEvent& e) { attribute(e, "Bad").set_ce_boolean(true); },
       R"({"specversion":"1.0","id":"e-2","source":"/s","type":"t","Bad":true})"},
  };
  for (const Pair& pair : pairs) {
    pb::CloudEvent bad = valid_event("e-2");
    pair.spoil(bad);
    TestBatch protobuf(ContentMode::cloudevents_protobuf, batch_of({valid_event(), bad}));
    TestBatch json(ContentMode::batch,
                   std::string(R"([{"specversion":"1.0","id":"e-1","source":"/s","type":"t"},)") + pair.json + "]");
    const auto from_protobuf = protobuf.decode();
    const auto from_json = json.decode();
    ASSERT_TRUE(from_protobuf);
    ASSERT_TRUE(from_json);
    EXPECT_EQ(from_protobuf->reason, from_json->reason);
    EXPECT_EQ(from_protobuf->error_index, from_json->error_index);
  }
}

TEST(ProtobufEventReader, TooManyEventsIsALimit) {
  pb::CloudEventBatch many;
  for (int i = 0; i < 5; ++i) *many.add_events() = valid_event();
  TestBatch batch(ContentMode::cloudevents_protobuf, serialized(many));
  const auto outcome = batch.decode({.max_events_per_batch = 4});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 4);
  EXPECT_EQ(outcome->reason, "more than 4 events in one batch (max_events_per_batch); send smaller batches");
}

// --- Malformed wire data ----------------------------------------------------------------------

struct Malformed {
  const char* name;
  std::string body;
  std::int64_t index;
  std::string reason;  // a part of the reason
};

std::string event_field(const std::string& event_bytes) {
  std::string out = "\x0a";
  out += static_cast<char>(event_bytes.size());  // the tests' events are under 128 bytes
  return out + event_bytes;
}

std::vector<Malformed> malformed_cases() {
  const std::string good = event_field(valid_event().SerializeAsString());
  const std::string event = valid_event("e-2").SerializeAsString();
  return {
      {"TruncatedBatch", good + good.substr(0, good.size() - 3), -1,
       "malformed protobuf at byte " + std::to_string(good.size()) +
           ": length runs past the end of the message (expected a serialized io.cloudevents.v1.CloudEventBatch)"},
      {"BatchFieldWrongType", good + std::string("\x08\x01", 2), -1,
       "field 'events' has wire type 0, not the schema's"},
      {"BatchGroup", good + std::string("\x0b\x0c", 2), -1, "groups (wire types 3 and 4) are not supported"},
      {"BatchFieldZero", std::string("\x00\x00", 2), -1, "field number 0"},
      {"BatchOverlongVarint", good + std::string(11, '\x80'), -1, "varint longer than 10 bytes"},
      {"BatchWireType7", std::string("\x0f", 1), -1, "invalid wire type"},
      {"TruncatedVarintInEvent", good + event_field(event + "\x80"), 1, "event 1: malformed protobuf at byte"},
      {"LengthPastEndInEvent", good + event_field(event + std::string("\x0a\x05" "ab", 4)), 1,
       "length runs past the end of the message"},
      {"IdAsVarint", good + event_field(event + std::string("\x08\x01", 2)), 1,
       "event 1: malformed protobuf at byte " + std::to_string(good.size() + 2 + event.size()) +
           ": field 'id' has wire type 0, not the schema's"},
      {"GroupInEvent", good + event_field(event + std::string("\x5b\x5c", 2)), 1,
       "groups (wire types 3 and 4) are not supported"},
      {"TruncatedFixed64InEvent", good + event_field(event + std::string("\x49\x01\x02", 3)), 1,
       "truncated fixed-size value"},
      {"IntegerAsBytes", good + event_field(event + std::string("\x2a\x08\x0a\x01x\x12\x03\x12\x01\x01", 10)), 1,
       "field 'ce_integer' has wire type 2"},
      {"TimestampSecondsAsBytes",
       good + event_field(event + std::string("\x2a\x09\x0a\x01x\x12\x04\x3a\x02\x0a\x00", 11)), 1,
       "field 'ce_timestamp.seconds' has wire type 2"},
      {"MapKeyAsVarint", good + event_field(event + std::string("\x2a\x02\x08\x01", 4)), 1,
       "field 'attributes.key' has wire type 0"},
      {"AnyTruncated", good + event_field(event + std::string("\x42\x03\x0a\x05x", 5)), 1,
       "length runs past the end of the message"},
      {"InvalidUtf8Id", good + event_field(event + std::string("\x0a\x02\xff\xfe", 4)), 1,
       "event 1: field 'id' is not valid UTF-8"},
      {"InvalidUtf8TextData", good + event_field(event + std::string("\x3a\x02\xc3\x28", 4)), 1,
       "event 1: text_data is not valid UTF-8"},
      {"InvalidUtf8Attribute", good + event_field(event + std::string("\x2a\x09\x0a\x01x\x12\x04\x1a\x02\xff\xff", 11)),
       1, "attribute 'x' contains invalid UTF-8"},
  };
}

class MalformedWire : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedWire, IsInvalidWithAClearReason) {
  const Malformed& c = GetParam();
  TestBatch batch(ContentMode::cloudevents_protobuf, c.body);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
  EXPECT_EQ(outcome->error_index, c.index);
  EXPECT_NE(outcome->reason.find(c.reason), std::string::npos) << outcome->reason;
  EXPECT_TRUE(batch->events.empty());
}

INSTANTIATE_TEST_SUITE_P(ProtobufEventReader, MalformedWire, ::testing::ValuesIn(malformed_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// Every prefix of a real batch is read without reading past it (ASan builds check the bounds).
TEST(ProtobufEventReader, EveryTruncationIsRefusedOrReadWithinTheBytes) {
  pb::CloudEvent event = valid_event();
  attribute(event, "datacontenttype").set_ce_string("application/json");
  attribute(event, "at").mutable_ce_timestamp()->set_seconds(12);
  attribute(event, "n").set_ce_integer(7);
  event.set_text_data(R"({"a":1})");
  const std::string body = batch_of({event, valid_event("e-2")});
  for (std::size_t size = 0; size < body.size(); ++size) {
    TestBatch batch(ContentMode::cloudevents_protobuf, body.substr(0, size));
    const auto outcome = batch.decode();
    if (outcome) {
      EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
      EXPECT_FALSE(outcome->reason.empty());
    }
  }
}

// Found by fuzz_protobuf: text_data that is truncated JSON under a JSON type, followed in the body
// by more protobuf bytes (here the rest of the JSON text). The JSON check read past the text into
// them; now the text is carried as a string and nothing outside the batch is read.
TEST(ProtobufEventReader, TruncatedJsonTextFollowedByMoreBytesIsReadWithinTheText) {
  const std::string hex =
      "0ae2010a04766d2d31120b2f7663656e7465722f30311a03312e302218636f6d2e766d776172652e766d2e706f776572"
      "65642d6f6e2a250a0f64617461636f6e74656e747479706512121a106170706c69636174696f6e2f6a736f6e2a1d0a07"
      "7375626a65637412121a10566d506f77657265644f6e4576656e742a1e0a0474696d6512161a14323032342d30352d30"
      "315431303a30303a30305a3a487b22566d223a7b22616161616161616161616161616161616161616161616161616161"
      "6161616161616161614e616d65223a227765622d33227d2c224372656174656454696d65223a22323032342d30352d30"
      "315431303a30303a30305a2209000000000000002c226e227d0a730a04766d2d32120b2f7663656e7465722f30311a03"
      "312e302219636f6d2e766d776172652e766d2e706f77657265642d6f66662a6172652e766d2e706f77657265642d6f6e"
      "2a12121a106170706c69636174696f6e2f6a736f6e3a177b22566d223a7b224e616d65223a227765622d32227d7d";
  std::string body;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    body.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  // Its first event (3 + 226 bytes) is the one that crashed; the fuzzer broke the second one.
  TestBatch first_event(ContentMode::cloudevents_protobuf, body.substr(0, 229));
  const auto outcome = first_event.decode();
  ASSERT_FALSE(outcome) << outcome->reason;
  ASSERT_EQ(first_event->events.size(), 1u);
  const Event& first = first_event->events[0];
  EXPECT_EQ(first.data_kind, DataKind::json);
  EXPECT_EQ(first.data.substr(0, 8), R"("{\"Vm\")");  // a JSON string, not the truncated text as JSON
  TestBatch whole(ContentMode::cloudevents_protobuf, body);
  const auto broken = whole.decode();
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->error_index, 1);
  EXPECT_EQ(broken->reason, "event 1: malformed protobuf at byte 318: length runs past the end of the message");
}

}  // namespace
}  // namespace sluice
