#pragma once
// Lets a fetch thread sleep until the admission budget can hold more bytes, without spinning:
// when the budget is exhausted it registers with Admission::notify_when_free (woken by the next
// release); when some but not enough is free it polls at a short bounded interval (the admission
// wakes waiters at once whenever anything is free). stop() wakes it for good.
//
// Thread-safety: wait/pause from the one owning thread; stop from any thread. The wake-up handed
// to Admission holds its own reference to the shared state, so it may fire after the gate is gone.

#include <sluice/core/admission.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace sluice {

class BudgetGate {
 public:
  explicit BudgetGate(Admission& admission);

  // Returns when `bytes` may fit, `deadline` passed, the budget was released, or stop() was
  // called; callers re-check and call again.
  void wait(std::uint64_t bytes, std::chrono::steady_clock::time_point deadline);
  // Sleeps until `deadline` or stop() (back-off after errors).
  void pause(std::chrono::steady_clock::time_point deadline);
  void stop() noexcept;
  bool stopped() const noexcept;

 private:
  struct Signal {
    mutable std::mutex mutex;
    std::condition_variable cv;
    bool woken = false;
    bool armed = false;  // a notify_when_free registration is outstanding
    bool stopped = false;
  };
  Admission& admission_;
  std::shared_ptr<Signal> signal_;
};

}  // namespace sluice
