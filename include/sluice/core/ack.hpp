#pragma once
// How a batch is answered: the outcome and the token that delivers it to the client.

#include <cstdint>
#include <string>

namespace sluice {

struct BatchOutcome {
  enum class Status : std::uint8_t {
    delivered,      // every routed event confirmed by its broker (ack_mode: delivered)
    accepted,       // admitted and valid; delivery continues (ack_mode: accepted)
    invalid,        // an event failed decoding or validation: nothing was routed (HTTP 400)
    overloaded,     // the event budget was exhausted after the body was read (HTTP 429)
    unavailable,    // a sink failed or timed out (HTTP 503)
    shutting_down,  // the pipeline stopped before the batch finished (HTTP 503)
  };
  Status status = Status::delivered;
  std::uint32_t accepted = 0;  // events routed to at least one sink
  std::uint32_t filtered = 0;  // events that matched no route
  // Events sent to the dead-letter destination while routing (invalid, unrouted, missing
  // template fields); records dead-lettered later by a sink are counted in metrics only.
  std::uint32_t dead_lettered = 0;
  std::int64_t error_index = -1;  // index of the first bad event for `invalid`
  std::string reason;             // human-readable; safe to show to the client
};

// Answers one client request. complete() is called exactly once, from whatever thread resolved
// the batch (a worker, a sink's delivery thread): implementations must only hand off (post to
// their own executor), never block or do I/O inline.
class AckToken {
 public:
  virtual ~AckToken() = default;
  virtual void complete(BatchOutcome outcome) noexcept = 0;
};

}  // namespace sluice
