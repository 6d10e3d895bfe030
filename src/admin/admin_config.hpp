#pragma once
// The admin listener's configuration (the top-level `admin:` mapping).

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
};

// Reads `admin:` from the configuration's root (defaults when the section is absent):
//   admin: { listen: "0.0.0.0:9600", username: ops, password: ... | password_file: /run/secrets/x }
// Throws ConfigError naming file, line and key.
AdminConfig parse_admin_config(const ConfigNode& root);

}  // namespace sluice
