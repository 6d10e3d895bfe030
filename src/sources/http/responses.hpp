#pragma once
// What the HTTP source answers: status, JSON body and the headers that go with it. Pure
// functions, kept apart from the I/O so they can be tested without sockets; thread-safe.

#include <sluice/core/ack.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

struct HttpAnswer {
  unsigned status = 200;
  std::string body;           // JSON (Content-Type: application/json)
  std::string_view error;     // the "error" of the body; empty on success
  std::string_view metric;    // the reason counted in sluice_errors_total when not `error`
  std::optional<std::uint32_t> retry_after;  // seconds
  bool close = false;         // Connection: close (body not read, or the connection is unusable)
  std::string_view www_authenticate;  // 401: the WWW-Authenticate challenge (static text)
  bool allow_post = false;        // 405: Allow: POST
};

// Error names (the "error" member of bodies and the `reason` label of sluice_errors_total).
namespace http_error {
inline constexpr std::string_view kInvalidEvent = "invalid_event";
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kUnauthorized = "unauthorized";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kMethodNotAllowed = "method_not_allowed";
inline constexpr std::string_view kRequestTimeout = "request_timeout";
inline constexpr std::string_view kPayloadTooLarge = "payload_too_large";
inline constexpr std::string_view kUnsupportedMediaType = "unsupported_media_type";
inline constexpr std::string_view kOverloaded = "overloaded";
inline constexpr std::string_view kHeaderTooLarge = "header_too_large";
inline constexpr std::string_view kUnavailable = "unavailable";
inline constexpr std::string_view kRateLimited = "rate_limited";  // max_requests_per_second
}  // namespace http_error

// The answer for a finished batch (DESIGN §3): 200/202 with counts, 400 with the first bad
// event, 429 or 503 with Retry-After.
HttpAnswer answer_for_outcome(const BatchOutcome& outcome, std::uint32_t retry_after_seconds);

// An error answer: {"error": error, "reason": reason}.
HttpAnswer error_answer(unsigned status, std::string_view error, std::string_view reason);


}  // namespace sluice
