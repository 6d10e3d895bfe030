#include "sources/http/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>

namespace sluice {
namespace {

constexpr std::string_view kBearer = "bearer";

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

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest_a{};
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest_b{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), digest_a.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), digest_b.data());
  return CRYPTO_memcmp(digest_a.data(), digest_b.data(), digest_a.size()) == 0;
}

AuthResult check_bearer(std::string_view authorization, std::string_view expected) noexcept {
  if (expected.empty()) return AuthResult::ok;
  authorization = trim(authorization);
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), kBearer)) {
    return AuthResult::missing;
  }
  const std::string_view token = trim(authorization.substr(space + 1));
  if (token.empty()) return AuthResult::missing;
  return constant_time_equals(token, expected) ? AuthResult::ok : AuthResult::forbidden;
}

}  // namespace sluice
