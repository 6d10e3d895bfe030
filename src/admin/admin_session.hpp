#pragma once
// One keep-alive connection of the admin listener: read a small request, answer it through
// AdminRoutes, repeat. Internal to src/admin (includes Asio and Beast).
//
// Thread-safety: start() and cancel() from any thread; everything else on the connection's
// strand. Lifetime: shared_from_this while an operation is pending.

#include "admin/admin_routes.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace sluice {

class AdminSession;

// Shared by the listener and its sessions; outlives both as long as either holds it.
struct AdminState {
  explicit AdminState(AdminRoutes routes_in) : routes(std::move(routes_in)) {}
  const AdminRoutes routes;
  std::atomic<std::uint32_t> connections{0};
  std::mutex mutex;  // guards sessions
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<AdminSession>> sessions;
};

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<AdminState> state);
  ~AdminSession();
  AdminSession(const AdminSession&) = delete;
  AdminSession& operator=(const AdminSession&) = delete;

  void start();
  void cancel();

 private:
  void do_read();
  void on_read(boost::system::error_code ec);
  void on_write(boost::system::error_code ec, bool close);
  void close();

  const std::shared_ptr<AdminState> state_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::uint64_t id_ = 0;
};

}  // namespace sluice
