#pragma once
// The four HTTP content modes of CloudEvents that sluice accepts (DESIGN §4), as request bodies and
// content types. Kept apart from the socket code so it can be tested and reused by other tools.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event_factory.hpp"

namespace sluice::bench {

enum class ContentMode { batch, structured, ndjson, binary };

std::optional<ContentMode> parse_content_mode(std::string_view name);
std::string_view to_string(ContentMode mode);
std::string_view content_type(ContentMode mode);
// Structured and binary requests carry exactly one event; batch and ndjson carry `batch`.
bool carries_many_events(ContentMode mode);

// One request's body and extra headers, for events {connection, first_seq .. first_seq+count-1}.
// `body` and `headers` are cleared and refilled, keeping their capacity for the next request.
struct HttpPayload {
  std::string body;
  std::vector<std::pair<std::string_view, std::string>> headers;  // ce-* headers in binary mode
};
void build_http_payload(HttpPayload& out, const EventFactory& events, ContentMode mode, std::uint32_t connection,
                        std::uint64_t first_seq, std::uint64_t count);

}  // namespace sluice::bench
