// Batch (JSON array) and NDJSON modes.
#include "test_batch.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

using test::TestBatch;

std::string event_json(int i, std::string_view extra = "") {
  return R"({"specversion":"1.0","id":")" + std::to_string(i) + R"(","source":"/s","type":"t")" + std::string(extra) +
         "}";
}

TEST(DecodeBatch, EachElementIsAnEventWithItsOwnText) {
  const std::string body = "[ " + event_json(0) + " ,\n" + event_json(1, R"(,"data":{"x":[1]})") + "\t]\n";
  TestBatch batch(ContentMode::batch, body);
  ASSERT_FALSE(batch.decode());
  ASSERT_EQ(batch->events.size(), 2u);
  EXPECT_EQ(batch->events[0].id, "0");
  EXPECT_EQ(batch->events[0].structured_json, event_json(0));
  EXPECT_EQ(batch->events[1].structured_json, event_json(1, R"(,"data":{"x":[1]})"));
  EXPECT_EQ(batch->events[1].data, R"({"x":[1]})");
}

TEST(DecodeBatch, EmptyArrayIsZeroEvents) {
  TestBatch batch(ContentMode::batch, " [ ] ");
  EXPECT_FALSE(batch.decode());
  EXPECT_TRUE(batch->events.empty());
}

struct BatchError {
  const char* name;
  std::string body;
  std::int64_t index;
  std::string reason;
};

class DecodeBatchErrors : public ::testing::TestWithParam<BatchError> {};

TEST_P(DecodeBatchErrors, Reject) {
  TestBatch batch(ContentMode::batch, GetParam().body);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
  EXPECT_EQ(outcome->error_index, GetParam().index);
  EXPECT_EQ(outcome->reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeBatchErrors,
    ::testing::Values(
        BatchError{"Empty", "", -1, "empty body: expected a JSON array of CloudEvents"},
        BatchError{"Blank", " \n ", -1, "empty body: expected a JSON array of CloudEvents"},
        BatchError{"Object", event_json(0), -1,
                   "expected a JSON array of CloudEvents (application/cloudevents-batch+json)"},
        BatchError{"NotObjectElement", "[" + event_json(0) + ",42]", 1, "event 1: is not a JSON object"},
        BatchError{"NestedArray", "[[" + event_json(0) + "]]", 0, "event 0: is not a JSON object"},
        BatchError{"TrailingComma", "[" + event_json(0) + ",]", 1,
                   "event 1: malformed JSON at byte 57: unexpected structure (a missing or extra comma, colon, "
                   "brace or bracket)"},
        BatchError{"MissingComma", "[" + event_json(0) + " " + event_json(1) + "]", 1,
                   "event 1: malformed JSON at byte 57: unexpected structure (a missing or extra comma, colon, "
                   "brace or bracket)"},
        BatchError{"TrailingContent", "[" + event_json(0) + "]]", -1,
                   "malformed JSON at byte 57: unexpected content after the array"},
        BatchError{"Truncated", "[" + event_json(0) + "," + event_json(1).substr(0, 20), -1,
                   "malformed JSON: truncated input, or content after the end of the JSON value"},
        BatchError{"UnclosedString", R"([{"specversion":"1.0)", -1, "malformed JSON at byte 16: unterminated string"}),
    [](const ::testing::TestParamInfo<BatchError>& info) { return std::string(info.param.name); });

TEST(DecodeBatch, MaxEventsPerBatchIsEnforced) {
  std::string body = "[";
  for (int i = 0; i < 4; ++i) body += (i ? "," : "") + event_json(i);
  body += "]";
  DecodeOptions options;
  options.max_events_per_batch = 3;
  TestBatch batch(ContentMode::batch, body);
  const auto outcome = batch.decode(options);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 3);
  EXPECT_EQ(outcome->reason, "more than 3 events in one batch (max_events_per_batch); send smaller batches");
  options.max_events_per_batch = 4;
  TestBatch exact(ContentMode::batch, body);
  EXPECT_FALSE(exact.decode(options));
}

TEST(DecodeBatch, TenThousandEvents) {
  std::string body = "[";
  for (int i = 0; i < 10'000; ++i) {
    body += (i ? "," : "") + event_json(i, R"(,"subject":"vm-)" + std::to_string(i) + R"(","data":{"Vm":{"Name":"n"}})");
  }
  body += "]";
  TestBatch batch(ContentMode::batch, body);
  ASSERT_FALSE(batch.decode());
  ASSERT_EQ(batch->events.size(), 10'000u);
  EXPECT_EQ(batch->events[9'999].id, "9999");
  EXPECT_EQ(batch->events[9'999].subject, "vm-9999");
  EXPECT_EQ(batch->events[9'999].data, R"({"Vm":{"Name":"n"}})");
}

TEST(DecodeNdjson, OneEventPerNonEmptyLine) {
  const std::string body = event_json(0) + "\r\n\n   \n" + event_json(1, R"(,"data":[1,2])") + "\n" + event_json(2);
  TestBatch batch(ContentMode::ndjson, body);
  ASSERT_FALSE(batch.decode());
  ASSERT_EQ(batch->events.size(), 3u);
  EXPECT_EQ(batch->events[0].structured_json, event_json(0));
  EXPECT_EQ(batch->events[1].data, "[1,2]");
  EXPECT_EQ(batch->events[2].structured_json, event_json(2));
  EXPECT_TRUE(batch.in_body(batch->events[2].id));
}

TEST(DecodeNdjson, EmptyBodyIsZeroEvents) {
  TestBatch batch(ContentMode::ndjson, "\n\n");
  EXPECT_FALSE(batch.decode());
  EXPECT_TRUE(batch->events.empty());
}

TEST(DecodeNdjson, ErrorsNameTheEventAndTheLine) {
  const std::string body = event_json(0) + "\n\n" + event_json(1, R"(,"time":"yesterday")") + "\n";
  TestBatch batch(ContentMode::ndjson, body);
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 1);
  EXPECT_EQ(outcome->reason, "event 1 (line 3): attribute 'time' is not an RFC 3339 timestamp: 'yesterday'");
}

TEST(DecodeNdjson, TwoObjectsOnOneLineAreRejected) {
  TestBatch batch(ContentMode::ndjson, event_json(0) + " " + event_json(1) + "\n");
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 0);
  EXPECT_NE(outcome->reason.find("event 0 (line 1): malformed JSON"), std::string::npos) << outcome->reason;
}

TEST(DecodeNdjson, MalformedLineReportsItsBytePositionInTheBody) {
  const std::string first = event_json(0) + "\n";
  TestBatch batch(ContentMode::ndjson, first + R"({"specversion":"1.0","id":"1","data":[1,]})" + "\n");
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 1);
  EXPECT_NE(outcome->reason.find("event 1 (line 2): malformed JSON at byte "), std::string::npos) << outcome->reason;
}

TEST(DecodeNdjson, ArrayLineIsNotAnEvent) {
  TestBatch batch(ContentMode::ndjson, "[" + event_json(0) + "]");
  const auto outcome = batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "event 0 (line 1): the line is not a JSON object");
}

TEST(DecodeNdjson, MaxEventsPerBatchIsEnforced) {
  DecodeOptions options;
  options.max_events_per_batch = 2;
  TestBatch batch(ContentMode::ndjson, event_json(0) + "\n" + event_json(1) + "\n" + event_json(2) + "\n");
  const auto outcome = batch.decode(options);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 2);
}

}  // namespace
}  // namespace sluice
