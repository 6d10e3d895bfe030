#include "publish_load.hpp"

#include "sluice_ingest.grpc.pb.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace sluice::grpc_client {
namespace {

namespace pb = io::cloudevents::v1;
namespace ingest = sluice::ingest::v1;
using Clock = std::chrono::steady_clock;

// One worker's share of the load and what it saw. Merged into the LoadResult at the end.
struct Share {
  unsigned index = 0;
  std::uint64_t events = 0;
  LoadResult result;
};

// A batch template: events with ids rewritten per batch, each about `event_size` bytes on the wire.
pb::CloudEventBatch make_template(const LoadOptions& options) {
  pb::CloudEventBatch batch;
  constexpr std::uint32_t kEnvelope = 110;  // attributes and field framing of one event
  const std::size_t padding = options.event_size > kEnvelope + 12 ? options.event_size - kEnvelope - 12 : 1;
  const std::string data = fmt::format(R"({{"pad":"{}"}})", std::string(padding, 'x'));
  for (std::uint32_t i = 0; i < options.batch; ++i) {
    pb::CloudEvent* event = batch.add_events();
    event->set_source("/sluice-grpc-publish");
    event->set_spec_version("1.0");
    event->set_type("io.sluice.load");
    (*event->mutable_attributes())["datacontenttype"].set_ce_string("application/json");
    event->set_text_data(data);
  }
  return batch;
}

// Fills `batch` with the next `events` events of worker `worker`.
void fill(pb::CloudEventBatch& batch, const pb::CloudEventBatch& model, unsigned worker, std::uint64_t first,
          std::uint64_t events) {
  if (static_cast<std::uint64_t>(batch.events_size()) != events) {
    batch = model;
    while (static_cast<std::uint64_t>(batch.events_size()) > events) batch.mutable_events()->RemoveLast();
  }
  for (std::uint64_t i = 0; i < events; ++i) batch.mutable_events(static_cast<int>(i))->set_id(fmt::format("w{}-{}", worker, first + i));
}

void note_ack(LoadResult& result, ingest::PublishAck::Status status, std::uint32_t events, const std::string& reason) {
  switch (status) {
    case ingest::PublishAck::OK:
      ++result.acks_ok;
      result.events_acked += events;
      return;
    case ingest::PublishAck::INVALID: ++result.acks_invalid; break;
    case ingest::PublishAck::OVERLOADED: ++result.acks_overloaded; break;
    default: ++result.acks_unavailable; break;
  }
  if (result.first_error.empty()) result.first_error = reason;
}

std::shared_ptr<grpc::Channel> make_channel(const LoadOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxSendMessageSize(-1);
  // Without it every channel of the process shares one connection per target.
  if (!options.shared_connection) arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), arguments);
}

void run_stream(const LoadOptions& options, const std::shared_ptr<grpc::Channel>& channel, Share& share) {
  auto stub = ingest::Ingest::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options.deadline);
  auto stream = stub->PublishStream(&context);

  const pb::CloudEventBatch model = make_template(options);
  std::mutex mutex;
  std::condition_variable room;
  unsigned unacked = 0;
  bool reader_done = false;
  std::unordered_map<std::uint64_t, std::pair<Clock::time_point, std::uint32_t>> sent;  // sequence -> (time, events)

  std::thread writer([&] {
    ingest::PublishRequest request;
    std::uint64_t sequence = 0;
    for (std::uint64_t first = 0; first < share.events; first += options.batch) {
      const std::uint64_t events = std::min<std::uint64_t>(options.batch, share.events - first);
      fill(*request.mutable_batch(), model, share.index, first, events);
      request.set_sequence(sequence);
      {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return unacked < options.window || reader_done; });
        if (reader_done) break;
        ++unacked;
        sent[sequence] = {Clock::now(), static_cast<std::uint32_t>(events)};
      }
      if (!stream->Write(request)) break;
      ++share.result.batches_sent;
      share.result.events_sent += events;
      share.result.wire_bytes += request.ByteSizeLong();
      ++sequence;
    }
    stream->WritesDone();
  });

  ingest::PublishAck ack;
  while (stream->Read(&ack)) {
    const auto now = Clock::now();
    std::lock_guard lock(mutex);
    const auto found = sent.find(ack.sequence());
    if (found == sent.end()) continue;
    share.result.latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - found->second.first).count());
    note_ack(share.result, ack.status(), found->second.second, ack.reason());
    sent.erase(found);
    --unacked;
    room.notify_one();
  }
  {
    std::lock_guard lock(mutex);
    reader_done = true;
    room.notify_one();
  }
  writer.join();
  const grpc::Status status = stream->Finish();
  if (!status.ok()) {
    ++share.result.rpc_errors;
    if (share.result.first_error.empty()) {
      share.result.first_error = fmt::format("stream ended: {} ({})", status.error_message(),
                                             static_cast<int>(status.error_code()));
    }
  }
}

void run_unary(const LoadOptions& options, const std::shared_ptr<grpc::Channel>& channel, Share& share) {
  auto stub = ingest::Ingest::NewStub(channel);
  const pb::CloudEventBatch model = make_template(options);
  pb::CloudEventBatch batch;
  for (std::uint64_t first = 0; first < share.events; first += options.batch) {
    const std::uint64_t events = std::min<std::uint64_t>(options.batch, share.events - first);
    fill(batch, model, share.index, first, events);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options.deadline);
    ingest::PublishResponse response;
    const auto start = Clock::now();
    const grpc::Status status = stub->Publish(&context, batch, &response);
    ++share.result.batches_sent;
    share.result.events_sent += events;
    share.result.wire_bytes += batch.ByteSizeLong();
    if (status.ok()) {
      share.result.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      note_ack(share.result, ingest::PublishAck::OK, static_cast<std::uint32_t>(events), "");
      continue;
    }
    switch (status.error_code()) {
      case grpc::StatusCode::INVALID_ARGUMENT: ++share.result.acks_invalid; break;
      case grpc::StatusCode::RESOURCE_EXHAUSTED: ++share.result.acks_overloaded; break;
      case grpc::StatusCode::UNAVAILABLE: ++share.result.acks_unavailable; break;
      default: ++share.result.rpc_errors; break;
    }
    if (share.result.first_error.empty()) {
      share.result.first_error = fmt::format("{} ({})", status.error_message(), static_cast<int>(status.error_code()));
    }
  }
}

}  // namespace

LoadResult run_load(const LoadOptions& options) {
  std::vector<Share> shares(options.streams);
  const std::uint64_t per_worker = options.count / options.streams;
  for (unsigned i = 0; i < options.streams; ++i) {
    shares[i].index = i;
    shares[i].events = per_worker + (i < options.count % options.streams ? 1 : 0);
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (unsigned i = 0; i < options.streams; ++i) {
    channels.push_back(options.shared_connection && i > 0 ? channels.front() : make_channel(options));
  }
  // Connect first, so connection set-up is not measured.
  for (const auto& channel : channels) {
    channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }

  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < options.streams; ++i) {
    workers.emplace_back([&, i] {
      if (options.mode == Mode::stream) {
        run_stream(options, channels[i], shares[i]);
      } else {
        run_unary(options, channels[i], shares[i]);
      }
    });
  }
  for (auto& worker : workers) worker.join();

  LoadResult total;
  total.elapsed = Clock::now() - start;
  for (Share& share : shares) {
    LoadResult& part = share.result;
    total.batches_sent += part.batches_sent;
    total.events_sent += part.events_sent;
    total.wire_bytes += part.wire_bytes;
    total.acks_ok += part.acks_ok;
    total.events_acked += part.events_acked;
    total.acks_invalid += part.acks_invalid;
    total.acks_unavailable += part.acks_unavailable;
    total.acks_overloaded += part.acks_overloaded;
    total.rpc_errors += part.rpc_errors;
    if (total.first_error.empty()) total.first_error = part.first_error;
    total.latencies_ms.insert(total.latencies_ms.end(), part.latencies_ms.begin(), part.latencies_ms.end());
  }
  return total;
}

}  // namespace sluice::grpc_client
