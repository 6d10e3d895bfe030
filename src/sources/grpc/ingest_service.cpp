#include "sources/grpc/ingest_service.hpp"

#include "sources/grpc/publish_reactor.hpp"
#include "sources/grpc/stream_reactor.hpp"

namespace sluice {

IngestService::IngestService(std::shared_ptr<GrpcSourceState> state) : state_(std::move(state)) {}

grpc::ServerUnaryReactor* IngestService::Publish(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                                 grpc::ByteBuffer* response) {
  return new PublishReactor(state_, context, *request, response);
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestService::PublishStream(
    grpc::CallbackServerContext* context) {
  return new StreamReactor(state_, context);
}

}  // namespace sluice
