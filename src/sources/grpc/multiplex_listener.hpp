#pragma once
// One TCP port for HTTP/1.1 and cleartext gRPC together. Each accepted connection is classified
// by peeking (not reading) its first bytes: the HTTP/2 connection preface
// "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (RFC 9113 3.4, what gRPC clients send with prior knowledge)
// sends the socket to the gRPC server, anything else to the HTTP/1.1 handler. Because nothing is
// consumed, the receiver reads the connection from its first byte.
//
// Thread-safety: start() from the main thread; stop() from any; the rest runs on the io_context
// (the acceptor on its own strand, one strand per connection being classified). Lifetime: held by
// shared_ptr, also by every connection being classified. Internal to the gRPC source.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sluice {

// Classification of a connection's first bytes.
enum class WireProtocol : std::uint8_t { undecided, http1, http2 };
// `prefix` is what has arrived so far; undecided while it is a proper prefix of the preface.
WireProtocol classify_prefix(std::string_view prefix) noexcept;

class MultiplexListener : public std::enable_shared_from_this<MultiplexListener> {
 public:
  // Takes ownership of a connected socket (a native handle, non-blocking). Called on an io thread.
  using Handoff = std::function<void(int native_socket)>;

  // `key` names the config section in errors ("sources.grpc").
  MultiplexListener(boost::asio::io_context& io, std::string key, Handoff grpc, Handoff http);

  // Binds and listens; throws std::runtime_error naming `<key>.multiplex.listen` when it cannot.
  void start(const std::string& host, std::uint16_t port);
  std::uint16_t port() const noexcept { return port_.load(std::memory_order_relaxed); }
  // Closes the listener; connections still being classified are closed instead of handed off.
  void stop() noexcept;

 private:
  friend class ProtocolSniffer;
  void do_accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  const std::string key_;
  const Handoff grpc_;
  const Handoff http_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint16_t> port_{0};
};

}  // namespace sluice
