#pragma once
// A real nats-server with JetStream for tests, and a small client to publish and inspect it.
//
// NatsServer::shared() starts `nats-server -js -a 127.0.0.1 -p <free port> -sd <temp dir>` once
// per test binary, declares it ready when a client connects and JetStream answers (polled until a
// deadline, no fixed sleeps), and kills it by PID at exit (the child also dies with the test
// process: PR_SET_PDEATHSIG). restart() stops and starts it on the same port and store, for
// reliability tests. Not thread-safe: drive it from the test's main thread.
//
// With a NatsSecurity the server is started from a config file in its temp dir (TLS, mutual
// TLS, user/password, token or operator-mode JWT authorization), and the fixture's own clients
// (readiness check, NatsClient) connect the way that security allows.

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

// What a server demands of its clients; the fixture's clients present what passes. Empty fields
// are not configured. Values are written into the config file in double quotes: keep them free
// of quotes and backslashes.
struct NatsSecurity {
  // TLS on the client port: the server's certificate and key, and the CA its clients trust.
  std::string server_cert;
  std::string server_key;
  std::string ca_file;
  // Mutual TLS: clients must present a certificate signed by ca_file; the fixture's clients
  // present this one.
  bool verify_clients = false;
  std::string client_cert;
  std::string client_key;
  // Authorization: user and password, or a token.
  std::string user;
  std::string password;
  std::string token;
  // Operator mode (JWT authentication): the operator's JWT, the system account's public key and
  // the accounts (public key, JWT) preloaded into a memory resolver; the fixture's clients
  // connect with this .creds file.
  std::string operator_jwt;
  std::string system_account;
  std::vector<std::pair<std::string, std::string>> accounts;
  std::string credentials_file;

  bool tls() const noexcept { return !server_cert.empty(); }
};

class NatsServer {
 public:
  // The binary's server, started on first use. Throws std::runtime_error when it cannot start.
  static NatsServer& shared();

  // `extra_args` go to nats-server as they are (e.g. {"--auth", "s3cret"} for an authenticated
  // server); `url_credentials` ("s3cret" or "user:pass") then let url() and the readiness check in.
  explicit NatsServer(std::vector<std::string> extra_args = {}, std::string url_credentials = {});
  explicit NatsServer(NatsSecurity security);
  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  std::string url() const;      // nats://[credentials@]127.0.0.1:<port>
  std::string address() const;  // nats://127.0.0.1:<port>, without credentials
  std::uint16_t port() const noexcept { return port_; }
  const NatsSecurity& security() const noexcept { return security_; }
  // From spawning the process to the first successful connection, for the last start.
  std::chrono::milliseconds last_start_time() const noexcept { return start_time_; }

  void start();
  // SIGTERM, then SIGKILL if it has not exited within a deadline.
  void stop() noexcept;
  void restart();
  bool running() const noexcept { return pid_ > 0; }

 private:
  void reserve_dir_and_port();
  void write_config_file();

  std::vector<std::string> extra_args_;
  std::string url_credentials_;
  NatsSecurity security_;
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
  explicit NatsClient(const std::string& url, const NatsSecurity& security = {});
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
