#pragma once
// The bounded hand-off from workers to one sink, bounded by the sink's share of the budget.

#include <sluice/core/batch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>

namespace sluice {

// Thread-safety: any number of workers push; one or more sink threads pop and complete.
// A record's bytes count against the share from push until complete(), i.e. while it waits here
// and while the broker has it unconfirmed, so one stuck sink can hold only its own share.
class SinkQueue {
 public:
  SinkQueue(std::string sink_name, std::uint64_t share_bytes);
  ~SinkQueue();
  SinkQueue(const SinkQueue&) = delete;
  SinkQueue& operator=(const SinkQueue&) = delete;

  const std::string& sink_name() const noexcept { return sink_name_; }

  // Worker side. Pushes all records or none; false when the share cannot hold them now.
  bool try_push(std::span<OutRecord* const> records) noexcept;
  // Like try_push but waits for room until `deadline` (when_full: block).
  bool push_until(std::span<OutRecord* const> records, std::chrono::steady_clock::time_point deadline);

  // Sink side: takes up to out.size() records, waiting up to `timeout` for the first one.
  // Entries may be null (the wake-up of wake_consumer()): skip them.
  std::size_t pop(std::span<OutRecord*> out, std::chrono::microseconds timeout) noexcept;

  // Sink side: the record is finished. Frees its share and resolves it in its batch (which may
  // complete and delete the batch: the record must not be touched afterwards). A permanent
  // failure goes to the batch's dead-letter sink instead when its policy says `rejected: true`
  // and the dead-letter share has room (never waits); the batch then waits for that delivery.
  static void complete(OutRecord* record, DeliveryStatus status, std::string_view reason = {}) noexcept;

  // Wakes a consumer blocked in pop() (used at shutdown).
  void wake_consumer() noexcept;

  std::uint64_t share_bytes() const noexcept { return share_bytes_; }
  std::uint64_t bytes_in_use() const noexcept { return bytes_.load(std::memory_order_relaxed); }
  std::size_t depth() const noexcept;

 private:
  void release(std::uint64_t bytes) noexcept;
  static bool reroute_to_dead_letter(OutRecord* record, std::string_view reason) noexcept;
  bool try_charge(std::uint64_t bytes) noexcept;

  struct Queue;  // moodycamel::BlockingConcurrentQueue, kept out of this header
  std::string sink_name_;
  const std::uint64_t share_bytes_;
  std::atomic<std::uint64_t> bytes_{0};
  std::unique_ptr<Queue> queue_;
  std::atomic<int> blocked_pushers_{0};
  std::mutex room_mutex_;
  std::condition_variable room_;
};

}  // namespace sluice
