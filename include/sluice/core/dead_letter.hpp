#pragma once
// The dead-letter destination (DESIGN §5): events that cannot go where they were meant to go are
// published to one configured sink and topic instead, with the reason, the route and the source
// they came from in headers, so that nothing a client was told "accepted" silently disappears.
//
//   dead_letter:
//     sink: kafka                 # a configured sink
//     topic: sluice.dead-letter   # topic (Kafka) or routing key (AMQP)
//     invalid: true               # undecodable or invalid events (otherwise the batch gets 400)
//     rejected: true              # records a sink refused permanently (otherwise 503)
//     missing_fields: true        # template fields without fallback missing (otherwise 400)
//     unrouted: false             # events that match no route (otherwise counted as filtered)
//   routes: [ { ..., when_full: dead_letter } ]   # a full sink share sends records here
//
// Lifetime: the policy is immutable, built at start-up and kept by the router for as long as any
// batch may refer to it. Notes belong to their batch.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Counter;
}

namespace sluice {

class SinkQueue;
struct OutRecord;

enum class DeadLetterReason : std::uint8_t {
  invalid,        // the event could not be decoded or failed CloudEvents validation
  unrouted,       // no route matched (only with `unrouted: true`)
  missing_field,  // a topic/key template field without fallback is missing from the event
  sink_full,      // the route's sink share stayed full (`when_full: dead_letter`)
  sink_rejected,  // the sink refused the record permanently (e.g. message too large)
};
inline constexpr std::size_t kDeadLetterReasons = 5;

// The header value for a reason: "invalid", "unrouted", "missing_field", "sink_full",
// "sink_rejected".
std::string_view to_string(DeadLetterReason reason) noexcept;

struct DeadLetterPolicy {
  SinkQueue* sink = nullptr;  // not owned; outlives every batch
  std::string topic;          // empty: the sink's default topic
  bool invalid = true;
  bool rejected = true;
  bool missing_fields = true;
  bool unrouted = false;
  std::vector<std::string> route_names;  // by route index, for the route header
  // Counted per reason, and in total, when a record is handed to the dead-letter sink; null
  // counters are skipped (tests).
  std::array<prometheus::Counter*, kDeadLetterReasons> counters{};
  prometheus::Counter* total = nullptr;

  void count(DeadLetterReason reason, double records = 1) const noexcept;
  std::string_view route_name(std::uint16_t route_index) const noexcept;
};

// Why one record goes to the dead letter. `raw`: the record's event is not a CloudEvent but the
// bytes that failed to decode (in Event::data), to be published as they are.
struct DeadLetterNote {
  DeadLetterReason reason = DeadLetterReason::invalid;
  bool raw = false;
  std::string detail;         // the client-safe message, e.g. "event 3: missing required attribute 'id'"
  std::string_view route;     // route name (points into the policy), empty when none
  std::string_view sink;      // for sink_full / sink_rejected: the sink that could not take it
};

// The headers a sink adds to a dead-lettered record: sluice_dlq_reason, sluice_dlq_detail,
// sluice_dlq_source (the sluice source it came in on), and when known sluice_dlq_route and
// sluice_dlq_sink. Values point into the record's note and batch.
struct DeadLetterHeader {
  const char* name;
  std::string_view value;
};
inline constexpr std::size_t kMaxDeadLetterHeaders = 5;
struct DeadLetterHeaders {
  std::array<DeadLetterHeader, kMaxDeadLetterHeaders> entries{};
  std::size_t size = 0;
  const DeadLetterHeader* begin() const noexcept { return entries.data(); }
  const DeadLetterHeader* end() const noexcept { return entries.data() + size; }
};
// Empty when the record is not a dead letter.
DeadLetterHeaders dead_letter_headers(const OutRecord& record) noexcept;

}  // namespace sluice
