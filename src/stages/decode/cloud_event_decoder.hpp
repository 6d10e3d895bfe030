#pragma once
// Turns a batch's body into validated CloudEvents 1.0 events (IngressBatch::events), per content
// mode, without copying payloads: attribute values and `data` are views into the padded body;
// only values whose bytes change (JSON escapes, base64) are written to the batch's arena.
//
// Guarantee for filters and templates: `data` of DataKind::json is always a view into the body,
// so at least kInputPadding readable bytes follow it and it can be parsed in place.
//
// Thread-safety: one decoder per worker thread (it owns a simdjson parser); never shared.
// Lifetime: the events it produces are valid as long as their batch.

#include <sluice/core/ack.hpp>
#include <sluice/core/batch.hpp>

#include <cstdint>
#include <memory>
#include <optional>

namespace sluice {

struct DecodeOptions {
  // More events than this in one batch (batch array or NDJSON lines) rejects the batch.
  std::uint32_t max_events_per_batch = 10'000;
  // Deepest nesting of `data` accepted when validate_data is on.
  std::uint32_t max_depth = 256;
  // Walk every value of `data` so that malformed JSON inside it (which simdjson's On Demand
  // parser would otherwise skip over) is rejected instead of forwarded to brokers.
  bool validate_data = true;
};

class CloudEventDecoder {
 public:
  explicit CloudEventDecoder(DecodeOptions options = {});
  ~CloudEventDecoder();
  CloudEventDecoder(const CloudEventDecoder&) = delete;
  CloudEventDecoder& operator=(const CloudEventDecoder&) = delete;

  // Fills batch.events (cleared first) from batch.body() according to batch.mode(). Returns
  // nullopt when every event is valid; otherwise an `invalid` outcome whose reason is safe to
  // show to clients, e.g. "event 3: missing required attribute 'source'" or "malformed JSON at
  // byte 1234: ...". error_index is the index of the offending event (the position in the batch
  // array or the count of non-empty NDJSON lines before it; 0 for single-event modes) or -1 when
  // the problem is the body as a whole (not an array, empty). Never throws for bad input.
  std::optional<BatchOutcome> decode(IngressBatch& batch);

  const DecodeOptions& options() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
