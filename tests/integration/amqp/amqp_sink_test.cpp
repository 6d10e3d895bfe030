// The AMQP sink against a real RabbitMQ (one broker per test binary, see rabbitmq_fixture.hpp),
// verified with a plain librabbitmq consumer.

#include "sinks/amqp/amqp_publisher.hpp"
#include "sinks/amqp/amqp_sink.hpp"

#include "amqp_test_client.hpp"
#include "config/config_node.hpp"
#include "support/rabbitmq_fixture.hpp"
#include "support/recording_token.hpp"

#include <sluice/core/telemetry.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

namespace sluice::amqp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using sluice::testing::AmqpTestClient;
using sluice::testing::OutcomeSlot;
using sluice::testing::ReceivedMessage;
using sluice::testing::RecordingToken;

struct EventSpec {
  std::string id;
  std::string routing_key;  // empty: the sink's default
};

std::string event_json(const std::string& id) {
  return R"({"specversion":"1.0","id":")" + id +
         R"(","source":"/sluice/test","type":"org.apache.cloudstack.VM.CREATE","subject":"VM.CREATE",)"
         R"("datacontenttype":"application/json","tenant":"acme","data":{"status":"Completed","id":")" +
         id + R"("}})";
}

std::string data_json(const std::string& id) { return R"({"status":"Completed","id":")" + id + R"("})"; }

std::string cloudstack_key(const std::string& id) { return "cloudstack.ActionEvent.VM-CREATE.VirtualMachine." + id; }

// A batch built by hand, as a worker would: events are views into the body (structured JSON and
// data) and the arena (attributes, routing keys). Self-deleting once every record is resolved.
struct TestBatch {
  std::shared_ptr<OutcomeSlot> slot = std::make_shared<OutcomeSlot>();
  std::vector<OutRecord*> records;
  std::vector<std::string> ids;
};

TestBatch make_batch(SinkQueue& queue, const std::vector<EventSpec>& specs) {
  TestBatch out;
  std::string body;
  std::vector<std::size_t> offsets;
  for (const auto& spec : specs) {
    offsets.push_back(body.size());
    body += event_json(spec.id);
    body += '\n';
  }
  auto* batch = new IngressBatch("test", ContentMode::ndjson, PaddedBuffer::copy_of(body),
                                 std::make_unique<RecordingToken>(out.slot), AdmissionLease{});
  const std::string_view text = batch->body().view();
  batch->events.resize(specs.size());
  batch->records.resize(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string json = event_json(specs[i].id);
    const std::string data = data_json(specs[i].id);
    Event& event = batch->events[i];
    event.structured_json = text.substr(offsets[i], json.size());
    event.data = text.substr(offsets[i] + json.find(R"("data":)") + 7, data.size());
    event.data_kind = DataKind::json;
    event.id = batch->arena.copy(specs[i].id);
    event.source = "/sluice/test";
    event.specversion = "1.0";
    event.type = "org.apache.cloudstack.VM.CREATE";
    event.subject = "VM.CREATE";
    event.datacontenttype = "application/json";
    event.extensions.push_back(Extension{"tenant", "acme", Extension::Type::string});
    OutRecord& record = batch->records[i];
    record.batch = batch;
    record.event = &event;
    record.sink = &queue;
    record.topic = batch->arena.copy(specs[i].routing_key);
    record.bytes = static_cast<std::uint32_t>(json.size());
    out.records.push_back(&record);
    out.ids.push_back(specs[i].id);
  }
  batch->start_delivery();
  return out;
}

std::vector<EventSpec> cloudstack_events(const std::string& prefix, int count) {
  std::vector<EventSpec> specs;
  for (int i = 0; i < count; ++i) {
    const std::string id = prefix + "-" + std::to_string(i);
    specs.push_back({id, cloudstack_key(id)});
  }
  return specs;
}

class AmqpSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = sluice::testing::RabbitMqEnvironment::server();
    ASSERT_NE(broker_, nullptr) << sluice::testing::RabbitMqEnvironment::unavailable_reason();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    exchange_ = std::string("sluice.test.") + info->name();
    queue_ = std::string("q.") + info->name();
    client_ = std::make_unique<AmqpTestClient>(broker_->amqp_port());
  }

  void TearDown() override {
    if (sink_) sink_->stop(Clock::now() + 5s);
  }

  // Declares the exchange and one durable queue bound with `binding_key`.
  void bind_queue(const std::string& binding_key = "cloudstack.#", std::map<std::string, std::string> string_args = {},
                  std::map<std::string, std::int64_t> long_args = {}) {
    client_->declare_exchange(exchange_);
    client_->declare_queue(queue_, std::move(string_args), std::move(long_args));
    client_->bind(queue_, exchange_, binding_key);
  }

  std::string config_text(const std::string& extra, const std::string& url = "") const {
    return "sinks:\n  rabbit:\n    type: amqp\n    url: " + (url.empty() ? broker_->url() : url) +
           "\n    exchange: " + exchange_ + "\n" + extra;
  }

  std::unique_ptr<AmqpSink> make_sink(const std::string& extra = "", const std::string& url = "") {
    const ConfigNode root = load_config_text(config_text(extra, url), "test.yaml");
    auto sink = make_amqp_sink(*root.child("sinks")->child("rabbit"), context_);
    return std::unique_ptr<AmqpSink>(static_cast<AmqpSink*>(sink.release()));
  }

  void start_sink(const std::string& extra = "", const std::string& url = "") {
    sink_ = make_sink(extra, url);
    sink_->start();
  }

  // The one-line error of start() for a whole config text, or "(started)".
  std::string start_error(const std::string& text) {
    const ConfigNode root = load_config_text(text, "test.yaml");
    auto sink = make_amqp_sink(*root.child("sinks")->child("rabbit"), context_);
    try {
      sink->start();
    } catch (const std::runtime_error& error) {
      sink->stop(Clock::now());
      return error.what();
    }
    sink->stop(Clock::now());
    return "(started)";
  }

  static void show(const std::string& error) { std::printf("[start error] %s\n", error.c_str()); }

  TestBatch push(const std::vector<EventSpec>& specs) {
    TestBatch batch = make_batch(sink_->queue(), specs);
    EXPECT_TRUE(sink_->queue().push_until(batch.records, Clock::now() + 10s));
    return batch;
  }

  ComponentMetrics& metrics() { return telemetry_.component("sink", "rabbit"); }
  double error_count(std::string_view reason) { return metrics().error(reason).Value(); }

  // Waits for a condition with a deadline.
  template <typename Predicate>
  static bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = Clock::now() + timeout;
    while (!predicate()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  // Sets the memory high watermark (0 raises the memory alarm at once, 0.4 is the default).
  void set_watermark(const char* value) {
    std::string output;
    ASSERT_EQ(broker_->ctl({"set_vm_memory_high_watermark", value}, &output), 0) << output;
  }

  sluice::testing::RabbitMqServer* broker_ = nullptr;
  std::unique_ptr<AmqpTestClient> client_;
  Telemetry telemetry_;
  SinkContext context_{"rabbit", telemetry_, 64ull << 20};
  std::unique_ptr<AmqpSink> sink_;
  std::string exchange_;
  std::string queue_;
};

TEST_F(AmqpSinkTest, BinaryModeDeliversEveryEventWithHeadersRoutingKeysAndBody) {
  bind_queue();
  start_sink("    format: binary\n    connections: 2\n    max_unconfirmed: 64\n");
  EXPECT_TRUE(sink_->ready());
  std::vector<TestBatch> batches;
  for (int b = 0; b < 5; ++b) batches.push_back(push(cloudstack_events("bin" + std::to_string(b), 40)));
  for (auto& batch : batches) {
    auto outcome = batch.slot->wait(20s);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  }

  const auto messages = client_->consume(queue_, 200);
  ASSERT_EQ(messages.size(), 200u);
  std::set<std::string> ids;
  for (const ReceivedMessage& message : messages) {
    const std::string id = message.headers.at("cloudEvents_id");
    ids.insert(id);
    EXPECT_EQ(message.exchange, exchange_);
    EXPECT_EQ(message.routing_key, cloudstack_key(id));
    EXPECT_EQ(message.body, data_json(id));
    EXPECT_EQ(message.content_type, "application/json");
    EXPECT_EQ(message.delivery_mode, 2);
    EXPECT_EQ(message.headers.at("cloudEvents_specversion"), "1.0");
    EXPECT_EQ(message.headers.at("cloudEvents_source"), "/sluice/test");
    EXPECT_EQ(message.headers.at("cloudEvents_type"), "org.apache.cloudstack.VM.CREATE");
    EXPECT_EQ(message.headers.at("cloudEvents_subject"), "VM.CREATE");
    EXPECT_EQ(message.headers.at("cloudEvents_tenant"), "acme");
    EXPECT_EQ(message.header_kinds.at("cloudEvents_id"), 'S');
    EXPECT_EQ(message.headers.count("cloudEvents_datacontenttype"), 0u);
  }
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(metrics().events_out.Value(), 200);
  EXPECT_GT(metrics().bytes_out.Value(), 0);
}

TEST_F(AmqpSinkTest, StructuredModeForwardsTheEventJsonToTheDefaultRoutingKey) {
  bind_queue("fixed.key");
  start_sink("    routing_key: fixed.key\n");
  std::vector<EventSpec> specs;
  for (int i = 0; i < 10; ++i) specs.push_back({"st-" + std::to_string(i), ""});
  TestBatch batch = push(specs);
  auto outcome = batch.slot->wait(20s);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;

  const auto messages = client_->consume(queue_, 10);
  ASSERT_EQ(messages.size(), 10u);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].routing_key, "fixed.key");
    EXPECT_EQ(messages[i].body, event_json("st-" + std::to_string(i)));  // one connection: in order
    EXPECT_EQ(messages[i].content_type, "application/cloudevents+json; charset=UTF-8");
    EXPECT_TRUE(messages[i].headers.empty());
  }
}

TEST_F(AmqpSinkTest, TokenCompletesOnlyOnceTheBrokerHoldsTheMessage) {
  bind_queue();
  start_sink();
  for (int i = 0; i < 20; ++i) {
    TestBatch batch = push(cloudstack_events("c" + std::to_string(i), 1));
    auto outcome = batch.slot->wait(20s);
    ASSERT_TRUE(outcome);
    ASSERT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
    // A confirm means the broker enqueued (and for a durable queue, persisted) it.
    EXPECT_EQ(client_->message_count(queue_), static_cast<std::uint32_t>(i + 1));
  }
  EXPECT_GE(metrics().ack_latency_seconds.Collect().histogram.sample_count, 1u);
}

TEST_F(AmqpSinkTest, NackFromAFullQueueFailsThatRecordRetryably) {
  bind_queue("cloudstack.#", {{"x-overflow", "reject-publish"}}, {{"x-max-length", 3}});
  start_sink();
  for (int i = 0; i < 6; ++i) {
    TestBatch batch = push(cloudstack_events("n" + std::to_string(i), 1));
    auto outcome = batch.slot->wait(20s);
    ASSERT_TRUE(outcome);
    if (i < 3) {
      EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
    } else {
      EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
      EXPECT_NE(outcome->reason.find("basic.nack"), std::string::npos) << outcome->reason;
    }
  }
  EXPECT_EQ(error_count("nacked"), 3);
  EXPECT_TRUE(sink_->ready());  // a nack does not cost the connection
}

TEST_F(AmqpSinkTest, UnroutableWithMandatoryFailsPermanentlyAndRoutableOnesArrive) {
  bind_queue("cloudstack.#");
  start_sink();
  TestBatch batch = push({{"u-1", cloudstack_key("u-1")}, {"u-2", "nobody.home"}, {"u-3", cloudstack_key("u-3")}});
  auto outcome = batch.slot->wait(20s);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_EQ(outcome->reason, "unroutable: no queue bound for routing key nobody.home on exchange " + exchange_ +
                                 "; bind a queue or set sinks.rabbit.mandatory: false");
  EXPECT_EQ(error_count("unroutable"), 1);
  const auto messages = client_->consume(queue_, 2);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ((std::set<std::string>{messages[0].body, messages[1].body}),
            (std::set<std::string>{event_json("u-1"), event_json("u-3")}));
  EXPECT_EQ(metrics().events_out.Value(), 2);
}

TEST_F(AmqpSinkTest, UnroutableDropIsDeliveredAndCountedAsDropped) {
  client_->declare_exchange(exchange_);
  start_sink("    unroutable: drop\n");
  TestBatch batch = push({{"d-1", "nobody.home"}});
  auto outcome = batch.slot->wait(20s);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  EXPECT_EQ(metrics().dropped.Value(), 1);
}

TEST_F(AmqpSinkTest, MemoryAlarmBlocksPublishingAndRecordsWaitUntilItClears) {
  bind_queue();
  start_sink();
  // Warm up so the connection is known to publish.
  ASSERT_EQ(push(cloudstack_events("warm", 1)).slot->wait(20s)->status, BatchOutcome::Status::delivered);

  set_watermark("0");
  struct Restore {
    sluice::testing::RabbitMqServer* broker;
    ~Restore() { broker->ctl({"set_vm_memory_high_watermark", "0.4"}); }
  } restore{broker_};

  TestBatch first = push(cloudstack_events("blocked-a", 5));
  ASSERT_TRUE(eventually([&] { return sink_->blocked_connections() > 0; })) << "no connection.blocked";
  EXPECT_FALSE(sink_->ready());
  TestBatch second = push(cloudstack_events("blocked-b", 5));
  // Blocked is not failed: nothing completes while the alarm lasts.
  EXPECT_FALSE(first.slot->wait(1500ms).has_value());
  EXPECT_FALSE(second.slot->outcome.has_value());
  EXPECT_GT(sink_->queue().bytes_in_use(), 0u);  // the records hold their share: backpressure

  set_watermark("0.4");
  auto a = first.slot->wait(20s);
  auto b = second.slot->wait(20s);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, BatchOutcome::Status::delivered) << a->reason;
  EXPECT_EQ(b->status, BatchOutcome::Status::delivered) << b->reason;
  EXPECT_TRUE(eventually([&] { return sink_->ready(); }));
  EXPECT_EQ(client_->consume(queue_, 11).size(), 11u);
}

// The publisher on its own (no sink around it): it never has more than max_unconfirmed records
// out of the queue, and a blocked connection takes no more.
TEST_F(AmqpSinkTest, PublisherTakesNoMoreThanItsWindowWhileTheBrokerIsBlocked) {
  bind_queue();
  const ConfigNode root = load_config_text(config_text("    max_unconfirmed: 4\n"), "test.yaml");
  const AmqpSinkConfig config = parse_amqp_sink_config(*root.child("sinks")->child("rabbit"));
  SinkQueue queue("rabbit", 1 << 20);
  prometheus::Counter& republished =
      prometheus::BuildCounter().Name("test_republished").Register(telemetry_.registry()).Add({});
  PublisherGroup group;
  AmqpPublisher publisher(config, 0, queue, PublisherMetrics{metrics(), republished}, group);
  publisher.connect();
  EXPECT_TRUE(publisher.ready());
  EXPECT_EQ(group.connected.load(), 1);
  publisher.start();

  set_watermark("0");
  struct Restore {
    sluice::testing::RabbitMqServer* broker;
    ~Restore() { broker->ctl({"set_vm_memory_high_watermark", "0.4"}); }
  } restore{broker_};
  TestBatch batch = make_batch(queue, cloudstack_events("w", 20));
  ASSERT_TRUE(queue.try_push(batch.records));
  ASSERT_TRUE(eventually([&] { return publisher.blocked(); }));
  EXPECT_FALSE(publisher.ready());
  EXPECT_FALSE(batch.slot->wait(1s).has_value());
  EXPECT_GE(queue.depth(), 16u);  // at most the window (4) was taken before the broker blocked

  set_watermark("0.4");
  auto outcome = batch.slot->wait(20s);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  publisher.request_stop(Clock::now() + 5s);
  publisher.join();
  EXPECT_EQ(group.connected.load(), 0);
  EXPECT_EQ(client_->consume(queue_, 20).size(), 20u);
}

TEST_F(AmqpSinkTest, StopFailsEverythingOutstandingAsShuttingDown) {
  bind_queue();
  start_sink();
  set_watermark("0");
  struct Restore {
    sluice::testing::RabbitMqServer* broker;
    ~Restore() { broker->ctl({"set_vm_memory_high_watermark", "0.4"}); }
  } restore{broker_};
  TestBatch first = push(cloudstack_events("stop-a", 3));
  ASSERT_TRUE(eventually([&] { return sink_->blocked_connections() > 0; }));
  TestBatch queued = push(cloudstack_events("stop-b", 3));  // never taken from the queue

  const auto began = Clock::now();
  sink_->stop(Clock::now() + 500ms);
  EXPECT_LT(Clock::now() - began, 5s);
  for (auto* slot : {first.slot.get(), queued.slot.get()}) {
    ASSERT_TRUE(slot->outcome.has_value());  // completed by stop(), not later
    EXPECT_EQ(slot->outcome->status, BatchOutcome::Status::unavailable);
    EXPECT_EQ(slot->outcome->reason, "shutting down");
  }
  EXPECT_EQ(sink_->queue().bytes_in_use(), 0u);
  sink_.reset();
}

TEST_F(AmqpSinkTest, StartFailsWithOneLineNamingTheKey) {
  const std::string port = std::to_string(broker_->amqp_port());

  const std::string auth = start_error("sinks:\n  rabbit:\n    url: amqp://guest:wrong@127.0.0.1:" + port +
                                       "/%2f\n    exchange: " + exchange_ + "\n");
  show(auth);
  EXPECT_NE(auth.find("sinks.rabbit"), std::string::npos) << auth;
  EXPECT_NE(auth.find("ACCESS_REFUSED"), std::string::npos) << auth;
  EXPECT_NE(auth.find("sinks.rabbit.password"), std::string::npos) << auth;
  EXPECT_EQ(auth.find("wrong"), std::string::npos) << "password leaked: " << auth;
  EXPECT_EQ(auth.find('\n'), std::string::npos) << auth;

  const std::string missing = start_error("sinks:\n  rabbit:\n    url: " + broker_->url() +
                                          "\n    exchange: does.not.exist\n    declare_exchange: passive\n");
  show(missing);
  EXPECT_NE(missing.find("404"), std::string::npos) << missing;
  EXPECT_NE(missing.find("sinks.rabbit.declare_exchange: true"), std::string::npos) << missing;

  const std::string vhost = start_error("sinks:\n  rabbit:\n    url: amqp://guest:guest@127.0.0.1:" + port +
                                        "/nope\n    exchange: " + exchange_ + "\n");
  show(vhost);
  EXPECT_NE(vhost.find("sinks.rabbit.url"), std::string::npos) << vhost;

  client_->declare_exchange(exchange_, "fanout");
  const std::string mismatch = start_error(config_text(""));
  show(mismatch);
  EXPECT_NE(mismatch.find("406"), std::string::npos) << mismatch;
  EXPECT_NE(mismatch.find("sinks.rabbit.exchange_type"), std::string::npos) << mismatch;

  const std::string closed = start_error("sinks:\n  rabbit:\n    url: amqp://127.0.0.1:1/\n    connect_timeout: 2s\n");
  show(closed);
  EXPECT_NE(closed.find("sinks.rabbit.url"), std::string::npos) << closed;
}

TEST_F(AmqpSinkTest, TlsDeliversWithTheBrokersCaAndRefusesAnUntrustedBroker) {
  ASSERT_NE(broker_->tls_port(), 0) << "openssl could not make test certificates (tools/dev installs openssl)";
  bind_queue();
  const std::string untrusted = start_error(config_text("", broker_->tls_url()));
  show(untrusted);
  EXPECT_NE(untrusted.find("sinks.rabbit.tls.ca_file"), std::string::npos) << untrusted;

  start_sink("    tls:\n      ca_file: " + broker_->ca_file() + "\n", broker_->tls_url());
  TestBatch batch = push(cloudstack_events("tls", 10));
  auto outcome = batch.slot->wait(20s);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered) << outcome->reason;
  EXPECT_EQ(client_->consume(queue_, 10).size(), 10u);
}

// Last: it restarts the broker.
TEST_F(AmqpSinkTest, BrokerRestartMidStreamLosesNothingConfirmed) {
  bind_queue();
  start_sink(
      "    connections: 2\n    max_unconfirmed: 256\n    delivery_timeout: 120s\n"
      "    reconnect_backoff: 50ms\n    reconnect_backoff_max: 1s\n    heartbeat: 5s\n");

  constexpr int kBatches = 300;
  constexpr int kEventsPerBatch = 20;
  std::vector<TestBatch> batches(kBatches);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int b = 0; b < kBatches; ++b) {
      batches[b] = push(cloudstack_events("r" + std::to_string(b), kEventsPerBatch));
      pushed.store(b + 1);
      std::this_thread::sleep_for(10ms);
    }
  });
  ASSERT_TRUE(eventually([&] { return pushed.load() >= 50; }));
  const auto restart_began = Clock::now();
  broker_->stop();
  EXPECT_FALSE(sink_->ready());
  broker_->start();
  const auto restart_took = Clock::now() - restart_began;
  producer.join();

  int delivered = 0;
  int failed = 0;
  std::string first_failure;
  for (auto& batch : batches) {
    auto outcome = batch.slot->wait(120s);
    ASSERT_TRUE(outcome) << "a batch never completed";
    if (outcome->status == BatchOutcome::Status::delivered) {
      ++delivered;
    } else {
      ++failed;
      if (first_failure.empty()) first_failure = outcome->reason;
    }
  }
  EXPECT_TRUE(eventually([&] { return sink_->ready(); }, 30s));

  client_ = std::make_unique<AmqpTestClient>(broker_->amqp_port());
  const auto messages = client_->drain(queue_, 2s);
  std::map<std::string, int> seen;
  for (const auto& message : messages) ++seen[message.routing_key];
  std::size_t duplicates = 0;
  for (const auto& [key, count] : seen) duplicates += static_cast<std::size_t>(count - 1);

  std::size_t missing = 0;
  for (auto& batch : batches) {
    if (batch.slot->outcome->status != BatchOutcome::Status::delivered) continue;
    for (const auto& id : batch.ids) missing += seen.count(cloudstack_key(id)) == 0 ? 1 : 0;
  }
  const auto republished = sink_->republished();
  std::printf("[restart] broker restart took %lld ms; batches delivered %d, failed %d%s%s; messages %zu, "
              "duplicates %zu, republished %llu\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(restart_took).count()),
              delivered, failed, failed ? "; first failure: " : "", first_failure.c_str(), messages.size(), duplicates,
              static_cast<unsigned long long>(republished));
  RecordProperty("duplicates", static_cast<int>(duplicates));
  RecordProperty("republished", static_cast<int>(republished));
  EXPECT_EQ(missing, 0u) << "records completed as delivered are missing from the queue";
  EXPECT_EQ(failed, 0) << first_failure;
  EXPECT_LE(duplicates, republished) << "duplicates must come from re-publishing only";
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kBatches * kEventsPerBatch));
  EXPECT_GT(error_count("connection_forced") + error_count("connection_lost"), 0);
}

}  // namespace
}  // namespace sluice::amqp

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new sluice::testing::RabbitMqEnvironment);
  return RUN_ALL_TESTS();
}
