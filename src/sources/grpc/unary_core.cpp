#include "sources/grpc/unary_core.hpp"

#include "sources/grpc/ack_message.hpp"
#include "sources/grpc/batch_intake.hpp"
#include "sources/grpc/publish_call.hpp"

#include <grpcpp/server_context.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <string>

namespace sluice {

UnaryCore::UnaryCore(std::shared_ptr<GrpcSourceState> state, PublishCall* call, grpc::ServerContext* context)
    : state_(std::move(state)), call_(call), context_(context) {}

PublishCall* UnaryCore::claim() noexcept {
  std::lock_guard lock(mutex_);
  return std::exchange(call_, nullptr);
}

void UnaryCore::on_outcome(std::uint64_t /*sequence*/, BatchOutcome outcome) noexcept {
  if (outcome.status == BatchOutcome::Status::delivered || outcome.status == BatchOutcome::Status::accepted) {
    succeed(outcome.accepted, outcome.filtered);
    return;
  }
  try {
    finish(status_for(outcome.status, outcome.reason), outcome.error_index);
  } catch (const std::exception&) {  // out of memory for the message: still end the call
    finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, ""));
  }
}

void UnaryCore::succeed(std::uint32_t accepted, std::uint32_t filtered) noexcept {
  PublishCall* call = claim();
  if (call == nullptr) return;
  try {
    call->respond(make_publish_response(accepted, filtered));
  } catch (const std::exception&) {
    call->fail(grpc::Status(grpc::StatusCode::INTERNAL, "cannot serialise the response"));
  }
}

void UnaryCore::finish(grpc::Status status, std::int64_t error_index) noexcept {
  PublishCall* call = claim();
  if (call == nullptr) return;
  if (error_index >= 0 && status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    try {
      context_->AddTrailingMetadata(std::string(kErrorIndexTrailer), std::to_string(error_index));
    } catch (const std::exception&) {  // the index is also in the message
    }
  }
  call->fail(std::move(status));
}

void UnaryCore::on_cancel() noexcept {
  PublishCall* call = claim();
  if (call == nullptr) return;
  state_->errors.cancelled.Increment();
  call->fail(grpc::Status::CANCELLED);
}

void UnaryCore::handle(const grpc::ByteBuffer& request) noexcept {
  try {
    handle_request(request);
  } catch (const std::exception& error) {
    spdlog::error("grpc source '{}': cannot handle a Publish call: {}", state_->name, error.what());
    finish(grpc::Status(grpc::StatusCode::INTERNAL, "internal error"));
  }
}

void UnaryCore::handle_request(const grpc::ByteBuffer& request) {
  GrpcSourceState& state = *state_;
  if (!state.accepting.load(std::memory_order_relaxed)) {
    state.errors.shutting_down.Increment();
    finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(kShuttingDownReason)));
    return;
  }
  Intake intake = read_batch_message(request, state);
  switch (intake.kind) {
    case Intake::Kind::malformed:
      state.errors.malformed.Increment();
      finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, intake.reason));
      return;
    case Intake::Kind::not_accepting:
      state.errors.shutting_down.Increment();
      finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, intake.reason));
      return;
    case Intake::Kind::empty:
      succeed(0, 0);
      return;
    case Intake::Kind::ready: break;
  }
  Admitted admitted = admit(state, intake);
  if (!admitted.lease) {
    (admitted.never_fits ? state.errors.too_large : state.errors.overloaded).Increment();
    std::uint64_t suppressed = 0;
    if (!admitted.never_fits && state.warnings.allow(suppressed)) {
      spdlog::warn("grpc source '{}': in-flight budget exhausted, answering RESOURCE_EXHAUSTED ({} similar warnings "
                   "suppressed)",
                   state.name, suppressed);
    }
    finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        admitted.never_fits ? never_fits_reason(intake, state) : std::string(kOverloadedReason)));
    return;
  }
  submit_batch(state_, std::move(intake), std::move(*admitted.lease), shared_from_this());
}

}  // namespace sluice
