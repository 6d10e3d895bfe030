#pragma once
// The part of a gRPC call shared by unary calls and streams: the serialized CloudEventBatch of a
// received message is copied once into a padded buffer (its events counted from the wire, see
// wire_scan.hpp), admitted against the budget, and submitted as ContentMode::cloudevents_protobuf
// for the decoder to read in place. No protobuf objects are built.
//
// Thread-safety: free functions, safe on any thread; they take no lock. Called on grpc's callback
// threads (never blocking: the copy and the scan are bounded by max_message_bytes) and on the
// io_context when a stream retries admission.

#include "sources/grpc/ack_token.hpp"
#include "sources/grpc/source_state.hpp"

#include <sluice/core/admission.hpp>
#include <sluice/core/padded_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace grpc {
class ByteBuffer;
}

namespace sluice {

// One received message on its way to the pipeline.
struct Intake {
  enum class Kind : std::uint8_t {
    ready,          // `body` holds the serialized CloudEventBatch, to be admitted
    empty,          // no events: answered at once, nothing to deliver
    malformed,      // not a protobuf message of the expected type (checked to the batch's top level)
    not_accepting,  // the source is shutting down
  };
  Kind kind = Kind::ready;
  std::uint64_t sequence = 0;  // streams: the client's PublishRequest.sequence
  std::uint32_t events = 0;
  std::size_t wire_bytes = 0;
  PaddedBuffer body;
  std::string reason;
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();
};

// A unary request: an io.cloudevents.v1.CloudEventBatch.
Intake read_batch_message(const grpc::ByteBuffer& message, const GrpcSourceState& state);
// A stream request: a sluice.ingest.v1.PublishRequest.
Intake read_stream_message(const grpc::ByteBuffer& message, const GrpcSourceState& state);

struct Admitted {
  std::optional<AdmissionLease> lease;  // empty: not now (or never, see never_fits)
  bool never_fits = false;              // the batch needs more than the whole budget
};
Admitted admit(GrpcSourceState& state, const Intake& intake) noexcept;

// Builds the batch around `intake.body` with a token that reports to `receiver`, and submits it.
// The outcome may reach `receiver` before this returns (a stopping pipeline answers at once).
void submit_batch(const std::shared_ptr<GrpcSourceState>& state, Intake intake, AdmissionLease lease,
                  std::shared_ptr<OutcomeReceiver> receiver);

// Client-facing reasons of answers the source gives itself.
std::string never_fits_reason(const Intake& intake, const GrpcSourceState& state);
inline constexpr std::string_view kOverloadedReason = "the in-flight budget is exhausted; retry later";
inline constexpr std::string_view kShuttingDownReason = "sluice is shutting down; retry against another instance";

}  // namespace sluice
