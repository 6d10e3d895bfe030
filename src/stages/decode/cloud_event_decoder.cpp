#include "stages/decode/cloud_event_decoder.hpp"

#include "stages/decode/attribute_rules.hpp"
#include "stages/decode/decode_cursor.hpp"
#include "stages/decode/event_checks.hpp"
#include "stages/decode/json_checker.hpp"
#include "stages/decode/json_event_reader.hpp"
#include "stages/decode/json_text.hpp"
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

constexpr std::uint32_t bit(Member member) noexcept { return 1u << static_cast<unsigned>(member); }

}  // namespace

class CloudEventDecoder::Impl {
 public:
  explicit Impl(DecodeOptions options)
      : options_(options), reader_(options_, cursor_), checker_(cursor_, options_.max_depth) {}

  std::optional<BatchOutcome> decode(IngressBatch& batch) {
    batch.events.clear();
    batch_ = &batch;
    body_ = batch.body().view();
    cursor_.start_body(body_);
    std::optional<BatchOutcome> outcome;
    switch (batch.mode()) {
      case ContentMode::structured: outcome = decode_structured(); break;
      case ContentMode::batch: outcome = decode_batch(); break;
      case ContentMode::ndjson: outcome = decode_ndjson(); break;
      case ContentMode::binary: outcome = decode_binary(); break;
      case ContentMode::plain_json: outcome = decode_plain_json(); break;
    }
    cursor_.end_document();
    batch_ = nullptr;
    if (parser_.capacity() > kKeepParserCapacity) parser_ = parser{};
    if (outcome) batch.events.clear();  // a rejected batch carries no half-decoded events
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
      if (auto error = std::move(element).get(value)) {
        ok = cursor_.malformed(error);
      } else {
        ok = reader_.read_element(value, event, batch_->arena);
      }
      if (!ok) return invalid(index, fmt::format("event {}: {}", index, cursor_.problem()));
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
        return invalid(index, fmt::format("event {} (line {}): {}", index, line_number, cursor_.problem()));
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
    switch (kind) {
      case Member::id: event.id = value; break;
      case Member::source: event.source = value; break;
      case Member::specversion: event.specversion = value; break;
      case Member::type: event.type = value; break;
      case Member::datacontenttype: event.datacontenttype = value; break;
      case Member::dataschema: event.dataschema = value; break;
      case Member::subject: event.subject = value; break;
      case Member::time: event.time = value; break;
      default: break;
    }
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
    event.id = ids_.next(arena);
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

  std::optional<BatchOutcome> too_many(std::int64_t index) const {
    return invalid(index, fmt::format("more than {} events in one batch (max_events_per_batch); send smaller batches",
                                      options_.max_events_per_batch));
  }

  DecodeOptions options_;
  parser parser_;
  Cursor cursor_;
  decode::JsonEventReader reader_;
  decode::JsonChecker checker_;
  EventIdGenerator ids_;
  IngressBatch* batch_ = nullptr;
  std::string_view body_;
  std::vector<std::string_view> extension_names_;
};

CloudEventDecoder::CloudEventDecoder(DecodeOptions options) : impl_(std::make_unique<Impl>(options)) {}
CloudEventDecoder::~CloudEventDecoder() = default;

std::optional<BatchOutcome> CloudEventDecoder::decode(IngressBatch& batch) { return impl_->decode(batch); }

const DecodeOptions& CloudEventDecoder::options() const noexcept { return impl_->options(); }

}  // namespace sluice
