#pragma once
// The gRPC source's configuration (one entry under `sources:` with `type: grpc`). No grpc headers.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

class ConfigNode;

struct GrpcKeepaliveConfig {
  // Defaults are grpc's own: a ping after two idle hours, 20s to answer it, none without calls.
  std::chrono::milliseconds time{std::chrono::hours(2)};
  std::chrono::milliseconds timeout{std::chrono::seconds(20)};
  bool permit_without_calls = false;
};

struct GrpcTlsConfig {
  std::string cert_file;       // PEM certificate chain
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // non-empty: mutual TLS, every client must present a certificate it signed
};

// The optional port that serves HTTP/1.1 and cleartext gRPC (HTTP/2 with prior knowledge) together.
struct GrpcMultiplexConfig {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8443;
  std::string http_source = "http";  // the HTTP source (key under `sources:`) that serves HTTP/1.1 there
};

struct GrpcSourceConfig {
  std::string key;  // "sources.<name>", for messages
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 50051;
  std::uint32_t max_message_bytes = 4u << 20;
  std::uint32_t max_concurrent_streams = 100;  // per HTTP/2 connection
  // Completion-queue threads. At 250 k events/s in 100-event batches one used ~17 % of a core
  // (BENCHMARKS.md, session 7); more spread the calls (each stays on the thread it began on).
  std::uint32_t threads = 1;
  GrpcKeepaliveConfig keepalive;
  std::optional<GrpcTlsConfig> tls;
  bool ack_delivered = true;  // ack_mode: delivered (true) or accepted (false)
  std::optional<GrpcMultiplexConfig> multiplex;

  // "host:port" as grpc's ServerBuilder wants it (IPv6 hosts in brackets).
  std::string listen_address() const;
};

// Reads and validates `node` (the source's mapping). Throws ConfigError naming file, line and key.
// Files named under `tls` are checked when the source starts, not here (validate runs elsewhere).
GrpcSourceConfig parse_grpc_source_config(const ConfigNode& node);

}  // namespace sluice
