#include "admin/admin_config.hpp"

#include "config/config_node.hpp"

namespace sluice {

AdminConfig parse_admin_config(const ConfigNode& root) {
  AdminConfig config;
  const auto node = root.child("admin");
  if (!node) return config;

  const ConfigNode::Endpoint listen = node->endpoint("listen", "0.0.0.0:9600");
  config.listen_host = listen.host;
  config.listen_port = listen.port;

  if (std::string username = node->string("username", ""); !username.empty()) config.username = std::move(username);
  config.password = node->secret("password");
  if (config.username.has_value() != config.password.has_value()) {
    node->fail(config.username ? "password" : "username",
               "basic auth needs both username and password (or password_file)");
  }
  if (config.username) {
    if (config.username->find(':') != std::string::npos) node->fail("username", "must not contain ':'");
    if (config.password->empty()) node->fail("password", "must not be empty");
  }
  config.bearer_token = node->secret("bearer_token");
  if (config.bearer_token && config.bearer_token->empty()) node->fail("bearer_token", "must not be empty");
  config.tls = parse_listener_tls(*node);
  node->reject_unknown_keys();
  return config;
}

}  // namespace sluice
