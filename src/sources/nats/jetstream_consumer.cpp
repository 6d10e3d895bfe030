#include "sources/nats/jetstream_consumer.hpp"

#include "sources/nats/message_batch.hpp"
#include "sources/nats/nats_error.hpp"

#include <sluice/core/thread_name.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kFirstBackoff = 100ms;
constexpr auto kMaxBackoff = 5s;
// Below this the average is noise (headers, tiny test messages) and would over-fetch.
constexpr double kMinAverageBytes = 64;

std::int64_t nanos(std::chrono::milliseconds duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

bool same_filter(const char* current, const std::string& wanted) {
  return (current == nullptr ? std::string_view() : std::string_view(current)) == wanted;
}

}  // namespace

JetStreamConsumer::JetStreamConsumer(JetStreamConsumerConfig config, std::shared_ptr<NatsSourceShared> shared,
                                     IngressPort& ingress, AckDispatcher& dispatcher, DeadLetters& dead_letters)
    : config_(std::move(config)),
      policy_{config_.ack_wait, config_.nak_delay},
      shared_(std::move(shared)),
      ingress_(ingress),
      dispatcher_(dispatcher),
      dead_letters_(dead_letters),
      gate_(ingress.admission()) {}

JetStreamConsumer::~JetStreamConsumer() {
  stop_fetching();
  join();
  close();
}

void JetStreamConsumer::bind(jsCtx* js) {
  ensure_stream(js);
  ensure_consumer(js);
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = config_.stream.c_str();
  options.Consumer = config_.durable.c_str();
  // Bound to an existing consumer, the subject only has to match its filter (any, without one).
  const char* subject = config_.filter_subject.empty() ? ">" : config_.filter_subject.c_str();
  jsErrCode code{};
  const natsStatus status =
      js_PullSubscribe(&subscription_, js, subject, config_.durable.c_str(), nullptr, &options, &code);
  if (status != NATS_OK) {
    throw std::runtime_error(
        fmt::format("{}.durable: cannot bind a pull subscription to consumer '{}' of stream '{}': {}", config_.key,
                    config_.durable, config_.stream, describe_nats_error(status)));
  }
}

void JetStreamConsumer::ensure_stream(jsCtx* js) {
  jsStreamInfo* info = nullptr;
  jsErrCode code{};
  natsStatus status = js_GetStreamInfo(&info, js, config_.stream.c_str(), nullptr, &code);
  if (status == NATS_OK) {
    jsStreamInfo_Destroy(info);
    return;
  }
  if (status != NATS_NOT_FOUND && code != JSStreamNotFoundErr) {
    throw std::runtime_error(fmt::format("{}.stream: cannot look up stream '{}' (is JetStream enabled?): {}",
                                         config_.key, config_.stream, describe_nats_error(status)));
  }
  if (config_.subjects.empty()) {
    throw std::runtime_error(
        fmt::format("{}.stream: stream '{}' does not exist (create it, or list `subjects` to let "
                    "sluice create it)",
                    config_.key, config_.stream));
  }
  std::vector<const char*> subjects;
  for (const std::string& subject : config_.subjects) subjects.push_back(subject.c_str());
  jsStreamConfig stream;
  jsStreamConfig_Init(&stream);
  stream.Name = config_.stream.c_str();
  stream.Subjects = subjects.data();
  stream.SubjectsLen = static_cast<int>(subjects.size());
  stream.Storage = js_FileStorage;
  status = js_AddStream(&info, js, &stream, nullptr, &code);
  if (status != NATS_OK) {
    throw std::runtime_error(fmt::format("{}.subjects: cannot create stream '{}': {}", config_.key, config_.stream,
                                         describe_nats_error(status)));
  }
  jsStreamInfo_Destroy(info);
  spdlog::info("nats source '{}': created JetStream stream '{}' on {}", shared_->name, config_.stream,
               fmt::join(config_.subjects, ", "));
}

void JetStreamConsumer::ensure_consumer(jsCtx* js) {
  jsConsumerConfig wanted;
  jsConsumerConfig_Init(&wanted);
  wanted.Durable = config_.durable.c_str();
  wanted.AckPolicy = js_AckExplicit;
  wanted.AckWait = nanos(config_.ack_wait);
  wanted.MaxAckPending = config_.max_ack_pending;
  wanted.FilterSubject = config_.filter_subject.empty() ? nullptr : config_.filter_subject.c_str();

  jsConsumerInfo* info = nullptr;
  jsErrCode code{};
  natsStatus status = js_GetConsumerInfo(&info, js, config_.stream.c_str(), config_.durable.c_str(), nullptr, &code);
  if (status == NATS_OK) {
    // Shared by every sluice instance that names it: bring it in line with this configuration.
    const jsConsumerConfig& current = *info->Config;
    const bool same = current.AckWait == wanted.AckWait && current.MaxAckPending == wanted.MaxAckPending &&
                      same_filter(current.FilterSubject, config_.filter_subject);
    const bool push = current.DeliverSubject != nullptr && *current.DeliverSubject != '\0';
    jsConsumerInfo_Destroy(info);
    info = nullptr;
    if (push) {
      throw std::runtime_error(
          fmt::format("{}.durable: consumer '{}' is a push consumer; sluice needs a pull consumer "
                      "(choose another durable name)",
                      config_.key, config_.durable));
    }
    if (same) return;
    status = js_UpdateConsumer(&info, js, config_.stream.c_str(), &wanted, nullptr, &code);
    if (status != NATS_OK) {
      throw std::runtime_error(
          fmt::format("{}.durable: consumer '{}' exists with other settings that cannot be "
                      "changed: {}",
                      config_.key, config_.durable, describe_nats_error(status)));
    }
    jsConsumerInfo_Destroy(info);
    return;
  }
  if (status != NATS_NOT_FOUND && code != JSConsumerNotFoundErr) {
    throw std::runtime_error(fmt::format("{}.durable: cannot look up consumer '{}' of stream '{}': {}", config_.key,
                                         config_.durable, config_.stream, describe_nats_error(status)));
  }
  status = js_AddConsumer(&info, js, config_.stream.c_str(), &wanted, nullptr, &code);
  if (status != NATS_OK) {
    throw std::runtime_error(fmt::format("{}.durable: cannot create consumer '{}' on stream '{}': {}", config_.key,
                                         config_.durable, config_.stream, describe_nats_error(status)));
  }
  jsConsumerInfo_Destroy(info);
}

void JetStreamConsumer::start() {
  thread_ = named_thread("js-fetch", [this] { run(); });
}

void JetStreamConsumer::stop_fetching() noexcept {
  stopping_.store(true, std::memory_order_release);
  gate_.stop();
}

void JetStreamConsumer::join() noexcept {
  if (thread_.joinable()) thread_.join();
}

void JetStreamConsumer::close() noexcept {
  if (subscription_ == nullptr) return;
  natsSubscription_Destroy(subscription_);
  subscription_ = nullptr;
}

JetStreamStats JetStreamConsumer::stats() const noexcept {
  return JetStreamStats{fetches_.load(std::memory_order_relaxed), messages_.load(std::memory_order_relaxed),
                        largest_fetch_.load(std::memory_order_relaxed), last_fetch_.load(std::memory_order_relaxed)};
}

int JetStreamConsumer::fetch_size() const noexcept {
  const double fit =
      static_cast<double>(ingress_.admission().free_bytes()) / std::max(average_bytes_, kMinAverageBytes);
  return static_cast<int>(std::min(fit, static_cast<double>(config_.fetch_batch)));
}

void JetStreamConsumer::run() {
  auto backoff = std::chrono::milliseconds(kFirstBackoff);
  while (!stopping_.load(std::memory_order_acquire)) {
    try {
      if (fetch_once()) {
        backoff = kFirstBackoff;
        continue;
      }
    } catch (const std::exception& error) {
      // Out of memory, most likely: the messages not yet handed over are redelivered after their
      // ack wait. The thread must survive it, or the consumer would stop for good.
      shared_->metrics.internal.Increment();
      shared_->failures.note("JetStream fetch failures", error.what());
    }
    // Disconnected, consumer deleted, server limits: back off rather than hammer the server.
    gate_.pause(Clock::now() + backoff);
    backoff = std::min(std::chrono::milliseconds(backoff * 2), std::chrono::milliseconds(kMaxBackoff));
  }
}

bool JetStreamConsumer::fetch_once() {
  const int size = fetch_size();
  if (size == 0) {
    // Not even one average message fits: sleep on the budget instead of pulling.
    gate_.wait(static_cast<std::uint64_t>(std::max(average_bytes_, kMinAverageBytes)),
               Clock::now() + config_.fetch_timeout);
    return true;
  }
  last_fetch_.store(static_cast<std::uint64_t>(size), std::memory_order_relaxed);
  if (static_cast<std::uint64_t>(size) > largest_fetch_.load(std::memory_order_relaxed)) {
    largest_fetch_.store(static_cast<std::uint64_t>(size), std::memory_order_relaxed);
  }
  natsMsgList list{nullptr, 0};
  // Frees only what handle() did not take, also when it throws.
  const std::unique_ptr<natsMsgList, void (*)(natsMsgList*)> guard(&list, &natsMsgList_Destroy);
  jsErrCode code{};
  const natsStatus status = natsSubscription_Fetch(&list, subscription_, size, config_.fetch_timeout.count(), &code);
  if (status == NATS_OK) {
    fetches_.fetch_add(1, std::memory_order_relaxed);
    messages_.fetch_add(static_cast<std::uint64_t>(list.Count), std::memory_order_relaxed);
    handle(list);
  }
  if (status == NATS_OK || status == NATS_TIMEOUT) return true;  // a timeout: nothing to fetch
  shared_->metrics.fetch_failed.Increment();
  shared_->failures.note("JetStream fetch failures",
                         fmt::format("{} (stream '{}', consumer '{}'): {}", config_.key, config_.stream,
                                     config_.durable, describe_nats_error(status)));
  return false;
}

void JetStreamConsumer::handle(natsMsgList& list) {
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* msg = list.Msgs[i];
    list.Msgs[i] = nullptr;  // ours now; natsMsgList_Destroy skips it
    handle_one(msg, list, i + 1);
  }
}

void JetStreamConsumer::handle_one(natsMsg* msg, natsMsgList& list, int next) {
  if (stopping_.load(std::memory_order_acquire)) {
    // Fetched while stopping: let another consumer have it now rather than after the ack wait.
    natsMsg_Nak(msg, nullptr);
    natsMsg_Destroy(msg);
    return;
  }
  const std::uint64_t charge = message_charge(msg);
  average_bytes_ += (static_cast<double>(charge) - average_bytes_) / 8;
  shared_->metrics.core.bytes_in.Increment(static_cast<double>(natsMsg_GetDataLength(msg)));
  if (charge > ingress_.admission().max_bytes()) {
    reject(msg, shared_->metrics.too_large,
           fmt::format("{} bytes is more than the whole budget ({} bytes, pipeline.budget_bytes)", charge,
                       ingress_.admission().max_bytes()));
    return;
  }
  std::optional<AdmissionLease> lease = acquire(charge, msg, list, next);
  if (!lease) {
    natsMsg_Nak(msg, nullptr);
    natsMsg_Destroy(msg);
    return;
  }
  std::unique_ptr<IngressBatch> batch;
  std::uint64_t id = 0;
  try {
    id = dispatcher_.reserve();
    BuiltBatch built =
        build_message_batch(msg, shared_->name, config_.format, dispatcher_.make_token(id, charge), std::move(*lease));
    if (!built.batch) {
      reject(msg, shared_->metrics.malformed_header, built.error);
      return;
    }
    batch = std::move(built.batch);
  } catch (const std::exception& error) {
    shared_->metrics.internal.Increment();
    shared_->failures.note("messages nak'ed after an internal error", error.what());
    natsMsg_NakWithDelay(msg, config_.nak_delay.count(), nullptr);
    natsMsg_Destroy(msg);
    return;
  }
  dispatcher_.track(id, msg, policy_);
  ingress_.submit(std::move(batch));
}

std::optional<AdmissionLease> JetStreamConsumer::acquire(std::uint64_t bytes, natsMsg* msg, natsMsgList& list,
                                                         int next) {
  auto next_progress = Clock::now() + config_.ack_wait / 2;
  while (true) {
    if (auto lease = ingress_.admission().try_acquire(bytes)) return lease;
    if (stopping_.load(std::memory_order_acquire)) return std::nullopt;
    const auto now = Clock::now();
    if (now >= next_progress) {
      // Held back by the budget: keep the server from redelivering what this thread already holds.
      natsMsg_InProgress(msg, nullptr);
      for (int j = next; j < list.Count; ++j) natsMsg_InProgress(list.Msgs[j], nullptr);
      next_progress = now + config_.ack_wait / 2;
    }
    gate_.wait(bytes, std::min(next_progress, now + config_.fetch_timeout));
  }
}

void JetStreamConsumer::reject(natsMsg* msg, prometheus::Counter& reason, std::string_view detail) {
  reason.Increment();
  dead_letters_.on_rejected(msg, detail);
  if (natsMsg_Term(msg, nullptr) != NATS_OK) shared_->metrics.ack_failed.Increment();
  natsMsg_Destroy(msg);
}

}  // namespace sluice
