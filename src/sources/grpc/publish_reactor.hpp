#pragma once
// Publish (unary): one reactor per call. The request is admitted at once or refused with
// RESOURCE_EXHAUSTED (a unary call cannot be held back the way a stream is); the answer is the
// batch's outcome, written when its AckToken completes.
//
// Thread-safety and lifetime: the token completes on a pipeline or sink thread, OnCancel arrives
// on a grpc thread; whichever comes first claims the call in UnaryCore (under its mutex, which is
// never held while calling into grpc) and finishes it, the other finds it finished. The reactor
// deletes itself in OnDone, which grpc calls only after Finish; the token holds the UnaryCore, not
// the reactor, so an answer arriving after a cancelled call (client deadline) is simply dropped.

#include "sources/grpc/ack_token.hpp"
#include "sources/grpc/source_state.hpp"

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <mutex>

namespace sluice {

class PublishReactor;

class UnaryCore final : public OutcomeReceiver {
 public:
  UnaryCore(std::shared_ptr<GrpcSourceState> state, PublishReactor* reactor, grpc::CallbackServerContext* context,
            grpc::ByteBuffer* response);

  // The batch's outcome (any thread).
  void on_outcome(std::uint64_t sequence, BatchOutcome outcome) noexcept override;
  // Finishes the call with `status` unless it is finished already. Any thread.
  void finish(grpc::Status status, std::int64_t error_index = -1) noexcept;
  // OK with the counts. Any thread.
  void succeed(std::uint32_t accepted, std::uint32_t filtered) noexcept;
  void on_cancel() noexcept;

 private:
  PublishReactor* claim() noexcept;  // the reactor, once; null afterwards

  const std::shared_ptr<GrpcSourceState> state_;
  std::mutex mutex_;
  PublishReactor* reactor_;
  grpc::CallbackServerContext* const context_;
  grpc::ByteBuffer* const response_;
};

class PublishReactor final : public grpc::ServerUnaryReactor {
 public:
  // Handles the request right away (parse, render, admit, submit); grpc keeps `request` and
  // `response` alive until OnDone.
  PublishReactor(std::shared_ptr<GrpcSourceState> state, grpc::CallbackServerContext* context,
                 const grpc::ByteBuffer& request, grpc::ByteBuffer* response);

  void OnCancel() override;
  void OnDone() override;

 private:
  void handle(const std::shared_ptr<GrpcSourceState>& state, const grpc::ByteBuffer& request);

  std::shared_ptr<UnaryCore> core_;
};

}  // namespace sluice
