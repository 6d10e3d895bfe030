#include "http_content.hpp"

namespace sluice::bench {

std::optional<ContentMode> parse_content_mode(std::string_view name) {
  if (name == "batch") return ContentMode::batch;
  if (name == "structured") return ContentMode::structured;
  if (name == "ndjson") return ContentMode::ndjson;
  if (name == "binary") return ContentMode::binary;
  return std::nullopt;
}

std::string_view to_string(ContentMode mode) {
  switch (mode) {
    case ContentMode::batch: return "batch";
    case ContentMode::structured: return "structured";
    case ContentMode::ndjson: return "ndjson";
    case ContentMode::binary: return "binary";
  }
  return "?";
}

std::string_view content_type(ContentMode mode) {
  switch (mode) {
    case ContentMode::batch: return "application/cloudevents-batch+json";
    case ContentMode::structured: return "application/cloudevents+json";
    case ContentMode::ndjson: return "application/x-ndjson";
    case ContentMode::binary: return kDataContentType;
  }
  return "application/octet-stream";
}

bool carries_many_events(ContentMode mode) { return mode == ContentMode::batch || mode == ContentMode::ndjson; }

void build_http_payload(HttpPayload& out, const EventFactory& events, ContentMode mode, std::uint32_t connection,
                        std::uint64_t first_seq, std::uint64_t count) {
  out.body.clear();
  out.headers.clear();
  switch (mode) {
    case ContentMode::batch:
      out.body.push_back('[');
      for (std::uint64_t i = 0; i < count; ++i) {
        if (i) out.body.push_back(',');
        events.append_event(out.body, EventKey{connection, first_seq + i});
      }
      out.body.push_back(']');
      break;
    case ContentMode::ndjson:
      for (std::uint64_t i = 0; i < count; ++i) {
        events.append_event(out.body, EventKey{connection, first_seq + i});
        out.body.push_back('\n');
      }
      break;
    case ContentMode::structured:
      events.append_event(out.body, EventKey{connection, first_seq});
      break;
    case ContentMode::binary: {
      std::string id;
      events.append_id(id, EventKey{connection, first_seq});
      out.headers.emplace_back("ce-specversion", std::string(kSpecVersion));
      out.headers.emplace_back("ce-id", std::move(id));
      out.headers.emplace_back("ce-source", std::string(kEventSource));
      out.headers.emplace_back("ce-type", std::string(kEventType));
      events.append_data(out.body, EventKey{connection, first_seq});
      break;
    }
  }
}

}  // namespace sluice::bench
