#pragma once
// Writes JSON text straight into a PaddedBuffer (the batch's input buffer), growing it
// geometrically, so the rendered batch needs no further copy before the decoder reads it.
//
// Thread-safety: none; one writer per rendering. Input strings must be valid UTF-8 (protobuf
// guarantees it for proto3 `string` fields); bytes are written as base64.

#include <sluice/core/padded_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::grpc_json {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t initial_capacity);

  void raw(std::string_view text);
  void raw(char c);
  // A JSON string: quoted, with `"`, `\` and control characters escaped (RFC 8259 section 7).
  void string(std::string_view text);
  // A JSON string holding the RFC 4648 base64 (standard alphabet, padded) of `bytes`.
  void base64(std::string_view bytes);
  void integer(std::int64_t value);
  void boolean(bool value) { raw(value ? std::string_view("true") : std::string_view("false")); }
  // An RFC 3339 UTC timestamp string; false (nothing written) when out of protobuf Timestamp's
  // range (0001-01-01 to 9999-12-31, nanos 0..999999999).
  bool timestamp(std::int64_t seconds, std::int32_t nanos);

  std::size_t size() const noexcept { return size_; }
  // The text written, with the padding after it zeroed. The writer is empty afterwards.
  PaddedBuffer take() noexcept;

 private:
  char* room(std::size_t bytes);  // ensures `bytes` more can be written; returns the write position

  PaddedBuffer buffer_;
  std::size_t size_ = 0;
};

// The text of an RFC 3339 timestamp (up to 30 characters) into `out`; its length, or 0 when out
// of range. Fractions are written as 3, 6 or 9 digits, as protobuf's JSON mapping does.
std::size_t format_timestamp(std::int64_t seconds, std::int32_t nanos, char* out) noexcept;

}  // namespace sluice::grpc_json
