#include "sources/nats/payload_mode.hpp"

#include <sluice/core/padded_buffer.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace sluice {
namespace {

using Headers = std::vector<HeaderField>;
using Attributes = std::vector<std::pair<std::string, std::string>>;

PayloadDecision decide(PayloadMode mode, bool can_wrap, const Headers& headers, std::string_view payload) {
  // Payloads live in padded buffers in the source; the detector reads past their end.
  const PaddedBuffer buffer = PaddedBuffer::copy_of(payload);
  return decide_payload(mode, can_wrap, headers, buffer.view());
}

const Headers kBinaryHeaders{{"ce-specversion", "1.0"},
                             {"ce-id", "1234-1234-1234"},
                             {"ce-type", "com.example.someevent"},
                             {"ce-source", "/mycontext/subcontext"},
                             {"ce-time", "2018-04-05T03:56:24Z"},
                             {"ce-datacontenttype", "application/json"}};

TEST(PayloadMode, AutoPicksBinaryWhenCeSpecversionHeaderIsPresentInAnyCase) {
  auto decision = decide(PayloadMode::auto_detect, true, {{"CE-SpecVersion", "1.0"}, {"Ce-Id", "1"}}, R"({"a":1})");
  EXPECT_EQ(decision.mode, ContentMode::binary);
  EXPECT_FALSE(decision.error);
  EXPECT_EQ(decision.attributes, (Attributes{{"specversion", "1.0"}, {"id", "1"}}));
}

TEST(PayloadMode, AutoFollowsCloudEventsContentType) {
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {{"Content-Type", "application/cloudevents+json"}}, "{}").mode,
            ContentMode::structured);
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {{"content-type", "application/cloudevents-batch+json"}}, "[]").mode,
            ContentMode::batch);
}

TEST(PayloadMode, AutoRecognisesStructuredEventsByTheirSpecversionMember) {
  const char* event = R"( {"id":"1","source":"/s","type":"t","data":{"specversion":"no"},"specversion":"1.0"})";
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, event).mode, ContentMode::structured);
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, std::string("[") + event + "]").mode, ContentMode::batch);
}

TEST(PayloadMode, AutoWrapsOtherJsonOnlyWhenTemplatesAreConfigured) {
  const char* aporeto = R"({"identity":"processingunit","type":"create","entity":{"specversion":"x"}})";
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, aporeto).mode, ContentMode::plain_json);
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, "[1,2]").mode, ContentMode::plain_json);
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, "42").mode, ContentMode::plain_json);
  // Without templates the decoder gets it as structured/batch and names what is missing.
  EXPECT_EQ(decide(PayloadMode::auto_detect, false, {}, aporeto).mode, ContentMode::structured);
  EXPECT_EQ(decide(PayloadMode::auto_detect, false, {}, "[1,2]").mode, ContentMode::batch);
}

TEST(PayloadMode, AutoTreatsMalformedJsonAsNotACloudEvent) {
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, R"({"a": )").mode, ContentMode::plain_json);
  // Unbalanced documents fail simdjson's first pass, whatever member names they start with.
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, R"({"specversion")").mode, ContentMode::plain_json);
  EXPECT_EQ(decide(PayloadMode::auto_detect, false, {}, "not json").mode, ContentMode::structured);
  EXPECT_EQ(decide(PayloadMode::auto_detect, true, {}, "").mode, ContentMode::plain_json);
}

TEST(PayloadMode, ConfiguredModesWin) {
  EXPECT_EQ(decide(PayloadMode::structured, true, kBinaryHeaders, "{}").mode, ContentMode::structured);
  EXPECT_EQ(decide(PayloadMode::structured, true, {}, " \n[{}]").mode, ContentMode::batch);
  EXPECT_EQ(decide(PayloadMode::wrap, true, kBinaryHeaders, R"({"specversion":"1.0"})").mode, ContentMode::plain_json);
  auto binary = decide(PayloadMode::binary, false, {}, R"({"specversion":"1.0"})");
  EXPECT_EQ(binary.mode, ContentMode::binary);
  EXPECT_TRUE(binary.attributes.empty());  // the decoder reports the missing attributes
}

TEST(BinaryHeaders, MapsTheBindingsExampleAndIgnoresOtherHeaders) {
  Headers headers = kBinaryHeaders;
  headers.push_back({"Nats-Msg-Id", "abc"});
  Attributes attributes;
  EXPECT_FALSE(map_binary_headers(headers, attributes));
  EXPECT_EQ(attributes, (Attributes{{"specversion", "1.0"},
                                    {"id", "1234-1234-1234"},
                                    {"type", "com.example.someevent"},
                                    {"source", "/mycontext/subcontext"},
                                    {"time", "2018-04-05T03:56:24Z"},
                                    {"datacontenttype", "application/json"}}));
}

TEST(BinaryHeaders, DecodesPercentEncodingAndQuotedValues) {
  Attributes attributes;
  EXPECT_FALSE(map_binary_headers(Headers{{"ce-euro", "Euro%20%E2%82%AC%20%F0%9F%98%80"},
                                          {"ce-quoted", "\"a \\\"b\\\" c\""},
                                          {"CE-MyExt", "lower%2dcase"}},
                                  attributes));
  EXPECT_EQ(
      attributes,
      (Attributes{{"euro", "Euro \xE2\x82\xAC \xF0\x9F\x98\x80"}, {"quoted", "a \"b\" c"}, {"myext", "lower-case"}}));
}

TEST(BinaryHeaders, ContentTypeStandsInForAMissingCeDatacontenttype) {
  Attributes attributes;
  EXPECT_FALSE(map_binary_headers(Headers{{"ce-id", "1"}, {"Content-Type", "text/plain; charset=utf-8"}}, attributes));
  EXPECT_EQ(attributes, (Attributes{{"id", "1"}, {"datacontenttype", "text/plain; charset=utf-8"}}));
  EXPECT_FALSE(map_binary_headers(Headers{{"Content-Type", "text/plain"}, {"ce-datacontenttype", "application/xml"}},
                                  attributes));
  EXPECT_EQ(attributes, (Attributes{{"datacontenttype", "application/xml"}}));
}

TEST(BinaryHeaders, RejectsMalformedOrRepeatedAttributes) {
  Attributes attributes;
  const auto error_of = [&](const Headers& headers) { return map_binary_headers(headers, attributes).value_or(""); };
  EXPECT_NE(error_of({{"ce-id", "1"}, {"CE-ID", "2"}}).find("'id' appears in more than one"), std::string::npos);
  EXPECT_NE(error_of({{"ce-id", "%zz"}}).find("ce-id"), std::string::npos);
  EXPECT_NE(error_of({{"ce-id", "%C0%A0"}}).find("not a valid percent-encoded UTF-8"), std::string::npos);  // overlong
  EXPECT_NE(error_of({{"ce-", "x"}}).find("names no attribute"), std::string::npos);
  EXPECT_NE(error_of({{"ce-id", "\"unterminated"}}).find("ce-id"), std::string::npos);
  // The same error surfaces through decide_payload in binary and auto mode.
  EXPECT_TRUE(decide(PayloadMode::auto_detect, true, {{"ce-specversion", "1.0"}, {"ce-id", "%zz"}}, "{}").error);
}

}  // namespace
}  // namespace sluice
