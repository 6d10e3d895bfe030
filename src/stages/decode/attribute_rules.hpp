#pragma once
// CloudEvents 1.0 rules for context attributes (spec.md "Context Attributes", "Type System"),
// shared by every content mode. Pure functions; thread-safe.

#include <cstdint>
#include <string_view>

namespace sluice {
struct Event;
}

namespace sluice::attribute_rules {

// Members of a JSON-format event that are not extensions. `data` and `data_base64` are not
// attributes but are reserved names all the same.
enum class Member : std::uint8_t {
  id,
  source,
  specversion,
  type,
  datacontenttype,
  dataschema,
  subject,
  time,
  data,
  data_base64,
  extension,
};

Member classify(std::string_view name) noexcept;
std::string_view member_name(Member member) noexcept;

// The bit of `member` in a "seen" mask, for catching duplicate attributes.
constexpr std::uint32_t member_bit(Member member) noexcept { return 1u << static_cast<unsigned>(member); }

// Stores `text` as the event's context attribute `member` (id ... time); other members are ignored.
void set_context_attribute(Member member, std::string_view text, Event& event) noexcept;

// "MUST consist of lower-case letters [a-z] or digits [0-9]", at least one character. The
// 20-character limit is only a SHOULD and real producers exceed it (Knative's
// `knativearrivaltime` is 18, vendor prefixes run longer), so longer names are accepted.
bool is_valid_name(std::string_view name) noexcept;

// CloudEvents String: no control characters (U+0000-001F, U+007F-009F) and no Unicode
// noncharacters. `text` must already be valid UTF-8 (simdjson guarantees it for JSON input; use
// is_valid_utf8 first for protocol headers).
bool is_valid_string(std::string_view text) noexcept;
bool is_valid_utf8(std::string_view text) noexcept;

// RFC 3339 date-time: 2024-01-31T23:59:60.123+01:00 (T/t and Z/z both accepted, fraction any
// length, leap second allowed, calendar checked including leap years).
bool is_rfc3339(std::string_view text) noexcept;

// True when the media type, stripped of parameters, is */json or */*+json (case-insensitive):
// json-format.md 3.1.
bool is_json_content_type(std::string_view content_type) noexcept;

// The decimal integer in `token` when it is a CloudEvents Integer (32-bit signed).
bool is_int32(std::string_view token) noexcept;

}  // namespace sluice::attribute_rules
