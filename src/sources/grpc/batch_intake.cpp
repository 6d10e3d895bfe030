#include "sources/grpc/batch_intake.hpp"

#include "cloudevents.pb.h"
#include "sluice_ingest.pb.h"
#include "sources/grpc/event_json.hpp"

#include <fmt/format.h>
#include <google/protobuf/arena.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>

namespace sluice {
namespace {

using io::cloudevents::v1::CloudEventBatch;
using sluice::ingest::v1::PublishRequest;

// Parses `message` as a `Message` allocated on `arena` (one allocation block for the whole batch
// instead of one per string and map entry). Null when the bytes are not such a message.
template <class Message>
Message* parse(const grpc::ByteBuffer& message, google::protobuf::Arena& arena) {
  grpc::ByteBuffer shared(message);  // shares the slices (reference counted), no copy of the bytes
  grpc::ProtoBufferReader reader(&shared);
  auto* parsed = google::protobuf::Arena::CreateMessage<Message>(&arena);
  if (!parsed->ParseFromZeroCopyStream(&reader) || !reader.status().ok()) return nullptr;
  return parsed;
}

void render(const CloudEventBatch& batch, const GrpcSourceState& state, Intake& intake) {
  intake.events = static_cast<std::uint32_t>(batch.events_size());
  if (!state.accepting.load(std::memory_order_relaxed)) {
    intake.kind = Intake::Kind::not_accepting;
    intake.reason = kShuttingDownReason;
    return;
  }
  if (batch.events_size() == 0) {
    intake.kind = Intake::Kind::empty;
    return;
  }
  if (auto error = render_batch_json(batch, intake.wire_bytes, intake.body)) {
    intake.kind = Intake::Kind::invalid;
    intake.error_index = error->index;
    intake.reason = std::move(error->reason);
  }
}

Intake malformed(std::string_view expected) {
  Intake intake;
  intake.kind = Intake::Kind::malformed;
  intake.reason = fmt::format(
      "the message is not a valid {} (protobuf parse failed: bad wire format, or invalid UTF-8 in a string field)",
      expected);
  return intake;
}

// Enough for a typical batch in one block; larger ones grow the arena.
constexpr std::size_t kArenaStartBlock = 16 << 10;

google::protobuf::ArenaOptions arena_options() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = kArenaStartBlock;
  return options;
}

}  // namespace

Intake read_batch_message(const grpc::ByteBuffer& message, const GrpcSourceState& state) {
  google::protobuf::Arena arena(arena_options());
  const auto* batch = parse<CloudEventBatch>(message, arena);
  if (batch == nullptr) return malformed("io.cloudevents.v1.CloudEventBatch");
  Intake intake;
  intake.wire_bytes = message.Length();
  render(*batch, state, intake);
  return intake;
}

Intake read_stream_message(const grpc::ByteBuffer& message, const GrpcSourceState& state) {
  google::protobuf::Arena arena(arena_options());
  const auto* request = parse<PublishRequest>(message, arena);
  if (request == nullptr) return malformed("sluice.ingest.v1.PublishRequest");
  Intake intake;
  intake.sequence = request->sequence();
  intake.wire_bytes = message.Length();
  render(request->batch(), state, intake);
  return intake;
}

Admitted admit(GrpcSourceState& state, const Intake& intake) noexcept {
  Admission& admission = state.ingress.admission();
  Admitted result;
  result.lease = admission.try_acquire(intake.body.size());
  if (!result.lease) result.never_fits = intake.body.size() > admission.max_bytes();
  return result;
}

void submit_batch(const std::shared_ptr<GrpcSourceState>& state, Intake intake, AdmissionLease lease,
                  std::shared_ptr<OutcomeReceiver> receiver) {
  InflightCharge charge(state->metrics.inflight_bytes, static_cast<double>(lease.bytes()));
  auto token = std::make_unique<GrpcAckToken>(state, std::move(receiver), intake.sequence, std::move(charge),
                                              intake.received_at);
  auto batch = std::make_unique<IngressBatch>(state->name, ContentMode::batch, std::move(intake.body),
                                              std::move(token), std::move(lease));
  batch->ack_mode = state->config.ack_delivered ? AckMode::delivered : AckMode::accepted;
  batch->received_at = intake.received_at;
  state->metrics.bytes_in.Increment(static_cast<double>(intake.wire_bytes));
  state->batches_admitted.fetch_add(1, std::memory_order_relaxed);
  state->ingress.submit(std::move(batch));
}

std::string never_fits_reason(const Intake& intake, const GrpcSourceState& state) {
  return fmt::format("the batch needs {} bytes of budget; the whole budget is {} (pipeline.budget_bytes): send "
                     "smaller batches",
                     intake.body.size(), state.ingress.admission().max_bytes());
}

}  // namespace sluice
