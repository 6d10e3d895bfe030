#include "sources/http/source_state.hpp"

#include "sources/http/responses.hpp"
#include "sources/http/session_errors.hpp"

#include <array>

namespace sluice {

ErrorCounters::ErrorCounters(ComponentMetrics& metrics) : metrics_(metrics) {
  static constexpr std::array kKnown = {
      http_error::kInvalidEvent,    http_error::kBadRequest,       http_error::kUnauthorized,
      http_error::kForbidden,       http_error::kNotFound,         http_error::kMethodNotAllowed,
      http_error::kRequestTimeout,  http_error::kPayloadTooLarge,  http_error::kUnsupportedMediaType,
      http_error::kOverloaded,      http_error::kHeaderTooLarge,   http_error::kUnavailable,
      session_error::kTruncatedBody, session_error::kHeaderTimeout, session_error::kAdmissionTimeout,
      session_error::kTooManyConnections, session_error::kShuttingDown, session_error::kAcceptFailed,
      http_error::kRateLimited,     session_error::kTlsHandshakeFailed,
  };
  counters_.reserve(kKnown.size());
  for (const std::string_view reason : kKnown) counters_.emplace_back(reason, &metrics_.error(reason));
}

void ErrorCounters::count(std::string_view reason) {
  for (const auto& [name, counter] : counters_) {
    if (name == reason) {
      counter->Increment();
      return;
    }
  }
  metrics_.error(reason).Increment();  // not expected: every reason is listed above
}

std::uint64_t SessionRegistry::add(std::weak_ptr<HttpConnection> session) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = ++next_id_;
  sessions_.emplace(id, std::move(session));
  return id;
}

void SessionRegistry::remove(std::uint64_t id) noexcept {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

std::vector<std::shared_ptr<HttpConnection>> SessionRegistry::snapshot() const {
  std::vector<std::shared_ptr<HttpConnection>> alive;
  std::lock_guard lock(mutex_);
  alive.reserve(sessions_.size());
  for (const auto& [id, weak] : sessions_) {
    if (auto session = weak.lock()) alive.push_back(std::move(session));
  }
  return alive;
}

HttpSourceState::HttpSourceState(HttpSourceConfig config_in, std::string name_in, IngressPort& ingress_in,
                                 Telemetry& telemetry)
    : config(std::move(config_in)),
      name(std::move(name_in)),
      ingress(ingress_in),
      metrics(telemetry.component("source", name)),
      errors(metrics),
      request_rate(config.max_requests_per_second > 0
                       ? std::make_unique<RequestRateLimit>(config.max_requests_per_second)
                       : nullptr) {}

}  // namespace sluice
