#include "nats_load.hpp"

#include <nats/nats.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "event_id.hpp"

namespace sluice::bench {
namespace {

constexpr std::chrono::milliseconds kTick{100};  // how often a full window re-checks the schedule
constexpr std::chrono::milliseconds kLateThreshold{1};
constexpr std::int64_t kStallWaitMs = 1000;      // cnats' own window is a backstop; ours comes first
constexpr int kCnatsCloseWaitMs = 2000;

std::int64_t to_ms(Seconds s) { return static_cast<std::int64_t>(s.count() * 1000.0) + 1; }

std::string describe(std::string_view what, natsStatus s) {
  std::string out(what);
  out += ": ";
  out += natsStatus_GetText(s);
  return out;
}

struct Shared {
  const LoadPlan& plan;
  const NatsLoadOptions& options;
  const EventFactory& events;
  Schedule& schedule;
  LiveCounters& live;
};

// A finished group of messages (one message in JetStream mode, one flush in core mode).
struct Outcome {
  enum Kind { acked, failed } kind = failed;
  std::uint64_t messages = 0;
  std::uint64_t late = 0;
  std::uint64_t bytes = 0;
  std::string error;
};

void apply(const Outcome& out, LoadCounters& c) {
  c.requests += out.messages;
  c.events_sent += out.messages;
  c.late_requests += out.late;
  if (!out.error.empty()) c.count_error(out.error);
  if (out.kind == Outcome::acked) {
    c.requests_ok += out.messages;
    c.events_acked += out.messages;
    c.bytes_acked += out.bytes;
  } else {
    c.requests_failed += out.messages;
    c.events_failed += out.messages;
  }
}

// JetStream only: makes sure a stream catches `subject`, so publishes get PubAcks rather than
// "no responders". sluice usually declares it already.
std::string ensure_stream(const NatsLoadOptions& options) {
  natsConnection* conn = nullptr;
  if (const natsStatus s = natsConnection_ConnectTo(&conn, options.url.c_str()); s != NATS_OK) {
    return describe("connect to " + options.url, s);
  }
  std::string error;
  jsCtx* js = nullptr;
  if (const natsStatus s = natsConnection_JetStream(&js, conn, nullptr); s != NATS_OK) {
    error = describe("JetStream context", s);
  } else {
    jsStreamInfo* info = nullptr;
    jsErrCode code{};
    if (js_GetStreamInfo(&info, js, options.stream.c_str(), nullptr, &code) != NATS_OK) {
      const char* subjects[] = {options.subject.c_str()};
      jsStreamConfig config;
      jsStreamConfig_Init(&config);
      config.Name = options.stream.c_str();
      config.Subjects = subjects;
      config.SubjectsLen = 1;
      if (const natsStatus s = js_AddStream(&info, js, &config, nullptr, &code); s != NATS_OK) {
        error = describe("create stream " + options.stream, s);
      }
    }
    jsStreamInfo_Destroy(info);
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(conn);
  return error;
}

class NatsPublisher {
 public:
  NatsPublisher(Shared& shared, std::uint32_t index) : shared_(shared), index_(index) {}
  NatsPublisher(const NatsPublisher&) = delete;
  NatsPublisher& operator=(const NatsPublisher&) = delete;

  ~NatsPublisher() {
    jsCtx_Destroy(js_);
    natsConnection_Destroy(conn_);
  }

  void run() {
    if (const natsStatus s = natsConnection_ConnectTo(&conn_, shared_.options.url.c_str()); s != NATS_OK) {
      connect_error_ = describe("connect to " + shared_.options.url, s);
      result_.total.count_error(connect_error_);
      return finish();
    }
    if (shared_.options.jetstream) {
      jsOptions options;
      jsOptions_Init(&options);
      options.PublishAsync.MaxPending = static_cast<std::int64_t>(shared_.options.window) + 16;
      options.PublishAsync.AckHandler = &NatsPublisher::on_pub_ack;
      options.PublishAsync.AckHandlerClosure = this;
      options.PublishAsync.StallWait = kStallWaitMs;
      if (const natsStatus s = natsConnection_JetStream(&js_, conn_, &options); s != NATS_OK) {
        connect_error_ = describe("JetStream context", s);
        result_.total.count_error(connect_error_);
        return finish();
      }
      run_jetstream();
    } else {
      run_core();
    }
    finish();
  }

  const std::string& connect_error() const { return connect_error_; }
  // Only after run() returned and cnats' threads are gone.
  LoadResult& result() { return result_; }

 private:
  void render(std::uint64_t seq) {
    payload_.clear();
    shared_.events.append_event(payload_, EventKey{index_, seq});
  }

  // Core NATS: publish into cnats' buffer, flush every plan.batch messages; the PONG of a flush
  // says the server has every message before it.
  void run_core() {
    const int flush_timeout = static_cast<int>(to_ms(shared_.plan.request_timeout));
    std::uint64_t next_seq = 0;
    Group group;
    const auto flush = [&] {
      if (group.messages == 0) return;
      const natsStatus s = natsConnection_FlushTimeout(conn_, flush_timeout);
      Outcome out;
      out.kind = s == NATS_OK ? Outcome::acked : Outcome::failed;
      if (s != NATS_OK) out.error = describe("flush", s);
      out.messages = group.messages;
      out.late = group.late;
      out.bytes = group.bytes;
      if (s == NATS_OK) result_.acked.insert_range(index_, group.first_seq, group.messages);
      std::lock_guard lock(mutex_);
      record_locked(out, group.sent_at, group.due, Clock::now());
      group = Group{};
    };
    for (;;) {
      const auto slot = shared_.schedule.claim();
      if (!slot) break;
      std::this_thread::sleep_until(*slot);
      render(next_seq);
      const Clock::time_point now = Clock::now();
      const natsStatus s = natsConnection_Publish(conn_, shared_.options.subject.c_str(), payload_.data(),
                                                  static_cast<int>(payload_.size()));
      if (s != NATS_OK) {
        flush();  // keeps every group's sequence numbers contiguous
        Outcome out;
        out.messages = 1;
        out.error = describe("publish", s);
        std::lock_guard lock(mutex_);
        record_locked(out, now, *slot, now);
        ++next_seq;
        continue;
      }
      if (group.messages == 0) {
        group.first_seq = next_seq;
        group.sent_at = now;
        group.due = *slot;
      }
      ++group.messages;
      group.bytes += payload_.size();
      if (shared_.schedule.paced() && now - *slot > kLateThreshold) ++group.late;
      ++next_seq;
      if (group.messages >= shared_.plan.batch) flush();
    }
    flush();
  }

  // JetStream: asynchronous publishes, at most options.window without a PubAck.
  void run_jetstream() {
    jsPubOptions publish;
    jsPubOptions_Init(&publish);
    publish.MaxWait = to_ms(shared_.plan.request_timeout);  // a PubAck later than this is an error
    for (std::uint64_t seq = 0;; ++seq) {
      const auto slot = shared_.schedule.claim();
      if (!slot) break;
      std::this_thread::sleep_until(*slot);
      if (!wait_for_room()) break;
      render(seq);
      const Clock::time_point now = Clock::now();
      {
        std::lock_guard lock(mutex_);
        in_flight_.emplace(seq, InFlight{*slot, now, payload_.size()});
      }
      const natsStatus s = js_PublishAsync(js_, shared_.options.subject.c_str(), payload_.data(),
                                           static_cast<int>(payload_.size()), &publish);
      if (s != NATS_OK) {
        std::lock_guard lock(mutex_);
        if (in_flight_.erase(seq) != 0) {
          Outcome out;
          out.messages = 1;
          out.error = describe("publish", s);
          record_locked(out, now, *slot, now);
        }
      }
    }
    jsPubOptions drain;
    jsPubOptions_Init(&drain);
    drain.MaxWait = to_ms(shared_.plan.drain_timeout);
    js_PublishAsyncComplete(js_, &drain);  // bounded; what is left is abandoned below

    std::lock_guard lock(mutex_);
    closed_ = true;  // late PubAcks are ignored from now on
    const Clock::time_point now = Clock::now();
    for (const auto& [seq, m] : in_flight_) {
      Outcome out;
      out.messages = 1;
      out.error = "no PubAck by the drain timeout";
      ++result_.abandoned_requests;
      record_locked(out, m.sent_at, m.due, now);
    }
    in_flight_.clear();
  }

  bool wait_for_room() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (shared_.schedule.over(Clock::now())) return false;
      if (in_flight_.size() < shared_.options.window) return true;
      room_.wait_for(lock, kTick);
    }
  }

  static void on_pub_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
    static_cast<NatsPublisher*>(closure)->handle_pub_ack(msg, pa, pae);
    natsMsg_Destroy(msg);
  }

  // On cnats' reply thread. The message is matched by the id in its payload: cheaper than a map
  // from cnats' reply inbox, and the id is what the verifier looks for anyway.
  void handle_pub_ack(natsMsg* msg, const jsPubAck* pa, const jsPubAckErr* pae) {
    const Clock::time_point now = Clock::now();
    const std::string_view data(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    const auto id = find_json_string(data, "id");
    const auto key = id ? parse_event_id(*id, shared_.events.run_id()) : std::nullopt;
    std::lock_guard lock(mutex_);
    if (closed_ || !key) return;
    const auto it = in_flight_.find(key->seq);
    if (it == in_flight_.end()) return;
    const InFlight m = it->second;
    in_flight_.erase(it);
    room_.notify_one();
    Outcome out;
    out.messages = 1;
    out.bytes = m.bytes;
    if (pa != nullptr) {
      out.kind = Outcome::acked;
      result_.acked.insert(*key);
    } else {
      out.error = std::string("PubAck error: ") +
                  (pae != nullptr && pae->ErrText != nullptr ? pae->ErrText : "unknown");
    }
    if (shared_.schedule.paced() && m.sent_at - m.due > kLateThreshold) out.late = 1;
    record_locked(out, m.sent_at, m.due, now);
  }

  // Callers hold mutex_: the publisher thread and cnats' reply thread both record.
  void record_locked(const Outcome& out, Clock::time_point sent_at, Clock::time_point due, Clock::time_point now) {
    const bool measured = sent_at >= shared_.schedule.measure_start();
    if (measured && out.kind == Outcome::acked) {
      result_.latency.record(now - sent_at);
      if (shared_.schedule.paced()) result_.scheduled_latency.record(now - due);
    }
    apply(out, result_.total);
    if (measured) {
      apply(out, result_.measured);
      result_.measure_end = std::max(result_.measure_end, now);
    }
    shared_.live.requests.fetch_add(out.messages, std::memory_order_relaxed);
    if (out.kind == Outcome::acked) {
      shared_.live.events_acked.fetch_add(out.messages, std::memory_order_relaxed);
    } else {
      shared_.live.requests_failed.fetch_add(out.messages, std::memory_order_relaxed);
    }
  }

  void finish() {
    std::lock_guard lock(mutex_);
    result_.end = Clock::now();
  }

  // Core mode: the messages since the last flush.
  struct Group {
    std::uint64_t first_seq = 0;
    std::uint64_t messages = 0;
    std::uint64_t late = 0;
    std::uint64_t bytes = 0;
    Clock::time_point sent_at{};
    Clock::time_point due{};
  };
  // JetStream mode: one message between its publish and its PubAck.
  struct InFlight {
    Clock::time_point due{};
    Clock::time_point sent_at{};
    std::uint64_t bytes = 0;
  };

  Shared& shared_;
  const std::uint32_t index_;
  natsConnection* conn_ = nullptr;
  jsCtx* js_ = nullptr;
  std::string payload_;
  std::string connect_error_;

  std::mutex mutex_;  // guards the members below
  std::condition_variable room_;
  std::unordered_map<std::uint64_t, InFlight> in_flight_;  // by event sequence
  bool closed_ = false;
  LoadResult result_;
};

}  // namespace

LoadResult run_nats_load(const LoadPlan& plan, const NatsLoadOptions& options, const EventFactory& events,
                         Schedule& schedule, LiveCounters& live) {
  LoadResult merged;
  merged.start = schedule.start();
  merged.measure_start = schedule.measure_start();
  merged.measure_end = schedule.measure_start();
  if (options.jetstream && !options.stream.empty()) {
    merged.fatal_error = ensure_stream(options);
    if (!merged.fatal_error.empty()) {
      nats_CloseAndWait(kCnatsCloseWaitMs);
      return merged;
    }
  }

  Shared shared{plan, options, events, schedule, live};
  std::vector<std::unique_ptr<NatsPublisher>> publishers;
  for (std::uint32_t i = 0; i < plan.connections; ++i) publishers.push_back(std::make_unique<NatsPublisher>(shared, i));
  {
    std::vector<std::jthread> threads;
    for (auto& p : publishers) threads.emplace_back([&p] { p->run(); });
  }  // joins
  bool any_connected = false;
  for (const auto& p : publishers) any_connected = any_connected || p->connect_error().empty();
  if (!any_connected) merged.fatal_error = publishers.front()->connect_error();
  // Connections first, then cnats' own threads, so no PubAck callback can outlive its publisher.
  for (auto& p : publishers) merged.merge(p->result());
  publishers.clear();
  nats_CloseAndWait(kCnatsCloseWaitMs);
  merged.end = std::max(merged.end, Clock::now());
  return merged;
}

}  // namespace sluice::bench
