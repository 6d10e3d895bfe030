#pragma once
// The HTTP source's configuration (one entry under `sources:` with `type: http`).

#include "net/listener_tls.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

class ConfigNode;

enum class OverloadPolicy : std::uint8_t { reject, wait };

struct HttpSourceConfig {
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 8080;
  std::string path = "/";
  std::uint64_t max_body_bytes = 4ull << 20;
  std::uint32_t max_header_bytes = 16u << 10;
  std::uint32_t max_connections = 10000;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  OverloadPolicy overload = OverloadPolicy::reject;
  std::chrono::milliseconds admission_timeout{5'000};
  bool ack_delivered = true;  // ack_mode: delivered (true) or accepted (false)
  bool wrap_plain_json = false;
  std::string wrap_source = "sluice/http";
  std::string wrap_type = "sluice.json";
  // auth: a request passes with either configured scheme. Secrets, never logged.
  std::optional<std::string> bearer_token;
  std::optional<std::string> basic_credentials;  // base64("username:password"), as clients send it
  std::uint32_t retry_after_seconds = 1;
  // tls: HTTPS (and with client_ca_file, mutual TLS) on `listen`. Not on a gRPC multiplexed port.
  std::optional<ListenerTlsConfig> tls;
  // Limits; 0 means none. Requests per second for the whole source (token bucket, bursts of one
  // second's worth): over it, 429 + Retry-After. Events per request: overrides the pipeline's
  // max_events_per_batch for this source (400 when exceeded). Requests per connection: the last
  // answer says Connection: close, so long-lived clients spread over instances behind a balancer.
  double max_requests_per_second = 0;
  std::uint32_t max_events_per_request = 0;
  std::uint32_t max_requests_per_connection = 0;
};

// Reads and validates `node` (the source's mapping). Throws ConfigError naming file, line and key.
HttpSourceConfig parse_http_source_config(const ConfigNode& node);

}  // namespace sluice
