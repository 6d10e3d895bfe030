#pragma once
// Parsing of the human units the configuration accepts ("250ms", "4MiB").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

// "250ms", "10s", "2m", "1h"; a bare number is milliseconds. nullopt if malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// "512", "64KiB", "4MiB", "1GiB", "10KB", "1MB" (KB/MB/GB are powers of 10). nullopt if malformed.
std::optional<std::uint64_t> parse_bytes(std::string_view text);

}  // namespace sluice
