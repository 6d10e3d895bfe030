#include "sources/grpc/health_service.hpp"

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_stream.h>
#include <grpcpp/support/async_unary_call.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>

namespace sluice {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// --- Check -----------------------------------------------------------------------------------------

// Answers at once, so only the request and Finish are waited for (no done tag).
class HealthCheckCall {
 public:
  static void request(const HealthCalls& calls) {
    auto* call = new HealthCheckCall(calls);
    calls.service.RequestCheck(&call->context_, &call->request_, &call->responder_, &calls.queue.queue(),
                               &calls.queue.queue(), &call->requested_tag_);
  }

 private:
  explicit HealthCheckCall(const HealthCalls& calls) : calls_(calls), counted_(calls.queue) {}

  void on_requested(bool ok) noexcept {
    if (!ok) {
      delete this;
      return;
    }
    try {
      request(calls_);
    } catch (const std::exception& error) {
      spdlog::error("grpc health service: cannot request the next Check call: {}", error.what());
    }
    const ServingStatus status = calls_.status.status_of(request_.service());
    if (status == HealthCheckResponse::SERVICE_UNKNOWN) {  // Check says so with NOT_FOUND
      responder_.FinishWithError(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"), &finished_tag_);
      return;
    }
    response_.set_status(status);
    responder_.Finish(response_, grpc::Status::OK, &finished_tag_);
  }

  void on_finished(bool /*ok*/) noexcept { delete this; }

  const HealthCalls& calls_;
  CompletionQueueThread::CallCount counted_;
  grpc::ServerContext context_;
  HealthCheckRequest request_;
  HealthCheckResponse response_;
  grpc::ServerAsyncResponseWriter<HealthCheckResponse> responder_{&context_};
  MemberTag<HealthCheckCall, &HealthCheckCall::on_requested> requested_tag_{*this};
  MemberTag<HealthCheckCall, &HealthCheckCall::on_finished> finished_tag_{*this};
};

// --- Watch -----------------------------------------------------------------------------------------

// One write in flight; a status that changes meanwhile is sent when it completes (only the latest
// matters). Frees itself as StreamCall does (SelfFreeingCall).
class HealthWatchCall : SelfFreeingCall<HealthWatchCall> {
 public:
  static void request(const HealthCalls& calls) {
    auto* call = new HealthWatchCall(calls);
    call->context_.AsyncNotifyWhenDone(&call->done_tag_);
    calls.service.RequestWatch(&call->context_, &call->request_, &call->writer_, &calls.queue.queue(),
                               &calls.queue.queue(), &call->requested_tag_);
  }

  const std::string& service() const noexcept { return request_.service(); }

  // The status to report now (any thread, under HealthStatus's mutex).
  void notify(ServingStatus status) noexcept {
    std::unique_lock lock(mutex_);
    wanted_ = status;
    write_if_due(lock);
  }

 private:
  friend SelfFreeingCall<HealthWatchCall>;
  explicit HealthWatchCall(const HealthCalls& calls) : SelfFreeingCall(calls.queue), calls_(calls) {}
  ~HealthWatchCall() = default;

  void on_requested(bool ok) noexcept {
    if (!begin(ok)) return;
    try {
      request(calls_);
      calls_.status.add_watch(this);
      registered_ = true;
    } catch (const std::exception& error) {
      spdlog::error("grpc health service: cannot begin a Watch call: {}", error.what());
      std::unique_lock lock(mutex_);
      ended_ = true;
      finish_if_due(lock);
    }
  }

  void on_written(bool ok) noexcept {
    {
      std::unique_lock lock(mutex_);
      writing_ = false;
      if (!ok) ended_ = true;
      write_if_due(lock);
      if (lock.owns_lock()) finish_if_due(lock);
    }
    release();
  }

  void on_done(bool /*ok*/) noexcept {
    {
      std::unique_lock lock(mutex_);
      ended_ = true;
      finish_if_due(lock);
    }
    release();
  }

  void on_finished(bool /*ok*/) noexcept { release(); }

  // Starts a write when one is due; unlocks when it does.
  void write_if_due(std::unique_lock<std::mutex>& lock) noexcept {
    if (ended_ || finishing_ || writing_ || !wanted_ || wanted_ == sent_) return;
    writing_ = true;
    sent_ = wanted_;
    response_.set_status(*wanted_);
    started();
    lock.unlock();
    writer_.Write(response_, &written_tag_);
  }

  // Finishes once the call ended and no write is in flight; unlocks when it does.
  void finish_if_due(std::unique_lock<std::mutex>& lock) noexcept {
    if (!ended_ || writing_ || finishing_) return;
    finishing_ = true;
    lock.unlock();
    if (registered_) calls_.status.remove_watch(this);  // not under our mutex: HealthStatus's comes first
    writer_.Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the watch ended"), &finished_tag_);
  }

  const HealthCalls& calls_;
  grpc::ServerContext context_;
  HealthCheckRequest request_;
  HealthCheckResponse response_;  // of the write in flight
  grpc::ServerAsyncWriter<HealthCheckResponse> writer_{&context_};
  bool registered_ = false;  // set on the queue thread before any other thread can see the call

  std::mutex mutex_;
  std::optional<ServingStatus> wanted_;
  std::optional<ServingStatus> sent_;
  bool writing_ = false;
  bool ended_ = false;  // the client went away, a write failed, or the server shut down
  bool finishing_ = false;

  MemberTag<HealthWatchCall, &HealthWatchCall::on_requested> requested_tag_{*this};
  MemberTag<HealthWatchCall, &HealthWatchCall::on_written> written_tag_{*this};
  MemberTag<HealthWatchCall, &HealthWatchCall::on_done> done_tag_{*this};
  MemberTag<HealthWatchCall, &HealthWatchCall::on_finished> finished_tag_{*this};
};

// --- HealthStatus ------------------------------------------------------------------------------

HealthStatus::HealthStatus(std::vector<std::string> services) : services_(std::move(services)) {}

void HealthStatus::set_serving(bool serving) {
  std::lock_guard lock(mutex_);
  serving_ = serving;
  for (HealthWatchCall* watch : watches_) watch->notify(status_of_locked(watch->service()));
}

bool HealthStatus::known(const std::string& service) const {
  return service.empty() || std::find(services_.begin(), services_.end(), service) != services_.end();
}

ServingStatus HealthStatus::status_of(const std::string& service) const {
  std::lock_guard lock(mutex_);
  return status_of_locked(service);
}

ServingStatus HealthStatus::status_of_locked(const std::string& service) const {
  if (!known(service)) return HealthCheckResponse::SERVICE_UNKNOWN;
  return serving_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

void HealthStatus::add_watch(HealthWatchCall* call) {
  std::lock_guard lock(mutex_);
  watches_.insert(call);
  call->notify(status_of_locked(call->service()));
}

void HealthStatus::remove_watch(HealthWatchCall* call) {
  std::lock_guard lock(mutex_);
  watches_.erase(call);
}

void request_health_calls(const HealthCalls& calls) {
  HealthCheckCall::request(calls);
  HealthWatchCall::request(calls);
}

}  // namespace sluice
