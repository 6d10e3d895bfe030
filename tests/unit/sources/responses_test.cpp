#include "sources/http/responses.hpp"

#include <sluice/core/json_string.hpp>

#include <gtest/gtest.h>

namespace sluice {
namespace {

BatchOutcome outcome(BatchOutcome::Status status, std::string reason = {}) {
  BatchOutcome result;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

TEST(AnswerForOutcome, DeadLetteredEventsAreCountedWhenThereAreAny) {
  BatchOutcome delivered = outcome(BatchOutcome::Status::delivered);
  delivered.accepted = 3;
  delivered.dead_lettered = 2;
  EXPECT_EQ(answer_for_outcome(delivered, 1).body, R"({"accepted":3,"filtered":0,"dead_lettered":2})");
}

TEST(AnswerForOutcome, DeliveredIs200WithCounts) {
  BatchOutcome delivered = outcome(BatchOutcome::Status::delivered);
  delivered.accepted = 3;
  delivered.filtered = 2;
  const HttpAnswer answer = answer_for_outcome(delivered, 1);
  EXPECT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.body, R"({"accepted":3,"filtered":2})");
  EXPECT_TRUE(answer.error.empty());
  EXPECT_FALSE(answer.retry_after);
  EXPECT_FALSE(answer.close);
}

TEST(AnswerForOutcome, AcceptedIs202) {
  BatchOutcome accepted = outcome(BatchOutcome::Status::accepted);
  accepted.accepted = 1;
  const HttpAnswer answer = answer_for_outcome(accepted, 1);
  EXPECT_EQ(answer.status, 202u);
  EXPECT_EQ(answer.body, R"({"accepted":1,"filtered":0})");
}

TEST(AnswerForOutcome, InvalidIs400WithIndexAndEscapedReason) {
  BatchOutcome invalid = outcome(BatchOutcome::Status::invalid, "missing \"id\"\n");
  invalid.error_index = 4;
  const HttpAnswer answer = answer_for_outcome(invalid, 1);
  EXPECT_EQ(answer.status, 400u);
  EXPECT_EQ(answer.body, R"({"error":"invalid_event","index":4,"reason":"missing \"id\"\n"})");
  EXPECT_EQ(answer.error, "invalid_event");
  EXPECT_FALSE(answer.retry_after);
}

TEST(AnswerForOutcome, OverloadedIs429WithRetryAfter) {
  const HttpAnswer answer = answer_for_outcome(outcome(BatchOutcome::Status::overloaded, "event budget"), 7);
  EXPECT_EQ(answer.status, 429u);
  EXPECT_EQ(answer.retry_after, 7u);
  EXPECT_EQ(answer.body, R"({"error":"overloaded","reason":"event budget"})");
}

TEST(AnswerForOutcome, UnavailableAndShuttingDownAre503WithRetryAfter) {
  const HttpAnswer failed = answer_for_outcome(outcome(BatchOutcome::Status::unavailable, "broker timeout"), 2);
  EXPECT_EQ(failed.status, 503u);
  EXPECT_EQ(failed.retry_after, 2u);
  EXPECT_EQ(failed.body, R"({"error":"unavailable","reason":"broker timeout"})");
  EXPECT_FALSE(failed.close);

  const HttpAnswer stopping = answer_for_outcome(outcome(BatchOutcome::Status::shutting_down), 2);
  EXPECT_EQ(stopping.status, 503u);
  EXPECT_EQ(stopping.retry_after, 2u);
  EXPECT_TRUE(stopping.close);
  EXPECT_EQ(stopping.metric, "shutting_down");
  EXPECT_NE(stopping.body.find("shutting down"), std::string::npos);
}

TEST(ErrorAnswer, BuildsJsonBody) {
  const HttpAnswer answer = error_answer(415, "unsupported_media_type", "use \\ JSON\t");
  EXPECT_EQ(answer.status, 415u);
  EXPECT_EQ(answer.body, R"({"error":"unsupported_media_type","reason":"use \\ JSON\t"})");
}

TEST(AppendJsonString, EscapesControlCharacters) {
  std::string out;
  append_json_string(out, std::string_view("a\x01z", 3));
  EXPECT_EQ(out, "\"a\\u0001z\"");
}

}  // namespace
}  // namespace sluice
