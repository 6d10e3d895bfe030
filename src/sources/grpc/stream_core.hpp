#pragma once
// PublishStream's logic, one StreamCore per stream, driving a StreamCall (grpc's async API).
//
// The core reads one PublishRequest at a time. A request that is admitted goes to the pipeline
// and the next read starts at once, so a client may have as many batches in flight as the budget
// holds. When the budget is exhausted the core keeps the rendered batch and starts no read
// until Admission::notify_when_free wakes it (through the io_context): HTTP/2 flow control then
// holds the client back. Acks are written in completion order, one write in flight at a time,
// so they may come out of sequence order; clients match them by `sequence`.
//
// The stream ends with OK after the client half-closed and every ack was written; with
// INVALID_ARGUMENT (after the acks still due) when a message is not a PublishRequest (its sequence
// cannot be known, so it cannot be acked); with UNAVAILABLE once the source stops accepting and
// the stream has nothing in flight; with CANCELLED when the client went away.
//
// Thread-safety and lifetime: completions arrive on the completion queue thread; ack tokens and
// budget wakes arrive on pipeline, sink and io threads. All of them meet in StreamCore under one
// mutex that is never held while calling into grpc: whoever changes the state claims the grpc
// operations it calls for (a read, a write, or Finish) under the lock and starts them after
// releasing it. While a claimed read or write is not yet started, Finish cannot be claimed, so
// the call (which frees itself only after Finish came back) outlives every operation started on
// it. Tokens hold the StreamCore, not the call; after Finish they find no call and drop their ack.

#include "sources/grpc/ack_token.hpp"
#include "sources/grpc/batch_intake.hpp"
#include "sources/grpc/source_state.hpp"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>

namespace sluice {

class StreamCall;

class StreamCore final : public OutcomeReceiver, public std::enable_shared_from_this<StreamCore> {
 public:
  explicit StreamCore(std::shared_ptr<GrpcSourceState> state);
  ~StreamCore() override;

  // --- From the call (the completion queue thread) ----------------------------------------------------------
  void attach(StreamCall* call);  // registers the stream and starts its first read
  void on_read_done(bool ok, grpc::ByteBuffer& message);
  void on_write_done(bool ok);
  void on_cancel();

  // --- From elsewhere ------------------------------------------------------------------------------
  // An ack token (pipeline or sink thread).
  void on_outcome(std::uint64_t sequence, BatchOutcome outcome) noexcept override;
  // The source stopped accepting (main thread): a batch waiting for budget is answered UNAVAILABLE
  // and the stream ends once nothing of it is in flight.
  void wind_down() noexcept;

 private:
  // grpc operations to start, claimed under the lock and started after it is released.
  struct Step {
    StreamCall* call = nullptr;
    bool read = false;
    bool write = false;
    std::optional<grpc::Status> finish;
    bool empty() const noexcept { return !read && !write && !finish; }
  };

  // After an intake was prepared (outside the lock): answer it, admit it, or wait for budget.
  void handle(Intake intake);
  void wait_for_budget();
  void retry_admission();
  void queue_ack(std::uint64_t sequence, const BatchOutcome& outcome);  // locked
  Step next_step();                                                      // locked
  void run(Step step);                                                    // unlocked

  const std::shared_ptr<GrpcSourceState> state_;
  std::uint64_t registry_id_ = 0;

  std::mutex mutex_;
  StreamCall* call_ = nullptr;  // null before attach and once Finish is claimed
  int claims_ = 0;                    // reads/writes claimed but not yet started
  bool reading_ = false;              // a read is outstanding
  bool processing_ = false;           // a received message is being prepared or admitted
  bool writing_ = false;              // a write is outstanding
  bool read_closed_ = false;          // the client half-closed (or the read side failed)
  bool broken_ = false;               // cancelled, or a write failed: finish as soon as possible
  std::optional<grpc::Status> fatal_;  // finish with this once the acks due are written
  std::uint64_t in_pipeline_ = 0;      // batches submitted and not yet answered
  std::optional<Intake> waiting_;      // a rendered batch waiting for budget
  std::deque<grpc::ByteBuffer> acks_;  // serialised PublishAcks not yet written
};

}  // namespace sluice
