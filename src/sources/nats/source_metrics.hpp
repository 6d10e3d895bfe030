#pragma once
// What every part of one NATS source reports into: its telemetry series (DESIGN §7) with the error
// reasons looked up once, and a digest of failures that threads which must not log (cnats
// callbacks, ack tokens completed on sink threads) leave for the source's own thread to log.

#include <sluice/core/ack.hpp>
#include <sluice/core/telemetry.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// The error reasons of a NATS source, as counted in sluice_errors_total{reason=...}.
struct NatsSourceMetrics {
  explicit NatsSourceMetrics(ComponentMetrics& core);

  ComponentMetrics& core;
  prometheus::Counter& invalid;           // undecodable or invalid events (terminated on JetStream)
  prometheus::Counter& malformed_header;  // a ce-* header that cannot be decoded
  prometheus::Counter& too_large;         // a message larger than the whole budget
  prometheus::Counter& unavailable;       // a sink failed or timed out
  prometheus::Counter& overloaded;        // the pipeline's event budget was exhausted
  prometheus::Counter& shutting_down;     // the pipeline stopped before the batch finished
  prometheus::Counter& over_budget;       // core messages dropped because the byte budget was full
  prometheus::Counter& slow_consumer;     // core messages cnats dropped beyond the pending limits
  prometheus::Counter& fetch_failed;      // a JetStream fetch failed (not a timeout)
  prometheus::Counter& ack_failed;        // an Ack/Nak/Term could not be sent
  prometheus::Counter& async_error;       // other asynchronous errors reported by cnats
  prometheus::Counter& internal;          // an exception escaped while reading a message

  // The counter for a failed batch's status (unavailable, overloaded, shutting_down, invalid).
  prometheus::Counter& for_status(BatchOutcome::Status status) noexcept;
};

// Thread-safe. note() holds a mutex for a few instructions, never across I/O, so library threads
// and ack tokens may call it; flush() logs on the caller's thread.
class FailureDigest {
 public:
  // Remembers `count` failures of `kind` ("messages nak'ed for redelivery") and the detail of the
  // most recent one.
  void note(std::string_view kind, std::string_view detail, std::uint64_t count = 1);
  // Logs one warning per kind noted since the last flush that logged, at most once per
  // `interval`. Source thread.
  void flush(std::string_view source_name, std::chrono::steady_clock::duration interval);

 private:
  struct Entry {
    std::string kind;
    std::uint64_t count = 0;
    std::string last_detail;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
  std::chrono::steady_clock::time_point next_flush_{};
};

// Shared by the source, its subscriptions, consumers and ack tokens; tokens keep it alive while
// a batch outlives the source object.
struct NatsSourceShared {
  NatsSourceShared(std::string source_name, ComponentMetrics& core) : name(std::move(source_name)), metrics(core) {}
  const std::string name;
  NatsSourceMetrics metrics;
  FailureDigest failures;
};

}  // namespace sluice
