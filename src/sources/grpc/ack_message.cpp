#include "sources/grpc/ack_message.hpp"

#include "sluice_ingest.pb.h"

#include <grpcpp/support/slice.h>

#include <string>

namespace sluice {
namespace {

using sluice::ingest::v1::PublishAck;

grpc::ByteBuffer to_buffer(const google::protobuf::MessageLite& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

PublishAck::Status ack_status(BatchOutcome::Status status) noexcept {
  switch (status) {
    case BatchOutcome::Status::delivered:
    case BatchOutcome::Status::accepted: return PublishAck::OK;
    case BatchOutcome::Status::invalid: return PublishAck::INVALID;
    case BatchOutcome::Status::overloaded: return PublishAck::OVERLOADED;
    case BatchOutcome::Status::unavailable:
    case BatchOutcome::Status::shutting_down: return PublishAck::UNAVAILABLE;
  }
  return PublishAck::UNAVAILABLE;
}

}  // namespace

grpc::ByteBuffer make_publish_ack(std::uint64_t sequence, const BatchOutcome& outcome) {
  PublishAck ack;
  ack.set_sequence(sequence);
  ack.set_status(ack_status(outcome.status));
  ack.set_accepted(outcome.accepted);
  ack.set_filtered(outcome.filtered);
  ack.set_error_index(outcome.error_index);
  ack.set_reason(outcome.reason);
  return to_buffer(ack);
}

grpc::ByteBuffer make_publish_ack(std::uint64_t sequence, BatchOutcome::Status status, std::string_view reason,
                                  std::int64_t error_index) {
  PublishAck ack;
  ack.set_sequence(sequence);
  ack.set_status(ack_status(status));
  ack.set_error_index(error_index);
  ack.set_reason(std::string(reason));
  return to_buffer(ack);
}

grpc::ByteBuffer make_publish_response(std::uint32_t accepted, std::uint32_t filtered) {
  sluice::ingest::v1::PublishResponse response;
  response.set_accepted(accepted);
  response.set_filtered(filtered);
  return to_buffer(response);
}

grpc::Status status_for(BatchOutcome::Status status, std::string_view reason) {
  grpc::StatusCode code = grpc::StatusCode::UNAVAILABLE;
  switch (status) {
    case BatchOutcome::Status::delivered:
    case BatchOutcome::Status::accepted: return grpc::Status::OK;
    case BatchOutcome::Status::invalid: code = grpc::StatusCode::INVALID_ARGUMENT; break;
    case BatchOutcome::Status::overloaded: code = grpc::StatusCode::RESOURCE_EXHAUSTED; break;
    case BatchOutcome::Status::unavailable:
    case BatchOutcome::Status::shutting_down: code = grpc::StatusCode::UNAVAILABLE; break;
  }
  return grpc::Status(code, std::string(reason));
}

}  // namespace sluice
