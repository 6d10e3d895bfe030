#include "nats_credentials.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace sluice::testing {
namespace {

using Bytes = std::vector<unsigned char>;

// NKey prefix bytes (github.com/nats-io/nkeys): the first base32 letter says the key's role.
constexpr unsigned char kOperatorPrefix = 14 << 3;  // 'O'
constexpr unsigned char kAccountPrefix = 0;         // 'A'
constexpr unsigned char kUserPrefix = 20 << 3;      // 'U'
constexpr unsigned char kSeedPrefix = 18 << 3;      // 'S'

// CRC-16/XMODEM, which NKeys append (little-endian) to detect typos.
std::uint16_t crc16(const Bytes& data) {
  std::uint16_t crc = 0;
  for (const unsigned char byte : data) {
    crc ^= static_cast<std::uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc =
          (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

// RFC 4648 base32 without padding, as NKeys use it.
std::string base32(const Bytes& data) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string text;
  unsigned buffer = 0;
  int bits = 0;
  for (const unsigned char byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += kAlphabet[(buffer << (5 - bits)) & 31];
  return text;
}

// Base64url without padding, as JWTs use it.
std::string base64url(std::string_view data) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : data) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      text += kAlphabet[(buffer >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) text += kAlphabet[(buffer << (6 - bits)) & 63];
  return text;
}

std::string with_checksum(Bytes raw) {
  const std::uint16_t crc = crc16(raw);
  raw.push_back(static_cast<unsigned char>(crc & 0xff));
  raw.push_back(static_cast<unsigned char>(crc >> 8));
  return base32(raw);
}

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct SignContextDeleter {
  void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
};

// An Ed25519 key pair with an NKey role.
class NKey {
 public:
  explicit NKey(unsigned char prefix) : prefix_(prefix) {
    if (RAND_bytes(seed_.data(), static_cast<int>(seed_.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    key_.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed_.data(), seed_.size()));
    std::size_t length = public_.size();
    if (!key_ || EVP_PKEY_get_raw_public_key(key_.get(), public_.data(), &length) != 1 || length != public_.size()) {
      throw std::runtime_error("cannot make an Ed25519 key");
    }
  }

  std::string public_key() const {
    Bytes raw{prefix_};
    raw.insert(raw.end(), public_.begin(), public_.end());
    return with_checksum(std::move(raw));
  }

  // "S" + role letter: the two prefix bytes interleave the seed marker with the role.
  std::string seed() const {
    Bytes raw{static_cast<unsigned char>(kSeedPrefix | (prefix_ >> 5)),
              static_cast<unsigned char>((prefix_ & 31) << 3)};
    raw.insert(raw.end(), seed_.begin(), seed_.end());
    return with_checksum(std::move(raw));
  }

  std::string sign(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, SignContextDeleter> context(EVP_MD_CTX_new());
    std::string signature(64, '\0');
    std::size_t length = signature.size();
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
      throw std::runtime_error("Ed25519 signing failed");
    }
    signature.resize(length);
    return signature;
  }

 private:
  unsigned char prefix_;
  std::array<unsigned char, 32> seed_{};
  std::array<unsigned char, 32> public_{};
  std::unique_ptr<EVP_PKEY, KeyDeleter> key_;
};

// A JWT as github.com/nats-io/jwt v2 encodes it: `nats` holds the role's claims. The server does
// not recompute the jti, so any unique value will do.
std::string make_jwt(const NKey& issuer, const std::string& subject, std::string_view name, std::string_view nats) {
  static int serial = 0;
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string header = R"({"typ":"JWT","alg":"ed25519-nkey"})";
  const std::string claims =
      fmt::format(R"({{"jti":"SLUICETEST{}X{}","iat":{},"iss":"{}","name":"{}","sub":"{}","nats":{}}})", now, ++serial,
                  now, issuer.public_key(), name, subject, nats);
  const std::string signed_part = base64url(header) + "." + base64url(claims);
  return signed_part + "." + base64url(issuer.sign(signed_part));
}

constexpr std::string_view kOperatorClaims = R"({"type":"operator","version":2})";
// Unlimited, JetStream included (non-zero storage enables it for the account).
constexpr std::string_view kAccountClaims =
    R"({"limits":{"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1,"wildcards":true,"conn":-1,)"
    R"("leaf":-1,"mem_storage":-1,"disk_storage":-1,"streams":-1,"consumer":-1},)"
    R"("default_permissions":{"pub":{},"sub":{}},"type":"account","version":2})";
constexpr std::string_view kSystemAccountClaims =
    R"({"limits":{"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1,"wildcards":true,"conn":-1,)"
    R"("leaf":-1},"default_permissions":{"pub":{},"sub":{}},"type":"account","version":2})";
constexpr std::string_view kUserClaims =
    R"({"pub":{},"sub":{},"subs":-1,"data":-1,"payload":-1,"type":"user","version":2})";

// The layout nsc writes and cnats' natsOptions_SetUserCredentialsFromFiles reads.
std::string credentials_file(const std::string& user_jwt, const NKey& user) {
  return fmt::format(
      "-----BEGIN NATS USER JWT-----\n{}\n------END NATS USER JWT------\n\n"
      "************************* IMPORTANT *************************\n"
      "NKEY Seed printed below can be used to sign and prove identity.\n\n"
      "-----BEGIN USER NKEY SEED-----\n{}\n------END USER NKEY SEED------\n",
      user_jwt, user.seed());
}

std::string user_of(const NKey& account) {
  const NKey user(kUserPrefix);
  return credentials_file(make_jwt(account, user.public_key(), "sluice", kUserClaims), user);
}

}  // namespace

NatsOperatorSetup make_nats_operator_setup() {
  const NKey operator_key(kOperatorPrefix);
  const NKey system(kAccountPrefix);
  const NKey account(kAccountPrefix);
  const NKey stranger(kAccountPrefix);
  NatsOperatorSetup setup;
  setup.operator_jwt = make_jwt(operator_key, operator_key.public_key(), "sluice-test", kOperatorClaims);
  setup.system_account = system.public_key();
  setup.accounts.emplace_back(system.public_key(),
                              make_jwt(operator_key, system.public_key(), "SYS", kSystemAccountClaims));
  setup.accounts.emplace_back(account.public_key(),
                              make_jwt(operator_key, account.public_key(), "SLUICE", kAccountClaims));
  setup.user_credentials = user_of(account);
  setup.foreign_user_credentials = user_of(stranger);
  return setup;
}

}  // namespace sluice::testing
