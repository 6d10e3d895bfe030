#pragma once
// The wire form of the source's answers: a batch outcome as a PublishAck (streams) or as a grpc
// Status plus PublishResponse (unary calls). Pure functions; thread-safe. Includes grpc headers:
// for this folder's .cpp files only.

#include <sluice/core/ack.hpp>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <string_view>

namespace sluice {

// A serialised sluice.ingest.v1.PublishAck for `outcome` (delivered and accepted are OK).
grpc::ByteBuffer make_publish_ack(std::uint64_t sequence, const BatchOutcome& outcome);

// The PublishAck of an answer the source gives itself.
grpc::ByteBuffer make_publish_ack(std::uint64_t sequence, BatchOutcome::Status status, std::string_view reason,
                                  std::int64_t error_index = -1);

// A serialised sluice.ingest.v1.PublishResponse.
grpc::ByteBuffer make_publish_response(std::uint32_t accepted, std::uint32_t filtered);

// The status of a unary call for a failed outcome (DESIGN §3): invalid -> INVALID_ARGUMENT,
// overloaded -> RESOURCE_EXHAUSTED, unavailable and shutting_down -> UNAVAILABLE.
grpc::Status status_for(BatchOutcome::Status status, std::string_view reason);

// Trailing metadata key that carries error_index with INVALID_ARGUMENT.
inline constexpr std::string_view kErrorIndexTrailer = "sluice-error-index";

}  // namespace sluice
