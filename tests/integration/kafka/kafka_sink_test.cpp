// The Kafka sink against librdkafka's mock cluster (in-process, 127.0.0.1, ephemeral ports),
// checked with a real librdkafka consumer. Every wait is a condition with a deadline.

#include "sinks/kafka/embedded_broker.hpp"
#include "sinks/kafka/kafka_sink.hpp"

#include "config/config_node.hpp"
#include "integration/kafka/kafka_test_consumer.hpp"
#include "unit/sinks/sink_test_support.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka_mock.h>

#include <thread>

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using sluice::testing::AckState;
using sluice::testing::TestBatch;
using sluice::testing::TestConsumer;

constexpr std::int16_t kProduceApi = 0;  // Kafka protocol ApiKey of ProduceRequest

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);  // polling a condition, with a deadline
  }
  return true;
}

class KafkaSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<EmbeddedBroker>(1);
    broker_->create_topic("t", 4);
  }

  std::unique_ptr<KafkaSink> make_sink(const std::string& extra_yaml = "", std::uint64_t share = 64ull << 20) {
    const std::string yaml = fmt::format("sinks:\n  k:\n    type: kafka\n    brokers: \"{}\"\n    topic: t\n{}",
                                         broker_->bootstrap_servers(), extra_yaml);
    const ConfigNode root = load_config_text(yaml, "test.yaml");
    contexts_.push_back(std::make_unique<SinkContext>(SinkContext{"k", telemetry_, share}));
    std::unique_ptr<Sink> sink = make_kafka_sink(*root.child("sinks")->child("k"), *contexts_.back());
    return std::unique_ptr<KafkaSink>(static_cast<KafkaSink*>(sink.release()));
  }

  // One event with a structured_json body, one record, submitted; returns its outcome.
  std::optional<BatchOutcome> send_one(KafkaSink& sink, std::string_view topic = "t", std::string_view key = {},
                                       std::chrono::milliseconds timeout = 15s) {
    TestBatch batch;
    Event& event = batch.add_event("e1");
    event.structured_json = batch.own(R"({"specversion":"1.0","id":"e1","source":"/s","type":"t"})");
    batch.add_record(0, sink.queue(), topic, key);
    return batch.submit(sink.queue())->wait(timeout);
  }

  ComponentMetrics& metrics() { return telemetry_.component("sink", "k"); }

  Telemetry telemetry_;
  std::vector<std::unique_ptr<SinkContext>> contexts_;
  std::unique_ptr<EmbeddedBroker> broker_;
};

TEST_F(KafkaSinkTest, StructuredRecordReachesTheTopicWithKeyAndContentType) {
  auto sink = make_sink();
  sink->start();
  EXPECT_TRUE(eventually([&] { return sink->ready(); }, 10s));

  const auto outcome = send_one(*sink, "t", "key-1");
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;

  TestConsumer consumer(broker_->bootstrap_servers());
  const auto messages = consumer.consume("t", 1, 10s);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].key, "key-1");
  EXPECT_EQ(messages[0].value, R"({"specversion":"1.0","id":"e1","source":"/s","type":"t"})");
  EXPECT_EQ(messages[0].header("content-type"), "application/cloudevents+json; charset=UTF-8");
  sink->stop(Clock::now() + 5s);
  EXPECT_EQ(metrics().events_out.Value(), 1);
}

TEST_F(KafkaSinkTest, StructuredReRendersEventsWithoutOriginalJson) {
  auto sink = make_sink();
  sink->start();
  TestBatch batch;
  Event& event = batch.add_event("needs \"escaping\"\n");
  event.subject = batch.own("caf\xC3\xA9");
  event.extensions.push_back({batch.own("level"), batch.own("3"), Extension::Type::integer});
  event.data_kind = DataKind::json;
  event.data = batch.own(R"({"vm":"web-1"})");
  batch.add_record(0, sink->queue(), "t");
  const auto outcome = batch.submit(sink->queue())->wait(15s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;

  const auto messages = TestConsumer(broker_->bootstrap_servers()).consume("t", 1, 10s);
  ASSERT_EQ(messages.size(), 1u);
  ASSERT_TRUE(messages[0].value.has_value());
  const boost::json::object json = boost::json::parse(*messages[0].value).as_object();
  EXPECT_EQ(json.at("id"), "needs \"escaping\"\n");
  EXPECT_EQ(json.at("subject"), "caf\xC3\xA9");
  EXPECT_EQ(json.at("level"), 3);
  EXPECT_EQ(json.at("data").at("vm"), "web-1");
  EXPECT_FALSE(messages[0].key.has_value());
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, BinaryModePutsAttributesInHeaders) {
  auto sink = make_sink("    format: binary\n");
  sink->start();
  TestBatch batch;
  Event& event = batch.add_event("b-1");
  event.time = batch.own("2024-05-06T07:08:09Z");
  event.subject = batch.own("VmPoweredOnEvent");
  event.datacontenttype = batch.own("application/json");
  event.extensions.push_back({batch.own("partitionkey"), batch.own("vm-42"), Extension::Type::string});
  event.data_kind = DataKind::json;
  event.data = batch.own(R"({"vm":"vm-42"})");
  Event& text = batch.add_event("b-2");
  text.datacontenttype = batch.own("text/plain");
  text.data_kind = DataKind::json;
  text.data = batch.own(R"("plain \"text\"")");
  batch.add_record(0, sink->queue(), "t");  // no route key: partitionkey is the key
  batch.add_record(1, sink->queue(), "t", "k2");
  const auto outcome = batch.submit(sink->queue())->wait(15s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;

  auto messages = TestConsumer(broker_->bootstrap_servers()).consume("t", 2, 10s);
  ASSERT_EQ(messages.size(), 2u);
  if (messages[0].header("ce_id") != "b-1") std::swap(messages[0], messages[1]);
  const auto& first = messages[0];
  EXPECT_EQ(first.value, R"({"vm":"vm-42"})");
  EXPECT_EQ(first.key, "vm-42");
  EXPECT_EQ(first.header("ce_id"), "b-1");
  EXPECT_EQ(first.header("ce_source"), "/test");
  EXPECT_EQ(first.header("ce_specversion"), "1.0");
  EXPECT_EQ(first.header("ce_type"), "com.example.test");
  EXPECT_EQ(first.header("ce_time"), "2024-05-06T07:08:09Z");
  EXPECT_EQ(first.header("ce_subject"), "VmPoweredOnEvent");
  EXPECT_EQ(first.header("ce_partitionkey"), "vm-42");
  EXPECT_EQ(first.header("content-type"), "application/json");
  EXPECT_EQ(first.headers.count("ce_dataschema"), 0u);
  const auto& second = messages[1];
  EXPECT_EQ(second.value, "plain \"text\"");
  EXPECT_EQ(second.key, "k2");
  EXPECT_EQ(second.header("content-type"), "text/plain");
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, PartitionKeyChoosesTheSamePartition) {
  auto sink = make_sink();
  sink->start();
  TestBatch batch;
  for (int i = 0; i < 20; ++i) {
    Event& event = batch.add_event(std::to_string(i));
    event.extensions.push_back({batch.own("partitionkey"), batch.own("same"), Extension::Type::string});
  }
  for (std::size_t i = 0; i < 20; ++i) batch.add_record(i, sink->queue(), "t");
  const auto outcome = batch.submit(sink->queue())->wait(15s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  const auto messages = TestConsumer(broker_->bootstrap_servers()).consume("t", 20, 10s);
  ASSERT_EQ(messages.size(), 20u);
  for (const auto& message : messages) {
    EXPECT_EQ(message.key, "same");
    EXPECT_EQ(message.partition, messages[0].partition);
  }
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, RecordWithoutTopicGoesToTheDefaultTopic) {
  broker_->create_topic("fallback", 1);
  auto sink = make_sink();  // topic: t
  sink->start();
  ASSERT_EQ(send_one(*sink, "")->status, BatchOutcome::Status::delivered);
  ASSERT_EQ(send_one(*sink, "fallback")->status, BatchOutcome::Status::delivered);
  TestConsumer consumer(broker_->bootstrap_servers());
  EXPECT_EQ(consumer.consume("t", 1, 10s).size(), 1u);
  EXPECT_EQ(consumer.consume("fallback", 1, 10s).size(), 1u);
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, TenThousandRecordsAreAllDelivered) {
  auto sink = make_sink();
  sink->start();
  constexpr int kBatches = 100;
  constexpr int kPerBatch = 100;
  std::vector<std::shared_ptr<AckState>> states;
  for (int b = 0; b < kBatches; ++b) {
    TestBatch batch;
    for (int i = 0; i < kPerBatch; ++i) {
      Event& event = batch.add_event(fmt::format("{}-{}", b, i));
      event.structured_json = batch.own(fmt::format(R"({{"specversion":"1.0","id":"{}-{}","source":"/s","type":"t"}})", b, i));
    }
    for (std::size_t i = 0; i < kPerBatch; ++i) batch.add_record(i, sink->queue(), "t", fmt::format("key-{}", i));
    states.push_back(batch.submit(sink->queue()));
  }
  for (const auto& state : states) {
    const auto outcome = state->wait(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  }
  EXPECT_EQ(TestConsumer(broker_->bootstrap_servers()).message_count("t"), kBatches * kPerBatch);
  sink->stop(Clock::now() + 5s);
  EXPECT_EQ(metrics().events_out.Value(), kBatches * kPerBatch);
  EXPECT_GT(metrics().bytes_out.Value(), 0);
  EXPECT_EQ(metrics().ack_latency_seconds.Collect().histogram.sample_count,
            static_cast<std::uint64_t>(kBatches * kPerBatch));
  EXPECT_EQ(sink->queue().bytes_in_use(), 0u);
}

TEST_F(KafkaSinkTest, LocalQueueFullIsBackpressureNotFailure) {
  auto sink = make_sink("    properties: { queue.buffering.max.messages: 10 }\n");
  sink->start();
  TestBatch batch;
  for (int i = 0; i < 2000; ++i) batch.add_event(std::to_string(i)).data_kind = DataKind::none;
  for (std::size_t i = 0; i < 2000; ++i) batch.add_record(i, sink->queue(), "t");
  const auto outcome = batch.submit(sink->queue())->wait(60s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  EXPECT_EQ(TestConsumer(broker_->bootstrap_servers()).message_count("t"), 2000);
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, RetryableBrokerErrorIsRetriedUntilDelivered) {
  auto sink = make_sink();
  sink->start();
  ASSERT_TRUE(eventually([&] { return sink->ready(); }, 10s));
  rd_kafka_mock_push_request_errors(broker_->cluster(), kProduceApi, 3, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  const auto outcome = send_one(*sink, "t", "k");
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  EXPECT_EQ(TestConsumer(broker_->bootstrap_servers()).message_count("t"), 1);
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, PermanentBrokerErrorFailsTheRecordWithAHint) {
  auto sink = make_sink();
  sink->start();
  ASSERT_TRUE(eventually([&] { return sink->ready(); }, 10s));
  rd_kafka_mock_push_request_errors(broker_->cluster(), kProduceApi, 1, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  const auto outcome = send_one(*sink, "t", "k");
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_NE(outcome->reason.find("TOPIC_AUTHORIZATION_FAILED"), std::string::npos) << outcome->reason;
  EXPECT_NE(outcome->reason.find("sinks.k.topic"), std::string::npos) << outcome->reason;
  sink->stop(Clock::now() + 5s);
  EXPECT_EQ(metrics().error("topic_authorization_failed").Value(), 1);
}

TEST_F(KafkaSinkTest, BrokerRejectsOversizedMessage) {
  auto sink = make_sink();
  sink->start();
  ASSERT_TRUE(eventually([&] { return sink->ready(); }, 10s));
  rd_kafka_mock_push_request_errors(broker_->cluster(), kProduceApi, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  const auto outcome = send_one(*sink, "t", "k");
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_NE(outcome->reason.find("MSG_SIZE_TOO_LARGE"), std::string::npos) << outcome->reason;
  EXPECT_NE(outcome->reason.find("sinks.k.properties.message.max.bytes"), std::string::npos) << outcome->reason;
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, RecordOverTheLocalSizeLimitFailsAtOnce) {
  auto sink = make_sink("    properties: { message.max.bytes: 1000, batch.size: 1000 }\n");
  sink->start();
  TestBatch batch;
  Event& event = batch.add_event("big");
  event.structured_json = batch.own(std::string(5000, ' ') + "{}");
  batch.add_record(0, sink->queue(), "t");
  const auto outcome = batch.submit(sink->queue())->wait(5s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_NE(outcome->reason.find("MSG_SIZE_TOO_LARGE"), std::string::npos) << outcome->reason;
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, BrokerDownTimesOutAsRetryableAndRecovers) {
  auto sink = make_sink("    delivery_timeout: 1500ms\n");
  sink->start();
  ASSERT_TRUE(eventually([&] { return sink->ready(); }, 10s));
  rd_kafka_mock_broker_set_down(broker_->cluster(), 1);
  const auto outcome = send_one(*sink, "t", "k", 20s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_NE(outcome->reason.find("MSG_TIMED_OUT"), std::string::npos) << outcome->reason;
  EXPECT_NE(outcome->reason.find("sinks.k.delivery_timeout"), std::string::npos) << outcome->reason;
  EXPECT_TRUE(eventually([&] { return !sink->ready(); }, 15s));

  rd_kafka_mock_broker_set_up(broker_->cluster(), 1);
  EXPECT_TRUE(eventually([&] { return sink->ready(); }, 20s));
  const auto after = send_one(*sink, "t", "k", 20s);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, BatchOutcome::Status::delivered) << after->reason;
  sink->stop(Clock::now() + 5s);
}

TEST_F(KafkaSinkTest, StopResolvesEveryRecordInFlight) {
  auto sink = make_sink("    delivery_timeout: 60s\n");
  sink->start();
  ASSERT_TRUE(eventually([&] { return sink->ready(); }, 10s));
  rd_kafka_mock_broker_set_down(broker_->cluster(), 1);
  std::vector<std::shared_ptr<AckState>> states;
  for (int b = 0; b < 10; ++b) {
    TestBatch batch;
    for (int i = 0; i < 50; ++i) batch.add_event(std::to_string(i));
    for (std::size_t i = 0; i < 50; ++i) batch.add_record(i, sink->queue(), "t");
    states.push_back(batch.submit(sink->queue()));
  }
  ASSERT_TRUE(eventually([&] { return sink->queue().depth() == 0; }, 10s));  // taken by the drain thread
  const auto began = Clock::now();
  sink->stop(Clock::now() + 200ms);
  EXPECT_LT(Clock::now() - began, 8s);
  for (const auto& state : states) {
    const auto outcome = state->wait(0ms);  // already answered when stop() returned
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
    EXPECT_NE(outcome->reason.find("PURGE"), std::string::npos) << outcome->reason;
  }
  EXPECT_EQ(sink->queue().bytes_in_use(), 0u);
}

TEST_F(KafkaSinkTest, StopFailsRecordsStillQueued) {
  auto sink = make_sink();  // never started: nothing drains
  TestBatch batch;
  batch.add_event();
  batch.add_record(0, sink->queue(), "t");
  const auto state = batch.submit(sink->queue());
  sink->stop(Clock::now());
  const auto outcome = state->wait(0ms);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
}

TEST_F(KafkaSinkTest, UnknownPropertyIsAStartupErrorNamingTheKey) {
  try {
    make_sink("    properties:\n      no.such.property: 1\n");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("sinks.k.properties.no.such.property"), std::string::npos) << error.what();
  }
}

TEST_F(KafkaSinkTest, InconsistentPropertiesFailAtStartNamingProperties) {
  auto sink = make_sink("    properties: { acks: 1 }\n");  // idempotence (default) needs acks=all
  try {
    sink->start();
    FAIL() << "expected a start-up error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("sinks.k.properties"), std::string::npos) << error.what();
  }
  sink->stop(Clock::now());
}

TEST(KafkaSinkEmbedded, StartsAMockClusterAndDeliversToIt) {
  Telemetry telemetry;
  SinkContext context{"events", telemetry, 16ull << 20};
  const ConfigNode root = load_config_text(
      "sinks:\n  events:\n    type: kafka\n    brokers: embedded\n    embedded: { partitions: 2 }\n", "test.yaml");
  std::unique_ptr<Sink> made = make_kafka_sink(*root.child("sinks")->child("events"), context);
  auto& sink = static_cast<KafkaSink&>(*made);
  EXPECT_EQ(sink.bootstrap_servers(), "");
  sink.start();
  ASSERT_NE(sink.embedded_broker(), nullptr);
  EXPECT_EQ(sink.bootstrap_servers().rfind("127.0.0.1:", 0), 0u) << sink.bootstrap_servers();
  EXPECT_TRUE(eventually([&] { return sink.ready(); }, 10s));

  TestBatch batch;
  batch.add_event("x").structured_json = batch.own(R"({"id":"x"})");
  batch.add_record(0, sink.queue());
  const auto outcome = batch.submit(sink.queue())->wait(15s);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  const auto messages = TestConsumer(sink.bootstrap_servers()).consume("sluice.events", 1, 10s);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].value, R"({"id":"x"})");
  sink.stop(Clock::now() + 5s);
}

}  // namespace
}  // namespace sluice::kafka
