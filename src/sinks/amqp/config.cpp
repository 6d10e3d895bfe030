#include "sinks/amqp/config.hpp"

#include "config/config_node.hpp"

#include <amqp.h>
#include <fmt/format.h>

#include <string>
#include <vector>

namespace sluice::amqp {
namespace {

// True when the authority part of `url` carries "user:password@". amqp_parse_url fills in
// "guest" for a missing password, so this is how we tell "none given" from "guest".
bool url_has_password(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find('/'));
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return false;
  return authority.substr(0, at).find(':') != std::string_view::npos;
}

void parse_url(const ConfigNode& node, AmqpSinkConfig& config) {
  const std::string url = node.string("url", "amqp://guest@localhost:5672/");
  // amqp_parse_url decodes in place and points into its buffer.
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    // Never echo the URL: it may hold a password.
    node.fail("url", "is not an AMQP URL (use amqp://user@host:5672/vhost or amqps://...)");
  }
  config.host = info.host;
  config.port = info.port;
  config.user = info.user;
  // "amqp://host/" names the empty vhost in the URI spec; nobody means that, so it is "/".
  config.vhost = (info.vhost == nullptr || *info.vhost == '\0') ? "/" : info.vhost;
  config.tls.enabled = info.ssl != 0;
  if (config.host.empty()) node.fail("url", "has no host");

  const bool password_in_url = url_has_password(url);
  if (password_in_url) config.password = info.password;
  if (auto secret = node.secret("password")) {
    if (password_in_url) {
      node.fail("password", "the url already holds a password; give it in one place only");
    }
    config.password = std::move(*secret);
  }
  config.display_url = fmt::format("{}://{}@{}:{}/{}", config.tls.enabled ? "amqps" : "amqp",
                                   config.user, config.host, config.port,
                                   config.vhost == "/" ? "%2f" : config.vhost);
}

void parse_tls(const ConfigNode& node, AmqpSinkConfig& config) {
  auto tls = node.child("tls");
  if (!tls) return;
  if (!config.tls.enabled) {
    node.fail("tls", fmt::format("is only used with an amqps:// url; change {}.url to amqps:// or remove tls",
                                 config.key_prefix));
  }
  config.tls.ca_file = tls->string("ca_file", "");
  config.tls.cert_file = tls->string("cert_file", "");
  config.tls.key_file = tls->string("key_file", "");
  config.tls.verify_peer = tls->boolean("verify_peer", true);
  config.tls.verify_hostname = tls->boolean("verify_hostname", config.tls.verify_peer);
  if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
    tls->fail(config.tls.cert_file.empty() ? "cert_file" : "key_file",
              "a client certificate needs both cert_file and key_file");
  }
  tls->reject_unknown_keys();
}

void parse_exchange(const ConfigNode& node, AmqpSinkConfig& config) {
  config.exchange = node.string("exchange", kDefaultExchange);
  if (config.exchange.size() > kMaxShortString) node.fail("exchange", "is longer than 255 bytes");
  config.exchange_type = node.string("exchange_type", "topic");
  const std::string& type = config.exchange_type;
  if (type != "direct" && type != "fanout" && type != "topic" && type != "headers" &&
      !type.starts_with("x-")) {
    node.fail("exchange_type",
              fmt::format("'{}' is not one of direct, fanout, topic, headers (or a plugin's x-...)", type));
  }
  // `true`/`false` are YAML booleans; read the scalar text so that `passive` fits the same key.
  const std::string declare =
      node.choice("declare_exchange", "true", {"true", "false", "passive", "yes", "no"});
  config.declare_exchange = declare == "passive"                      ? DeclareExchange::passive
                            : (declare == "true" || declare == "yes") ? DeclareExchange::declare
                                                                      : DeclareExchange::none;
  config.exchange_durable = node.boolean("exchange_durable", true);
  if (config.exchange.empty() && config.declare_exchange != DeclareExchange::none) {
    node.fail("declare_exchange",
              "the default exchange (exchange: \"\") cannot be declared; set declare_exchange: false");
  }
  config.routing_key = node.string("routing_key", "");
  if (config.routing_key.size() > kMaxShortString) node.fail("routing_key", "is longer than 255 bytes");
}

}  // namespace

AmqpSinkConfig parse_amqp_sink_config(const ConfigNode& node) {
  AmqpSinkConfig config;
  config.key_prefix = node.path();
  const auto dot = config.key_prefix.rfind('.');
  config.name = dot == std::string::npos ? config.key_prefix : config.key_prefix.substr(dot + 1);

  node.choice("type", "amqp", {"amqp"});
  node.number("budget_share", 0, 0, 1);  // the app reads it; read here so the key is known

  parse_url(node, config);
  parse_tls(node, config);
  parse_exchange(node, config);

  config.connections = static_cast<int>(node.integer("connections", 1, 1, 64));
  config.max_unconfirmed = static_cast<std::uint32_t>(node.integer("max_unconfirmed", 1024, 1, 65535));
  config.format = node.choice("format", "structured", {"structured", "binary"}) == "binary"
                      ? OutputFormat::binary
                      : OutputFormat::structured;
  config.header_prefix = node.choice("header_prefix", "cloudEvents_", {"cloudEvents_", "cloudEvents:"});
  config.persistent = node.boolean("persistent", true);
  config.mandatory = node.boolean("mandatory", true);
  config.unroutable =
      node.choice("unroutable", "fail", {"fail", "drop"}) == "drop" ? UnroutablePolicy::drop : UnroutablePolicy::fail;
  if (node.has("unroutable") && !config.mandatory) {
    node.fail("unroutable", "needs mandatory: true (without it the broker drops unroutable messages silently)");
  }
  config.max_message_size = node.bytes("max_message_size", config.max_message_size);
  if (config.max_message_size == 0) node.fail("max_message_size", "must be positive");

  const auto heartbeat = node.duration("heartbeat", std::chrono::seconds(30));
  if (heartbeat.count() != 0 && heartbeat < std::chrono::seconds(1)) {
    node.fail("heartbeat", "must be 0 (off) or at least 1s (AMQP heartbeats count whole seconds)");
  }
  if (heartbeat > std::chrono::seconds(65535)) node.fail("heartbeat", "must be at most 65535s");
  config.heartbeat = std::chrono::duration_cast<std::chrono::seconds>(heartbeat);
  config.connect_timeout = node.duration("connect_timeout", config.connect_timeout);
  if (config.connect_timeout.count() == 0) node.fail("connect_timeout", "must be positive");
  config.delivery_timeout = node.duration("delivery_timeout", config.delivery_timeout);
  config.reconnect_backoff = node.duration("reconnect_backoff", config.reconnect_backoff);
  config.reconnect_backoff_max = node.duration("reconnect_backoff_max", config.reconnect_backoff_max);
  if (config.reconnect_backoff.count() == 0) node.fail("reconnect_backoff", "must be positive");
  if (config.reconnect_backoff_max < config.reconnect_backoff) {
    node.fail("reconnect_backoff_max", "must not be smaller than reconnect_backoff");
  }
  config.frame_max = static_cast<std::uint32_t>(node.integer("frame_max", 131072, 4096, 1 << 24));

  node.reject_unknown_keys();
  return config;
}

}  // namespace sluice::amqp
