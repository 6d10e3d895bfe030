#include "sources/grpc/grpc_source.hpp"

#include "sources/grpc/ingest_service.hpp"
#include "sources/grpc/multiplex_listener.hpp"
#include "sources/grpc/source_state.hpp"
#include "sources/grpc/stream_reactor.hpp"

#include <fmt/format.h>
#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_posix.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace sluice {
namespace {

// How long stop() lets calls still open finish before grpc cancels them. The application stops
// sources only after the pipeline drained, so by then they are only writing their last acks.
constexpr auto kShutdownGrace = std::chrono::milliseconds(1000);

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

// Process-wide grpc settings that must precede the first ServerBuilder.
void init_grpc_plugins() {
  static std::once_flag once;
  std::call_once(once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });
}

}  // namespace

struct GrpcSource::Impl {
  Impl(GrpcSourceConfig config, SourceContext& context)
      : state(std::make_shared<GrpcSourceState>(std::move(config), context.name, context.ingress, context.telemetry,
                                                context.io)),
        io(context.io),
        service(std::make_unique<IngestService>(state)) {}

  ~Impl() {
    shut_down();
    server.reset();  // before the service it serves
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
    if (server) server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  }

  std::shared_ptr<GrpcSourceState> state;
  boost::asio::io_context& io;
  std::unique_ptr<IngestService> service;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<MultiplexListener> multiplex;
  HttpConnectionHandler http_handler;
  std::mutex server_mutex;  // adopt_grpc against shut_down: no connection is added to a dead server
  bool server_shut = false;
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
  builder.RegisterService(impl_->service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected_port == 0) {
    throw std::runtime_error(fmt::format("{}.listen: cannot listen on {} (address in use, not local, or not "
                                         "permitted)",
                                         config.key, address));
  }
  if (auto* health = server->GetHealthCheckService()) health->SetServingStatus(true);
  {
    std::lock_guard lock(impl_->server_mutex);
    impl_->server = std::move(server);
  }
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
  {
    std::lock_guard lock(impl_->server_mutex);
    if (impl_->server && !impl_->server_shut) {
      if (auto* health = impl_->server->GetHealthCheckService()) health->SetServingStatus(false);
    }
  }
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
