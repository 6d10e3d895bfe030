#pragma once
// The admin listener's configuration (the top-level `admin:` mapping).

#include "net/listener_tls.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

class ConfigNode;

struct AdminConfig {
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 9600;
  // Basic auth, when both are set. The password is never logged.
  std::optional<std::string> username;
  std::optional<std::string> password;
  // Bearer token, alone or beside basic auth (either passes). Never logged.
  std::optional<std::string> bearer_token;
  // HTTPS (with client_ca_file: mutual TLS) on `listen`.
  std::optional<ListenerTlsConfig> tls;
};

// Reads `admin:` from the configuration's root (defaults when the section is absent):
//   admin: { listen: "0.0.0.0:9600", username: ops, password: ... | password_file: /run/secrets/x,
//            bearer_token: ... | bearer_token_file: ..., tls: { cert_file, key_file, client_ca_file } }
// Throws ConfigError naming file, line and key.
AdminConfig parse_admin_config(const ConfigNode& root);

}  // namespace sluice
