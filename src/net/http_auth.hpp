#pragma once
// Credentials checks for sluice's HTTP listeners (the HTTP source and the admin listener): Bearer
// tokens (RFC 6750) and Basic auth (RFC 7617). Pure functions; thread-safe. Secrets are compared
// in constant time and never appear in return values or messages.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

enum class AuthResult : std::uint8_t {
  ok,         // no credentials configured, or the right ones given
  missing,    // no Authorization header, or another scheme: 401 + WWW-Authenticate
  forbidden,  // credentials of the right scheme that are not the configured ones: 403
};

// Compares in time independent of where (and whether) the inputs differ, including their lengths:
// both sides are hashed first, so a client cannot learn the secret's length or prefix by timing.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

// `authorization` is the raw header value ("" when absent); `expected` empty means no auth.
AuthResult check_bearer(std::string_view authorization, std::string_view expected) noexcept;

// The base64 token a client sends for `username:password`.
std::string basic_credentials(std::string_view username, std::string_view password);

// `expected` is basic_credentials(user, password); empty means no auth.
AuthResult check_basic(std::string_view authorization, std::string_view expected) noexcept;

// True when `authorization` ("Basic <token>", scheme case-insensitive) carries `expected`.
inline bool basic_auth_matches(std::string_view authorization, std::string_view expected) noexcept {
  return !expected.empty() && check_basic(authorization, expected) == AuthResult::ok;
}

}  // namespace sluice
