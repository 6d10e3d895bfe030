#include "sources/grpc/multiplex_listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

namespace sluice {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
// A client that connects and says nothing for this long is dropped.
constexpr auto kClassifyTimeout = std::chrono::seconds(10);
// The preface arrived in pieces: look again after this long.
constexpr auto kPartialRetry = std::chrono::milliseconds(2);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

// Without an HTTP source attached, an HTTP/1.1 client is told so instead of seeing a reset.
constexpr std::string_view kNoHttpAnswer =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 39\r\nConnection: close\r\n\r\n"
    "no HTTP source is attached to this port";

}  // namespace

WireProtocol classify_prefix(std::string_view prefix) noexcept {
  const std::size_t compared = std::min(prefix.size(), kHttp2Preface.size());
  if (prefix.substr(0, compared) != kHttp2Preface.substr(0, compared)) return WireProtocol::http1;
  return compared == kHttp2Preface.size() ? WireProtocol::http2 : WireProtocol::undecided;
}

// One accepted connection until its protocol is known.
class ProtocolSniffer : public std::enable_shared_from_this<ProtocolSniffer> {
 public:
  ProtocolSniffer(tcp::socket socket, std::shared_ptr<MultiplexListener> listener)
      : socket_(std::move(socket)),
        listener_(std::move(listener)),
        deadline_(socket_.get_executor()),
        retry_(socket_.get_executor()) {}

  void start() {
    error_code ec;
    socket_.non_blocking(true, ec);
    socket_.set_option(tcp::no_delay(true), ec);
    deadline_.expires_after(kClassifyTimeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& wait_ec) {
      if (!wait_ec) self->close();
    });
    do_wait();
  }

 private:
  void do_wait() {
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](const error_code& ec) { self->on_readable(ec); });
  }

  void on_readable(const error_code& ec) {
    if (ec || !socket_.is_open()) return close();
    std::array<char, kHttp2Preface.size()> bytes{};
    error_code peek_ec;
    const std::size_t size = socket_.receive(asio::buffer(bytes), tcp::socket::message_peek, peek_ec);
    if (peek_ec == asio::error::would_block || peek_ec == asio::error::try_again) return do_wait();
    if (peek_ec || size == 0) return close();  // closed (or failed) before saying anything
    switch (classify_prefix(std::string_view(bytes.data(), size))) {
      case WireProtocol::undecided:
        retry_.expires_after(kPartialRetry);
        retry_.async_wait([self = shared_from_this()](const error_code& wait_ec) {
          if (!wait_ec) self->on_readable({});
        });
        return;
      case WireProtocol::http2: return hand_off(listener_->grpc_);
      case WireProtocol::http1:
        if (listener_->http_) return hand_off(listener_->http_);
        return refuse_http();
    }
  }

  void hand_off(const MultiplexListener::Handoff& receiver) {
    deadline_.cancel();
    retry_.cancel();
    if (listener_->stopped_.load(std::memory_order_relaxed)) return close();
    error_code ec;
    const int fd = socket_.release(ec);
    if (ec) return close();
    // Asio made it non-blocking already; the receivers expect that, so make sure.
    const int flags = ::fcntl(fd, F_GETFL, 0);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    try {
      receiver(fd);
    } catch (const std::exception& error) {
      spdlog::warn("{}.multiplex: cannot hand a connection over: {}", listener_->key_, error.what());
    }
  }

  void refuse_http() {
    deadline_.cancel();
    asio::async_write(socket_, asio::buffer(kNoHttpAnswer),
                      [self = shared_from_this()](const error_code&, std::size_t) { self->close(); });
  }

  void close() {
    error_code ignored;
    deadline_.cancel();
    retry_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  std::shared_ptr<MultiplexListener> listener_;
  asio::steady_timer deadline_;
  asio::steady_timer retry_;
};

MultiplexListener::MultiplexListener(asio::io_context& io, std::string key, Handoff grpc, Handoff http)
    : io_(io),
      key_(std::move(key)),
      grpc_(std::move(grpc)),
      http_(std::move(http)),
      acceptor_(asio::make_strand(io)),
      retry_timer_(acceptor_.get_executor()) {}

void MultiplexListener::start(const std::string& host, std::uint16_t port) {
  error_code ec;
  const auto fail = [&](std::string_view step) {
    throw std::runtime_error(fmt::format("{}.multiplex.listen: cannot {} {}:{}: {}", key_, step, host, port,
                                         ec.message()));
  };
  tcp::endpoint endpoint;
  if (const auto address = asio::ip::make_address(host, ec); !ec) {
    endpoint = tcp::endpoint(address, port);
  } else {
    tcp::resolver resolver(io_);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) fail("resolve");
    endpoint = results.begin()->endpoint();
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) fail("open a socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("set SO_REUSEADDR on");
  acceptor_.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  port_ = acceptor_.local_endpoint(ec).port();
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void MultiplexListener::stop() noexcept {
  if (stopped_.exchange(true)) return;
  try {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      error_code ignored;
      self->acceptor_.close(ignored);
      self->retry_timer_.cancel();
    });
  } catch (const std::exception& error) {
    spdlog::error("{}.multiplex: cannot stop the listener: {}", key_, error.what());
  }
}

void MultiplexListener::do_accept() {
  acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void MultiplexListener::on_accept(const error_code& ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // EMFILE and the like: wait instead of spinning.
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](const error_code& wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  std::make_shared<ProtocolSniffer>(std::move(socket), shared_from_this())->start();
  do_accept();
}

}  // namespace sluice
