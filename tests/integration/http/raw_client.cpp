#include "raw_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <fmt/format.h>

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace sluice::test {
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// A SyncReadStream over the client socket whose reads give up at a deadline (Asio's blocking
// reads would wait forever).
struct DeadlineStream {
  asio::ip::tcp::socket& socket;
  std::chrono::steady_clock::time_point deadline;

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ec = asio::error::timed_out;
      return 0;
    }
    pollfd descriptor{socket.native_handle(), POLLIN, 0};
    const int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready <= 0) {
      ec = asio::error::timed_out;
      return 0;
    }
    return socket.read_some(buffers, ec);
  }

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t bytes = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return bytes;
  }
};

}  // namespace

std::string request_text(std::string_view method, std::string_view target, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string text = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target);
  bool chunked = false;
  for (const auto& [name, value] : headers) {
    text += fmt::format("{}: {}\r\n", name, value);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "transfer-encoding") chunked = true;
  }
  if (!chunked) text += fmt::format("Content-Length: {}\r\n", body.size());
  text += "\r\n";
  text += body;
  return text;
}

std::string post_text(std::string_view content_type, std::string_view body,
                      const std::vector<std::pair<std::string, std::string>>& extra, std::string_view target) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!content_type.empty()) headers.emplace_back("Content-Type", std::string(content_type));
  headers.insert(headers.end(), extra.begin(), extra.end());
  return request_text("POST", target, body, headers);
}

RawClient::RawClient(std::uint16_t port) : socket_(io_) {
  boost::system::error_code ec;
  socket_.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) socket_.close(ec);
}

void RawClient::send(std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
}

std::optional<Reply> RawClient::read_reply(std::chrono::milliseconds timeout) {
  if (!socket_.is_open()) return std::nullopt;
  DeadlineStream stream{socket_, std::chrono::steady_clock::now() + timeout};
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  boost::system::error_code ec;
  http::read(stream, buffer_, parser, ec);
  if (ec) return std::nullopt;
  const auto& response = parser.get();
  Reply reply;
  reply.status = response.result_int();
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    reply.headers[name] = std::string(field.value());
  }
  reply.body = response.body();
  reply.keep_alive = response.keep_alive();
  return reply;
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  if (!socket_.is_open()) return true;
  DeadlineStream stream{socket_, std::chrono::steady_clock::now() + timeout};
  char scratch[4096];
  for (;;) {
    boost::system::error_code ec;
    stream.read_some(asio::buffer(scratch), ec);
    if (ec == asio::error::timed_out) return false;
    if (ec) return true;  // EOF or reset: closed
  }
}

void RawClient::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::optional<Reply> round_trip(std::uint16_t port, std::string_view request, std::chrono::milliseconds timeout) {
  RawClient client(port);
  client.send(request);
  return client.read_reply(timeout);
}

}  // namespace sluice::test
