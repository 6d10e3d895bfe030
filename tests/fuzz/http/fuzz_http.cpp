// libFuzzer driver: raw bytes as a client would send them on one connection, handled the way
// HttpSession handles them but without sockets: Beast's request_parser with the source's header
// limit, evaluate_request_head (auth, path, method, size, content type, ce-* headers), the body
// (Content-Length copied as the session does; chunked through the parser into a growing padded
// buffer, bounded by max_body_bytes), then the CloudEventDecoder and answer_for_outcome.
// Pipelined requests are handled in turn until the input ends or an answer closes the connection.
//
// Each input runs under two source configurations: one open with wrap_plain_json, one behind a
// bearer token (the dictionary holds the token, so the fuzzer gets past 401/403).
//
// Checked for every answer: a status the source documents, and a body that is valid JSON (UTF-8)
// carrying "error" exactly when the status is an error.
#include "sources/http/binary_attributes.hpp"
#include "sources/http/config.hpp"
#include "sources/http/request_head.hpp"
#include "sources/http/responses.hpp"
#include "stages/decode/cloud_event_decoder.hpp"

#include <sluice/core/batch.hpp>
#include <sluice/core/padded_buffer.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace sluice;
namespace http = boost::beast::http;

constexpr std::size_t kChunkedInitialCapacity = 1024;  // small, so that growth is exercised
constexpr int kMaxRequestsPerInput = 8;

struct NoToken final : AckToken {
  void complete(BatchOutcome) noexcept override {}
};

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_http: check failed: %s\n", what);
    std::abort();
  }
}

HttpSourceConfig open_config() {
  HttpSourceConfig config;
  config.max_body_bytes = 64 << 10;
  config.wrap_plain_json = true;
  return config;
}

HttpSourceConfig token_config() {
  HttpSourceConfig config;
  config.max_body_bytes = 64 << 10;
  config.path = "/events";
  config.bearer_token = "fuzz-token";
  return config;
}

// Every answer the HTTP source may give to a request it read (DESIGN §3, README "Sending events").
void check_answer(const HttpAnswer& answer) {
  static constexpr unsigned kDocumented[] = {200, 202, 400, 401, 403, 404, 405, 408, 413, 415, 429, 431, 503};
  check(std::find(std::begin(kDocumented), std::end(kDocumented), answer.status) != std::end(kDocumented),
        "undocumented status");
  const std::string_view body = answer.body;
  // Found by this fuzzer: a 415 once echoed non-UTF-8 Content-Type bytes into its JSON (corpus:
  // regression-415-non-utf8-header).
  check(simdjson::validate_utf8(body.data(), body.size()), "answer body is not UTF-8");
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  check(parser.parse(body).get(root) == simdjson::SUCCESS, "answer body is not valid JSON");
  simdjson::dom::object object;
  check(root.get_object().get(object) == simdjson::SUCCESS, "answer body is not an object");
  const bool has_error = object["error"].error() == simdjson::SUCCESS;
  check(has_error == (answer.status >= 400), "\"error\" present exactly for error statuses");
  if (answer.status == 401) check(!answer.www_authenticate.empty(), "401 without WWW-Authenticate");
  if (answer.status == 405) check(answer.allow_post, "405 without Allow");
}

// The body of a Content-Length request: what follows the header, as HttpSession::do_read_body
// copies it. nullopt when the input ends first (the client went away: no answer).
std::optional<PaddedBuffer> read_sized_body(std::string_view& input, std::uint64_t length) {
  if (input.size() < length) return std::nullopt;
  PaddedBuffer body = PaddedBuffer::copy_of(input.substr(0, length));
  input.remove_prefix(length);
  return body;
}

enum class ChunkedResult { complete, truncated, too_large, malformed };

// A chunked body through the parser into a buffer that doubles up to max_body_bytes, as
// HttpSession::on_body_chunked grows it.
ChunkedResult read_chunked_body(http::request_parser<http::buffer_body>& parser, std::string_view& input,
                                PaddedBuffer& body, std::uint64_t max_body) {
  body = PaddedBuffer(static_cast<std::size_t>(std::min<std::uint64_t>(kChunkedInitialCapacity, max_body)));
  parser.body_limit(max_body);
  std::size_t received = 0;
  while (true) {
    auto& target = parser.get().body();
    target.data = body.data() + received;
    target.size = body.capacity() - received;
    target.more = true;
    boost::system::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    input.remove_prefix(used);
    received = static_cast<std::size_t>(static_cast<char*>(parser.get().body().data) - body.data());
    if (parser.is_done()) {
      body.set_size(received);
      return ChunkedResult::complete;
    }
    if (ec == http::error::need_buffer) {
      if (body.capacity() >= max_body) return ChunkedResult::too_large;
      body.set_size(received);
      body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(body.capacity() * 2, max_body)));
      continue;
    }
    if (ec == http::error::body_limit) return ChunkedResult::too_large;
    if (ec == http::error::need_more || (!ec && used == 0)) return ChunkedResult::truncated;
    if (ec) return ChunkedResult::malformed;
    // No error and progress made: the parser stopped at a chunk boundary; go on.
  }
}

// One request from `input` (consumed as it is read). Returns false when the connection ends:
// the input ran out, or the answer closes it.
bool handle_request(std::string_view& input, const HttpSourceConfig& config, BinaryAttributes& attributes,
                    CloudEventDecoder& decoder) {
  http::request_parser<http::buffer_body> parser;
  parser.header_limit(config.max_header_bytes);
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  input.remove_prefix(used);
  if (ec == http::error::need_more || (!ec && !parser.is_header_done())) return false;  // input ended
  if (ec) {
    // header_limit: 431; anything else: 400 malformed request. Both close the connection.
    const unsigned status = ec == http::error::header_limit ? 431 : 400;
    check_answer(error_answer(status, status == 431 ? http_error::kHeaderTooLarge : http_error::kBadRequest,
                              ec.message()));
    return false;
  }

  BodyFraming framing;
  framing.chunked = parser.chunked();
  if (const auto length = parser.content_length()) framing.content_length = *length;
  const HeadDecision decision = evaluate_request_head(parser.get().base(), framing, config, attributes);
  if (decision.reject) {
    check_answer(*decision.reject);
    check(decision.reject->status >= 400, "a refusal with a success status");
    if (framing.has_body()) check(decision.reject->close, "a refusal leaving a body unread keeps the connection");
    return !decision.reject->close && parser.keep_alive();
  }

  PaddedBuffer body;
  if (framing.chunked) {
    switch (read_chunked_body(parser, input, body, config.max_body_bytes)) {
      case ChunkedResult::complete:
        break;
      case ChunkedResult::truncated:
        return false;
      case ChunkedResult::too_large:
        check(body.capacity() <= config.max_body_bytes + kInputPadding, "chunked body grew past max_body_bytes");
        return false;  // 413, closed
      case ChunkedResult::malformed:
        return false;  // 400, closed
    }
  } else if (framing.content_length) {
    check(*framing.content_length <= config.max_body_bytes, "an oversized body got past the head checks");
    auto sized = read_sized_body(input, *framing.content_length);
    if (!sized) return false;
    body = std::move(*sized);
  }

  auto* batch = new IngressBatch("fuzz", decision.mode, std::move(body), std::make_unique<NoToken>(), AdmissionLease{});
  if (decision.mode == ContentMode::binary) attributes.copy_into(*batch);
  if (decision.mode == ContentMode::plain_json) {
    batch->wrap_source = config.wrap_source;
    batch->wrap_type = config.wrap_type;
  }
  BatchOutcome outcome;
  if (auto invalid = decoder.decode(*batch)) {
    check(invalid->status == BatchOutcome::Status::invalid && !invalid->reason.empty(), "an invalid outcome");
    check(batch->events.empty(), "events left from an invalid batch");
    outcome = std::move(*invalid);
  } else {
    // An empty array or an NDJSON body of blank lines is a valid batch of no events.
    check(!batch->events.empty() || decision.mode == ContentMode::batch || decision.mode == ContentMode::ndjson,
          "a valid single-event request without an event");
    for (const Event& event : batch->events) {
      check(!event.id.empty() && !event.source.empty() && !event.type.empty() && event.specversion == "1.0",
            "a decoded event lacks a required attribute");
    }
    outcome.status = BatchOutcome::Status::delivered;
    outcome.accepted = static_cast<std::uint32_t>(batch->events.size());
  }
  const HttpAnswer answer = answer_for_outcome(outcome, config.retry_after_seconds);
  check_answer(answer);
  batch->finish_without_delivery(BatchOutcome{});
  return parser.keep_alive();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static CloudEventDecoder decoder;
  static const HttpSourceConfig configs[] = {open_config(), token_config()};
  static BinaryAttributes attributes;
  for (const HttpSourceConfig& config : configs) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < kMaxRequestsPerInput && !input.empty(); ++i) {
      if (!handle_request(input, config, attributes, decoder)) break;
    }
  }
  return 0;
}
