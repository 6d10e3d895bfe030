#include "app/application.hpp"

#include "admin/admin_config.hpp"
#include "admin/admin_server.hpp"
#include "app/component_list.hpp"
#include "app/logging.hpp"
#include "app/pipeline_config.hpp"
#include "app/route_assembly.hpp"
#include "config/config_node.hpp"
#include "sources/grpc/grpc_source.hpp"
#include "sources/http/http_source.hpp"

#include <sluice/core/pipeline.hpp>
#include <sluice/core/telemetry.hpp>
#include <sluice/core/thread_name.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <deque>
#include <future>
#include <thread>

namespace sluice {
namespace {

// Everything a running sluice is made of, built in dependency order and torn down in reverse.
class Application {
 public:
  Application(const ConfigNode& root, ProcessConfig process) : process_(std::move(process)) {
    build_sinks(root);
    auto router = build_router(root, sinks_, telemetry_);
    pipeline_ = std::make_unique<Pipeline>(
        process_.pipeline, telemetry_, make_processor_factory(std::move(router), process_));
    build_sources(root);
    connect_multiplexed_ports();
    AdminConfig admin_config = parse_admin_config(root);
    admin_ = std::make_unique<AdminServer>(io_, std::move(admin_config), telemetry_,
                                           [this](std::string& detail) { return ready(detail); });
    root.reject_unknown_keys();
  }

  void start() {
    for (auto& sink : sinks_) sink->start();
    pipeline_->start();
    for (auto& source : sources_) source->start();
    admin_->start();
    for (std::size_t i = 0; i < process_.io_threads; ++i) {
      io_threads_.push_back(named_thread("io-" + std::to_string(i), [this] { io_.run(); }));
    }
    spdlog::info("sluice {} running: {} source(s), {} sink(s), {} worker(s)", version(), sources_.size(),
                 sinks_.size(), pipeline_->worker_count());
  }

  void wait_for_signal() {
    std::promise<int> stop_signal;
    boost::asio::signal_set signals(io_, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& error, int number) {
      if (!error) stop_signal.set_value(number);
    });
    const int number = stop_signal.get_future().get();
    spdlog::info("received signal {}: draining for up to {} ms", number, process_.shutdown_timeout.count());
  }

  // Stop accepting, drain what is in flight, flush sinks, then close everything.
  void shutdown() {
    const auto deadline = std::chrono::steady_clock::now() + process_.shutdown_timeout;
    for (auto& source : sources_) source->stop_accepting();
    const bool drained = pipeline_->drain(deadline);
    if (!drained) {
      spdlog::warn("shutdown_timeout reached with {} batch(es) in flight; they are answered 503",
                   pipeline_->batches_in_flight());
    }
    for (auto& sink : sinks_) sink->stop(deadline);
    pipeline_->drain(std::chrono::steady_clock::now() + std::chrono::seconds(1));
    for (auto& source : sources_) source->stop();
    pipeline_->stop();
    admin_->stop();
    io_.stop();
    for (auto& thread : io_threads_) thread.join();
    io_threads_.clear();
    spdlog::info("sluice stopped");
  }

 private:
  void build_sinks(const ConfigNode& root) {
    auto section = root.child("sinks");
    if (!section || section->keys().empty()) root.fail("sinks", "at least one sink is required");
    const auto names = section->keys();
    for (const auto& name : names) {
      auto node = section->child(name);
      if (!node) section->fail(name, "must be a mapping with a `type`");
      const double share = node->number("budget_share", 1.0 / static_cast<double>(names.size()), 0.01, 1.0);
      // Components may keep their context: it lives as long as the application.
      SinkContext& context = sink_contexts_.emplace_back(SinkContext{
          name, telemetry_, static_cast<std::uint64_t>(share * static_cast<double>(process_.pipeline.budget_bytes))});
      sinks_.push_back(make_sink(*node, context));
      node->reject_unknown_keys();
    }
    section->reject_unknown_keys();
  }

  void build_sources(const ConfigNode& root) {
    auto section = root.child("sources");
    if (!section || section->keys().empty()) root.fail("sources", "at least one source is required");
    for (const auto& name : section->keys()) {
      auto node = section->child(name);
      if (!node) section->fail(name, "must be a mapping with a `type`");
      SourceContext& context = source_contexts_.emplace_back(SourceContext{name, *pipeline_, telemetry_, io_});
      sources_.push_back(make_source(*node, context));
      node->reject_unknown_keys();
    }
    section->reject_unknown_keys();
  }

  // A gRPC source with `multiplex:` serves one port for gRPC and HTTP/1.1: it hands the HTTP
  // connections it recognises to the HTTP source named by `multiplex.http_source`.
  void connect_multiplexed_ports() {
    for (auto& source : sources_) {
      auto* grpc = dynamic_cast<GrpcSource*>(source.get());
      if (grpc == nullptr || !grpc->config().multiplex) continue;
      const std::string& wanted = grpc->config().multiplex->http_source;
      HttpSource* http = nullptr;
      for (auto& other : sources_) {
        if (other->name() == wanted) http = dynamic_cast<HttpSource*>(other.get());
      }
      if (http == nullptr) {
        throw ConfigError(fmt::format("sources.{}.multiplex.http_source: '{}' is not an HTTP source", grpc->name(),
                                      wanted));
      }
      // Adopted connections are served in cleartext: a source that asked for TLS (and perhaps
      // relies on client certificates) must not be reachable around it.
      if (http->requires_tls()) {
        throw ConfigError(fmt::format("sources.{}.multiplex.http_source: '{}' has tls, but the multiplexed port is "
                                      "cleartext and would serve it without TLS; send HTTPS to '{}''s own port "
                                      "and leave it out of multiplex",
                                      grpc->name(), wanted, wanted));
      }
      grpc->set_http_handler([http](int native_socket) { http->adopt_connection(native_socket); });
    }
  }

  bool ready(std::string& detail) const {
    bool all_ready = true;
    for (const auto& source : sources_) {
      if (!source->ready()) {
        detail += fmt::format("source '{}' is not listening; ", source->name());
        all_ready = false;
      }
    }
    for (const auto& sink : sinks_) {
      if (!sink->ready()) {
        detail += fmt::format("sink '{}' is not connected; ", sink->name());
        all_ready = false;
      }
    }
    return all_ready;
  }

  ProcessConfig process_;
  Telemetry telemetry_;
  boost::asio::io_context io_;
  std::deque<SinkContext> sink_contexts_;  // deque: stable addresses for components that keep them
  std::deque<SourceContext> source_contexts_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::unique_ptr<Pipeline> pipeline_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::unique_ptr<AdminServer> admin_;
  std::vector<std::thread> io_threads_;
};

struct Loaded {
  ConfigNode root;
  ProcessConfig process;
};

Loaded load(const Command& command) {
  ConfigNode root = load_config_file(command.config_file);
  ProcessConfig process = parse_process_config(root);
  if (command.log_level) process.log_level = *command.log_level;
  return {std::move(root), std::move(process)};
}

}  // namespace

const char* version() noexcept { return SLUICE_VERSION; }

int validate_configuration(const Command& command) {
  try {
    auto [root, process] = load(command);
    configure_logging("warn");
    Application application(root, std::move(process));
    std::printf("%s: configuration is valid\n", command.config_file.c_str());
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sluice: %s\n", error.what());
    return 1;
  }
}

int run_pipeline(const Command& command) {
  std::unique_ptr<Application> application;
  try {
    auto [root, process] = load(command);
    configure_logging(process.log_level);
    application = std::make_unique<Application>(root, std::move(process));
    application->start();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sluice: %s\n", error.what());
    if (application) application.reset();
    return 1;
  }
  application->wait_for_signal();
  application->shutdown();
  return 0;
}

}  // namespace sluice
