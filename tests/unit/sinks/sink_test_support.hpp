#pragma once
// Hand-built IngressBatches for sink tests: events whose views live in the batch (arena), records
// bound for one sink, and an AckToken that records the outcome for the test to wait on.

#include <sluice/core/batch.hpp>
#include <sluice/core/sink_queue.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::testing {

// Shared between the token (owned by the batch, destroyed with it) and the test.
struct AckState {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<BatchOutcome> outcome;

  // Waits up to `timeout` for the outcome (a condition and a deadline, not a sleep).
  std::optional<BatchOutcome> wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    done.wait_for(lock, timeout, [&] { return outcome.has_value(); });
    return outcome;
  }
};

class RecordingToken final : public AckToken {
 public:
  explicit RecordingToken(std::shared_ptr<AckState> state) : state_(std::move(state)) {}
  void complete(BatchOutcome outcome) noexcept override {
    std::lock_guard lock(state_->mutex);
    state_->outcome = std::move(outcome);
    state_->done.notify_all();
  }

 private:
  std::shared_ptr<AckState> state_;
};

// Builds one batch. Add every event before the first record (records point at events, and the
// events vector must not grow after that). After submit() the batch belongs to the sink.
class TestBatch {
 public:
  explicit TestBatch(std::string_view body = "{}")
      : state_(std::make_shared<AckState>()),
        batch_(new IngressBatch("test", ContentMode::batch, PaddedBuffer::copy_of(body),
                                std::make_unique<RecordingToken>(state_), AdmissionLease())) {}
  ~TestBatch() {
    // Never submitted: nothing else will end it.
    if (batch_ != nullptr) batch_->finish_without_delivery(BatchOutcome{});
  }
  TestBatch(const TestBatch&) = delete;
  TestBatch& operator=(const TestBatch&) = delete;

  // Copies into the batch's arena, as the decoder does for strings it had to change.
  std::string_view own(std::string_view text) { return batch_->arena.copy(text); }

  // A minimal valid event: id, source, specversion, type; the caller fills the rest through
  // the returned reference (use own() for strings).
  Event& add_event(std::string_view id = "1") {
    Event& event = batch_->events.emplace_back();
    event.id = own(id);
    event.source = own("/test");
    event.specversion = own("1.0");
    event.type = own("com.example.test");
    return event;
  }

  // The reference is valid until the next add_record().
  OutRecord& add_record(std::size_t event_index, SinkQueue& queue, std::string_view topic = {},
                        std::string_view key = {}) {
    OutRecord& record = batch_->records.emplace_back();
    record.batch = batch_;
    record.event = &batch_->events[event_index];
    record.sink = &queue;
    record.topic = topic.empty() ? std::string_view() : own(topic);
    record.key = key.empty() ? std::string_view() : own(key);
    record.bytes = static_cast<std::uint32_t>(record.event->data.size() + record.event->structured_json.size() + 64);
    return record;
  }

  IngressBatch& batch() { return *batch_; }

  // Arms delivery and pushes every record into `queue`. Returns the outcome to wait on. A batch
  // without records is finished at once (as the pipeline does).
  std::shared_ptr<AckState> submit(SinkQueue& queue) {
    IngressBatch* batch = std::exchange(batch_, nullptr);
    if (batch->records.empty()) {
      batch->finish_without_delivery(BatchOutcome{});
      return state_;
    }
    std::vector<OutRecord*> records;
    for (OutRecord& record : batch->records) records.push_back(&record);
    batch->start_delivery();
    if (!queue.push_until(records, std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
      const std::shared_ptr<AckState> state = state_;
      for (std::size_t i = 0; i < records.size(); ++i) {
        batch->resolve(DeliveryStatus::retryable_failure, "test: the sink queue stayed full");
      }
      return state;
    }
    return state_;
  }

 private:
  std::shared_ptr<AckState> state_;
  IngressBatch* batch_;
};

}  // namespace sluice::testing
