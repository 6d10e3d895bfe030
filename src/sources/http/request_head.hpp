#pragma once
// Decides what to do with a request from its header alone, before any of its body is read:
// authentication, path, method, size and content mode. A plain function over Beast's header
// type, so it is tested without sockets. Internal to the HTTP source (includes Beast).

#include "sources/http/binary_attributes.hpp"
#include "sources/http/config.hpp"
#include "sources/http/responses.hpp"

#include <sluice/core/batch.hpp>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include <cstdint>
#include <optional>

namespace sluice {

// How the body is delimited, as the parser saw it.
struct BodyFraming {
  std::optional<std::uint64_t> content_length;  // nullopt with chunked or without a body
  bool chunked = false;
  bool has_body() const noexcept { return chunked || content_length.value_or(0) > 0; }
};

struct HeadDecision {
  std::optional<HttpAnswer> reject;  // refused before the body; the body is never read
  ContentMode mode = ContentMode::structured;
  bool expect_continue = false;      // "Expect: 100-continue": send 100 before reading the body
};

// Checks, in this order: bearer token (401/403, before anything else so nothing leaks to an
// unauthenticated client), path (404; the query string is ignored), method (405), declared size
// (413), Content-Encoding and Content-Type (415), ce-* headers (400). A refusal closes the
// connection when a body was announced, since it is left unread. Binary mode fills `attributes`
// (cleared first).
HeadDecision evaluate_request_head(const boost::beast::http::request_header<>& head, const BodyFraming& framing,
                                   const HttpSourceConfig& config, BinaryAttributes& attributes);

}  // namespace sluice
