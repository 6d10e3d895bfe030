#include "sources/grpc/batch_intake.hpp"

#include "sources/grpc/wire_scan.hpp"

#include <fmt/format.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace sluice {
namespace {

// Enough for an optional varint `sequence` and the `batch` field's tag and length.
constexpr std::size_t kHeadBytes = 32;

// Copies bytes [skip, skip + size) of the message, which lies in `slices`, to `out`.
void copy_range(const std::vector<grpc::Slice>& slices, std::size_t skip, std::size_t size, char* out) noexcept {
  for (const grpc::Slice& slice : slices) {
    if (size == 0) return;
    if (skip >= slice.size()) {
      skip -= slice.size();
      continue;
    }
    const std::size_t take = std::min(slice.size() - skip, size);
    std::memcpy(out, slice.begin() + skip, take);
    out += take;
    size -= take;
    skip = 0;
  }
}

PaddedBuffer copy_of(const std::vector<grpc::Slice>& slices, std::size_t skip, std::size_t size) {
  PaddedBuffer body(size);
  copy_range(slices, skip, size, body.data());
  body.set_size(size);
  return body;
}

Intake malformed(std::string reason) {
  Intake intake;
  intake.kind = Intake::Kind::malformed;
  intake.reason = std::move(reason);
  return intake;
}

// The message's slices; grpc hands them over reference-counted, the bytes are not copied.
std::vector<grpc::Slice> slices_of(const grpc::ByteBuffer& message) {
  std::vector<grpc::Slice> slices;
  if (!message.Dump(&slices).ok()) throw std::runtime_error("cannot read the message's bytes");
  return slices;
}

// `intake.body` holds the batch: counts its events and decides what the call needs.
void classify(const GrpcSourceState& state, Intake& intake) {
  if (auto problem = grpc_wire::count_batch_events(intake.body.view(), intake.events)) {
    intake.kind = Intake::Kind::malformed;
    intake.reason = std::move(*problem);
    return;
  }
  if (!state.accepting.load(std::memory_order_relaxed)) {
    intake.kind = Intake::Kind::not_accepting;
    intake.reason = kShuttingDownReason;
    return;
  }
  if (intake.events == 0) intake.kind = Intake::Kind::empty;
}

}  // namespace

Intake read_batch_message(const grpc::ByteBuffer& message, const GrpcSourceState& state) {
  const std::vector<grpc::Slice> slices = slices_of(message);
  Intake intake;
  intake.wire_bytes = message.Length();
  intake.body = copy_of(slices, 0, intake.wire_bytes);
  classify(state, intake);
  return intake;
}

Intake read_stream_message(const grpc::ByteBuffer& message, const GrpcSourceState& state) {
  const std::vector<grpc::Slice> slices = slices_of(message);
  Intake intake;
  intake.wire_bytes = message.Length();
  const std::size_t total = intake.wire_bytes;

  // The usual layout (sequence, then the batch to the end): only the batch is copied.
  char head[kHeadBytes];
  const std::size_t head_size = std::min(total, kHeadBytes);
  copy_range(slices, 0, head_size, head);
  std::size_t batch_offset = 0;
  if (grpc_wire::read_publish_request_head(std::string_view(head, head_size), total, intake.sequence, batch_offset)) {
    intake.body = copy_of(slices, batch_offset, total - batch_offset);
  } else {
    // Any other layout protobuf allows (fields out of order, unknown fields, a batch in several
    // parts, none at all): copy the whole message, then gather the batch's parts at its front.
    intake.body = copy_of(slices, 0, total);
    grpc_wire::PublishRequestLayout layout;
    if (auto problem = grpc_wire::read_publish_request(intake.body.view(), layout)) {
      return malformed(std::move(*problem));
    }
    intake.sequence = layout.sequence;
    std::size_t size = 0;
    for (const grpc_wire::Range& part : layout.batch_parts) {
      std::memmove(intake.body.data() + size, intake.body.data() + part.offset, part.size);
      size += part.size;
    }
    intake.body.set_size(size);
  }
  classify(state, intake);
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
  auto batch = std::make_unique<IngressBatch>(state->name, ContentMode::cloudevents_protobuf, std::move(intake.body),
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
