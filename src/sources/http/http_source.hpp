#pragma once
// The HTTP source (DESIGN §3): CloudEvents over HTTP/1.1 (structured, batch, NDJSON, binary
// modes), answered after delivery. Asio/Beast stay behind the pimpl; this header is light.

#include "sources/http/config.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/source.hpp>

#include <cstdint>
#include <memory>
#include <string_view>

namespace sluice {

class ConfigNode;

// Thread-safety: start/stop_accepting/stop from the main thread; ready/local_port from any.
// Lifetime: `context` (its io_context, ingress port and telemetry) must outlive the source and
// every batch it submitted; the io_context must be running for stop_accepting/stop to take
// effect. Connections still answering a batch keep their own share of the state alive.
class HttpSource final : public Source {
 public:
  HttpSource(HttpSourceConfig config, SourceContext& context);
  ~HttpSource() override;
  HttpSource(const HttpSource&) = delete;
  HttpSource& operator=(const HttpSource&) = delete;

  std::string_view name() const noexcept override;
  // Binds and listens; throws std::runtime_error naming the `listen` key when it cannot.
  void start() override;
  bool ready() const noexcept override;
  // Closes the listener. Requests in flight finish; every later answer says Connection: close.
  void stop_accepting() noexcept override;
  // Closes every connection. Batches still in the pipeline complete; their answers are dropped.
  void stop() noexcept override;

  // True when `tls` is configured: its own port speaks only HTTPS.
  bool requires_tls() const noexcept;

  // The bound port (useful with `listen: 127.0.0.1:0`); 0 before start().
  std::uint16_t local_port() const noexcept;

  // Serves a TCP connection accepted elsewhere (the gRPC source's multiplexed port) as if this
  // source had accepted it, max_connections included. Takes ownership of `native_socket` (a
  // connected stream socket, IPv4 or IPv6), closing it when the source is not listening. Any thread.
  void adopt_connection(int native_socket) noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Factory for the component list: `node` is the source's mapping under `sources:`.
std::unique_ptr<Source> make_http_source(const ConfigNode& node, SourceContext& context);

}  // namespace sluice
