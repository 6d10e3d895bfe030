#include "kafka_verifier.hpp"

#include <librdkafka/rdkafka.h>

#include <array>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "event_id.hpp"

namespace sluice::bench {
namespace {

constexpr int kPollMillis = 100;
constexpr std::size_t kBatchMessages = 1024;
// Short: a topic created after the start may be filling at tens of MiB/s per partition while the
// mock cluster keeps ~5 MiB of it.
constexpr std::chrono::milliseconds kMetadataRetry{100};
// Once every acknowledged id is in, keep reading until the topic has been quiet this long (to count
// late duplicates), but never longer than kMaxSettle.
constexpr std::chrono::milliseconds kSettleIdle{300};
constexpr std::chrono::seconds kMaxSettle{2};
constexpr std::size_t kMissingExamples = 10;
// Ids claiming absurd connection or sequence numbers are not ours (or are corrupt); bounding them
// bounds the seen-set's memory.
constexpr std::uint32_t kMaxConnection = 1 << 16;
constexpr std::uint64_t kMaxSeq = std::uint64_t{1} << 32;

int millis(Seconds s) { return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(s).count()); }

struct KafkaHandle {
  rd_kafka_t* rk = nullptr;
  ~KafkaHandle() {
    if (rk) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

// Partition ids of `topic`, empty when it does not exist yet; nullopt with `error` when the
// cluster cannot be asked.
std::optional<std::vector<std::int32_t>> topic_partitions(rd_kafka_t* rk, const std::string& topic, int timeout_ms,
                                                         std::string& error) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = std::string("cannot read Kafka metadata: ") + rd_kafka_err2str(err);
    return std::nullopt;
  }
  std::vector<std::int32_t> partitions;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const auto& mt = md->topics[t];
    if (topic != mt.topic || mt.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    for (int p = 0; p < mt.partition_cnt; ++p) partitions.push_back(mt.partitions[p].id);
  }
  rd_kafka_metadata_destroy(md);
  return partitions;
}

}  // namespace

struct KafkaVerifier::Impl {
  VerifyOptions options;
  KafkaHandle kafka;
  rd_kafka_queue_t* queue = nullptr;
  bool assigned = false;
  Clock::time_point next_metadata{};
  // The next offset expected per partition: a jump means messages were deleted (the mock cluster's
  // retention) before the verifier read them, so "missing" may be the verifier's fault.
  std::unordered_map<std::int32_t, std::int64_t> expected_offset;

  // Owned by the consumer thread until it has finished.
  IdSet seen;
  VerifyResult result;
  std::uint64_t seen_acked = 0;
  std::atomic<std::uint64_t> seen_count{0};

  // Hand-over from finish() to the consumer thread.
  std::mutex mutex;
  std::condition_variable cv;
  const IdSet* acked = nullptr;
  Clock::time_point finish_start{};
  Clock::time_point deadline{};
  bool done = false;

  std::jthread thread;

  ~Impl() {
    if (thread.joinable()) {
      thread.request_stop();
      thread.join();
    }
    if (queue) rd_kafka_queue_destroy(queue);
  }

  bool assign(const std::vector<std::int32_t>& partitions, std::int64_t offset_for_all,
              const std::vector<std::int64_t>* offsets, std::string& error) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
    for (std::size_t i = 0; i < partitions.size(); ++i) {
      const std::int64_t offset = offsets ? (*offsets)[i] : offset_for_all;
      rd_kafka_topic_partition_list_add(list, options.topic.c_str(), partitions[i])->offset = offset;
      expected_offset[partitions[i]] = offset == RD_KAFKA_OFFSET_BEGINNING ? 0 : offset;
    }
    const rd_kafka_resp_err_t err = rd_kafka_assign(kafka.rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      error = std::string("cannot assign partitions: ") + rd_kafka_err2str(err);
      return false;
    }
    assigned = true;
    return true;
  }

  // A topic that appears after the start holds only messages produced since: read it all.
  void try_late_assign() {
    const Clock::time_point now = Clock::now();
    if (assigned || now < next_metadata) return;
    next_metadata = now + kMetadataRetry;
    std::string error;
    const auto partitions = topic_partitions(kafka.rk, options.topic, kPollMillis, error);
    if (partitions && !partitions->empty()) assign(*partitions, RD_KAFKA_OFFSET_BEGINNING, nullptr, error);
  }

  std::optional<std::string_view> message_id(const rd_kafka_message_t* m) const {
    if (options.format != KafkaFormat::structured) {
      rd_kafka_headers_t* headers = nullptr;
      const void* value = nullptr;
      std::size_t size = 0;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          rd_kafka_header_get_last(headers, "ce_id", &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR && value) {
        return std::string_view(static_cast<const char*>(value), size);
      }
      if (options.format == KafkaFormat::binary) return std::nullopt;
    }
    if (!m->payload) return std::nullopt;
    return find_json_string(std::string_view(static_cast<const char*>(m->payload), m->len), "id");
  }

  void on_message(const rd_kafka_message_t* m) {
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
      ++result.consumer_errors;
      if (result.first_error.empty()) result.first_error = rd_kafka_message_errstr(m);
      return;
    }
    ++result.messages;
    auto& expected = expected_offset[m->partition];
    if (m->offset > expected) result.skipped_offsets += static_cast<std::uint64_t>(m->offset - expected);
    expected = m->offset + 1;
    const auto id = message_id(m);
    const auto key = id ? parse_event_id(*id, options.run_id) : std::nullopt;
    if (!key || key->connection >= kMaxConnection || key->seq >= kMaxSeq) {
      ++result.foreign;
      return;
    }
    if (!seen.insert(*key)) {
      ++result.duplicates;
      return;
    }
    seen_count.store(seen.size(), std::memory_order_relaxed);
    if (acked && acked->contains(*key)) ++seen_acked;
  }

  void run(const std::stop_token& stop) {
    std::array<rd_kafka_message_t*, kBatchMessages> batch{};
    std::optional<Clock::time_point> complete_at;
    Clock::time_point last_message = Clock::now();
    // Bounded: before finish() by the stop token (the destructor), after it by the deadline.
    while (!stop.stop_requested()) {
      try_late_assign();
      const ssize_t n = rd_kafka_consume_batch_queue(queue, kPollMillis, batch.data(), batch.size());
      // Under the lock because finish() swaps in the acknowledged set from another thread; it is
      // taken once per batch, not per message.
      std::unique_lock lock(mutex);
      for (ssize_t i = 0; i < n; ++i) {
        on_message(batch[static_cast<std::size_t>(i)]);
        rd_kafka_message_destroy(batch[static_cast<std::size_t>(i)]);
      }
      const Clock::time_point now = Clock::now();
      if (n > 0) last_message = now;
      if (!acked) continue;
      if (!complete_at && seen_acked >= acked->size()) complete_at = now;
      const bool settled = complete_at && (now - last_message >= kSettleIdle || now - *complete_at >= kMaxSettle);
      if (settled || now >= deadline) {
        result.complete = seen_acked >= acked->size();
        result.wait_seconds = Seconds((complete_at ? *complete_at : now) - finish_start).count();
        done = true;
        lock.unlock();
        cv.notify_all();
        return;
      }
    }
  }

  // Called on the consumer thread's side of the hand-over, under `mutex`.
  void begin_finish(const IdSet& a) {
    acked = &a;
    seen_acked = seen.count_common(a);
  }
};

KafkaVerifier::KafkaVerifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaVerifier::~KafkaVerifier() = default;

std::uint64_t KafkaVerifier::seen() const { return impl_->seen_count.load(std::memory_order_relaxed); }

std::unique_ptr<KafkaVerifier> KafkaVerifier::start(const VerifyOptions& options, std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::string group = "sluice-bench-" + options.run_id;
  const std::array<std::pair<const char*, const char*>, 11> settings{{
      {"bootstrap.servers", options.brokers.c_str()},
      {"group.id", group.c_str()},  // required by the consumer API; offsets are never committed
      {"client.id", "sluice-bench-verifier"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
      {"allow.auto.create.topics", "false"},  // sluice's producer creates the topic, not the bench
      {"auto.offset.reset", "earliest"},      // fallen behind retention: lose as little as possible
      {"fetch.wait.max.ms", "50"},
      {"max.partition.fetch.bytes", "4194304"},  // keep up with a fast producer in few round trips
      {"log_level", "3"},
  }};
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      error = std::string("Kafka consumer config ") + name + ": " + errstr;
      return nullptr;
    }
  }
  impl->kafka.rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!impl->kafka.rk) {
    rd_kafka_conf_destroy(conf);
    error = std::string("cannot create Kafka consumer: ") + errstr;
    return nullptr;
  }
  rd_kafka_poll_set_consumer(impl->kafka.rk);
  impl->queue = rd_kafka_queue_get_consumer(impl->kafka.rk);

  const auto partitions = topic_partitions(impl->kafka.rk, options.topic, millis(options.connect_timeout), error);
  if (!partitions) {
    error += " (--kafka-brokers " + options.brokers + ")";
    return nullptr;
  }
  if (!partitions->empty()) {
    // Start at the current end so a reused topic's old messages are not read at all.
    std::vector<std::int64_t> offsets;
    for (const std::int32_t p : *partitions) {
      std::int64_t low = 0;
      std::int64_t high = 0;
      const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
          impl->kafka.rk, options.topic.c_str(), p, &low, &high, millis(options.connect_timeout));
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = "cannot read the watermarks of " + options.topic + ": " + rd_kafka_err2str(err);
        return nullptr;
      }
      offsets.push_back(high);
    }
    if (!impl->assign(*partitions, 0, &offsets, error)) return nullptr;
  }
  Impl* raw = impl.get();
  impl->thread = std::jthread([raw](std::stop_token stop) { raw->run(stop); });
  return std::unique_ptr<KafkaVerifier>(new KafkaVerifier(std::move(impl)));
}

VerifyResult KafkaVerifier::finish(const IdSet& acked, Seconds timeout) {
  Impl& impl = *impl_;
  std::unique_lock lock(impl.mutex);
  impl.finish_start = Clock::now();
  impl.deadline = impl.finish_start + std::chrono::duration_cast<Clock::duration>(timeout);
  impl.begin_finish(acked);
  // The consumer thread checks `deadline` every poll, so this wait ends shortly after it.
  impl.cv.wait(lock, [&] { return impl.done; });
  lock.unlock();
  impl.thread.join();

  VerifyResult r = impl.result;
  r.acked = acked.size();
  r.seen = impl.seen.size();
  r.missing = acked.size() - impl.seen_acked;
  r.unacked_seen = impl.seen.size() - impl.seen_acked;
  if (r.missing > 0) {
    acked.for_each([&](EventKey key) {
      if (r.missing_examples.size() < kMissingExamples && !impl.seen.contains(key)) {
        r.missing_examples.push_back(format_event_id(impl.options.run_id, key));
      }
    });
  }
  return r;
}

}  // namespace sluice::bench
