#pragma once
// The gRPC load mode: one bidi Ingest.PublishStream per stream (plan.connections streams, each on
// its own HTTP/2 connection), up to `window` batches in flight on each. Every batch carries
// plan.batch events of the shared EventFactory, as io.cloudevents.v1.CloudEvent protobufs. An ack
// with status OK acknowledges its batch (`accepted` events; the ids go to the verifier when none
// was filtered), OVERLOADED/UNAVAILABLE count as rejected (pushed back, the stream pauses
// briefly), INVALID and batches lost with the stream count as failed.
//
// Bounded like the HTTP mode: new batches stop at the schedule's end, in-flight ones get
// plan.drain_timeout, then the stream is cancelled. A stream that breaks is not reopened.

#include <string>

#include "event_factory.hpp"
#include "load_plan.hpp"
#include "schedule.hpp"

namespace sluice::bench {

struct GrpcLoadOptions {
  std::string target = "127.0.0.1:50051";  // host:port, plaintext
  unsigned window = 8;                      // batches in flight per stream
};

LoadResult run_grpc_load(const LoadPlan& plan, const GrpcLoadOptions& options, const EventFactory& events,
                         Schedule& schedule, LiveCounters& live);

}  // namespace sluice::bench
