// Hostile input: malformed, truncated, deeply nested, invalid UTF-8. Errors, never crashes.
#include "test_batch.hpp"

#include <gtest/gtest.h>

#include <random>

namespace sluice {
namespace {

using test::TestBatch;

const std::string kHead = R"({"specversion":"1.0","id":"1","source":"s","type":"t")";

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(DecodeHostile, NestingWithinTheLimitIsAccepted) {
  TestBatch batch(ContentMode::structured, kHead + R"(,"data":)" + nested(256) + "}");
  ASSERT_FALSE(batch.decode());
  EXPECT_EQ(batch->events[0].data.size(), 512u);
}

TEST(DecodeHostile, NestingBeyondTheLimitIsRejected) {
  TestBatch batch(ContentMode::structured, kHead + R"(,"data":)" + nested(257) + "}");
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "malformed JSON at byte " + std::to_string(kHead.size() + 8 + 256) +
                                 ": data nests deeper than 256 levels");
}

TEST(DecodeHostile, VeryDeepNestingNeverRecurses) {
  for (const ContentMode mode : {ContentMode::structured, ContentMode::batch, ContentMode::plain_json}) {
    TestBatch data(mode, kHead + R"(,"data":)" + nested(200'000) + "}");
    EXPECT_TRUE(data.decode());
    TestBatch bare(mode, nested(200'000));
    EXPECT_TRUE(bare.decode());
    TestBatch objects(mode, kHead + R"(,"data":)" + [] {
      std::string text;
      for (int i = 0; i < 100'000; ++i) text += R"({"a":)";
      return text + "1" + std::string(100'000, '}');
    }() + "}");
    EXPECT_TRUE(objects.decode());
  }
  // Without data validation nothing descends into data, so depth is not limited, only skipped.
  DecodeOptions lax;
  lax.validate_data = false;
  TestBatch skipped(ContentMode::structured, kHead + R"(,"data":)" + nested(100'000) + "}");
  EXPECT_FALSE(skipped.decode(lax));
}

TEST(DecodeHostile, InvalidUtf8IsRejectedWithItsPosition) {
  const std::string attribute = kHead + R"(,"subject":"ab)" + "\xff" + R"("})";
  TestBatch in_attribute(ContentMode::structured, attribute);
  auto outcome = in_attribute.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "malformed JSON at byte " + std::to_string(attribute.find('\xff')) + ": invalid UTF-8");

  const std::string data = kHead + R"(,"data":{"k":")" + "\xc3\x28" + R"("}})";
  TestBatch in_data(ContentMode::structured, data);
  outcome = in_data.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "malformed JSON at byte " + std::to_string(data.find('\xc3')) + ": invalid UTF-8");

  TestBatch overlong(ContentMode::plain_json, "\"\xc0\xaf\"");
  EXPECT_TRUE(overlong.decode());
  TestBatch surrogate(ContentMode::plain_json, "\"\xed\xa0\x80\"");
  EXPECT_TRUE(surrogate.decode());
}

TEST(DecodeHostile, UnescapedControlCharacterIsRejectedWithItsPosition) {
  const std::string body = kHead + ",\"subject\":\"a\tb\"}";
  TestBatch batch(ContentMode::structured, body);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "malformed JSON at byte " + std::to_string(body.find('\t')) +
                                 ": unescaped control character in a string");
}

TEST(DecodeHostile, MalformedDataIsRejected) {
  for (const char* data : {R"({"a":tru})", R"({"a":nul})", R"([1,2,])", R"({"a" 1})", R"({"a":1,})", R"([01])",
                           R"([1.])", R"([-])", R"(["\x"])", R"(["\uD800"])", R"(["\uDC00\uD800"])", R"({1:2})",
                           R"([1 2])", R"([+1])", R"([.5])", R"([NaN])", R"([Infinity])", R"({"a":'b'})"}) {
    TestBatch batch(ContentMode::structured, kHead + R"(,"data":)" + data + "}");
    const auto outcome = batch.decode();
    ASSERT_TRUE(outcome) << data;
    EXPECT_EQ(outcome->reason.rfind("malformed JSON", 0), 0u) << data << ": " << outcome->reason;
  }
}

TEST(DecodeHostile, ValidUnusualDataIsAccepted) {
  for (const char* data : {R"(1e400)", R"(-0.0E-0)", R"("\uD83D\uDE00")", R"({"":""})", R"({"a\"b":[[],{}]})",
                           R"("\u0000")", R"([true,false,null])"}) {
    TestBatch batch(ContentMode::structured, kHead + R"(,"data":)" + data + "}");
    EXPECT_FALSE(batch.decode()) << data;
    EXPECT_EQ(batch->events.at(0).data, data);
  }
}

TEST(DecodeHostile, EveryTruncationOfAValidBatchIsRejected) {
  const std::string body =
      R"([{"specversion":"1.0","id":"1","source":"s","type":"t","ext":5,"data":{"a":[1,"x\"y",true]}},)"
      R"({"specversion":"1.0","id":"2","source":"s","type":"t","data_base64":"AAEC"}])";
  for (std::size_t size = 0; size < body.size(); ++size) {
    for (const ContentMode mode : {ContentMode::batch, ContentMode::structured, ContentMode::ndjson}) {
      TestBatch batch(mode, body.substr(0, size));
      const auto outcome = batch.decode();
      if (mode == ContentMode::ndjson && size == 0) continue;  // no lines: zero events
      EXPECT_TRUE(outcome) << size;
    }
  }
  TestBatch whole(ContentMode::batch, body);
  EXPECT_FALSE(whole.decode());
}

TEST(DecodeHostile, BodyWithoutABufferIsEmpty) {
  for (const ContentMode mode : {ContentMode::structured, ContentMode::batch, ContentMode::ndjson,
                                 ContentMode::binary, ContentMode::plain_json}) {
    auto* batch = new IngressBatch("test", mode, PaddedBuffer{}, nullptr, AdmissionLease{});
    batch->binary_attributes = {{"specversion", "1.0"}, {"id", "1"}, {"source", "s"}, {"type", "t"}};
    CloudEventDecoder decoder;
    const auto outcome = decoder.decode(*batch);
    const bool accepted = mode == ContentMode::ndjson || mode == ContentMode::binary;
    EXPECT_EQ(!outcome, accepted) << static_cast<int>(mode);
    batch->finish_without_delivery(BatchOutcome{});
  }
}

TEST(DecodeHostile, ByteOrderMarkIsRejectedNotSkipped) {
  TestBatch batch(ContentMode::structured, "\xef\xbb\xbf" + kHead + "}");
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "the body is not a JSON object");
}

TEST(DecodeHostile, RandomBytesNeverCrash) {
  std::mt19937 random(12345);
  const std::string alphabet = R"({}[]:,"\ 0123456789.eE+-truefalsnul/abcxyz)";
  for (int round = 0; round < 3000; ++round) {
    std::string body(random() % 200, ' ');
    for (char& c : body) {
      c = (random() % 10 == 0) ? static_cast<char>(random() % 256) : alphabet[random() % alphabet.size()];
    }
    for (const ContentMode mode : {ContentMode::structured, ContentMode::batch, ContentMode::ndjson,
                                   ContentMode::binary, ContentMode::plain_json}) {
      TestBatch batch(mode, body);
      batch->binary_attributes = {{"datacontenttype", "application/json"}};
      (void)batch.decode();
    }
  }
}

TEST(DecodeHostile, MutatedEventsNeverCrash) {
  const std::string seed =
      R"([{"specversion":"1.0","id":"a\u00e9","source":"s","type":"t","ext":5,"b":true,)"
      R"("data":{"Vm":{"Name":"x"},"list":[1,2.5e3,null,"s"]}},{"specversion":"1.0","id":"2","source":"s",)"
      R"("type":"t","datacontenttype":"text/plain","data":"a\nb"}])";
  std::mt19937 random(7);
  for (int round = 0; round < 5000; ++round) {
    std::string body = seed;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % body.size();
      switch (random() % 3) {
        case 0: body[at] = static_cast<char>(random() % 256); break;
        case 1: body.erase(at, 1 + random() % 3); break;
        default: body.insert(at, 1, "{}[]\",:\\"[random() % 8]); break;
      }
      if (body.empty()) body = "[";
    }
    TestBatch batch(ContentMode::batch, body);
    const auto outcome = batch.decode();
    if (!outcome) {
      for (const Event& event : batch->events) {
        EXPECT_FALSE(event.id.empty());
        EXPECT_EQ(event.specversion, "1.0");
      }
    }
  }
}

}  // namespace
}  // namespace sluice
