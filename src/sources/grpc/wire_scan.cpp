#include "sources/grpc/wire_scan.hpp"

#include <fmt/format.h>

namespace sluice::grpc_wire {
namespace {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

constexpr std::uint32_t kSequenceField = 1;  // PublishRequest.sequence
constexpr std::uint32_t kBatchField = 2;     // PublishRequest.batch
constexpr std::uint32_t kEventsField = 1;    // CloudEventBatch.events

// Bounds-checked reads over one message; the first failure keeps its reason and offset.
class Scanner {
 public:
  explicit Scanner(std::string_view bytes) noexcept : bytes_(bytes) {}

  bool done() const noexcept { return pos_ == bytes_.size(); }
  std::size_t position() const noexcept { return pos_; }

  bool varint(std::uint64_t& value) noexcept {
    value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos_ == bytes_.size()) return fail("truncated varint");
      const auto byte = static_cast<unsigned char>(bytes_[pos_++]);
      value |= std::uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80u) == 0) return true;
    }
    return fail("varint longer than 10 bytes");
  }

  bool tag(std::uint32_t& number, std::uint32_t& wire_type) noexcept {
    field_start_ = pos_;
    std::uint64_t tag = 0;
    if (!varint(tag)) return false;
    if (tag > 0xFFFF'FFFFu || (tag >> 3) == 0) return fail("invalid field number");
    number = static_cast<std::uint32_t>(tag >> 3);
    wire_type = static_cast<std::uint32_t>(tag & 7);
    if (wire_type != kVarint && wire_type != kFixed64 && wire_type != kLengthDelimited && wire_type != kFixed32) {
      return fail("unsupported wire type (groups or invalid)");
    }
    return true;
  }

  // The length prefix only: the content starts at position() and may lie beyond these bytes.
  bool length(std::uint64_t& size) noexcept { return varint(size); }

  bool length_delimited(Range& range) noexcept {
    std::uint64_t size = 0;
    if (!varint(size)) return false;
    if (size > bytes_.size() - pos_) return fail("length runs past the end of the message");
    range = Range{pos_, static_cast<std::size_t>(size)};
    pos_ += static_cast<std::size_t>(size);
    return true;
  }

  bool skip(std::uint32_t wire_type) noexcept {
    std::uint64_t ignored = 0;
    Range range;
    switch (wire_type) {
      case kVarint: return varint(ignored);
      case kLengthDelimited: return length_delimited(range);
      case kFixed64: return fixed(8);
      default: return fixed(4);
    }
  }

  bool fail(const char* reason) noexcept {
    if (reason_ == nullptr) reason_ = reason;
    return false;
  }

  std::string problem(std::string_view message) const {
    return fmt::format("the message is not a valid {}: malformed protobuf at byte {}: {}", message, field_start_,
                       reason_ != nullptr ? reason_ : "unexpected field");
  }

 private:
  bool fixed(std::size_t size) noexcept {
    if (bytes_.size() - pos_ < size) return fail("truncated fixed-size value");
    pos_ += size;
    return true;
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::size_t field_start_ = 0;
  const char* reason_ = nullptr;
};

constexpr std::string_view kPublishRequest = "sluice.ingest.v1.PublishRequest";
constexpr std::string_view kCloudEventBatch = "io.cloudevents.v1.CloudEventBatch";

}  // namespace

std::optional<std::string> read_publish_request(std::string_view message, PublishRequestLayout& layout) {
  layout = PublishRequestLayout{};
  Scanner scanner(message);
  while (!scanner.done()) {
    std::uint32_t number = 0;
    std::uint32_t wire_type = 0;
    if (!scanner.tag(number, wire_type)) return scanner.problem(kPublishRequest);
    if (number == kSequenceField) {
      if (wire_type != kVarint) {
        return scanner.fail("field 'sequence' is not a varint"), scanner.problem(kPublishRequest);
      }
      if (!scanner.varint(layout.sequence)) return scanner.problem(kPublishRequest);
    } else if (number == kBatchField) {
      if (wire_type != kLengthDelimited) {
        return scanner.fail("field 'batch' is not length-delimited"), scanner.problem(kPublishRequest);
      }
      Range range;
      if (!scanner.length_delimited(range)) return scanner.problem(kPublishRequest);
      layout.batch_parts.push_back(range);
    } else if (!scanner.skip(wire_type)) {
      return scanner.problem(kPublishRequest);
    }
  }
  return std::nullopt;
}

bool read_publish_request_head(std::string_view head, std::size_t total, std::uint64_t& sequence,
                               std::size_t& batch_offset) noexcept {
  Scanner scanner(head);
  sequence = 0;
  std::uint32_t number = 0;
  std::uint32_t wire_type = 0;
  if (!scanner.tag(number, wire_type)) return false;
  if (number == kSequenceField) {
    if (wire_type != kVarint || !scanner.varint(sequence) || !scanner.tag(number, wire_type)) return false;
  }
  if (number != kBatchField || wire_type != kLengthDelimited) return false;
  std::uint64_t size = 0;
  if (!scanner.length(size)) return false;
  batch_offset = scanner.position();
  return batch_offset <= total && size == total - batch_offset;
}

std::optional<std::string> count_batch_events(std::string_view batch, std::uint32_t& events) {
  events = 0;
  Scanner scanner(batch);
  while (!scanner.done()) {
    std::uint32_t number = 0;
    std::uint32_t wire_type = 0;
    if (!scanner.tag(number, wire_type)) return scanner.problem(kCloudEventBatch);
    if (number == kEventsField && wire_type != kLengthDelimited) {
      return scanner.fail("field 'events' is not length-delimited"), scanner.problem(kCloudEventBatch);
    }
    if (!scanner.skip(wire_type)) return scanner.problem(kCloudEventBatch);
    if (number == kEventsField) ++events;
  }
  return std::nullopt;
}

}  // namespace sluice::grpc_wire
