#include "sinks/amqp/confirm_window.hpp"

#include <gtest/gtest.h>

#include <array>

namespace sluice::amqp {
namespace {

struct Records {
  std::array<OutRecord, 16> records{};
  OutRecord* at(std::size_t i) { return &records.at(i); }
};

WindowEntry entry(OutRecord* record, std::string_view key = "a.b", std::uint32_t size = 10,
                  Clock::time_point taken_at = Clock::time_point{}) {
  return WindowEntry{record, key, size, taken_at};
}

std::vector<OutRecord*> records_of(const std::vector<Settled>& settled) {
  std::vector<OutRecord*> out;
  for (const auto& s : settled) out.push_back(s.record);
  return out;
}

TEST(ConfirmWindow, AssignsConsecutiveTagsAndTracksRoom) {
  Records r;
  ConfirmWindow window(3);
  EXPECT_EQ(window.add(entry(r.at(0))), 1u);
  EXPECT_EQ(window.add(entry(r.at(1))), 2u);
  EXPECT_EQ(window.room(), 1u);
  EXPECT_EQ(window.add(entry(r.at(2))), 3u);
  EXPECT_EQ(window.room(), 0u);
  EXPECT_EQ(window.size(), 3u);
}

TEST(ConfirmWindow, SingleAckSettlesOnlyThatTag) {
  Records r;
  ConfirmWindow window(8);
  for (int i = 0; i < 3; ++i) window.add(entry(r.at(i)));
  std::vector<Settled> out;
  EXPECT_EQ(window.ack(2, false, out), 1u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].record, r.at(1));
  EXPECT_EQ(out[0].how, Settlement::acked);
  EXPECT_EQ(window.size(), 2u);
}

TEST(ConfirmWindow, MultipleAckSettlesEverythingUpToTheTagInOrder) {
  Records r;
  ConfirmWindow window(8);
  for (int i = 0; i < 5; ++i) window.add(entry(r.at(i)));
  std::vector<Settled> out;
  EXPECT_EQ(window.ack(3, true, out), 3u);
  EXPECT_EQ(records_of(out), (std::vector<OutRecord*>{r.at(0), r.at(1), r.at(2)}));
  EXPECT_EQ(window.size(), 2u);
  out.clear();
  EXPECT_EQ(window.ack(5, true, out), 2u);
  EXPECT_EQ(records_of(out), (std::vector<OutRecord*>{r.at(3), r.at(4)}));
  EXPECT_TRUE(window.empty());
}

TEST(ConfirmWindow, OutOfOrderSingleAcksThenMultipleSkipsSettledOnes) {
  Records r;
  ConfirmWindow window(8);
  for (int i = 0; i < 5; ++i) window.add(entry(r.at(i)));
  std::vector<Settled> out;
  window.ack(4, false, out);
  window.ack(2, false, out);
  EXPECT_EQ(records_of(out), (std::vector<OutRecord*>{r.at(3), r.at(1)}));
  out.clear();
  EXPECT_EQ(window.ack(5, true, out), 3u);  // 1, 3, 5: 2 and 4 were settled already
  EXPECT_EQ(records_of(out), (std::vector<OutRecord*>{r.at(0), r.at(2), r.at(4)}));
  EXPECT_TRUE(window.empty());
}

TEST(ConfirmWindow, NackMultipleAndMixedWithAcks) {
  Records r;
  ConfirmWindow window(8);
  for (int i = 0; i < 4; ++i) window.add(entry(r.at(i)));
  std::vector<Settled> out;
  window.ack(1, false, out);
  window.nack(3, true, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].how, Settlement::acked);
  EXPECT_EQ(out[1].record, r.at(1));
  EXPECT_EQ(out[1].how, Settlement::nacked);
  EXPECT_EQ(out[2].record, r.at(2));
  EXPECT_EQ(out[2].how, Settlement::nacked);
  EXPECT_EQ(window.size(), 1u);
}

TEST(ConfirmWindow, DuplicateAndUnknownTagsAreIgnored) {
  Records r;
  ConfirmWindow window(8);
  for (int i = 0; i < 2; ++i) window.add(entry(r.at(i)));
  std::vector<Settled> out;
  window.ack(1, false, out);
  EXPECT_EQ(window.ack(1, false, out), 0u);   // again
  EXPECT_EQ(window.ack(1, true, out), 0u);    // below the front
  EXPECT_EQ(window.ack(9, false, out), 0u);   // never published
  EXPECT_EQ(window.ack(0, true, out), 0u);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(window.size(), 1u);
}

TEST(ConfirmWindow, ReturnedMessageIsSettledAsReturnedByItsAck) {
  Records r;
  ConfirmWindow window(8);
  window.add(entry(r.at(0), "a.b", 10));
  window.add(entry(r.at(1), "x.y", 20));
  window.add(entry(r.at(2), "x.y", 20));
  EXPECT_TRUE(window.mark_returned("x.y", 20, 312));
  EXPECT_FALSE(window.mark_returned("x.y", 21, 312));  // body size must match
  EXPECT_FALSE(window.mark_returned("nope", 10, 312));
  std::vector<Settled> out;
  window.ack(3, true, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].how, Settlement::acked);
  EXPECT_EQ(out[1].how, Settlement::returned);  // the oldest twin takes the return
  EXPECT_EQ(out[1].return_code, 312);
  EXPECT_EQ(out[2].how, Settlement::acked);
}

TEST(ConfirmWindow, SecondReturnForTheSameKeyMarksTheNextEntry) {
  Records r;
  ConfirmWindow window(8);
  window.add(entry(r.at(0), "k", 5));
  window.add(entry(r.at(1), "k", 5));
  EXPECT_TRUE(window.mark_returned("k", 5, 312));
  EXPECT_TRUE(window.mark_returned("k", 5, 312));
  EXPECT_FALSE(window.mark_returned("k", 5, 312));
  std::vector<Settled> out;
  window.ack(1, false, out);
  window.ack(2, false, out);
  EXPECT_EQ(out[0].how, Settlement::returned);
  EXPECT_EQ(out[1].how, Settlement::returned);
}

TEST(ConfirmWindow, TakeUnsettledReturnsPublishOrderAndRestartsTags) {
  Records r;
  ConfirmWindow window(8);
  for (int i = 0; i < 4; ++i) window.add(entry(r.at(i)));
  std::vector<Settled> out;
  window.ack(2, false, out);
  window.hold(entry(r.at(4)));
  auto unsettled = window.take_unsettled();
  ASSERT_EQ(unsettled.size(), 4u);
  EXPECT_EQ(unsettled[0].record, r.at(0));
  EXPECT_EQ(unsettled[1].record, r.at(2));
  EXPECT_EQ(unsettled[2].record, r.at(3));
  EXPECT_EQ(unsettled[3].record, r.at(4));
  EXPECT_EQ(unsettled[0].publish_count, 1u);
  EXPECT_EQ(unsettled[3].publish_count, 0u);  // held, never published
  EXPECT_TRUE(window.empty());
  // A fresh channel: tags start at 1 again; acks for the old channel's tags cannot leak in.
  for (auto& e : unsettled) window.add(e);
  out.clear();
  window.ack(2, true, out);
  EXPECT_EQ(records_of(out), (std::vector<OutRecord*>{r.at(0), r.at(2)}));
  EXPECT_EQ(out[0].publish_count, 2u);
  EXPECT_EQ(out[1].publish_count, 2u);
}

TEST(ConfirmWindow, ExpireSettlesOldEntriesAndLaterAcksForThemAreIgnored) {
  Records r;
  ConfirmWindow window(8);
  const Clock::time_point t0{};
  window.add(entry(r.at(0), "k", 1, t0 + std::chrono::seconds(1)));
  window.add(entry(r.at(1), "k", 1, t0 + std::chrono::seconds(2)));
  window.add(entry(r.at(2), "k", 1, t0 + std::chrono::seconds(3)));
  std::vector<Settled> out;
  EXPECT_EQ(window.expire(t0 + std::chrono::milliseconds(2500), out), 2u);
  EXPECT_EQ(out[0].how, Settlement::timed_out);
  EXPECT_EQ(window.size(), 1u);
  EXPECT_EQ(window.oldest_taken_at(), t0 + std::chrono::seconds(3));
  out.clear();
  EXPECT_EQ(window.ack(3, true, out), 1u);
  EXPECT_EQ(out[0].record, r.at(2));
}

TEST(ConfirmWindow, AckingTheFrontLastKeepsTagIndexing) {
  Records r;
  ConfirmWindow window(8);
  const Clock::time_point t0{};
  window.add(entry(r.at(0), "k", 1, t0 + std::chrono::seconds(5)));
  window.add(entry(r.at(1), "k", 1, t0 + std::chrono::seconds(5)));
  std::vector<Settled> out;
  window.ack(1, false, out);
  window.add(entry(r.at(2), "k", 1, t0 + std::chrono::seconds(6)));
  out.clear();
  window.ack(3, false, out);  // tag 2 still outstanding in front
  EXPECT_EQ(records_of(out), (std::vector<OutRecord*>{r.at(2)}));
  out.clear();
  window.ack(2, false, out);
  EXPECT_EQ(records_of(out), (std::vector<OutRecord*>{r.at(1)}));
  EXPECT_TRUE(window.empty());
  EXPECT_EQ(window.add(entry(r.at(3))), 4u);
}

TEST(ConfirmWindow, AbandonAllSettlesEverything) {
  Records r;
  ConfirmWindow window(8);
  window.add(entry(r.at(0)));
  window.hold(entry(r.at(1)));
  std::vector<Settled> out;
  EXPECT_EQ(window.abandon_all(out), 2u);
  EXPECT_EQ(out[1].how, Settlement::abandoned);
  EXPECT_TRUE(window.empty());
  out.clear();
  EXPECT_EQ(window.ack(1, true, out), 0u);
}

TEST(ConfirmWindow, LongRunOfMultipleAcksStaysConsistent) {
  Records r;
  ConfirmWindow window(4);
  std::uint64_t next = 1;
  std::size_t settled = 0;
  std::vector<Settled> out;
  for (int round = 0; round < 1000; ++round) {
    while (window.room() > 0) window.add(entry(r.at(next++ % 16)));
    // Confirm alternately one by one from the back and all at once.
    if (round % 2 == 0) {
      settled += window.ack(next - 1, false, out);
      settled += window.ack(next - 2, true, out);
    } else {
      settled += window.ack(next - 1, true, out);
    }
    EXPECT_TRUE(window.empty());
  }
  EXPECT_EQ(settled, next - 1);
}

}  // namespace
}  // namespace sluice::amqp
