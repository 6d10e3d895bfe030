#pragma once
// The little of the protobuf wire format the gRPC source reads itself, so that a request's events
// are copied once into the batch's buffer and decoded there (ContentMode::cloudevents_protobuf)
// instead of being parsed into protobuf objects first: the outer PublishRequest (its `sequence`
// and where its `batch` lies) and the top level of a CloudEventBatch (how many events, for
// admission and the empty-batch answer). The events themselves are read by the decoder
// (stages/decode/protobuf_event_reader).
//
// Thread-safety: pure functions over the bytes they are given.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::grpc_wire {

// A byte range of a message.
struct Range {
  std::size_t offset = 0;
  std::size_t size = 0;
};

struct PublishRequestLayout {
  std::uint64_t sequence = 0;
  // Every occurrence of field 2 (`batch`), in order. Occurrences of a message field merge, and
  // for CloudEventBatch (one repeated field) merging is concatenation.
  std::vector<Range> batch_parts;
};

// Reads a whole sluice.ingest.v1.PublishRequest. Returns the problem, client-facing, when the
// bytes are not one.
std::optional<std::string> read_publish_request(std::string_view message, PublishRequestLayout& layout);

// The common layout, read from the first bytes of a message of `total` bytes: an optional
// `sequence`, then `batch` running to the end of the message, which is what protobuf libraries
// write. Sets `sequence` and `batch_offset`; false for any other layout (then read the whole
// message with read_publish_request).
bool read_publish_request_head(std::string_view head, std::size_t total, std::uint64_t& sequence,
                               std::size_t& batch_offset) noexcept;

// Counts the events of a serialized io.cloudevents.v1.CloudEventBatch, checking its top level
// only (each event's inside is the decoder's). Returns the problem when the bytes are not one.
std::optional<std::string> count_batch_events(std::string_view batch, std::uint32_t& events);

}  // namespace sluice::grpc_wire
