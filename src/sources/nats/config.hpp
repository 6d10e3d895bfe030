#pragma once
// The NATS source's configuration (one entry under `sources:` with `type: nats`).

#include "sources/nats/payload_mode.hpp"
#include "sources/nats/wrap_template.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

class ConfigNode;

// How the messages of one subscription or consumer are read.
struct MessageFormat {
  PayloadMode payload = PayloadMode::auto_detect;
  std::shared_ptr<const WrapRenderer> wrap;  // null unless `wrap:` is given (required by payload: wrap)
};

// A core NATS subscription: at-most-once, no push-back; beyond the pending limits messages drop.
struct NatsSubscriptionConfig {
  std::string key;  // "sources.<name>.subscriptions[i]", for messages
  std::string subject;
  std::string queue_group;  // empty: every subscriber receives every message
  int pending_messages = 65536;
  int pending_bytes = 64 << 20;
  MessageFormat format;
};

// A durable JetStream pull consumer: at-least-once, acked after the sinks confirmed.
struct JetStreamConsumerConfig {
  std::string key;  // "sources.<name>.jetstream[i]"
  std::string stream;
  std::vector<std::string> subjects;  // non-empty: create the stream with these subjects if missing
  std::string durable;
  std::string filter_subject;
  int fetch_batch = 128;
  std::chrono::milliseconds fetch_timeout{1000};
  std::chrono::milliseconds ack_wait{30'000};
  std::chrono::milliseconds nak_delay{1000};
  std::int64_t max_ack_pending = 1000;
  MessageFormat format;
};

struct NatsTlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

struct NatsSourceConfig {
  std::string key;  // "sources.<name>"
  std::vector<std::string> urls{"nats://127.0.0.1:4222"};
  std::string connection_name;  // shown by the server's monitoring; empty: "sluice-<source name>"
  // Authentication; secrets are never logged.
  std::string user;
  std::optional<std::string> password;
  std::optional<std::string> token;
  std::string credentials_file;
  std::optional<NatsTlsConfig> tls;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds reconnect_wait{1000};
  std::chrono::milliseconds reconnect_jitter{250};
  std::vector<NatsSubscriptionConfig> subscriptions;
  std::vector<JetStreamConsumerConfig> jetstream;
};

// Reads and validates `node` (the source's mapping under `sources:`). Throws ConfigError naming
// file, line and key.
NatsSourceConfig parse_nats_source_config(const ConfigNode& node);

}  // namespace sluice
