#include "support/rabbitmq_fixture.hpp"

#include "support/test_certificates.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Polling interval of the condition waits below (each has its own deadline).
constexpr auto kPoll = 50ms;

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot pick a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool port_accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

void write_file(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// Spawns `argv` with `env`, stdin from /dev/null and stdout+stderr appended to `log`, in a new
// process group (so that the whole tree can be signalled through the child's PID).
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& log) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& entry : env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(error));
  return pid;
}

// Waits for `pid` to exit until the deadline. Returns its wait status, or -1 on timeout.
int wait_exit(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return 0;  // not our child any more
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(kPoll);
  }
}

// SIGTERM to the process group, then SIGKILL if it does not exit in time; reaps the leader.
void terminate_group(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  ::kill(-pid, SIGTERM);
  if (wait_exit(pid, Clock::now() + grace) == -1) {
    ::kill(-pid, SIGKILL);
    wait_exit(pid, Clock::now() + 10s);
  }
  ::kill(-pid, SIGKILL);  // stragglers of the group (erl_child_setup, inet_gethost), if any
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

RabbitMqServer* g_server = nullptr;
std::string g_unavailable;

}  // namespace

RabbitMqServer::RabbitMqServer() {
  char pattern[] = "/tmp/sluice-rabbitmq-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  static int instance = 0;
  node_ = "sluice-test-" + std::to_string(::getpid()) + "-" + std::to_string(instance++) + "@localhost";
  amqp_port_ = free_port();
  dist_port_ = free_port();
  epmd_port_ = free_port();
  for (const char* sub : {"/mnesia", "/log", "/home"}) std::filesystem::create_directories(dir_ + sub);
  write_file(dir_ + "/enabled_plugins", "[].\n");
  write_file(dir_ + "/rabbitmq-env.conf", "");
  std::string config = "listeners.tcp.1 = 127.0.0.1:" + std::to_string(amqp_port_) +
                       "\n"
                       "log.console = false\n"
                       "log.file.level = info\n"
                       // Tests fill a small temp dir quickly; the disk alarm must not interfere.
                       "disk_free_limit.absolute = 1\n";
  if (make_certificates()) {
    tls_port_ = free_port();
    const std::string tls = dir_ + "/tls/";
    config += "listeners.ssl.1 = 127.0.0.1:" + std::to_string(tls_port_) + "\n" +
              "ssl_options.cacertfile = " + tls + "ca.pem\n" + "ssl_options.certfile = " + tls + "server.pem\n" +
              "ssl_options.keyfile = " + tls + "server.key\n" + "ssl_options.verify = verify_none\n" +
              "ssl_options.fail_if_no_peer_cert = false\n";
  }
  write_file(dir_ + "/rabbitmq.conf", config);
}

bool RabbitMqServer::make_certificates() {
  // ca.pem, server.pem (localhost / 127.0.0.1) and server.key under tls/, as the config above expects.
  try {
    TestCertificates::make(dir_ + "/tls");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

RabbitMqServer::~RabbitMqServer() {
  try {
    stop();
  } catch (...) {
  }
  stop_epmd();
  std::error_code ignored;
  if (std::getenv("SLUICE_KEEP_RABBITMQ_DIR") == nullptr) std::filesystem::remove_all(dir_, ignored);
}

bool RabbitMqServer::available(std::string* why) {
  if (::access(kServerScript, X_OK) != 0) {
    if (why) *why = std::string(kServerScript) + " is not installed (apt-get install rabbitmq-server)";
    return false;
  }
  if (::geteuid() != 0) {
    if (why) *why = "rabbitmq-server must be started as root";
    return false;
  }
  return true;
}

std::vector<std::string> RabbitMqServer::environment() const {
  std::vector<std::string> env;
  const char* path = std::getenv("PATH");
  env.push_back(std::string("PATH=") + (path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"));
  env.push_back("LANG=C.UTF-8");
  env.push_back("LC_ALL=C.UTF-8");
  env.push_back("HOME=" + dir_ + "/home");  // the Erlang cookie lives here
  env.push_back("RABBITMQ_NODENAME=" + node_);
  env.push_back("RABBITMQ_NODE_IP_ADDRESS=127.0.0.1");
  env.push_back("RABBITMQ_NODE_PORT=" + std::to_string(amqp_port_));
  env.push_back("RABBITMQ_DIST_PORT=" + std::to_string(dist_port_));
  env.push_back("ERL_EPMD_PORT=" + std::to_string(epmd_port_));
  env.push_back("ERL_EPMD_ADDRESS=127.0.0.1");
  env.push_back("RABBITMQ_MNESIA_BASE=" + dir_ + "/mnesia");
  env.push_back("RABBITMQ_LOG_BASE=" + dir_ + "/log");
  env.push_back("RABBITMQ_CONFIG_FILE=" + dir_ + "/rabbitmq.conf");
  env.push_back("RABBITMQ_ADVANCED_CONFIG_FILE=" + dir_ + "/advanced.config");
  env.push_back("RABBITMQ_CONF_ENV_FILE=" + dir_ + "/rabbitmq-env.conf");
  env.push_back("RABBITMQ_ENABLED_PLUGINS_FILE=" + dir_ + "/enabled_plugins");
  env.push_back("RABBITMQ_PID_FILE=" + dir_ + "/rabbitmq.pid");
  // Keep Erlang distribution on loopback too.
  env.push_back("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}");
  return env;
}

void RabbitMqServer::start_epmd() {
  if (epmd_pid_ > 0) return;
  // Our own epmd on our own port: the broker would otherwise start a daemonised one that
  // outlives the test and that we could not stop by PID.
  epmd_pid_ = spawn({"/usr/bin/epmd", "-port", std::to_string(epmd_port_), "-address", "127.0.0.1"}, environment(),
                    dir_ + "/log/epmd.out");
  const auto deadline = Clock::now() + 10s;
  while (!port_accepts(epmd_port_)) {
    if (Clock::now() >= deadline) throw std::runtime_error("epmd did not start listening within 10s");
    std::this_thread::sleep_for(kPoll);
  }
}

void RabbitMqServer::stop_epmd() {
  terminate_group(epmd_pid_, 2s);
  epmd_pid_ = -1;
}

bool RabbitMqServer::amqp_login_works() const {
  amqp_connection_state_t connection = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(connection);
  timeval timeout{1, 0};
  bool ok = false;
  if (socket != nullptr && amqp_socket_open_noblock(socket, "127.0.0.1", amqp_port_, &timeout) == AMQP_STATUS_OK) {
    amqp_set_handshake_timeout(connection, &timeout);
    const amqp_rpc_reply_t reply = amqp_login(connection, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest");
    ok = reply.reply_type == AMQP_RESPONSE_NORMAL;
    if (ok) amqp_connection_close(connection, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(connection);
  return ok;
}

void RabbitMqServer::start(std::chrono::milliseconds timeout) {
  if (running()) return;
  const auto began = Clock::now();
  start_epmd();
  server_pid_ = spawn({kServerScript}, environment(), dir_ + "/log/server.out");
  const auto deadline = began + timeout;
  for (;;) {
    if (amqp_login_works()) break;
    int status = 0;
    if (::waitpid(server_pid_, &status, WNOHANG) == server_pid_) {
      server_pid_ = -1;
      throw std::runtime_error("rabbitmq-server exited during start-up:\n" + log_tail());
    }
    if (Clock::now() >= deadline) {
      stop();
      throw std::runtime_error("rabbitmq-server was not ready within the deadline:\n" + log_tail());
    }
    std::this_thread::sleep_for(kPoll);
  }
  last_start_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began);
}

void RabbitMqServer::stop() {
  if (!running()) return;
  // Graceful first, so that durable queues keep their persistent messages for the next start.
  ctl({"stop"}, nullptr, 30s);
  if (wait_exit(server_pid_, Clock::now() + 30s) == -1) {
    terminate_group(server_pid_, 20s);
  } else {
    ::kill(-server_pid_, SIGKILL);  // the group's leftovers; the leader is reaped
  }
  server_pid_ = -1;
}

int RabbitMqServer::ctl(const std::vector<std::string>& args, std::string* output,
                        std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv{kCtlScript, "-n", node_};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string out_file = dir_ + "/log/ctl.out";
  std::filesystem::remove(out_file);
  const pid_t pid = spawn(argv, environment(), out_file);
  const int status = wait_exit(pid, Clock::now() + timeout);
  if (status == -1) {
    terminate_group(pid, 2s);
    if (output) *output = "rabbitmqctl timed out";
    return -1;
  }
  if (output) *output = read_file(out_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string RabbitMqServer::url() const {
  return "amqp://guest:guest@127.0.0.1:" + std::to_string(amqp_port_) + "/%2f";
}

std::string RabbitMqServer::tls_url() const {
  return "amqps://guest:guest@localhost:" + std::to_string(tls_port_) + "/%2f";
}

std::string RabbitMqServer::log_tail(std::size_t lines) const {
  std::string tail;
  for (const std::string& file : {dir_ + "/log/server.out", dir_ + "/log/" + node_ + ".log"}) {
    std::ifstream in(file);
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
      last.push_back(line);
      if (last.size() > lines) last.pop_front();
    }
    tail += "--- " + file + "\n";
    for (const auto& line : last) tail += line + "\n";
  }
  return tail;
}

void RabbitMqEnvironment::SetUp() {
  if (!RabbitMqServer::available(&g_unavailable)) return;
  auto server = std::make_unique<RabbitMqServer>();
  try {
    server->start();
  } catch (const std::exception& error) {
    g_unavailable = error.what();
    ADD_FAILURE() << "RabbitMQ did not start: " << error.what();
    return;
  }
  std::fprintf(stderr, "[rabbitmq] node %s on 127.0.0.1:%u ready in %lld ms (dir %s)\n", server->node().c_str(),
               server->amqp_port(), static_cast<long long>(server->last_start_duration().count()),
               server->dir().c_str());
  g_server = server.release();
}

void RabbitMqEnvironment::TearDown() {
  delete g_server;
  g_server = nullptr;
}

RabbitMqServer* RabbitMqEnvironment::server() noexcept { return g_server; }

const std::string& RabbitMqEnvironment::unavailable_reason() noexcept { return g_unavailable; }

}  // namespace sluice::testing
