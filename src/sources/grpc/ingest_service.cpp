#include "sources/grpc/ingest_service.hpp"

#include "sources/grpc/publish_call.hpp"
#include "sources/grpc/stream_call.hpp"

namespace sluice {
namespace {

// Calls requested ahead per method. Unary calls come one per batch and begin at the client's pace:
// a few waiting keep the queue thread from being on each one's critical path. Streams begin rarely.
constexpr int kUnaryCallsRequested = 8;
constexpr int kStreamCallsRequested = 2;

}  // namespace

void request_ingest_calls(const IngestCalls& calls) {
  for (int i = 0; i < kUnaryCallsRequested; ++i) PublishCall::request(calls);
  for (int i = 0; i < kStreamCallsRequested; ++i) StreamCall::request(calls);
}

}  // namespace sluice
