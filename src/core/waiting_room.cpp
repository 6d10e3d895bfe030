#include "core/waiting_room.hpp"

#include <sluice/core/batch.hpp>
#include <sluice/core/dead_letter.hpp>
#include <sluice/core/thread_name.hpp>

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

namespace sluice {
namespace {

// Room is announced by the sinks (room_freed), so this only bounds what a notification lost to a
// bug would cost; it is not how waiting records normally move.
constexpr auto kLongestNap = std::chrono::milliseconds(200);

std::uint64_t bytes_of(const std::vector<OutRecord*>& records) {
  std::uint64_t total = 0;
  for (const OutRecord* record : records) total += record->bytes;
  return total;
}

}  // namespace

WaitingRoom::WaitingRoom(prometheus::Counter& sink_full) : sink_full_(sink_full) {}

WaitingRoom::~WaitingRoom() { stop(); }

void WaitingRoom::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = named_thread("waiting-room", [this] { run(); });
}

void WaitingRoom::enter(Group group) {
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    fail(group, "sluice is shutting down");
    return;
  }
  lock.unlock();
  // Registered before the group can wait, outside mutex_: room_freed() takes mutex_ while the
  // sink holds its room lock, so taking the two in the other order here could deadlock.
  if (group.sink->room_watcher() != this) group.sink->watch_room(this);
  const std::uint64_t bytes = bytes_of(group.records);
  lock.lock();
  Line& line = lines_[group.sink];
  if (line.waiting.empty()) {
    lock.unlock();  // try_push may call room_freed(), which takes mutex_
    if (group.sink->try_push(group.records)) {
      queued(group);
      return;
    }
    lock.lock();
  }
  if (stopping_) {
    lock.unlock();
    fail(group, "sluice is shutting down");
    return;
  }
  // An empty line takes any group, as an empty share does, so an oversized batch can still pass.
  if (!line.waiting.empty() && line.bytes + bytes > group.sink->share_bytes()) {
    lock.unlock();
    fail(group, fmt::format("sink '{}' is full (its budget share and the records waiting for it)",
                            group.sink->sink_name()));
    return;
  }
  if (line.waiting.empty()) group.sink->want_room(true);
  line.waiting.push_back(Waiting{std::move(group), bytes});
  line.bytes += bytes;
  ++wake_ups_;
  lock.unlock();
  wake_.notify_one();
}

void WaitingRoom::room_freed() noexcept {
  {
    std::lock_guard lock(mutex_);
    ++wake_ups_;
  }
  wake_.notify_one();
}

void WaitingRoom::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::uint64_t seen = wake_ups_;
    for (auto& [sink, line] : lines_) serve(lock, line);
    wake_.wait_until(lock, next_deadline(), [&] { return stopping_ || wake_ups_ != seen; });
  }
}

void WaitingRoom::serve(std::unique_lock<std::mutex>& lock, Line& line) {
  while (!line.waiting.empty() && !stopping_) {
    // Only this thread removes from a line, and deque::push_back keeps references valid, so the
    // front may be used unlocked while workers append behind it.
    Waiting& front = line.waiting.front();
    lock.unlock();
    const bool pushed = front.group.sink->try_push(front.group.records);
    const bool expired = !pushed && std::chrono::steady_clock::now() >= front.group.deadline;
    lock.lock();
    if (!pushed && !expired) return;
    Group group = std::move(front.group);
    line.bytes -= front.bytes;
    line.waiting.pop_front();
    if (line.waiting.empty()) group.sink->want_room(false);
    lock.unlock();
    if (pushed) {
      queued(group);
    } else {
      fail(group, fmt::format("sink '{}' is full (its budget share did not free within pipeline.block_timeout)",
                              group.sink->sink_name()));
    }
    lock.lock();
  }
}

std::chrono::steady_clock::time_point WaitingRoom::next_deadline() const {
  auto next = std::chrono::steady_clock::now() + kLongestNap;
  for (const auto& [sink, line] : lines_) {
    if (!line.waiting.empty()) next = std::min(next, line.waiting.front().group.deadline);
  }
  return next;
}

void WaitingRoom::queued(const Group& group) noexcept {
  // The records now belong to the sink (and may already be resolved): only their count is used.
  if (group.dead_letters != nullptr) {
    group.dead_letters->count(DeadLetterReason::sink_full, static_cast<double>(group.records.size()));
  }
}

void WaitingRoom::fail(Group& group, const std::string& reason) noexcept {
  sink_full_.Increment();
  // A resolve may finish and delete its batch, but only with its last record: each record still
  // unresolved keeps its batch alive.
  for (OutRecord* record : group.records) record->batch->resolve(DeliveryStatus::retryable_failure, reason);
}

void WaitingRoom::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::map<SinkQueue*, Line> lines;
  {
    std::lock_guard lock(mutex_);
    lines.swap(lines_);
  }
  for (auto& [sink, line] : lines) {
    if (!line.waiting.empty()) sink->want_room(false);
    for (Waiting& waiting : line.waiting) fail(waiting.group, "sluice is shutting down");
    if (sink->room_watcher() == this) sink->watch_room(nullptr);
  }
}

std::uint64_t WaitingRoom::waiting_records() const noexcept {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& [sink, line] : lines_) {
    for (const Waiting& waiting : line.waiting) total += waiting.group.records.size();
  }
  return total;
}

}  // namespace sluice
