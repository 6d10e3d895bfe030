#include "sources/grpc/publish_reactor.hpp"

#include "sources/grpc/ack_message.hpp"
#include "sources/grpc/batch_intake.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <string>

namespace sluice {

// --- UnaryCore ---------------------------------------------------------------------------------

UnaryCore::UnaryCore(std::shared_ptr<GrpcSourceState> state, PublishReactor* reactor,
                     grpc::CallbackServerContext* context, grpc::ByteBuffer* response)
    : state_(std::move(state)), reactor_(reactor), context_(context), response_(response) {}

PublishReactor* UnaryCore::claim() noexcept {
  std::lock_guard lock(mutex_);
  return std::exchange(reactor_, nullptr);
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
  PublishReactor* reactor = claim();
  if (reactor == nullptr) return;
  try {
    *response_ = make_publish_response(accepted, filtered);
    reactor->Finish(grpc::Status::OK);
  } catch (const std::exception&) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "cannot serialise the response"));
  }
}

void UnaryCore::finish(grpc::Status status, std::int64_t error_index) noexcept {
  PublishReactor* reactor = claim();
  if (reactor == nullptr) return;
  if (error_index >= 0 && status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    try {
      context_->AddTrailingMetadata(std::string(kErrorIndexTrailer), std::to_string(error_index));
    } catch (const std::exception&) {  // the index is also in the message
    }
  }
  reactor->Finish(std::move(status));
}

void UnaryCore::on_cancel() noexcept {
  PublishReactor* reactor = claim();
  if (reactor == nullptr) return;
  state_->errors.cancelled.Increment();
  reactor->Finish(grpc::Status::CANCELLED);
}

// --- PublishReactor ----------------------------------------------------------------------------

PublishReactor::PublishReactor(std::shared_ptr<GrpcSourceState> state, grpc::CallbackServerContext* context,
                               const grpc::ByteBuffer& request, grpc::ByteBuffer* response)
    : core_(std::make_shared<UnaryCore>(state, this, context, response)) {
  try {
    handle(state, request);
  } catch (const std::exception& error) {
    spdlog::error("grpc source '{}': cannot handle a Publish call: {}", state->name, error.what());
    core_->finish(grpc::Status(grpc::StatusCode::INTERNAL, "internal error"));
  }
}

void PublishReactor::handle(const std::shared_ptr<GrpcSourceState>& state, const grpc::ByteBuffer& request) {
  if (!state->accepting.load(std::memory_order_relaxed)) {
    state->errors.shutting_down.Increment();
    core_->finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(kShuttingDownReason)));
    return;
  }
  Intake intake = read_batch_message(request, *state);
  switch (intake.kind) {
    case Intake::Kind::malformed:
      state->errors.malformed.Increment();
      core_->finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, intake.reason));
      return;
    case Intake::Kind::not_accepting:
      state->errors.shutting_down.Increment();
      core_->finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, intake.reason));
      return;
    case Intake::Kind::empty:
      core_->succeed(0, 0);
      return;
    case Intake::Kind::ready: break;
  }
  Admitted admitted = admit(*state, intake);
  if (!admitted.lease) {
    (admitted.never_fits ? state->errors.too_large : state->errors.overloaded).Increment();
    std::uint64_t suppressed = 0;
    if (!admitted.never_fits && state->warnings.allow(suppressed)) {
      spdlog::warn("grpc source '{}': in-flight budget exhausted, answering RESOURCE_EXHAUSTED ({} similar warnings "
                   "suppressed)",
                   state->name, suppressed);
    }
    core_->finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               admitted.never_fits ? never_fits_reason(intake, *state) : std::string(kOverloadedReason)));
    return;
  }
  submit_batch(state, std::move(intake), std::move(*admitted.lease), core_);
}

void PublishReactor::OnCancel() { core_->on_cancel(); }

void PublishReactor::OnDone() { delete this; }

}  // namespace sluice
