#include "admin/admin_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>

namespace sluice {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

// Admin requests are small and scrapes are periodic: tight limits, generous idle time so a
// Prometheus scraper can keep its connection between scrapes.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::uint64_t kBodyLimit = 4 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);

}  // namespace

AdminSession::AdminSession(asio::ip::tcp::socket socket, std::shared_ptr<AdminState> state)
    : state_(std::move(state)), stream_(std::move(socket)) {}

AdminSession::~AdminSession() {
  {
    std::lock_guard lock(state_->mutex);
    state_->sessions.erase(id_);
  }
  state_->connections.fetch_sub(1, std::memory_order_relaxed);
}

void AdminSession::start() {
  {
    std::lock_guard lock(state_->mutex);
    id_ = ++state_->next_id;
    state_->sessions.emplace(id_, weak_from_this());
  }
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void AdminSession::cancel() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void AdminSession::do_read() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(kBodyLimit);
  stream_.expires_after(kIdleTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
}

void AdminSession::on_read(error_code ec) {
  if (ec) {
    // Disconnects, timeouts and malformed or oversized requests alike: an admin client gets no
    // second chance on this connection.
    close();
    return;
  }
  const auto& request = parser_->get();
  const AdminResponse answer = state_->routes.handle(
      {request.method_string(), request.target(), request[http::field::authorization]});

  response_ = {};
  response_.version(request.version());
  response_.result(answer.status);
  response_.set(http::field::server, "sluice");
  response_.set(http::field::content_type, answer.content_type);
  response_.set(http::field::cache_control, "no-store");
  if (answer.www_authenticate) response_.set(http::field::www_authenticate, R"(Basic realm="sluice-admin")");
  if (answer.allow_get) response_.set(http::field::allow, "GET, HEAD");
  response_.body() = answer.body;
  const bool close_after = !request.keep_alive();
  response_.keep_alive(!close_after);
  response_.prepare_payload();
  if (request.method() == http::verb::head) response_.body().clear();

  stream_.expires_after(kWriteTimeout);
  http::async_write(stream_, response_, [self = shared_from_this(), close_after](error_code write_ec, std::size_t) {
    self->on_write(write_ec, close_after);
  });
}

void AdminSession::on_write(error_code ec, bool close_after) {
  if (ec || close_after) {
    close();
    return;
  }
  do_read();
}

void AdminSession::close() {
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

}  // namespace sluice
