#include "sinks/amqp/confirm_window.hpp"

#include <utility>

namespace sluice::amqp {

ConfirmWindow::ConfirmWindow(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::uint64_t ConfirmWindow::add(WindowEntry entry) {
  if (entries_.empty()) front_tag_ = next_tag_;
  entry.tag = next_tag_++;
  entry.settled = false;
  entry.return_code = 0;
  ++entry.publish_count;
  entries_.push_back(entry);
  ++live_;
  return entry.tag;
}

void ConfirmWindow::hold(WindowEntry entry) {
  entry.tag = 0;
  entry.settled = false;
  entry.return_code = 0;
  entries_.push_back(entry);
  ++live_;
}

void ConfirmWindow::settle(WindowEntry& entry, Settlement how, std::vector<Settled>& out) {
  entry.settled = true;
  --live_;
  out.push_back(Settled{entry.record, how, entry.routing_key, entry.body_size, entry.publish_count,
                        entry.return_code, entry.taken_at});
}

void ConfirmWindow::pop_settled_front() {
  while (!entries_.empty() && entries_.front().settled) {
    if (entries_.front().tag != 0) ++front_tag_;
    entries_.pop_front();
  }
  if (entries_.empty()) front_tag_ = next_tag_;
}

std::size_t ConfirmWindow::settle_up_to(std::uint64_t tag, bool multiple, Settlement how,
                                        std::vector<Settled>& out) {
  if (tag < front_tag_ || tag == 0) return 0;  // settled before (timed out) or never ours
  const std::uint64_t index = tag - front_tag_;
  if (index >= entries_.size() || entries_[index].tag != tag) return 0;
  std::size_t count = 0;
  const std::uint64_t first = multiple ? 0 : index;
  for (std::uint64_t i = first; i <= index; ++i) {
    WindowEntry& entry = entries_[i];
    if (entry.settled) continue;
    Settlement outcome = how;
    if (how == Settlement::acked && entry.return_code != 0) outcome = Settlement::returned;
    settle(entry, outcome, out);
    ++count;
  }
  pop_settled_front();
  return count;
}

std::size_t ConfirmWindow::ack(std::uint64_t tag, bool multiple, std::vector<Settled>& out) {
  return settle_up_to(tag, multiple, Settlement::acked, out);
}

std::size_t ConfirmWindow::nack(std::uint64_t tag, bool multiple, std::vector<Settled>& out) {
  return settle_up_to(tag, multiple, Settlement::nacked, out);
}

bool ConfirmWindow::mark_returned(std::string_view routing_key, std::size_t body_size, std::uint16_t reply_code) {
  for (WindowEntry& entry : entries_) {
    if (entry.tag == 0) break;  // held entries were never published on this channel
    if (entry.settled || entry.return_code != 0) continue;
    if (entry.body_size == body_size && entry.routing_key == routing_key) {
      entry.return_code = reply_code == 0 ? std::uint16_t{1} : reply_code;
      return true;
    }
  }
  return false;
}

std::vector<WindowEntry> ConfirmWindow::take_unsettled() {
  std::vector<WindowEntry> unsettled;
  unsettled.reserve(live_);
  for (WindowEntry& entry : entries_) {
    if (!entry.settled) unsettled.push_back(entry);
  }
  entries_.clear();
  live_ = 0;
  next_tag_ = 1;
  front_tag_ = 1;
  return unsettled;
}

std::size_t ConfirmWindow::expire(Clock::time_point cutoff, std::vector<Settled>& out) {
  // taken_at never decreases along the deque (re-published entries keep their order and come
  // before anything taken later), so the scan stops at the first young entry.
  std::size_t count = 0;
  for (WindowEntry& entry : entries_) {
    if (entry.taken_at >= cutoff) break;
    if (entry.settled) continue;
    settle(entry, Settlement::timed_out, out);
    ++count;
  }
  pop_settled_front();
  return count;
}

std::size_t ConfirmWindow::abandon_all(std::vector<Settled>& out) {
  std::size_t count = 0;
  for (WindowEntry& entry : entries_) {
    if (entry.settled) continue;
    settle(entry, Settlement::abandoned, out);
    ++count;
  }
  entries_.clear();
  front_tag_ = next_tag_;
  return count;
}

Clock::time_point ConfirmWindow::oldest_taken_at() const noexcept {
  for (const WindowEntry& entry : entries_) {
    if (!entry.settled) return entry.taken_at;
  }
  return Clock::time_point::max();
}

}  // namespace sluice::amqp
