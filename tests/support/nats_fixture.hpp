#pragma once
// A real nats-server with JetStream for tests, and a small client to publish and inspect it.
//
// NatsServer::shared() starts `nats-server -js -a 127.0.0.1 -p <free port> -sd <temp dir>` once
// per test binary, declares it ready when a client connects and JetStream answers (polled until a
// deadline, no fixed sleeps), and kills it by PID at exit (the child also dies with the test
// process: PR_SET_PDEATHSIG). restart() stops and starts it on the same port and store, for
// reliability tests. Not thread-safe: drive it from the test's main thread.

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace sluice::testing {

class NatsServer {
 public:
  // The binary's server, started on first use. Throws std::runtime_error when it cannot start.
  static NatsServer& shared();

  // `extra_args` go to nats-server as they are (e.g. {"--auth", "s3cret"} for an authenticated
  // server); `url_credentials` ("s3cret" or "user:pass") then let url() and the readiness check in.
  explicit NatsServer(std::vector<std::string> extra_args = {}, std::string url_credentials = {});
  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  std::string url() const;      // nats://[credentials@]127.0.0.1:<port>
  std::string address() const;  // nats://127.0.0.1:<port>, without credentials
  std::uint16_t port() const noexcept { return port_; }
  // From spawning the process to the first successful connection, for the last start.
  std::chrono::milliseconds last_start_time() const noexcept { return start_time_; }

  void start();
  // SIGTERM, then SIGKILL if it has not exited within a deadline.
  void stop() noexcept;
  void restart();
  bool running() const noexcept { return pid_ > 0; }

 private:
  std::vector<std::string> extra_args_;
  std::string url_credentials_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::chrono::milliseconds start_time_{0};
};

// Consumer state as the server reports it.
struct ConsumerState {
  std::int64_t ack_pending = 0;  // delivered, not yet acked
  std::uint64_t pending = 0;     // not yet delivered
  std::int64_t redelivered = 0;  // messages delivered more than once
  std::uint64_t ack_floor = 0;   // stream sequence up to which everything is acked
  std::uint64_t delivered = 0;   // highest stream sequence delivered
};

// A plain cnats client for tests. Throws std::runtime_error on failure.
class NatsClient {
 public:
  explicit NatsClient(const std::string& url);
  ~NatsClient();
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  natsConnection* connection() const noexcept { return connection_; }
  jsCtx* jetstream() const noexcept { return jetstream_; }

  using Headers = std::vector<std::pair<std::string, std::string>>;
  void publish(const std::string& subject, std::string_view payload, const Headers& headers = {});
  // Publishes to JetStream and waits for the stream's ack.
  void publish_js(const std::string& subject, std::string_view payload, const Headers& headers = {});
  void flush();

  void create_stream(const std::string& name, const std::vector<std::string>& subjects);
  void delete_stream(const std::string& name) noexcept;
  // nullopt when the consumer (or stream) does not exist.
  std::optional<ConsumerState> consumer_state(const std::string& stream, const std::string& durable);

 private:
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
};

}  // namespace sluice::testing
