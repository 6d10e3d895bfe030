#pragma once
// What the listener and every session of one HTTP source share. Held by shared_ptr by the source
// and by each session, so a session that outlives the source object (a batch still in flight)
// still finds its configuration and counters.

#include "sources/http/config.hpp"
#include "sources/http/http_connection.hpp"
#include "sources/http/request_rate_limit.hpp"
#include "sources/http/rate_limited_log.hpp"

#include <sluice/api/source.hpp>
#include <sluice/core/telemetry.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace sluice {

// The source's error counters by reason, registered once at start-up so the data path never
// takes the registry's lock. Thread-safe.
class ErrorCounters {
 public:
  explicit ErrorCounters(ComponentMetrics& metrics);
  void count(std::string_view reason);

 private:
  ComponentMetrics& metrics_;
  std::vector<std::pair<std::string_view, prometheus::Counter*>> counters_;
};

// Sessions alive now, held weakly, so stop() can cancel them. Thread-safe.
class SessionRegistry {
 public:
  std::uint64_t add(std::weak_ptr<HttpConnection> session);
  void remove(std::uint64_t id) noexcept;
  std::vector<std::shared_ptr<HttpConnection>> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<HttpConnection>> sessions_;
};

struct HttpSourceState {
  HttpSourceState(HttpSourceConfig config, std::string name, IngressPort& ingress, Telemetry& telemetry);

  const HttpSourceConfig config;
  const std::string name;
  IngressPort& ingress;
  ComponentMetrics& metrics;
  ErrorCounters errors;
  // Cleared by stop_accepting(): every later response carries Connection: close.
  std::atomic<bool> accepting{true};
  std::atomic<std::uint32_t> connections{0};
  std::atomic<std::uint32_t> overflow_connections{0};  // being turned away with 503
  SessionRegistry sessions;
  RateLimitedLog warnings{std::chrono::seconds(10)};
  RateLimitedLog tls_warnings{std::chrono::seconds(10)};  // failed handshakes: scanners, wrong certs
  // The server's TLS context when `tls` is configured; set by start() before the first accept and
  // held here so that it outlives every TLS session.
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  // max_requests_per_second; null when unlimited.
  const std::unique_ptr<RequestRateLimit> request_rate;
};

}  // namespace sluice
