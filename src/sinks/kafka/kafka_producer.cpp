#include "sinks/kafka/kafka_producer.hpp"

#include "sinks/kafka/client_config.hpp"
#include "sinks/kafka/cloudevents_binding.hpp"
#include "sinks/kafka/delivery.hpp"
#include "sinks/kafka/error_mapping.hpp"

#include <sluice/core/thread_name.hpp>

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sluice::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kDrainBulk = 1024;
constexpr auto kPopTimeout = 50ms;
constexpr int kPollTimeoutMs = 100;
constexpr auto kMetadataRetry = 1s;
constexpr int kMetadataTimeoutMs = 1000;
// After the deadline and the purge, librdkafka still has to hand back the purged messages.
constexpr auto kPurgeGrace = 5s;
// A route may render a topic per event; beyond this many distinct topics, new ones are produced
// by name instead of holding a topic handle each.
constexpr std::size_t kMaxCachedTopics = 10'000;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

std::int64_t to_ns(Clock::time_point time) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

}  // namespace

struct KafkaProducer::Impl {
  Impl(const KafkaSinkConfig& config, std::string bootstrap, SinkQueue& queue, ComponentMetrics& metrics);
  ~Impl();

  void start();
  void stop(Clock::time_point deadline) noexcept;
  bool ready() const noexcept {
    return connected_.load(std::memory_order_acquire) && !brokers_down_.load(std::memory_order_acquire) &&
           !fatal_.load(std::memory_order_acquire);
  }

  // --- drain thread ---
  void run_drain();
  void produce(OutRecord* record);
  rd_kafka_topic_t* topic_handle(std::string_view topic);
  void fail_on_drain(OutRecord* record, rd_kafka_resp_err_t error) noexcept;
  bool past_drain_deadline() const noexcept {
    return stop_draining_.load(std::memory_order_acquire) &&
           to_ns(Clock::now()) >= drain_deadline_ns_.load(std::memory_order_acquire);
  }

  // --- poll thread (and librdkafka callbacks, which run inside rd_kafka_poll) ---
  void run_poll();
  void check_metadata();
  void on_delivery(const rd_kafka_message_t& message) noexcept;
  void on_error(rd_kafka_resp_err_t error, const char* reason) noexcept;
  void update_gauges() noexcept;
  // After each rd_kafka_poll: publish the round's counts, recycle its records.
  void end_report_round() {
    round_now_.reset();
    pending_pool_.give_back();
    poll_tally_.flush();
  }

  // Wakes threads waiting for librdkafka to make progress (queue room, in-flight count).
  void notify_progress() noexcept;
  template <typename Predicate>
  void wait_progress_until(Clock::time_point deadline, Predicate done);
  // Until the next notification or `timeout`, whichever comes first.
  void wait_progress_once(std::chrono::milliseconds timeout);

  void fail_queued() noexcept;

  // librdkafka callbacks; `opaque` is this Impl.
  static void delivery_report(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque);
  static void error_callback(rd_kafka_t* handle, int error, const char* reason, void* opaque);
  static void log_callback(const rd_kafka_t* handle, int level, const char* facility, const char* message);

  const std::string name_;
  const std::string key_prefix_;
  const std::string default_topic_;
  const std::string bootstrap_;
  SinkQueue& queue_;
  ComponentMetrics& metrics_;
  rd_kafka_t* handle_ = nullptr;

  std::thread drain_thread_;
  std::thread poll_thread_;
  bool started_ = false;
  bool stopped_ = false;
  std::atomic<bool> stop_draining_{false};
  std::atomic<bool> stop_polling_{false};
  std::atomic<std::int64_t> drain_deadline_ns_{0};

  std::atomic<bool> connected_{false};
  std::atomic<bool> brokers_down_{false};
  std::atomic<bool> fatal_{false};
  std::atomic<std::int64_t> in_flight_{0};

  std::mutex progress_mutex_;
  std::condition_variable progress_;
  std::atomic<int> progress_waiters_{0};

  PendingPool pending_pool_;

  // Drain thread only.
  Clock::time_point bulk_began_;
  CloudEventsKafkaEncoder encoder_;
  std::unordered_map<std::string, rd_kafka_topic_t*, StringHash, std::equal_to<>> topics_;
  std::string topic_scratch_;
  std::vector<rd_kafka_vu_t> vus_;
  DeliveryTally drain_tally_;
  KafkaErrorTexts drain_texts_;

  // Poll thread only (the stopping thread once the poll thread has ended).
  std::optional<Clock::time_point> round_now_;
  DeliveryTally poll_tally_;
  KafkaErrorTexts poll_texts_;

  LogLimiter failure_log_{std::chrono::seconds(10)};
  LogLimiter error_log_{std::chrono::seconds(10)};
};

void KafkaProducer::Impl::delivery_report(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  static_cast<Impl*>(opaque)->on_delivery(*message);
}

void KafkaProducer::Impl::error_callback(rd_kafka_t*, int error, const char* reason, void* opaque) {
  static_cast<Impl*>(opaque)->on_error(static_cast<rd_kafka_resp_err_t>(error), reason);
}

// librdkafka logs from its own threads; spdlog is thread-safe and does not block on I/O for long.
void KafkaProducer::Impl::log_callback(const rd_kafka_t* handle, int level, const char* facility,
                                       const char* message) {
  const auto* self = static_cast<const Impl*>(rd_kafka_opaque(handle));
  const std::string_view name = self != nullptr ? std::string_view(self->name_) : std::string_view("?");
  // librdkafka logs a refused connection at LOG_ERR; for sluice that is a warning (it retries).
  if (level <= 2) {
    spdlog::error("kafka sink '{}': librdkafka {}: {}", name, facility, message);
  } else if (level <= 4) {
    spdlog::warn("kafka sink '{}': librdkafka {}: {}", name, facility, message);
  } else if (level <= 6) {
    spdlog::info("kafka sink '{}': librdkafka {}: {}", name, facility, message);
  } else {
    spdlog::debug("kafka sink '{}': librdkafka {}: {}", name, facility, message);
  }
}

KafkaProducer::Impl::Impl(const KafkaSinkConfig& config, std::string bootstrap, SinkQueue& queue,
                          ComponentMetrics& metrics)
    : name_(config.name),
      key_prefix_(config.key_prefix),
      default_topic_(config.topic),
      bootstrap_(std::move(bootstrap)),
      queue_(queue),
      metrics_(metrics),
      encoder_(config.format),
      drain_tally_(metrics),
      drain_texts_(config.key_prefix),
      poll_tally_(metrics),
      poll_texts_(config.key_prefix) {
  ConfPtr conf = build_producer_conf(config, bootstrap_, queue.share_bytes());
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), delivery_report);
  rd_kafka_conf_set_error_cb(conf.get(), error_callback);
  rd_kafka_conf_set_log_cb(conf.get(), log_callback);
  char errstr[512] = {};
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (handle_ == nullptr) {
    // Cross-property checks (e.g. idempotence with acks=1) happen only here.
    throw std::runtime_error(fmt::format("{}.properties: librdkafka refused the producer configuration: {}",
                                         key_prefix_, errstr));
  }
  conf.release();  // owned by the handle now
  vus_.reserve(16);
}

KafkaProducer::Impl::~Impl() {
  for (auto& [topic, handle] : topics_) rd_kafka_topic_destroy(handle);
  rd_kafka_destroy(handle_);
}

void KafkaProducer::Impl::start() {
  started_ = true;
  poll_thread_ = named_thread("kpoll:" + name_, [this] { run_poll(); });
  drain_thread_ = named_thread("kdrain:" + name_, [this] { run_drain(); });
}

// --- drain thread -------------------------------------------------------------------------------

void KafkaProducer::Impl::run_drain() {
  std::array<OutRecord*, kDrainBulk> records{};
  while (!stop_draining_.load(std::memory_order_acquire)) {
    const std::size_t count = queue_.pop(records, kPopTimeout);
    // One clock read per bulk: produce time is the start of the bulk (ack latency is measured to
    // the millisecond, not the microsecond).
    bulk_began_ = Clock::now();
    std::size_t taken = 0;
    std::uint64_t taken_bytes = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (records[i] == nullptr) continue;  // a wake-up
      ++taken;
      taken_bytes += records[i]->bytes;
      produce(records[i]);  // may complete the record: read it before
    }
    if (taken != 0) {
      metrics_.events_in.Increment(static_cast<double>(taken));
      metrics_.bytes_in.Increment(static_cast<double>(taken_bytes));
    }
    drain_tally_.flush();
  }
}

rd_kafka_topic_t* KafkaProducer::Impl::topic_handle(std::string_view topic) {
  if (auto found = topics_.find(topic); found != topics_.end()) return found->second;
  if (topics_.size() >= kMaxCachedTopics) return nullptr;
  std::string name(topic);
  rd_kafka_topic_t* handle = rd_kafka_topic_new(handle_, name.c_str(), nullptr);
  if (handle != nullptr) topics_.emplace(std::move(name), handle);
  return handle;
}

void KafkaProducer::Impl::produce(OutRecord* record) {
  PendingRecord* pending = pending_pool_.take();
  pending->record = record;
  const KafkaMessage& message = encoder_.encode(*record, pending->payload);
  const std::string_view key = kafka_key(*record);
  const std::string_view topic = record->topic.empty() ? std::string_view(default_topic_) : record->topic;

  vus_.clear();
  rd_kafka_vu_t vu{};
  if (rd_kafka_topic_t* handle = topic_handle(topic)) {
    vu.vtype = RD_KAFKA_VTYPE_RKT;
    vu.u.rkt = handle;
  } else {
    topic_scratch_.assign(topic);  // producev wants a C string; views are not NUL-terminated
    vu.vtype = RD_KAFKA_VTYPE_TOPIC;
    vu.u.cstr = topic_scratch_.c_str();
  }
  vus_.push_back(vu);
  vu = {};
  vu.vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu.u.i = 0;  // no copy: the value lives in the batch or in `pending` until the delivery report
  vus_.push_back(vu);
  vu = {};
  vu.vtype = RD_KAFKA_VTYPE_VALUE;
  vu.u.mem.ptr = message.has_value ? const_cast<char*>(message.value.data()) : nullptr;
  vu.u.mem.size = message.has_value ? message.value.size() : 0;
  vus_.push_back(vu);
  if (!key.empty()) {
    vu = {};
    vu.vtype = RD_KAFKA_VTYPE_KEY;
    vu.u.mem.ptr = const_cast<char*>(key.data());  // copied by librdkafka
    vu.u.mem.size = key.size();
    vus_.push_back(vu);
  }
  for (const KafkaHeader& header : message.headers) {
    vu = {};
    vu.vtype = RD_KAFKA_VTYPE_HEADER;
    vu.u.header.name = header.name;
    vu.u.header.val = header.value.data();
    vu.u.header.size = static_cast<ssize_t>(header.value.size());
    vus_.push_back(vu);
  }
  vu = {};
  vu.vtype = RD_KAFKA_VTYPE_OPAQUE;
  vu.u.ptr = pending;
  vus_.push_back(vu);

  pending->produced_at = bulk_began_;
  // Counted before producing: the delivery report may be served before produceva returns.
  in_flight_.fetch_add(1, std::memory_order_acq_rel);
  for (;;) {
    rd_kafka_error_t* error = rd_kafka_produceva(handle_, vus_.data(), vus_.size());
    if (error == nullptr) return;  // the delivery report owns `pending` now
    const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
    rd_kafka_error_destroy(error);
    if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL && !past_drain_deadline()) {
      // Backpressure, not failure: wait for delivery reports to make room. While we wait the
      // SinkQueue fills and the workers push back on the sources.
      wait_progress_once(5ms);
      continue;
    }
    in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    delete pending;  // not worth a trip to the pool: failures at produce time are rare
    fail_on_drain(record, code == RD_KAFKA_RESP_ERR__QUEUE_FULL ? RD_KAFKA_RESP_ERR__PURGE_QUEUE : code);
    return;
  }
}

void KafkaProducer::Impl::fail_on_drain(OutRecord* record, rd_kafka_resp_err_t error) noexcept {
  try {
    drain_tally_.failed(error);
    const std::string& reason = drain_texts_.describe(error);
    std::uint64_t suppressed = 0;
    if (failure_log_.allow(suppressed)) {
      spdlog::warn("{} (record not produced; {} similar messages suppressed)", reason, suppressed);
    }
    SinkQueue::complete(record, classify_kafka_error(error).status, reason);
  } catch (...) {
    SinkQueue::complete(record, classify_kafka_error(error).status, "kafka: produce failed");
  }
}

// --- poll thread --------------------------------------------------------------------------------

void KafkaProducer::Impl::run_poll() {
  Clock::time_point next_metadata_check = Clock::now();
  while (!stop_polling_.load(std::memory_order_acquire)) {
    if (!ready() && !fatal_.load(std::memory_order_acquire) && Clock::now() >= next_metadata_check) {
      check_metadata();
      next_metadata_check = Clock::now() + kMetadataRetry;
    }
    const int served = rd_kafka_poll(handle_, kPollTimeoutMs);
    end_report_round();
    update_gauges();
    if (served > 0) notify_progress();
  }
}

void KafkaProducer::Impl::check_metadata() {
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t error = rd_kafka_metadata(handle_, 0, nullptr, &metadata, kMetadataTimeoutMs);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return;  // the error callback reports why
  const int brokers = metadata->broker_cnt;
  rd_kafka_metadata_destroy(metadata);
  brokers_down_.store(false, std::memory_order_release);
  if (!connected_.exchange(true, std::memory_order_acq_rel)) {
    spdlog::info("kafka sink '{}': connected to {} ({} broker{})", name_, bootstrap_, brokers, brokers == 1 ? "" : "s");
  }
}

void KafkaProducer::Impl::on_delivery(const rd_kafka_message_t& message) noexcept {
  auto* pending = static_cast<PendingRecord*>(message._private);
  OutRecord* record = pending->record;
  if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (!round_now_) round_now_ = Clock::now();  // one clock read per round of reports
    poll_tally_.delivered(message.len + message.key_len, *round_now_ - pending->produced_at);
    if (brokers_down_.load(std::memory_order_relaxed)) brokers_down_.store(false, std::memory_order_release);
    SinkQueue::complete(record, DeliveryStatus::delivered);
  } else {
    try {
      poll_tally_.failed(message.err);
      const std::string& reason = poll_texts_.describe(message.err);
      std::uint64_t suppressed = 0;
      if (failure_log_.allow(suppressed)) {
        spdlog::warn("{} (delivery failed; {} similar messages suppressed)", reason, suppressed);
      }
      SinkQueue::complete(record, classify_kafka_error(message.err).status, reason);
    } catch (...) {
      SinkQueue::complete(record, classify_kafka_error(message.err).status, "kafka: delivery failed");
    }
  }
  pending_pool_.give(pending);
  in_flight_.fetch_sub(1, std::memory_order_acq_rel);
}

void KafkaProducer::Impl::on_error(rd_kafka_resp_err_t error, const char* reason) noexcept {
  if (error == RD_KAFKA_RESP_ERR__FATAL) {
    char detail[512] = {};
    const rd_kafka_resp_err_t cause = rd_kafka_fatal_error(handle_, detail, sizeof(detail));
    fatal_.store(true, std::memory_order_release);
    spdlog::error("kafka sink '{}': fatal producer error {}: {}; the sink stops delivering until sluice restarts",
                  name_, rd_kafka_err2name(cause), detail);
    return;
  }
  if (error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) brokers_down_.store(true, std::memory_order_release);
  // Connection failures are already in librdkafka's own log lines (log_callback).
  if (error == RD_KAFKA_RESP_ERR__TRANSPORT || error == RD_KAFKA_RESP_ERR__RESOLVE) return;
  std::uint64_t suppressed = 0;
  if (error_log_.allow(suppressed)) {
    spdlog::warn("kafka sink '{}': {}: {} ({} similar messages suppressed)", name_, rd_kafka_err2name(error), reason,
                 suppressed);
  }
}

void KafkaProducer::Impl::update_gauges() noexcept {
  metrics_.inflight_bytes.Set(static_cast<double>(queue_.bytes_in_use()));
  metrics_.queue_depth.Set(static_cast<double>(queue_.depth()));
}

// --- coordination -------------------------------------------------------------------------------

void KafkaProducer::Impl::notify_progress() noexcept {
  if (progress_waiters_.load(std::memory_order_acquire) == 0) return;
  std::lock_guard lock(progress_mutex_);
  progress_.notify_all();
}

template <typename Predicate>
void KafkaProducer::Impl::wait_progress_until(Clock::time_point deadline, Predicate done) {
  progress_waiters_.fetch_add(1, std::memory_order_acq_rel);
  while (!done() && Clock::now() < deadline) {
    std::unique_lock lock(progress_mutex_);
    // Short slices: a notification may slip in between the check and the wait.
    progress_.wait_until(lock, std::min(deadline, Clock::now() + 10ms));
  }
  progress_waiters_.fetch_sub(1, std::memory_order_acq_rel);
}

void KafkaProducer::Impl::wait_progress_once(std::chrono::milliseconds timeout) {
  progress_waiters_.fetch_add(1, std::memory_order_acq_rel);
  {
    std::unique_lock lock(progress_mutex_);
    progress_.wait_for(lock, timeout);  // a notification lost before the wait costs `timeout`
  }
  progress_waiters_.fetch_sub(1, std::memory_order_acq_rel);
}

void KafkaProducer::Impl::fail_queued() noexcept {
  const std::string reason = fmt::format(
      "kafka sink '{}': stopped before the record was sent (shutting down); the client should retry", name_);
  std::array<OutRecord*, kDrainBulk> records{};
  std::size_t count = 0;
  while ((count = queue_.pop(records, std::chrono::microseconds(0))) > 0) {
    for (std::size_t i = 0; i < count; ++i) {
      if (records[i] != nullptr) SinkQueue::complete(records[i], DeliveryStatus::retryable_failure, reason);
    }
  }
}

void KafkaProducer::Impl::stop(Clock::time_point deadline) noexcept {
  if (stopped_) return;
  stopped_ = true;
  if (!started_) {
    fail_queued();
    return;
  }
  drain_deadline_ns_.store(to_ns(deadline), std::memory_order_release);
  stop_draining_.store(true, std::memory_order_release);
  queue_.wake_consumer();
  drain_thread_.join();

  // The poll thread keeps serving delivery reports while we wait, so callbacks stay on it.
  auto nothing_in_flight = [this] { return in_flight_.load(std::memory_order_acquire) == 0; };
  wait_progress_until(deadline, nothing_in_flight);
  if (const std::int64_t left = in_flight_.load(std::memory_order_acquire); left > 0) {
    spdlog::warn("kafka sink '{}': {} record(s) still unconfirmed at the shutdown deadline; failing them", name_,
                 left);
    rd_kafka_purge(handle_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    wait_progress_until(Clock::now() + kPurgeGrace, nothing_in_flight);
  }
  stop_polling_.store(true, std::memory_order_release);
  poll_thread_.join();
  // Reports that arrived after the poll thread's last round.
  const Clock::time_point last_chance = Clock::now() + 1s;
  while (!nothing_in_flight() && Clock::now() < last_chance) {
    rd_kafka_poll(handle_, 10);
    end_report_round();
  }
  if (const std::int64_t left = in_flight_.load(std::memory_order_acquire); left > 0) {
    // Cannot happen with a working librdkafka (purge reports every message); if it does, their
    // payloads may still be referenced, so the batches must not be freed under librdkafka.
    spdlog::error("kafka sink '{}': librdkafka did not report {} purged record(s); their batches stay open", name_,
                  left);
  }
  fail_queued();
  poll_tally_.flush();
  drain_tally_.flush();
  update_gauges();
}

// --- KafkaProducer ------------------------------------------------------------------------------

KafkaProducer::KafkaProducer(const KafkaSinkConfig& config, std::string bootstrap_servers, SinkQueue& queue,
                             ComponentMetrics& metrics)
    : impl_(std::make_unique<Impl>(config, std::move(bootstrap_servers), queue, metrics)) {}

KafkaProducer::~KafkaProducer() { impl_->stop(Clock::now()); }

void KafkaProducer::start() { impl_->start(); }

bool KafkaProducer::ready() const noexcept { return impl_->ready(); }

void KafkaProducer::stop(std::chrono::steady_clock::time_point deadline) noexcept { impl_->stop(deadline); }

std::int64_t KafkaProducer::in_flight() const noexcept { return impl_->in_flight_.load(std::memory_order_acquire); }

}  // namespace sluice::kafka
