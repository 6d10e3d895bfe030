#pragma once
// The NATS load mode: plan.connections publishers, each on its own NATS connection, publishing one
// structured CloudEvent (JSON, the shared EventFactory's) per message to `subject`.
//
// NATS has no answer from sluice, so "acknowledged" means what the server confirmed:
// - core NATS (at most once): a message counts as acknowledged once a flush (PING/PONG) after it
//   returned, i.e. the server has it. Every `plan.batch` messages are one flush; the latency is
//   first publish -> PONG, one sample per flush. Whether sluice then got it is for the verifier.
// - JetStream: asynchronous publishes with at most `window` unacknowledged per connection; a
//   message counts as acknowledged when its PubAck arrives (the stream stored it). Latency is per
//   message, publish -> PubAck.
// A "request" in the counters is one message.

#include <string>

#include "event_factory.hpp"
#include "load_plan.hpp"
#include "schedule.hpp"

namespace sluice::bench {

struct NatsLoadOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string subject = "bench.events";
  bool jetstream = false;
  std::string stream;    // JetStream: created on `subject` when it does not exist (empty: must exist)
  unsigned window = 1024;  // JetStream: unacknowledged publishes per connection
};

LoadResult run_nats_load(const LoadPlan& plan, const NatsLoadOptions& options, const EventFactory& events,
                         Schedule& schedule, LiveCounters& live);

}  // namespace sluice::bench
