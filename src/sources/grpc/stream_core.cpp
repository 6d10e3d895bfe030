#include "sources/grpc/stream_core.hpp"

#include "sources/grpc/ack_message.hpp"
#include "sources/grpc/stream_call.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <exception>

namespace sluice {
namespace asio = boost::asio;

namespace {

// When some budget is free but not enough for this batch, Admission would wake the stream again at
// once (it wakes waiters whenever any budget is free): poll at this pace instead of spinning.
constexpr auto kAdmissionRetryDelay = std::chrono::milliseconds(5);

}  // namespace

// --- StreamCore ------------------------------------------------------------------------------------

StreamCore::StreamCore(std::shared_ptr<GrpcSourceState> state) : state_(std::move(state)) {}

StreamCore::~StreamCore() {
  if (registry_id_ != 0) state_->streams.remove(registry_id_);
}

void StreamCore::attach(StreamCall* call) {
  registry_id_ = state_->streams.add(weak_from_this());
  Step step;
  {
    std::lock_guard lock(mutex_);
    call_ = call;
    step = next_step();
  }
  run(std::move(step));
}

void StreamCore::on_read_done(bool ok, grpc::ByteBuffer& message) {
  if (!ok) {
    Step step;
    {
      std::lock_guard lock(mutex_);
      reading_ = false;
      read_closed_ = true;
      step = next_step();
    }
    run(std::move(step));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    reading_ = false;
    processing_ = true;
  }
  Intake intake;
  try {
    intake = read_stream_message(message, *state_);
  } catch (const std::exception& error) {  // out of memory while copying: end the stream, keep the process
    intake = Intake{};
    intake.kind = Intake::Kind::malformed;
    intake.reason = std::string("internal error: ") + error.what();
  }
  message.Clear();
  try {
    handle(std::move(intake));
  } catch (const std::exception& error) {  // a reaction must not throw; the client's deadline ends the stream
    spdlog::error("grpc source '{}': cannot handle a stream message: {}", state_->name, error.what());
  }
}

void StreamCore::on_write_done(bool ok) {
  Step step;
  {
    std::lock_guard lock(mutex_);
    writing_ = false;
    if (!ok) broken_ = true;
    step = next_step();
  }
  run(std::move(step));
}

void StreamCore::on_cancel() {
  Step step;
  {
    std::lock_guard lock(mutex_);
    if (in_pipeline_ > 0 || waiting_) state_->errors.cancelled.Increment();
    broken_ = true;
    step = next_step();
  }
  run(std::move(step));
}

void StreamCore::on_outcome(std::uint64_t sequence, BatchOutcome outcome) noexcept {
  try {
    grpc::ByteBuffer ack = make_publish_ack(sequence, outcome);
    Step step;
    {
      std::lock_guard lock(mutex_);
      --in_pipeline_;
      if (call_ == nullptr) return;  // finished: the client is gone
      acks_.push_back(std::move(ack));
      step = next_step();
    }
    run(std::move(step));
  } catch (const std::exception& error) {
    spdlog::error("grpc source '{}': cannot queue an ack: {}", state_->name, error.what());
  }
}

void StreamCore::wind_down() noexcept {
  try {
    Step step;
    {
      std::lock_guard lock(mutex_);
      if (call_ == nullptr) return;
      if (waiting_) {
        state_->errors.shutting_down.Increment();
        acks_.push_back(make_publish_ack(waiting_->sequence, BatchOutcome::Status::shutting_down, kShuttingDownReason));
        waiting_.reset();
        state_->streams_waiting.fetch_sub(1, std::memory_order_relaxed);
      }
      step = next_step();
    }
    run(std::move(step));
  } catch (const std::exception& error) {
    spdlog::error("grpc source '{}': cannot wind a stream down: {}", state_->name, error.what());
  }
}

void StreamCore::handle(Intake intake) {
  std::optional<grpc::ByteBuffer> answer;
  switch (intake.kind) {
    case Intake::Kind::malformed: {
      state_->errors.malformed.Increment();
      Step step;
      {
        std::lock_guard lock(mutex_);
        processing_ = false;
        fatal_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, intake.reason);
        step = next_step();
      }
      run(std::move(step));
      return;
    }
    case Intake::Kind::empty:
      answer = make_publish_ack(intake.sequence, BatchOutcome{});
      break;
    case Intake::Kind::not_accepting:
      state_->errors.shutting_down.Increment();
      answer = make_publish_ack(intake.sequence, BatchOutcome::Status::shutting_down, intake.reason);
      break;
    case Intake::Kind::ready:
      if (!state_->accepting.load(std::memory_order_relaxed)) {
        state_->errors.shutting_down.Increment();
        answer = make_publish_ack(intake.sequence, BatchOutcome::Status::shutting_down, kShuttingDownReason);
      }
      break;
  }

  Admitted admitted;
  if (!answer) {
    admitted = admit(*state_, intake);
    if (admitted.never_fits) {
      state_->errors.too_large.Increment();
      answer = make_publish_ack(intake.sequence, BatchOutcome::Status::overloaded, never_fits_reason(intake, *state_));
    }
  }

  Step step;
  bool submit = false;
  bool wait = false;
  {
    std::lock_guard lock(mutex_);
    processing_ = false;
    const bool live = call_ != nullptr && !broken_;
    if (answer) {
      if (live) acks_.push_back(std::move(*answer));
    } else if (live && admitted.lease) {
      ++in_pipeline_;
      submit = true;
    } else if (live) {
      waiting_ = std::move(intake);
      state_->streams_waiting.fetch_add(1, std::memory_order_relaxed);
      wait = true;
    }
    step = next_step();
  }
  // The next read goes first: the batch's own answer cannot be lost meanwhile (it is counted in
  // in_pipeline_, which keeps the stream open).
  run(std::move(step));
  if (submit) submit_batch(state_, std::move(intake), std::move(*admitted.lease), shared_from_this());
  if (wait) {
    std::uint64_t suppressed = 0;
    if (state_->warnings.allow(suppressed)) {
      const Admission& admission = state_->ingress.admission();
      spdlog::warn("grpc source '{}': in-flight budget exhausted ({} of {} bytes in use), holding streams back "
                   "({} similar warnings suppressed)",
                   state_->name, admission.bytes_in_use(), admission.max_bytes(), suppressed);
    }
    wait_for_budget();
  }
}

void StreamCore::wait_for_budget() {
  Admission& admission = state_->ingress.admission();
  auto retry = [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->retry_admission();
  };
  if (admission.free_bytes() > 0) {
    auto timer = std::make_shared<asio::steady_timer>(state_->io, kAdmissionRetryDelay);
    timer->async_wait([timer, retry](const boost::system::error_code& ec) {
      if (!ec) retry();
    });
    return;
  }
  // Called on the thread that released budget (a sink's or a worker's): only post.
  admission.notify_when_free([&io = state_->io, retry] { asio::post(io, retry); });
}

void StreamCore::retry_admission() {
  std::optional<Intake> intake;
  {
    std::lock_guard lock(mutex_);
    if (!waiting_ || call_ == nullptr) return;
    intake = std::move(waiting_);
    waiting_.reset();
    state_->streams_waiting.fetch_sub(1, std::memory_order_relaxed);
    processing_ = true;
  }
  handle(std::move(*intake));
}

StreamCore::Step StreamCore::next_step() {
  Step step;
  if (call_ == nullptr) return step;
  step.call = call_;
  const bool accepting = state_->accepting.load(std::memory_order_relaxed);
  if (!broken_ && !writing_ && !acks_.empty()) {
    call_->write_buffer = std::move(acks_.front());
    acks_.pop_front();
    writing_ = true;
    ++claims_;
    step.write = true;
  }
  // No read while a message is being handled or waits for budget: that is the backpressure.
  if (!broken_ && !reading_ && !processing_ && !waiting_ && !read_closed_ && !fatal_ && accepting) {
    reading_ = true;
    ++claims_;
    step.read = true;
  }
  if (claims_ > 0 || writing_) return step;

  std::optional<grpc::Status> finish;
  if (broken_) {
    finish = grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled");
  } else if (!processing_ && !waiting_ && in_pipeline_ == 0 && acks_.empty()) {
    if (fatal_) {
      finish = *fatal_;
    } else if (!accepting) {
      finish = grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(kShuttingDownReason));
    } else if (read_closed_) {
      finish = grpc::Status::OK;
    }
  }
  if (finish) {
    step.finish = std::move(finish);
    call_ = nullptr;  // nobody may call into the call after Finish: it frees itself once Finish is back
    if (waiting_) state_->streams_waiting.fetch_sub(1, std::memory_order_relaxed);
    waiting_.reset();
    acks_.clear();
  }
  return step;
}

void StreamCore::run(Step step) {
  while (!step.empty()) {
    StreamCall* call = step.call;
    if (step.finish) {
      call->finish(std::move(*step.finish));
      return;
    }
    int started = 0;
    if (step.write) {
      call->start_write();
      ++started;
    }
    if (step.read) {
      call->start_read();
      ++started;
    }
    std::lock_guard lock(mutex_);
    claims_ -= started;
    step = next_step();
  }
}

}  // namespace sluice
