#pragma once
// IngressBatch: one client request (HTTP body, gRPC message, JetStream fetch) on its way through
// the pipeline, and OutRecord: one event bound for one sink.
//
// Lifetime: a source creates the batch and hands it to IngressPort::submit(); from then on the
// pipeline owns it. Exactly one worker decodes and routes it; then sinks resolve its records from
// their own threads. When the last record is resolved the batch answers its AckToken and deletes
// itself, which releases its admission lease and frees its buffer.

#include <sluice/core/ack.hpp>
#include <sluice/core/admission.hpp>
#include <sluice/core/arena.hpp>
#include <sluice/core/dead_letter.hpp>
#include <sluice/core/event.hpp>
#include <sluice/core/padded_buffer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

class IngressBatch;
class SinkQueue;

// How the batch's buffer is to be decoded.
enum class ContentMode : std::uint8_t {
  structured,  // one CloudEvent as a JSON object (application/cloudevents+json)
  batch,       // a JSON array of CloudEvents (application/cloudevents-batch+json)
  ndjson,      // one structured CloudEvent per line (application/x-ndjson)
  binary,      // attributes in `binary_attributes`, the buffer is the data
  plain_json,  // a JSON value wrapped as the data of a synthesised event (wrap_plain_json)
  cloudevents_protobuf,  // a serialized io.cloudevents.v1.CloudEventBatch (gRPC source)
};

// When the client gets its answer (DESIGN §3).
enum class AckMode : std::uint8_t { delivered, accepted };

enum class DeliveryStatus : std::uint8_t { delivered, retryable_failure, permanent_failure };

// What a route says to do when a sink's share of the budget is full (DESIGN §3).
enum class WhenFull : std::uint8_t { block, dead_letter, drop };

// One event bound for one sink. Views point into the batch (buffer or arena).
struct OutRecord {
  IngressBatch* batch = nullptr;
  const Event* event = nullptr;
  SinkQueue* sink = nullptr;
  std::string_view topic;  // Kafka topic or AMQP routing key, rendered from the route's template
  std::string_view key;    // Kafka message key; empty means none
  std::uint32_t bytes = 0;  // what this record charges against its sink's share
  std::uint16_t route_index = 0;
  WhenFull when_full = WhenFull::block;
  // Set when the record is a dead letter (it goes to the dead-letter sink with these reasons in
  // headers); points into the batch's notes.
  const DeadLetterNote* dead_letter = nullptr;
};

// An event that failed decoding, kept for the dead letter: `raw.data` holds the bytes that failed
// (DataKind::binary; a batch element's JSON text, an NDJSON line or the whole body) and
// `raw.datacontenttype` their media type when known; `note` (raw) says why.
struct InvalidEvent {
  Event raw;
  const DeadLetterNote* note = nullptr;
  std::uint32_t position = 0;  // its index in the request (0 for a whole body)
};

// Told when batches finish, for in-flight accounting and latency metrics. Called on the thread
// that finished the batch; must not block.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  virtual void on_batch_done(const IngressBatch& batch, const BatchOutcome& outcome) noexcept = 0;
};

class IngressBatch {
 public:
  IngressBatch(std::string_view source_name, ContentMode mode, PaddedBuffer body,
               std::unique_ptr<AckToken> token, AdmissionLease lease);
  IngressBatch(const IngressBatch&) = delete;
  IngressBatch& operator=(const IngressBatch&) = delete;
  // Public so a source can hold it in a unique_ptr until submit(); once submitted or started
  // (finish_without_delivery, start_delivery) the batch deletes itself and nobody else may.
  ~IngressBatch();

  // --- Input, set by the source before submit() -------------------------------------------
  std::string_view source_name() const noexcept { return source_name_; }
  ContentMode mode() const noexcept { return mode_; }
  const PaddedBuffer& body() const noexcept { return body_; }
  AdmissionLease& lease() noexcept { return lease_; }
  AckMode ack_mode = AckMode::delivered;
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();
  // The most events this batch may hold (a source's max_events_per_request); 0: the decoder's default.
  std::uint32_t max_events = 0;
  // Binary mode: CloudEvents attributes from protocol headers, names without prefix and
  // lower-cased ("id", "type", "datacontenttype" from Content-Type, extensions). Views into arena.
  std::vector<std::pair<std::string_view, std::string_view>> binary_attributes;
  // plain_json mode: the attributes of the synthesised event (source, type), from source config.
  std::string_view wrap_source;
  std::string_view wrap_type;
  // plain_json mode: an id the source can derive from the message itself (a JetStream stream
  // sequence), so that a redelivery carries the same id; empty: the decoder makes a unique one.
  std::string_view wrap_id;

  // --- Decoding and routing products, written by the one worker that processes the batch -----
  std::vector<Event> events;
  std::vector<OutRecord> records;
  std::uint32_t filtered = 0;
  Arena arena;

  // --- Dead letters (DESIGN §5) ---------------------------------------------------------------
  // The dead-letter policy of the router that handles this batch; null when none is configured.
  const DeadLetterPolicy* dead_letter_policy = nullptr;
  // Events that failed decoding while a policy with `invalid: true` was in force; each is
  // dead-lettered as its raw bytes.
  std::vector<InvalidEvent> invalid_events;
  // Events that reached only the dead letter while routing (invalid ones, unrouted ones, those
  // whose every route missed a template field); told to the client next to accepted/filtered.
  std::uint32_t dead_lettered = 0;
  // The index in the request of events[event_index]: invalid events were taken out of `events`.
  std::size_t request_index(std::size_t event_index) const noexcept {
    for (const InvalidEvent& invalid_event : invalid_events) {  // in request order
      if (invalid_event.position <= event_index) ++event_index;
    }
    return event_index;
  }
  // Events routed to at least one sink: every event is accepted, filtered or dead-lettered.
  std::uint32_t accepted_count() const noexcept {
    return static_cast<std::uint32_t>(events.size() + invalid_events.size()) - filtered - dead_lettered;
  }
  // Adds a note that lives as long as the batch. Thread-safe: sinks add notes when they reroute
  // a record they could not deliver while workers may still add theirs.
  const DeadLetterNote& add_dead_letter_note(DeadLetterNote note);

  // --- Completion --------------------------------------------------------------------------
  void set_observer(BatchObserver* observer) noexcept { observer_ = observer; }

  // Answers the client now (ack_mode: accepted) while delivery goes on; the final outcome is then
  // only observed, not sent. Worker thread only.
  void answer_early(BatchOutcome outcome) noexcept;

  // Ends the batch before any record was handed to a sink (invalid, overloaded, all filtered,
  // shutting down). Deletes the batch. Worker or pipeline thread.
  void finish_without_delivery(BatchOutcome outcome) noexcept;

  // Arms delivery: records.size() records are about to be handed to sinks. Must precede the
  // first resolve(). Worker thread.
  void start_delivery() noexcept;

  // Resolves one record. Thread-safe; the call that resolves the last record completes the
  // batch and deletes it, so the caller must not touch the batch (or its records) afterwards.
  void resolve(DeliveryStatus status, std::string_view reason) noexcept;

 private:
  void finish(BatchOutcome outcome) noexcept;

  std::string source_name_;
  ContentMode mode_;
  PaddedBuffer body_;
  std::unique_ptr<AckToken> token_;
  AdmissionLease lease_;
  BatchObserver* observer_ = nullptr;

  std::atomic<std::uint32_t> outstanding_{0};
  std::atomic<bool> failed_{false};
  std::mutex failure_mutex_;  // taken only on the failure path
  std::string failure_reason_;
  std::mutex notes_mutex_;  // taken only when dead-lettering
  std::deque<DeadLetterNote> dead_letter_notes_;  // deque: notes keep their address
};

}  // namespace sluice
