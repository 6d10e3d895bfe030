#include "stages/filter/pattern/cidr.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace sluice::pattern {

std::optional<IpAddress> parse_ip(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest IPv6 text form is 45 characters.
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buffer)) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  const bool looks_v6 = text.find(':') != std::string_view::npos;
  if (looks_v6) {
    if (inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
    address.family = 6;
  } else {
    if (inet_pton(AF_INET, buffer, address.bytes.data()) != 1) return std::nullopt;
    address.family = 4;
  }
  return address;
}

bool IpRange::contains(const IpAddress& address) const {
  if (address.family != low.family) return false;
  const std::size_t size = address.family == 4 ? 4 : 16;
  return std::memcmp(address.bytes.data(), low.bytes.data(), size) >= 0 &&
         std::memcmp(address.bytes.data(), high.bytes.data(), size) <= 0;
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
