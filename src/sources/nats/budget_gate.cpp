#include "sources/nats/budget_gate.hpp"

#include <algorithm>

namespace sluice {
namespace {

// How often a waiter re-checks while part of the budget is free but not enough for it.
constexpr auto kPartialPoll = std::chrono::milliseconds(10);

}  // namespace

BudgetGate::BudgetGate(Admission& admission) : admission_(admission), signal_(std::make_shared<Signal>()) {}

void BudgetGate::wait(std::uint64_t bytes, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(signal_->mutex);
  if (signal_->stopped) return;
  const std::uint64_t free = admission_.free_bytes();
  if (free >= bytes) return;
  auto until = deadline;
  if (free == 0) {
    if (!signal_->armed) {
      signal_->armed = true;
      lock.unlock();
      // Runs on the releasing thread (or here, if budget came free meanwhile): only signals.
      admission_.notify_when_free([signal = signal_] {
        {
          std::lock_guard guard(signal->mutex);
          signal->armed = false;
          signal->woken = true;
        }
        signal->cv.notify_all();
      });
      lock.lock();
    }
  } else {
    until = std::min(deadline, std::chrono::steady_clock::now() + kPartialPoll);
  }
  signal_->cv.wait_until(lock, until, [&] { return signal_->woken || signal_->stopped; });
  signal_->woken = false;
}

void BudgetGate::pause(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(signal_->mutex);
  signal_->cv.wait_until(lock, deadline, [&] { return signal_->stopped; });
}

void BudgetGate::stop() noexcept {
  {
    std::lock_guard lock(signal_->mutex);
    signal_->stopped = true;
  }
  signal_->cv.notify_all();
}

bool BudgetGate::stopped() const noexcept {
  std::lock_guard lock(signal_->mutex);
  return signal_->stopped;
}

}  // namespace sluice
