#include "grpc_load.hpp"

#include "sluice_ingest.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sluice::bench {
namespace {

namespace pb = io::cloudevents::v1;
namespace ingest = sluice::ingest::v1;

constexpr std::chrono::seconds kConnectTimeout{5};
constexpr std::chrono::milliseconds kTick{100};            // how often blocked waits re-check the schedule
constexpr std::chrono::milliseconds kPushbackDelay{20};    // after OVERLOADED/UNAVAILABLE, like HTTP's 429
constexpr std::chrono::milliseconds kLateThreshold{1};

// What every stream of one run shares; immutable during the run except the atomics inside.
struct Shared {
  const LoadPlan& plan;
  const GrpcLoadOptions& options;
  const EventFactory& events;
  Schedule& schedule;
  LiveCounters& live;
};

// One batch between its Write and its ack.
struct InFlight {
  Clock::time_point due{};
  Clock::time_point sent_at{};
  std::uint64_t first_seq = 0;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};

struct Outcome {
  enum Kind { acked, rejected, failed } kind = failed;
  int status = -1;  // PublishAck.Status; -1: no ack
  std::uint64_t events_acked = 0;
  std::uint64_t filtered = 0;
  bool mismatch = false;
  std::string error;
};

// Adds one finished batch to `c`; the same bookkeeping as the HTTP mode, so reports compare.
void apply(const InFlight& b, const Outcome& out, bool late, LoadCounters& c) {
  ++c.requests;
  c.events_sent += b.count;
  if (out.status >= 0) ++c.status[out.status];
  if (!out.error.empty()) c.count_error(out.error);
  if (late) ++c.late_requests;
  switch (out.kind) {
    case Outcome::acked:
      ++c.requests_ok;
      c.events_acked += out.events_acked;
      c.events_filtered += out.filtered;
      c.bytes_acked += b.bytes;
      if (out.mismatch) ++c.ack_mismatches;
      break;
    case Outcome::rejected:
      ++c.requests_rejected;
      c.events_rejected += b.count;
      break;
    case Outcome::failed:
      ++c.requests_failed;
      c.events_failed += b.count;
      break;
  }
}

Outcome outcome_of(const ingest::PublishAck& ack, std::uint64_t count) {
  Outcome out;
  out.status = static_cast<int>(ack.status());
  switch (ack.status()) {
    case ingest::PublishAck::OK:
      out.kind = Outcome::acked;
      out.filtered = ack.filtered();
      out.events_acked = ack.accepted();
      out.mismatch = ack.accepted() + ack.filtered() != count;
      break;
    case ingest::PublishAck::OVERLOADED:
    case ingest::PublishAck::UNAVAILABLE:
      out.kind = Outcome::rejected;
      break;
    default:
      out.kind = Outcome::failed;
      out.error = "INVALID: " + ack.reason();
      break;
  }
  return out;
}

// One PublishStream: a writer thread paced by the schedule and bounded by the window, a reader
// thread matching acks to batches, and the calling thread supervising the drain timeout.
class GrpcStream {
 public:
  GrpcStream(Shared& shared, std::uint32_t index) : shared_(shared), index_(index) {}

  void run() {
    grpc::ChannelArguments arguments;
    arguments.SetMaxSendMessageSize(-1);
    // Without it every channel of the process shares one connection per target.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    const auto channel =
        grpc::CreateCustomChannel(shared_.options.target, grpc::InsecureChannelCredentials(), arguments);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + kConnectTimeout)) {
      result_.total.count_error("connect: " + shared_.options.target + " unreachable");
      return finish();
    }
    const auto stub = ingest::Ingest::NewStub(channel);
    stream_ = stub->PublishStream(&context_);

    std::jthread writer([this] { write_loop(); });
    std::jthread reader([this] { read_loop(); });
    supervise();
    writer.join();
    reader.join();
    const grpc::Status status = stream_->Finish();
    if (!status.ok() && !aborted_) {
      result_.total.count_error("stream ended: " + std::to_string(static_cast<int>(status.error_code())) + " " +
                                status.error_message());
    }
    // Whatever is still in flight never got an ack.
    for (const auto& [sequence, batch] : in_flight_) {
      Outcome out;
      out.error = aborted_ ? "abandoned at drain timeout" : "stream ended before the ack";
      if (aborted_) ++result_.abandoned_requests;
      record(batch, out, Clock::now());
    }
    in_flight_.clear();
    finish();
  }

  // Only after run() returned.
  LoadResult& result() { return result_; }

 private:
  void write_loop() {
    ingest::PublishRequest request;
    pb::CloudEventBatch& batch = *request.mutable_batch();
    for (std::uint64_t i = 0; i < shared_.plan.batch; ++i) {
      pb::CloudEvent& e = *batch.add_events();
      e.set_source(std::string(kEventSource));
      e.set_spec_version(std::string(kSpecVersion));
      e.set_type(std::string(kEventType));
      (*e.mutable_attributes())["datacontenttype"].set_ce_string(std::string(kDataContentType));
      e.mutable_text_data();
    }
    std::uint64_t next_seq = 0;
    for (std::uint64_t sequence = 0;; ++sequence) {
      const auto slot = shared_.schedule.claim();
      if (!slot) break;
      std::this_thread::sleep_until(*slot);
      if (!wait_for_room()) break;

      InFlight b;
      b.due = *slot;
      b.first_seq = next_seq;
      b.count = shared_.plan.batch;
      next_seq += b.count;
      for (std::uint64_t i = 0; i < b.count; ++i) {
        pb::CloudEvent& e = *batch.mutable_events(static_cast<int>(i));
        const EventKey key{index_, b.first_seq + i};
        std::string& id = *e.mutable_id();  // clear + append keeps the string's capacity
        id.clear();
        shared_.events.append_id(id, key);
        std::string& data = *e.mutable_text_data();
        data.clear();
        shared_.events.append_data(data, key);
      }
      request.set_sequence(sequence);
      b.bytes = request.ByteSizeLong();
      b.sent_at = Clock::now();
      {
        std::lock_guard lock(mutex_);
        in_flight_.emplace(sequence, b);
      }
      if (!stream_->Write(request)) break;  // the stream is broken; Finish() says why
    }
    stream_->WritesDone();
    std::lock_guard lock(mutex_);
    writer_done_ = true;
    changed_.notify_all();
  }

  // Waits for a free window slot and the end of a push-back pause; false when the stream or the
  // run ended meanwhile.
  bool wait_for_room() {
    std::unique_lock lock(mutex_);
    for (;;) {
      const Clock::time_point now = Clock::now();
      if (reader_done_ || shared_.schedule.over(now)) return false;
      if (in_flight_.size() < shared_.options.window && now >= pause_until_) return true;
      changed_.wait_until(lock, std::max(pause_until_, now + kTick));
    }
  }

  void read_loop() {
    ingest::PublishAck ack;
    while (stream_->Read(&ack)) {
      const Clock::time_point now = Clock::now();
      InFlight b;
      {
        std::lock_guard lock(mutex_);
        const auto it = in_flight_.find(ack.sequence());
        if (it == in_flight_.end()) {
          result_.total.count_error("ack for an unknown sequence");
          continue;
        }
        b = it->second;
        in_flight_.erase(it);
        if (ack.status() == ingest::PublishAck::OVERLOADED || ack.status() == ingest::PublishAck::UNAVAILABLE) {
          pause_until_ = now + kPushbackDelay;
        }
        changed_.notify_all();
      }
      Outcome out = outcome_of(ack, b.count);
      // Filtered events never reach the broker and the ack does not say which ones they were.
      if (out.kind == Outcome::acked && out.filtered == 0) result_.acked.insert_range(index_, b.first_seq, b.count);
      record(b, out, now);
    }
    std::lock_guard lock(mutex_);
    reader_done_ = true;
    changed_.notify_all();
  }

  // Like the HTTP watchdog: once the run is over, in-flight batches get plan.drain_timeout, then
  // the call is cancelled (which also unblocks a Write held back by flow control).
  void supervise() {
    std::optional<Clock::time_point> over_since;
    std::unique_lock lock(mutex_);
    while (!(writer_done_ && reader_done_)) {
      changed_.wait_for(lock, kTick);
      const Clock::time_point now = Clock::now();
      if (!over_since && shared_.schedule.over(now)) over_since = now;
      if (over_since && !aborted_ && now - *over_since >= shared_.plan.drain_timeout) {
        aborted_ = true;
        context_.TryCancel();
      }
    }
  }

  // Reader thread while the stream runs; run() after both threads joined.
  void record(const InFlight& b, const Outcome& out, Clock::time_point now) {
    const bool measured = b.sent_at >= shared_.schedule.measure_start();
    const bool late = shared_.schedule.paced() && b.sent_at - b.due > kLateThreshold;
    if (measured && out.kind == Outcome::acked) {
      result_.latency.record(now - b.sent_at);
      if (shared_.schedule.paced()) result_.scheduled_latency.record(now - b.due);
    }
    apply(b, out, late, result_.total);
    if (measured) {
      apply(b, out, late, result_.measured);
      result_.measure_end = std::max(result_.measure_end, now);
    }
    shared_.live.requests.fetch_add(1, std::memory_order_relaxed);
    if (out.kind == Outcome::acked) shared_.live.events_acked.fetch_add(out.events_acked, std::memory_order_relaxed);
    if (out.kind == Outcome::rejected) shared_.live.events_rejected.fetch_add(b.count, std::memory_order_relaxed);
    if (out.kind == Outcome::failed) shared_.live.requests_failed.fetch_add(1, std::memory_order_relaxed);
  }

  void finish() { result_.end = Clock::now(); }

  Shared& shared_;
  const std::uint32_t index_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriterInterface<ingest::PublishRequest, ingest::PublishAck>> stream_;

  std::mutex mutex_;  // guards the members below
  std::condition_variable changed_;
  std::unordered_map<std::uint64_t, InFlight> in_flight_;  // by PublishRequest.sequence
  Clock::time_point pause_until_{};
  bool writer_done_ = false;
  bool reader_done_ = false;
  bool aborted_ = false;

  LoadResult result_;  // the reader's while the stream runs
};

}  // namespace

LoadResult run_grpc_load(const LoadPlan& plan, const GrpcLoadOptions& options, const EventFactory& events,
                         Schedule& schedule, LiveCounters& live) {
  LoadResult merged;
  merged.start = schedule.start();
  merged.measure_start = schedule.measure_start();
  merged.measure_end = schedule.measure_start();

  Shared shared{plan, options, events, schedule, live};
  std::vector<std::unique_ptr<GrpcStream>> streams;
  for (std::uint32_t i = 0; i < plan.connections; ++i) streams.push_back(std::make_unique<GrpcStream>(shared, i));
  {
    std::vector<std::jthread> threads;
    for (auto& s : streams) threads.emplace_back([&s] { s->run(); });
  }  // joins
  for (const auto& s : streams) merged.merge(s->result());
  merged.end = std::max(merged.end, Clock::now());
  return merged;
}

}  // namespace sluice::bench
