#include "stages/filter/pattern/cidr.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace sluice::pattern {

namespace {

// Dotted-quad IPv4 with inet_pton's rules (four decimal parts of 0-255, no leading zeros), without
// its NUL-terminated copy: event values are tested against CIDR patterns often.
bool parse_ipv4(std::string_view text, std::uint8_t* bytes) {
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
    const std::size_t begin = i;
    unsigned value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - begin < 3) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
    }
    const std::size_t digits = i - begin;
    if (digits == 0 || value > 255 || (digits > 1 && text[begin] == '0')) return false;
    bytes[part] = static_cast<std::uint8_t>(value);
  }
  return i == text.size();
}

bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  IpAddress address;
  if (parse_ipv4(text, address.bytes.data())) {
    address.family = 4;
    return address;
  }
  // Only IPv6 is left, and it needs a colon: host names and other text stop here.
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  // Reject what cannot be an address before copying for inet_pton (which needs a NUL).
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.size() >= sizeof(buffer)) return std::nullopt;
  for (const char c : text) {
    if (!is_ipv6_char(c)) return std::nullopt;
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  if (inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
  address.family = 6;
  return address;
}

bool IpRange::contains(const IpAddress& address) const {
  if (address.family != low.family) return false;
  const std::size_t size = address.family == 4 ? 4 : 16;
  return std::memcmp(address.bytes.data(), low.bytes.data(), size) >= 0 &&
         std::memcmp(address.bytes.data(), high.bytes.data(), size) <= 0;
}

int IpRange::prefix_bits() const {
  const int width = low.family == 4 ? 32 : 128;
  for (int bit = 0; bit < width; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    const auto byte = static_cast<std::size_t>(bit / 8);
    if ((low.bytes[byte] & mask) != (high.bytes[byte] & mask)) return bit;
  }
  return width;
}

std::optional<IpRange> parse_cidr(std::string_view text, std::string& problem) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos) {
    problem = "malformed CIDR \"" + std::string(text) + "\", expected address/bits";
    return std::nullopt;
  }
  const std::string_view bits_text = text.substr(slash + 1);
  if (bits_text.empty() || bits_text.size() > 3 ||
      !std::all_of(bits_text.begin(), bits_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    problem = "malformed CIDR \"" + std::string(text) + "\", mask bits must be a number";
    return std::nullopt;
  }
  const int bits = std::stoi(std::string(bits_text));
  const std::optional<IpAddress> base = parse_ip(text.substr(0, slash));
  if (!base) {
    problem = "malformed CIDR \"" + std::string(text) + "\", not an IP address";
    return std::nullopt;
  }
  const int width = base->family == 4 ? 32 : 128;
  if (bits > width) {
    problem = "malformed CIDR \"" + std::string(text) + "\", mask bits must be at most " + std::to_string(width);
    return std::nullopt;
  }
  IpRange range{*base, *base};
  for (int bit = bits; bit < width; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    range.low.bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<std::uint8_t>(~mask);
    range.high.bytes[static_cast<std::size_t>(bit / 8)] |= mask;
  }
  return range;
}

}  // namespace sluice::pattern
