#pragma once
// An AckToken for tests: records the outcome and lets the test wait for it with a deadline.

#include <sluice/core/ack.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

namespace sluice::testing {

struct OutcomeSlot {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<BatchOutcome> outcome;
  int completions = 0;

  // Waits until the outcome arrives or the deadline passes.
  std::optional<BatchOutcome> wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex);
    done.wait_for(lock, timeout, [&] { return outcome.has_value(); });
    return outcome;
  }
};

class RecordingToken final : public AckToken {
 public:
  explicit RecordingToken(std::shared_ptr<OutcomeSlot> slot) : slot_(std::move(slot)) {}
  void complete(BatchOutcome outcome) noexcept override {
    std::lock_guard lock(slot_->mutex);
    slot_->outcome = std::move(outcome);
    ++slot_->completions;
    slot_->done.notify_all();
  }

 private:
  std::shared_ptr<OutcomeSlot> slot_;
};

}  // namespace sluice::testing
