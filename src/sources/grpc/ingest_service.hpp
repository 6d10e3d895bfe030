#pragma once
// The sluice.ingest.v1.Ingest service on the callback API. Its methods are registered "raw"
// (grpc::ByteBuffer in and out) so that the source parses requests itself: a message that is not
// valid protobuf becomes INVALID_ARGUMENT with a reason instead of grpc's generic INTERNAL, and
// parsing uses an arena. Reflection still describes the typed service (same names).
//
// Thread-safety: grpc calls the methods on its threads; each creates one reactor that owns the
// call and deletes itself in OnDone. Lifetime: must outlive the grpc::Server it is registered with.

#include "sluice_ingest.grpc.pb.h"
#include "sources/grpc/source_state.hpp"

#include <memory>

namespace sluice {

using IngestRawService = sluice::ingest::v1::Ingest::WithRawCallbackMethod_Publish<
    sluice::ingest::v1::Ingest::WithRawCallbackMethod_PublishStream<sluice::ingest::v1::Ingest::Service>>;

class IngestService final : public IngestRawService {
 public:
  explicit IngestService(std::shared_ptr<GrpcSourceState> state);

  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* PublishStream(
      grpc::CallbackServerContext* context) override;

 private:
  std::shared_ptr<GrpcSourceState> state_;
};

}  // namespace sluice
