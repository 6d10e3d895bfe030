#include "core/waiting_room.hpp"

#include <sluice/core/batch.hpp>

#include "records_in_delivery.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <array>

namespace sluice {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Batch : testing::RecordsInDelivery {
  using RecordsInDelivery::RecordsInDelivery;
  WaitingRoom::Group group(Clock::time_point deadline) const {
    return WaitingRoom::Group{pointers.front()->sink, pointers, deadline, nullptr};
  }
};

// Completes what the queue holds, as a sink confirming its deliveries would.
std::size_t deliver(SinkQueue& queue) {
  std::array<OutRecord*, 16> taken{};
  const std::size_t count = queue.pop(taken, 1s);
  for (std::size_t i = 0; i < count; ++i) SinkQueue::complete(taken[i], DeliveryStatus::delivered);
  return count;
}

struct Room {
  prometheus::Registry registry;
  prometheus::Counter& sink_full = prometheus::BuildCounter().Name("sink_full").Register(registry).Add({});
  WaitingRoom room{sink_full};
  Room() { room.start(); }
};

TEST(WaitingRoom, QueuesAtOnceWhenTheShareHasRoom) {
  SinkQueue queue("kafka", 1000);
  Room room;
  Batch batch(queue, 2, 100);
  room.room.enter(batch.group(Clock::now() + 1h));
  EXPECT_EQ(queue.bytes_in_use(), 200u);
  EXPECT_EQ(room.room.waiting_records(), 0u);
  EXPECT_EQ(deliver(queue), 2u);
  ASSERT_TRUE(batch.slot->wait());
  EXPECT_EQ(batch.slot->outcome->status, BatchOutcome::Status::delivered);
}

TEST(WaitingRoom, AGroupWaitsUntilTheSinkFreesRoomThenIsQueued) {
  SinkQueue queue("kafka", 1000);
  Room room;
  Batch first(queue, 1, 1000);
  Batch second(queue, 1, 600);
  ASSERT_TRUE(queue.try_push(first.pointers));
  room.room.enter(second.group(Clock::now() + 1h));  // far deadline: only freed room moves it
  EXPECT_EQ(room.room.waiting_records(), 1u);
  EXPECT_EQ(deliver(queue), 1u);  // frees the share; the waiting room is told and pushes
  ASSERT_TRUE(first.slot->wait());
  EXPECT_EQ(deliver(queue), 1u);
  ASSERT_TRUE(second.slot->wait());
  EXPECT_EQ(second.slot->outcome->status, BatchOutcome::Status::delivered);
  EXPECT_EQ(room.sink_full.Value(), 0.0);
}

TEST(WaitingRoom, AGroupFailsRetryableAtItsDeadline) {
  SinkQueue queue("stuck", 1000);
  Room room;
  Batch first(queue, 1, 1000);
  Batch second(queue, 2, 300);
  ASSERT_TRUE(queue.try_push(first.pointers));
  room.room.enter(second.group(Clock::now() + 50ms));
  auto outcome = second.slot->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_NE(outcome->reason.find("sink 'stuck' is full"), std::string::npos) << outcome->reason;
  EXPECT_EQ(room.sink_full.Value(), 1.0);
  EXPECT_EQ(room.room.waiting_records(), 0u);
  EXPECT_EQ(deliver(queue), 1u);
}

TEST(WaitingRoom, NewGroupsWaitBehindOlderOnesForTheSameSink) {
  SinkQueue queue("kafka", 1000);
  Room room;
  Batch first(queue, 1, 900);
  Batch big(queue, 1, 800);
  Batch small(queue, 1, 50);
  ASSERT_TRUE(queue.try_push(first.pointers));
  room.room.enter(big.group(Clock::now() + 1h));
  // The share has room for `small` now, but `big` came first.
  room.room.enter(small.group(Clock::now() + 1h));
  EXPECT_EQ(room.room.waiting_records(), 2u);
  EXPECT_EQ(queue.bytes_in_use(), 900u);
  EXPECT_EQ(deliver(queue), 1u);
  ASSERT_TRUE(first.slot->wait());
  // Both fit after `first`: they arrive at the sink in the order they entered.
  std::array<OutRecord*, 4> taken{};
  std::size_t count = 0;
  const auto deadline = Clock::now() + 10s;
  while (count < 2 && Clock::now() < deadline) count += queue.pop(std::span(taken).subspan(count), 100ms);
  ASSERT_EQ(count, 2u);
  EXPECT_EQ(taken[0], big.pointers[0]);
  EXPECT_EQ(taken[1], small.pointers[0]);
  for (std::size_t i = 0; i < count; ++i) SinkQueue::complete(taken[i], DeliveryStatus::delivered);
  EXPECT_TRUE(big.slot->wait());
  EXPECT_TRUE(small.slot->wait());
}

TEST(WaitingRoom, AtMostAShareWaitsPerSinkBeyondThatGroupsFailAtOnce) {
  SinkQueue queue("stuck", 1000);
  Room room;
  Batch queued(queue, 1, 1000);
  Batch waiting(queue, 1, 700);
  Batch refused(queue, 1, 400);
  ASSERT_TRUE(queue.try_push(queued.pointers));
  room.room.enter(waiting.group(Clock::now() + 1h));
  room.room.enter(refused.group(Clock::now() + 1h));
  auto outcome = refused.slot->wait();  // with a deadline an hour away: failed by the bound
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_NE(outcome->reason.find("records waiting for it"), std::string::npos) << outcome->reason;
  EXPECT_EQ(room.room.waiting_records(), 1u);
  EXPECT_FALSE(waiting.slot->outcome);
  room.room.stop();  // fails what still waits
  ASSERT_TRUE(waiting.slot->outcome);
  EXPECT_EQ(waiting.slot->outcome->reason, "sluice is shutting down");
  EXPECT_EQ(deliver(queue), 1u);
  EXPECT_TRUE(queued.slot->wait());
}

TEST(WaitingRoom, AfterStopAGroupForAFullSinkFailsAtOnce) {
  SinkQueue queue("kafka", 1000);
  Room room;
  Batch first(queue, 1, 1000);
  Batch late(queue, 1, 10);
  ASSERT_TRUE(queue.try_push(first.pointers));
  room.room.stop();
  room.room.enter(late.group(Clock::now() + 1h));
  ASSERT_TRUE(late.slot->outcome);
  EXPECT_EQ(late.slot->outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_EQ(queue.room_watcher(), nullptr);
  EXPECT_EQ(deliver(queue), 1u);
  EXPECT_TRUE(first.slot->wait());
}

}  // namespace
}  // namespace sluice
