#include "net/http_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>

namespace sluice {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Both schemes: "<scheme> <credentials>", scheme case-insensitive, surrounding blanks ignored.
AuthResult check_scheme(std::string_view authorization, std::string_view scheme, std::string_view expected) noexcept {
  if (expected.empty()) return AuthResult::ok;
  authorization = trim(authorization);
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), scheme)) {
    return AuthResult::missing;
  }
  const std::string_view given = trim(authorization.substr(space + 1));
  if (given.empty()) return AuthResult::missing;
  return constant_time_equals(given, expected) ? AuthResult::ok : AuthResult::forbidden;
}

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest_a{};
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest_b{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), digest_a.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), digest_b.data());
  return CRYPTO_memcmp(digest_a.data(), digest_b.data(), digest_a.size()) == 0;
}

AuthResult check_bearer(std::string_view authorization, std::string_view expected) noexcept {
  return check_scheme(authorization, "bearer", expected);
}

std::string basic_credentials(std::string_view username, std::string_view password) {
  std::string plain;
  plain.reserve(username.size() + 1 + password.size());
  plain.append(username).append(1, ':').append(password);
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      reinterpret_cast<const unsigned char*>(plain.data()),
                                      static_cast<int>(plain.size()));
  encoded.resize(written < 0 ? 0 : static_cast<std::size_t>(written));
  return encoded;
}

AuthResult check_basic(std::string_view authorization, std::string_view expected) noexcept {
  return check_scheme(authorization, "basic", expected);
}

}  // namespace sluice
