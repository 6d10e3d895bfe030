#include "sinks/amqp/amqp_publisher.hpp"

#include <sluice/core/thread_name.hpp>

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <random>
#include <span>
#include <stdexcept>

namespace sluice::amqp {
namespace {

using std::chrono::milliseconds;

constexpr amqp_channel_t kChannel = 1;
// Longest wait for the first record when nothing is outstanding; bounds how late a stop request
// or a broker frame (connection.blocked, close, heartbeat) is noticed while idle.
constexpr milliseconds kIdlePopWait{50};
// Wait for confirms when the queue is empty but confirms are outstanding. Records that arrive in
// the meantime wait at most this long; the broker's confirms usually come sooner.
constexpr milliseconds kConfirmWait{2};
// Wait for frames when nothing can be published (window full, connection blocked, stopping).
constexpr milliseconds kStalledWait{100};
// Frames handled per read before publishing again, so a flood of acks cannot starve publishing.
constexpr int kMaxFramesPerRead = 4096;
constexpr std::size_t kMaxPopBatch = 256;
constexpr milliseconds kGaugeInterval{250};
constexpr milliseconds kCloseTimeout{1000};
// How long join() lets a thread overrun its deadline in blocking I/O before shutting its socket.
constexpr milliseconds kJoinGrace{500};

timeval to_timeval(milliseconds duration) {
  if (duration.count() < 0) duration = milliseconds(0);
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(duration.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((duration.count() % 1000) * 1000);
  return tv;
}

std::string_view view_of(amqp_bytes_t bytes) {
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

amqp_bytes_t bytes_of(std::string_view text) {
  amqp_bytes_t bytes;
  bytes.len = text.size();
  bytes.bytes = const_cast<char*>(text.data());
  return bytes;
}

AmqpFailure library_failure(int status, std::string_view operation) {
  return AmqpFailure{AmqpFailure::Kind::library, status, amqp_error_string2(status), operation};
}

// Turns an RPC reply into a failure; nullopt when it succeeded.
std::optional<AmqpFailure> rpc_failure(const amqp_rpc_reply_t& reply, std::string_view operation) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return std::nullopt;
    case AMQP_RESPONSE_NONE:
      return AmqpFailure{AmqpFailure::Kind::library, AMQP_STATUS_UNEXPECTED_STATE, "no reply", operation};
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return library_failure(reply.library_error, operation);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        return AmqpFailure{AmqpFailure::Kind::connection_close, close->reply_code,
                           std::string(view_of(close->reply_text)), operation};
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        return AmqpFailure{AmqpFailure::Kind::channel_close, close->reply_code,
                           std::string(view_of(close->reply_text)), operation};
      }
      return AmqpFailure{AmqpFailure::Kind::library, AMQP_STATUS_WRONG_METHOD, "unexpected method", operation};
  }
  return std::nullopt;
}

// After a broker refused something during set-up, ends the connection the way the protocol asks
// (close-ok for its close, or our own close), so the broker logs a clean close instead of an
// unexpectedly dropped socket. Best effort, bounded by kCloseTimeout.
void say_goodbye(amqp_connection_state_t state, const AmqpFailure& failure) {
  if (failure.kind == AmqpFailure::Kind::connection_close) {
    amqp_connection_close_ok_t close_ok{};
    amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &close_ok);
    return;
  }
  if (failure.kind == AmqpFailure::Kind::channel_close) {
    amqp_channel_close_ok_t close_ok{};
    amqp_send_method(state, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
    timeval tv = to_timeval(kCloseTimeout);
    amqp_set_rpc_timeout(state, &tv);
    amqp_connection_close(state, AMQP_REPLY_SUCCESS);
  }
}

milliseconds with_jitter(milliseconds backoff) {
  // ±20% so that the connections of many sluice instances do not reconnect in lockstep.
  thread_local std::minstd_rand random{std::random_device{}()};
  std::uniform_int_distribution<long> spread(-backoff.count() / 5, backoff.count() / 5);
  return backoff + milliseconds(spread(random));
}

}  // namespace

struct AmqpPublisher::Connection {
  amqp_connection_state_t state = nullptr;
  ~Connection() {
    if (state != nullptr) amqp_destroy_connection(state);
  }
};

AmqpPublisher::AmqpPublisher(const AmqpSinkConfig& config, int index, SinkQueue& queue,
                             PublisherMetrics metrics, PublisherGroup& group)
    : config_(config),
      index_(index),
      queue_(queue),
      metrics_(metrics),
      group_(group),
      error_context_{config.key_prefix, config.exchange},
      window_(config.max_unconfirmed),
      encoder_(EncoderOptions{config.format, config.header_prefix, config.persistent}),
      popped_(std::min<std::size_t>(config.max_unconfirmed, kMaxPopBatch)),
      backoff_(config.reconnect_backoff) {
  settled_.reserve(config.max_unconfirmed);
}

AmqpPublisher::~AmqpPublisher() {
  if (thread_.joinable()) {
    request_stop(Clock::now());
    join();
  }
  close_connection(true);  // connected but never started (a peer failed to connect)
}

// ---------------------------------------------------------------------------------------------
// Connecting

void AmqpPublisher::connect() {
  if (auto error = open_connection(config_.connect_timeout)) {
    throw std::runtime_error(fmt::format("{}: {}: {}", config_.key_prefix, config_.display_url, error->message));
  }
}

std::optional<ErrorDecision> AmqpPublisher::open_connection(milliseconds timeout) {
  auto connection = std::make_unique<Connection>();
  connection->state = amqp_new_connection();
  if (connection->state == nullptr) {
    return classify(library_failure(AMQP_STATUS_NO_MEMORY, "connect"), error_context_);
  }
  amqp_connection_state_t state = connection->state;

  amqp_socket_t* socket = nullptr;
  if (config_.tls.enabled) {
    socket = amqp_ssl_socket_new(state);
    if (socket == nullptr) return classify(library_failure(AMQP_STATUS_SSL_ERROR, "TLS setup"), error_context_);
    if (!config_.tls.ca_file.empty()) {
      const int status = amqp_ssl_socket_set_cacert(socket, config_.tls.ca_file.c_str());
      if (status != AMQP_STATUS_OK) {
        return ErrorDecision{ErrorClass::permanent, "config",
                             fmt::format("cannot load {}.tls.ca_file '{}': {}", config_.key_prefix,
                                         config_.tls.ca_file, amqp_error_string2(status))};
      }
    }
    if (!config_.tls.cert_file.empty()) {
      const int status =
          amqp_ssl_socket_set_key(socket, config_.tls.cert_file.c_str(), config_.tls.key_file.c_str());
      if (status != AMQP_STATUS_OK) {
        return ErrorDecision{ErrorClass::permanent, "config",
                             fmt::format("cannot load {}.tls.cert_file/key_file: {}", config_.key_prefix,
                                         amqp_error_string2(status))};
      }
    }
    amqp_ssl_socket_set_verify_peer(socket, config_.tls.verify_peer ? 1 : 0);
    amqp_ssl_socket_set_verify_hostname(socket, config_.tls.verify_hostname ? 1 : 0);
  } else {
    socket = amqp_tcp_socket_new(state);
    if (socket == nullptr) return classify(library_failure(AMQP_STATUS_NO_MEMORY, "connect"), error_context_);
  }

  timeval tv = to_timeval(timeout);
  int status = amqp_socket_open_noblock(socket, config_.host.c_str(), config_.port, &tv);
  if (status != AMQP_STATUS_OK) return classify(library_failure(status, "connect"), error_context_);
  // From here on join() can cut a handshake short by shutting the socket down; the fd is
  // withdrawn again before `connection` closes it, whichever way this function returns.
  {
    std::lock_guard lock(fd_mutex_);
    fd_ = amqp_get_sockfd(state);
  }
  struct WithdrawFd {
    AmqpPublisher* self;
    bool keep = false;
    ~WithdrawFd() {
      if (keep) return;
      std::lock_guard lock(self->fd_mutex_);
      self->fd_ = -1;
    }
  } withdraw_fd{this};
  amqp_set_handshake_timeout(state, &tv);
  amqp_set_rpc_timeout(state, &tv);

  // connection.blocked must be announced or RabbitMQ just stops reading without telling us.
  const std::string connection_name = fmt::format("sluice {}#{}", config_.name, index_);
  amqp_table_entry_t capabilities[3];
  capabilities[0].key = amqp_cstring_bytes("connection.blocked");
  capabilities[1].key = amqp_cstring_bytes("publisher_confirms");
  capabilities[2].key = amqp_cstring_bytes("basic.nack");
  for (auto& capability : capabilities) {
    capability.value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability.value.value.boolean = 1;
  }
  amqp_table_entry_t properties[2];
  properties[0].key = amqp_cstring_bytes("connection_name");
  properties[0].value.kind = AMQP_FIELD_KIND_UTF8;
  properties[0].value.value.bytes = bytes_of(connection_name);
  properties[1].key = amqp_cstring_bytes("capabilities");
  properties[1].value.kind = AMQP_FIELD_KIND_TABLE;
  properties[1].value.value.table = amqp_table_t{3, capabilities};
  const amqp_table_t client_properties{2, properties};

  const amqp_rpc_reply_t login = amqp_login_with_properties(
      state, config_.vhost.c_str(), 0, static_cast<int>(config_.frame_max),
      static_cast<int>(config_.heartbeat.count()), &client_properties, AMQP_SASL_METHOD_PLAIN,
      config_.user.c_str(), config_.password.c_str());
  auto refused = [&](const AmqpFailure& failure) {
    say_goodbye(state, failure);
    return classify(failure, error_context_);
  };
  if (auto failure = rpc_failure(login, "login")) return refused(*failure);
  amqp_channel_open(state, kChannel);
  if (auto failure = rpc_failure(amqp_get_rpc_reply(state), "channel.open")) return refused(*failure);
  amqp_confirm_select(state, kChannel);
  if (auto failure = rpc_failure(amqp_get_rpc_reply(state), "confirm.select")) return refused(*failure);
  if (config_.declare_exchange != DeclareExchange::none) {
    const bool passive = config_.declare_exchange == DeclareExchange::passive;
    amqp_exchange_declare(state, kChannel, bytes_of(config_.exchange), bytes_of(config_.exchange_type),
                          passive ? 1 : 0, config_.exchange_durable ? 1 : 0, 0, 0, amqp_empty_table);
    if (auto failure = rpc_failure(amqp_get_rpc_reply(state), "exchange.declare")) return refused(*failure);
  }
  amqp_maybe_release_buffers(state);

  withdraw_fd.keep = true;
  connection_ = std::move(connection);
  ever_connected_ = true;
  blocked_.store(false);
  connected_.store(true);
  group_.connected.fetch_add(1);
  return std::nullopt;
}

void AmqpPublisher::close_connection(bool graceful) noexcept {
  if (!connection_) return;
  if (graceful) {
    // Bounded: a broker that no longer answers must not hold up shutdown.
    timeval tv = to_timeval(kCloseTimeout);
    amqp_set_rpc_timeout(connection_->state, &tv);
    amqp_connection_close(connection_->state, AMQP_REPLY_SUCCESS);
  }
  {
    std::lock_guard lock(fd_mutex_);
    fd_ = -1;
  }
  connection_.reset();
  if (connected_.exchange(false)) group_.connected.fetch_sub(1);
  blocked_.store(false);
}

void AmqpPublisher::lose_connection(const AmqpFailure& failure) {
  const ErrorDecision decision = classify(failure, error_context_);
  metrics_.component.error(decision.reason).Increment();
  last_error_ = decision.message;
  spdlog::log(decision.error_class == ErrorClass::permanent ? spdlog::level::err : spdlog::level::warn,
              "{} connection {} to {} lost ({} unconfirmed will be published again): {}", config_.key_prefix,
              index_, config_.display_url, window_.size(), decision.message);
  close_connection(false);
  backoff_ = config_.reconnect_backoff;
  next_attempt_ = Clock::now() + with_jitter(backoff_);
}

void AmqpPublisher::run_disconnected(Clock::time_point now) {
  if (now >= next_attempt_) {
    milliseconds timeout = config_.connect_timeout;
    if (stopping_.load()) {
      const Clock::time_point deadline{Clock::duration(deadline_.load())};
      timeout = std::min(timeout, std::chrono::duration_cast<milliseconds>(deadline - now));
      if (timeout.count() <= 0) return;
    }
    const bool reconnecting = ever_connected_;
    if (auto error = open_connection(timeout)) {
      ++failed_attempts_;
      metrics_.component.error(error->reason).Increment();
      // Backoff bounds the rate of these lines; repeat the same failure only now and then.
      const bool changed = error->message != last_error_;
      if (changed || failed_attempts_ == 1 || failed_attempts_ % 10 == 0) {
        spdlog::log(error->error_class == ErrorClass::permanent ? spdlog::level::err : spdlog::level::warn,
                    "{} connection {} to {} failed (attempt {}, retrying in {}): {}", config_.key_prefix,
                    index_, config_.display_url, failed_attempts_, backoff_, error->message);
      }
      last_error_ = error->message;
      next_attempt_ = Clock::now() + with_jitter(backoff_);
      backoff_ = std::min(backoff_ * 2, config_.reconnect_backoff_max);
      return;
    }
    if (reconnecting) {
      spdlog::info("{} connection {} to {} re-established after {} attempt(s); publishing {} unconfirmed again",
                   config_.key_prefix, index_, config_.display_url, failed_attempts_ + 1, window_.size());
    } else {
      spdlog::info("{} connection {} to {} open", config_.key_prefix, index_, config_.display_url);
    }
    failed_attempts_ = 0;
    backoff_ = config_.reconnect_backoff;
    republish_unsettled();
    return;
  }

  // Nobody can publish: take records anyway so that they time out (delivery_timeout) instead of
  // waiting unseen in the queue. With a peer connected, leave them to the peer.
  const Clock::time_point wake = std::min(next_attempt_, now + kIdlePopWait);
  if (!stopping_.load() && config_.delivery_timeout.count() > 0 && group_.connected.load() == 0 &&
      window_.room() > 0) {
    const std::size_t limit = std::min(window_.room(), popped_.size());
    const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(wake - now);
    const std::size_t count =
        queue_.pop(std::span(popped_.data(), limit), std::max(wait, std::chrono::microseconds(0)));
    const Clock::time_point taken_at = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
      if (popped_[i] == nullptr) continue;  // a wake-up
      window_.hold(WindowEntry{popped_[i], {}, 0, taken_at});
    }
    return;
  }
  sleep_until(wake);
}

void AmqpPublisher::republish_unsettled() {
  std::vector<WindowEntry> entries = window_.take_unsettled();
  for (WindowEntry& entry : entries) {
    if (connection_) {
      publish_entry(entry);
    } else {
      window_.hold(entry);  // lost again half-way: keep the rest for the next connection
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Publishing

std::size_t AmqpPublisher::publish_from_queue(Clock::time_point now) {
  if (stopping_.load() || blocked_.load() || window_.room() == 0) return 0;
  const std::size_t limit = std::min(window_.room(), popped_.size());
  const auto wait = window_.empty() ? std::chrono::duration_cast<std::chrono::microseconds>(kIdlePopWait)
                                    : std::chrono::microseconds(0);
  const std::size_t count = queue_.pop(std::span(popped_.data(), limit), wait);
  if (count == 0) return 0;
  const Clock::time_point taken_at = wait.count() > 0 ? Clock::now() : now;
  std::size_t published = 0;
  for (std::size_t i = 0; i < count; ++i) {
    OutRecord* record = popped_[i];
    if (record == nullptr) continue;  // a wake-up
    if (!connection_) {
      window_.hold(WindowEntry{record, {}, 0, taken_at});  // connection lost earlier in this batch
      continue;
    }
    if (publish_entry(WindowEntry{record, {}, 0, taken_at})) ++published;
  }
  return published;
}

bool AmqpPublisher::publish_entry(WindowEntry entry) {
  OutRecord* record = entry.record;
  const std::string_view routing_key = record->topic.empty() ? std::string_view(config_.routing_key) : record->topic;
  if (routing_key.size() > kMaxShortString) {
    fail_now(record, DeliveryStatus::permanent_failure,
             fmt::format("routing key longer than 255 bytes ({}...); shorten the route's routing_key template",
                         routing_key.substr(0, 40)),
             "routing_key_too_long");
    return false;
  }
  const EncodedMessage& message = encoder_.encode(*record);
  if (message.body.len > config_.max_message_size) {
    fail_now(record, DeliveryStatus::permanent_failure,
             fmt::format("message of {} bytes exceeds {}.max_message_size ({})", message.body.len,
                         config_.key_prefix, config_.max_message_size),
             "message_too_large");
    return false;
  }
  entry.routing_key = routing_key;
  entry.body_size = static_cast<std::uint32_t>(message.body.len);
  window_.add(entry);
  if (entry.publish_count > 0) {  // published before, on a connection that was lost
    republished_.fetch_add(1, std::memory_order_relaxed);
    metrics_.republished.Increment();
  }
  const int status = amqp_basic_publish(connection_->state, kChannel, bytes_of(config_.exchange),
                                        bytes_of(routing_key), config_.mandatory ? 1 : 0, 0,
                                        &message.properties, message.body);
  if (status != AMQP_STATUS_OK) {
    // The entry stays in the window and goes out again on the next connection.
    lose_connection(library_failure(status, "publish"));
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Frames

void AmqpPublisher::read_frames(milliseconds wait) {
  timeval first_wait = to_timeval(wait);
  timeval no_wait = to_timeval(milliseconds(0));
  for (int i = 0; i < kMaxFramesPerRead && connection_; ++i) {
    amqp_frame_t frame;
    const int status = amqp_simple_wait_frame_noblock(connection_->state, &frame, i == 0 ? &first_wait : &no_wait);
    if (status == AMQP_STATUS_TIMEOUT) break;
    if (status != AMQP_STATUS_OK) {
      lose_connection(library_failure(status, "reading confirms"));
      break;
    }
    if (!handle_frame(&frame)) break;
  }
  if (connection_) amqp_maybe_release_buffers(connection_->state);
}

// False when the frame ended the connection.
bool AmqpPublisher::handle_frame(const void* raw) {
  const auto& frame = *static_cast<const amqp_frame_t*>(raw);
  if (frame.frame_type != AMQP_FRAME_METHOD) return true;  // heartbeats are handled by librabbitmq
  const amqp_method_t& method = frame.payload.method;
  switch (method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      const auto* ack = static_cast<const amqp_basic_ack_t*>(method.decoded);
      window_.ack(ack->delivery_tag, ack->multiple != 0, settled_);
      return true;
    }
    case AMQP_BASIC_NACK_METHOD: {
      const auto* nack = static_cast<const amqp_basic_nack_t*>(method.decoded);
      window_.nack(nack->delivery_tag, nack->multiple != 0, settled_);
      return true;
    }
    case AMQP_BASIC_RETURN_METHOD: {
      const auto* returned = static_cast<const amqp_basic_return_t*>(method.decoded);
      const std::string routing_key(view_of(returned->routing_key));
      const std::uint16_t reply_code = returned->reply_code;
      // The returned message's header and body frames follow; read them off the channel.
      amqp_message_t message;
      const amqp_rpc_reply_t reply = amqp_read_message(connection_->state, frame.channel, &message, 0);
      if (auto failure = rpc_failure(reply, "reading a returned message")) {
        lose_connection(*failure);
        return false;
      }
      const std::size_t body_size = message.body.len;
      amqp_destroy_message(&message);
      if (!window_.mark_returned(routing_key, body_size, reply_code)) {
        spdlog::debug("{}: basic.return for routing key '{}' matched no unconfirmed message", config_.key_prefix,
                      routing_key);
      }
      return true;
    }
    case AMQP_CONNECTION_BLOCKED_METHOD: {
      const auto* blocked = static_cast<const amqp_connection_blocked_t*>(method.decoded);
      blocked_.store(true);
      metrics_.component.error("broker_blocked").Increment();
      spdlog::warn("{} connection {}: the broker blocked publishing ({}); records wait until it unblocks",
                   config_.key_prefix, index_, view_of(blocked->reason));
      return true;
    }
    case AMQP_CONNECTION_UNBLOCKED_METHOD:
      blocked_.store(false);
      spdlog::info("{} connection {}: the broker unblocked publishing", config_.key_prefix, index_);
      return true;
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
      AmqpFailure failure{AmqpFailure::Kind::channel_close, close->reply_code,
                          std::string(view_of(close->reply_text)), "publish"};
      amqp_channel_close_ok_t close_ok{};
      amqp_send_method(connection_->state, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
      // A fresh connection is simpler than reopening the channel and re-entering confirm mode.
      lose_connection(failure);
      return false;
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      const auto* close = static_cast<const amqp_connection_close_t*>(method.decoded);
      AmqpFailure failure{AmqpFailure::Kind::connection_close, close->reply_code,
                          std::string(view_of(close->reply_text)), ""};
      amqp_connection_close_ok_t close_ok{};
      amqp_send_method(connection_->state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &close_ok);
      lose_connection(failure);
      return false;
    }
    default:
      return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Completion

void AmqpPublisher::fail_now(OutRecord* record, DeliveryStatus status, std::string_view reason,
                             std::string_view metric) {
  metrics_.component.error(metric).Increment();
  SinkQueue::complete(record, status, reason);
}

void AmqpPublisher::complete_settled() {
  if (settled_.empty()) return;
  // Metrics first: completing a record may answer its client, who must then see it counted.
  std::uint64_t delivered = 0;
  std::uint64_t delivered_bytes = 0;
  std::uint64_t dropped = 0;
  std::optional<Clock::time_point> first_acked;
  for (const Settled& entry : settled_) {
    if (entry.how == Settlement::acked) {
      ++delivered;
      delivered_bytes += entry.body_size;
      if (!first_acked) first_acked = entry.taken_at;
    } else if (entry.how == Settlement::returned && config_.unroutable == UnroutablePolicy::drop) {
      ++dropped;
    }
  }
  if (delivered > 0) {
    metrics_.component.events_out.Increment(static_cast<double>(delivered));
    metrics_.component.bytes_out.Increment(static_cast<double>(delivered_bytes));
    // One observation per read, of its oldest record: per batch, not per event (DESIGN §7).
    metrics_.component.ack_latency_seconds.Observe(
        std::chrono::duration<double>(Clock::now() - *first_acked).count());
  }
  if (dropped > 0) metrics_.component.dropped.Increment(static_cast<double>(dropped));

  for (const Settled& entry : settled_) {
    switch (entry.how) {
      case Settlement::acked:
        SinkQueue::complete(entry.record, DeliveryStatus::delivered);
        break;
      case Settlement::returned:
        if (config_.unroutable == UnroutablePolicy::drop) {
          SinkQueue::complete(entry.record, DeliveryStatus::delivered);
        } else {
          fail_now(entry.record, DeliveryStatus::permanent_failure,
                   fmt::format("unroutable: no queue bound for routing key {} on exchange {}; bind a queue or "
                               "set {}.mandatory: false",
                               entry.routing_key, config_.exchange, config_.key_prefix),
                   "unroutable");
        }
        break;
      case Settlement::nacked:
        fail_now(entry.record, DeliveryStatus::retryable_failure,
                 "the broker refused the message (basic.nack): a queue is full (x-overflow: reject-publish) "
                 "or failed",
                 "nacked");
        break;
      case Settlement::timed_out:
        fail_now(entry.record, DeliveryStatus::retryable_failure,
                 fmt::format("not confirmed within {}.delivery_timeout ({}){}{}", config_.key_prefix,
                             config_.delivery_timeout, last_error_.empty() ? "" : "; last error: ", last_error_),
                 "delivery_timeout");
        break;
      case Settlement::abandoned:
        fail_now(entry.record, DeliveryStatus::retryable_failure, "shutting down", "shutting_down");
        break;
    }
  }
  settled_.clear();
}

void AmqpPublisher::update_gauges(Clock::time_point now) {
  if (now < next_gauge_update_) return;
  next_gauge_update_ = now + kGaugeInterval;
  metrics_.component.inflight_bytes.Set(static_cast<double>(queue_.bytes_in_use()));
  metrics_.component.queue_depth.Set(static_cast<double>(queue_.depth()));
}

// ---------------------------------------------------------------------------------------------
// The thread

void AmqpPublisher::start() {
  thread_ = named_thread(fmt::format("amqp:{}#{}", config_.name, index_), [this] { run(); });
}

void AmqpPublisher::request_stop(Clock::time_point deadline) noexcept {
  deadline_.store(deadline.time_since_epoch().count());
  stopping_.store(true);
  std::lock_guard lock(wake_mutex_);
  ++wake_generation_;
  wake_.notify_all();
}

void AmqpPublisher::join() noexcept {
  if (!thread_.joinable()) return;
  const Clock::time_point deadline{Clock::duration(deadline_.load())};
  {
    std::unique_lock lock(wake_mutex_);
    const auto limit = deadline >= Clock::time_point::max() - kJoinGrace ? Clock::time_point::max()
                                                                          : deadline + kJoinGrace;
    wake_.wait_until(lock, limit, [this] { return exited_; });
  }
  {
    std::lock_guard lock(fd_mutex_);
    // Still running past its deadline: it is blocked in send() or recv() on a broker that stopped
    // reading. Shutting the socket down makes that call fail, and the thread finishes.
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  thread_.join();
}

bool AmqpPublisher::should_exit(Clock::time_point now) const noexcept {
  if (!stopping_.load()) return false;
  if (window_.empty()) return true;
  return now.time_since_epoch().count() >= deadline_.load();
}

void AmqpPublisher::sleep_until(Clock::time_point until) {
  std::unique_lock lock(wake_mutex_);
  const std::uint64_t seen = wake_generation_;
  wake_.wait_until(lock, until, [&] { return wake_generation_ != seen; });
}

void AmqpPublisher::run() noexcept {
  try {
    for (Clock::time_point now = Clock::now(); !should_exit(now); now = Clock::now()) {
      if (!connection_) {
        run_disconnected(now);
      } else {
        const std::size_t published = publish_from_queue(now);
        if (connection_) {
          milliseconds wait{0};
          if (blocked_.load() || window_.room() == 0 || stopping_.load()) {
            wait = kStalledWait;
          } else if (published == 0 && !window_.empty()) {
            wait = kConfirmWait;
          }
          read_frames(wait);
        }
      }
      if (config_.delivery_timeout.count() > 0) window_.expire(Clock::now() - config_.delivery_timeout, settled_);
      complete_settled();
      update_gauges(now);
    }
  } catch (const std::exception& error) {
    // Nothing above throws by design (allocation aside); never let a record be forgotten.
    spdlog::error("{} connection {}: publisher failed: {}", config_.key_prefix, index_, error.what());
  }
  window_.abandon_all(settled_);
  complete_settled();
  close_connection(true);
  metrics_.component.inflight_bytes.Set(static_cast<double>(queue_.bytes_in_use()));
  std::lock_guard lock(wake_mutex_);
  exited_ = true;
  wake_.notify_all();
}

}  // namespace sluice::amqp
