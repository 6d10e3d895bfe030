#include "sources/http/responses.hpp"
#include <sluice/core/json_string.hpp>

#include "sources/http/session_errors.hpp"

#include <fmt/format.h>

namespace sluice {

HttpAnswer error_answer(unsigned status, std::string_view error, std::string_view reason) {
  HttpAnswer answer;
  answer.status = status;
  answer.error = error;
  answer.body.reserve(32 + error.size() + reason.size());
  answer.body += "{\"error\":";
  append_json_string(answer.body, error);
  answer.body += ",\"reason\":";
  append_json_string(answer.body, reason);
  answer.body += '}';
  return answer;
}

HttpAnswer answer_for_outcome(const BatchOutcome& outcome, std::uint32_t retry_after_seconds) {
  using Status = BatchOutcome::Status;
  switch (outcome.status) {
    case Status::delivered:
    case Status::accepted: {
      HttpAnswer answer;
      answer.status = outcome.status == Status::delivered ? 200 : 202;
      answer.body = outcome.dead_lettered == 0
                        ? fmt::format(R"({{"accepted":{},"filtered":{}}})", outcome.accepted, outcome.filtered)
                        : fmt::format(R"({{"accepted":{},"filtered":{},"dead_lettered":{}}})", outcome.accepted,
                                      outcome.filtered, outcome.dead_lettered);
      return answer;
    }
    case Status::invalid: {
      HttpAnswer answer;
      answer.status = 400;
      answer.error = http_error::kInvalidEvent;
      answer.body = fmt::format(R"({{"error":"invalid_event","index":{},"reason":)",
                                outcome.error_index < 0 ? 0 : outcome.error_index);
      append_json_string(answer.body, outcome.reason.empty() ? "invalid event" : outcome.reason);
      answer.body += '}';
      return answer;
    }
    case Status::overloaded: {
      HttpAnswer answer = error_answer(429, http_error::kOverloaded,
                                       outcome.reason.empty() ? "event budget exhausted" : outcome.reason);
      answer.retry_after = retry_after_seconds;
      return answer;
    }
    case Status::unavailable:
    case Status::shutting_down:
      break;
  }
  std::string_view reason = outcome.reason;
  if (reason.empty()) {
    reason = outcome.status == Status::shutting_down ? "sluice is shutting down" : "delivery failed";
  }
  HttpAnswer answer = error_answer(503, http_error::kUnavailable, reason);
  answer.retry_after = retry_after_seconds;
  // A stopping server also tells the client to go elsewhere with its next request.
  answer.close = outcome.status == Status::shutting_down;
  if (outcome.status == Status::shutting_down) answer.metric = session_error::kShuttingDown;
  return answer;
}

}  // namespace sluice
