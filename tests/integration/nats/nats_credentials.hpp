#pragma once
// A NATS operator-mode setup made without `nsc` (Debian does not ship it), for testing the
// source's `credentials_file`: Ed25519 keys from OpenSSL encoded as NKeys, and operator, account
// and user JWTs signed with them the way nsc signs them. Deliberately minimal: no expiry, no
// permissions, no signing keys. The account has unlimited JetStream (the fixture's readiness
// check uses it); a system account without it is there because JetStream will not start without
// one in operator mode.

#include <string>
#include <utility>
#include <vector>

namespace sluice::testing {

struct NatsOperatorSetup {
  std::string operator_jwt;    // for the server's `operator:`
  std::string system_account;  // the system account's public key, for `system_account:`
  // Public key and JWT of the system account and of the users' account, for `resolver_preload`.
  std::vector<std::pair<std::string, std::string>> accounts;
  // .creds file contents (user JWT and the user's NKey seed) for a user of that account.
  std::string user_credentials;
  // A well-formed user of an account the server has never heard of: must be refused.
  std::string foreign_user_credentials;
};

// Throws std::runtime_error when OpenSSL cannot make or use a key.
NatsOperatorSetup make_nats_operator_setup();

}  // namespace sluice::testing
