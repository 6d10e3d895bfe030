#pragma once
// HTTP Basic authentication for the admin listener (RFC 7617). Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace sluice {

// The base64 token a client sends for `username:password`.
std::string basic_credentials(std::string_view username, std::string_view password);

// True when `authorization` ("Basic <token>", scheme case-insensitive) carries `expected` (from
// basic_credentials). The token is compared in constant time, lengths included (both sides are
// hashed first).
bool basic_auth_matches(std::string_view authorization, std::string_view expected) noexcept;

}  // namespace sluice
