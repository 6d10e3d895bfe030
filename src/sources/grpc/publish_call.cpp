#include "sources/grpc/publish_call.hpp"

#include "sources/grpc/unary_core.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace sluice {

void PublishCall::request(const IngestCalls& calls) {
  auto* call = new PublishCall(calls);
  call->context_.AsyncNotifyWhenDone(&call->done_tag_);
  calls.service.RequestPublish(&call->context_, &call->request_, &call->responder_, &calls.queue.queue(),
                               &calls.queue.queue(), &call->requested_tag_);
}

PublishCall::PublishCall(const IngestCalls& calls) : SelfFreeingCall(calls.queue), calls_(calls) {}

PublishCall::~PublishCall() = default;

void PublishCall::on_requested(bool ok) noexcept {
  if (!begin(ok)) return;  // the server is shutting down; this call never began
  try {
    request(calls_);
    core_ = std::make_shared<UnaryCore>(calls_.state, this, &context_);
  } catch (const std::exception& error) {  // out of memory: refuse this call, keep the process
    spdlog::error("grpc source '{}': cannot begin a Publish call: {}", calls_.state->name, error.what());
    fail(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "out of memory"));
    return;
  }
  core_->handle(request_);
  // The batch holds its own copy; the call may already be answered (it is freed only on this
  // thread, so not yet).
  request_.Clear();
}

void PublishCall::respond(grpc::ByteBuffer response) {
  response_ = std::move(response);
  responder_.Finish(response_, grpc::Status::OK, &finished_tag_);
}

void PublishCall::fail(const grpc::Status& status) {
  if (status.ok()) {  // FinishWithError refuses OK; there is no response to send with it either
    responder_.FinishWithError(grpc::Status(grpc::StatusCode::INTERNAL, "no response"), &finished_tag_);
    return;
  }
  responder_.FinishWithError(status, &finished_tag_);
}

void PublishCall::on_finished(bool /*ok*/) noexcept { release(); }

void PublishCall::on_done(bool /*ok*/) noexcept {
  if (core_ && context_.IsCancelled()) core_->on_cancel();
  release();
}

}  // namespace sluice
