#pragma once
// PublishStream on grpc's async API: the call (context, reader-writer, buffers, completion tags)
// that StreamCore drives. StreamCore decides what to start; this class starts it and brings the
// completions back to StreamCore.
//
// Lifetime: a call owns itself and deletes itself when every read and write it started, its done
// notification and its Finish came back (SelfFreeingCall).
//
// Thread-safety: start_read/start_write/finish are called by StreamCore from any thread, one read
// and one write in flight at most, Finish alone; completions arrive on the queue thread.

#include "sources/grpc/completion_queue_thread.hpp"
#include "sources/grpc/ingest_service.hpp"

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_stream.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <memory>

namespace sluice {

class StreamCore;

class StreamCall : SelfFreeingCall<StreamCall> {
 public:
  // Asks grpc for the next stream a client opens.
  static void request(const IngestCalls& calls);

  StreamCall(const StreamCall&) = delete;
  StreamCall& operator=(const StreamCall&) = delete;

  // --- For StreamCore ------------------------------------------------------------------------------
  void start_read();   // into read_buffer
  void start_write();  // of write_buffer
  void finish(grpc::Status status);

  grpc::ByteBuffer read_buffer;   // the message of the outstanding read
  grpc::ByteBuffer write_buffer;  // the ack of the outstanding write

 private:
  friend SelfFreeingCall<StreamCall>;
  explicit StreamCall(const IngestCalls& calls);
  ~StreamCall();

  void on_requested(bool ok) noexcept;
  void on_read(bool ok) noexcept;
  void on_written(bool ok) noexcept;
  void on_finished(bool ok) noexcept;
  void on_done(bool ok) noexcept;

  const IngestCalls& calls_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer> stream_{&context_};
  std::shared_ptr<StreamCore> core_;

  MemberTag<StreamCall, &StreamCall::on_requested> requested_tag_{*this};
  MemberTag<StreamCall, &StreamCall::on_read> read_tag_{*this};
  MemberTag<StreamCall, &StreamCall::on_written> written_tag_{*this};
  MemberTag<StreamCall, &StreamCall::on_finished> finished_tag_{*this};
  MemberTag<StreamCall, &StreamCall::on_done> done_tag_{*this};
};

}  // namespace sluice
