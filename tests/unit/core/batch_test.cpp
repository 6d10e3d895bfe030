#include <sluice/core/batch.hpp>
#include <sluice/core/sink_queue.hpp>

#include "support/recording_token.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace sluice {
namespace {

using testing::OutcomeSlot;
using testing::RecordingToken;

IngressBatch* make_batch(std::shared_ptr<OutcomeSlot> slot, std::size_t events, AdmissionLease lease = {}) {
  auto* batch = new IngressBatch("test", ContentMode::batch, PaddedBuffer::copy_of("[]"),
                                 std::make_unique<RecordingToken>(std::move(slot)), std::move(lease));
  batch->events.resize(events);
  return batch;
}

TEST(IngressBatch, CompletesDeliveredOnlyAfterTheLastRecord) {
  auto slot = std::make_shared<OutcomeSlot>();
  IngressBatch* batch = make_batch(slot, 3);
  batch->filtered = 1;
  batch->records.resize(2);
  batch->start_delivery();
  batch->resolve(DeliveryStatus::delivered, {});
  EXPECT_FALSE(slot->outcome.has_value());
  batch->resolve(DeliveryStatus::delivered, {});  // deletes the batch
  ASSERT_TRUE(slot->outcome.has_value());
  EXPECT_EQ(slot->outcome->status, BatchOutcome::Status::delivered);
  EXPECT_EQ(slot->outcome->accepted, 2u);
  EXPECT_EQ(slot->outcome->filtered, 1u);
  EXPECT_EQ(slot->completions, 1);
}

TEST(IngressBatch, AnyFailedRecordMakesTheBatchUnavailableWithTheFirstReason) {
  auto slot = std::make_shared<OutcomeSlot>();
  IngressBatch* batch = make_batch(slot, 3);
  batch->records.resize(3);
  batch->start_delivery();
  batch->resolve(DeliveryStatus::retryable_failure, "broker timed out");
  batch->resolve(DeliveryStatus::permanent_failure, "message too large");
  EXPECT_FALSE(slot->outcome.has_value());
  batch->resolve(DeliveryStatus::delivered, {});
  ASSERT_TRUE(slot->outcome.has_value());
  EXPECT_EQ(slot->outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_EQ(slot->outcome->reason, "broker timed out");
}

TEST(IngressBatch, EarlyAnswerIsSentOnceAndTheFinalOutcomeIsNotSent) {
  auto slot = std::make_shared<OutcomeSlot>();
  IngressBatch* batch = make_batch(slot, 1);
  batch->records.resize(1);
  BatchOutcome early;
  early.status = BatchOutcome::Status::accepted;
  batch->answer_early(early);
  batch->start_delivery();
  batch->resolve(DeliveryStatus::retryable_failure, "late failure");
  ASSERT_TRUE(slot->outcome.has_value());
  EXPECT_EQ(slot->outcome->status, BatchOutcome::Status::accepted);
  EXPECT_EQ(slot->completions, 1);
}

TEST(IngressBatch, FinishingReleasesTheAdmissionLease) {
  Admission admission(1000, 1000);
  auto slot = std::make_shared<OutcomeSlot>();
  IngressBatch* batch = make_batch(slot, 0, std::move(*admission.try_acquire(700)));
  EXPECT_EQ(admission.bytes_in_use(), 700u);
  batch->finish_without_delivery(BatchOutcome{});
  EXPECT_EQ(admission.bytes_in_use(), 0u);
}

TEST(IngressBatch, ConcurrentResolutionCompletesExactlyOnce) {
  for (int round = 0; round < 50; ++round) {
    auto slot = std::make_shared<OutcomeSlot>();
    IngressBatch* batch = make_batch(slot, 1000);
    batch->records.resize(1000);
    batch->start_delivery();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([batch] {
        for (int i = 0; i < 250; ++i) batch->resolve(DeliveryStatus::delivered, {});
      });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_TRUE(slot->outcome.has_value());
    EXPECT_EQ(slot->completions, 1);
    EXPECT_EQ(slot->outcome->accepted, 1000u);
  }
}

}  // namespace
}  // namespace sluice
