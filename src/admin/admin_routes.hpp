#pragma once
// What the admin listener answers, apart from the I/O: GET /metrics, /stats, /healthz, /readyz.
// Thread-safety: handle() may run on several io threads at once (Telemetry is thread-safe; the
// readiness check must be too).

#include <sluice/core/telemetry.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// Fills `detail` with what is not ready; called on an io thread, must be quick and thread-safe.
using ReadinessCheck = std::function<bool(std::string& detail)>;

struct AdminRequest {
  std::string_view method;  // "GET", "HEAD", ...
  std::string_view target;  // "/metrics?x=y"
  std::string_view authorization;
};

struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string_view www_authenticate;  // 401: the WWW-Authenticate challenge (static text)
  bool allow_get = false;         // 405: Allow: GET, HEAD
};

class AdminRoutes {
 public:
  // `credentials`: the expected basic-auth token (basic_credentials()); `bearer_token`: the
  // expected bearer token. Either passes; both nullopt: no auth.
  AdminRoutes(Telemetry& telemetry, ReadinessCheck readiness, std::optional<std::string> credentials,
              std::optional<std::string> bearer_token = std::nullopt);

  // /healthz answers without credentials (liveness says nothing about the pipeline); every other
  // path needs them when configured. Unknown paths are 404, methods other than GET/HEAD 405.
  AdminResponse handle(const AdminRequest& request) const;

 private:
  Telemetry& telemetry_;
  ReadinessCheck readiness_;
  std::optional<std::string> credentials_;
  std::optional<std::string> bearer_token_;
};

}  // namespace sluice
