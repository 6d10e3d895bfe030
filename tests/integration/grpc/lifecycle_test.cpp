// The gRPC source's own grpc.health.v1 service (Check, Watch) and stopping with calls still open:
// the source serves both on its completion queue thread, and stop() must end every call and
// return (a call left behind would keep the queue alive, or abort the process on the way out).

#include "grpc_harness.hpp"

#include "health.grpc.pb.h"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

namespace sluice::grpc_test {
namespace {

namespace health = grpc::health::v1;
using ServingStatus = health::HealthCheckResponse::ServingStatus;

grpc::Status check(health::Health::Stub& stub, const std::string& service, health::HealthCheckResponse* response) {
  grpc::ClientContext context;
  set_deadline(context);
  health::HealthCheckRequest request;
  request.set_service(service);
  return stub.Check(&context, request, response);
}

struct OpenWatch {
  std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
  std::unique_ptr<grpc::ClientReader<health::HealthCheckResponse>> reader;
};

OpenWatch watch(health::Health::Stub& stub, const std::string& service) {
  OpenWatch open;
  set_deadline(*open.context);
  health::HealthCheckRequest request;
  request.set_service(service);
  open.reader = stub.Watch(open.context.get(), request);
  return open;
}

// The next status a watch reports, or UNKNOWN when the stream ended.
ServingStatus next_status(OpenWatch& open) {
  health::HealthCheckResponse response;
  return open.reader->Read(&response) ? response.status() : health::HealthCheckResponse::UNKNOWN;
}

TEST(GrpcHealth, CheckKnowsTheServerAndTheIngestServiceAndNothingElse) {
  GrpcHarness harness;
  auto stub = health::Health::NewStub(harness.channel());
  health::HealthCheckResponse response;
  ASSERT_TRUE(check(*stub, "", &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  ASSERT_TRUE(check(*stub, "sluice.ingest.v1.Ingest", &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  EXPECT_EQ(check(*stub, "no.such.Service", &response).error_code(), grpc::StatusCode::NOT_FOUND);

  harness.source().stop_accepting();
  ASSERT_TRUE(check(*stub, "sluice.ingest.v1.Ingest", &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
}

TEST(GrpcHealth, WatchReportsTheStatusThenEachChangeUntilTheClientLeaves) {
  GrpcHarness harness;
  auto stub = health::Health::NewStub(harness.channel());
  OpenWatch server = watch(*stub, "");
  OpenWatch ingest = watch(*stub, "sluice.ingest.v1.Ingest");
  OpenWatch unknown = watch(*stub, "no.such.Service");
  EXPECT_EQ(next_status(server), health::HealthCheckResponse::SERVING);
  EXPECT_EQ(next_status(ingest), health::HealthCheckResponse::SERVING);
  EXPECT_EQ(next_status(unknown), health::HealthCheckResponse::SERVICE_UNKNOWN);

  harness.source().stop_accepting();
  EXPECT_EQ(next_status(server), health::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(next_status(ingest), health::HealthCheckResponse::NOT_SERVING);

  for (OpenWatch* open : {&server, &ingest, &unknown}) {
    open->context->TryCancel();
    EXPECT_EQ(open->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // The server is still answering after three watches went away.
  health::HealthCheckResponse response;
  EXPECT_TRUE(check(*stub, "", &response).ok());
}

TEST(GrpcSource, WithTwoQueueThreadsEveryCallIsAnswered) {
  GrpcHarness harness({.source_yaml = "    threads: 2\n"});
  auto stub = harness.stub();
  constexpr int kStreams = 6;
  std::vector<std::future<std::size_t>> acked;
  for (int s = 0; s < kStreams; ++s) {
    acked.push_back(std::async(std::launch::async, [&stub, s] {
      grpc::ClientContext context;
      set_deadline(context);
      auto stream = stub->PublishStream(&context);
      for (int b = 1; b <= 5; ++b) {
        const auto batch = make_batch("t" + std::to_string(s) + "-" + std::to_string(b), 2);
        if (!stream->Write(stream_request(static_cast<std::uint64_t>(b), batch))) return std::size_t{0};
      }
      stream->WritesDone();
      std::size_t ok = 0;
      ingest::PublishAck ack;
      while (stream->Read(&ack)) ok += ack.status() == ingest::PublishAck::OK ? 1 : 0;
      return stream->Finish().ok() ? ok : 0;
    }));
  }
  for (auto& streamed : acked) EXPECT_EQ(streamed.get(), 5u);
  grpc::ClientContext context;
  set_deadline(context);
  ingest::PublishResponse response;
  EXPECT_TRUE(stub->Publish(&context, make_batch("unary", 3), &response).ok());
  EXPECT_EQ(response.accepted(), 3u);
  EXPECT_EQ(harness.sink().delivered().size(), std::size_t{kStreams * 5 * 2 + 3});
}

TEST(GrpcSource, StopEndsEveryOpenCallAndReturns) {
  GrpcHarness harness;
  harness.sink().set_mode(TestSink::Mode::hold);
  auto stub = harness.stub();
  auto health_stub = health::Health::NewStub(harness.channel());

  // A stream with a batch the sink holds, a unary call the sink holds, and a health watch.
  grpc::ClientContext stream_context;
  set_deadline(stream_context);
  auto stream = stub->PublishStream(&stream_context);
  ASSERT_TRUE(stream->Write(stream_request(1, make_batch("s", 2))));
  std::future<grpc::Status> unary = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    set_deadline(context);
    ingest::PublishResponse response;
    return stub->Publish(&context, make_batch("u", 3), &response);
  });
  ASSERT_TRUE(eventually([&] { return harness.sink().held() == 5; }));
  OpenWatch watching = watch(*health_stub, "");
  EXPECT_EQ(next_status(watching), health::HealthCheckResponse::SERVING);

  harness.source().stop();

  // Every call ended, none of them with OK: the sink never confirmed anything.
  ingest::PublishAck ack;
  EXPECT_FALSE(stream->Read(&ack));
  EXPECT_FALSE(stream->Finish().ok());
  ASSERT_EQ(unary.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_FALSE(unary.get().ok());
  EXPECT_EQ(next_status(watching), health::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(next_status(watching), health::HealthCheckResponse::UNKNOWN);  // the watch ended
  EXPECT_FALSE(watching.reader->Finish().ok());

  // And nothing listens any more.
  health::HealthCheckResponse response;
  EXPECT_EQ(check(*health_stub, "", &response).error_code(), grpc::StatusCode::UNAVAILABLE);
  harness.sink().release();
}

}  // namespace
}  // namespace sluice::grpc_test
