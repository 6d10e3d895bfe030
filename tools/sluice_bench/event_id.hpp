#pragma once
// Event ids of a bench run, and the cheap scans the verifier and the HTTP client use instead of a
// full JSON parser: at a million messages per second a DOM parse per Kafka message would make the
// verifier, not sluice, the bottleneck.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::bench {

// Where an event of this run came from: the connection (or stream) that sent it and its sequence
// number on that connection. Every event the bench sends has a unique (connection, seq) pair.
struct EventKey {
  std::uint32_t connection = 0;
  std::uint64_t seq = 0;

  friend bool operator==(const EventKey&, const EventKey&) = default;
};

// Appends `<run_id>-<connection>-<seq>` to `out`.
void append_event_id(std::string& out, std::string_view run_id, EventKey key);
std::string format_event_id(std::string_view run_id, EventKey key);

// Parses an id produced by format_event_id for `run_id`; nullopt for ids of other runs or other
// producers, so a shared topic can be verified.
std::optional<EventKey> parse_event_id(std::string_view id, std::string_view run_id);

// The string value of the top-level-looking member `"name": "..."` of a JSON text: the first
// occurrence of the quoted name followed by a colon and a string. Escapes are not decoded (bench
// ids never contain any); nullopt when the member is absent or not a string.
std::optional<std::string_view> find_json_string(std::string_view json, std::string_view name);

// The non-negative integer value of the first member `"name": N`; nullopt when absent or not an
// unsigned integer.
std::optional<std::uint64_t> find_json_uint(std::string_view json, std::string_view name);

}  // namespace sluice::bench
