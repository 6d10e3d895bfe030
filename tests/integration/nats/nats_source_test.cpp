// The NATS source against a real nats-server (JetStream enabled), through a real Pipeline.

#include "pipeline_harness.hpp"
#include "support/nats_fixture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <set>

namespace sluice {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::NatsClient;
using testing::NatsServer;
using testing::PipelineHarness;
using testing::TestSink;

std::string event_json(const std::string& id, std::size_t padding = 0) {
  return fmt::format(R"({{"specversion":"1.0","id":"{}","source":"/test","type":"com.example.test",)"
                     R"("datacontenttype":"application/json","data":{{"pad":"{}"}}}})",
                     id, std::string(padding, 'x'));
}

std::string server_url() { return NatsServer::shared().url(); }

class NatsSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    NatsServer& server = NatsServer::shared();
    std::printf("[   INFO   ] nats-server %s ready in %lld ms\n", server.url().c_str(),
                static_cast<long long>(server.last_start_time().count()));
  }
};

// --- JetStream --------------------------------------------------------------------------------

TEST_F(NatsSourceTest, JetStreamIsAtLeastOnceAcrossASinkOutage) {
  constexpr int kEvents = 40;
  PipelineHarness harness;
  harness.sink().set_mode(TestSink::Mode::hold);
  harness.add_source("outage", "    url: " + server_url() + R"(
    jetstream:
      - { stream: OUTAGE, subjects: [outage.>], durable: sluice, ack_wait: 10s, nak_delay: 200ms,
          fetch_timeout: 200ms, payload: structured }
)");
  NatsClient client(server_url());
  for (int i = 0; i < kEvents; ++i) client.publish_js("outage.events", event_json(fmt::format("o-{}", i)));

  // The sink holds every event: all are delivered to sluice, none is acked.
  ASSERT_TRUE(eventually([&] { return harness.sink().held() == kEvents; })) << harness.sink().held();
  auto state = client.consumer_state("OUTAGE", "sluice");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->ack_pending, kEvents);
  EXPECT_EQ(state->ack_floor, 0u) << "acked before the sink confirmed";

  // The sink fails: every batch is Nak'ed with a delay and comes back, still unacked.
  harness.sink().set_mode(TestSink::Mode::fail);
  harness.sink().release(DeliveryStatus::retryable_failure);
  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < kEvents; ++i) {
      if (harness.sink().times_seen(fmt::format("o-{}", i)) < 3) return false;
    }
    return true;
  })) << "events were not redelivered after the Nak";
  state = client.consumer_state("OUTAGE", "sluice");
  EXPECT_EQ(state->ack_floor, 0u) << "acked although the sink failed";
  EXPECT_GE(harness.error_count("outage", "unavailable"), 2.0 * kEvents);
  EXPECT_TRUE(harness.sink().delivered().empty());

  // The sink recovers: every event arrives, and only now is everything acked.
  harness.sink().set_mode(TestSink::Mode::deliver);
  ASSERT_TRUE(eventually([&] {
    std::set<std::string> ids;
    for (const auto& event : harness.sink().delivered()) ids.insert(event.id);
    return ids.size() == kEvents;
  }));
  ASSERT_TRUE(eventually([&] {
    state = client.consumer_state("OUTAGE", "sluice");
    return state && state->ack_pending == 0 && state->pending == 0 && state->ack_floor == kEvents;
  })) << "ack_pending "
      << state->ack_pending << " ack_floor " << state->ack_floor;
  EXPECT_EQ(harness.metrics("outage").events_in.Value(), static_cast<double>(harness.sink().delivered().size()));
}

TEST_F(NatsSourceTest, InProgressAcksKeepASlowDeliveryFromBeingRedelivered) {
  PipelineHarness harness;
  harness.sink().set_mode(TestSink::Mode::hold);
  harness.add_source("slow", "    url: " + server_url() + R"(
    jetstream:
      - { stream: SLOW, subjects: [slow.>], durable: sluice, ack_wait: 1s, fetch_timeout: 200ms }
)");
  NatsClient client(server_url());
  client.publish_js("slow.events", event_json("slow-1"));
  ASSERT_TRUE(eventually([&] { return harness.sink().held() == 1; }));

  // Held for 2.5 ack waits: without in-progress acks the server would redeliver after 1s.
  EXPECT_FALSE(eventually([&] { return harness.sink().times_seen("slow-1") > 1; }, 2500ms));
  harness.sink().release(DeliveryStatus::delivered);
  std::optional<testing::ConsumerState> state;
  ASSERT_TRUE(eventually([&] {
    state = client.consumer_state("SLOW", "sluice");
    return state && state->ack_pending == 0 && state->ack_floor == 1;
  }));
  EXPECT_EQ(state->redelivered, 0);
  EXPECT_EQ(harness.sink().times_seen("slow-1"), 1);
}

TEST_F(NatsSourceTest, UndecodableMessagesAreTerminatedAndCounted) {
  PipelineHarness harness;
  NatsSource& source = harness.add_source("bad", "    url: " + server_url() + R"(
    jetstream:
      - { stream: BAD, subjects: [bad.>], durable: sluice, ack_wait: 1s, fetch_timeout: 200ms, payload: structured }
)");
  NatsClient client(server_url());
  client.publish_js("bad.events", "this is not JSON");
  client.publish_js("bad.events", R"({"specversion":"1.0","id":"no-source","type":"t"})");
  client.publish_js("bad.events", event_json("good-1"));

  ASSERT_TRUE(eventually([&] { return harness.metrics("bad").dead_lettered.Value() == 2; }));
  ASSERT_TRUE(eventually([&] { return harness.sink().delivered().size() == 1; }));
  std::optional<testing::ConsumerState> state;
  ASSERT_TRUE(eventually([&] {
    state = client.consumer_state("BAD", "sluice");
    return state && state->ack_pending == 0 && state->pending == 0 && state->ack_floor == 3;
  }));
  // Terminated, so never offered again, not even after the ack wait.
  EXPECT_FALSE(eventually([&] { return source.jetstream_stats()[0].messages > 3; }, 1500ms));
  EXPECT_EQ(client.consumer_state("BAD", "sluice")->redelivered, 0);
  EXPECT_EQ(harness.error_count("bad", "invalid"), 2);
  EXPECT_EQ(harness.sink().delivered()[0].id, "good-1");
}

TEST_F(NatsSourceTest, FetchSizeFollowsTheFreeBudget) {
  constexpr std::uint64_t kBudget = 8 * 1024;
  constexpr int kEvents = 60;
  PipelineHarness harness(kBudget);
  harness.sink().set_mode(TestSink::Mode::hold);
  NatsSource& source = harness.add_source("budget", "    url: " + server_url() + R"(
    jetstream:
      - { stream: BUDGET, subjects: [budget.>], durable: sluice, fetch_batch: 100, fetch_timeout: 200ms }
)");
  NatsClient client(server_url());
  for (int i = 0; i < kEvents; ++i) client.publish_js("budget.events", event_json(fmt::format("b-{}", i), 850));

  // About 8 messages of ~1 KB fit: sluice takes that many and then waits for the budget.
  ASSERT_TRUE(eventually([&] { return harness.sink().held() >= 4; }));
  EXPECT_FALSE(eventually([&] { return harness.pipeline().admission().bytes_in_use() > kBudget; }, 500ms));
  const auto state = client.consumer_state("BUDGET", "sluice");
  EXPECT_LE(state->ack_pending, 16) << "fetched far beyond the budget";
  EXPECT_LE(source.jetstream_stats()[0].largest_fetch, 8u);
  EXPECT_LE(harness.sink().held(), 8u);

  // Releasing the budget lets the rest through, still in budget-sized fetches.
  harness.sink().set_mode(TestSink::Mode::deliver);
  harness.sink().release(DeliveryStatus::delivered);
  ASSERT_TRUE(eventually([&] { return harness.sink().delivered().size() >= kEvents; }));
  EXPECT_LE(source.jetstream_stats()[0].largest_fetch, 8u);
  EXPECT_GT(source.jetstream_stats()[0].fetches, 5u);
}

// --- Core NATS --------------------------------------------------------------------------------

TEST_F(NatsSourceTest, CoreSubscriptionsHonourWildcardsAndQueueGroups) {
  PipelineHarness harness;
  const std::string yaml = "    url: " + server_url() + R"(
    subscriptions:
      - { subject: core.*.events, queue_group: workers, payload: structured }
)";
  harness.add_source("core-a", yaml);
  harness.add_source("core-b", yaml);
  NatsClient client(server_url());
  constexpr int kMatching = 200;
  for (int i = 0; i < kMatching; ++i) {
    client.publish(i % 2 == 0 ? "core.x.events" : "core.y.events", event_json(fmt::format("c-{}", i)));
    client.publish("core.x.other", event_json(fmt::format("other-{}", i)));
    client.publish("core.x.events.deep", event_json(fmt::format("deep-{}", i)));
  }
  client.flush();

  ASSERT_TRUE(eventually([&] { return harness.sink().delivered().size() >= kMatching; }));
  EXPECT_FALSE(eventually([&] { return harness.sink().delivered().size() > kMatching; }, 300ms));
  std::set<std::string> ids;
  for (const auto& event : harness.sink().delivered()) ids.insert(event.id);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kMatching)) << "a queue group member got a duplicate";
  EXPECT_EQ(ids.count("other-0") + ids.count("deep-0"), 0u);
  // Both members took a share of the group's messages.
  EXPECT_GT(harness.metrics("core-a").events_in.Value(), 0);
  EXPECT_GT(harness.metrics("core-b").events_in.Value(), 0);
  EXPECT_EQ(harness.metrics("core-a").events_in.Value() + harness.metrics("core-b").events_in.Value(), kMatching);
}

TEST_F(NatsSourceTest, CoreDropsBeyondThePendingLimitsAreCounted) {
  PipelineHarness harness;
  harness.add_source("drops", "    url: " + server_url() + R"(
    subscriptions:
      - { subject: drops.events, pending_messages: 1, payload: structured }
)");
  NatsClient client(server_url());
  constexpr int kEvents = 5000;
  for (int i = 0; i < kEvents; ++i) client.publish("drops.events", event_json(fmt::format("d-{}", i)));
  client.flush();

  // Every message is either delivered or counted as dropped (at-most-once, never silent).
  ASSERT_TRUE(eventually([&] {
    return harness.sink().delivered().size() + harness.metrics("drops").dropped.Value() >= kEvents;
  })) << harness.sink().delivered().size()
      << " delivered, " << harness.metrics("drops").dropped.Value() << " dropped";
  EXPECT_GT(harness.metrics("drops").dropped.Value(), 0);
  EXPECT_EQ(harness.error_count("drops", "slow_consumer"), harness.metrics("drops").dropped.Value());
  EXPECT_EQ(harness.sink().delivered().size() + harness.metrics("drops").dropped.Value(), kEvents);
}

// --- Payload modes ----------------------------------------------------------------------------

TEST_F(NatsSourceTest, BinaryModeReadsCloudEventsHeaders) {
  PipelineHarness harness;
  harness.add_source("binary", "    url: " + server_url() + R"(
    subscriptions: [{ subject: binary.events }]
)");
  NatsClient client(server_url());
  client.publish("binary.events", R"({"vm":"web-1","state":"on"})",
                 {{"ce-specversion", "1.0"},
                  {"ce-id", "bin-1"},
                  {"ce-type", "com.example.vm.power"},
                  {"ce-source", "/vcenter/dc%201"},
                  {"ce-time", "2024-05-01T12:00:00Z"},
                  {"ce-datacontenttype", "application/json"},
                  {"ce-myext", "hello%20world"}});
  client.flush();
  ASSERT_TRUE(eventually([&] { return harness.sink().delivered().size() == 1; }));
  const auto event = harness.sink().delivered()[0];
  EXPECT_EQ(event.id, "bin-1");
  EXPECT_EQ(event.type, "com.example.vm.power");
  EXPECT_EQ(event.source, "/vcenter/dc 1");
  EXPECT_EQ(event.datacontenttype, "application/json");
  EXPECT_EQ(event.data, R"({"vm":"web-1","state":"on"})");
  EXPECT_EQ(event.extensions.at("myext"), "hello world");
}

TEST_F(NatsSourceTest, WrapsAporetoPublicationsWithTemplatedTypeAndSource) {
  PipelineHarness harness;
  harness.add_source("aporeto", "    url: " + server_url() + R"(
    jetstream:
      - stream: APORETO
        subjects: [aporeto.>]
        durable: sluice
        fetch_timeout: 200ms
        payload: wrap
        wrap: { type: "aporeto.{data.identity}.{data.type}", source: "nats://{nats.subject}" }
)");
  NatsClient client(server_url());
  const std::string publication =
      R"({"entity":{"ID":"5d1f","name":"frontend","namespace":"/acme/prod"},"identity":"processingunit",)"
      R"("type":"create","timestamp":"2024-05-01T12:00:00Z","encoding":"application/json"})";
  client.publish_js("aporeto.events.processingunit", publication);
  ASSERT_TRUE(eventually([&] { return harness.sink().delivered().size() == 1; }));
  const auto event = harness.sink().delivered()[0];
  EXPECT_EQ(event.type, "aporeto.processingunit.create");
  EXPECT_EQ(event.source, "nats://aporeto.events.processingunit");
  EXPECT_EQ(event.datacontenttype, "application/json");
  EXPECT_EQ(event.data, publication);
  EXPECT_EQ(event.id, "APORETO-1") << "a wrapped JetStream message is named by stream and sequence";
  ASSERT_TRUE(eventually([&] { return client.consumer_state("APORETO", "sluice")->ack_floor == 1; }));
}

TEST_F(NatsSourceTest, AWrappedJetStreamMessageKeepsItsIdWhenRedelivered) {
  NatsClient client(server_url());
  client.delete_stream("REWRAP");  // the ids below assume sequences from 1 (--gtest_repeat)
  PipelineHarness harness;
  harness.sink().set_mode(TestSink::Mode::fail);
  harness.add_source("rewrap", "    url: " + server_url() + R"(
    jetstream:
      - { stream: REWRAP, subjects: [rewrap.>], durable: sluice, nak_delay: 100ms, fetch_timeout: 200ms,
          payload: wrap }
)");
  client.publish_js("rewrap.events", R"({"first":true})");
  client.publish_js("rewrap.events", R"({"second":true})");

  // Nak'ed after each failure and fetched again: the same two ids every time, so a consumer
  // downstream can tell a redelivery from a new event.
  ASSERT_TRUE(eventually([&] {
    return harness.sink().times_seen("REWRAP-1") >= 3 && harness.sink().times_seen("REWRAP-2") >= 3;
  })) << harness.sink().times_seen("REWRAP-1") << " and " << harness.sink().times_seen("REWRAP-2");
  EXPECT_GE(client.consumer_state("REWRAP", "sluice")->redelivered, 2);

  harness.sink().set_mode(TestSink::Mode::deliver);
  ASSERT_TRUE(eventually([&] {
    const auto state = client.consumer_state("REWRAP", "sluice");
    return state && state->ack_floor == 2 && state->ack_pending == 0;
  }));
  // Both acked, so nothing more arrives: every delivery the sink ever saw carried one of the two ids.
  EXPECT_EQ(harness.sink().received(), static_cast<std::size_t>(harness.sink().times_seen("REWRAP-1") +
                                                                 harness.sink().times_seen("REWRAP-2")))
      << "a redelivery got another id";
  std::set<std::string> ids;
  for (const auto& event : harness.sink().delivered()) ids.insert(event.id);
  EXPECT_EQ(ids, (std::set<std::string>{"REWRAP-1", "REWRAP-2"}));
}

TEST_F(NatsSourceTest, WrappedCoreMessagesGetUniqueIds) {
  PipelineHarness harness;
  harness.add_source("corewrap", "    url: " + server_url() + R"(
    subscriptions: [{ subject: corewrap.events, payload: wrap }]
)");
  NatsClient client(server_url());
  for (int i = 0; i < 3; ++i) client.publish("corewrap.events", R"({"same":"payload"})");
  client.flush();
  ASSERT_TRUE(eventually([&] { return harness.sink().delivered().size() == 3; }));
  std::set<std::string> ids;
  for (const auto& event : harness.sink().delivered()) ids.insert(event.id);
  EXPECT_EQ(ids.size(), 3u) << "core NATS has no sequence: each message needs its own id";
}

// --- Lifecycle --------------------------------------------------------------------------------

TEST_F(NatsSourceTest, StartFailuresNameTheConfigKey) {
  PipelineHarness harness;
  const auto error_of = [&](const std::string& name, const std::string& yaml) -> std::string {
    try {
      harness.add_source(name, yaml);
    } catch (const std::exception& error) {
      return error.what();
    }
    return "(started)";
  };
  EXPECT_NE(error_of("unreachable",
                     "    url: nats://127.0.0.1:1\n    connect_timeout: 200ms\n"
                     "    subscriptions: [{ subject: s }]\n")
                .find("sources.unreachable.url: cannot connect to nats://127.0.0.1:1"),
            std::string::npos);
  EXPECT_NE(error_of("nostream", "    url: " + server_url() + "\n    jetstream: [{ stream: NOPE, durable: d }]\n")
                .find("sources.nostream.jetstream[0].stream: stream 'NOPE' does not exist"),
            std::string::npos);
}

TEST_F(NatsSourceTest, ResumesAfterTheServerRestarts) {
  PipelineHarness harness;
  NatsSource& source = harness.add_source("restart", "    url: " + server_url() + R"(
    reconnect_wait: 100ms
    reconnect_jitter: 0ms
    subscriptions: [{ subject: restart.core, payload: structured }]
    jetstream:
      - { stream: RESTART, subjects: [restart.js], durable: sluice, fetch_timeout: 200ms, payload: structured }
)");
  const auto delivered = [&](std::string_view prefix) {
    for (const auto& event : harness.sink().delivered()) {
      if (event.id.starts_with(prefix)) return true;
    }
    return false;
  };
  {
    NatsClient client(server_url());
    client.publish("restart.core", event_json("before-core"));
    client.publish_js("restart.js", event_json("before-js"));
    client.flush();
  }
  ASSERT_TRUE(eventually([&] { return delivered("before-core") && delivered("before-js"); }));

  NatsServer::shared().restart();
  NatsClient client(server_url());
  // JetStream keeps what is published while sluice reconnects; core NATS does not, so the core
  // publisher repeats until the resubscribed source hears it.
  client.publish_js("restart.js", event_json("after-js"));
  int attempt = 0;
  ASSERT_TRUE(eventually([&] {
    client.publish("restart.core", event_json(fmt::format("after-core-{}", attempt++)));
    client.flush();
    return delivered("after-core");
  }));
  ASSERT_TRUE(eventually([&] { return delivered("after-js"); }));
  EXPECT_TRUE(eventually([&] { return source.ready(); }));
  std::printf("[   INFO   ] nats-server restarted in %lld ms\n",
              static_cast<long long>(NatsServer::shared().last_start_time().count()));
}

TEST_F(NatsSourceTest, AuthenticatesWithATokenOrAUserAndPasswordAndNeverShowsThem) {
  NatsServer token_server({"--auth", "t0ken-s3cret"}, "t0ken-s3cret");
  NatsServer user_server({"--user", "ingest", "--pass", "pa55-s3cret"}, "ingest:pa55-s3cret");
  const std::string password_file = ::testing::TempDir() + "nats-password";
  std::ofstream(password_file) << "pa55-s3cret\n";
  PipelineHarness harness;
  const auto error_of = [&](const std::string& name, const std::string& yaml) -> std::string {
    try {
      harness.add_source(name, yaml);
    } catch (const std::exception& error) {
      return error.what();
    }
    return "(started)";
  };
  const std::string subscriptions = "    subscriptions: [{ subject: auth.events, payload: structured }]\n";
  harness.add_source("token", "    url: " + token_server.address() + "\n    token: t0ken-s3cret\n" + subscriptions);
  harness.add_source("user", "    url: " + user_server.address() +
                                 "\n    user: ingest\n    password_file: " + password_file + "\n" + subscriptions);
  NatsClient token_client(token_server.url());
  NatsClient user_client(user_server.url());
  token_client.publish("auth.events", event_json("by-token"));
  user_client.publish("auth.events", event_json("by-user"));
  token_client.flush();
  user_client.flush();
  ASSERT_TRUE(eventually([&] { return harness.sink().delivered().size() == 2; }));

  const std::string wrong_token =
      error_of("wrong-token", "    url: " + token_server.address() + "\n    token: wrong-t0ken\n" + subscriptions);
  EXPECT_NE(wrong_token.find("sources.wrong-token.url: cannot connect to " + token_server.address()), std::string::npos)
      << wrong_token;
  EXPECT_EQ(wrong_token.find("t0ken"), std::string::npos) << wrong_token;
  const std::string wrong_password =
      error_of("wrong-password", "    url: nats://ingest:wrong-pa55@127.0.0.1:" + std::to_string(user_server.port()) +
                                     "\n" + subscriptions);
  EXPECT_NE(wrong_password.find("cannot connect to nats://127.0.0.1:"), std::string::npos) << wrong_password;
  EXPECT_EQ(wrong_password.find("pa55"), std::string::npos) << wrong_password;
  std::remove(password_file.c_str());
}

TEST_F(NatsSourceTest, ReadyWhileConnected) {
  PipelineHarness harness;
  NatsSource& source =
      harness.add_source("ready", "    url: " + server_url() + "\n    subscriptions: [{ subject: ready.events }]\n");
  EXPECT_TRUE(source.ready());
  source.stop_accepting();
  source.stop();
  EXPECT_FALSE(source.ready());
}

}  // namespace
}  // namespace sluice
