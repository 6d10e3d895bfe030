#include "admin/admin_routes.hpp"
#include <sluice/core/json_string.hpp>

#include "net/http_auth.hpp"

namespace sluice {
namespace {

AdminResponse json(unsigned status, std::string body) {
  AdminResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

AdminResponse error(unsigned status, std::string_view name, std::string_view reason) {
  std::string body = "{\"error\":";
  append_json_string(body, name);
  body += ",\"reason\":";
  append_json_string(body, reason);
  body += '}';
  return json(status, std::move(body));
}

}  // namespace

AdminRoutes::AdminRoutes(Telemetry& telemetry, ReadinessCheck readiness, std::optional<std::string> credentials,
                         std::optional<std::string> bearer_token)
    : telemetry_(telemetry),
      readiness_(std::move(readiness)),
      credentials_(std::move(credentials)),
      bearer_token_(std::move(bearer_token)) {}

AdminResponse AdminRoutes::handle(const AdminRequest& request) const {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (request.method != "GET" && request.method != "HEAD") {
    AdminResponse response = error(405, "method_not_allowed", "use GET");
    response.allow_get = true;
    return response;
  }
  if (path == "/healthz") return json(200, R"({"status":"ok"})");
  if (credentials_ || bearer_token_) {
    const bool allowed = (credentials_ && basic_auth_matches(request.authorization, *credentials_)) ||
                         (bearer_token_ && check_bearer(request.authorization, *bearer_token_) == AuthResult::ok);
    if (!allowed) {
      AdminResponse response = error(401, "unauthorized",
                                     credentials_ ? "basic auth credentials are required" : "a bearer token is required");
      response.www_authenticate = credentials_ ? R"(Basic realm="sluice-admin")" : R"(Bearer realm="sluice-admin")";
      return response;
    }
  }
  if (path == "/metrics") {
    AdminResponse response;
    response.content_type = "text/plain; version=0.0.4";
    response.body = telemetry_.render_prometheus();
    return response;
  }
  if (path == "/stats") return json(200, telemetry_.render_stats_json());
  if (path == "/readyz") {
    std::string detail;
    bool ready = false;
    try {
      ready = readiness_ ? readiness_(detail) : true;
    } catch (const std::exception& failure) {
      detail = failure.what();
    }
    std::string body = ready ? R"({"status":"ready")" : R"({"status":"not_ready")";
    if (!detail.empty()) {
      body += ",\"detail\":";
      append_json_string(body, detail);
    }
    body += '}';
    return json(ready ? 200 : 503, std::move(body));
  }
  return error(404, "not_found", "try /metrics, /stats, /healthz or /readyz");
}

}  // namespace sluice
