#include "sources/http/http_source.hpp"

#include "net/listener_tls.hpp"
#include "sources/http/session_launch.hpp"
#include "sources/http/session_errors.hpp"
#include "sources/http/source_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

namespace sluice {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// Connections over max_connections are answered 503 and closed; beyond this many such answers
// at once they are closed without one, so a flood cannot turn the answers into a new backlog.
constexpr std::uint32_t kMaxOverflowConnections = 1024;
// After accept() fails (EMFILE, ENOBUFS...) wait before trying again instead of spinning.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// How long stop() waits for its connections' strands to close them.
constexpr auto kStopWait = std::chrono::milliseconds(2000);

class Countdown {
 public:
  explicit Countdown(std::size_t count) : count_(count) {}
  void count_down() {
    std::lock_guard lock(mutex_);
    if (count_ > 0 && --count_ == 0) done_.notify_all();
  }
  bool wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return done_.wait_for(lock, timeout, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::size_t count_;
};

tcp::endpoint resolve_listen(asio::io_context& io, const HttpSourceConfig& config, std::string_view name) {
  error_code ec;
  const auto address = asio::ip::make_address(config.listen_host, ec);
  if (!ec) return {address, config.listen_port};
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(config.listen_host, std::to_string(config.listen_port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error(fmt::format("sources.{}.listen: cannot resolve '{}': {}", name, config.listen_host,
                                         ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

}  // namespace

struct HttpSource::Impl : std::enable_shared_from_this<Impl> {
  Impl(HttpSourceConfig config, SourceContext& context)
      : io(context.io),
        state(std::make_shared<HttpSourceState>(std::move(config), context.name, context.ingress, context.telemetry)),
        acceptor(asio::make_strand(io)),
        retry_timer(acceptor.get_executor()) {}

  void do_accept() {
    acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](error_code ec, tcp::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      state->errors.count(session_error::kAcceptFailed);
      std::uint64_t suppressed = 0;
      if (state->warnings.allow(suppressed)) {
        spdlog::warn("http source '{}': accept failed: {} ({} similar warnings suppressed)", state->name,
                     ec.message(), suppressed);
      }
      retry_timer.expires_after(kAcceptRetryDelay);
      retry_timer.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec) self->do_accept();
      });
      return;
    }
    serve(std::move(socket), true);
    do_accept();
  }

  // A new connection, accepted here or adopted. On the acceptor's strand. `own_port`: accepted by
  // this source's listener (TLS when configured); adopted connections from a gRPC multiplexed port
  // are always cleartext.
  void serve(tcp::socket socket, bool own_port) {
    const auto launch = [&](bool overflow) {
      if (own_port && state->tls_context) {
        launch_tls_session(std::move(socket), state, overflow, *state->tls_context);
      } else {
        launch_plain_session(std::move(socket), state, overflow);
      }
    };
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    // Only this strand increments, so check-then-increment cannot overshoot.
    if (state->connections.load(std::memory_order_relaxed) < state->config.max_connections) {
      state->connections.fetch_add(1, std::memory_order_relaxed);
      launch(false);
    } else {
      std::uint64_t suppressed = 0;
      if (state->warnings.allow(suppressed)) {
        spdlog::warn("http source '{}': {} connections open (max_connections), turning new ones away with 503 "
                     "({} similar warnings suppressed)",
                     state->name, state->config.max_connections, suppressed);
      }
      if (state->overflow_connections.load(std::memory_order_relaxed) < kMaxOverflowConnections) {
        state->overflow_connections.fetch_add(1, std::memory_order_relaxed);
        launch(true);
      } else {
        state->errors.count(session_error::kTooManyConnections);
        socket.close(ignored);
      }
    }
  }

  asio::io_context& io;
  std::shared_ptr<HttpSourceState> state;
  tcp::acceptor acceptor;  // on its own strand: stop_accepting() closes it through a post
  asio::steady_timer retry_timer;
  std::atomic<bool> listening{false};
  std::atomic<std::uint16_t> port{0};
};

HttpSource::HttpSource(HttpSourceConfig config, SourceContext& context)
    : impl_(std::make_shared<Impl>(std::move(config), context)) {}

HttpSource::~HttpSource() { stop(); }

std::string_view HttpSource::name() const noexcept { return impl_->state->name; }

bool HttpSource::requires_tls() const noexcept { return impl_->state->config.tls.has_value(); }

void HttpSource::start() {
  const HttpSourceConfig& config = impl_->state->config;
  const std::string& name = impl_->state->name;
  const tcp::endpoint endpoint = resolve_listen(impl_->io, config, name);
  if (config.tls) impl_->state->tls_context = make_server_tls_context(*config.tls, fmt::format("sources.{}", name));
  error_code ec;
  const auto fail = [&](std::string_view step) {
    throw std::runtime_error(fmt::format("sources.{}.listen: cannot {} {}:{}: {}", name, step, config.listen_host,
                                         config.listen_port, ec.message()));
  };
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open a socket for");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("set SO_REUSEADDR on");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  impl_->port = acceptor.local_endpoint(ec).port();
  impl_->listening = true;
  spdlog::info("http source '{}' listening on {}:{} (path {}{})", name, endpoint.address().to_string(),
               impl_->port.load(), config.path,
               config.tls ? (config.tls->mutual() ? ", TLS with client certificates" : ", TLS") : "");
  asio::post(acceptor.get_executor(), [impl = impl_] { impl->do_accept(); });
}

bool HttpSource::ready() const noexcept { return impl_->listening.load(std::memory_order_relaxed); }

void HttpSource::stop_accepting() noexcept {
  impl_->state->accepting.store(false, std::memory_order_relaxed);
  if (!impl_->listening.exchange(false)) return;
  try {
    asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
      error_code ignored;
      impl->acceptor.close(ignored);
      impl->retry_timer.cancel();
    });
  } catch (const std::exception& error) {
    spdlog::error("http source '{}': cannot stop accepting: {}", impl_->state->name, error.what());
  }
}

void HttpSource::stop() noexcept {
  stop_accepting();
  try {
    // Closing a connection also returns the budget its unfinished request holds. Waiting (briefly)
    // for that makes "stop() returned" mean no lease of this source outlives the pipeline.
    const auto sessions = impl_->state->sessions.snapshot();
    if (sessions.empty()) return;
    auto pending = std::make_shared<Countdown>(sessions.size());
    for (const auto& session : sessions) session->cancel([pending] { pending->count_down(); });
    if (!impl_->io.stopped() && !pending->wait_for(kStopWait)) {
      spdlog::warn("http source '{}': connections still closing after {}ms", impl_->state->name, kStopWait.count());
    }
  } catch (const std::exception& error) {
    spdlog::error("http source '{}': cannot close connections: {}", impl_->state->name, error.what());
  }
}

std::uint16_t HttpSource::local_port() const noexcept { return impl_->port.load(std::memory_order_relaxed); }

void HttpSource::adopt_connection(int native_socket) noexcept {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (!impl_->listening.load(std::memory_order_relaxed) ||
      ::getsockname(native_socket, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(native_socket);
    return;
  }
  bool owned = false;  // once assigned, the socket object closes the descriptor
  try {
    tcp::socket socket(asio::make_strand(impl_->io));
    error_code ec;
    socket.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), native_socket, ec);
    if (ec) {
      ::close(native_socket);
      return;
    }
    owned = true;
    asio::post(impl_->acceptor.get_executor(), [impl = impl_, socket = std::move(socket)]() mutable {
      impl->serve(std::move(socket), false);
    });
  } catch (const std::exception& error) {
    if (!owned) ::close(native_socket);
    spdlog::error("http source '{}': cannot adopt a connection: {}", impl_->state->name, error.what());
  }
}

std::unique_ptr<Source> make_http_source(const ConfigNode& node, SourceContext& context) {
  return std::make_unique<HttpSource>(parse_http_source_config(node), context);
}

}  // namespace sluice
