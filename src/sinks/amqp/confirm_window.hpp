#pragma once
// The publisher-confirm window of one channel: which record each delivery tag carries, and what
// the broker said about it (basic.ack / basic.nack with `multiple`, basic.return).
//
// Pure bookkeeping, no I/O: the publisher thread owns one window and is its only user (not
// thread-safe). Records are not completed here; settled entries are handed back to the caller,
// which completes them after it is done with the window.
//
// Delivery tags are 1, 2, 3... in publish order on a channel in confirm mode. After a lost
// connection take_unsettled() returns every entry not yet settled, in publish order, and the tags
// start again at 1 for the next channel. While disconnected, records may be parked with hold();
// they get a tag when they are published.

#include <sluice/core/batch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

namespace sluice::amqp {

using Clock = std::chrono::steady_clock;

struct WindowEntry {
  OutRecord* record = nullptr;
  std::string_view routing_key;  // what it was published with (valid while the record is unsettled)
  std::uint32_t body_size = 0;
  Clock::time_point taken_at;    // when the sink took it from its queue (timeouts, latency)
  std::uint64_t tag = 0;         // 0 while held (not published on the current channel)
  std::uint32_t publish_count = 0;  // > 1: published again after a lost connection
  std::uint16_t return_code = 0;    // basic.return reply code when the broker returned it
  bool settled = false;
};

enum class Settlement : std::uint8_t {
  acked,      // confirmed and routed (or unroutable without mandatory)
  returned,   // confirmed after basic.return: no queue took it
  nacked,     // basic.nack: the broker could not take it
  timed_out,  // not confirmed within the delivery timeout
  abandoned,  // given up at shutdown
};

struct Settled {
  OutRecord* record = nullptr;
  Settlement how = Settlement::acked;
  std::string_view routing_key;
  std::uint32_t body_size = 0;
  std::uint32_t publish_count = 0;
  std::uint16_t return_code = 0;
  Clock::time_point taken_at;
};

class ConfirmWindow {
 public:
  explicit ConfirmWindow(std::size_t capacity);

  std::size_t capacity() const noexcept { return capacity_; }
  // Unsettled entries (published or held).
  std::size_t size() const noexcept { return live_; }
  bool empty() const noexcept { return live_ == 0; }
  std::size_t room() const noexcept { return live_ >= capacity_ ? 0 : capacity_ - live_; }

  // Records a publish on the current channel and returns its delivery tag. `entry.tag` and
  // `entry.settled` are overwritten; publish_count is incremented.
  std::uint64_t add(WindowEntry entry);
  // Parks an entry that cannot be published now (no connection). Must not be followed by add()
  // before take_unsettled().
  void hold(WindowEntry entry);

  // basic.ack / basic.nack. Appends what they settle to `out` in tag order and returns how many.
  // Tags that are unknown or already settled (timed out) are ignored.
  std::size_t ack(std::uint64_t tag, bool multiple, std::vector<Settled>& out);
  std::size_t nack(std::uint64_t tag, bool multiple, std::vector<Settled>& out);

  // basic.return carries no delivery tag. RabbitMQ sends it before the confirm of the same
  // message and in publish order, so it belongs to the oldest unsettled, not yet returned entry
  // with the same routing key and body size. (While bindings change under a stream of identical
  // messages this can pick an earlier twin; both are the same bytes to the same key.) False when
  // no entry matches.
  bool mark_returned(std::string_view routing_key, std::size_t body_size, std::uint16_t reply_code);

  // Connection lost: removes and returns every unsettled entry in publish order; tags restart at 1.
  std::vector<WindowEntry> take_unsettled();

  // Settles as timed_out every unsettled entry taken before `cutoff`.
  std::size_t expire(Clock::time_point cutoff, std::vector<Settled>& out);
  // Settles everything as abandoned (shutdown).
  std::size_t abandon_all(std::vector<Settled>& out);

  // Oldest unsettled entry's taken_at, or nullopt-like max() when empty (for timers).
  Clock::time_point oldest_taken_at() const noexcept;

 private:
  std::size_t settle_up_to(std::uint64_t tag, bool multiple, Settlement how, std::vector<Settled>& out);
  void settle(WindowEntry& entry, Settlement how, std::vector<Settled>& out);
  void pop_settled_front();

  std::size_t capacity_;
  std::deque<WindowEntry> entries_;  // publish order; published ones first, tags consecutive
  std::uint64_t front_tag_ = 1;      // tag of entries_.front() when it is published
  std::uint64_t next_tag_ = 1;
  std::size_t live_ = 0;
};

}  // namespace sluice::amqp
