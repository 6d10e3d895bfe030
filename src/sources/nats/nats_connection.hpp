#pragma once
// The NATS source's one connection: cnats options from the configuration (servers, name,
// user/password, token or credentials file, TLS, reconnect forever with wait and jitter) and the
// callbacks cnats makes about it. The async-error callback only counts and notes; the closed
// callback is awaited by close() because it is cnats' last callback for the connection, after
// which the callbacks' state may go.
//
// Thread-safety: connect/jetstream/close from the main thread; get/status/connected/flush from
// any thread while connected (cnats connections are thread-safe).

#include "sources/nats/config.hpp"
#include "sources/nats/source_metrics.hpp"

#include <nats/nats.h>

#include <chrono>
#include <memory>
#include <string>

namespace sluice {

class NatsConnection {
 public:
  NatsConnection(const NatsSourceConfig& config, std::string connection_name, std::shared_ptr<NatsSourceShared> shared);
  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  // Throws std::runtime_error naming the config key (url, tls.*, credentials_file).
  void connect();
  natsConnection* get() const noexcept { return connection_; }
  // The JetStream context, created on first use. Throws std::runtime_error.
  jsCtx* jetstream();
  natsConnStatus status() const noexcept;
  bool connected() const noexcept { return status() == NATS_CONN_STATUS_CONNECTED; }
  // Pushes buffered protocol (acks) to the server; false when it could not within `timeout`.
  bool flush(std::chrono::milliseconds timeout) noexcept;
  // Closes and frees the connection. Idempotent.
  void close() noexcept;
  // "nats://a:4222, nats://b:4222" (no credentials: URLs with user info are shown without it).
  std::string servers() const;

  struct Callbacks;  // closure of the cnats callbacks

 private:
  const NatsSourceConfig& config_;
  std::string connection_name_;
  std::shared_ptr<NatsSourceShared> shared_;
  std::unique_ptr<Callbacks> callbacks_;
  natsOptions* options_ = nullptr;
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
};

}  // namespace sluice
