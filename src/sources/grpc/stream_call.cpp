#include "sources/grpc/stream_call.hpp"

#include "sources/grpc/stream_core.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace sluice {

void StreamCall::request(const IngestCalls& calls) {
  auto* call = new StreamCall(calls);
  call->context_.AsyncNotifyWhenDone(&call->done_tag_);
  calls.service.RequestPublishStream(&call->context_, &call->stream_, &calls.queue.queue(), &calls.queue.queue(),
                                     &call->requested_tag_);
}

StreamCall::StreamCall(const IngestCalls& calls) : SelfFreeingCall(calls.queue), calls_(calls) {}

StreamCall::~StreamCall() = default;

void StreamCall::on_requested(bool ok) noexcept {
  if (!begin(ok)) return;  // the server is shutting down; this call never began
  try {
    request(calls_);
    core_ = std::make_shared<StreamCore>(calls_.state);
    core_->attach(this);
  } catch (const std::exception& error) {  // out of memory: refuse this stream, keep the process
    spdlog::error("grpc source '{}': cannot begin a stream: {}", calls_.state->name, error.what());
    core_.reset();  // attach throws before it starts anything
    finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "out of memory"));
  }
}

void StreamCall::start_read() {
  started();
  stream_.Read(&read_buffer, &read_tag_);
}

void StreamCall::start_write() {
  started();
  stream_.Write(write_buffer, &written_tag_);
}

void StreamCall::finish(grpc::Status status) { stream_.Finish(status, &finished_tag_); }

void StreamCall::on_read(bool ok) noexcept {
  core_->on_read_done(ok, read_buffer);
  release();
}

void StreamCall::on_written(bool ok) noexcept {
  core_->on_write_done(ok);
  release();
}

void StreamCall::on_finished(bool /*ok*/) noexcept { release(); }

void StreamCall::on_done(bool /*ok*/) noexcept {
  // Also delivered after a normal Finish; only a cancelled call (client gone, deadline passed,
  // server shut down) is news to the core.
  if (core_ && context_.IsCancelled()) core_->on_cancel();
  release();
}

}  // namespace sluice
