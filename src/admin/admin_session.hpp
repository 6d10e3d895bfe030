#pragma once
// One keep-alive connection of the admin listener: read a small request, answer it through
// AdminRoutes, repeat. `Stream` is Beast's tcp_stream or an ssl_stream over it (`admin.tls`),
// instantiated in admin_session.cpp and admin_tls_session.cpp (only that one sees ssl headers).
// Internal to src/admin (includes Asio and Beast).
//
// Thread-safety: start() and cancel() from any thread; everything else on the connection's
// strand. Lifetime: shared_from_this while an operation is pending.

#include "admin/admin_routes.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <prometheus/counter.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>

namespace boost::asio::ssl {
class context;
}

namespace sluice {

// What the listener needs of a session, whatever its stream: stop() closes it.
class AdminConnection {
 public:
  virtual ~AdminConnection() = default;
  virtual void cancel() = 0;  // any thread
};

// Shared by the listener and its sessions; outlives both as long as either holds it.
struct AdminState {
  explicit AdminState(AdminRoutes routes_in) : routes(std::move(routes_in)) {}
  const AdminRoutes routes;
  std::atomic<std::uint32_t> connections{0};
  std::mutex mutex;  // guards sessions
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<AdminConnection>> sessions;
  // admin.tls: set before the first accept; held here so it outlives every TLS session.
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  // sluice_admin_tls_handshake_failures_total (scanners, missing or foreign client certificates).
  prometheus::Counter* tls_handshake_failures = nullptr;
};

// Starts a session for an accepted connection (TLS when state->tls_context is set).
void launch_admin_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<AdminState> state);

template <class Stream>
class AdminSession final : public AdminConnection, public std::enable_shared_from_this<AdminSession<Stream>> {
 public:
  template <class... StreamArgs>
  explicit AdminSession(std::shared_ptr<AdminState> state, StreamArgs&&... stream_args);
  ~AdminSession() override;
  AdminSession(const AdminSession&) = delete;
  AdminSession& operator=(const AdminSession&) = delete;

  void start();
  void cancel() override;

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  void on_handshake(boost::system::error_code ec);
  void do_read();
  void on_read(boost::system::error_code ec);
  void on_write(boost::system::error_code ec, bool close);
  void close();

  const std::shared_ptr<AdminState> state_;
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::uint64_t id_ = 0;
};

}  // namespace sluice
