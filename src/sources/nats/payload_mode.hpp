#pragma once
// How one NATS message is to be read: which CloudEvents content mode its payload is in and, for
// binary mode, the attributes carried in its headers (CloudEvents NATS protocol binding).
//
// Pure functions: no cnats, no I/O; thread-safe.

#include <sluice/core/batch.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

// `payload:` of a subscription or JetStream consumer.
enum class PayloadMode : std::uint8_t {
  auto_detect,  // ce-specversion header: binary; CloudEvents JSON: structured/batch; else wrap
  structured,   // the payload is a CloudEvent in JSON (an array of them: batch)
  binary,       // attributes in ce-* headers, the payload is the data
  wrap,         // any JSON payload becomes the data of a synthesised event
};

// One header as the message carries it (one entry per value when a key repeats).
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

struct PayloadDecision {
  ContentMode mode = ContentMode::structured;
  // Binary mode: attribute names without "ce-", lower-cased, values percent-decoded.
  std::vector<std::pair<std::string, std::string>> attributes;
  // Set when the message cannot become a batch (a malformed ce-* header): says why.
  std::optional<std::string> error;
};

// Decides the content mode of one message. `payload` must stay readable for kInputPadding bytes
// past its end (a PaddedBuffer's view): auto mode peeks into the JSON with simdjson in place.
// `can_wrap` says whether the subscription has wrap templates, which auto mode then uses for
// payloads that are not CloudEvents.
PayloadDecision decide_payload(PayloadMode configured, bool can_wrap, std::span<const HeaderField> headers,
                               std::string_view payload);

// Binary mode's header mapping (NATS binding §3.1.3): every `ce-<name>` header (any case) becomes
// attribute <name>; values are unquoted and percent-decoded and must be valid UTF-8. When no
// ce-datacontenttype is present, a Content-Type header supplies datacontenttype. Returns the reason
// when a header is malformed or an attribute repeats.
std::optional<std::string> map_binary_headers(std::span<const HeaderField> headers,
                                              std::vector<std::pair<std::string, std::string>>& attributes);

// True when `name` equals `expected` ignoring ASCII case (`expected` is lower-case).
bool header_name_is(std::string_view name, std::string_view expected) noexcept;

}  // namespace sluice
