#pragma once
// Turns one NATS message into one IngressBatch: copies the payload into a padded buffer (cnats owns
// its own), decides the content mode, and writes binary attributes and wrap attributes into the
// batch's arena. One batch per message because JetStream acknowledges message by message.

#include "sources/nats/config.hpp"

#include <sluice/core/batch.hpp>

#include <nats/nats.h>

#include <memory>
#include <string>
#include <string_view>

namespace sluice {

struct BuiltBatch {
  std::unique_ptr<IngressBatch> batch;  // null when the message cannot become a batch
  std::string error;                    // then: why (a malformed ce-* header)
};

// Reads `msg` (does not keep or free it). Must run on the thread that owns the message: cnats
// headers are not thread-safe. `lease` holds the message's bytes; `token` answers the batch.
BuiltBatch build_message_batch(natsMsg* msg, std::string_view source_name, const MessageFormat& format,
                               std::unique_ptr<AckToken> token, AdmissionLease lease);

// The id of the event a plain JSON JetStream message is wrapped into: "<stream>-<stream sequence>".
// A redelivery has the same stream and sequence, so it gets the same id and consumers can
// deduplicate. Empty for messages that are not JetStream's (core NATS keeps the decoder's unique ids),
// and for messages not received through a subscription: cnats reads metadata only from those.
std::string jetstream_event_id(natsMsg* msg);

// The bytes a message is charged against the budget: its payload (at least 1, so that empty
// messages are counted too).
std::uint64_t message_charge(natsMsg* msg) noexcept;

}  // namespace sluice
