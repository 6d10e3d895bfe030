#include "sources/http/binary_attributes.hpp"

#include <sluice/core/batch.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace sluice {
namespace {

std::optional<std::string> decoded(std::string_view raw) {
  std::string out;
  if (!decode_header_value(raw, out)) return std::nullopt;
  return out;
}

TEST(DecodeHeaderValue, SpecExample) {
  // HTTP binding §3.1.3.2: "Euro € 😀".
  EXPECT_EQ(decoded("Euro%20%E2%82%AC%20%F0%9F%98%80"), "Euro \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(DecodeHeaderValue, PlainAndUnnecessarilyEncodedValuesAreAccepted) {
  EXPECT_EQ(decoded("/mycontext/subcontext"), "/mycontext/subcontext");
  EXPECT_EQ(decoded("%41%42c"), "ABc");
  EXPECT_EQ(decoded("lower%2fcase%2Fhex"), "lower/case/hex");
  EXPECT_EQ(decoded("100%25"), "100%");
  EXPECT_EQ(decoded(""), "");
}

TEST(DecodeHeaderValue, QuotedStringsAreUnescapedFirst) {
  EXPECT_EQ(decoded("\"hello world\""), "hello world");
  EXPECT_EQ(decoded(R"("say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(decoded(R"("a%20b")"), "a b");  // then one round of percent-decoding
  EXPECT_EQ(decoded("\"unterminated"), std::nullopt);
  EXPECT_EQ(decoded("\"closed\" trailing"), std::nullopt);
}

TEST(DecodeHeaderValue, MalformedPercentEncodingIsRejected) {
  EXPECT_EQ(decoded("%"), std::nullopt);
  EXPECT_EQ(decoded("abc%4"), std::nullopt);
  EXPECT_EQ(decoded("%zz"), std::nullopt);
  EXPECT_EQ(decoded("%%41"), std::nullopt);
}

TEST(DecodeHeaderValue, InvalidUtf8IsRejected) {
  EXPECT_EQ(decoded("%C0%A0"), std::nullopt);        // the spec's overlong space
  EXPECT_EQ(decoded("%E0%80%AF"), std::nullopt);     // overlong three-byte form
  EXPECT_EQ(decoded("%ED%A0%80"), std::nullopt);     // UTF-16 surrogate
  EXPECT_EQ(decoded("%F4%90%80%80"), std::nullopt);  // past U+10FFFF
  EXPECT_EQ(decoded("%E2%82"), std::nullopt);        // truncated sequence
  EXPECT_EQ(decoded("%80"), std::nullopt);           // lone continuation byte
  EXPECT_EQ(decoded("%C3%A9"), "\xC3\xA9");          // é is fine
}

TEST(BinaryAttributes, CollectsCeHeadersLowerCasedWithoutPrefix) {
  BinaryAttributes attributes;
  EXPECT_EQ(attributes.add_header("ce-specversion", "1.0"), std::nullopt);
  EXPECT_EQ(attributes.add_header("CE-ID", "1234"), std::nullopt);
  EXPECT_EQ(attributes.add_header("Ce-Source", "%2Fmy%20source"), std::nullopt);
  EXPECT_EQ(attributes.add_header("Content-Length", "3"), std::nullopt);  // ignored
  EXPECT_EQ(attributes.add_header("cedar", "x"), std::nullopt);           // not a ce- header
  attributes.set_content_type("application/json; charset=utf-8");
  ASSERT_EQ(attributes.size(), 4u);
  EXPECT_EQ(attributes.name(0), "specversion");
  EXPECT_EQ(attributes.name(1), "id");
  EXPECT_EQ(attributes.value(1), "1234");
  EXPECT_EQ(attributes.name(2), "source");
  EXPECT_EQ(attributes.value(2), "/my source");
  EXPECT_EQ(attributes.name(3), "datacontenttype");
  EXPECT_EQ(attributes.value(3), "application/json; charset=utf-8");
}

TEST(BinaryAttributes, RejectsBadHeaders) {
  BinaryAttributes attributes;
  EXPECT_NE(attributes.add_header("ce-datacontenttype", "text/plain"), std::nullopt);
  EXPECT_NE(attributes.add_header("ce-", "x"), std::nullopt);
  EXPECT_NE(attributes.add_header("ce-subject", "%C0%A0"), std::nullopt);
  EXPECT_EQ(attributes.add_header("ce-id", "1"), std::nullopt);
  const auto duplicate = attributes.add_header("CE-Id", "2");
  ASSERT_NE(duplicate, std::nullopt);
  EXPECT_NE(duplicate->find("id"), std::string::npos);
}

TEST(BinaryAttributes, ClearForgetsAndCopyIntoUsesTheArena) {
  BinaryAttributes attributes;
  ASSERT_EQ(attributes.add_header("ce-id", "old"), std::nullopt);
  attributes.clear();
  EXPECT_EQ(attributes.size(), 0u);
  ASSERT_EQ(attributes.add_header("ce-id", "new%21"), std::nullopt);
  attributes.set_content_type("text/plain");

  auto batch = std::make_unique<IngressBatch>("test", ContentMode::binary, PaddedBuffer::copy_of("data"), nullptr,
                                              AdmissionLease{});
  attributes.copy_into(*batch);
  attributes.clear();  // the batch's copies must not depend on the collector
  ASSERT_EQ(batch->binary_attributes.size(), 2u);
  EXPECT_EQ(batch->binary_attributes[0].first, "id");
  EXPECT_EQ(batch->binary_attributes[0].second, "new!");
  EXPECT_EQ(batch->binary_attributes[1].first, "datacontenttype");
  EXPECT_EQ(batch->binary_attributes[1].second, "text/plain");
}

}  // namespace
}  // namespace sluice
