#pragma once
// A blocking HTTP/1.1 client over a raw socket, so tests control exactly which bytes are sent
// and when (partial bodies, floods, pipelining). Every read has a deadline.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::test {

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = true;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Builds a request; Content-Length is added unless `headers` has Transfer-Encoding.
std::string request_text(std::string_view method, std::string_view target, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers);
std::string post_text(std::string_view content_type, std::string_view body,
                      const std::vector<std::pair<std::string, std::string>>& extra = {},
                      std::string_view target = "/");

class RawClient {
 public:
  explicit RawClient(std::uint16_t port);
  bool connected() const noexcept { return socket_.is_open(); }

  void send(std::string_view bytes);
  // Reads one response; nullopt if none arrived within `timeout` or the connection closed first.
  std::optional<Reply> read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True once the server has closed the connection (EOF or reset), waiting up to `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  void close();

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Polls `condition` until it holds or `timeout` passes: for state that has no event to wait on
// (budget returned, a counter reached). Never used as a delay.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// One request on a fresh connection.
std::optional<Reply> round_trip(std::uint16_t port, std::string_view request,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace sluice::test
