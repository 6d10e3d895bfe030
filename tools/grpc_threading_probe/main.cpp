// sluice-grpc-threading-probe callback|async HOST:PORT [--health] [--ack-thread]
//
// An experiment, not part of sluice: a server of Ingest.PublishStream that does nothing but ack
// each message by its sequence, built two ways, so that sluice-bench --sluice-pid can measure
// grpc's own cost per event under each threading model:
//
//   callback  grpc's callback API, as the gRPC source uses it: grpc runs the reactions on its own
//             "nexting" threads (at least two), which also poll the sockets.
//   async     the completion-queue API, with one thread of ours polling and reacting.
//
// --ack-thread writes the acks from another thread in bursts every 2 ms, as sluice's Kafka
// delivery-report thread does, instead of on the thread that read the message. --health also
// registers grpc's default health service, which uses the callback API (and so starts its
// threads) whatever the rest of the server uses. Streams run until the process is killed; they
// are not freed.

#include "sluice_ingest.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace ingest = sluice::ingest::v1;
using Buffer = grpc::ByteBuffer;

// PublishRequest.sequence: field 1, a varint, which protobuf libraries write first (absent: 0).
std::uint64_t sequence_of(const Buffer& message) {
  std::vector<grpc::Slice> slices;
  if (!message.Dump(&slices).ok()) return 0;
  std::uint8_t head[11];
  std::size_t size = 0;
  for (const grpc::Slice& slice : slices) {
    for (std::size_t i = 0; i < slice.size() && size < sizeof head; ++i) head[size++] = slice.begin()[i];
  }
  if (size == 0 || head[0] != 0x08) return 0;
  std::uint64_t value = 0;
  for (std::size_t i = 1, shift = 0; i < size; ++i, shift += 7) {
    value |= std::uint64_t{head[i] & 0x7fu} << shift;
    if ((head[i] & 0x80) == 0) break;
  }
  return value;
}

// run.sh sends batches of this many events; the ack claims them all (sluice-bench checks it).
constexpr std::uint32_t kEventsPerBatch = 100;

Buffer ack_for(std::uint64_t sequence) {
  ingest::PublishAck ack;
  ack.set_sequence(sequence);
  ack.set_accepted(kEventsPerBatch);
  const std::string bytes = ack.SerializeAsString();
  grpc::Slice slice(bytes);
  return Buffer(&slice, 1);
}

// One write in flight per stream, the rest queued: the rule both APIs impose.
class AckWriter {
 public:
  explicit AckWriter(std::function<void(Buffer*)> start_write) : start_write_(std::move(start_write)) {}

  void push(Buffer ack) {
    std::unique_lock lock(mutex_);
    queue_.push_back(std::move(ack));
    if (!writing_) start_next(lock);
  }
  void write_done() {
    std::unique_lock lock(mutex_);
    writing_ = false;
    if (!queue_.empty()) start_next(lock);
  }

 private:
  void start_next(std::unique_lock<std::mutex>& lock) {
    writing_ = true;
    out_ = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    start_write_(&out_);
  }

  const std::function<void(Buffer*)> start_write_;
  std::mutex mutex_;
  std::deque<Buffer> queue_;
  Buffer out_;
  bool writing_ = false;
};

// --ack-thread: acks gathered and written from this thread every 2 ms.
class AckThread {
 public:
  void add(AckWriter& writer, std::uint64_t sequence) {
    std::lock_guard lock(mutex_);
    pending_.emplace_back(&writer, sequence);
  }
  void run() {
    std::vector<std::pair<AckWriter*, std::uint64_t>> burst;
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the pace of a poll loop
      {
        std::lock_guard lock(mutex_);
        burst.swap(pending_);
      }
      for (const auto& [writer, sequence] : burst) writer->push(ack_for(sequence));
      burst.clear();
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<AckWriter*, std::uint64_t>> pending_;
};

AckThread* g_ack_thread = nullptr;

void answer(AckWriter& writer, std::uint64_t sequence) {
  if (g_ack_thread != nullptr) {
    g_ack_thread->add(writer, sequence);
  } else {
    writer.push(ack_for(sequence));
  }
}

// --- callback API ------------------------------------------------------------------------------

class CallbackStream final : public grpc::ServerBidiReactor<Buffer, Buffer> {
 public:
  CallbackStream() { StartRead(&in_); }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    answer(writer_, sequence_of(in_));
    StartRead(&in_);
  }
  void OnWriteDone(bool /*ok*/) override { writer_.write_done(); }
  void OnDone() override {}

 private:
  Buffer in_;
  AckWriter writer_{[this](Buffer* ack) { StartWrite(ack); }};
};

class CallbackService final
    : public ingest::Ingest::WithCallbackMethod_Publish<
          ingest::Ingest::WithRawCallbackMethod_PublishStream<ingest::Ingest::Service>> {
  grpc::ServerBidiReactor<Buffer, Buffer>* PublishStream(grpc::CallbackServerContext* /*context*/) override {
    return new CallbackStream();
  }
};

// --- async API, one thread ---------------------------------------------------------------------

struct Tag {
  std::function<void(bool)> done;
};

using AsyncService = ingest::Ingest::WithAsyncMethod_Publish<
    ingest::Ingest::WithRawMethod_PublishStream<ingest::Ingest::Service>>;

class AsyncStream {
 public:
  AsyncStream(AsyncService& service, grpc::ServerCompletionQueue& queue) : service_(service), queue_(queue) {
    accepted_.done = [this](bool ok) {
      if (!ok) return;
      new AsyncStream(service_, queue_);  // the next call
      stream_.Read(&in_, &read_);
    };
    read_.done = [this](bool ok) {
      if (!ok) return;
      answer(writer_, sequence_of(in_));
      stream_.Read(&in_, &read_);
    };
    written_.done = [this](bool /*ok*/) { writer_.write_done(); };
    service_.RequestPublishStream(&context_, &stream_, &queue_, &queue_, &accepted_);
  }

 private:
  AsyncService& service_;
  grpc::ServerCompletionQueue& queue_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<Buffer, Buffer> stream_{&context_};
  Buffer in_;
  Tag accepted_;
  Tag read_;
  Tag written_;
  AckWriter writer_{[this](Buffer* ack) { stream_.Write(*ack, &written_); }};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sluice-grpc-threading-probe callback|async HOST:PORT [--health] [--ack-thread]\n");
    return 2;
  }
  const bool async = std::string_view(argv[1]) == "async";
  AckThread ack_thread;
  for (int i = 3; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--health") grpc::EnableDefaultHealthCheckService(true);
    if (std::string_view(argv[i]) == "--ack-thread") g_ack_thread = &ack_thread;
  }
  if (g_ack_thread != nullptr) std::thread([&ack_thread] { ack_thread.run(); }).detach();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(argv[2], grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(64 << 20);
  CallbackService callback_service;
  AsyncService async_service;
  std::unique_ptr<grpc::ServerCompletionQueue> queue;
  if (async) {
    builder.RegisterService(&async_service);
    queue = builder.AddCompletionQueue();
  } else {
    builder.RegisterService(&callback_service);
  }
  const std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::fprintf(stderr, "cannot listen on %s\n", argv[2]);
    return 1;
  }
  std::fprintf(stderr, "%s server on %s\n", async ? "async" : "callback", argv[2]);
  if (!async) {
    server->Wait();
    return 0;
  }
  new AsyncStream(async_service, *queue);
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<Tag*>(tag)->done(ok);
}
