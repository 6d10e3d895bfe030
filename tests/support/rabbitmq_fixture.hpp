#pragma once
// A real RabbitMQ broker for integration tests: Debian's rabbitmq-server started as a child
// process with its own node name, free 127.0.0.1 ports (AMQP, distribution, epmd), temp dirs and
// no plugins, so that several test binaries can run side by side on one machine.
//
// Use RabbitMqEnvironment to start one broker per test binary:
//
//   int main(int argc, char** argv) {
//     ::testing::InitGoogleTest(&argc, argv);
//     ::testing::AddGlobalTestEnvironment(new sluice::testing::RabbitMqEnvironment);
//     return RUN_ALL_TESTS();
//   }
//   TEST(X, Y) { auto& broker = sluice::testing::RabbitMqEnvironment::require(); ... }
//
// Every wait has a deadline; processes are stopped by PID (the broker's process group, and our
// own epmd). Needs root (rabbitmq-server refuses other users unless they are `rabbitmq`).
// Thread-safety: none; drive it from the test thread.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace sluice::testing {

class RabbitMqServer {
 public:
  static constexpr const char* kServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
  static constexpr const char* kCtlScript = "/usr/lib/rabbitmq/bin/rabbitmqctl";

  // Picks ports and creates the temp dirs; starts nothing.
  RabbitMqServer();
  ~RabbitMqServer();
  RabbitMqServer(const RabbitMqServer&) = delete;
  RabbitMqServer& operator=(const RabbitMqServer&) = delete;

  // True when rabbitmq-server is installed and we may run it.
  static bool available(std::string* why = nullptr);

  // Starts the broker (and our epmd) and waits until an AMQP login succeeds. Throws
  // std::runtime_error (with the tail of the broker's log) when it is not ready by the deadline.
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(90));
  // Stops the broker gracefully (rabbitmqctl stop, then SIGTERM, then SIGKILL to its process
  // group, each with a deadline). Data (durable queues, persistent messages) stays for start().
  void stop();
  bool running() const noexcept { return server_pid_ > 0; }
  // Runs `rabbitmqctl -n <node> args...` and returns its exit status; output (stdout+stderr) into
  // *output when given. Bounded by `timeout`.
  int ctl(const std::vector<std::string>& args, std::string* output = nullptr,
          std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  std::uint16_t amqp_port() const noexcept { return amqp_port_; }
  const std::string& node() const noexcept { return node_; }
  const std::string& dir() const noexcept { return dir_; }
  // amqp://guest:guest@127.0.0.1:<port>/%2f (guest may log in over 127.0.0.1 only, which is all we use).
  std::string url() const;
  // A TLS listener with a certificate for "localhost" (DNS and IP 127.0.0.1) signed by a CA made
  // for this broker; 0 when openssl could not make them. Clients trust ca_file().
  std::uint16_t tls_port() const noexcept { return tls_port_; }
  std::string ca_file() const { return dir_ + "/tls/ca.pem"; }
  // amqps://guest:guest@localhost:<tls port>/%2f
  std::string tls_url() const;
  std::chrono::milliseconds last_start_duration() const noexcept { return last_start_; }
  // The last lines of the broker's log, for failure messages.
  std::string log_tail(std::size_t lines = 30) const;

 private:
  std::vector<std::string> environment() const;
  void start_epmd();
  void stop_epmd();
  bool amqp_login_works() const;
  bool make_certificates();

  std::string dir_;
  std::string node_;
  std::uint16_t amqp_port_ = 0;
  std::uint16_t dist_port_ = 0;
  std::uint16_t epmd_port_ = 0;
  std::uint16_t tls_port_ = 0;
  pid_t server_pid_ = -1;
  pid_t epmd_pid_ = -1;
  std::chrono::milliseconds last_start_{0};
};

// One broker for the whole test binary; started in SetUp, stopped in TearDown. When RabbitMQ is
// not installed (or we are not root), tests that need it fail with the reason.
class RabbitMqEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  // The running broker, or null when unavailable (tests then fail): call it first in a test and
  // return if it is null (see the macro below).
  static RabbitMqServer* server() noexcept;
  static const std::string& unavailable_reason() noexcept;
};

}  // namespace sluice::testing

// Fails the current test when no broker could be started (tools/dev installs rabbitmq-server).
#define SLUICE_REQUIRE_RABBITMQ(var)                                                        \
  ::sluice::testing::RabbitMqServer* var = ::sluice::testing::RabbitMqEnvironment::server(); \
  ASSERT_NE(var, nullptr) << ::sluice::testing::RabbitMqEnvironment::unavailable_reason()
