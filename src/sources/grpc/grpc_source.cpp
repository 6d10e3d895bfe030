#include "sources/grpc/grpc_source.hpp"

#include "sources/grpc/completion_queue_thread.hpp"
#include "sources/grpc/health_service.hpp"
#include "sources/grpc/ingest_service.hpp"
#include "sources/grpc/multiplex_listener.hpp"
#include "sources/grpc/source_state.hpp"
#include "sources/grpc/stream_core.hpp"

#include <fmt/format.h>
#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_posix.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace sluice {
namespace {

// How long stop() lets calls still open finish before grpc cancels them. The application stops
// sources only after the pipeline drained, so by then they are only writing their last acks.
constexpr auto kShutdownGrace = std::chrono::milliseconds(1000);
// How long stop() then waits for the cancelled calls to hand back their operations. They come
// back at once; this bounds a bug, not a wait.
constexpr auto kCallsGoneWithin = std::chrono::milliseconds(5000);

std::string read_pem(const std::string& key, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().empty()) {
    throw std::runtime_error(fmt::format("{}: cannot read '{}' (a PEM file)", key, file));
  }
  return text.str();
}

std::shared_ptr<grpc::ServerCredentials> credentials(const GrpcSourceConfig& config) {
  if (!config.tls) return grpc::InsecureServerCredentials();
  const GrpcTlsConfig& tls = *config.tls;
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({read_pem(config.key + ".tls.key_file", tls.key_file),
                                        read_pem(config.key + ".tls.cert_file", tls.cert_file)});
  if (!tls.client_ca_file.empty()) {
    options.pem_root_certs = read_pem(config.key + ".tls.client_ca_file", tls.client_ca_file);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

int clamp_ms(std::chrono::milliseconds value) {
  return static_cast<int>(std::min<std::chrono::milliseconds::rep>(value.count(), std::numeric_limits<int>::max()));
}

// Process-wide grpc settings that must precede the first ServerBuilder. grpc's default health
// service stays disabled: the source serves its own (health_service.hpp).
void init_grpc_plugins() {
  static std::once_flag once;
  std::call_once(once, [] { grpc::reflection::InitProtoReflectionServerBuilderPlugin(); });
}

}  // namespace

struct GrpcSource::Impl {
  Impl(GrpcSourceConfig config, SourceContext& context)
      : state(std::make_shared<GrpcSourceState>(std::move(config), context.name, context.ingress, context.telemetry,
                                                context.io)),
        io(context.io),
        health_status({std::string(sluice::ingest::v1::Ingest::service_full_name())}) {}

  ~Impl() {
    shut_down();
    if (!queues_stopped) {
      // Calls are still alive (a bug, logged by CompletionQueueThread::stop): destroying the server
      // or a queue under them would abort the process, so both are left behind.
      static_cast<void>(server.release());
      for (auto& queue : queues) static_cast<void>(queue.release());
      return;
    }
    server.reset();  // before the services it serves and the queues it used
  }

  // A connection from the multiplexed port. Runs on an io thread.
  void adopt_grpc(int fd) {
    std::lock_guard lock(server_mutex);
    if (server_shut || !server) {
      ::close(fd);
      return;
    }
    grpc::AddInsecureChannelFromFd(server.get(), fd);
  }

  void shut_down() noexcept {
    {
      std::lock_guard lock(server_mutex);
      if (server_shut) return;
      server_shut = true;
    }
    if (multiplex) multiplex->stop();
    // The queue thread keeps running meanwhile: the calls' last operations come back through it.
    if (server) server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
    stop_queues(kCallsGoneWithin);
  }

  void stop_queues(std::chrono::milliseconds patience) noexcept {
    bool stopped = true;
    for (auto& queue : queues) stopped = queue->stop(patience) && stopped;
    queues_stopped = stopped;
  }

  std::shared_ptr<GrpcSourceState> state;
  boost::asio::io_context& io;
  IngestAsyncService ingest_service;
  HealthAsyncService health_service;
  HealthStatus health_status;
  std::vector<std::unique_ptr<CompletionQueueThread>> queues;  // config.threads of them
  std::deque<IngestCalls> ingest_calls;     // one per queue; a deque, as calls refer to their entry
  std::optional<HealthCalls> health_calls;  // on the first queue
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<MultiplexListener> multiplex;
  HttpConnectionHandler http_handler;
  std::mutex server_mutex;  // adopt_grpc against shut_down: no connection is added to a dead server
  bool server_shut = false;
  bool queues_stopped = true;
  std::atomic<bool> listening{false};
  std::atomic<std::uint16_t> port{0};
};

GrpcSource::GrpcSource(GrpcSourceConfig config, SourceContext& context)
    : impl_(std::make_shared<Impl>(std::move(config), context)) {}

GrpcSource::~GrpcSource() { stop(); }

std::string_view GrpcSource::name() const noexcept { return impl_->state->name; }

void GrpcSource::start() {
  const GrpcSourceConfig& config = impl_->state->config;
  const std::string address = config.listen_address();
  init_grpc_plugins();

  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(address, credentials(config), &selected_port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, static_cast<int>(config.max_concurrent_streams));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, clamp_ms(config.keepalive.time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, clamp_ms(config.keepalive.timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, config.keepalive.permit_without_calls ? 1 : 0);
  // grpc sets SO_REUSEPORT by default, which lets a second instance bind the same port silently
  // and share its connections; a port conflict must fail start-up instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(&impl_->ingest_service);
  builder.RegisterService(&impl_->health_service);
  for (std::uint32_t i = 0; i < config.threads; ++i) {
    impl_->queues.push_back(std::make_unique<CompletionQueueThread>(builder.AddCompletionQueue(),
                                                                    fmt::format("grpc-{}:{}", i, impl_->state->name)));
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected_port == 0) {
    impl_->stop_queues(std::chrono::milliseconds(0));  // no call was requested: nothing can be pending
    throw std::runtime_error(fmt::format("{}.listen: cannot listen on {} (address in use, not local, or not "
                                         "permitted)",
                                         config.key, address));
  }
  {
    std::lock_guard lock(impl_->server_mutex);
    impl_->server = std::move(server);
  }
  impl_->queues_stopped = false;
  for (auto& queue : impl_->queues) {
    request_ingest_calls(impl_->ingest_calls.emplace_back(IngestCalls{impl_->state, impl_->ingest_service, *queue}));
  }
  request_health_calls(
      impl_->health_calls.emplace(HealthCalls{impl_->health_service, impl_->health_status, *impl_->queues.front()}));
  for (auto& queue : impl_->queues) queue->start();
  impl_->port = static_cast<std::uint16_t>(selected_port);

  if (config.multiplex) {
    std::weak_ptr<Impl> weak = impl_;
    auto grpc_handoff = [weak](int fd) {
      if (auto impl = weak.lock()) {
        impl->adopt_grpc(fd);
      } else {
        ::close(fd);
      }
    };
    impl_->multiplex =
        std::make_shared<MultiplexListener>(impl_->io, config.key, std::move(grpc_handoff), impl_->http_handler);
    try {
      impl_->multiplex->start(config.multiplex->host, config.multiplex->port);
    } catch (...) {
      impl_->shut_down();
      throw;
    }
    if (config.tls) {
      spdlog::warn("grpc source '{}': the multiplexed port {} serves cleartext gRPC only (tls applies to {})",
                   impl_->state->name, impl_->multiplex->port(), address);
    }
  }
  impl_->listening = true;
  spdlog::info("grpc source '{}' listening on {}:{}{}{}", impl_->state->name, config.listen_host, selected_port,
               config.tls ? (config.tls->client_ca_file.empty() ? " (TLS)" : " (mutual TLS)") : "",
               impl_->multiplex ? fmt::format(", HTTP/1.1 + gRPC on {}:{}", config.multiplex->host,
                                              impl_->multiplex->port())
                                : std::string());
}

bool GrpcSource::ready() const noexcept { return impl_->listening.load(std::memory_order_relaxed); }

void GrpcSource::stop_accepting() noexcept {
  impl_->state->accepting.store(false, std::memory_order_relaxed);
  if (!impl_->listening.exchange(false)) return;
  if (impl_->multiplex) impl_->multiplex->stop();
  impl_->health_status.set_serving(false);
  for (const auto& stream : impl_->state->streams.snapshot()) stream->wind_down();
}

void GrpcSource::stop() noexcept {
  stop_accepting();
  impl_->shut_down();
}

const GrpcSourceConfig& GrpcSource::config() const noexcept { return impl_->state->config; }

std::uint16_t GrpcSource::port() const noexcept { return impl_->port.load(std::memory_order_relaxed); }

std::uint16_t GrpcSource::multiplex_port() const noexcept {
  return impl_->multiplex ? impl_->multiplex->port() : 0;
}

void GrpcSource::set_http_handler(HttpConnectionHandler handler) { impl_->http_handler = std::move(handler); }

std::uint64_t GrpcSource::batches_admitted() const noexcept {
  return impl_->state->batches_admitted.load(std::memory_order_relaxed);
}

std::uint32_t GrpcSource::streams_waiting_for_budget() const noexcept {
  return impl_->state->streams_waiting.load(std::memory_order_relaxed);
}

std::unique_ptr<Source> make_grpc_source(const ConfigNode& node, SourceContext& context) {
  return std::make_unique<GrpcSource>(parse_grpc_source_config(node), context);
}

}  // namespace sluice
