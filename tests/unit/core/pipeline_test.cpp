#include <sluice/core/pipeline.hpp>
#include <sluice/core/sink_queue.hpp>

#include "support/recording_token.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>

namespace sluice {
namespace {

using testing::OutcomeSlot;
using testing::RecordingToken;

// Test stage: one event per line; a line "bad" is invalid; every event goes to `sink`.
class LineProcessor final : public BatchProcessor {
 public:
  LineProcessor(SinkQueue* sink, WhenFull when_full) : sink_(sink), when_full_(when_full) {}

  std::optional<BatchOutcome> decode(IngressBatch& batch) override {
    std::string_view body = batch.body().view();
    while (!body.empty()) {
      const auto end = body.find('\n');
      const std::string_view line = body.substr(0, end);
      if (line == "bad") {
        BatchOutcome outcome;
        outcome.status = BatchOutcome::Status::invalid;
        outcome.error_index = static_cast<std::int64_t>(batch.events.size());
        outcome.reason = "bad line";
        return outcome;
      }
      Event event;
      event.id = line;
      batch.events.push_back(event);
      if (end == std::string_view::npos) break;
      body.remove_prefix(end + 1);
    }
    return std::nullopt;
  }

  void route(IngressBatch& batch) override {
    for (const Event& event : batch.events) {
      if (event.id == "skip") {
        ++batch.filtered;
        continue;
      }
      OutRecord record;
      record.batch = &batch;
      record.event = &event;
      record.sink = sink_;
      record.bytes = static_cast<std::uint32_t>(event.id.size());
      record.when_full = when_full_;
      batch.records.push_back(record);
    }
  }

 private:
  SinkQueue* sink_;
  WhenFull when_full_;
};

// Drains a sink queue on its own thread, as a sink would; can be paused to simulate a stuck broker.
class DrainingSink {
 public:
  explicit DrainingSink(SinkQueue& queue, DeliveryStatus status = DeliveryStatus::delivered)
      : queue_(queue), status_(status), thread_([this] { run(); }) {}
  ~DrainingSink() {
    stop_ = true;
    paused_ = false;
    queue_.wake_consumer();
    thread_.join();
  }
  std::atomic<bool> paused_{false};
  std::atomic<int> delivered_{0};

 private:
  void run() {
    std::array<OutRecord*, 64> records{};
    while (!stop_) {
      if (paused_) {
        std::this_thread::yield();
        continue;
      }
      const std::size_t count = queue_.pop(records, std::chrono::milliseconds(20));
      for (std::size_t i = 0; i < count; ++i) {
        if (records[i] == nullptr) continue;
        ++delivered_;
        SinkQueue::complete(records[i], status_, "test failure");
      }
    }
  }
  SinkQueue& queue_;
  DeliveryStatus status_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Submits `body` (one event per line) without an admission lease; the slot receives its answer.
std::shared_ptr<OutcomeSlot> submit_unbudgeted(Pipeline& pipeline, std::string_view body) {
  auto slot = std::make_shared<OutcomeSlot>();
  pipeline.submit(std::make_unique<IngressBatch>("t", ContentMode::ndjson, PaddedBuffer::copy_of(body),
                                                 std::make_unique<RecordingToken>(slot), AdmissionLease{}));
  return slot;
}

struct PipelineFixture {
  Telemetry telemetry;
  SinkQueue queue{"test-sink", 1 << 20};
  std::unique_ptr<Pipeline> pipeline;

  explicit PipelineFixture(PipelineOptions options = {}, WhenFull when_full = WhenFull::block) {
    if (options.workers == 0) options.workers = 2;
    pipeline = std::make_unique<Pipeline>(options, telemetry, [this, when_full] {
      return std::make_unique<LineProcessor>(&queue, when_full);
    });
    pipeline->start();
  }

  std::shared_ptr<OutcomeSlot> submit(std::string_view body, AckMode mode = AckMode::delivered) {
    auto slot = std::make_shared<OutcomeSlot>();
    auto lease = pipeline->admission().try_acquire(body.size());
    EXPECT_TRUE(lease);
    auto batch = std::make_unique<IngressBatch>("test", ContentMode::ndjson, PaddedBuffer::copy_of(body),
                                                std::make_unique<RecordingToken>(slot), std::move(*lease));
    batch->ack_mode = mode;
    pipeline->submit(std::move(batch));
    return slot;
  }
};

TEST(Pipeline, AnswersDeliveredWithCountsAfterTheSinkConfirms) {
  PipelineFixture fixture;
  DrainingSink sink(fixture.queue);
  auto slot = fixture.submit("a\nb\nskip\nc");
  auto outcome = slot->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered);
  EXPECT_EQ(outcome->accepted, 3u);
  EXPECT_EQ(outcome->filtered, 1u);
  EXPECT_EQ(sink.delivered_.load(), 3);
  EXPECT_TRUE(fixture.pipeline->drain(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  EXPECT_EQ(fixture.pipeline->admission().bytes_in_use(), 0u);
}

TEST(Pipeline, NoAnswerBeforeTheSinkConfirms) {
  PipelineFixture fixture;
  auto slot = fixture.submit("a\nb");
  EXPECT_FALSE(slot->wait(std::chrono::milliseconds(200)));
  DrainingSink sink(fixture.queue);
  auto outcome = slot->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered);
}

TEST(Pipeline, InvalidBatchIsRejectedWithoutRoutingAnything) {
  PipelineFixture fixture;
  DrainingSink sink(fixture.queue);
  auto slot = fixture.submit("a\nbad\nc");
  auto outcome = slot->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::invalid);
  EXPECT_EQ(outcome->error_index, 1);
  EXPECT_EQ(sink.delivered_.load(), 0);
}

TEST(Pipeline, AllFilteredCompletesAtOnce) {
  PipelineFixture fixture;
  auto slot = fixture.submit("skip\nskip");
  auto outcome = slot->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered);
  EXPECT_EQ(outcome->accepted, 0u);
  EXPECT_EQ(outcome->filtered, 2u);
}

TEST(Pipeline, SinkFailureAnswersUnavailable) {
  PipelineFixture fixture;
  DrainingSink sink(fixture.queue, DeliveryStatus::retryable_failure);
  auto outcome = fixture.submit("a\nb")->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_EQ(outcome->reason, "test failure");
}

TEST(Pipeline, EventBudgetExhaustedAnswersOverloaded) {
  PipelineOptions options;
  options.budget_events = 2;
  PipelineFixture fixture(options);
  DrainingSink sink(fixture.queue);
  auto outcome = fixture.submit("a\nb\nc")->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::overloaded);
  EXPECT_EQ(sink.delivered_.load(), 0);
}

TEST(Pipeline, AcceptedModeAnswersBeforeDelivery) {
  PipelineFixture fixture;
  auto slot = fixture.submit("a\nb", AckMode::accepted);
  auto outcome = slot->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::accepted);
  EXPECT_EQ(outcome->accepted, 2u);
  EXPECT_EQ(fixture.pipeline->batches_in_flight(), 1u);  // still being delivered
  DrainingSink sink(fixture.queue);
  EXPECT_TRUE(fixture.pipeline->drain(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  EXPECT_EQ(slot->completions, 1);
}

TEST(Pipeline, FullSinkShareUnderBlockFailsAfterBlockTimeout) {
  PipelineOptions options;
  options.block_timeout = std::chrono::milliseconds(100);
  options.workers = 1;  // so "aaaa" takes the share before "bbbb" (two workers may swap them)
  Telemetry telemetry;
  SinkQueue small("small", 4);
  Pipeline pipeline(options, telemetry, [&] { return std::make_unique<LineProcessor>(&small, WhenFull::block); });
  pipeline.start();
  auto submit = [&](std::string_view body) { return submit_unbudgeted(pipeline, body); };
  auto first = submit("aaaa");  // fills the share; nobody drains
  auto second = submit("bbbb");
  auto outcome = second->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::unavailable);
  EXPECT_NE(outcome->reason.find("small"), std::string::npos);
  {
    DrainingSink sink(small);
    ASSERT_TRUE(first->wait());
  }
  pipeline.stop();
}

// Routes lines starting with "stuck" to one sink and the others to another, both under `block`.
class TwoSinkProcessor final : public BatchProcessor {
 public:
  TwoSinkProcessor(SinkQueue* stuck, SinkQueue* healthy) : healthy_(healthy, WhenFull::block), stuck_sink_(stuck) {}
  std::optional<BatchOutcome> decode(IngressBatch& batch) override { return healthy_.decode(batch); }
  void route(IngressBatch& batch) override {
    healthy_.route(batch);
    for (OutRecord& record : batch.records) {
      if (record.event->id.starts_with("stuck")) record.sink = stuck_sink_;
    }
  }

 private:
  LineProcessor healthy_;
  SinkQueue* stuck_sink_;
};

TEST(Pipeline, AStuckSinkUnderBlockDoesNotHoldUpBatchesForAnotherSink) {
  PipelineOptions options;
  options.block_timeout = std::chrono::hours(1);  // the stuck batches outwait this test
  options.workers = 1;  // one worker: were it waiting for the stuck sink, nothing else would move
  Telemetry telemetry;
  SinkQueue stuck("stuck", 6);
  SinkQueue healthy("healthy", 1 << 20);
  Pipeline pipeline(options, telemetry, [&] { return std::make_unique<TwoSinkProcessor>(&stuck, &healthy); });
  pipeline.start();
  auto submit = [&](std::string_view body) { return submit_unbudgeted(pipeline, body); };
  auto fills = submit("stuck1");   // takes the stuck sink's whole share; nobody drains it
  auto waits = submit("stuck2");   // waits for room
  DrainingSink sink(healthy);
  std::vector<std::shared_ptr<OutcomeSlot>> others;
  for (int i = 0; i < 20; ++i) others.push_back(submit("healthy" + std::to_string(i)));
  for (auto& other : others) {
    auto outcome = other->wait();
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered);
  }
  EXPECT_FALSE(fills->outcome);
  EXPECT_FALSE(waits->outcome);
  {
    DrainingSink unstuck(stuck);  // the sink comes back: both stuck batches are delivered
    ASSERT_TRUE(fills->wait());
    ASSERT_TRUE(waits->wait());
    EXPECT_EQ(waits->outcome->status, BatchOutcome::Status::delivered);
  }
  pipeline.stop();
}

TEST(Pipeline, DropPolicyCountsAndAnswersWhenTheShareIsFull) {
  PipelineOptions options;
  Telemetry telemetry;
  SinkQueue small("small", 4);
  Pipeline pipeline(options, telemetry, [&] { return std::make_unique<LineProcessor>(&small, WhenFull::drop); });
  pipeline.start();
  auto submit = [&](std::string_view body) { return submit_unbudgeted(pipeline, body); };
  auto first = submit("aaaa");
  ASSERT_FALSE(first->wait(std::chrono::milliseconds(100)));
  auto second = submit("bbbb");
  auto outcome = second->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::delivered);
  EXPECT_EQ(telemetry.component("pipeline", "pipeline").dropped.Value(), 1.0);
  EXPECT_EQ(telemetry.component("sink", "small").dropped.Value(), 1.0);  // and on the sink that was full
  {
    DrainingSink sink(small);
    ASSERT_TRUE(first->wait());
  }
  pipeline.stop();
}

TEST(Pipeline, StopAnswersQueuedBatchesShuttingDownAndRefusesNewOnes) {
  PipelineFixture fixture;
  auto slot = fixture.submit("a");
  fixture.pipeline->stop();
  // The worker either delivered it to the queue (nobody drains) or answered shutting down.
  auto late = fixture.submit("b");
  auto outcome = late->wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, BatchOutcome::Status::shutting_down);
  DrainingSink sink(fixture.queue);
  EXPECT_TRUE(slot->wait());
}

}  // namespace
}  // namespace sluice
