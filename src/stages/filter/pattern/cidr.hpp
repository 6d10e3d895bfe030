#pragma once
// IP addresses and CIDR blocks for the `cidr` operator and for exact values that are IP literals.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::pattern {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  std::uint8_t family = 0;               // 4 or 6
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Parses a literal IPv4 (dotted quad, no leading zeros) or IPv6 address; nullopt otherwise.
// Never resolves names.
std::optional<IpAddress> parse_ip(std::string_view text);

struct IpRange {
  IpAddress low;
  IpAddress high;
  bool contains(const IpAddress& address) const;
  // The mask length of a CIDR block (low and high differ only in the trailing host bits).
  int prefix_bits() const;
};

// Parses "address/bits". Host bits in the address are ignored (10.1.2.3/8 is 10.0.0.0/8), as in
// routing tables. On failure returns nullopt and sets `problem`.
std::optional<IpRange> parse_cidr(std::string_view text, std::string& problem);

}  // namespace sluice::pattern
