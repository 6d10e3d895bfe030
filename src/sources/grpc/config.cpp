#include "sources/grpc/config.hpp"

#include "config/config_node.hpp"

namespace sluice {
namespace {

std::string host_port(const std::string& host, std::uint16_t port) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace

std::string GrpcSourceConfig::listen_address() const { return host_port(listen_host, listen_port); }

GrpcSourceConfig parse_grpc_source_config(const ConfigNode& node) {
  GrpcSourceConfig config;
  config.key = node.path();
  (void)node.string("type", "grpc");  // chosen by the component list; read so it is not "unknown"

  const ConfigNode::Endpoint listen = node.endpoint("listen", "0.0.0.0:50051");
  config.listen_host = listen.host;
  config.listen_port = listen.port;

  // grpc takes the limit as an int; beyond 1GiB one message would be a memory hazard anyway.
  const std::uint64_t max_message = node.bytes("max_message_bytes", config.max_message_bytes);
  if (max_message < 1024 || max_message > (1ull << 30)) node.fail("max_message_bytes", "must be between 1KiB and 1GiB");
  config.max_message_bytes = static_cast<std::uint32_t>(max_message);
  config.max_concurrent_streams = static_cast<std::uint32_t>(
      node.integer("max_concurrent_streams", config.max_concurrent_streams, 1, 1'000'000));
  config.threads = static_cast<std::uint32_t>(node.integer("threads", config.threads, 1, 64));
  config.ack_delivered = node.choice("ack_mode", "delivered", {"delivered", "accepted"}) == "delivered";

  if (auto keepalive = node.child("keepalive")) {
    const auto positive = [&keepalive](std::string_view key, std::chrono::milliseconds fallback) {
      const auto value = keepalive->duration(key, fallback);
      if (value <= std::chrono::milliseconds::zero()) keepalive->fail(key, "must be greater than 0");
      return value;
    };
    config.keepalive.time = positive("time", config.keepalive.time);
    config.keepalive.timeout = positive("timeout", config.keepalive.timeout);
    config.keepalive.permit_without_calls = keepalive->boolean("permit_without_calls", false);
    keepalive->reject_unknown_keys();
  }

  if (auto tls = node.child("tls")) {
    GrpcTlsConfig settings;
    settings.cert_file = tls->string("cert_file", "");
    settings.key_file = tls->string("key_file", "");
    settings.client_ca_file = tls->string("client_ca_file", "");
    if (settings.cert_file.empty()) tls->fail("cert_file", "is required with tls (a PEM certificate chain)");
    if (settings.key_file.empty()) tls->fail("key_file", "is required with tls (a PEM private key)");
    tls->reject_unknown_keys();
    config.tls = std::move(settings);
  }

  if (auto multiplex = node.child("multiplex")) {
    const ConfigNode::Endpoint endpoint = multiplex->endpoint("listen", "0.0.0.0:8443");
    config.multiplex = GrpcMultiplexConfig{endpoint.host, endpoint.port, multiplex->string("http_source", "http")};
    if (config.multiplex->http_source.empty()) multiplex->fail("http_source", "must name an HTTP source");
    multiplex->reject_unknown_keys();
  }

  node.reject_unknown_keys();
  return config;
}

}  // namespace sluice
