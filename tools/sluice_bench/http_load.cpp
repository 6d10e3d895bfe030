#include "http_load.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <memory>
#include <thread>
#include <vector>

#include "event_id.hpp"

namespace sluice::bench {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::chrono::milliseconds kReconnectDelay{100};
constexpr std::chrono::milliseconds kDefaultBackoff{20};   // after a 429/503 without Retry-After
constexpr std::chrono::milliseconds kWatchdogPeriod{100};
constexpr std::chrono::seconds kConnectTimeout{5};
constexpr std::chrono::milliseconds kLateThreshold{1};
// A connection gives up after this many connection failures in a row (about 5 s of refusals), so a
// run against a dead server ends instead of spinning until its deadline.
constexpr unsigned kMaxConsecutiveConnectFailures = 50;
constexpr std::size_t kResponseBodyLimit = 1 << 20;

// What every connection of one run shares. Immutable while the run goes, except the atomics inside
// `schedule` and `live`.
struct Shared {
  const LoadPlan& plan;
  const EventFactory& events;
  ContentMode content;
  std::uint64_t events_per_request;
  HttpUrl url;
  tcp::resolver::results_type endpoints;
  Schedule& schedule;
  LiveCounters& live;
};

std::string describe(std::string_view stage, const beast::error_code& ec) {
  std::string s(stage);
  s += ": ";
  s += ec.message();
  return s;
}

// Retry-After in seconds (the HTTP-date form is not worth parsing for a bench; it gets the default).
std::chrono::milliseconds backoff_for(const http::response<http::string_body>& res, Seconds cap) {
  const auto it = res.find(http::field::retry_after);
  if (it == res.end()) return kDefaultBackoff;
  const std::string_view v = it->value();
  unsigned seconds = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (r.ec != std::errc{}) return kDefaultBackoff;
  const auto wanted = std::chrono::milliseconds(std::chrono::seconds(seconds));
  const auto capped = std::chrono::duration_cast<std::chrono::milliseconds>(cap);
  return std::max(kDefaultBackoff, std::min(wanted, capped));
}

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(net::io_context& ioc, Shared& shared, std::uint32_t index)
      : strand_(net::make_strand(ioc)), stream_(strand_), timer_(strand_), shared_(shared), index_(index) {
    req_.method(http::verb::post);
    req_.target(shared_.url.target);
    req_.version(11);
    const bool v6 = shared_.url.host.find(':') != std::string::npos;
    req_.set(http::field::host, (v6 ? "[" + shared_.url.host + "]" : shared_.url.host) + ":" + shared_.url.port);
    req_.set(http::field::user_agent, "sluice-bench");
    req_.set(http::field::content_type, content_type(shared_.content));
    req_.keep_alive(true);
  }

  void start() {
    net::post(strand_, [self = shared_from_this()] { self->do_next(); });
  }

  // Called by the watchdog after the drain timeout: cancel whatever is pending.
  void abort() {
    net::post(strand_, [self = shared_from_this()] {
      self->aborted_ = true;
      self->timer_.cancel();
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    });
  }

  bool finished() const { return finished_.load(std::memory_order_acquire); }
  // Only after the io_context has stopped.
  LoadResult& result() { return result_; }

 private:
  // Each step ends in exactly one pending operation (connect, timer, or the write+read pair), so
  // the chain below ends in exactly one call to finish().
  void do_next() {
    if (aborted_) return finish();
    if (!connected_) return do_connect();
    const auto slot = shared_.schedule.claim();
    if (!slot) return finish();
    due_ = *slot;
    if (due_ > Clock::now()) {
      timer_.expires_at(due_);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->do_exchange(); });
      return;
    }
    do_exchange();
  }

  void do_connect() {
    if (shared_.schedule.over(Clock::now())) return finish();
    stream_.expires_after(kConnectTimeout);
    stream_.async_connect(shared_.endpoints, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
      self->on_connect(ec);
    });
  }

  void on_connect(beast::error_code ec) {
    if (aborted_) return finish();
    if (ec) {
      result_.total.count_error(describe("connect", ec));
      if (++connect_failures_ >= kMaxConsecutiveConnectFailures) return finish();
      return retry_after(kReconnectDelay);
    }
    if (ever_connected_) ++result_.total.reconnects;
    ever_connected_ = true;
    connected_ = true;
    connect_failures_ = 0;
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    do_next();
  }

  void retry_after(Clock::duration delay) {
    timer_.expires_after(delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->do_next(); });
  }

  void do_exchange() {
    if (aborted_) return finish();
    count_ = shared_.events_per_request;
    first_seq_ = next_seq_;
    next_seq_ += count_;
    build_http_payload(payload_, shared_.events, shared_.content, index_, first_seq_, count_);
    for (const auto& [name, value] : payload_.headers) req_.set(name, value);
    req_.body().swap(payload_.body);  // both strings keep their capacity for later requests
    req_.prepare_payload();

    parser_.emplace();
    parser_->body_limit(kResponseBodyLimit);
    write_ec_ = {};
    read_ec_ = {};
    write_done_ = false;
    read_done_ = false;
    sent_at_ = Clock::now();
    stream_.expires_after(std::chrono::duration_cast<Clock::duration>(shared_.plan.request_timeout));
    // Read while writing: a server that answers before reading the whole body (429, 413) and then
    // closes must still have its answer seen, not a reset write.
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->write_done_ = true;
      self->write_ec_ = ec;
      if (!self->read_done_ && ec) {
        // The answer may already be in the socket buffer; give the read a moment by closing only
        // the sending side.
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      }
      if (self->read_done_) self->on_exchange_done();
    });
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->read_done_ = true;
      self->read_ec_ = ec;
      if (!self->write_done_) {
        // Answered before the request was fully sent: the connection cannot carry another request,
        // so closing it is right and also completes the pending write.
        beast::error_code ignored;
        self->stream_.socket().close(ignored);
        self->connected_ = false;
        return;
      }
      self->on_exchange_done();
    });
  }

  void on_exchange_done() {
    const Clock::time_point now = Clock::now();
    const bool measured = sent_at_ >= shared_.schedule.measure_start();
    const std::size_t payload_bytes = req_.body().size();
    req_.body().swap(payload_.body);

    // What this exchange adds to the counters; applied to the run's total and, after the warm-up,
    // to the measured window. Built as a delta so both stay consistent.
    Outcome out;
    out.late = shared_.schedule.paced() && sent_at_ - due_ > kLateThreshold;
    Clock::duration next_delay{0};
    if (aborted_) {
      ++result_.abandoned_requests;
      out.kind = Outcome::failed;
      out.error = "abandoned at drain timeout";
    } else if (read_ec_) {
      out.kind = Outcome::failed;
      out.error = read_ec_ == beast::error::timeout ? std::string("request timeout") : describe("read", read_ec_);
      connected_ = false;
      next_delay = kReconnectDelay;  // a server that accepts and drops must not make us spin
    } else {
      const auto& res = parser_->get();
      out.status = static_cast<int>(res.result_int());
      if (out.status >= 200 && out.status < 300) {
        on_ack(res.body(), out);
        out.bytes_acked = payload_bytes;
      } else if (out.status == 429 || out.status == 503) {
        out.kind = Outcome::rejected;
        next_delay = backoff_for(res, shared_.plan.max_backoff);
      } else {
        out.kind = Outcome::failed;
      }
      // Only acknowledgements: a 429 answered before the body is read would flatter the numbers.
      if (measured && out.kind == Outcome::acked) {
        result_.latency.record(now - sent_at_);
        if (shared_.schedule.paced()) result_.scheduled_latency.record(now - due_);
      }
      if (!parser_->keep_alive() || write_ec_) connected_ = false;
    }

    apply(out, result_.total);
    if (measured) {
      apply(out, result_.measured);
      result_.measure_end = std::max(result_.measure_end, now);
    }
    shared_.live.requests.fetch_add(1, std::memory_order_relaxed);
    if (out.kind == Outcome::acked) shared_.live.events_acked.fetch_add(out.events_acked, std::memory_order_relaxed);
    if (out.kind == Outcome::rejected) shared_.live.events_rejected.fetch_add(count_, std::memory_order_relaxed);
    if (out.kind == Outcome::failed) shared_.live.requests_failed.fetch_add(1, std::memory_order_relaxed);

    if (!connected_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
      buffer_.clear();
    }
    if (aborted_) return finish();
    if (next_delay.count() > 0) return retry_after(next_delay);
    do_next();
  }

  struct Outcome {
    enum Kind { acked, rejected, failed } kind = acked;
    int status = 0;  // 0: no answer
    std::uint64_t events_acked = 0;
    std::uint64_t filtered = 0;
    std::uint64_t bytes_acked = 0;
    bool mismatch = false;
    bool late = false;
    std::string error;
  };

  void apply(const Outcome& out, LoadCounters& c) const {
    ++c.requests;
    c.events_sent += count_;
    if (out.status != 0) ++c.status[out.status];
    if (!out.error.empty()) c.count_error(out.error);
    if (out.late) ++c.late_requests;
    switch (out.kind) {
      case Outcome::acked:
        ++c.requests_ok;
        c.events_acked += out.events_acked;
        c.events_filtered += out.filtered;
        c.bytes_acked += out.bytes_acked;
        if (out.mismatch) ++c.ack_mismatches;
        break;
      case Outcome::rejected:
        ++c.requests_rejected;
        c.events_rejected += count_;
        break;
      case Outcome::failed:
        ++c.requests_failed;
        c.events_failed += count_;
        break;
    }
  }

  // A 2xx answer: sluice says {"accepted":N,"filtered":M}. The events of the request count as
  // acknowledged for the verifier only when none was filtered, since a filtered event never
  // reaches the broker and the answer does not say which ones were.
  void on_ack(std::string_view body, Outcome& out) {
    const auto accepted = find_json_uint(body, "accepted");
    out.filtered = find_json_uint(body, "filtered").value_or(0);
    out.events_acked = accepted.value_or(count_ - std::min(count_, out.filtered));
    out.mismatch = accepted && *accepted + out.filtered != count_;
    if (out.filtered == 0) result_.acked.insert_range(index_, first_seq_, count_);
  }

  void finish() {
    if (finished_.load(std::memory_order_relaxed)) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    result_.end = Clock::now();
    finished_.store(true, std::memory_order_release);
  }

  net::strand<net::io_context::executor_type> strand_;
  beast::tcp_stream stream_;
  net::steady_timer timer_;
  Shared& shared_;
  const std::uint32_t index_;

  http::request<http::string_body> req_;
  HttpPayload payload_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;

  bool connected_ = false;
  bool ever_connected_ = false;
  bool aborted_ = false;
  unsigned connect_failures_ = 0;
  std::atomic<bool> finished_{false};

  std::uint64_t next_seq_ = 0;
  std::uint64_t first_seq_ = 0;
  std::uint64_t count_ = 0;
  Clock::time_point due_{};
  Clock::time_point sent_at_{};
  bool write_done_ = false;
  bool read_done_ = false;
  beast::error_code write_ec_;
  beast::error_code read_ec_;

  LoadResult result_;
};

// Ends the run after the drain timeout by aborting connections that are still busy. It re-arms
// itself only while some connection is unfinished, so the io_context runs out of work on its own.
class Watchdog : public std::enable_shared_from_this<Watchdog> {
 public:
  Watchdog(net::io_context& ioc, std::vector<std::shared_ptr<HttpConnection>>& connections, Schedule& schedule,
           Seconds drain_timeout)
      : timer_(ioc), connections_(connections), schedule_(schedule), drain_timeout_(drain_timeout) {}

  void arm() {
    timer_.expires_after(kWatchdogPeriod);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->check(); });
  }

 private:
  void check() {
    bool busy = false;
    for (const auto& c : connections_) busy = busy || !c->finished();
    if (!busy) return;
    const Clock::time_point now = Clock::now();
    if (!over_since_ && schedule_.over(now)) over_since_ = now;
    if (over_since_ && !aborted_ && now - *over_since_ >= drain_timeout_) {
      aborted_ = true;
      for (const auto& c : connections_) c->abort();
    }
    arm();
  }

  net::steady_timer timer_;
  std::vector<std::shared_ptr<HttpConnection>>& connections_;
  Schedule& schedule_;
  Seconds drain_timeout_;
  std::optional<Clock::time_point> over_since_;
  bool aborted_ = false;
};

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    error = "only http:// URLs are supported: " + std::string(url);
    return std::nullopt;
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    error = "bad host in URL: " + std::string(url);
    return std::nullopt;
  }
  if (authority.front() == '[') {  // [v6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "bad IPv6 host in URL: " + std::string(url);
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    out.port = after.size() > 1 && after.front() == ':' ? std::string(after.substr(1)) : "80";
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    out.port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  }
  unsigned port = 0;
  const auto r = std::from_chars(out.port.data(), out.port.data() + out.port.size(), port);
  if (out.host.empty() || r.ec != std::errc{} || r.ptr != out.port.data() + out.port.size() || port == 0 ||
      port > 65535) {
    error = "bad host or port in URL: " + std::string(url);
    return std::nullopt;
  }
  return out;
}

LoadResult run_http_load(const LoadPlan& plan, const HttpLoadOptions& options, const EventFactory& events,
                         Schedule& schedule, LiveCounters& live) {
  LoadResult merged;
  merged.start = schedule.start();
  merged.measure_start = schedule.measure_start();
  merged.measure_end = schedule.measure_start();

  std::string error;
  auto url = parse_http_url(options.url, error);
  if (!url) {
    merged.fatal_error = error;
    return merged;
  }
  net::io_context ioc(static_cast<int>(std::max(1u, plan.threads)));
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(url->host, url->port, ec);
  if (ec) {
    merged.fatal_error = "cannot resolve " + url->host + ":" + url->port + ": " + ec.message();
    return merged;
  }

  Shared shared{plan, events, options.content, carries_many_events(options.content) ? plan.batch : 1,
                std::move(*url), std::move(endpoints), schedule, live};
  std::vector<std::shared_ptr<HttpConnection>> connections;
  connections.reserve(plan.connections);
  for (std::uint32_t i = 0; i < plan.connections; ++i) {
    connections.push_back(std::make_shared<HttpConnection>(ioc, shared, i));
    connections.back()->start();
  }
  std::make_shared<Watchdog>(ioc, connections, schedule, plan.drain_timeout)->arm();

  std::vector<std::jthread> extra;
  for (unsigned t = 1; t < plan.threads; ++t) extra.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  extra.clear();  // joins

  for (const auto& c : connections) merged.merge(c->result());
  merged.end = std::max(merged.end, Clock::now());
  return merged;
}

}  // namespace sluice::bench
