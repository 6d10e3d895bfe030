#include "sources/nats/message_batch.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <vector>

namespace sluice {
namespace {

// Collects every header value; `storage` keeps the arrays cnats allocated until the caller is done.
class MessageHeaders {
 public:
  explicit MessageHeaders(natsMsg* msg) {
    const char** keys = nullptr;
    int key_count = 0;
    if (natsMsgHeader_Keys(msg, &keys, &key_count) != NATS_OK) return;
    for (int i = 0; i < key_count; ++i) {
      const char** values = nullptr;
      int value_count = 0;
      if (natsMsgHeader_Values(msg, keys[i], &values, &value_count) != NATS_OK) continue;
      for (int j = 0; j < value_count; ++j) fields_.push_back(HeaderField{keys[i], values[j]});
      arrays_.push_back(values);
    }
    arrays_.push_back(keys);
  }
  ~MessageHeaders() {
    // The strings belong to the message; only the pointer arrays are ours.
    for (const char** array : arrays_) std::free(static_cast<void*>(array));
  }
  MessageHeaders(const MessageHeaders&) = delete;
  MessageHeaders& operator=(const MessageHeaders&) = delete;

  std::span<const HeaderField> fields() const noexcept { return fields_; }

 private:
  std::vector<HeaderField> fields_;
  std::vector<const char**> arrays_;
};

}  // namespace

std::string jetstream_event_id(natsMsg* msg) {
  const char* reply = natsMsg_GetReply(msg);
  // Checked first so that core messages do not leave a cnats error behind for this thread.
  if (reply == nullptr || !std::string_view(reply).starts_with("$JS.ACK.")) return {};
  jsMsgMetaData* metadata = nullptr;
  if (natsMsg_GetMetaData(&metadata, msg) != NATS_OK) return {};
  std::string id = fmt::format("{}-{}", metadata->Stream, metadata->Sequence.Stream);
  jsMsgMetaData_Destroy(metadata);
  return id;
}

std::uint64_t message_charge(natsMsg* msg) noexcept {
  const int length = natsMsg_GetDataLength(msg);
  return length > 0 ? static_cast<std::uint64_t>(length) : 1;
}

BuiltBatch build_message_batch(natsMsg* msg, std::string_view source_name, const MessageFormat& format,
                               std::unique_ptr<AckToken> token, AdmissionLease lease) {
  const int length = natsMsg_GetDataLength(msg);
  const char* data = natsMsg_GetData(msg);
  PaddedBuffer body = PaddedBuffer::copy_of(
      length > 0 && data != nullptr ? std::string_view(data, static_cast<std::size_t>(length)) : std::string_view());

  PayloadDecision decision;
  if (format.payload == PayloadMode::structured || format.payload == PayloadMode::wrap) {
    decision = decide_payload(format.payload, format.wrap != nullptr, {}, body.view());
  } else {
    const MessageHeaders headers(msg);
    decision = decide_payload(format.payload, format.wrap != nullptr, headers.fields(), body.view());
  }
  if (decision.error) return BuiltBatch{nullptr, std::move(*decision.error)};

  auto batch =
      std::make_unique<IngressBatch>(source_name, decision.mode, std::move(body), std::move(token), std::move(lease));
  if (decision.mode == ContentMode::binary) {
    batch->binary_attributes.reserve(decision.attributes.size());
    for (const auto& [name, value] : decision.attributes) {
      batch->binary_attributes.emplace_back(batch->arena.copy(name), batch->arena.copy(value));
    }
  } else if (decision.mode == ContentMode::plain_json && format.wrap != nullptr) {
    const char* subject = natsMsg_GetSubject(msg);
    std::string type;
    std::string source;
    format.wrap->render(batch->body().view(), subject != nullptr ? subject : "", type, source);
    // An empty rendering leaves the decoder's defaults in place rather than an invalid empty value.
    if (!type.empty()) batch->wrap_type = batch->arena.copy(type);
    if (!source.empty()) batch->wrap_source = batch->arena.copy(source);
  }
  if (decision.mode == ContentMode::plain_json) {
    if (const std::string id = jetstream_event_id(msg); !id.empty()) batch->wrap_id = batch->arena.copy(id);
  }
  return BuiltBatch{std::move(batch), {}};
}

}  // namespace sluice
