#pragma once
// The gRPC source (DESIGN §3, §4): CloudEvents protobuf batches over grpc++'s async API, unary
// Publish and bidirectional PublishStream (sources/grpc/proto/sluice_ingest.proto), with the
// standard health service (grpc.health.v1) and server reflection, optional TLS / mutual TLS, and an
// optional port shared with HTTP/1.1. grpc stays behind the pimpl: this header includes no grpc
// (nor Asio) header.

#include "sources/grpc/config.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/source.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace sluice {

class ConfigNode;

// Thread-safety: start/stop_accepting/stop and set_http_handler from the main thread; the
// accessors from any. Lifetime: `context` (its io_context, ingress port and telemetry) must outlive
// the source and every batch it submitted; the io_context must be running while the source is
// (streams waiting for budget retry there, and the multiplexed port accepts there).
class GrpcSource final : public Source {
 public:
  GrpcSource(GrpcSourceConfig config, SourceContext& context);
  ~GrpcSource() override;
  GrpcSource(const GrpcSource&) = delete;
  GrpcSource& operator=(const GrpcSource&) = delete;

  std::string_view name() const noexcept override;
  // Builds and starts the grpc server (and the multiplexed listener); throws std::runtime_error
  // naming the key (`listen`, `tls.*`, `multiplex.listen`) when it cannot.
  void start() override;
  bool ready() const noexcept override;
  // New calls and new batches on open streams are answered UNAVAILABLE, a stream waiting for budget
  // gets an UNAVAILABLE ack for that batch, streams end (UNAVAILABLE) once their acks are written,
  // the health service says NOT_SERVING. Batches in the pipeline still get their answers.
  void stop_accepting() noexcept override;
  // Shuts the grpc server down (calls still open after a short grace are cancelled).
  void stop() noexcept override;

  const GrpcSourceConfig& config() const noexcept;

  // The bound ports (useful with port 0); 0 before start() or without a multiplexed listener.
  std::uint16_t port() const noexcept;
  std::uint16_t multiplex_port() const noexcept;

  // Where the multiplexed port sends HTTP/1.1 connections: takes ownership of a connected,
  // non-blocking TCP socket (native handle) and serves it, e.g. HttpSource::adopt_connection of the
  // source named by config().multiplex->http_source. Set before start(); without it HTTP/1.1
  // clients of that port get a 503 naming the problem.
  using HttpConnectionHandler = std::function<void(int native_socket)>;
  void set_http_handler(HttpConnectionHandler handler);

  // For tests and diagnostics: batches handed to the pipeline, streams holding a batch until
  // budget frees (their next read not started).
  std::uint64_t batches_admitted() const noexcept;
  std::uint32_t streams_waiting_for_budget() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Factory for the component list: `node` is the source's mapping under `sources:`.
std::unique_ptr<Source> make_grpc_source(const ConfigNode& node, SourceContext& context);

}  // namespace sluice
