#pragma once
// The admin listener (DESIGN §7): GET /metrics (Prometheus text), /stats (JSON), /healthz,
// /readyz, on its own port with optional basic auth. Asio/Beast stay behind the pimpl.

#include "admin/admin_config.hpp"
#include "admin/admin_routes.hpp"

#include <sluice/core/telemetry.hpp>

#include <cstdint>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace sluice {

// Thread-safety: start/stop from the main thread; local_port from any. Lifetime: `io`,
// `telemetry` and whatever `readiness` refers to must outlive the server's connections, i.e.
// stop() and stop the io_context before destroying them.
class AdminServer {
 public:
  AdminServer(boost::asio::io_context& io, AdminConfig config, Telemetry& telemetry, ReadinessCheck readiness);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and listens; throws std::runtime_error naming admin.listen when it cannot.
  void start();
  // Closes the listener and every connection (through the io_context).
  void stop() noexcept;
  // The bound port (for `listen: 127.0.0.1:0`); 0 before start().
  std::uint16_t local_port() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sluice
