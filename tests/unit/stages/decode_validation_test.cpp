// CloudEvents 1.0 validation: every rule rejects with the event's index and a clear reason.
#include "test_batch.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

using test::TestBatch;

struct Rejection {
  const char* name;
  const char* members;  // spliced into an otherwise valid event
  const char* reason;   // expected message, after "event 1: "
};

// The valid base event; `members` may override any of its members (duplicates are tested apart).
std::string event_with(std::string_view members, bool with_required = true) {
  std::string body = "{";
  if (with_required) body += R"("specversion":"1.0","id":"x","source":"/s","type":"t")";
  if (!members.empty()) {
    if (with_required) body += ",";
    body += members;
  }
  return body + "}";
}

class Validation : public ::testing::TestWithParam<Rejection> {};

TEST_P(Validation, RejectsTheSecondEventOfABatch) {
  const Rejection& c = GetParam();
  const std::string body = "[" + event_with("") + "," + event_with(c.members) + "]";
  TestBatch batch(ContentMode::batch, body);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome) << body;
  EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
  EXPECT_EQ(outcome->error_index, 1);
  EXPECT_EQ(outcome->reason, std::string("event 1: ") + c.reason) << body;
  EXPECT_TRUE(batch->events.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, Validation,
    ::testing::Values(
        Rejection{"SecondIdIsDuplicate", R"("id":5)", "duplicate attribute 'id'"},
        Rejection{"SubjectNumber", R"("subject":5)", "attribute 'subject' must be a string"},
        Rejection{"SubjectEmpty", R"("subject":"")", "attribute 'subject' must be a non-empty string"},
        Rejection{"TimeEmpty", R"("time":"")", "attribute 'time' must be a non-empty string"},
        Rejection{"DataschemaObject", R"("dataschema":{})", "attribute 'dataschema' must be a string"},
        Rejection{"DatacontenttypeBool", R"("datacontenttype":true)",
                  "attribute 'datacontenttype' must be a string"},
        Rejection{"TimeNotRfc3339", R"("time":"2020-02-11 21:29:54")",
                  "attribute 'time' is not an RFC 3339 timestamp: '2020-02-11 21:29:54'"},
        Rejection{"TimeFebruary30", R"("time":"2021-02-29T00:00:00Z")",
                  "attribute 'time' is not an RFC 3339 timestamp: '2021-02-29T00:00:00Z'"},
        Rejection{"TimeWithoutOffset", R"("time":"2021-02-01T00:00:00")",
                  "attribute 'time' is not an RFC 3339 timestamp: '2021-02-01T00:00:00'"},
        Rejection{"UpperCaseExtension", R"("myExt":"v")",
                  "invalid attribute name 'myExt' (CloudEvents attribute names are lower-case letters a-z and "
                  "digits 0-9)"},
        Rejection{"UnderscoreExtension", R"("my_ext":"v")",
                  "invalid attribute name 'my_ext' (CloudEvents attribute names are lower-case letters a-z and "
                  "digits 0-9)"},
        Rejection{"EmptyName", R"("":"v")",
                  "invalid attribute name '' (CloudEvents attribute names are lower-case letters a-z and digits "
                  "0-9)"},
        Rejection{"ExtensionObject", R"("ext":{"a":1})",
                  "attribute 'ext' must be a string, integer or boolean, not an object"},
        Rejection{"ExtensionArray", R"("ext":[1])", "attribute 'ext' must be a string, integer or boolean, not an array"},
        Rejection{"ExtensionFloat", R"("ext":1.5)", "attribute 'ext' must be a whole number (CloudEvents Integer)"},
        Rejection{"ExtensionExponent", R"("ext":1e3)", "attribute 'ext' must be a whole number (CloudEvents Integer)"},
        Rejection{"ExtensionAboveInt32", R"("ext":2147483648)",
                  "attribute 'ext' is outside the CloudEvents Integer range (32-bit signed)"},
        Rejection{"ExtensionHuge", R"("ext":-99999999999999999999999)",
                  "attribute 'ext' is outside the CloudEvents Integer range (32-bit signed)"},
        Rejection{"DuplicateExtension", R"("ext":"a","other":1,"ext":"b")", "duplicate attribute 'ext'"},
        Rejection{"DuplicateNullExtension", R"("ext":null,"ext":"b")", "duplicate attribute 'ext'"},
        Rejection{"DuplicateData", R"("data":1,"data":2)", "duplicate attribute 'data'"},
        Rejection{"DataAndBase64", R"("data":1,"data_base64":"AA==")",
                  "'data' and 'data_base64' are mutually exclusive"},
        Rejection{"BadBase64", R"("data_base64":"not base64!")", "'data_base64' is not valid base64 (RFC 4648)"},
        Rejection{"Base64WrongPadding", R"("data_base64":"QQ=")", "'data_base64' is not valid base64 (RFC 4648)"},
        Rejection{"Base64Number", R"("data_base64":12)", "'data_base64' must be a string"},
        Rejection{"ControlCharacterEscaped", R"("subject":"a\nb")",
                  "attribute 'subject' contains a control character or a Unicode noncharacter"},
        Rejection{"C1Control", R"("subject":"a\u0085b")",
                  "attribute 'subject' contains a control character or a Unicode noncharacter"},
        Rejection{"DeleteCharacter", R"("ext":"\u007f")",
                  "attribute 'ext' contains a control character or a Unicode noncharacter"},
        Rejection{"Noncharacter", R"("subject":"\uFFFE")",
                  "attribute 'subject' contains a control character or a Unicode noncharacter"},
        Rejection{"NoncharacterFdd0", R"("subject":"\uFDD0")",
                  "attribute 'subject' contains a control character or a Unicode noncharacter"},
        Rejection{"NoncharacterPlane1", R"("subject":"\uD83F\uDFFF")",
                  "attribute 'subject' contains a control character or a Unicode noncharacter"}),
    [](const ::testing::TestParamInfo<Rejection>& info) { return std::string(info.param.name); });

struct RequiredCase {
  const char* name;
  const char* body;
  const char* reason;
};

class RequiredAttributes : public ::testing::TestWithParam<RequiredCase> {};

TEST_P(RequiredAttributes, AreRequiredAsNonEmptyStrings) {
  TestBatch batch(ContentMode::structured, GetParam().body);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 0);
  EXPECT_EQ(outcome->reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, RequiredAttributes,
    ::testing::Values(
        RequiredCase{"NoId", R"({"specversion":"1.0","source":"s","type":"t"})", "missing required attribute 'id'"},
        RequiredCase{"NoSource", R"({"specversion":"1.0","id":"1","type":"t"})",
                     "missing required attribute 'source'"},
        RequiredCase{"NoType", R"({"specversion":"1.0","id":"1","source":"s"})", "missing required attribute 'type'"},
        RequiredCase{"NoSpecversion", R"({"id":"1","source":"s","type":"t"})",
                     "missing required attribute 'specversion'"},
        RequiredCase{"NullSource", R"({"specversion":"1.0","id":"1","source":null,"type":"t"})",
                     "missing required attribute 'source'"},
        RequiredCase{"EmptyId", R"({"specversion":"1.0","id":"","source":"s","type":"t"})",
                     "attribute 'id' must be a non-empty string"},
        RequiredCase{"NumericId", R"({"specversion":"1.0","id":5,"source":"s","type":"t"})",
                     "attribute 'id' must be a string"},
        RequiredCase{"OldSpecversion", R"({"specversion":"0.3","id":"1","source":"s","type":"t"})",
                     "unsupported specversion '0.3' (sluice accepts CloudEvents 1.0)"},
        RequiredCase{"NumericSpecversion", R"({"specversion":1.0,"id":"1","source":"s","type":"t"})",
                     "attribute 'specversion' must be a string"},
        RequiredCase{"DuplicateType", R"({"specversion":"1.0","id":"1","source":"s","type":"t","type":"u"})",
                     "duplicate attribute 'type'"},
        RequiredCase{"EscapedDuplicate", R"({"specversion":"1.0","id":"1","source":"s","type":"t","\u0074ype":"u"})",
                     "duplicate attribute 'type'"},
        RequiredCase{"NotAnObject", R"(["specversion"])", "the body is not a JSON object"},
        RequiredCase{"String", R"("event")", "the body is not a JSON object"}),
    [](const ::testing::TestParamInfo<RequiredCase>& info) { return std::string(info.param.name); });

TEST(Validation, AcceptedTimestampForms) {
  for (const char* time : {"2018-04-05T17:31:00Z", "2018-04-05t17:31:00z", "2016-12-31T23:59:60Z",
                           "2020-02-29T00:00:00.123456789+05:30", "1985-04-12T23:20:50.52-00:00"}) {
    TestBatch batch(ContentMode::structured,
                    event_with(std::string(R"("time":")") + time + "\""));
    EXPECT_FALSE(batch.decode()) << time;
  }
}

TEST(Validation, ExtensionEdgeValues) {
  TestBatch batch(ContentMode::structured,
                  event_with(R"("a":2147483647,"b":-0,"c":false,"d":"","averyveryverylongextensionname":"x")"));
  ASSERT_FALSE(batch.decode());
  const auto& extensions = batch->events[0].extensions;
  ASSERT_EQ(extensions.size(), 5u);
  EXPECT_EQ(extensions[0].value, "2147483647");
  EXPECT_EQ(extensions[1].value, "-0");
  EXPECT_EQ(extensions[2].type, Extension::Type::boolean);
  EXPECT_EQ(extensions[3].value, "");  // extensions may be empty strings
  EXPECT_EQ(extensions[4].name, "averyveryverylongextensionname");  // > 20 chars: a SHOULD, accepted
}

TEST(Validation, FirstBadEventWinsAndItsIndexIsReported) {
  const std::string body = "[" + event_with("") + "," + event_with("") + "," + event_with(R"("time":"x")") + "," +
                           event_with("", false) + "]";
  TestBatch batch(ContentMode::batch, body);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 2);
  EXPECT_EQ(outcome->reason, "event 2: attribute 'time' is not an RFC 3339 timestamp: 'x'");
}

TEST(Validation, ReasonsQuoteClientTextSafely) {
  TestBatch batch(ContentMode::structured,
                  R"({"specversion":"1.0\u0001\"","id":"1","source":"s","type":"t"})");
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  // Control characters in attributes are rejected before specversion is compared.
  EXPECT_EQ(outcome->reason, "attribute 'specversion' contains a control character or a Unicode noncharacter");
  TestBatch long_version(ContentMode::structured,
                         R"({"specversion":")" + std::string(100, 'v') + R"(","id":"1","source":"s","type":"t"})");
  const auto long_outcome = long_version.decode();
  ASSERT_TRUE(long_outcome);
  EXPECT_EQ(long_outcome->reason,
            "unsupported specversion '" + std::string(64, 'v') + "...' (sluice accepts CloudEvents 1.0)");
}

}  // namespace
}  // namespace sluice
