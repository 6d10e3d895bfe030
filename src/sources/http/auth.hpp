#pragma once
// Bearer-token check for the HTTP source (`auth.bearer_token`). Pure functions; thread-safe.

#include <cstdint>
#include <string_view>

namespace sluice {

enum class AuthResult : std::uint8_t {
  ok,         // no token configured, or the right one given
  missing,    // no Authorization header, or not the Bearer scheme: 401 + WWW-Authenticate
  forbidden,  // a Bearer token that is not the configured one: 403
};

// Compares in time independent of where (and whether) the inputs differ, including their lengths:
// both sides are hashed first, so a client cannot learn the token's length or prefix by timing.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

// `authorization` is the raw header value ("" when absent); `expected` empty means no auth.
AuthResult check_bearer(std::string_view authorization, std::string_view expected) noexcept;

}  // namespace sluice
