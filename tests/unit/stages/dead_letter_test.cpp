// The dead-letter destination: invalid events kept raw while the rest of the batch goes on,
// unrouted events and template misses as configured, permanent sink failures rerouted, headers.
#include "stages/filter/filter_context.hpp"
#include "stages/filter/pattern/pattern_set.hpp"
#include "stages/route/batch_processor.hpp"
#include "stages/route/router.hpp"
#include "test_batch.hpp"

#include <sluice/core/dead_letter.hpp>
#include <sluice/core/sink_queue.hpp>

#include <gtest/gtest.h>

#include <array>
#include <map>

namespace sluice {
namespace {

using test::TestBatch;

std::string event(std::string_view id, std::string_view type, std::string_view extra = "") {
  return std::string(R"({"specversion":"1.0","source":"/s","id":")") + std::string(id) + R"(","type":")" +
         std::string(type) + "\"" + std::string(extra) + "}";
}

std::map<std::string, std::string> headers_of(const OutRecord& record) {
  std::map<std::string, std::string> out;
  for (const DeadLetterHeader& header : dead_letter_headers(record)) out.emplace(header.name, header.value);
  return out;
}

class DeadLetterTest : public ::testing::Test {
 protected:
  DeadLetterTest() {
    policy_ = std::make_shared<DeadLetterPolicy>();
    policy_->sink = &dlq_;
    policy_->topic = "sluice.dead-letter";
    policy_->route_names = {"vm"};
  }

  std::shared_ptr<const Router> router(std::string topic = "t") {
    std::vector<Route> routes;
    Route route;
    route.name = "vm";
    route.sinks = {&kafka_};
    route.topic = Template::compile(topic);
    route.filter = nullptr;
    routes.push_back(std::move(route));
    return std::make_shared<const Router>(std::move(routes), nullptr, policy_);
  }

  std::shared_ptr<DeadLetterPolicy> policy_;
  SinkQueue kafka_{"kafka", 1 << 20};
  SinkQueue dlq_{"dlq", 1 << 20};
};

TEST_F(DeadLetterTest, InvalidEventsOfABatchGoRawWhileTheValidOnesAreRouted) {
  StageProcessor processor(router(), DecodeOptions{});
  const std::string bad = R"({"specversion":"1.0","source":"/s","type":"t","data":{"nested":[1,{"a":"}"}]}})";
  TestBatch batch(ContentMode::batch, "[" + event("1", "t") + ",\n " + bad + " , 42," + event("3", "t") + "]");
  ASSERT_FALSE(processor.decode(*batch));
  ASSERT_EQ(batch->events.size(), 2u);
  ASSERT_EQ(batch->invalid_events.size(), 2u);
  EXPECT_EQ(batch->invalid_events[0].raw.data, bad);  // cut out exactly, brackets in strings skipped
  EXPECT_TRUE(batch.in_body(batch->invalid_events[0].raw.data));
  EXPECT_EQ(batch->invalid_events[1].raw.data, "42");
  EXPECT_EQ(batch->invalid_events[0].note->detail, "event 1: missing required attribute 'id'");
  EXPECT_EQ(batch->dead_lettered, 2u);
  EXPECT_EQ(batch->accepted_count(), 2u);

  ASSERT_EQ(batch->records.size(), 4u);
  std::size_t to_dlq = 0;
  for (const OutRecord& record : batch->records) {
    if (record.sink != &dlq_) continue;
    ++to_dlq;
    EXPECT_EQ(record.topic, "sluice.dead-letter");
    ASSERT_NE(record.dead_letter, nullptr);
    EXPECT_TRUE(record.dead_letter->raw);
    const auto headers = headers_of(record);
    EXPECT_EQ(headers.at("sluice_dlq_reason"), "invalid");
    EXPECT_EQ(headers.at("sluice_dlq_source"), "test-source");
    EXPECT_FALSE(headers.contains("sluice_dlq_route"));
  }
  EXPECT_EQ(to_dlq, 2u);
}

TEST_F(DeadLetterTest, MalformedJsonSendsTheWholeBodyAndLimitsStillReject) {
  StageProcessor processor(router(), DecodeOptions{.max_events_per_batch = 2});
  const std::string body = "[" + event("1", "t") + R"(, {"id": "2" "type": "t"}])";  // a comma missing
  TestBatch malformed(ContentMode::batch, body);
  ASSERT_FALSE(processor.decode(*malformed));
  EXPECT_TRUE(malformed->events.empty());
  ASSERT_EQ(malformed->invalid_events.size(), 1u);
  EXPECT_EQ(malformed->invalid_events[0].raw.data, body);
  EXPECT_NE(malformed->invalid_events[0].note->detail.find("malformed JSON"), std::string::npos);

  TestBatch too_many(ContentMode::batch, "[" + event("1", "t") + "," + event("2", "t") + "," + event("3", "t") + "]");
  const auto outcome = processor.decode(*too_many);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
  EXPECT_TRUE(too_many->invalid_events.empty());

  TestBatch empty(ContentMode::structured, "  ");
  EXPECT_TRUE(processor.decode(*empty));
}

TEST_F(DeadLetterTest, NdjsonLinesAreDeadLetteredOneByOne) {
  StageProcessor processor(router(), DecodeOptions{});
  TestBatch batch(ContentMode::ndjson, event("1", "t") + "\n{not json\n" + event("2", "t") + "\n");
  ASSERT_FALSE(processor.decode(*batch));
  EXPECT_EQ(batch->events.size(), 2u);
  ASSERT_EQ(batch->invalid_events.size(), 1u);
  EXPECT_EQ(batch->invalid_events[0].raw.data, "{not json");
}

TEST_F(DeadLetterTest, WithoutInvalidFlagTheBatchIsRejectedAsBefore) {
  policy_->invalid = false;
  StageProcessor processor(router(), DecodeOptions{});
  TestBatch batch(ContentMode::batch, "[" + event("1", "t") + ",{\"specversion\":\"1.0\"}]");
  const auto outcome = processor.decode(*batch);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 1);
  EXPECT_TRUE(batch->invalid_events.empty());
}

TEST_F(DeadLetterTest, MissingTemplateFieldsGoToTheDeadLetterWithTheRoute) {
  StageProcessor processor(router("vcenter.{data.Vm.Name}"), DecodeOptions{});
  TestBatch batch(ContentMode::batch,
                  "[" + event("1", "t", R"(,"data":{"Vm":{"Name":"a"}})") + "," + event("2", "t") + "]");
  ASSERT_FALSE(processor.decode(*batch));
  ASSERT_EQ(batch->records.size(), 2u);
  EXPECT_EQ(batch->records[0].sink, &kafka_);
  EXPECT_EQ(batch->records[0].topic, "vcenter.a");
  const OutRecord& dead = batch->records[1];
  EXPECT_EQ(dead.sink, &dlq_);
  ASSERT_NE(dead.dead_letter, nullptr);
  EXPECT_FALSE(dead.dead_letter->raw);
  EXPECT_EQ(dead.event, &batch->events[1]);
  const auto headers = headers_of(dead);
  EXPECT_EQ(headers.at("sluice_dlq_reason"), "missing_field");
  EXPECT_EQ(headers.at("sluice_dlq_route"), "vm");
  EXPECT_EQ(headers.at("sluice_dlq_detail"), "route 'vm': topic template field data.Vm.Name missing in event 1");
  EXPECT_EQ(batch->dead_lettered, 1u);
  EXPECT_EQ(batch->accepted_count(), 1u);
}

TEST_F(DeadLetterTest, UnroutedEventsOnlyWhenAskedFor) {
  std::vector<RouteSpec> specs(1);
  specs[0].name = "vm";
  specs[0].to = {"kafka"};
  specs[0].match_json = R"({"type":["vm.on"]})";
  auto lookup = [&](std::string_view name) -> SinkQueue* { return name == "kafka" ? &kafka_ : nullptr; };
  policy_->unrouted = true;
  StageProcessor processor(make_router(specs, lookup, nullptr, policy_), DecodeOptions{});
  TestBatch batch(ContentMode::batch, "[" + event("1", "vm.on") + "," + event("2", "other") + "," + event("3", "x") + "]");
  ASSERT_FALSE(processor.decode(*batch));
  ASSERT_EQ(batch->records.size(), 3u);
  EXPECT_EQ(batch->records[1].sink, &dlq_);
  EXPECT_EQ(batch->records[1].dead_letter, batch->records[2].dead_letter);  // one note for the batch
  EXPECT_EQ(headers_of(batch->records[2]).at("sluice_dlq_reason"), "unrouted");
  EXPECT_EQ(batch->filtered, 0u);
  EXPECT_EQ(batch->dead_lettered, 2u);

  policy_->unrouted = false;
  TestBatch filtered(ContentMode::batch, "[" + event("2", "other") + "]");
  ASSERT_FALSE(processor.decode(*filtered));
  EXPECT_TRUE(filtered->records.empty());
  EXPECT_EQ(filtered->filtered, 1u);
}

TEST_F(DeadLetterTest, WhenFullDeadLetterNeedsADeadLetterSection) {
  std::vector<RouteSpec> specs(1);
  specs[0].name = "vm";
  specs[0].to = {"kafka"};
  specs[0].when_full = WhenFull::dead_letter;
  auto lookup = [&](std::string_view) -> SinkQueue* { return &kafka_; };
  EXPECT_THROW(make_router(specs, lookup, nullptr), ConfigError);
  EXPECT_NO_THROW(make_router(specs, lookup, nullptr, policy_));
}

// A permanent failure is rerouted to the dead-letter queue and resolves only when that delivery
// does; a dead letter its own sink refuses fails the batch.
TEST_F(DeadLetterTest, PermanentSinkFailureIsReroutedOnceAndAnsweredAfterItsDelivery) {
  StageProcessor processor(router(), DecodeOptions{});
  auto outcome_slot = std::make_shared<std::optional<BatchOutcome>>();
  auto* batch = new IngressBatch("test-source", ContentMode::structured, PaddedBuffer::copy_of(event("1", "t")),
                                 std::make_unique<test::RecordingToken>(outcome_slot), AdmissionLease{});
  ASSERT_FALSE(processor.decode(*batch));
  ASSERT_EQ(batch->records.size(), 1u);
  OutRecord* record = &batch->records[0];
  batch->start_delivery();
  ASSERT_TRUE(kafka_.try_push(std::span<OutRecord* const>(&record, 1)));

  std::array<OutRecord*, 4> popped{};
  ASSERT_EQ(kafka_.pop(popped, std::chrono::milliseconds(100)), 1u);
  SinkQueue::complete(popped[0], DeliveryStatus::permanent_failure, "kafka: message too large (sinks.kafka.x)");
  EXPECT_FALSE(outcome_slot->has_value());  // waiting for the dead letter
  EXPECT_EQ(kafka_.bytes_in_use(), 0u);
  ASSERT_EQ(dlq_.pop(popped, std::chrono::milliseconds(100)), 1u);
  OutRecord* dead = popped[0];
  EXPECT_EQ(dead->sink, &dlq_);
  const auto headers = headers_of(*dead);
  EXPECT_EQ(headers.at("sluice_dlq_reason"), "sink_rejected");
  EXPECT_EQ(headers.at("sluice_dlq_sink"), "kafka");
  EXPECT_EQ(headers.at("sluice_dlq_route"), "vm");
  EXPECT_EQ(headers.at("sluice_dlq_detail"), "kafka: message too large (sinks.kafka.x)");

  SinkQueue::complete(dead, DeliveryStatus::permanent_failure, "dlq refused it too");
  ASSERT_TRUE(outcome_slot->has_value());
  EXPECT_EQ((*outcome_slot)->status, BatchOutcome::Status::unavailable);
  EXPECT_EQ((*outcome_slot)->reason, "dlq refused it too");
  EXPECT_EQ(dlq_.bytes_in_use(), 0u);
}

TEST_F(DeadLetterTest, ReroutedRecordDeliveredAnswersTheBatchDelivered) {
  StageProcessor processor(router(), DecodeOptions{});
  auto outcome_slot = std::make_shared<std::optional<BatchOutcome>>();
  auto* batch = new IngressBatch("test-source", ContentMode::structured, PaddedBuffer::copy_of(event("1", "t")),
                                 std::make_unique<test::RecordingToken>(outcome_slot), AdmissionLease{});
  ASSERT_FALSE(processor.decode(*batch));
  OutRecord* record = &batch->records[0];
  batch->start_delivery();
  SinkQueue::complete(record, DeliveryStatus::permanent_failure, "refused");
  std::array<OutRecord*, 4> popped{};
  ASSERT_EQ(dlq_.pop(popped, std::chrono::milliseconds(100)), 1u);
  SinkQueue::complete(popped[0], DeliveryStatus::delivered);
  ASSERT_TRUE(outcome_slot->has_value());
  EXPECT_EQ((*outcome_slot)->status, BatchOutcome::Status::delivered);
  EXPECT_EQ((*outcome_slot)->accepted, 1u);
}

}  // namespace
}  // namespace sluice
