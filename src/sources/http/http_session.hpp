#pragma once
// One HTTP/1.1 connection of the HTTP source: reads a request's header, admits it against the
// budget, reads its body into a padded buffer, hands the batch to the pipeline, and writes the
// answer when the batch's AckToken delivers it. One request in flight per connection (a
// pipelined request waits in the read buffer until the previous answer is written).
//
// `Stream` is the plain tcp::socket or a Beast ssl_stream over it: one implementation for both,
// instantiated in http_session.cpp and https_session.cpp (only the latter sees the ssl headers),
// so the plain path has no per-read indirection. TLS adds a handshake before the first request
// (under header_timeout) and a close_notify before closing.
//
// Thread-safety: every member function except start(), cancel() and deliver() runs on the
// connection's strand; those three may be called from any thread. Lifetime: shared_from_this
// keeps the session alive while an operation is pending or a batch of it is in the pipeline.
// Internal to the HTTP source (includes Asio and Beast).

#include "sources/http/binary_attributes.hpp"
#include "sources/http/http_connection.hpp"
#include "sources/http/inflight_charge.hpp"
#include "sources/http/request_head.hpp"
#include "sources/http/source_state.hpp"

#include <sluice/core/ack.hpp>
#include <sluice/core/admission.hpp>
#include <sluice/core/padded_buffer.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

namespace sluice {

template <class Stream>
class HttpSession final : public HttpConnection, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // `overflow`: the connection is over max_connections and is only told so (503) and closed.
  // `stream_args` construct the Stream (the socket; for TLS also the ssl context).
  template <class... StreamArgs>
  HttpSession(std::shared_ptr<HttpSourceState> state, bool overflow, StreamArgs&&... stream_args);
  ~HttpSession() override;
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();
  void cancel(std::function<void()> closed) override;
  void deliver(BatchOutcome outcome) override;

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::asio::ip::tcp::socket>;

  enum class Phase : std::uint8_t {
    handshake,       // TLS only: before the first request
    idle,            // between requests, waiting for the first byte
    header,          // reading a request header
    admission_wait,  // overload: wait, holding the client back until budget frees
    body,            // reading the body
    body_timed_out,  // body_timeout fired; the pending read is being cancelled
    processing,      // the batch is in the pipeline
    writing,         // writing an answer
    lingering,       // after a closing answer: draining the client's unread bytes before close
    closed,
  };

  void do_handshake();
  void on_handshake(boost::system::error_code ec);
  void refuse_plain_http();
  void answer_overflow();
  void do_wait_request();
  void on_readable(boost::system::error_code ec);
  void do_read_header();
  void on_header(boost::system::error_code ec);
  void do_admit();
  void wait_for_budget();
  void on_budget_freed(std::uint64_t wait_id);
  void on_admitted(AdmissionLease lease);
  void do_send_continue();
  void do_read_body();
  void on_body_direct(boost::system::error_code ec, std::size_t bytes);
  void do_read_chunked();
  void on_body_chunked(boost::system::error_code ec);
  void on_body_failed(boost::system::error_code ec);
  void submit();
  void on_outcome(BatchOutcome outcome);
  void respond(HttpAnswer answer);
  void on_write(boost::system::error_code ec, bool close);
  void do_linger();
  void do_tls_shutdown();
  void do_linger_read();
  void on_linger_read(boost::system::error_code ec, std::size_t bytes);
  void close_socket();
  void drop_request_state() noexcept;

  void arm_timer(std::chrono::steady_clock::duration timeout);
  void disarm_timer();
  void on_timeout();

  boost::asio::ip::tcp::socket& tcp_socket() noexcept;

  const std::shared_ptr<HttpSourceState> state_;
  const bool overflow_;
  Stream stream_;
  const boost::asio::any_io_executor executor_;  // the connection's strand
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer retry_timer_;
  std::uint64_t timer_generation_ = 0;  // a timer callback from an earlier arm is ignored
  std::uint64_t registry_id_ = 0;

  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::buffer_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;

  Phase phase_ = Phase::idle;
  bool first_request_ = true;
  std::uint32_t requests_ = 0;  // requests read on this connection (max_requests_per_connection)
  bool keep_alive_ = true;
  bool body_unread_ = false;  // a closing answer leaves request bytes unread: linger
  unsigned version_ = 11;
  bool head_request_ = false;
  ContentMode mode_ = ContentMode::structured;
  BodyFraming framing_;
  bool expect_continue_ = false;
  std::uint64_t admission_bytes_ = 0;
  std::uint64_t admission_wait_id_ = 0;
  bool wake_registered_ = false;  // an Admission::notify_when_free callback is outstanding
  std::optional<AdmissionLease> lease_;
  InflightCharge charge_;
  PaddedBuffer body_;
  std::size_t body_received_ = 0;
  BinaryAttributes attributes_;
  std::chrono::steady_clock::time_point received_at_{};
  std::unique_ptr<char[]> linger_buffer_;
  std::size_t lingered_bytes_ = 0;
};

}  // namespace sluice
