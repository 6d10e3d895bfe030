#include "support/nats_fixture.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kStartDeadline = 20s;
constexpr auto kStopDeadline = 10s;
constexpr auto kPollInterval = 10ms;
const std::string kJetStream = "-js";
const std::string kAddressFlag = "-a";
const std::string kLoopback = "127.0.0.1";
const std::string kPortFlag = "-p";
const std::string kStoreFlag = "-sd";
constexpr int kReadinessTimeoutMs = 500;
constexpr int kClientTimeoutMs = 5000;

std::string server_binary() {
  if (const char* configured = std::getenv("SLUICE_NATS_SERVER")) return configured;
  for (const char* candidate : {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  return "nats-server";  // execvp searches PATH
}

// A port nobody listens on right now: bind port 0 on 127.0.0.1 and read what the kernel chose.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot pick a free port: {}", error));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string tail_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string contents = text.str();
  return contents.size() > 2000 ? contents.substr(contents.size() - 2000) : contents;
}

struct OptionsDeleter {
  void operator()(natsOptions* options) const noexcept { natsOptions_Destroy(options); }
};
using Options = std::unique_ptr<natsOptions, OptionsDeleter>;

// Options for the fixture's own clients: `url`, with the TLS files and credentials `security`
// asks clients for.
natsStatus make_client_options(Options& out, const std::string& url, const NatsSecurity& security, int timeout_ms) {
  natsOptions* raw = nullptr;
  natsStatus status = natsOptions_Create(&raw);
  out.reset(raw);
  if (status == NATS_OK) status = natsOptions_SetURL(raw, url.c_str());
  if (status == NATS_OK) status = natsOptions_SetTimeout(raw, timeout_ms);
  if (status == NATS_OK && security.tls()) status = natsOptions_SetSecure(raw, true);
  if (status == NATS_OK && !security.ca_file.empty())
    status = natsOptions_LoadCATrustedCertificates(raw, security.ca_file.c_str());
  if (status == NATS_OK && !security.client_cert.empty())
    status = natsOptions_LoadCertificatesChain(raw, security.client_cert.c_str(), security.client_key.c_str());
  if (status == NATS_OK && !security.user.empty())
    status = natsOptions_SetUserInfo(raw, security.user.c_str(), security.password.c_str());
  if (status == NATS_OK && !security.token.empty()) status = natsOptions_SetToken(raw, security.token.c_str());
  if (status == NATS_OK && !security.credentials_file.empty())
    status = natsOptions_SetUserCredentialsFromFiles(raw, security.credentials_file.c_str(), nullptr);
  return status;
}

// True once a client connects and JetStream answers an account-info request.
bool answers(const std::string& url, const NatsSecurity& security) {
  Options options;
  natsConnection* connection = nullptr;
  bool ok = make_client_options(options, url, security, kReadinessTimeoutMs) == NATS_OK &&
            natsConnection_Connect(&connection, options.get()) == NATS_OK;
  if (ok) {
    jsCtx* js = nullptr;
    jsAccountInfo* info = nullptr;
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = 500;
    ok = natsConnection_JetStream(&js, connection, &js_options) == NATS_OK &&
         js_GetAccountInfo(&info, js, nullptr, nullptr) == NATS_OK;
    jsAccountInfo_Destroy(info);
    jsCtx_Destroy(js);
  }
  natsConnection_Destroy(connection);
  return ok;
}

[[noreturn]] void fail(std::string_view what, natsStatus status) {
  throw std::runtime_error(fmt::format("{}: {} ({})", what, natsStatus_GetText(status), nats_GetLastError(nullptr)));
}

void check(natsStatus status, std::string_view what) {
  if (status != NATS_OK) fail(what, status);
}

}  // namespace

NatsServer& NatsServer::shared() {
  static NatsServer server;
  return server;
}

NatsServer::NatsServer(std::vector<std::string> extra_args, std::string url_credentials)
    : extra_args_(std::move(extra_args)), url_credentials_(std::move(url_credentials)) {
  reserve_dir_and_port();
  start();
}

NatsServer::NatsServer(NatsSecurity security) : security_(std::move(security)) {
  reserve_dir_and_port();
  write_config_file();
  extra_args_ = {"-c", (dir_ / "nats-server.conf").string()};
  start();
}

void NatsServer::reserve_dir_and_port() {
  char pattern[] = "/tmp/sluice-nats-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error(fmt::format("mkdtemp: {}", std::strerror(errno)));
  dir_ = pattern;
  port_ = free_port();
}

// Only what flags cannot say: TLS with client verification, authorization, operator mode. Address,
// port, store and JetStream still come from the command line (flags override the file).
void NatsServer::write_config_file() {
  std::ofstream out(dir_ / "nats-server.conf", std::ios::trunc);
  if (security_.tls()) {
    out << "tls {\n"
        << "  cert_file: \"" << security_.server_cert << "\"\n"
        << "  key_file: \"" << security_.server_key << "\"\n";
    if (!security_.ca_file.empty()) out << "  ca_file: \"" << security_.ca_file << "\"\n";
    if (security_.verify_clients) out << "  verify: true\n";
    out << "}\n";
  }
  if (!security_.user.empty()) {
    out << "authorization {\n  user: \"" << security_.user << "\"\n  password: \"" << security_.password << "\"\n}\n";
  } else if (!security_.token.empty()) {
    out << "authorization {\n  token: \"" << security_.token << "\"\n}\n";
  }
  if (!security_.operator_jwt.empty()) {
    const std::filesystem::path operator_file = dir_ / "operator.jwt";
    std::ofstream(operator_file, std::ios::trunc) << security_.operator_jwt << "\n";
    out << "operator: \"" << operator_file.string() << "\"\n";
    if (!security_.system_account.empty()) out << "system_account: \"" << security_.system_account << "\"\n";
    out << "resolver: MEMORY\nresolver_preload: {\n";
    for (const auto& [public_key, jwt] : security_.accounts) out << "  " << public_key << ": \"" << jwt << "\"\n";
    out << "}\n";
  }
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", (dir_ / "nats-server.conf").string()));
}

NatsServer::~NatsServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string NatsServer::url() const {
  if (url_credentials_.empty()) return address();
  return fmt::format("nats://{}@127.0.0.1:{}", url_credentials_, port_);
}

std::string NatsServer::address() const { return fmt::format("nats://127.0.0.1:{}", port_); }

void NatsServer::start() {
  if (running()) return;
  const std::string binary = server_binary();
  const std::string port = std::to_string(port_);
  const std::string store = (dir_ / "store").string();
  const std::string log = (dir_ / "nats-server.log").string();
  // Everything the child needs is built before fork(): between fork and exec only
  // async-signal-safe calls are allowed in a multi-threaded process.
  std::vector<char*> argv;
  for (const std::string* arg :
       {&binary, &kJetStream, &kAddressFlag, &kLoopback, &kPortFlag, &port, &kStoreFlag, &store}) {
    argv.push_back(const_cast<char*>(arg->c_str()));
  }
  for (const std::string& arg : extra_args_) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const bool search_path = binary.find('/') == std::string::npos;
  const auto spawned = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    // Child: die with the test process even when it crashes, and keep the server's output out of
    // the test log.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    if (search_path) {
      ::execvp(argv[0], argv.data());
    } else {
      ::execv(argv[0], argv.data());
    }
    ::_exit(127);
  }
  pid_ = pid;
  while (!answers(url(), security_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(fmt::format("{} exited during start-up (status {}); log:\n{}", binary, status,
                                           tail_of(dir_ / "nats-server.log")));
    }
    if (Clock::now() - spawned > kStartDeadline) {
      stop();
      throw std::runtime_error(fmt::format("{} did not answer on {} within {}s; log:\n{}", binary, address(),
                                           kStartDeadline.count(), tail_of(dir_ / "nats-server.log")));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  start_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - spawned);
}

void NatsServer::stop() noexcept {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + kStopDeadline;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  pid_ = -1;
}

void NatsServer::restart() {
  stop();
  start();
}

NatsClient::NatsClient(const std::string& url, const NatsSecurity& security) {
  Options options;
  check(make_client_options(options, url, security, kClientTimeoutMs), "client options");
  check(natsConnection_Connect(&connection_, options.get()), fmt::format("connect to {}", url));
  check(natsConnection_JetStream(&jetstream_, connection_, nullptr), "JetStream context");
}

NatsClient::~NatsClient() {
  jsCtx_Destroy(jetstream_);
  natsConnection_Destroy(connection_);
}

namespace {

struct MessageDeleter {
  void operator()(natsMsg* msg) const noexcept { natsMsg_Destroy(msg); }
};

std::unique_ptr<natsMsg, MessageDeleter> make_message(const std::string& subject, std::string_view payload,
                                                      const NatsClient::Headers& headers) {
  natsMsg* msg = nullptr;
  check(natsMsg_Create(&msg, subject.c_str(), nullptr, payload.data(), static_cast<int>(payload.size())),
        "create message");
  std::unique_ptr<natsMsg, MessageDeleter> owned(msg);
  for (const auto& [name, value] : headers) check(natsMsgHeader_Add(msg, name.c_str(), value.c_str()), "add header");
  return owned;
}

}  // namespace

void NatsClient::publish(const std::string& subject, std::string_view payload, const Headers& headers) {
  if (headers.empty()) {
    check(natsConnection_Publish(connection_, subject.c_str(), payload.data(), static_cast<int>(payload.size())),
          "publish");
    return;
  }
  auto msg = make_message(subject, payload, headers);
  check(natsConnection_PublishMsg(connection_, msg.get()), "publish");
}

void NatsClient::publish_js(const std::string& subject, std::string_view payload, const Headers& headers) {
  auto msg = make_message(subject, payload, headers);
  jsPubAck* ack = nullptr;
  jsErrCode code{};
  check(js_PublishMsg(&ack, jetstream_, msg.get(), nullptr, &code), fmt::format("JetStream publish to {}", subject));
  jsPubAck_Destroy(ack);
}

void NatsClient::flush() { check(natsConnection_FlushTimeout(connection_, 5000), "flush"); }

void NatsClient::create_stream(const std::string& name, const std::vector<std::string>& subjects) {
  std::vector<const char*> pointers;
  for (const std::string& subject : subjects) pointers.push_back(subject.c_str());
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = name.c_str();
  config.Subjects = pointers.data();
  config.SubjectsLen = static_cast<int>(pointers.size());
  config.Storage = js_FileStorage;
  jsStreamInfo* info = nullptr;
  jsErrCode code{};
  check(js_AddStream(&info, jetstream_, &config, nullptr, &code), fmt::format("create stream {}", name));
  jsStreamInfo_Destroy(info);
}

void NatsClient::delete_stream(const std::string& name) noexcept {
  jsErrCode code{};
  js_DeleteStream(jetstream_, name.c_str(), nullptr, &code);
}

std::optional<ConsumerState> NatsClient::consumer_state(const std::string& stream, const std::string& durable) {
  jsConsumerInfo* info = nullptr;
  jsErrCode code{};
  const natsStatus status = js_GetConsumerInfo(&info, jetstream_, stream.c_str(), durable.c_str(), nullptr, &code);
  if (status == NATS_NOT_FOUND) return std::nullopt;
  check(status, fmt::format("consumer info {}/{}", stream, durable));
  ConsumerState state{info->NumAckPending, info->NumPending, info->NumRedelivered, info->AckFloor.Stream,
                      info->Delivered.Stream};
  jsConsumerInfo_Destroy(info);
  return state;
}

}  // namespace sluice::testing
