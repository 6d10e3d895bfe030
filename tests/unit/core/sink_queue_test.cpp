#include <sluice/core/sink_queue.hpp>

#include "records_in_delivery.hpp"

#include <gtest/gtest.h>

#include <array>
#include <thread>

namespace sluice {
namespace {


using Fixture = testing::RecordsInDelivery;

TEST(SinkQueue, ChargesTheShareUntilRecordsAreCompleted) {
  SinkQueue queue("kafka", 1000);
  Fixture fixture(queue, 4, 200);
  ASSERT_TRUE(queue.try_push(fixture.pointers));
  EXPECT_EQ(queue.bytes_in_use(), 800u);

  std::array<OutRecord*, 8> taken{};
  const std::size_t count = queue.pop(taken, std::chrono::milliseconds(100));
  ASSERT_EQ(count, 4u);
  // Popping does not free the share: the broker has not confirmed yet.
  EXPECT_EQ(queue.bytes_in_use(), 800u);
  for (std::size_t i = 0; i < count; ++i) SinkQueue::complete(taken[i], DeliveryStatus::delivered);
  EXPECT_EQ(queue.bytes_in_use(), 0u);
  ASSERT_TRUE(fixture.slot->outcome);
  EXPECT_EQ(fixture.slot->outcome->status, BatchOutcome::Status::delivered);
}

TEST(SinkQueue, RefusesAllOrNothingWhenTheShareIsFull) {
  SinkQueue queue("kafka", 1000);
  Fixture first(queue, 4, 200);
  Fixture second(queue, 2, 200);
  ASSERT_TRUE(queue.try_push(first.pointers));
  EXPECT_FALSE(queue.try_push(second.pointers));
  EXPECT_EQ(queue.bytes_in_use(), 800u);
  EXPECT_EQ(queue.depth(), 4u);
  // Clean up: complete everything.
  std::array<OutRecord*, 8> taken{};
  const std::size_t count = queue.pop(taken, std::chrono::milliseconds(100));
  for (std::size_t i = 0; i < count; ++i) SinkQueue::complete(taken[i], DeliveryStatus::delivered);
  ASSERT_TRUE(queue.try_push(second.pointers));
  const std::size_t rest = queue.pop(taken, std::chrono::milliseconds(100));
  for (std::size_t i = 0; i < rest; ++i) SinkQueue::complete(taken[i], DeliveryStatus::delivered);
  EXPECT_TRUE(second.slot->outcome);
}

TEST(SinkQueue, AnEmptyQueueTakesABatchLargerThanItsShare) {
  SinkQueue queue("kafka", 100);
  Fixture big(queue, 1, 5000);
  ASSERT_TRUE(queue.try_push(big.pointers));
  std::array<OutRecord*, 1> taken{};
  ASSERT_EQ(queue.pop(taken, std::chrono::milliseconds(100)), 1u);
  SinkQueue::complete(taken[0], DeliveryStatus::delivered);
  EXPECT_TRUE(big.slot->outcome);
}

TEST(SinkQueue, PushUntilWaitsForRoomAndGivesUpAtTheDeadline) {
  SinkQueue queue("kafka", 1000);
  Fixture first(queue, 1, 1000);
  Fixture second(queue, 1, 500);
  ASSERT_TRUE(queue.try_push(first.pointers));
  EXPECT_FALSE(queue.push_until(second.pointers, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));

  std::thread consumer([&] {
    std::array<OutRecord*, 1> taken{};
    if (queue.pop(taken, std::chrono::seconds(5)) == 1) SinkQueue::complete(taken[0], DeliveryStatus::delivered);
  });
  EXPECT_TRUE(queue.push_until(second.pointers, std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  consumer.join();
  std::array<OutRecord*, 1> taken{};
  ASSERT_EQ(queue.pop(taken, std::chrono::seconds(1)), 1u);
  SinkQueue::complete(taken[0], DeliveryStatus::delivered);
  EXPECT_TRUE(first.slot->outcome);
  EXPECT_TRUE(second.slot->outcome);
}

TEST(SinkQueue, WakeConsumerDeliversANullEntry) {
  SinkQueue queue("kafka", 1000);
  queue.wake_consumer();
  std::array<OutRecord*, 4> taken{};
  ASSERT_EQ(queue.pop(taken, std::chrono::seconds(1)), 1u);
  EXPECT_EQ(taken[0], nullptr);
}

}  // namespace
}  // namespace sluice
