// Binary mode (attributes from protocol headers, the body is the data) and plain JSON wrapping.
#include "stages/decode/attribute_rules.hpp"
#include "test_batch.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sluice {
namespace {

using test::TestBatch;

void set_required(IngressBatch& batch, std::string_view content_type = "application/json") {
  batch.binary_attributes = {{"specversion", "1.0"},
                             {"id", "d70079f9-fddd-4b7f-aa76-1193f28b0611"},
                             {"source", "https://vcenter.local/sdk"},
                             {"type", "com.vmware.vsphere.VmPoweredOffEvent.v0"}};
  if (!content_type.empty()) batch.binary_attributes.emplace_back("datacontenttype", content_type);
}

TEST(DecodeBinary, JsonBodyIsJsonData) {
  TestBatch batch(ContentMode::binary, "\n  {\"Vm\": {\"Name\": \"test-01\"}}\n");
  set_required(*batch);
  batch->binary_attributes.emplace_back("subject", "VmPoweredOffEvent");
  batch->binary_attributes.emplace_back("partitionkey", "vm-56");
  ASSERT_FALSE(batch.decode());
  const Event& event = batch->events.at(0);
  EXPECT_EQ(event.id, "d70079f9-fddd-4b7f-aa76-1193f28b0611");
  EXPECT_EQ(event.subject, "VmPoweredOffEvent");
  EXPECT_EQ(event.datacontenttype, "application/json");
  ASSERT_EQ(event.extensions.size(), 1u);
  EXPECT_EQ(event.extensions[0].name, "partitionkey");
  EXPECT_EQ(event.extensions[0].type, Extension::Type::string);
  EXPECT_EQ(event.data_kind, DataKind::json);
  EXPECT_EQ(event.data, R"({"Vm": {"Name": "test-01"}})");
  EXPECT_TRUE(batch.in_body(event.data));
  EXPECT_TRUE(event.structured_json.empty());
}

TEST(DecodeBinary, ContentTypeDecidesTheDataKind) {
  for (const auto& [content_type, kind] : std::vector<std::pair<std::string_view, DataKind>>{
           {"application/json; charset=utf-8", DataKind::json},
           {"Application/JSON", DataKind::json},
           {"application/cloudevents+json", DataKind::json},
           {"text/plain", DataKind::binary},
           {"application/jsonx", DataKind::binary},
           {"", DataKind::binary}}) {
    TestBatch batch(ContentMode::binary, "[1,2]");
    set_required(*batch, content_type);
    ASSERT_FALSE(batch.decode()) << content_type;
    EXPECT_EQ(batch->events[0].data_kind, kind) << content_type;
    EXPECT_EQ(batch->events[0].data, "[1,2]");
  }
}

TEST(DecodeBinary, EmptyBodyHasNoData) {
  TestBatch batch(ContentMode::binary, "");
  set_required(*batch);
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].data_kind, DataKind::none);
}

TEST(DecodeBinary, BinaryBodyIsNotValidated) {
  TestBatch batch(ContentMode::binary, std::string_view("\xff\x00\x01{", 4));
  set_required(*batch, "application/octet-stream");
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].data.size(), 4u);
}

TEST(DecodeBinary, MalformedJsonBodyIsRejected) {
  TestBatch batch(ContentMode::binary, R"({"MaxMtu": REPLACE-ME})");
  set_required(*batch);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 0);
  EXPECT_EQ(outcome->reason,
            "data is not valid JSON (datacontenttype 'application/json'): malformed JSON at byte 11: invalid "
            "JSON value");
}

struct BinaryError {
  const char* name;
  std::vector<std::pair<std::string_view, std::string_view>> extra;
  bool with_required;
  const char* reason;
};

class DecodeBinaryErrors : public ::testing::TestWithParam<BinaryError> {};

TEST_P(DecodeBinaryErrors, Reject) {
  TestBatch batch(ContentMode::binary, "{}");
  if (GetParam().with_required) set_required(*batch);
  for (const auto& attribute : GetParam().extra) batch->binary_attributes.push_back(attribute);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 0);
  EXPECT_EQ(outcome->reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeBinaryErrors,
    ::testing::Values(
        BinaryError{"NoAttributes", {}, false, "missing required attribute 'id'"},
        BinaryError{"NoSource", {{"id", "1"}, {"specversion", "1.0"}, {"type", "t"}}, false,
                    "missing required attribute 'source'"},
        BinaryError{"EmptySubject", {{"subject", ""}}, true, "attribute 'subject' must be a non-empty string"},
        BinaryError{"DuplicateId", {{"id", "2"}}, true, "duplicate attribute 'id'"},
        BinaryError{"DuplicateExtension", {{"ext", "a"}, {"ext", "b"}}, true, "duplicate attribute 'ext'"},
        BinaryError{"BadName", {{"my-ext", "a"}}, true,
                    "invalid attribute name 'my-ext' (CloudEvents attribute names are lower-case letters a-z and "
                    "digits 0-9)"},
        BinaryError{"DataName", {{"data", "a"}}, true, "'data' is not a valid attribute name (it is reserved)"},
        BinaryError{"InvalidUtf8", {{"subject", "\xc3\x28"}}, true,
                    "attribute 'subject' contains invalid UTF-8, a control character or a Unicode noncharacter"},
        BinaryError{"ControlCharacter", {{"ext", "a\tb"}}, true,
                    "attribute 'ext' contains invalid UTF-8, a control character or a Unicode noncharacter"},
        BinaryError{"Specversion", {{"id", "1"}, {"specversion", "0.3"}, {"source", "s"}, {"type", "t"}}, false,
                    "unsupported specversion '0.3' (sluice accepts CloudEvents 1.0)"},
        BinaryError{"Time", {{"time", "2020-13-01T00:00:00Z"}}, true,
                    "attribute 'time' is not an RFC 3339 timestamp: '2020-13-01T00:00:00Z'"}),
    [](const ::testing::TestParamInfo<BinaryError>& info) { return std::string(info.param.name); });

TEST(DecodePlainJson, WrapsTheBodyAsDataOfASynthesisedEvent) {
  TestBatch batch(ContentMode::plain_json, R"( {"value": {"key": "6152f6160fc38f55"}, "severity": "ERROR"} )");
  batch->wrap_source = "https://cvp.example.com";
  batch->wrap_type = "com.arista.cloudvision.event";
  ASSERT_FALSE(batch.decode());
  const Event& event = batch->events.at(0);
  EXPECT_EQ(event.specversion, "1.0");
  EXPECT_EQ(event.source, "https://cvp.example.com");
  EXPECT_EQ(event.type, "com.arista.cloudvision.event");
  EXPECT_EQ(event.datacontenttype, "application/json");
  EXPECT_TRUE(attribute_rules::is_rfc3339(event.time)) << event.time;
  EXPECT_FALSE(event.id.empty());
  EXPECT_EQ(event.data_kind, DataKind::json);
  EXPECT_EQ(event.data, R"({"value": {"key": "6152f6160fc38f55"}, "severity": "ERROR"})");
  EXPECT_TRUE(batch.in_body(event.data));
}

TEST(DecodePlainJson, IdsAreUniqueAndDefaultsNameTheSource) {
  CloudEventDecoder decoder;
  CloudEventDecoder other;
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    TestBatch batch(ContentMode::plain_json, "[1]");
    ASSERT_FALSE((i % 2 ? decoder : other).decode(*batch));
    ids.emplace(batch->events[0].id);
    EXPECT_EQ(batch->events[0].source, "/sluice/test-source");
    EXPECT_EQ(batch->events[0].type, "io.sluice.json");
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(DecodePlainJson, ScalarBodiesAreData) {
  for (const char* body : {"42", "\"text\"", "true", "null", "-1.5e-3"}) {
    TestBatch batch(ContentMode::plain_json, body);
    ASSERT_FALSE(batch.decode()) << body;
    EXPECT_EQ(batch->events[0].data, body);
  }
}

TEST(DecodePlainJson, MalformedOrEmptyBodiesAreRejected) {
  for (const auto& [body, reason] : std::vector<std::pair<std::string, std::string>>{
           {"", "empty body: expected a JSON value"},
           {"  ", "empty body: expected a JSON value"},
           {"{\"a\":", "malformed JSON: unexpected structure (a missing or extra comma, colon, brace or bracket)"},
           {"[1]]", "malformed JSON at byte 3: unexpected content after the JSON value"},
           {"{} {}", "malformed JSON at byte 3: unexpected content after the JSON value"},
           {"1 2", "malformed JSON at byte 2: unexpected content after the JSON value"},
           {"tru", "malformed JSON at byte 0: invalid literal (expected true, false or null)"},
           {"\"a\\qb\"", "malformed JSON at byte 0: invalid string escape or unpaired surrogate"},
           {"[01]", "malformed JSON at byte 1: invalid number"}}) {
    TestBatch batch(ContentMode::plain_json, body);
    const auto outcome = batch.decode();
    ASSERT_TRUE(outcome) << body;
    EXPECT_EQ(outcome->reason, reason) << body;
  }
}

}  // namespace
}  // namespace sluice
