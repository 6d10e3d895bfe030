#pragma once
// Publish (unary)'s logic, one UnaryCore per call, driving a PublishCall (grpc's async API). The
// request is admitted at once or refused with RESOURCE_EXHAUSTED (a unary call cannot be held back
// the way a stream is); the answer is the batch's outcome, written when its AckToken completes.
//
// Thread-safety and lifetime: the token completes on a pipeline or sink thread, the cancellation
// arrives on the completion queue thread; whichever comes first claims the call (under the core's
// mutex, which is never held while calling into grpc) and finishes it, the other finds it
// finished. The call frees itself only after Finish came back; the token holds the UnaryCore, not
// the call, so an answer arriving after a cancelled call (client deadline) is simply dropped.

#include "sources/grpc/ack_token.hpp"
#include "sources/grpc/source_state.hpp"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <mutex>

namespace grpc {
class ServerContext;
}

namespace sluice {

class PublishCall;

class UnaryCore final : public OutcomeReceiver, public std::enable_shared_from_this<UnaryCore> {
 public:
  UnaryCore(std::shared_ptr<GrpcSourceState> state, PublishCall* call, grpc::ServerContext* context);

  // Parses, renders, admits and submits the request, or answers it at once. The call's thread.
  void handle(const grpc::ByteBuffer& request) noexcept;
  // The batch's outcome (any thread).
  void on_outcome(std::uint64_t sequence, BatchOutcome outcome) noexcept override;
  // Finishes the call with `status` unless it is finished already. Any thread.
  void finish(grpc::Status status, std::int64_t error_index = -1) noexcept;
  // OK with the counts. Any thread.
  void succeed(std::uint32_t accepted, std::uint32_t filtered) noexcept;
  void on_cancel() noexcept;

 private:
  void handle_request(const grpc::ByteBuffer& request);
  PublishCall* claim() noexcept;  // the call, once; null afterwards

  const std::shared_ptr<GrpcSourceState> state_;
  std::mutex mutex_;
  PublishCall* call_;
  grpc::ServerContext* const context_;
};

}  // namespace sluice
