#pragma once
// The definition of HttpSession<Stream>, included only by the files that instantiate it
// (http_session.cpp: plain TCP; https_session.cpp: TLS).

#include "sources/http/http_session.hpp"

#include "sources/http/http_ack_token.hpp"
#include "sources/http/session_errors.hpp"

#include <sluice/core/batch.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace sluice {
namespace http_session_detail {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

// A chunked body's buffer starts here and doubles up to max_body_bytes.
constexpr std::size_t kInitialChunkedCapacity = 64 * 1024;
// After a closing answer the client may still be sending (a body we refused to read): reading
// and dropping it for a moment lets the client see the answer instead of a reset connection.
constexpr auto kLingerTimeout = std::chrono::seconds(1);
constexpr std::size_t kLingerMaxBytes = 1 << 20;
constexpr std::size_t kLingerBufferSize = 16 * 1024;
// overload: wait. While some budget is free but not enough, check again this often (see
// wait_for_budget).
constexpr auto kAdmissionRetryDelay = std::chrono::milliseconds(10);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

inline bool is_disconnect(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::operation_aborted;
}

// A failed TLS handshake because the client spoke plain HTTP (defined in https_session.cpp, the
// only file that sees OpenSSL's reason codes).
bool is_plain_http_on_tls_port(const error_code& ec) noexcept;
// How a failed handshake is logged: OpenSSL's reason ("no certificate returned", "http request").
std::string describe_tls_error(const error_code& ec);

// A TLS connection waits for its next request with a read into the request buffer, not a wait on
// the socket: decrypted bytes may already sit inside the TLS layer, where the socket cannot show
// them. That read takes up to this much.
constexpr std::size_t kIdleReadBytes = 4096;
// A plain-HTTP request on a TLS port gets this (unencrypted) answer before the connection closes.
constexpr std::string_view kPlainHttpOnTlsPort =
    "HTTP/1.1 400 Bad Request\r\nServer: sluice\r\nContent-Type: application/json\r\nConnection: close\r\n"
    "Content-Length: 83\r\n\r\n"
    R"({"error":"bad_request","reason":"this port speaks TLS: use https:// for this port"})";

}  // namespace http_session_detail

using namespace http_session_detail;  // NOLINT: internal header, included by two .cpp files only

template <class Stream>
template <class... StreamArgs>
HttpSession<Stream>::HttpSession(std::shared_ptr<HttpSourceState> state, bool overflow, StreamArgs&&... stream_args)
    : state_(std::move(state)),
      overflow_(overflow),
      stream_(std::forward<StreamArgs>(stream_args)...),
      executor_(stream_.get_executor()),
      timer_(executor_),
      retry_timer_(executor_) {}

template <class Stream>
tcp::socket& HttpSession<Stream>::tcp_socket() noexcept {
  return boost::beast::get_lowest_layer(stream_);
}

template <class Stream>
HttpSession<Stream>::~HttpSession() {
  if (registry_id_ != 0) state_->sessions.remove(registry_id_);
  (overflow_ ? state_->overflow_connections : state_->connections).fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
void HttpSession<Stream>::start() {
  registry_id_ = state_->sessions.add(this->weak_from_this());
  asio::dispatch(executor_, [self = this->shared_from_this()] {
    if constexpr (kTls) {
      self->do_handshake();
    } else if (self->overflow_) {
      self->answer_overflow();
    } else {
      self->do_wait_request();
    }
  });
}

template <class Stream>
void HttpSession<Stream>::answer_overflow() {
  HttpAnswer answer = error_answer(
      503, http_error::kUnavailable,
      fmt::format("too many connections (max_connections = {})", state_->config.max_connections));
  answer.metric = session_error::kTooManyConnections;
  answer.retry_after = state_->config.retry_after_seconds;
  answer.close = true;
  body_unread_ = true;
  respond(std::move(answer));
}

// --- TLS handshake -------------------------------------------------------------------------------

template <class Stream>
void HttpSession<Stream>::do_handshake() {
  if constexpr (kTls) {
    phase_ = Phase::handshake;
    // A client that never finishes its handshake is bounded like one that never sends a header.
    arm_timer(state_->config.header_timeout);
    stream_.async_handshake(Stream::server, [self = this->shared_from_this()](error_code ec) { self->on_handshake(ec); });
  }
}

template <class Stream>
void HttpSession<Stream>::on_handshake(error_code ec) {
  if (phase_ != Phase::handshake) return;
  if (ec) {
    disarm_timer();
    state_->errors.count(session_error::kTlsHandshakeFailed);
    std::uint64_t suppressed = 0;
    if (state_->tls_warnings.allow(suppressed)) {
      error_code ignored;
      const auto peer = tcp_socket().remote_endpoint(ignored);
      spdlog::warn("http source '{}': TLS handshake with {} failed: {} ({} similar warnings suppressed)",
                   state_->name, ignored ? std::string("?") : peer.address().to_string(), describe_tls_error(ec),
                   suppressed);
    }
    if (is_plain_http_on_tls_port(ec)) {
      refuse_plain_http();
      return;
    }
    close_socket();
    return;
  }
  if (overflow_) {
    answer_overflow();
    return;
  }
  do_wait_request();
}

template <class Stream>
void HttpSession<Stream>::refuse_plain_http() {
  // The client is waiting for an HTTP answer it can read: say what is wrong in cleartext.
  phase_ = Phase::writing;
  arm_timer(state_->config.body_timeout);
  asio::async_write(tcp_socket(), asio::buffer(kPlainHttpOnTlsPort.data(), kPlainHttpOnTlsPort.size()),
                    [self = this->shared_from_this()](error_code, std::size_t) {
                      if (self->phase_ != Phase::writing) return;
                      self->disarm_timer();
                      self->phase_ = Phase::lingering;
                      error_code ignored;
                      self->tcp_socket().shutdown(tcp::socket::shutdown_send, ignored);
                      self->arm_timer(kLingerTimeout);
                      self->do_linger_read();
                    });
}

template <class Stream>
void HttpSession<Stream>::cancel(std::function<void()> closed) {
  asio::post(executor_, [self = this->shared_from_this(), closed = std::move(closed)] {
    self->close_socket();
    if (closed) closed();
  });
}

template <class Stream>
void HttpSession<Stream>::deliver(BatchOutcome outcome) {
  asio::post(executor_, [self = this->shared_from_this(), outcome = std::move(outcome)]() mutable {
    self->on_outcome(std::move(outcome));
  });
}

// --- Waiting for and reading the request header ----------------------------------------------

template <class Stream>
void HttpSession<Stream>::do_wait_request() {
  phase_ = Phase::idle;
  // A new connection has header_timeout for its whole first header; a pipelined request is
  // already here. Only a kept-alive connection waits (up to idle_timeout) for its next request.
  if (first_request_ || buffer_.size() > 0) {
    do_read_header();
    return;
  }
  arm_timer(state_->config.idle_timeout);
  if constexpr (kTls) {
    // Decrypted bytes may already wait inside the TLS layer, where the socket cannot show them.
    stream_.async_read_some(buffer_.prepare(kIdleReadBytes),
                            [self = this->shared_from_this()](error_code ec, std::size_t bytes) {
                              self->buffer_.commit(bytes);
                              self->on_readable(ec);
                            });
  } else {
    stream_.async_wait(tcp::socket::wait_read,
                       [self = this->shared_from_this()](error_code ec) { self->on_readable(ec); });
  }
}

template <class Stream>
void HttpSession<Stream>::on_readable(error_code ec) {
  if (phase_ != Phase::idle) return;
  if (ec) {
    close_socket();
    return;
  }
  do_read_header();
}

template <class Stream>
void HttpSession<Stream>::do_read_header() {
  phase_ = Phase::header;
  head_request_ = false;
  parser_.emplace();
  parser_->header_limit(state_->config.max_header_bytes);
  // The declared length is checked after authentication (evaluate_request_head); the parser's
  // limit is set for the body read only, where it bounds chunked bodies.
  parser_->body_limit(boost::none);
  arm_timer(state_->config.header_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void HttpSession<Stream>::on_header(error_code ec) {
  if (phase_ != Phase::header) return;
  if (ec == http::error::header_limit) {
    body_unread_ = true;
    HttpAnswer answer = error_answer(
        431, http_error::kHeaderTooLarge,
        fmt::format("the request header exceeds {} bytes (max_header_bytes)", state_->config.max_header_bytes));
    answer.close = true;
    respond(std::move(answer));
    return;
  }
  if (ec) {
    if (is_disconnect(ec)) {
      close_socket();
      return;
    }
    body_unread_ = true;
    HttpAnswer answer = error_answer(400, http_error::kBadRequest, fmt::format("malformed request: {}", ec.message()));
    answer.close = true;
    respond(std::move(answer));
    return;
  }

  received_at_ = std::chrono::steady_clock::now();
  first_request_ = false;
  const auto& request = parser_->get();
  version_ = request.version();
  head_request_ = request.method() == http::verb::head;
  keep_alive_ = request.keep_alive();
  framing_ = BodyFraming{};
  framing_.chunked = parser_->chunked();
  if (const auto length = parser_->content_length()) framing_.content_length = *length;

  ++requests_;
  HeadDecision decision = evaluate_request_head(request.base(), framing_, state_->config, attributes_);
  if (decision.reject) {
    body_unread_ = decision.reject->close;
    respond(std::move(*decision.reject));
    return;
  }
  // After authentication: a client without credentials cannot use up the others' rate.
  std::uint32_t retry_after = 0;
  if (state_->request_rate && !state_->request_rate->try_take(retry_after)) {
    HttpAnswer answer =
        error_answer(429, http_error::kRateLimited,
                     fmt::format("more than {} requests per second (max_requests_per_second); retry later",
                                 state_->config.max_requests_per_second));
    answer.retry_after = std::max(retry_after, state_->config.retry_after_seconds);
    answer.close = framing_.has_body();  // the body stays unread
    body_unread_ = answer.close;
    respond(std::move(answer));
    return;
  }
  mode_ = decision.mode;
  expect_continue_ = decision.expect_continue;
  // A chunked body's size is unknown until it ends, so it reserves the most it may grow to.
  admission_bytes_ = framing_.chunked ? state_->config.max_body_bytes : framing_.content_length.value_or(0);
  do_admit();
}

// --- Admission -------------------------------------------------------------------------------

template <class Stream>
void HttpSession<Stream>::do_admit() {
  Admission& admission = state_->ingress.admission();
  if (auto lease = admission.try_acquire(admission_bytes_)) {
    on_admitted(std::move(*lease));
    return;
  }
  body_unread_ = framing_.has_body();
  if (admission_bytes_ > admission.max_bytes()) {
    // Would never fit, however long it waited.
    HttpAnswer answer = error_answer(
        413, http_error::kPayloadTooLarge,
        fmt::format("the request needs {} bytes of budget; the whole budget is {} (pipeline.budget_bytes; "
                    "a chunked body reserves max_body_bytes)",
                    admission_bytes_, admission.max_bytes()));
    answer.close = true;
    respond(std::move(answer));
    return;
  }
  std::uint64_t suppressed = 0;
  if (state_->warnings.allow(suppressed)) {
    spdlog::warn("http source '{}': in-flight budget exhausted ({} of {} bytes in use), overload: {} "
                 "({} similar warnings suppressed)",
                 state_->name, admission.bytes_in_use(), admission.max_bytes(),
                 state_->config.overload == OverloadPolicy::reject ? "reject" : "wait", suppressed);
  }
  if (state_->config.overload == OverloadPolicy::reject) {
    HttpAnswer answer = error_answer(429, http_error::kOverloaded, "the in-flight budget is exhausted; retry later");
    answer.retry_after = state_->config.retry_after_seconds;
    answer.close = true;  // the body stays unread
    respond(std::move(answer));
    return;
  }
  phase_ = Phase::admission_wait;
  ++admission_wait_id_;
  arm_timer(state_->config.admission_timeout);
  wait_for_budget();
}

template <class Stream>
void HttpSession<Stream>::wait_for_budget() {
  if (state_->ingress.admission().free_bytes() > 0) {
    // Some budget is free, just not enough. Admission wakes every listener at once while any is
    // free, so registering now would wake all waiting sessions in a loop: poll briefly instead.
    retry_timer_.expires_after(kAdmissionRetryDelay);
    retry_timer_.async_wait([self = this->shared_from_this(), id = admission_wait_id_](error_code ec) {
      if (!ec) self->on_budget_freed(id);
    });
    return;
  }
  if (wake_registered_) return;  // the earlier registration is still pending
  wake_registered_ = true;
  // Admission may call this on any thread, possibly long after the session is gone: it holds
  // the session only weakly and reaches the strand through it.
  // A wake means "budget was released": it serves whichever wait is current when it arrives.
  state_->ingress.admission().notify_when_free([weak = this->weak_from_this()] {
    if (auto self = weak.lock()) {
      asio::post(self->executor_, [self] {
        self->wake_registered_ = false;
        if (self->phase_ == Phase::admission_wait) self->on_budget_freed(self->admission_wait_id_);
      });
    }
  });
}

template <class Stream>
void HttpSession<Stream>::on_budget_freed(std::uint64_t wait_id) {
  if (phase_ != Phase::admission_wait || wait_id != admission_wait_id_) return;
  if (auto lease = state_->ingress.admission().try_acquire(admission_bytes_)) {
    on_admitted(std::move(*lease));
    return;
  }
  wait_for_budget();
}

template <class Stream>
void HttpSession<Stream>::on_admitted(AdmissionLease lease) {
  ++admission_wait_id_;  // a wake still registered is stale now
  retry_timer_.cancel();
  lease_.emplace(std::move(lease));
  charge_ = InflightCharge(state_->metrics.inflight_bytes, static_cast<double>(admission_bytes_));
  body_received_ = 0;
  if (!framing_.has_body()) {
    body_ = PaddedBuffer(0);
    submit();
    return;
  }
  const std::uint64_t max_body = state_->config.max_body_bytes;
  body_ = PaddedBuffer(framing_.chunked ? std::min<std::uint64_t>(kInitialChunkedCapacity, max_body)
                                        : *framing_.content_length);
  if (framing_.chunked) parser_->body_limit(max_body);
  phase_ = Phase::body;
  // One deadline for the whole body: a client that trickles bytes cannot hold its budget longer.
  arm_timer(state_->config.body_timeout);
  if (expect_continue_ && version_ >= 11) {  // HTTP/1.0 clients do not know 100 Continue
    do_send_continue();
  } else {
    do_read_body();
  }
}

// --- Reading the body ------------------------------------------------------------------------

template <class Stream>
void HttpSession<Stream>::do_send_continue() {
  asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = this->shared_from_this()](error_code ec, std::size_t) {
                      if (ec || self->phase_ != Phase::body) {
                        self->on_body_failed(ec);
                        return;
                      }
                      self->do_read_body();
                    });
}

template <class Stream>
void HttpSession<Stream>::do_read_body() {
  if (framing_.chunked) {
    do_read_chunked();
    return;
  }
  // Content-Length: take what the header read already buffered, then read the rest from the
  // socket straight into the padded buffer (no staging copy through the parser).
  const std::size_t length = body_.capacity();
  const std::size_t buffered = std::min(buffer_.size(), length);
  asio::buffer_copy(asio::buffer(body_.data(), buffered), buffer_.data(), buffered);
  buffer_.consume(buffered);
  body_received_ = buffered;
  if (body_received_ == length) {
    on_body_direct({}, 0);
    return;
  }
  asio::async_read(stream_, asio::buffer(body_.data() + body_received_, length - body_received_),
                   [self = this->shared_from_this()](error_code ec, std::size_t bytes) { self->on_body_direct(ec, bytes); });
}

template <class Stream>
void HttpSession<Stream>::on_body_direct(error_code ec, std::size_t bytes) {
  if (ec || phase_ != Phase::body) {
    on_body_failed(ec);
    return;
  }
  body_received_ += bytes;
  body_.set_size(body_received_);
  submit();
}

template <class Stream>
void HttpSession<Stream>::do_read_chunked() {
  auto& body = parser_->get().body();
  body.data = body_.data() + body_received_;
  body.size = body_.capacity() - body_received_;
  body.more = true;
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_body_chunked(ec); });
}

template <class Stream>
void HttpSession<Stream>::on_body_chunked(error_code ec) {
  if (phase_ != Phase::body) {
    on_body_failed(ec);
    return;
  }
  body_received_ = static_cast<std::size_t>(static_cast<char*>(parser_->get().body().data) - body_.data());
  if (ec == http::error::need_buffer) {
    const std::uint64_t max_body = state_->config.max_body_bytes;
    if (body_.capacity() >= max_body) {
      on_body_failed(http::error::body_limit);
      return;
    }
    body_.set_size(body_received_);  // reserve() keeps size() bytes
    body_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(body_.capacity() * 2, max_body)));
    do_read_chunked();
    return;
  }
  if (ec) {
    on_body_failed(ec);
    return;
  }
  body_.set_size(body_received_);
  submit();
}

template <class Stream>
void HttpSession<Stream>::on_body_failed(error_code ec) {
  if (phase_ == Phase::body_timed_out) {
    body_unread_ = true;
    HttpAnswer answer = error_answer(
        408, http_error::kRequestTimeout,
        fmt::format("the body did not arrive within {}ms (body_timeout)", state_->config.body_timeout.count()));
    answer.close = true;
    respond(std::move(answer));
    return;
  }
  if (phase_ != Phase::body) return;  // closed meanwhile
  body_unread_ = true;
  if (ec == http::error::body_limit) {
    HttpAnswer answer = error_answer(
        413, http_error::kPayloadTooLarge,
        fmt::format("the chunked body exceeds {} bytes (max_body_bytes)", state_->config.max_body_bytes));
    answer.close = true;
    respond(std::move(answer));
    return;
  }
  if (is_disconnect(ec) || ec.category() != http::make_error_code(http::error::end_of_stream).category()) {
    // The client went away mid-body: nothing to answer; the budget goes back at once.
    state_->errors.count(session_error::kTruncatedBody);
    spdlog::debug("http source '{}': body truncated after {} bytes: {}", state_->name, body_received_, ec.message());
    close_socket();
    return;
  }
  HttpAnswer answer = error_answer(400, http_error::kBadRequest, fmt::format("malformed body: {}", ec.message()));
  answer.close = true;
  respond(std::move(answer));
}

// --- Handing over and answering --------------------------------------------------------------

template <class Stream>
void HttpSession<Stream>::submit() {
  disarm_timer();
  phase_ = Phase::processing;
  body_unread_ = false;
  parser_.reset();
  const std::size_t size = body_.size();
  auto token = std::make_unique<HttpAckToken>(this->shared_from_this(), std::move(charge_));
  auto batch = std::make_unique<IngressBatch>(state_->name, mode_, std::move(body_), std::move(token),
                                              std::move(*lease_));
  lease_.reset();
  batch->ack_mode = state_->config.ack_delivered ? AckMode::delivered : AckMode::accepted;
  batch->received_at = received_at_;
  batch->max_events = state_->config.max_events_per_request;
  if (mode_ == ContentMode::binary) attributes_.copy_into(*batch);
  if (mode_ == ContentMode::plain_json) {
    // Views into the shared state, which the session (held by the batch's token) keeps alive.
    batch->wrap_source = state_->config.wrap_source;
    batch->wrap_type = state_->config.wrap_type;
  }
  state_->metrics.bytes_in.Increment(static_cast<double>(size));
  state_->ingress.submit(std::move(batch));
}

template <class Stream>
void HttpSession<Stream>::on_outcome(BatchOutcome outcome) {
  if (phase_ != Phase::processing) return;  // the connection was closed meanwhile
  const std::chrono::duration<double> latency = std::chrono::steady_clock::now() - received_at_;
  state_->metrics.ack_latency_seconds.Observe(latency.count());
  if (outcome.status == BatchOutcome::Status::delivered || outcome.status == BatchOutcome::Status::accepted) {
    state_->metrics.events_in.Increment(static_cast<double>(outcome.accepted) + outcome.filtered);
  }
  respond(answer_for_outcome(outcome, state_->config.retry_after_seconds));
}

template <class Stream>
void HttpSession<Stream>::respond(HttpAnswer answer) {
  if (!answer.error.empty()) {
    state_->errors.count(answer.metric.empty() ? answer.error : answer.metric);
    spdlog::debug("http source '{}': {} {}", state_->name, answer.status, answer.body);
  }
  drop_request_state();
  parser_.reset();
  body_ = PaddedBuffer();
  const std::uint32_t max_requests = state_->config.max_requests_per_connection;
  const bool close = answer.close || !keep_alive_ || !state_->accepting.load(std::memory_order_relaxed) ||
                     (max_requests != 0 && requests_ >= max_requests);

  response_ = {};
  response_.version(version_);
  response_.result(answer.status);
  response_.set(http::field::server, "sluice");
  response_.set(http::field::content_type, "application/json");
  if (answer.retry_after) response_.set(http::field::retry_after, std::to_string(*answer.retry_after));
  if (!answer.www_authenticate.empty()) response_.set(http::field::www_authenticate, answer.www_authenticate);
  if (answer.allow_post) response_.set(http::field::allow, "POST");
  response_.body() = std::move(answer.body);
  response_.keep_alive(!close);
  response_.prepare_payload();
  if (head_request_) response_.body().clear();  // Content-Length stays that of the GET-like answer

  phase_ = Phase::writing;
  // A client that does not read its answer is bounded like one that does not send its body.
  arm_timer(state_->config.body_timeout);
  http::async_write(stream_, response_,
                    [self = this->shared_from_this(), close](error_code ec, std::size_t) { self->on_write(ec, close); });
}

template <class Stream>
void HttpSession<Stream>::on_write(error_code ec, bool close) {
  if (phase_ != Phase::writing) return;
  disarm_timer();
  if (ec) {
    close_socket();
    return;
  }
  if (close) {
    do_linger();
    return;
  }
  do_wait_request();
}

// --- Closing ---------------------------------------------------------------------------------

template <class Stream>
void HttpSession<Stream>::do_linger() {
  phase_ = Phase::lingering;
  // Also when the whole request was read: a client may have pipelined more, and waiting for its
  // close (briefly) is what keeps our answer from being lost to a reset.
  buffer_.clear();
  arm_timer(kLingerTimeout);
  if constexpr (kTls) {
    do_tls_shutdown();
  } else {
    error_code ignored;
    stream_.shutdown(tcp::socket::shutdown_send, ignored);
    do_linger_read();
  }
}

template <class Stream>
void HttpSession<Stream>::do_tls_shutdown() {
  if constexpr (kTls) {
    // close_notify first, so the client can tell our close from a truncation. It completes when
    // the client answers with its own; when it sends data instead (a body we refused) or errs,
    // the rest of the linger drains the raw socket like a plain connection.
    stream_.async_shutdown([self = this->shared_from_this()](error_code ec) {
      if (self->phase_ != Phase::lingering) return;
      if (!ec) {
        self->close_socket();
        return;
      }
      error_code ignored;
      self->tcp_socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->do_linger_read();
    });
  }
}

template <class Stream>
void HttpSession<Stream>::do_linger_read() {
  if (!linger_buffer_) linger_buffer_ = std::make_unique<char[]>(kLingerBufferSize);
  // The raw socket, also under TLS: these bytes are only counted and dropped.
  tcp_socket().async_read_some(asio::buffer(linger_buffer_.get(), kLingerBufferSize),
                               [self = this->shared_from_this()](error_code ec, std::size_t bytes) {
                                 self->on_linger_read(ec, bytes);
                               });
}

template <class Stream>
void HttpSession<Stream>::on_linger_read(error_code ec, std::size_t bytes) {
  if (phase_ != Phase::lingering) return;
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kLingerMaxBytes) {
    close_socket();
    return;
  }
  do_linger_read();
}

template <class Stream>
void HttpSession<Stream>::close_socket() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  ++admission_wait_id_;
  disarm_timer();
  retry_timer_.cancel();
  error_code ignored;
  tcp_socket().shutdown(tcp::socket::shutdown_both, ignored);
  tcp_socket().close(ignored);
  // The budget goes back now; the buffers may still be the target of a cancelled operation and
  // are freed with the session.
  drop_request_state();
}

template <class Stream>
void HttpSession<Stream>::drop_request_state() noexcept {
  lease_.reset();
  charge_.release();
}

// --- Deadlines -------------------------------------------------------------------------------

template <class Stream>
void HttpSession<Stream>::arm_timer(std::chrono::steady_clock::duration timeout) {
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_after(timeout);
  timer_.async_wait([self = this->shared_from_this(), generation](error_code ec) {
    if (!ec && generation == self->timer_generation_) self->on_timeout();
  });
}

template <class Stream>
void HttpSession<Stream>::disarm_timer() {
  ++timer_generation_;
  timer_.cancel();
}

template <class Stream>
void HttpSession<Stream>::on_timeout() {
  switch (phase_) {
    case Phase::idle:
      close_socket();  // an idle kept-alive connection ends quietly
      return;
    case Phase::handshake:
    case Phase::header:
      state_->errors.count(session_error::kHeaderTimeout);
      close_socket();
      return;
    case Phase::admission_wait: {
      ++admission_wait_id_;
      retry_timer_.cancel();
      HttpAnswer answer = error_answer(
          503, http_error::kUnavailable,
          fmt::format("the in-flight budget stayed exhausted for {}ms (admission_timeout)",
                      state_->config.admission_timeout.count()));
      answer.metric = session_error::kAdmissionTimeout;
      answer.retry_after = state_->config.retry_after_seconds;
      answer.close = true;
      respond(std::move(answer));
      return;
    }
    case Phase::body: {
      // Cancelling the pending read (or 100 Continue write) makes its handler answer 408.
      phase_ = Phase::body_timed_out;
      error_code ignored;
      tcp_socket().cancel(ignored);
      return;
    }
    case Phase::writing:
    case Phase::lingering:
      close_socket();
      return;
    case Phase::body_timed_out:
    case Phase::processing:
    case Phase::closed:
      return;
  }
}

}  // namespace sluice
