#include "stages/decode/cloud_event_decoder.hpp"

#include "stages/decode/attribute_rules.hpp"
#include "stages/decode/decode_cursor.hpp"
#include "stages/decode/event_checks.hpp"
#include "stages/decode/json_checker.hpp"
#include "stages/decode/json_event_reader.hpp"
#include "stages/decode/json_text.hpp"
#include "stages/decode/protobuf_event_reader.hpp"
#include "stages/decode/synthetic_event.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace sluice {
namespace {

using attribute_rules::Member;
using decode::Cursor;
using decode::od::document;
using decode::od::parser;

// A parser keeps the capacity of the largest document it has seen. Beyond this, the memory is
// handed back after the batch so that one huge request does not pin it for the worker's life.
constexpr std::size_t kKeepParserCapacity = std::size_t{16} << 20;

BatchOutcome invalid(std::int64_t index, std::string reason) {
  BatchOutcome outcome;
  outcome.status = BatchOutcome::Status::invalid;
  outcome.error_index = index;
  outcome.reason = std::move(reason);
  return outcome;
}

constexpr auto bit = attribute_rules::member_bit;

}  // namespace

class CloudEventDecoder::Impl {
 public:
  explicit Impl(DecodeOptions options)
      : options_(options), reader_(options_, cursor_), checker_(cursor_, options_.max_depth) {}

  std::optional<BatchOutcome> decode(IngressBatch& batch) {
    batch.events.clear();
    batch.invalid_events.clear();
    batch_ = &batch;
    body_ = batch.body().view();
    dead_letter_invalid_ = batch.dead_letter_policy != nullptr && batch.dead_letter_policy->invalid;
    limit_exceeded_ = false;
    const std::uint32_t default_max_events = options_.max_events_per_batch;
    if (batch.max_events != 0) options_.max_events_per_batch = batch.max_events;  // the source's own limit
    cursor_.start_body(body_);
    std::optional<BatchOutcome> outcome;
    switch (batch.mode()) {
      case ContentMode::structured: outcome = decode_structured(); break;
      case ContentMode::batch: outcome = decode_batch(); break;
      case ContentMode::ndjson: outcome = decode_ndjson(); break;
      case ContentMode::binary: outcome = decode_binary(); break;
      case ContentMode::plain_json: outcome = decode_plain_json(); break;
      case ContentMode::cloudevents_protobuf:
        outcome = decode::read_protobuf_batch(batch, options_, parser_, cursor_, limit_exceeded_);
        break;
    }
    cursor_.end_document();
    // With a dead letter for invalid events, a body that cannot be read as a whole (malformed
    // JSON, not an array) goes there as it is. Limits (empty body, too many events) still answer.
    if (outcome && dead_letter_invalid_ && !limit_exceeded_ && !json_text::trim(body_).empty()) {
      batch.events.clear();
      batch.invalid_events.clear();
      dead_letter_raw(body_, std::move(outcome->reason));
      outcome.reset();
    }
    batch_ = nullptr;
    options_.max_events_per_batch = default_max_events;
    if (parser_.capacity() > kKeepParserCapacity) parser_ = parser{};
    if (outcome) {
      batch.events.clear();  // a rejected batch carries no half-decoded events
      batch.invalid_events.clear();
    }
    return outcome;
  }

  const DecodeOptions& options() const noexcept { return options_; }

 private:
  std::optional<BatchOutcome> decode_structured() {
    if (json_text::trim(body_).empty()) return invalid(-1, "empty body: expected a CloudEvent JSON object");
    document doc;
    Event& event = batch_->events.emplace_back();
    if (!cursor_.start_document(parser_, body_, doc) || !reader_.read_document(doc, event, batch_->arena, "the body")) {
      return invalid(0, cursor_.problem());
    }
    return std::nullopt;
  }

  std::optional<BatchOutcome> decode_batch() {
    if (json_text::trim(body_).empty()) return invalid(-1, "empty body: expected a JSON array of CloudEvents");
    document doc;
    if (!cursor_.start_document(parser_, body_, doc)) return invalid(-1, cursor_.problem());
    std::string_view token;
    if (auto error = doc.raw_json_token().get(token)) return invalid(-1, (cursor_.malformed(error), cursor_.problem()));
    if (token.empty() || token.front() != '[') {
      return invalid(-1, "expected a JSON array of CloudEvents (application/cloudevents-batch+json)");
    }
    decode::od::array array;
    if (auto error = doc.get_array().get(array)) return invalid(-1, (cursor_.malformed(error), cursor_.problem()));
    batch_->events.reserve(std::min<std::size_t>(options_.max_events_per_batch, body_.size() / 256 + 1));

    std::int64_t index = 0;
    for (auto element : array) {
      if (index >= static_cast<std::int64_t>(options_.max_events_per_batch)) return too_many(index);
      decode::od::value value;
      Event& event = batch_->events.emplace_back();
      bool ok = true;
      const char* start = nullptr;  // where the element's text begins, for the dead letter
      if (auto error = std::move(element).get(value)) {
        ok = cursor_.malformed(error);
      } else {
        start = value.raw_json_token().data();
        ok = reader_.read_element(value, event, batch_->arena);
      }
      if (!ok) {
        std::string reason = fmt::format("event {}: {}", index, cursor_.problem());
        // After a syntax error the array cannot be read on: the whole body is the dead letter.
        if (!dead_letter_invalid_ || cursor_.malformed_json()) return invalid(index, std::move(reason));
        batch_->events.pop_back();
        dead_letter_raw(json_text::value_text(std::string_view(start, static_cast<std::size_t>(body_end() - start))),
                        std::move(reason), index);
      }
      ++index;
    }
    if (const char* trailing = cursor_.next_location(); trailing != nullptr) {
      return invalid(-1, fmt::format("malformed JSON at byte {}: unexpected content after the array",
                                     cursor_.offset(trailing)));
    }
    return std::nullopt;
  }

  std::optional<BatchOutcome> decode_ndjson() {
    const auto lines = static_cast<std::size_t>(std::count(body_.begin(), body_.end(), '\n')) + 1;
    batch_->events.reserve(std::min<std::size_t>(options_.max_events_per_batch, lines));
    std::int64_t index = 0;
    std::size_t line_number = 0;
    std::size_t position = 0;
    while (position < body_.size()) {
      std::size_t line_end = body_.find('\n', position);
      if (line_end == std::string_view::npos) line_end = body_.size();
      const std::string_view line = json_text::trim(body_.substr(position, line_end - position));
      position = line_end + 1;
      ++line_number;
      if (line.empty()) continue;
      if (index >= static_cast<std::int64_t>(options_.max_events_per_batch)) return too_many(index);
      document doc;
      Event& event = batch_->events.emplace_back();
      if (!cursor_.start_document(parser_, line, doc) || !reader_.read_document(doc, event, batch_->arena, "the line")) {
        std::string reason = fmt::format("event {} (line {}): {}", index, line_number, cursor_.problem());
        if (!dead_letter_invalid_) return invalid(index, std::move(reason));
        batch_->events.pop_back();
        dead_letter_raw(line, std::move(reason), index);  // lines are independent documents: go on
      }
      ++index;
    }
    return std::nullopt;
  }

  std::optional<BatchOutcome> decode_binary() {
    Event& event = batch_->events.emplace_back();
    std::uint32_t seen = 0;
    extension_names_.clear();
    for (const auto& [name, value] : batch_->binary_attributes) {
      if (!read_binary_attribute(name, value, event, seen)) return invalid(0, cursor_.problem());
    }
    if (!body_.empty()) {
      if (!event.datacontenttype.empty() && attribute_rules::is_json_content_type(event.datacontenttype)) {
        const std::string_view json = json_text::trim(body_);
        if (options_.validate_data && !checker_.check_document(parser_, json)) {
          return invalid(0, fmt::format("data is not valid JSON (datacontenttype '{}'): {}",
                                        decode::printable(event.datacontenttype), cursor_.problem()));
        }
        event.data_kind = DataKind::json;
        event.data = json;
      } else {
        // Without a JSON content type nothing is assumed about the bytes (json-format.md 3.1.2).
        event.data_kind = DataKind::binary;
        event.data = body_;
      }
    }
    if (!decode::check_event(event, extension_names_, cursor_)) return invalid(0, cursor_.problem());
    return std::nullopt;
  }

  bool read_binary_attribute(std::string_view name, std::string_view value, Event& event, std::uint32_t& seen) {
    const Member kind = attribute_rules::classify(name);
    if (kind == Member::data || kind == Member::data_base64) {
      return cursor_.fail(fmt::format("'{}' is not a valid attribute name (it is reserved)", name));
    }
    if (kind == Member::extension && !attribute_rules::is_valid_name(name)) {
      return cursor_.fail(fmt::format("invalid attribute name '{}' (CloudEvents attribute names are lower-case "
                                      "letters a-z and digits 0-9)",
                                      decode::printable(name)));
    }
    // Header values were never checked by a JSON parser.
    if (!attribute_rules::is_valid_utf8(value) || !attribute_rules::is_valid_string(value)) {
      return cursor_.fail(fmt::format(
          "attribute '{}' contains invalid UTF-8, a control character or a Unicode noncharacter", name));
    }
    if (kind == Member::extension) {
      extension_names_.push_back(name);
      event.extensions.push_back(Extension{name, value, Extension::Type::string});
      return true;
    }
    if ((seen & bit(kind)) != 0) return cursor_.fail(fmt::format("duplicate attribute '{}'", name));
    seen |= bit(kind);
    if (value.empty()) return cursor_.fail(fmt::format("attribute '{}' must be a non-empty string", name));
    attribute_rules::set_context_attribute(kind, value, event);
    return true;
  }

  std::optional<BatchOutcome> decode_plain_json() {
    const std::string_view json = json_text::trim(body_);
    if (json.empty()) return invalid(-1, "empty body: expected a JSON value");
    if (options_.validate_data) {
      if (!checker_.check_document(parser_, json)) return invalid(0, cursor_.problem());
    } else {
      document doc;
      if (!cursor_.start_document(parser_, json, doc)) return invalid(0, cursor_.problem());
    }
    Arena& arena = batch_->arena;
    Event& event = batch_->events.emplace_back();
    event.id = !batch_->wrap_id.empty() ? batch_->wrap_id : ids_.next(arena);
    // A source without wrap settings still yields a valid event, named after the source.
    event.source = !batch_->wrap_source.empty() ? batch_->wrap_source
                                                : arena.copy(fmt::format("/sluice/{}", batch_->source_name()));
    event.type = !batch_->wrap_type.empty() ? batch_->wrap_type : std::string_view("io.sluice.json");
    event.specversion = "1.0";
    event.datacontenttype = "application/json";
    event.time = format_rfc3339(std::chrono::system_clock::now(), arena);
    event.data_kind = DataKind::json;
    event.data = json;
    return std::nullopt;
  }

  std::optional<BatchOutcome> too_many(std::int64_t index) {
    limit_exceeded_ = true;  // refused even with a dead letter: it is a limit, not bad data
    return invalid(index, fmt::format("more than {} events in one batch (max_events_per_batch); send smaller batches",
                                      options_.max_events_per_batch));
  }

  const char* body_end() const noexcept { return body_.data() + body_.size(); }

  // Keeps `raw` (bytes of the body) and why it failed, for the dead letter.
  void dead_letter_raw(std::string_view raw, std::string reason, std::int64_t position = 0) {
    InvalidEvent& invalid_event = batch_->invalid_events.emplace_back();
    invalid_event.position = static_cast<std::uint32_t>(position);
    invalid_event.raw.data_kind = DataKind::binary;
    invalid_event.raw.data = raw;
    invalid_event.raw.datacontenttype = raw_content_type();
    DeadLetterNote note;
    note.reason = DeadLetterReason::invalid;
    note.raw = true;
    note.detail = std::move(reason);
    invalid_event.note = &batch_->add_dead_letter_note(std::move(note));
  }

  std::string_view raw_content_type() const noexcept {
    switch (batch_->mode()) {
      case ContentMode::structured: return "application/cloudevents+json";
      case ContentMode::batch:
      case ContentMode::ndjson: return "application/cloudevents+json";  // one event's text
      case ContentMode::plain_json: return "application/json";
      case ContentMode::cloudevents_protobuf: return "application/cloudevents-batch+protobuf";
      default: break;
    }
    for (const auto& [name, value] : batch_->binary_attributes) {
      if (name == "datacontenttype") return value;
    }
    return {};
  }

  DecodeOptions options_;
  parser parser_;
  Cursor cursor_;
  decode::JsonEventReader reader_;
  decode::JsonChecker checker_;
  EventIdGenerator ids_;
  IngressBatch* batch_ = nullptr;
  std::string_view body_;
  bool dead_letter_invalid_ = false;  // the batch's policy sends invalid events to the dead letter
  bool limit_exceeded_ = false;       // the batch broke a limit: answer it, never dead-letter it
  std::vector<std::string_view> extension_names_;
};

CloudEventDecoder::CloudEventDecoder(DecodeOptions options) : impl_(std::make_unique<Impl>(options)) {}
CloudEventDecoder::~CloudEventDecoder() = default;

std::optional<BatchOutcome> CloudEventDecoder::decode(IngressBatch& batch) { return impl_->decode(batch); }

const DecodeOptions& CloudEventDecoder::options() const noexcept { return impl_->options(); }

}  // namespace sluice
