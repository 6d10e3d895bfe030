// The HTTP source over real sockets: content modes, keep-alive, auth, limits, backpressure,
// acknowledgement modes and shutdown.

#include "raw_client.hpp"
#include "test_pipeline.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kEvent =
    R"({"specversion":"1.0","id":"1","source":"/test","type":"test.event","data":{"n":1}})";

ComponentMetrics& source_metrics(Harness& harness) { return harness.telemetry.component("source", "http"); }

std::string padded_line(std::size_t size) {
  std::string line = R"({"id":")";
  line.append(size - line.size() - 2, 'x');
  line += "\"}";
  return line;
}

// --- Content modes -----------------------------------------------------------------------------

TEST(HttpSource, StructuredEventIsAnsweredAfterDelivery) {
  Harness harness({});
  const auto reply = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, R"({"accepted":1,"filtered":0})");
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(harness.sink.delivered(), 1u);
  EXPECT_EQ(harness.observed->mode, ContentMode::structured);
  EXPECT_EQ(harness.observed->body, kEvent);

  ComponentMetrics& metrics = source_metrics(harness);
  EXPECT_EQ(metrics.events_in.Value(), 1);
  EXPECT_EQ(metrics.bytes_in.Value(), static_cast<double>(kEvent.size()));
  EXPECT_EQ(metrics.ack_latency_seconds.Collect().histogram.sample_count, 1u);
  EXPECT_TRUE(eventually([&] { return metrics.inflight_bytes.Value() == 0; }));
}

TEST(HttpSource, BatchModeCountsAcceptedAndFiltered) {
  Harness harness({});
  const auto reply = round_trip(
      harness.port(), post_text("application/cloudevents-batch+json; charset=utf-8",
                                R"([{"id":"1"},{"id":"2","note":"skip"},{"id":"3"}])"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, R"({"accepted":2,"filtered":1})");
  EXPECT_EQ(harness.sink.delivered(), 2u);
  EXPECT_EQ(harness.observed->mode, ContentMode::batch);
  EXPECT_EQ(source_metrics(harness).events_in.Value(), 3);
}

TEST(HttpSource, NdjsonMode) {
  Harness harness({});
  const auto reply =
      round_trip(harness.port(), post_text("application/x-ndjson", "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, R"({"accepted":3,"filtered":0})");
  EXPECT_EQ(harness.observed->mode, ContentMode::ndjson);
}

TEST(HttpSource, BinaryModeCarriesDecodedCeHeaders) {
  Harness harness({});
  const std::string body = R"({"message": "Hello World!"})";
  const auto reply = round_trip(harness.port(), post_text("application/json; charset=utf-8", body,
                                                          {{"ce-specversion", "1.0"},
                                                           {"ce-type", "com.example.someevent"},
                                                           {"ce-time", "2018-04-05T03:56:24Z"},
                                                           {"ce-id", "1234-1234-1234"},
                                                           {"ce-source", "/mycontext/subcontext"},
                                                           {"CE-Subject", "Euro%20%E2%82%AC"}}));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  std::lock_guard lock(harness.observed->mutex);
  EXPECT_EQ(harness.observed->mode, ContentMode::binary);
  EXPECT_EQ(harness.observed->body, body);
  auto& attributes = harness.observed->binary_attributes;
  EXPECT_EQ(attributes["specversion"], "1.0");
  EXPECT_EQ(attributes["id"], "1234-1234-1234");
  EXPECT_EQ(attributes["source"], "/mycontext/subcontext");
  EXPECT_EQ(attributes["type"], "com.example.someevent");
  EXPECT_EQ(attributes["time"], "2018-04-05T03:56:24Z");
  EXPECT_EQ(attributes["subject"], "Euro \xE2\x82\xAC");
  EXPECT_EQ(attributes["datacontenttype"], "application/json; charset=utf-8");
}

TEST(HttpSource, BinaryModeWithUndecodableHeaderIs400) {
  Harness harness({});
  const auto reply = round_trip(harness.port(), post_text("application/json", "{}",
                                                          {{"ce-specversion", "1.0"}, {"ce-id", "%C0%A0"}}));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400u);
  EXPECT_NE(reply->body.find(R"("error":"invalid_event")"), std::string::npos);
  EXPECT_EQ(harness.sink.delivered(), 0u);
}

TEST(HttpSource, PlainJsonIsWrappedOnlyWhenConfigured) {
  {
    Harness harness({});
    const auto reply = round_trip(harness.port(), post_text("application/json", R"({"a":1})"));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 415u);
  }
  Harness harness({"wrap_plain_json: true\nwrap_source: /legacy\n"});
  const auto reply = round_trip(harness.port(), post_text("application/json", R"({"a":1})"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  std::lock_guard lock(harness.observed->mutex);
  EXPECT_EQ(harness.observed->mode, ContentMode::plain_json);
  EXPECT_EQ(harness.observed->wrap_source, "/legacy");
  EXPECT_EQ(harness.observed->wrap_type, "sluice.json");
}

TEST(HttpSource, InvalidEventIs400WithItsIndex) {
  Harness harness({});
  const auto reply =
      round_trip(harness.port(), post_text("application/cloudevents-batch+json", R"([{"id":"1"},{"id":"bad"}])"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400u);
  EXPECT_EQ(reply->body, R"({"error":"invalid_event","index":1,"reason":"bad event"})");
  EXPECT_EQ(harness.sink.delivered(), 0u);
  EXPECT_EQ(harness.error_count("invalid_event"), 1);
}

TEST(HttpSource, ChunkedBody) {
  Harness harness({});
  RawClient client(harness.port());
  client.send(request_text("POST", "/", "b\r\n{\"id\":\"1\"}\n\r\na\r\n{\"id\":\"2\"}\r\n0\r\n\r\n",
                           {{"Content-Type", "application/x-ndjson"}, {"Transfer-Encoding", "chunked"}}));
  const auto reply = client.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, R"({"accepted":2,"filtered":0})");
  EXPECT_TRUE(reply->keep_alive);
  EXPECT_TRUE(eventually([&] { return harness.budget_in_use() == 0; }));
}

TEST(HttpSource, ChunkedBodyOverTheLimitIs413) {
  Harness harness({"max_body_bytes: 1KiB\n"});
  RawClient client(harness.port());
  client.send(request_text("POST", "/", "800\r\n" + std::string(0x800, 'x') + "\r\n0\r\n\r\n",
                           {{"Content-Type", "application/x-ndjson"}, {"Transfer-Encoding", "chunked"}}));
  const auto reply = client.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413u);
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return harness.budget_in_use() == 0; }));
}

TEST(HttpSource, ExpectContinueGets100BeforeTheBody) {
  Harness harness({});
  RawClient client(harness.port());
  const std::string body = "{\"id\":\"1\"}\n";
  client.send(fmt::format("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                          "Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
                          body.size()));
  const auto interim = client.read_reply();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100u);
  client.send(body);
  const auto reply = client.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
}

// --- Connections -------------------------------------------------------------------------------

TEST(HttpSource, KeepAliveServesSeveralRequestsOnOneConnection) {
  Harness harness({});
  RawClient client(harness.port());
  for (int i = 0; i < 3; ++i) {
    client.send(post_text("application/cloudevents+json", kEvent));
    const auto reply = client.read_reply();
    ASSERT_TRUE(reply) << "request " << i;
    EXPECT_EQ(reply->status, 200u);
    EXPECT_TRUE(reply->keep_alive);
  }
  EXPECT_EQ(harness.sink.delivered(), 3u);
}

TEST(HttpSource, PipelinedRequestsAreAnsweredInOrder) {
  Harness harness({});
  RawClient client(harness.port());
  client.send(post_text("application/x-ndjson", "{\"id\":\"1\"}\n") +
              post_text("application/x-ndjson", "{\"id\":\"2\"}\n{\"id\":\"3\"}\n"));
  const auto first = client.read_reply();
  const auto second = client.read_reply();
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->body, R"({"accepted":1,"filtered":0})");
  EXPECT_EQ(second->body, R"({"accepted":2,"filtered":0})");
}

TEST(HttpSource, ConnectionFloodBeyondMaxConnectionsGets503ThenRecovers) {
  Harness harness({"max_connections: 4\n"});
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawClient>(harness.port()));
    // A completed request proves this connection was accepted and counted.
    held.back()->send(post_text("application/x-ndjson", "{\"id\":\"1\"}\n"));
    ASSERT_TRUE(held.back()->read_reply());
  }
  for (int i = 0; i < 6; ++i) {
    RawClient extra(harness.port());
    extra.send(post_text("application/x-ndjson", "{\"id\":\"1\"}\n"));
    const auto reply = extra.read_reply();
    ASSERT_TRUE(reply) << "extra connection " << i;
    EXPECT_EQ(reply->status, 503u);
    EXPECT_EQ(reply->header("retry-after"), "1");
    EXPECT_FALSE(reply->keep_alive);
    EXPECT_NE(reply->body.find("max_connections"), std::string::npos);
    EXPECT_TRUE(extra.wait_closed(5s));
  }
  EXPECT_EQ(harness.error_count("too_many_connections"), 6);
  EXPECT_EQ(harness.sink.delivered(), 4u);  // none of the turned-away requests went through
  held.clear();
  EXPECT_TRUE(eventually([&] {
    const auto reply = round_trip(harness.port(), post_text("application/x-ndjson", "{\"id\":\"1\"}\n"));
    return reply && reply->status == 200;
  }));
}

// --- Refusals before the body ----------------------------------------------------------------------

TEST(HttpSource, BearerTokenAuth) {
  Harness harness({"auth: { bearer_token: s3cret }\n"});
  const auto missing = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401u);
  EXPECT_EQ(missing->header("www-authenticate"), R"(Bearer realm="sluice")");
  EXPECT_NE(missing->body.find(R"("error":"unauthorized")"), std::string::npos);

  const auto wrong = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent,
                                                          {{"Authorization", "Bearer guess"}}));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403u);

  const auto right = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent,
                                                          {{"Authorization", "Bearer s3cret"}}));
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200u);
  EXPECT_EQ(harness.sink.delivered(), 1u);
  EXPECT_EQ(harness.error_count("unauthorized"), 1);
  EXPECT_EQ(harness.error_count("forbidden"), 1);
}

TEST(HttpSource, WrongPathIs404AndWrongMethodIs405) {
  Harness harness({"path: /events\n"});
  const auto not_found = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent, {}, "/"));
  ASSERT_TRUE(not_found);
  EXPECT_EQ(not_found->status, 404u);
  EXPECT_NE(not_found->body.find("/events"), std::string::npos);

  RawClient client(harness.port());
  client.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto not_allowed = client.read_reply();
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->status, 405u);
  EXPECT_EQ(not_allowed->header("allow"), "POST");
  // Nothing was left unread, so the connection stays usable.
  EXPECT_TRUE(not_allowed->keep_alive);
  client.send(post_text("application/cloudevents+json", kEvent, {}, "/events?x=1"));
  const auto accepted = client.read_reply();
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200u);
}

TEST(HttpSource, DeclaredBodyTooLargeIs413WithoutReadingIt) {
  Harness harness({"max_body_bytes: 1KiB\n"});
  RawClient client(harness.port());
  // Only the header is sent: an answer proves the server did not wait for the 10 MiB.
  client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 10485760\r\n\r\n");
  const auto reply = client.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413u);
  EXPECT_FALSE(reply->keep_alive);
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(harness.budget_in_use(), 0u);
}

TEST(HttpSource, UnsupportedMediaTypeIs415) {
  Harness harness({});
  const auto reply = round_trip(harness.port(), post_text("text/plain", "hello"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 415u);
  EXPECT_NE(reply->body.find(R"("error":"unsupported_media_type")"), std::string::npos);
  EXPECT_EQ(harness.error_count("unsupported_media_type"), 1);
}

TEST(HttpSource, OversizedHeaderIs431) {
  Harness harness({"max_header_bytes: 1KiB\n"});
  const auto reply = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent,
                                                          {{"X-Padding", std::string(4000, 'p')}}));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431u);
  EXPECT_EQ(harness.error_count("header_too_large"), 1);
}

// --- Slow and broken clients -------------------------------------------------------------------------

TEST(HttpSource, TruncatedBodyReleasesItsBudget) {
  Harness harness({});
  {
    RawClient client(harness.port());
    client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n" +
                std::string(100, 'x'));
    ASSERT_TRUE(eventually([&] { return harness.budget_in_use() == 1000; }));
    EXPECT_EQ(source_metrics(harness).inflight_bytes.Value(), 1000);
  }  // closes mid-body
  EXPECT_TRUE(eventually([&] { return harness.budget_in_use() == 0; }));
  EXPECT_TRUE(eventually([&] { return harness.error_count("truncated_body") == 1; }));
  EXPECT_EQ(source_metrics(harness).inflight_bytes.Value(), 0);
  EXPECT_EQ(harness.sink.delivered(), 0u);
  const auto reply = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
}

TEST(HttpSource, StalledBodyTimesOutWith408AndClose) {
  Harness harness({"body_timeout: 300ms\n"});
  RawClient client(harness.port());
  const auto sent_at = std::chrono::steady_clock::now();
  client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n" +
              std::string(10, 'x'));
  const auto reply = client.read_reply(5s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 408u);
  EXPECT_GE(std::chrono::steady_clock::now() - sent_at, 300ms);
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(harness.budget_in_use(), 0u);
  EXPECT_EQ(harness.error_count("request_timeout"), 1);
}

// --- Backpressure and acknowledgement ---------------------------------------------------------------

TEST(HttpSource, OverBudgetIs429WithoutReadingThenRecovers) {
  Harness harness({.source_yaml = "retry_after: 3\n", .budget_bytes = 1000});
  harness.sink.set_mode(TestSink::Mode::hold);
  const std::string body = padded_line(600);

  RawClient first(harness.port());
  first.send(post_text("application/x-ndjson", body));
  ASSERT_TRUE(harness.sink.wait_held(1));
  EXPECT_EQ(source_metrics(harness).inflight_bytes.Value(), 600);

  RawClient second(harness.port());
  second.send(post_text("application/x-ndjson", body));
  const auto refused = second.read_reply();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429u);
  EXPECT_EQ(refused->header("retry-after"), "3");
  EXPECT_FALSE(refused->keep_alive);
  EXPECT_NE(refused->body.find(R"("error":"overloaded")"), std::string::npos);
  EXPECT_TRUE(second.wait_closed(5s));

  harness.sink.set_mode(TestSink::Mode::deliver);
  harness.sink.release_held();
  const auto answered = first.read_reply();
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 200u);

  const auto retried = round_trip(harness.port(), post_text("application/x-ndjson", body));
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->status, 200u);
  // Every 200 was confirmed by the sink, and nothing of the refused request reached it.
  EXPECT_EQ(harness.sink.delivered(), 2u);
  EXPECT_EQ(harness.error_count("overloaded"), 1);
  EXPECT_TRUE(eventually([&] { return harness.budget_in_use() == 0; }));
}

TEST(HttpSource, OverloadWaitHoldsTheClientUntilBudgetFrees) {
  Harness harness({.source_yaml = "overload: wait\nadmission_timeout: 10s\n", .budget_bytes = 1000});
  harness.sink.set_mode(TestSink::Mode::hold);
  const std::string body = padded_line(600);

  RawClient first(harness.port());
  first.send(post_text("application/x-ndjson", body));
  ASSERT_TRUE(harness.sink.wait_held(1));

  RawClient second(harness.port());
  second.send(post_text("application/x-ndjson", body));
  EXPECT_FALSE(second.read_reply(300ms));  // held back, not refused
  EXPECT_EQ(harness.sink.held(), 1u);

  harness.sink.set_mode(TestSink::Mode::deliver);
  harness.sink.release_held();
  const auto first_reply = first.read_reply();
  const auto second_reply = second.read_reply();
  ASSERT_TRUE(first_reply);
  ASSERT_TRUE(second_reply);
  EXPECT_EQ(first_reply->status, 200u);
  EXPECT_EQ(second_reply->status, 200u);
  EXPECT_EQ(harness.sink.delivered(), 2u);
}

TEST(HttpSource, OverloadWaitGivesUpAfterAdmissionTimeoutWith503) {
  Harness harness({.source_yaml = "overload: wait\nadmission_timeout: 300ms\n", .budget_bytes = 1000});
  harness.sink.set_mode(TestSink::Mode::hold);
  const std::string body = padded_line(600);
  RawClient first(harness.port());
  first.send(post_text("application/x-ndjson", body));
  ASSERT_TRUE(harness.sink.wait_held(1));

  const auto reply = round_trip(harness.port(), post_text("application/x-ndjson", body));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503u);
  EXPECT_EQ(reply->header("retry-after"), "1");
  EXPECT_NE(reply->body.find("admission_timeout"), std::string::npos);
  EXPECT_EQ(harness.error_count("admission_timeout"), 1);
  harness.sink.release_held();
}

TEST(HttpSource, SinkFailureIs503WithRetryAfter) {
  Harness harness({});
  harness.sink.set_mode(TestSink::Mode::fail);
  const auto reply = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503u);
  EXPECT_EQ(reply->header("retry-after"), "1");
  EXPECT_EQ(reply->body, R"({"error":"unavailable","reason":"test broker is down"})");
  EXPECT_EQ(harness.error_count("unavailable"), 1);
  EXPECT_EQ(source_metrics(harness).events_in.Value(), 0);
}

TEST(HttpSource, AckModeAcceptedAnswers202BeforeDelivery) {
  Harness harness({"ack_mode: accepted\n"});
  harness.sink.set_mode(TestSink::Mode::hold);
  const auto reply = round_trip(harness.port(), post_text("application/cloudevents+json", kEvent));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 202u);
  EXPECT_EQ(reply->body, R"({"accepted":1,"filtered":0})");
  EXPECT_TRUE(harness.sink.wait_held(1));
  EXPECT_EQ(harness.sink.delivered(), 0u);
  harness.sink.release_held();
  EXPECT_TRUE(eventually([&] { return harness.budget_in_use() == 0; }));
}

// --- Shutdown ----------------------------------------------------------------------------------------

TEST(HttpSource, StopAcceptingClosesKeepAliveConnectionsAfterTheirNextAnswer) {
  Harness harness({});
  EXPECT_TRUE(harness.source->ready());
  RawClient client(harness.port());
  client.send(post_text("application/cloudevents+json", kEvent));
  const auto before = client.read_reply();
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->keep_alive);

  harness.source->stop_accepting();
  EXPECT_FALSE(harness.source->ready());
  client.send(post_text("application/cloudevents+json", kEvent));
  const auto after = client.read_reply();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200u);
  EXPECT_FALSE(after->keep_alive);
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return !RawClient(harness.port()).connected(); }));
}

TEST(HttpSource, StopClosesIdleConnections) {
  Harness harness({});
  RawClient client(harness.port());
  client.send(post_text("application/cloudevents+json", kEvent));
  ASSERT_TRUE(client.read_reply());
  harness.source->stop();
  EXPECT_TRUE(client.wait_closed(5s));
}

}  // namespace
}  // namespace sluice::test
