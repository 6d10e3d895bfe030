// Structured mode: one CloudEvent as a JSON object; views, escapes, data forms.
#include "test_batch.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

using test::TestBatch;

constexpr std::string_view kMinimal =
    R"({"specversion":"1.0","id":"e-1","source":"/vcenter","type":"com.vmware.vsphere.VmPoweredOnEvent.v0"})";

TEST(DecodeStructured, MinimalEventIsViewsIntoTheBody) {
  TestBatch batch(ContentMode::structured, kMinimal);
  ASSERT_FALSE(batch.decode());
  ASSERT_EQ(batch->events.size(), 1u);
  const Event& event = batch->events[0];
  EXPECT_EQ(event.id, "e-1");
  EXPECT_EQ(event.source, "/vcenter");
  EXPECT_EQ(event.specversion, "1.0");
  EXPECT_EQ(event.type, "com.vmware.vsphere.VmPoweredOnEvent.v0");
  EXPECT_TRUE(batch.in_body(event.id));
  EXPECT_TRUE(batch.in_body(event.type));
  EXPECT_EQ(event.data_kind, DataKind::none);
  EXPECT_TRUE(event.data.empty());
  EXPECT_TRUE(event.extensions.empty());
  EXPECT_EQ(event.structured_json, kMinimal);
}

TEST(DecodeStructured, AllAttributesExtensionsAndObjectData) {
  const std::string body = R"(
  {
    "specversion" : "1.0", "id" : "A234", "source" : "https://vcenter.local/sdk",
    "type" : "com.example.someevent", "subject" : "VmPoweredOffEvent",
    "time" : "2020-02-11T21:29:54.9052539Z", "datacontenttype" : "application/json",
    "dataschema" : "https://example.com/schema.json",
    "comexampleextension1" : "value", "comexampleothervalue" : 5, "flag" : true, "neg" : -2147483648,
    "data" : { "Vm" : { "Name" : "test-01" }, "Key" : 9902 }
  }
  )";
  TestBatch batch(ContentMode::structured, body);
  ASSERT_FALSE(batch.decode());
  const Event& event = batch->events.at(0);
  EXPECT_EQ(event.subject, "VmPoweredOffEvent");
  EXPECT_EQ(event.time, "2020-02-11T21:29:54.9052539Z");
  EXPECT_EQ(event.datacontenttype, "application/json");
  EXPECT_EQ(event.dataschema, "https://example.com/schema.json");
  ASSERT_EQ(event.extensions.size(), 4u);
  EXPECT_EQ(event.extensions[0].name, "comexampleextension1");
  EXPECT_EQ(event.extensions[0].value, "value");
  EXPECT_EQ(event.extensions[0].type, Extension::Type::string);
  EXPECT_EQ(event.extensions[1].value, "5");
  EXPECT_EQ(event.extensions[1].type, Extension::Type::integer);
  EXPECT_EQ(event.extensions[2].value, "true");
  EXPECT_EQ(event.extensions[2].type, Extension::Type::boolean);
  EXPECT_EQ(event.extensions[3].value, "-2147483648");
  EXPECT_EQ(event.data_kind, DataKind::json);
  EXPECT_EQ(event.data, R"({ "Vm" : { "Name" : "test-01" }, "Key" : 9902 })");
  EXPECT_TRUE(batch.in_body(event.data));
  EXPECT_EQ(event.structured_json.front(), '{');
  EXPECT_EQ(event.structured_json.back(), '}');
  EXPECT_EQ(event.structured_json.size(), std::string_view(body).find_last_of('}') - body.find('{') + 1);
}

struct DataCase {
  const char* json;
  const char* data;
  DataKind kind;
};

class DecodeDataForms : public ::testing::TestWithParam<DataCase> {};

TEST_P(DecodeDataForms, DataIsTheRawJsonText) {
  const DataCase& c = GetParam();
  const std::string body = std::string(R"({"specversion":"1.0","id":"1","source":"s","type":"t")") + c.json + "}";
  TestBatch batch(ContentMode::structured, body);
  ASSERT_FALSE(batch.decode()) << body;
  const Event& event = batch->events.at(0);
  EXPECT_EQ(event.data_kind, c.kind);
  EXPECT_EQ(event.data, c.data);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, DecodeDataForms,
    ::testing::Values(DataCase{R"(,"data":{"a":[1,2,{"b":null}]})", R"({"a":[1,2,{"b":null}]})", DataKind::json},
                      DataCase{R"(,"data":  [ 1 , "x" ]  )", R"([ 1 , "x" ])", DataKind::json},
                      DataCase{R"(,"data":"I'm just a string")", R"("I'm just a string")", DataKind::json},
                      DataCase{R"(,"data":"with \"quotes\"")", R"("with \"quotes\"")", DataKind::json},
                      DataCase{R"(,"data":1.5e3)", "1.5e3", DataKind::json},
                      DataCase{R"(,"data":123456789012345678901234567890)", "123456789012345678901234567890",
                               DataKind::json},
                      DataCase{R"(,"data":true)", "true", DataKind::json},
                      DataCase{R"(,"data":null)", "null", DataKind::json},  // explicit null payload
                      DataCase{R"(,"data":{})", "{}", DataKind::json},
                      DataCase{R"(,"data":{"x":1},"subject":"after")", R"({"x":1})", DataKind::json},
                      DataCase{"", "", DataKind::none},
                      DataCase{R"(,"datacontenttype":"application/xml","data":"<much wow=\"xml\"/>")",
                               R"(<much wow="xml"/>)", DataKind::binary},
                      DataCase{R"(,"data":"plain text","datacontenttype":"text/plain")", "plain text",
                               DataKind::binary},
                      DataCase{R"(,"datacontenttype":"application/vnd.foo+json","data":"s")", R"("s")",
                               DataKind::json},
                      DataCase{R"(,"datacontenttype":"text/plain","data":{"not":"a string"})",
                               R"({"not":"a string"})", DataKind::json},
                      DataCase{R"(,"data_base64":"eyJtdWNoIjoid293In0=")", R"({"much":"wow"})", DataKind::binary},
                      DataCase{R"(,"data_base64":null)", "", DataKind::none}));

TEST(DecodeStructured, Base64DataWithZeroBytes) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"AAEC/w=="})");
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].data, std::string_view("\x00\x01\x02\xff", 4));
  EXPECT_EQ(batch->events[0].data_kind, DataKind::binary);
}

TEST(DecodeStructured, EscapedAttributesAreUnescapedIntoTheArena) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0","id":"a\"b","source":"caf\u00e9","type":"smile \ud83d\ude00",)"
                  R"("subject":"tab\\slash\/","ext":"\u00e9t\u00e9"})");
  ASSERT_FALSE(batch.decode());
  const Event& event = batch->events[0];
  EXPECT_EQ(event.id, "a\"b");
  EXPECT_EQ(event.source, "caf\xc3\xa9");
  EXPECT_EQ(event.type, "smile \xf0\x9f\x98\x80");
  EXPECT_EQ(event.subject, "tab\\slash/");
  EXPECT_EQ(event.extensions.at(0).value, "\xc3\xa9t\xc3\xa9");
  EXPECT_FALSE(batch.in_body(event.id));
  EXPECT_FALSE(batch.in_body(event.source));
  EXPECT_TRUE(batch.in_body(event.specversion));
}

TEST(DecodeStructured, EscapedMemberNamesAreRecognised) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0","\u0069d":"1","source":"s","type":"t","\u006dyext":"v"})");
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].id, "1");
  ASSERT_EQ(batch->events[0].extensions.size(), 1u);
  EXPECT_EQ(batch->events[0].extensions[0].name, "myext");
}

TEST(DecodeStructured, NullAttributesAreAbsent) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0","id":"1","source":"s","type":"t","subject":null,"time":null,"ext":null})");
  ASSERT_FALSE(batch.decode());
  const Event& event = batch->events[0];
  EXPECT_TRUE(event.subject.empty());
  EXPECT_TRUE(event.time.empty());
  EXPECT_TRUE(event.extensions.empty());
}

TEST(DecodeStructured, StringDataWithEscapesUnderNonJsonTypeIsUnescaped) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain",)"
                  R"("data":"line1\nline2 \u00e9"})");
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].data, "line1\nline2 \xc3\xa9");
  EXPECT_EQ(batch->events[0].data_kind, DataKind::binary);
}

TEST(DecodeStructured, DataValidationCanBeTurnedOff) {
  const std::string body = R"({"specversion":"1.0","id":"1","source":"s","type":"t","data":{"a":[1,2],"b":"x"}})";
  TestBatch batch(ContentMode::structured, body);
  DecodeOptions options;
  options.validate_data = false;
  ASSERT_FALSE(batch.decode(options));
  EXPECT_EQ(batch->events[0].data, R"({"a":[1,2],"b":"x"})");
  EXPECT_EQ(batch->events[0].structured_json, body);
}

TEST(DecodeStructured, SurroundingWhitespaceIsNotPartOfTheEvent) {
  TestBatch batch(ContentMode::structured, std::string("\r\n  ") + std::string(kMinimal) + " \n\t ");
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].structured_json, kMinimal);
}

TEST(DecodeStructured, DecoderIsReusableAcrossBatches) {
  CloudEventDecoder decoder;
  for (int i = 0; i < 3; ++i) {
    TestBatch good(ContentMode::structured, kMinimal);
    EXPECT_FALSE(decoder.decode(*good));
    TestBatch bad(ContentMode::structured, "{");
    EXPECT_TRUE(decoder.decode(*bad));
    EXPECT_TRUE(bad->events.empty());
  }
}

}  // namespace
}  // namespace sluice
