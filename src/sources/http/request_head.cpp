#include "sources/http/request_head.hpp"

#include "net/http_auth.hpp"
#include "sources/http/content_mode.hpp"

#include <fmt/format.h>

#include <boost/beast/core/string.hpp>

namespace sluice {
namespace http = boost::beast::http;

namespace {

HttpAnswer refuse(unsigned status, std::string_view error, std::string_view reason, const BodyFraming& framing) {
  HttpAnswer answer = error_answer(status, error, reason);
  answer.close = framing.has_body();
  return answer;
}

std::string_view path_of(std::string_view target) noexcept {
  return target.substr(0, target.find('?'));
}

// A client's header value as quoted in an answer: printable ASCII only (anything else becomes
// '?', so the JSON answer stays valid UTF-8 whatever bytes arrived) and at most 100 characters.
std::string shown_header_value(std::string_view value) {
  constexpr std::size_t kShown = 100;
  std::string shown(value.substr(0, kShown));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  if (value.size() > kShown) shown += "...";
  return shown;
}

}  // namespace

HeadDecision evaluate_request_head(const http::request_header<>& head, const BodyFraming& framing,
                                   const HttpSourceConfig& config, BinaryAttributes& attributes) {
  HeadDecision decision;
  attributes.clear();

  if (config.bearer_token || config.basic_credentials) {
    const std::string_view authorization = head[http::field::authorization];
    // Each configured scheme is tried; a wrong secret of either scheme is 403, none at all 401.
    AuthResult result = AuthResult::missing;
    if (config.bearer_token) result = check_bearer(authorization, *config.bearer_token);
    if (result == AuthResult::missing && config.basic_credentials) {
      result = check_basic(authorization, *config.basic_credentials);
    }
    switch (result) {
      case AuthResult::ok:
        break;
      case AuthResult::missing:
        decision.reject = refuse(401, http_error::kUnauthorized,
                                 config.bearer_token ? (config.basic_credentials ? "credentials are required (Bearer or Basic)"
                                                                                 : "a bearer token is required")
                                                     : "basic auth credentials are required",
                                 framing);
        decision.reject->www_authenticate = config.bearer_token
                                                ? (config.basic_credentials ? R"(Bearer realm="sluice", Basic realm="sluice")"
                                                                            : R"(Bearer realm="sluice")")
                                                : R"(Basic realm="sluice")";
        return decision;
      case AuthResult::forbidden:
        decision.reject = refuse(403, http_error::kForbidden, "the credentials are not valid", framing);
        return decision;
    }
  }

  if (path_of(head.target()) != config.path) {
    decision.reject = refuse(404, http_error::kNotFound, fmt::format("events are accepted at {}", config.path), framing);
    return decision;
  }
  if (head.method() != http::verb::post) {
    decision.reject = refuse(405, http_error::kMethodNotAllowed, "use POST", framing);
    decision.reject->allow_post = true;
    return decision;
  }
  if (framing.content_length && *framing.content_length > config.max_body_bytes) {
    decision.reject = refuse(413, http_error::kPayloadTooLarge,
                             fmt::format("the body is {} bytes; the limit is {} (max_body_bytes)",
                                         *framing.content_length, config.max_body_bytes),
                             framing);
    return decision;
  }

  // RFC 9110 §15.5.16: a content coding we cannot undo is 415, not a decoding error later.
  const std::string_view encoding = head[http::field::content_encoding];
  if (!encoding.empty() && !boost::beast::iequals(encoding, "identity")) {
    decision.reject = refuse(415, http_error::kUnsupportedMediaType,
                             fmt::format("Content-Encoding '{}' is not supported: send the body uncompressed",
                                         shown_header_value(encoding)),
                             framing);
    return decision;
  }

  const std::string_view content_type = head[http::field::content_type];
  bool has_specversion = false;
  for (const auto& field : head) {
    if (boost::beast::iequals(field.name_string(), "ce-specversion")) {
      has_specversion = true;
      break;
    }
  }
  const auto mode = detect_content_mode(content_type, has_specversion, config.wrap_plain_json);
  if (!mode) {
    const std::string shown = content_type.empty() ? std::string("none") : fmt::format("'{}'", shown_header_value(content_type));
    decision.reject = refuse(
        415, http_error::kUnsupportedMediaType,
        fmt::format("Content-Type {} is not supported: use application/cloudevents+json, "
                    "application/cloudevents-batch+json, application/x-ndjson, or binary mode (ce-* headers){}",
                    shown, config.wrap_plain_json ? ", or application/json" : ""),
        framing);
    return decision;
  }
  decision.mode = *mode;

  if (decision.mode == ContentMode::binary) {
    for (const auto& field : head) {
      if (auto problem = attributes.add_header(field.name_string(), field.value())) {
        BatchOutcome outcome;
        outcome.status = BatchOutcome::Status::invalid;
        outcome.error_index = 0;
        outcome.reason = std::move(*problem);
        decision.reject = answer_for_outcome(outcome, config.retry_after_seconds);
        decision.reject->close = framing.has_body();
        return decision;
      }
    }
    attributes.set_content_type(content_type);
  }

  const std::string_view expect = head[http::field::expect];
  decision.expect_continue = boost::beast::iequals(expect, "100-continue");
  return decision;
}

}  // namespace sluice
