// The gRPC source end to end: unary and streaming delivery, acknowledgement modes, backpressure,
// malformed and invalid input, size limits, deadlines, health, reflection and shutdown.

#include "grpc_harness.hpp"

#include "config/config_node.hpp"

#include <fmt/format.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/client_unary_call.h>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <string>

namespace sluice::grpc_test {
namespace {

using namespace std::chrono_literals;
using ingest::PublishAck;
using ingest::PublishRequest;
using ingest::PublishResponse;
using Stream = grpc::ClientReaderWriter<PublishRequest, PublishAck>;

// --- Helpers -----------------------------------------------------------------------------------

grpc::ByteBuffer to_buffer(std::string_view bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

std::string to_string(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& slice : slices) out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out;
}

// A unary call with raw bytes, bypassing the typed stub (for input no typed client can send).
grpc::Status raw_unary(grpc::Channel& channel, const char* method, std::string_view request, std::string* response,
                       grpc::ClientContext* context = nullptr) {
  grpc::ClientContext own;
  if (context == nullptr) {
    context = &own;
    set_deadline(own);
  }
  grpc::ByteBuffer out;
  const grpc::ByteBuffer in = to_buffer(request);
  const grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      &channel, grpc::internal::RpcMethod(method, grpc::internal::RpcMethod::NORMAL_RPC), context, in, &out);
  if (response != nullptr) *response = to_string(out);
  return status;
}

// grpc.health.v1.Health/Check for the whole server: 1 SERVING, 2 NOT_SERVING, 0 on failure.
int health_status(grpc::Channel& channel) {
  std::string response;
  if (!raw_unary(channel, "/grpc.health.v1.Health/Check", "", &response).ok()) return 0;
  // HealthCheckResponse { ServingStatus status = 1; }: "\x08" then the enum value.
  return response.size() == 2 && response[0] == '\x08' ? response[1] : 0;
}

// What a batch charges against the budget: its serialized bytes, copied as they are.
std::size_t budget_size(const pb::CloudEventBatch& batch) { return batch.ByteSizeLong(); }

// A protobuf length-delimited field: tag, varint length, bytes.
std::string length_delimited(std::uint32_t field, std::string_view bytes) {
  std::string out;
  std::uint64_t value = (std::uint64_t{field} << 3) | 2;
  for (int part = 0; part < 2; ++part) {
    while (value >= 0x80) {
      out.push_back(static_cast<char>(value | 0x80));
      value >>= 7;
    }
    out.push_back(static_cast<char>(value));
    value = bytes.size();
  }
  out.append(bytes);
  return out;
}

// Opens PublishStream without the typed stub, for bytes no typed client writes.
std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> raw_stream(grpc::Channel& channel,
                                                                                        grpc::ClientContext& context) {
  static const grpc::internal::RpcMethod kMethod("/sluice.ingest.v1.Ingest/PublishStream",
                                                 grpc::internal::RpcMethod::BIDI_STREAMING);
  return std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(&channel, kMethod,
                                                                                             &context));
}

PublishAck read_raw_ack(grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>& stream) {
  grpc::ByteBuffer buffer;
  PublishAck ack;
  if (stream.Read(&buffer)) {
    EXPECT_TRUE(ack.ParseFromString(to_string(buffer)));
  }
  return ack;
}

struct OpenStream {
  std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
  std::unique_ptr<Stream> stream;
};

OpenStream open_stream(ingest::Ingest::Stub& stub) {
  OpenStream open;
  set_deadline(*open.context);
  open.stream = stub.PublishStream(open.context.get());
  return open;
}

// Reads `count` acks, keyed by sequence.
std::map<std::uint64_t, PublishAck> read_acks(Stream& stream, std::size_t count) {
  std::map<std::uint64_t, PublishAck> acks;
  PublishAck ack;
  while (acks.size() < count && stream.Read(&ack)) acks[ack.sequence()] = ack;
  return acks;
}

// --- Unary -------------------------------------------------------------------------------------

TEST(GrpcSource, UnaryPublishIsAnsweredAfterDelivery) {
  GrpcHarness harness;
  auto stub = harness.stub();
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const pb::CloudEventBatch batch = make_batch("u", 3);
  const grpc::Status status = stub->Publish(&context, batch, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 3u);
  EXPECT_EQ(response.filtered(), 0u);

  const auto delivered = harness.sink().delivered();
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_EQ(delivered[0].id, "u-0");
  EXPECT_EQ(delivered[0].source, "/test/grpc");
  EXPECT_EQ(delivered[0].type, "com.example.grpc");
  EXPECT_EQ(delivered[0].datacontenttype, "application/json");
  EXPECT_EQ(delivered[0].data, fmt::format(R"({{"pad":"{}"}})", std::string(16, 'x')));  // JSON, not a string

  ComponentMetrics& metrics = harness.metrics();
  EXPECT_EQ(metrics.events_in.Value(), 3);
  EXPECT_EQ(metrics.bytes_in.Value(), static_cast<double>(batch.ByteSizeLong()));
  EXPECT_EQ(metrics.ack_latency_seconds.Collect().histogram.sample_count, 1u);
  EXPECT_TRUE(eventually([&] { return metrics.inflight_bytes.Value() == 0; }));
  EXPECT_TRUE(eventually([&] { return harness.pipeline().admission().bytes_in_use() == 0; }));
}

TEST(GrpcSource, UnaryEmptyBatchIsAnsweredAtOnce) {
  GrpcHarness harness;
  auto stub = harness.stub();
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  ASSERT_TRUE(stub->Publish(&context, pb::CloudEventBatch{}, &response).ok());
  EXPECT_EQ(response.accepted(), 0u);
  EXPECT_EQ(harness.source().batches_admitted(), 0u);
}

TEST(GrpcSource, UnaryInvalidEventIsInvalidArgumentWithTheIndex) {
  GrpcHarness harness;
  auto stub = harness.stub();
  pb::CloudEventBatch batch = make_batch("bad", 3);
  batch.mutable_events(1)->clear_source();
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status status = stub->Publish(&context, batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("event 1"), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("'source'"), std::string::npos) << status.error_message();
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto index = trailers.find("sluice-error-index");
  ASSERT_NE(index, trailers.end());
  EXPECT_EQ(std::string(index->second.data(), index->second.size()), "1");
  EXPECT_TRUE(harness.sink().delivered().empty());
  EXPECT_EQ(harness.error_count("invalid"), 1);
}

TEST(GrpcSource, UnaryReservedAttributeNameIsInvalidWithTheIndex) {
  GrpcHarness harness;
  auto stub = harness.stub();
  pb::CloudEventBatch batch = make_batch("r", 2);
  (*batch.mutable_events(1)->mutable_attributes())["data"].set_ce_string("x");
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status status = stub->Publish(&context, batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("event 1: 'data' is not a valid attribute name"), std::string::npos)
      << status.error_message();
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto index = trailers.find("sluice-error-index");
  ASSERT_NE(index, trailers.end());
  EXPECT_EQ(std::string(index->second.data(), index->second.size()), "1");
  EXPECT_TRUE(harness.sink().delivered().empty());  // the batch is refused as one
  EXPECT_EQ(harness.error_count("invalid"), 1);
}

TEST(GrpcSource, UnaryAttributeTypesReachTheSinkAsCloudEventsValues) {
  GrpcHarness harness;
  auto stub = harness.stub();
  pb::CloudEventBatch batch = make_batch("typed", 1);
  auto& attributes = *batch.mutable_events(0)->mutable_attributes();
  attributes["count"].set_ce_integer(-42);
  attributes["flag"].set_ce_boolean(true);
  attributes["raw"].set_ce_bytes(std::string("\x00\xff\x10", 3));
  attributes["link"].set_ce_uri("https://example.com/a");
  attributes["seen"].mutable_ce_timestamp()->set_seconds(1'700'000'000);
  attributes["seen"].mutable_ce_timestamp()->set_nanos(500'000'000);
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status status = stub->Publish(&context, batch, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto delivered = harness.sink().delivered();
  ASSERT_EQ(delivered.size(), 1u);
  const std::map<std::string, std::string> expected = {{"count", "-42"},
                                                       {"flag", "true"},
                                                       {"raw", "AP8Q"},
                                                       {"link", "https://example.com/a"},
                                                       {"seen", "2023-11-14T22:13:20.500Z"}};
  EXPECT_EQ(delivered[0].extensions, expected);
  EXPECT_EQ(delivered[0].data, R"({"pad":"xxxxxxxxxxxxxxxx"})");
}

TEST(GrpcSource, MalformedProtobufIsInvalidArgument) {
  GrpcHarness harness;
  auto channel = harness.channel();
  const grpc::Status status =
      raw_unary(*channel, "/sluice.ingest.v1.Ingest/Publish", std::string_view("\xff\xff\xff\xff\x0f", 5), nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("not a valid io.cloudevents.v1.CloudEventBatch"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(harness.error_count("malformed"), 1);
  EXPECT_EQ(health_status(*channel), 1);  // and the server carries on
}

TEST(GrpcSource, SinkFailureIsUnavailable) {
  GrpcHarness harness;
  harness.sink().set_mode(TestSink::Mode::fail);
  auto stub = harness.stub();
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status status = stub->Publish(&context, make_batch("f", 2), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("test sink is down"), std::string::npos) << status.error_message();
  EXPECT_EQ(harness.error_count("unavailable"), 1);
}

TEST(GrpcSource, OversizedMessageIsRefusedByGrpc) {
  GrpcHarness harness({.source_yaml = "    max_message_bytes: 64KiB\n"});
  auto stub = harness.stub();
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status status = stub->Publish(&context, make_batch("big", 1, 100'000), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(harness.source().batches_admitted(), 0u);

  grpc::ClientContext small_context;
  set_deadline(small_context);
  EXPECT_TRUE(stub->Publish(&small_context, make_batch("small", 1, 1000), &response).ok());
}

TEST(GrpcSource, UnaryOverBudgetIsResourceExhausted) {
  const pb::CloudEventBatch batch = make_batch("b", 2, 200);
  GrpcHarness harness({.budget_bytes = budget_size(batch)});
  harness.sink().set_mode(TestSink::Mode::hold);
  auto stub = harness.stub();

  // The first call takes the whole budget and waits for the held sink.
  auto first = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    set_deadline(context);
    PublishResponse response;
    return stub->Publish(&context, batch, &response);
  });
  ASSERT_TRUE(eventually([&] { return harness.sink().held() == 2; }));

  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status refused = stub->Publish(&context, batch, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("budget"), std::string::npos) << refused.error_message();
  EXPECT_EQ(harness.error_count("overloaded"), 1);

  harness.sink().set_mode(TestSink::Mode::deliver);
  harness.sink().release();
  ASSERT_EQ(first.wait_for(20s), std::future_status::ready);
  EXPECT_TRUE(first.get().ok());
}

TEST(GrpcSource, BatchLargerThanTheWholeBudgetSaysSo) {
  const pb::CloudEventBatch batch = make_batch("huge", 4, 500);
  GrpcHarness harness({.budget_bytes = budget_size(batch) - 1});
  auto stub = harness.stub();
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status status = stub->Publish(&context, batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("whole budget"), std::string::npos) << status.error_message();
  EXPECT_EQ(harness.error_count("too_large"), 1);
}

TEST(GrpcSource, AckModeAcceptedAnswersBeforeDelivery) {
  GrpcHarness harness({.source_yaml = "    ack_mode: accepted\n"});
  harness.sink().set_mode(TestSink::Mode::hold);
  auto stub = harness.stub();
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  ASSERT_TRUE(stub->Publish(&context, make_batch("a", 2), &response).ok());
  EXPECT_EQ(response.accepted(), 2u);
  EXPECT_TRUE(eventually([&] { return harness.sink().held() == 2; }));
  EXPECT_GT(harness.pipeline().admission().bytes_in_use(), 0u);  // still in flight, budget still held
  harness.sink().release();
  EXPECT_TRUE(eventually([&] { return harness.pipeline().admission().bytes_in_use() == 0; }));
}

TEST(GrpcSource, DeadlineOnAHoldingSinkLeavesTheServerHealthy) {
  GrpcHarness harness;
  harness.sink().set_mode(TestSink::Mode::hold);
  auto channel = harness.channel();
  auto stub = ingest::Ingest::NewStub(channel);
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 300ms);
    PublishResponse response;
    const grpc::Status status = stub->Publish(&context, make_batch("d", 2), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  }
  EXPECT_TRUE(eventually([&] { return harness.error_count("cancelled") == 1; }));
  EXPECT_EQ(health_status(*channel), 1);

  // The abandoned batch still finishes and returns its budget.
  ASSERT_TRUE(eventually([&] { return harness.sink().held() == 2; }));
  harness.sink().set_mode(TestSink::Mode::deliver);
  harness.sink().release();
  EXPECT_TRUE(eventually([&] { return harness.pipeline().admission().bytes_in_use() == 0; }));
  EXPECT_TRUE(eventually([&] { return harness.metrics().inflight_bytes.Value() == 0; }));

  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  EXPECT_TRUE(stub->Publish(&context, make_batch("after", 1), &response).ok());
}

// --- Streams -----------------------------------------------------------------------------------

TEST(GrpcSource, StreamAcksEveryBatchBySequence) {
  GrpcHarness harness;
  auto stub = harness.stub();
  OpenStream open = open_stream(*stub);
  constexpr int kBatches = 20;
  for (int i = 0; i < kBatches; ++i) {
    ASSERT_TRUE(open.stream->Write(stream_request(100 + i, make_batch(fmt::format("s{}", i), 5))));
  }
  const auto acks = read_acks(*open.stream, kBatches);
  ASSERT_EQ(acks.size(), static_cast<std::size_t>(kBatches));
  for (int i = 0; i < kBatches; ++i) {
    const auto found = acks.find(100 + i);
    ASSERT_NE(found, acks.end()) << "no ack for sequence " << 100 + i;
    EXPECT_EQ(found->second.status(), PublishAck::OK) << found->second.reason();
    EXPECT_EQ(found->second.accepted(), 5u);
    EXPECT_EQ(found->second.filtered(), 0u);
  }
  ASSERT_TRUE(open.stream->WritesDone());
  const grpc::Status status = open.stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(harness.sink().delivered().size(), static_cast<std::size_t>(kBatches * 5));
  EXPECT_EQ(harness.metrics().events_in.Value(), kBatches * 5);
}

TEST(GrpcSource, StreamInvalidBatchIsAckedInvalidAndTheStreamGoesOn) {
  GrpcHarness harness;
  auto stub = harness.stub();
  OpenStream open = open_stream(*stub);
  pb::CloudEventBatch bad = make_batch("bad", 3);
  bad.mutable_events(2)->clear_type();
  ASSERT_TRUE(open.stream->Write(stream_request(1, std::move(bad))));
  auto acks = read_acks(*open.stream, 1);
  ASSERT_EQ(acks.count(1), 1u);
  EXPECT_EQ(acks[1].status(), PublishAck::INVALID);
  EXPECT_EQ(acks[1].error_index(), 2);
  EXPECT_NE(acks[1].reason().find("missing required attribute 'type'"), std::string::npos) << acks[1].reason();

  ASSERT_TRUE(open.stream->Write(stream_request(2, make_batch("good", 2))));
  acks = read_acks(*open.stream, 1);
  ASSERT_EQ(acks.count(2), 1u);
  EXPECT_EQ(acks[2].status(), PublishAck::OK);
  EXPECT_EQ(acks[2].accepted(), 2u);
  open.stream->WritesDone();
  EXPECT_TRUE(open.stream->Finish().ok());
}

// A malformed event inside a well-formed request (here a non-UTF-8 id, which protobuf itself
// would refuse for the whole message) is that event's fault: INVALID with its index, and the
// stream carries on.
TEST(GrpcSource, StreamEventWithMalformedBytesIsAckedInvalidAndTheStreamGoesOn) {
  GrpcHarness harness;
  auto channel = harness.channel();
  grpc::ClientContext context;
  set_deadline(context);
  auto stream = raw_stream(*channel, context);
  std::string batch = make_batch("utf", 2).SerializeAsString();
  batch += length_delimited(1, make_event("utf-2").SerializeAsString() + length_delimited(1, "\xff\xfe"));
  const std::string request_bytes = "\x08\x05" + length_delimited(2, batch);  // sequence 5, then the batch
  ASSERT_TRUE(stream->Write(to_buffer(request_bytes)));
  const PublishAck invalid = read_raw_ack(*stream);
  EXPECT_EQ(invalid.sequence(), 5u);
  EXPECT_EQ(invalid.status(), PublishAck::INVALID);
  EXPECT_EQ(invalid.error_index(), 2);
  EXPECT_NE(invalid.reason().find("event 2: field 'id' is not valid UTF-8"), std::string::npos) << invalid.reason();

  ASSERT_TRUE(stream->Write(to_buffer(stream_request(6, make_batch("after", 2)).SerializeAsString())));
  const PublishAck ok = read_raw_ack(*stream);
  EXPECT_EQ(ok.sequence(), 6u);
  EXPECT_EQ(ok.status(), PublishAck::OK) << ok.reason();
  EXPECT_EQ(ok.accepted(), 2u);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(harness.error_count("invalid"), 1);
  EXPECT_EQ(harness.sink().delivered().size(), 2u);
}

// Protobuf lets fields come in any order and a message field come in parts (which then merge):
// the source reads both, not only the layout protobuf libraries write.
TEST(GrpcSource, StreamRequestInAnotherFieldOrderIsRead) {
  GrpcHarness harness;
  auto channel = harness.channel();
  grpc::ClientContext context;
  set_deadline(context);
  auto stream = raw_stream(*channel, context);
  const std::string first = make_batch("part-a", 2).SerializeAsString();
  const std::string second = make_batch("part-b", 1).SerializeAsString();
  // batch (part 1), an unknown field 9, sequence 77, batch (part 2).
  const std::string request_bytes =
      length_delimited(2, first) + length_delimited(9, "ignored") + "\x08\x4d" + length_delimited(2, second);
  ASSERT_TRUE(stream->Write(to_buffer(request_bytes)));
  const PublishAck ack = read_raw_ack(*stream);
  EXPECT_EQ(ack.sequence(), 77u);
  EXPECT_EQ(ack.status(), PublishAck::OK) << ack.reason();
  EXPECT_EQ(ack.accepted(), 3u);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  std::set<std::string> ids;
  for (const SeenEvent& event : harness.sink().delivered()) ids.insert(event.id);
  EXPECT_EQ(ids, (std::set<std::string>{"part-a-0", "part-a-1", "part-b-0"}));
}

TEST(GrpcSource, StreamSinkFailureIsAckedUnavailable) {
  GrpcHarness harness;
  harness.sink().set_mode(TestSink::Mode::fail);
  auto stub = harness.stub();
  OpenStream open = open_stream(*stub);
  ASSERT_TRUE(open.stream->Write(stream_request(7, make_batch("f", 1))));
  auto acks = read_acks(*open.stream, 1);
  ASSERT_EQ(acks.count(7), 1u);
  EXPECT_EQ(acks[7].status(), PublishAck::UNAVAILABLE);
  open.stream->WritesDone();
  EXPECT_TRUE(open.stream->Finish().ok());
}

TEST(GrpcSource, StreamMalformedMessageEndsTheStreamWithInvalidArgument) {
  GrpcHarness harness;
  auto channel = harness.channel();
  grpc::ClientContext context;
  set_deadline(context);
  auto stream = raw_stream(*channel, context);
  ASSERT_TRUE(stream->Write(to_buffer(std::string_view("\x0a\xff\xff\xff", 4))));
  grpc::ByteBuffer ignored;
  EXPECT_FALSE(stream->Read(&ignored));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("PublishRequest"), std::string::npos) << status.error_message();
}

// The stream starts no read while the budget is exhausted and resumes when the sink releases.
// Asserted through the admission counters: with the budget exactly one batch big (so a waiter is
// woken by Admission::notify_when_free) and one and a half batches (some budget free but not
// enough, the polling path).
class StreamBackpressure : public ::testing::TestWithParam<double> {};

TEST_P(StreamBackpressure, StallsWhileTheBudgetIsExhaustedAndResumes) {
  constexpr int kBatches = 4;
  constexpr int kEvents = 3;
  const std::size_t batch_bytes = budget_size(make_batch("bp-0", kEvents, 300));
  GrpcHarness harness({.budget_bytes = static_cast<std::uint64_t>(static_cast<double>(batch_bytes) * GetParam())});
  harness.sink().set_mode(TestSink::Mode::hold);
  auto stub = harness.stub();
  OpenStream open = open_stream(*stub);
  for (int i = 0; i < kBatches; ++i) {
    ASSERT_TRUE(open.stream->Write(stream_request(i, make_batch(fmt::format("bp-{}", i), kEvents, 300))));
  }

  // Batch 0 is in the sink, batch 1 is read and waits for budget, nothing else is admitted.
  ASSERT_TRUE(eventually([&] {
    return harness.source().streams_waiting_for_budget() == 1 && harness.sink().held() == kEvents;
  })) << "waiting " << harness.source().streams_waiting_for_budget() << ", held " << harness.sink().held();
  EXPECT_EQ(harness.source().batches_admitted(), 1u);
  EXPECT_EQ(harness.pipeline().admission().bytes_in_use(), batch_bytes);
  EXPECT_EQ(harness.pipeline().batches_in_flight(), 1u);

  // The sink lets go: every batch goes through, one at a time, each admitted after the previous
  // one returned its budget.
  harness.sink().set_mode(TestSink::Mode::deliver);
  harness.sink().release();
  const auto acks = read_acks(*open.stream, kBatches);
  ASSERT_EQ(acks.size(), static_cast<std::size_t>(kBatches));
  for (const auto& [sequence, ack] : acks) {
    EXPECT_EQ(ack.status(), PublishAck::OK) << sequence << ": " << ack.reason();
    EXPECT_EQ(ack.accepted(), static_cast<std::uint32_t>(kEvents));
  }
  EXPECT_EQ(harness.source().batches_admitted(), static_cast<std::uint64_t>(kBatches));
  EXPECT_EQ(harness.source().streams_waiting_for_budget(), 0u);
  open.stream->WritesDone();
  EXPECT_TRUE(open.stream->Finish().ok());
  EXPECT_TRUE(eventually([&] { return harness.pipeline().admission().bytes_in_use() == 0; }));
}

INSTANTIATE_TEST_SUITE_P(Budget, StreamBackpressure, ::testing::Values(1.0, 1.5));

TEST(GrpcSource, StreamBatchLargerThanTheWholeBudgetIsAckedOverloaded) {
  const pb::CloudEventBatch batch = make_batch("huge", 4, 500);
  GrpcHarness harness({.budget_bytes = budget_size(batch) - 1});
  auto stub = harness.stub();
  OpenStream open = open_stream(*stub);
  ASSERT_TRUE(open.stream->Write(stream_request(9, batch)));
  auto acks = read_acks(*open.stream, 1);
  ASSERT_EQ(acks.count(9), 1u);
  EXPECT_EQ(acks[9].status(), PublishAck::OVERLOADED);
  EXPECT_NE(acks[9].reason().find("whole budget"), std::string::npos);
  open.stream->WritesDone();
  EXPECT_TRUE(open.stream->Finish().ok());
}

TEST(GrpcSource, ClientCancellingAStreamWithBatchesInFlightIsHarmless) {
  GrpcHarness harness;
  harness.sink().set_mode(TestSink::Mode::hold);
  auto stub = harness.stub();
  {
    OpenStream open = open_stream(*stub);
    ASSERT_TRUE(open.stream->Write(stream_request(1, make_batch("c", 2))));
    ASSERT_TRUE(eventually([&] { return harness.sink().held() == 2; }));
    open.context->TryCancel();
    EXPECT_EQ(open.stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_TRUE(eventually([&] { return harness.error_count("cancelled") == 1; }));
  harness.sink().set_mode(TestSink::Mode::deliver);
  harness.sink().release();
  EXPECT_TRUE(eventually([&] { return harness.pipeline().admission().bytes_in_use() == 0; }));
  OpenStream again = open_stream(*stub);
  ASSERT_TRUE(again.stream->Write(stream_request(2, make_batch("again", 1))));
  EXPECT_EQ(read_acks(*again.stream, 1).count(2), 1u);
  again.stream->WritesDone();
  EXPECT_TRUE(again.stream->Finish().ok());
}

// --- Lifecycle, health, reflection -------------------------------------------------------------

TEST(GrpcSource, HealthServingUntilStopAccepting) {
  GrpcHarness harness;
  auto channel = harness.channel();
  EXPECT_TRUE(harness.source().ready());
  EXPECT_EQ(health_status(*channel), 1);
  harness.source().stop_accepting();
  EXPECT_FALSE(harness.source().ready());
  EXPECT_EQ(health_status(*channel), 2);

  auto stub = ingest::Ingest::NewStub(channel);
  grpc::ClientContext context;
  set_deadline(context);
  PublishResponse response;
  const grpc::Status status = stub->Publish(&context, make_batch("late", 1), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("shutting down"), std::string::npos);
}

TEST(GrpcSource, StopAcceptingLetsAStreamFinishItsBatchesThenEndsIt) {
  GrpcHarness harness;
  harness.sink().set_mode(TestSink::Mode::hold);
  auto stub = harness.stub();
  OpenStream open = open_stream(*stub);
  ASSERT_TRUE(open.stream->Write(stream_request(1, make_batch("inflight", 2))));
  ASSERT_TRUE(eventually([&] { return harness.sink().held() == 2; }));

  harness.source().stop_accepting();
  harness.sink().set_mode(TestSink::Mode::deliver);
  harness.sink().release();
  auto acks = read_acks(*open.stream, 1);
  ASSERT_EQ(acks.count(1), 1u);
  EXPECT_EQ(acks[1].status(), PublishAck::OK);  // the batch in flight got its real answer
  PublishAck more;
  EXPECT_FALSE(open.stream->Read(&more));
  const grpc::Status status = open.stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(GrpcSource, ReflectionListsTheIngestService) {
  GrpcHarness harness;
  auto channel = harness.channel();
  grpc::ClientContext context;
  set_deadline(context);
  static const grpc::internal::RpcMethod kMethod("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                                 grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(channel.get(), kMethod,
                                                                                             &context));
  // ServerReflectionRequest { string list_services = 7; } with an empty value.
  ASSERT_TRUE(stream->Write(to_buffer(std::string_view("\x3a\x00", 2))));
  grpc::ByteBuffer response;
  ASSERT_TRUE(stream->Read(&response));
  const std::string bytes = to_string(response);
  EXPECT_NE(bytes.find("sluice.ingest.v1.Ingest"), std::string::npos);
  EXPECT_NE(bytes.find("grpc.health.v1.Health"), std::string::npos);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(GrpcSource, PortInUseFailsStartNamingTheKey) {
  GrpcHarness first;
  GrpcHarness second({.start = false});
  const ConfigNode root = load_config_text(
      fmt::format("sources:\n  grpc:\n    listen: \"127.0.0.1:{}\"\n", first.source().port()), "grpc.yaml");
  GrpcSource clash(parse_grpc_source_config(*root.child("sources")->child("grpc")), second.context());
  try {
    clash.start();
    FAIL() << "start() succeeded on a port in use";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("sources.grpc.listen"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(clash.ready());
}

}  // namespace
}  // namespace sluice::grpc_test
