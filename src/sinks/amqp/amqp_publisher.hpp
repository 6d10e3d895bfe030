#pragma once
// One AMQP connection of an AMQP sink, with its own publishing thread.
//
// The thread takes records from the sink's SinkQueue (shared with the sink's other connections),
// publishes them on channel 1 in confirm mode while the confirm window has room, and reads the
// broker's frames without blocking in between (acks, nacks, returns, connection.blocked). It
// blocks on frames only when the window is full, when the broker blocked the connection, or when
// the queue is empty with confirms outstanding. Each confirm completes its records through
// SinkQueue::complete on this thread.
//
// A lost connection is re-opened with exponential backoff; everything unconfirmed is published
// again on the new channel (at-least-once: those are counted as possible duplicates).
//
// Thread-safety: connect(), start(), request_stop() and join() are for the owner's thread (the
// sink); ready()/connected()/blocked()/republished() may be called from any thread. Lifetime: the
// queue, metrics and group must outlive the publisher; the destructor stops and joins.

#include "sinks/amqp/cloudevents_amqp.hpp"
#include "sinks/amqp/config.hpp"
#include "sinks/amqp/confirm_window.hpp"
#include "sinks/amqp/error_mapping.hpp"

#include <sluice/core/sink_queue.hpp>
#include <sluice/core/telemetry.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sluice::amqp {

// State shared by the publishers of one sink.
struct PublisherGroup {
  // Publishers with an open connection (blocked or not). When none has one, publishers take
  // records anyway and hold them, so that they fail after delivery_timeout instead of waiting
  // unseen in the queue while the broker is down.
  std::atomic<int> connected{0};
};

struct PublisherMetrics {
  ComponentMetrics& component;
  prometheus::Counter& republished;  // published again after a lost connection: possible duplicates
};

class AmqpPublisher {
 public:
  AmqpPublisher(const AmqpSinkConfig& config, int index, SinkQueue& queue, PublisherMetrics metrics,
                PublisherGroup& group);
  ~AmqpPublisher();
  AmqpPublisher(const AmqpPublisher&) = delete;
  AmqpPublisher& operator=(const AmqpPublisher&) = delete;

  // Opens the connection now, on the caller's thread. Throws std::runtime_error with one line that
  // names the config key to change (authentication, vhost, exchange missing with passive...).
  // Optional: without it the thread connects by itself, with backoff.
  void connect();
  // Starts the publishing thread.
  void start();
  // Stops taking records; keeps reading confirms until the window is empty or `deadline`, then
  // fails what is left as retryable ("shutting down") and closes the connection. Non-blocking.
  void request_stop(std::chrono::steady_clock::time_point deadline) noexcept;
  // Waits for the thread to finish. If it is stuck in blocking I/O past the deadline (a broker
  // that stopped reading), shuts the socket down under it.
  void join() noexcept;

  bool ready() const noexcept { return connected_.load() && !blocked_.load(); }
  bool connected() const noexcept { return connected_.load(); }
  bool blocked() const noexcept { return blocked_.load(); }
  std::uint64_t republished() const noexcept { return republished_.load(); }

 private:
  struct Connection;  // librabbitmq state, kept out of this header

  void run() noexcept;
  bool should_exit(Clock::time_point now) const noexcept;
  // Connecting.
  std::optional<ErrorDecision> open_connection(std::chrono::milliseconds timeout);
  void close_connection(bool graceful) noexcept;
  void lose_connection(const AmqpFailure& failure);
  void run_disconnected(Clock::time_point now);
  void republish_unsettled();
  // Publishing.
  std::size_t publish_from_queue(Clock::time_point now);
  bool publish_entry(WindowEntry entry);
  // Frames.
  void read_frames(std::chrono::milliseconds wait);
  bool handle_frame(const void* frame);
  // Completion.
  void complete_settled();
  void fail_now(OutRecord* record, DeliveryStatus status, std::string_view reason, std::string_view metric);
  void update_gauges(Clock::time_point now);
  void sleep_until(Clock::time_point until);

  const AmqpSinkConfig& config_;
  const int index_;
  SinkQueue& queue_;
  PublisherMetrics metrics_;
  PublisherGroup& group_;
  ErrorContext error_context_;

  // Owned by the publishing thread (or by connect() before it starts).
  std::unique_ptr<Connection> connection_;
  ConfirmWindow window_;
  MessageEncoder encoder_;
  std::vector<OutRecord*> popped_;
  std::vector<Settled> settled_;
  std::string last_error_;
  std::chrono::milliseconds backoff_;
  Clock::time_point next_attempt_{};
  Clock::time_point next_gauge_update_{};
  int failed_attempts_ = 0;
  bool ever_connected_ = false;

  std::atomic<bool> connected_{false};
  std::atomic<bool> blocked_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<Clock::rep> deadline_{Clock::time_point::max().time_since_epoch().count()};
  std::atomic<std::uint64_t> republished_{0};

  // Lets join() shut the socket down under a thread stuck in send() or recv().
  std::mutex fd_mutex_;
  int fd_ = -1;
  // Interruptible sleeps (backoff) and the thread's exit, for join().
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::uint64_t wake_generation_ = 0;  // bumped by request_stop()
  bool exited_ = false;
  std::thread thread_;
};

}  // namespace sluice::amqp
