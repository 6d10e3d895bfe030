#pragma once
// The definition of AdminSession<Stream>, included only by admin_session.cpp (plain) and
// admin_tls_session.cpp (TLS).

#include "admin/admin_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>

namespace sluice {
namespace admin_session_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

// Admin requests are small and scrapes are periodic: tight limits, generous idle time so a
// Prometheus scraper can keep its connection between scrapes.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::uint64_t kBodyLimit = 4 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// A TLS handshake and close_notify are quick or never.
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kShutdownTimeout = std::chrono::seconds(1);

// Starts a TLS session (admin_tls_session.cpp).
void launch_admin_tls_session(asio::ip::tcp::socket socket, std::shared_ptr<AdminState> state);

}  // namespace admin_session_detail

template <class Stream>
template <class... StreamArgs>
AdminSession<Stream>::AdminSession(std::shared_ptr<AdminState> state, StreamArgs&&... stream_args)
    : state_(std::move(state)), stream_(std::forward<StreamArgs>(stream_args)...) {}

template <class Stream>
AdminSession<Stream>::~AdminSession() {
  {
    std::lock_guard lock(state_->mutex);
    state_->sessions.erase(id_);
  }
  state_->connections.fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
void AdminSession<Stream>::start() {
  {
    std::lock_guard lock(state_->mutex);
    id_ = ++state_->next_id;
    state_->sessions.emplace(id_, this->weak_from_this());
  }
  boost::asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(self->stream_).expires_after(admin_session_detail::kHandshakeTimeout);
      self->stream_.async_handshake(Stream::server,
                                    [self](boost::system::error_code ec) { self->on_handshake(ec); });
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void AdminSession<Stream>::on_handshake(boost::system::error_code ec) {
  if (ec) {
    // Scanners and clients without the right certificate: nothing to answer, nothing to log at
    // more than debug (the admin port is not the data path, and a flood must not fill the log);
    // counted, so that a monitoring system sees them.
    if (state_->tls_handshake_failures != nullptr) state_->tls_handshake_failures->Increment();
    boost::beast::get_lowest_layer(stream_).close();
    return;
  }
  do_read();
}

template <class Stream>
void AdminSession<Stream>::cancel() {
  // A hard close: an operation may be pending, and stop() does not wait for close_notify.
  boost::asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
    boost::beast::get_lowest_layer(self->stream_).close();
  });
}

template <class Stream>
void AdminSession<Stream>::do_read() {
  namespace http = admin_session_detail::http;
  parser_.emplace();
  parser_->header_limit(admin_session_detail::kHeaderLimit);
  parser_->body_limit(admin_session_detail::kBodyLimit);
  boost::beast::get_lowest_layer(stream_).expires_after(admin_session_detail::kIdleTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) { self->on_read(ec); });
}

template <class Stream>
void AdminSession<Stream>::on_read(boost::system::error_code ec) {
  namespace http = admin_session_detail::http;
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
  if (!answer.www_authenticate.empty()) response_.set(http::field::www_authenticate, answer.www_authenticate);
  if (answer.allow_get) response_.set(http::field::allow, "GET, HEAD");
  response_.body() = answer.body;
  const bool close_after = !request.keep_alive();
  response_.keep_alive(!close_after);
  response_.prepare_payload();
  if (request.method() == http::verb::head) response_.body().clear();

  boost::beast::get_lowest_layer(stream_).expires_after(admin_session_detail::kWriteTimeout);
  http::async_write(stream_, response_,
                    [self = this->shared_from_this(), close_after](boost::system::error_code write_ec, std::size_t) {
                      self->on_write(write_ec, close_after);
                    });
}

template <class Stream>
void AdminSession<Stream>::on_write(boost::system::error_code ec, bool close_after) {
  if (ec || close_after) {
    close();
    return;
  }
  do_read();
}

template <class Stream>
void AdminSession<Stream>::close() {
  auto& lowest = boost::beast::get_lowest_layer(stream_);
  if constexpr (kTls) {
    if (lowest.socket().is_open()) {
      // close_notify, bounded: the peer's reply (or silence) ends it, then the socket closes.
      lowest.expires_after(admin_session_detail::kShutdownTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](boost::system::error_code) {
        boost::beast::get_lowest_layer(self->stream_).close();
      });
      return;
    }
  }
  boost::system::error_code ignored;
  lowest.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  lowest.close();
}

}  // namespace sluice
