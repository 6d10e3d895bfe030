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

// Told when a sink queue's share frees room, by the pipeline's waiting room (records of
// `when_full: block` routes wait there instead of on a worker). Called on the thread that
// completed a record, with the queue's room lock held: must not block or call into the queue.
class SinkRoomWatcher {
 public:
  virtual void room_freed() noexcept = 0;

 protected:
  ~SinkRoomWatcher() = default;
};

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

  // The watcher told when room frees, at most one (nullptr: none). When this returns, no call to
  // the previous watcher is still running. Notifications are sent only while room is wanted.
  void watch_room(SinkRoomWatcher* watcher) noexcept;
  SinkRoomWatcher* room_watcher() const noexcept { return watcher_.load(std::memory_order_acquire); }
  // Counts a waiter that is not blocked in push_until (want_room(true) ... want_room(false)).
  void want_room(bool wanted) noexcept;

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
  // Pushers waiting in push_until plus want_room(true) calls: release() skips the lock when 0.
  std::atomic<int> room_waiters_{0};
  std::atomic<SinkRoomWatcher*> watcher_{nullptr};  // written under room_mutex_
  std::mutex room_mutex_;
  std::condition_variable room_;
};

}  // namespace sluice
