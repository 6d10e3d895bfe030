#include "sources/grpc/wire_scan.hpp"

#include "cloudevents.pb.h"
#include "sluice_ingest.pb.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::grpc_wire {
namespace {

namespace pb = io::cloudevents::v1;

pb::CloudEventBatch batch_of(int events) {
  pb::CloudEventBatch batch;
  for (int i = 0; i < events; ++i) {
    pb::CloudEvent& event = *batch.add_events();
    event.set_id("id-" + std::to_string(i));
    event.set_source("/s");
    event.set_spec_version("1.0");
    event.set_type("t");
    event.set_binary_data(std::string(200, 'b'));
  }
  return batch;
}

TEST(WireScan, CountsTheEventsOfABatch) {
  std::uint32_t events = 99;
  EXPECT_FALSE(count_batch_events(batch_of(7).SerializeAsString(), events));
  EXPECT_EQ(events, 7u);
  EXPECT_FALSE(count_batch_events("", events));
  EXPECT_EQ(events, 0u);
}

TEST(WireScan, UnknownBatchFieldsAreSkipped) {
  // field 2 varint 5, field 3 fixed32, field 4 fixed64, then one event.
  std::string bytes = std::string("\x10\x05\x1d\x01\x02\x03\x04\x21", 8) + std::string(8, '\x00');
  bytes += batch_of(1).SerializeAsString();
  std::uint32_t events = 0;
  EXPECT_FALSE(count_batch_events(bytes, events));
  EXPECT_EQ(events, 1u);
}

TEST(WireScan, MalformedBatchesSayWhatAndWhere) {
  const std::string good = batch_of(2).SerializeAsString();
  struct Case {
    std::string bytes;
    std::string reason;
  };
  const Case cases[] = {
      {good.substr(0, good.size() - 1), "at byte " + std::to_string(good.size() / 2) + ": length runs past the end"},
      {"\x0a", "at byte 0: truncated varint"},
      {std::string("\x08\x01", 2), "field 'events' is not length-delimited"},
      {std::string("\x0b\x0c", 2), "unsupported wire type"},
      {std::string("\x00\x01", 2), "invalid field number"},
      {std::string(11, '\xff'), "varint longer than 10 bytes"},
      {std::string("\x15\x01", 2), "truncated fixed-size value"},
  };
  for (const Case& c : cases) {
    std::uint32_t events = 0;
    const auto problem = count_batch_events(c.bytes, events);
    ASSERT_TRUE(problem) << c.reason;
    EXPECT_NE(problem->find("not a valid io.cloudevents.v1.CloudEventBatch"), std::string::npos) << *problem;
    EXPECT_NE(problem->find(c.reason), std::string::npos) << *problem;
  }
}

TEST(WireScan, CanonicalRequestHeadLocatesTheBatch) {
  sluice::ingest::v1::PublishRequest request;
  request.set_sequence(300);
  *request.mutable_batch() = batch_of(3);
  const std::string bytes = request.SerializeAsString();
  std::uint64_t sequence = 0;
  std::size_t offset = 0;
  ASSERT_TRUE(read_publish_request_head(std::string_view(bytes).substr(0, 32), bytes.size(), sequence, offset));
  EXPECT_EQ(sequence, 300u);
  EXPECT_EQ(bytes.substr(offset), request.batch().SerializeAsString());

  // Sequence 0 is not written at all in proto3.
  request.set_sequence(0);
  const std::string no_sequence = request.SerializeAsString();
  ASSERT_TRUE(read_publish_request_head(no_sequence, no_sequence.size(), sequence, offset));
  EXPECT_EQ(sequence, 0u);
  EXPECT_EQ(no_sequence.substr(offset), request.batch().SerializeAsString());

  // Anything after the batch: not the common layout.
  const std::string trailing = bytes + std::string("\x18\x01", 2);
  EXPECT_FALSE(read_publish_request_head(std::string_view(trailing).substr(0, 32), trailing.size(), sequence, offset));
}

TEST(WireScan, AnyRequestLayoutIsRead) {
  const std::string part_a = batch_of(1).SerializeAsString();
  const std::string part_b = batch_of(2).SerializeAsString();
  sluice::ingest::v1::PublishRequest a;
  *a.mutable_batch() = batch_of(1);
  sluice::ingest::v1::PublishRequest b;
  *b.mutable_batch() = batch_of(2);
  b.set_sequence(9);
  // Two serialized requests concatenated are one request whose batch parts merge (protobuf rule).
  const std::string bytes = a.SerializeAsString() + b.SerializeAsString();
  PublishRequestLayout layout;
  ASSERT_FALSE(read_publish_request(bytes, layout));
  EXPECT_EQ(layout.sequence, 9u);
  ASSERT_EQ(layout.batch_parts.size(), 2u);
  EXPECT_EQ(bytes.substr(layout.batch_parts[0].offset, layout.batch_parts[0].size), part_a);
  EXPECT_EQ(bytes.substr(layout.batch_parts[1].offset, layout.batch_parts[1].size), part_b);

  const auto problem = read_publish_request(std::string("\x0a\x01", 2), layout);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("sluice.ingest.v1.PublishRequest"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("field 'sequence' is not a varint"), std::string::npos) << *problem;
}

}  // namespace
}  // namespace sluice::grpc_wire
