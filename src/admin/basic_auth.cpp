#include "admin/basic_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>

namespace sluice {
namespace {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_basic_scheme(std::string_view scheme) noexcept {
  constexpr std::string_view kBasic = "basic";
  if (scheme.size() != kBasic.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(scheme[i])) != kBasic[i]) return false;
  }
  return true;
}

bool digests_equal(std::string_view a, std::string_view b) noexcept {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest_a{};
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest_b{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), digest_a.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), digest_b.data());
  return CRYPTO_memcmp(digest_a.data(), digest_b.data(), digest_a.size()) == 0;
}

}  // namespace

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

bool basic_auth_matches(std::string_view authorization, std::string_view expected) noexcept {
  authorization = trim(authorization);
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !is_basic_scheme(authorization.substr(0, space))) return false;
  return digests_equal(trim(authorization.substr(space + 1)), expected);
}

}  // namespace sluice
