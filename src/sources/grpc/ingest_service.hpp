#pragma once
// The sluice.ingest.v1.Ingest service on grpc's async API. Its methods are registered "raw"
// (grpc::ByteBuffer in and out) so that the source parses requests itself: a message that is not
// valid protobuf becomes INVALID_ARGUMENT with a reason instead of grpc's generic INTERNAL, and
// parsing uses an arena. Reflection still describes the typed service (same names).
//
// Each method always has a few calls requested from grpc (so that a new call never waits for the
// completion queue thread to ask for it); a call that begins requests its successor. Calls own
// themselves and are deleted once every operation they started has come back.
//
// Lifetime: the service, the queue thread and the state must outlive every call: the queue thread
// is stopped only when no call is left (CompletionQueueThread::stop).

#include "sluice_ingest.grpc.pb.h"
#include "sources/grpc/completion_queue_thread.hpp"
#include "sources/grpc/source_state.hpp"

#include <memory>

namespace sluice {

using IngestAsyncService = sluice::ingest::v1::Ingest::WithRawMethod_Publish<
    sluice::ingest::v1::Ingest::WithRawMethod_PublishStream<sluice::ingest::v1::Ingest::Service>>;

// What every call of the service needs, to serve and to request its successor.
struct IngestCalls {
  std::shared_ptr<GrpcSourceState> state;
  IngestAsyncService& service;
  CompletionQueueThread& queue;
};

// Requests the first calls of each method. Call after the server started.
void request_ingest_calls(const IngestCalls& calls);

}  // namespace sluice
