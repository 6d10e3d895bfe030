#include "admin/admin_server.hpp"

#include "admin/admin_session.hpp"
#include "net/http_auth.hpp"
#include "net/listener_tls.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <fmt/format.h>
#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

namespace sluice {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// Scrapers and probes need few connections; more are closed at once.
constexpr std::uint32_t kMaxConnections = 64;
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

std::optional<std::string> credentials_of(const AdminConfig& config) {
  if (!config.username || !config.password) return std::nullopt;
  return basic_credentials(*config.username, *config.password);
}

}  // namespace

struct AdminServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_in, AdminConfig config_in, Telemetry& telemetry, ReadinessCheck readiness)
      : io(io_in),
        config(std::move(config_in)),
        state(std::make_shared<AdminState>(
            AdminRoutes(telemetry, std::move(readiness), credentials_of(config), config.bearer_token))),
        acceptor(asio::make_strand(io)),
        retry_timer(acceptor.get_executor()) {
    state->tls_handshake_failures = &prometheus::BuildCounter()
                                         .Name("sluice_admin_tls_handshake_failures_total")
                                         .Help("TLS handshakes on the admin listener that failed")
                                         .Register(telemetry.registry())
                                         .Add({});
  }

  void do_accept() {
    acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](error_code ec, tcp::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      spdlog::debug("admin: accept failed: {}", ec.message());
      retry_timer.expires_after(kAcceptRetryDelay);
      retry_timer.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec) self->do_accept();
      });
      return;
    }
    if (state->connections.load(std::memory_order_relaxed) >= kMaxConnections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      state->connections.fetch_add(1, std::memory_order_relaxed);
      launch_admin_session(std::move(socket), state);
    }
    do_accept();
  }

  asio::io_context& io;
  const AdminConfig config;
  std::shared_ptr<AdminState> state;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> listening{false};
};

AdminServer::AdminServer(asio::io_context& io, AdminConfig config, Telemetry& telemetry, ReadinessCheck readiness)
    : impl_(std::make_shared<Impl>(io, std::move(config), telemetry, std::move(readiness))) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::start() {
  const AdminConfig& config = impl_->config;
  error_code ec;
  const auto fail = [&](std::string_view step) {
    throw std::runtime_error(fmt::format("admin.listen: cannot {} {}:{}: {}", step, config.listen_host,
                                         config.listen_port, ec.message()));
  };
  auto address = asio::ip::make_address(config.listen_host, ec);
  if (ec) {
    tcp::resolver resolver(impl_->io);
    const auto results = resolver.resolve(config.listen_host, std::to_string(config.listen_port), ec);
    if (ec || results.empty()) fail("resolve");
    address = results.begin()->endpoint().address();
  }
  const tcp::endpoint endpoint(address, config.listen_port);
  if (config.tls) impl_->state->tls_context = make_server_tls_context(*config.tls, "admin");
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open a socket for");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("set SO_REUSEADDR on");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  impl_->port = acceptor.local_endpoint(ec).port();
  impl_->listening = true;
  spdlog::info("admin listening on {}:{} (/metrics /stats /healthz /readyz{}{}{})", endpoint.address().to_string(),
               impl_->port.load(), config.username ? ", basic auth" : "", config.bearer_token ? ", bearer token" : "",
               config.tls ? (config.tls->mutual() ? ", TLS with client certificates" : ", TLS") : "");
  asio::post(acceptor.get_executor(), [impl = impl_] { impl->do_accept(); });
}

void AdminServer::stop() noexcept {
  try {
    if (impl_->listening.exchange(false)) {
      asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
        error_code ignored;
        impl->acceptor.close(ignored);
        impl->retry_timer.cancel();
      });
    }
    std::vector<std::shared_ptr<AdminConnection>> sessions;
    {
      std::lock_guard lock(impl_->state->mutex);
      for (const auto& [id, weak] : impl_->state->sessions) {
        if (auto session = weak.lock()) sessions.push_back(std::move(session));
      }
    }
    for (const auto& session : sessions) session->cancel();
  } catch (const std::exception& error) {
    spdlog::error("admin: stop failed: {}", error.what());
  }
}

std::uint16_t AdminServer::local_port() const noexcept { return impl_->port.load(std::memory_order_relaxed); }

}  // namespace sluice
