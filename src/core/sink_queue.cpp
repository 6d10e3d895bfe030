#include <sluice/core/sink_queue.hpp>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <algorithm>

namespace sluice {

struct SinkQueue::Queue {
  moodycamel::BlockingConcurrentQueue<OutRecord*> records;
};

SinkQueue::SinkQueue(std::string sink_name, std::uint64_t share_bytes)
    : sink_name_(std::move(sink_name)), share_bytes_(share_bytes), queue_(std::make_unique<Queue>()) {}

SinkQueue::~SinkQueue() = default;

bool SinkQueue::try_charge(std::uint64_t bytes) noexcept {
  // seq_cst here, in release() and in want_room(): a waiter that finds no room and a release
  // that finds no waiter cannot both happen (store-load ordering across two variables).
  std::uint64_t current = bytes_.load();
  do {
    // An empty queue takes any amount, so a batch larger than the whole share still gets
    // through on its own rather than waiting forever.
    if (current != 0 && (bytes > share_bytes_ || current > share_bytes_ - bytes)) return false;
  } while (!bytes_.compare_exchange_weak(current, current + bytes));
  return true;
}

void SinkQueue::release(std::uint64_t bytes) noexcept {
  bytes_.fetch_sub(bytes);
  if (room_waiters_.load() > 0) {
    std::lock_guard lock(room_mutex_);
    room_.notify_all();
    if (SinkRoomWatcher* watcher = watcher_.load(std::memory_order_relaxed)) watcher->room_freed();
  }
}

void SinkQueue::watch_room(SinkRoomWatcher* watcher) noexcept {
  std::lock_guard lock(room_mutex_);  // waits out a release() that is notifying the old watcher
  watcher_.store(watcher, std::memory_order_release);
}

void SinkQueue::want_room(bool wanted) noexcept {
  room_waiters_.fetch_add(wanted ? 1 : -1);
}

bool SinkQueue::try_push(std::span<OutRecord* const> records) noexcept {
  if (records.empty()) return true;
  std::uint64_t total = 0;
  for (const OutRecord* record : records) total += record->bytes;
  if (!try_charge(total)) return false;
  if (!queue_->records.enqueue_bulk(records.data(), records.size())) {
    release(total);  // allocation failure: behave as full
    return false;
  }
  return true;
}

bool SinkQueue::push_until(std::span<OutRecord* const> records,
                           std::chrono::steady_clock::time_point deadline) {
  while (!try_push(records)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    room_waiters_.fetch_add(1);
    {
      std::unique_lock lock(room_mutex_);
      // The short cap bounds the cost of a notify lost between try_push and the wait.
      room_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(20)));
    }
    room_waiters_.fetch_sub(1, std::memory_order_acq_rel);
  }
  return true;
}

std::size_t SinkQueue::pop(std::span<OutRecord*> out, std::chrono::microseconds timeout) noexcept {
  return queue_->records.wait_dequeue_bulk_timed(out.data(), out.size(), timeout);
}

void SinkQueue::complete(OutRecord* record, DeliveryStatus status, std::string_view reason) noexcept {
  record->sink->release(record->bytes);
  if (status == DeliveryStatus::permanent_failure && reroute_to_dead_letter(record, reason)) return;
  record->batch->resolve(status, reason);  // may delete the batch and with it *record
}

bool SinkQueue::reroute_to_dead_letter(OutRecord* record, std::string_view reason) noexcept {
  const DeadLetterPolicy* policy = record->batch->dead_letter_policy;
  // A dead letter that its own sink refuses fails its batch: rerouting it again could loop.
  if (policy == nullptr || !policy->rejected || record->dead_letter != nullptr) return false;
  try {
    DeadLetterNote note;
    note.reason = DeadLetterReason::sink_rejected;
    note.detail.assign(reason);
    note.route = policy->route_name(record->route_index);
    note.sink = record->sink->sink_name();
    record->dead_letter = &record->batch->add_dead_letter_note(std::move(note));
  } catch (...) {
    return false;  // out of memory: fail the record as the sink said
  }
  record->sink = policy->sink;
  record->topic = policy->topic;
  // Never waits: this runs on a sink's delivery thread. A full dead-letter share fails the record.
  OutRecord* const one[] = {record};
  if (!policy->sink->try_push(one)) return false;
  policy->count(DeadLetterReason::sink_rejected);
  return true;
}

void SinkQueue::wake_consumer() noexcept {
  // A null record is the wake-up signal; consumers skip it.
  queue_->records.enqueue(nullptr);
}

std::size_t SinkQueue::depth() const noexcept { return queue_->records.size_approx(); }

}  // namespace sluice
