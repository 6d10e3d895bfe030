#pragma once
// The process-wide budget of in-flight bytes and events. It, not queue length, bounds memory.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace sluice {

class Admission;

// Holds part of the budget; releases it when destroyed. Move-only. Thread-safety: a lease is
// owned by one batch; destroying it may happen on any thread.
class AdmissionLease {
 public:
  AdmissionLease() = default;
  AdmissionLease(AdmissionLease&& other) noexcept;
  AdmissionLease& operator=(AdmissionLease&& other) noexcept;
  AdmissionLease(const AdmissionLease&) = delete;
  AdmissionLease& operator=(const AdmissionLease&) = delete;
  ~AdmissionLease();

  std::uint64_t bytes() const noexcept { return bytes_; }
  std::uint64_t events() const noexcept { return events_; }
  // Adds events to this lease once they are counted (after decoding), with their per-event
  // overhead in bytes. False (and nothing added) if either budget cannot hold them.
  bool try_add_events(std::uint64_t events) noexcept;
  void release() noexcept;

 private:
  friend class Admission;
  AdmissionLease(Admission* owner, std::uint64_t bytes) noexcept : owner_(owner), bytes_(bytes) {}
  Admission* owner_ = nullptr;
  std::uint64_t bytes_ = 0;
  std::uint64_t events_ = 0;
};

// Thread-safe. Lock-free on the acquire/release path; the waiter list takes a mutex only when
// someone is waiting.
class Admission {
 public:
  // `per_event_bytes`: memory an in-flight event costs beyond its share of the body (decoded event,
  // out records, the broker client's message). Charged to the byte budget when events are counted,
  // so that budget_bytes bounds memory for small events too.
  Admission(std::uint64_t max_bytes, std::uint64_t max_events, std::uint64_t per_event_bytes = 0);
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // Reserves `bytes` or returns nullopt when the budget cannot hold them now.
  std::optional<AdmissionLease> try_acquire(std::uint64_t bytes) noexcept;

  // Calls `wake` once, on the releasing thread, the next time budget is released (or at once if
  // some is free now). `wake` must only hand off (post to an executor). Used by sources that hold
  // their clients back instead of rejecting them (HTTP `overload: wait`, gRPC streams).
  void notify_when_free(std::function<void()> wake);

  std::uint64_t max_bytes() const noexcept { return max_bytes_; }
  std::uint64_t max_events() const noexcept { return max_events_; }
  std::uint64_t per_event_bytes() const noexcept { return per_event_bytes_; }
  std::uint64_t bytes_in_use() const noexcept { return bytes_.load(std::memory_order_relaxed); }
  std::uint64_t events_in_use() const noexcept { return events_.load(std::memory_order_relaxed); }
  std::uint64_t free_bytes() const noexcept;

 private:
  friend class AdmissionLease;
  bool try_take(std::atomic<std::uint64_t>& used, std::uint64_t limit, std::uint64_t amount) noexcept;
  void give_back(std::uint64_t bytes, std::uint64_t events) noexcept;

  const std::uint64_t max_bytes_;
  const std::uint64_t max_events_;
  const std::uint64_t per_event_bytes_;
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> events_{0};
  std::atomic<bool> has_waiters_{false};
  std::mutex waiters_mutex_;
  std::vector<std::function<void()>> waiters_;
};

}  // namespace sluice
