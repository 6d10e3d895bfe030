#include "event_id.hpp"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(EventId, RoundTrips) {
  const EventKey key{7, 123456789012ULL};
  const std::string id = format_event_id("run-1", key);
  EXPECT_EQ(id, "run-1-7-123456789012");
  EXPECT_EQ(parse_event_id(id, "run-1"), key);
}

TEST(EventId, RejectsOtherRunsAndJunk) {
  EXPECT_FALSE(parse_event_id("run-2-7-1", "run-1"));
  EXPECT_FALSE(parse_event_id("run-1", "run-1"));
  EXPECT_FALSE(parse_event_id("run-1-", "run-1"));
  EXPECT_FALSE(parse_event_id("run-1-7", "run-1"));
  EXPECT_FALSE(parse_event_id("run-1-7-", "run-1"));
  EXPECT_FALSE(parse_event_id("run-1-7-1x", "run-1"));
  EXPECT_FALSE(parse_event_id("run-1-x-1", "run-1"));
  EXPECT_FALSE(parse_event_id("run-17-1", "run-1-"));
  // A run whose id extends ours with one more dash-separated part is not ours.
  EXPECT_FALSE(parse_event_id("run-1-0-5", "run"));
}

TEST(FindJsonString, FindsTheMemberWithOrWithoutSpaces) {
  EXPECT_EQ(find_json_string(R"({"specversion":"1.0","id":"abc-1-2","type":"t"})", "id"), "abc-1-2");
  EXPECT_EQ(find_json_string("{ \"type\" : \"t\",\n  \"id\" :\t\"x\" }", "id"), "x");
}

TEST(FindJsonString, IgnoresTheNameWhenItIsAValue) {
  EXPECT_EQ(find_json_string(R"({"source":"id","subject":"\"id\"","id":"real"})", "id"), "real");
  EXPECT_EQ(find_json_string(R"({"xid":"no","idx":"no","id":"yes"})", "id"), "yes");
}

TEST(FindJsonString, AbsentOrNotAString) {
  EXPECT_FALSE(find_json_string(R"({"type":"t"})", "id"));
  EXPECT_FALSE(find_json_string(R"({"id":5})", "id"));
  EXPECT_FALSE(find_json_string(R"({"id":"unterminated)", "id"));
  EXPECT_FALSE(find_json_string("", "id"));
  EXPECT_FALSE(find_json_string(R"({"id")", "id"));
}

TEST(FindJsonUint, ReadsSluiceAnswers) {
  EXPECT_EQ(find_json_uint(R"({"accepted":100,"filtered":3})", "accepted"), 100u);
  EXPECT_EQ(find_json_uint(R"({"accepted":100,"filtered":3})", "filtered"), 3u);
  EXPECT_EQ(find_json_uint(R"({"accepted": 0})", "accepted"), 0u);
  EXPECT_FALSE(find_json_uint(R"({"accepted":"1"})", "accepted"));
  EXPECT_FALSE(find_json_uint(R"({"accepted":-1})", "accepted"));
  EXPECT_FALSE(find_json_uint(R"({"error":"x"})", "accepted"));
}

}  // namespace
}  // namespace sluice::bench
