#include "sources/http/config.hpp"

#include "config/config_node.hpp"
#include "net/http_auth.hpp"

#include <limits>

namespace sluice {

HttpSourceConfig parse_http_source_config(const ConfigNode& node) {
  HttpSourceConfig config;
  (void)node.string("type", "http");  // chosen by the component list; read so it is not "unknown"

  const ConfigNode::Endpoint listen = node.endpoint("listen", "0.0.0.0:8080");
  config.listen_host = listen.host;
  config.listen_port = listen.port;

  config.path = node.string("path", "/");
  if (config.path.empty() || config.path.front() != '/') node.fail("path", "must start with '/'");

  config.max_body_bytes = node.bytes("max_body_bytes", config.max_body_bytes);
  if (config.max_body_bytes == 0) node.fail("max_body_bytes", "must be greater than 0");
  const std::uint64_t header_bytes = node.bytes("max_header_bytes", config.max_header_bytes);
  if (header_bytes < 1024 || header_bytes > (1u << 20)) {
    node.fail("max_header_bytes", "must be between 1KiB and 1MiB");
  }
  config.max_header_bytes = static_cast<std::uint32_t>(header_bytes);
  config.max_connections =
      static_cast<std::uint32_t>(node.integer("max_connections", config.max_connections, 1, 1'000'000));

  const auto positive_duration = [&node](std::string_view key, std::chrono::milliseconds fallback) {
    const auto value = node.duration(key, fallback);
    if (value <= std::chrono::milliseconds::zero()) node.fail(key, "must be greater than 0");
    return value;
  };
  config.header_timeout = positive_duration("header_timeout", config.header_timeout);
  config.body_timeout = positive_duration("body_timeout", config.body_timeout);
  config.idle_timeout = positive_duration("idle_timeout", config.idle_timeout);
  config.admission_timeout = positive_duration("admission_timeout", config.admission_timeout);

  config.overload =
      node.choice("overload", "reject", {"reject", "wait"}) == "wait" ? OverloadPolicy::wait : OverloadPolicy::reject;
  config.ack_delivered = node.choice("ack_mode", "delivered", {"delivered", "accepted"}) == "delivered";

  config.wrap_plain_json = node.boolean("wrap_plain_json", false);
  config.wrap_source = node.string("wrap_source", config.wrap_source);
  config.wrap_type = node.string("wrap_type", config.wrap_type);
  if (config.wrap_source.empty()) node.fail("wrap_source", "must not be empty (it becomes the event's source)");
  if (config.wrap_type.empty()) node.fail("wrap_type", "must not be empty (it becomes the event's type)");

  config.retry_after_seconds =
      static_cast<std::uint32_t>(node.integer("retry_after", config.retry_after_seconds, 0, 3600));

  if (auto auth = node.child("auth")) {
    config.bearer_token = auth->secret("bearer_token");
    if (config.bearer_token && config.bearer_token->empty()) auth->fail("bearer_token", "must not be empty");
    if (auto basic = auth->child("basic")) {
      const std::string username = basic->string("username", "");
      if (username.empty()) basic->fail("username", "is required with basic");
      if (username.find(':') != std::string::npos) basic->fail("username", "must not contain ':' (RFC 7617)");
      const auto password = basic->secret("password");
      if (!password) basic->fail("password", "give password or password_file");
      if (password->empty()) basic->fail("password", "must not be empty");
      config.basic_credentials = basic_credentials(username, *password);
      basic->reject_unknown_keys();
    }
    if (!config.bearer_token && !config.basic_credentials) {
      auth->fail("bearer_token", "give bearer_token, bearer_token_file or basic: {username, password}");
    }
    auth->reject_unknown_keys();
  }

  config.tls = parse_listener_tls(node);
  config.max_requests_per_second = node.number("max_requests_per_second", 0, 0, 10'000'000);
  config.max_events_per_request =
      static_cast<std::uint32_t>(node.integer("max_events_per_request", 0, 0, 10'000'000));
  config.max_requests_per_connection =
      static_cast<std::uint32_t>(node.integer("max_requests_per_connection", 0, 0, 1'000'000'000));

  node.reject_unknown_keys();
  return config;
}

}  // namespace sluice
