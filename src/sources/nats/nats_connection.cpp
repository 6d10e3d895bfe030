#include "sources/nats/nats_connection.hpp"

#include "sources/nats/nats_error.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace sluice {
namespace {

constexpr auto kCloseWait = std::chrono::seconds(5);

// Credentials may be written into a URL (nats://user:secret@host); they never reach a log line.
std::string without_user_info(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t at = url.find('@', host_start);
  const std::size_t slash = url.find('/', host_start);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, host_start) + url.substr(at + 1);
}

// With TLS 1.3 a server checks the client certificate after the client has finished its side of
// the handshake, so a refused (or missing) certificate reaches cnats only as a closed connection
// ("Expected 'PONG', got ''", an SSL_write error). Say what that usually means.
std::string tls_refusal_hint(const NatsSourceConfig& config, natsStatus status) {
  if (!config.tls || (status != NATS_PROTOCOL_ERROR && status != NATS_IO_ERROR)) return {};
  if (config.tls->cert_file.empty()) {
    return " (the server closed the connection after the TLS handshake: if it verifies clients, set tls.cert_file "
           "and tls.key_file)";
  }
  return " (the server closed the connection after the TLS handshake: it may not trust the certificate in "
         "tls.cert_file; its log says why)";
}

}  // namespace

struct NatsConnection::Callbacks {
  std::shared_ptr<NatsSourceShared> shared;
  std::mutex mutex;
  std::condition_variable closed_cv;
  bool closed = false;

  // cnats' async-callback thread: count and note, nothing more. Slow consumers are counted by
  // polling the subscriptions' drop counters, which also covers drops after the first report.
  static void on_error(natsConnection*, natsSubscription* subscription, natsStatus error, void* closure) {
    if (error == NATS_SLOW_CONSUMER) return;
    auto* self = static_cast<Callbacks*>(closure);
    self->shared->metrics.async_error.Increment();
    try {
      const char* subject = subscription != nullptr ? natsSubscription_GetSubject(subscription) : nullptr;
      self->shared->failures.note("asynchronous NATS errors",
                                  fmt::format("{}{}{}", natsStatus_GetText(error), subject != nullptr ? " on " : "",
                                              subject != nullptr ? subject : ""));
    } catch (...) {
    }
  }

  static void on_closed(natsConnection*, void* closure) {
    auto* self = static_cast<Callbacks*>(closure);
    {
      std::lock_guard lock(self->mutex);
      self->closed = true;
    }
    self->closed_cv.notify_all();
  }
};

NatsConnection::NatsConnection(const NatsSourceConfig& config, std::string connection_name,
                               std::shared_ptr<NatsSourceShared> shared)
    : config_(config),
      connection_name_(std::move(connection_name)),
      shared_(std::move(shared)),
      callbacks_(std::make_unique<Callbacks>()) {
  callbacks_->shared = shared_;
}

NatsConnection::~NatsConnection() { close(); }

std::string NatsConnection::servers() const {
  std::string text;
  for (const std::string& url : config_.urls) {
    if (!text.empty()) text += ", ";
    text += without_user_info(url);
  }
  return text;
}

void NatsConnection::connect() {
  const auto check = [&](natsStatus status, std::string_view key, std::string_view what) {
    if (status != NATS_OK) {
      throw std::runtime_error(fmt::format("{}.{}: {}: {}", config_.key, key, what, describe_nats_error(status)));
    }
  };
  check(natsOptions_Create(&options_), "url", "cannot create NATS options");
  std::vector<const char*> urls;
  for (const std::string& url : config_.urls) urls.push_back(url.c_str());
  check(natsOptions_SetServers(options_, urls.data(), static_cast<int>(urls.size())), "url",
        fmt::format("invalid server list '{}'", servers()));
  check(natsOptions_SetName(options_, connection_name_.c_str()), "name", "cannot set the connection name");
  check(natsOptions_SetTimeout(options_, config_.connect_timeout.count()), "connect_timeout", "invalid");
  // Reconnect forever: a source that gives up would need a restart to ingest again.
  check(natsOptions_SetMaxReconnect(options_, -1), "url", "cannot enable reconnects");
  check(natsOptions_SetReconnectWait(options_, config_.reconnect_wait.count()), "reconnect_wait", "invalid");
  check(natsOptions_SetReconnectJitter(options_, config_.reconnect_jitter.count(), config_.reconnect_jitter.count()),
        "reconnect_jitter", "invalid");
  check(natsOptions_SetErrorHandler(options_, &Callbacks::on_error, callbacks_.get()), "url", "cannot set callbacks");
  check(natsOptions_SetClosedCB(options_, &Callbacks::on_closed, callbacks_.get()), "url", "cannot set callbacks");

  if (!config_.user.empty()) {
    check(natsOptions_SetUserInfo(options_, config_.user.c_str(), config_.password->c_str()), "user",
          "cannot set user and password");
  }
  if (config_.token) check(natsOptions_SetToken(options_, config_.token->c_str()), "token", "cannot set the token");
  if (!config_.credentials_file.empty()) {
    // cnats reads the file only while connecting and then blames the connection: name the key.
    if (!std::ifstream(config_.credentials_file)) {
      throw std::runtime_error(fmt::format("{}.credentials_file: cannot read '{}': {}", config_.key,
                                           config_.credentials_file, std::strerror(errno)));
    }
    check(natsOptions_SetUserCredentialsFromFiles(options_, config_.credentials_file.c_str(), nullptr),
          "credentials_file", fmt::format("cannot use '{}'", config_.credentials_file));
  }
  if (config_.tls) {
    check(natsOptions_SetSecure(options_, true), "tls", "cannot enable TLS");
    if (!config_.tls->ca_file.empty()) {
      check(natsOptions_LoadCATrustedCertificates(options_, config_.tls->ca_file.c_str()), "tls.ca_file",
            fmt::format("cannot load '{}'", config_.tls->ca_file));
    }
    if (!config_.tls->cert_file.empty()) {
      check(natsOptions_LoadCertificatesChain(options_, config_.tls->cert_file.c_str(), config_.tls->key_file.c_str()),
            "tls.cert_file",
            fmt::format("cannot load '{}' with key '{}'", config_.tls->cert_file, config_.tls->key_file));
    }
  }
  const natsStatus connected = natsConnection_Connect(&connection_, options_);
  if (connected != NATS_OK) {
    throw std::runtime_error(fmt::format("{}.url: cannot connect to {}: {}{}", config_.key, servers(),
                                         describe_nats_error(connected), tls_refusal_hint(config_, connected)));
  }
}

jsCtx* NatsConnection::jetstream() {
  if (jetstream_ != nullptr) return jetstream_;
  const natsStatus status = natsConnection_JetStream(&jetstream_, connection_, nullptr);
  if (status != NATS_OK) {
    throw std::runtime_error(
        fmt::format("{}.jetstream: cannot create a JetStream context: {}", config_.key, describe_nats_error(status)));
  }
  return jetstream_;
}

natsConnStatus NatsConnection::status() const noexcept {
  return connection_ == nullptr ? NATS_CONN_STATUS_DISCONNECTED : natsConnection_Status(connection_);
}

bool NatsConnection::flush(std::chrono::milliseconds timeout) noexcept {
  return connection_ != nullptr && natsConnection_FlushTimeout(connection_, timeout.count()) == NATS_OK;
}

void NatsConnection::close() noexcept {
  if (jetstream_ != nullptr) {
    jsCtx_Destroy(jetstream_);
    jetstream_ = nullptr;
  }
  if (connection_ != nullptr) {
    natsConnection_Close(connection_);
    bool closed = false;
    {
      std::unique_lock lock(callbacks_->mutex);
      closed = callbacks_->closed_cv.wait_for(lock, kCloseWait, [&] { return callbacks_->closed; });
    }
    natsConnection_Destroy(connection_);
    connection_ = nullptr;
    if (!closed) {
      // cnats may still call back into this state; keeping it (a few bytes) beats a crash.
      spdlog::warn("nats source '{}': connection did not report closing within {}s", shared_->name,
                   std::chrono::duration_cast<std::chrono::seconds>(kCloseWait).count());
      (void)callbacks_.release();
    }
  }
  if (options_ != nullptr) {
    natsOptions_Destroy(options_);
    options_ = nullptr;
  }
}

}  // namespace sluice
