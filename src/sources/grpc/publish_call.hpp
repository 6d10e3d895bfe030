#pragma once
// Publish (unary) on grpc's async API: the call (context, request, responder, completion tags)
// that UnaryCore drives.
//
// Lifetime: a call owns itself and deletes itself when its done notification and its Finish came
// back (SelfFreeingCall).
//
// Thread-safety: respond/fail once, from any thread (UnaryCore claims the call first);
// completions arrive on the queue thread.

#include "sources/grpc/completion_queue_thread.hpp"
#include "sources/grpc/ingest_service.hpp"

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_unary_call.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <memory>

namespace sluice {

class UnaryCore;

class PublishCall : SelfFreeingCall<PublishCall> {
 public:
  // Asks grpc for the next Publish call a client makes.
  static void request(const IngestCalls& calls);

  PublishCall(const PublishCall&) = delete;
  PublishCall& operator=(const PublishCall&) = delete;

  // --- For UnaryCore: one of them, once ----------------------------------------------------------
  void respond(grpc::ByteBuffer response);  // OK with this PublishResponse
  void fail(const grpc::Status& status);    // a status other than OK

 private:
  friend SelfFreeingCall<PublishCall>;
  explicit PublishCall(const IngestCalls& calls);
  ~PublishCall();

  void on_requested(bool ok) noexcept;
  void on_finished(bool ok) noexcept;
  void on_done(bool ok) noexcept;

  const IngestCalls& calls_;
  grpc::ServerContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  grpc::ServerAsyncResponseWriter<grpc::ByteBuffer> responder_{&context_};
  std::shared_ptr<UnaryCore> core_;

  MemberTag<PublishCall, &PublishCall::on_requested> requested_tag_{*this};
  MemberTag<PublishCall, &PublishCall::on_finished> finished_tag_{*this};
  MemberTag<PublishCall, &PublishCall::on_done> done_tag_{*this};
};

}  // namespace sluice
